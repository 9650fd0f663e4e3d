"""What 打印 / 另存为PDF / 另存为Excel and `report …` run: fetch the views from the services, render them with reports/.

Each function reads (never writes) and renders to a path or stream; the GUI runs them off the GUI thread.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from ..domain.profile_schema import Profile
from ..store.audit import audit_anchor_short
from .actor import Actor, rechecked
from .errors import NotFound, UserError
from .guard import require
from .incident_reports import ReportService
from .incidents import IncidentService
from .responses import ResponseService
from .statistics import StatisticsService
from .warnings import WarningService

if TYPE_CHECKING:
    from ..store.database import Database
    from .roster import MonthView


def _district(profile: Profile) -> str:
    return profile.name


def _head(db: Database, profile: Profile) -> dict[str, str]:
    """district and issuer (发文机关) for a document: the organisation chosen at setup (services.installation)."""
    from .installation import letterhead

    return {"district": profile.name, "issuer": letterhead(db, profile).name}


def _numbered(db: Database, profile: Profile) -> dict[str, str]:
    """_head plus the 发文机关代字 of document numbers (东应急报〔2026〕12号)."""
    from .installation import letterhead

    head = letterhead(db, profile)
    return {"district": profile.name, "issuer": head.name, "issuer_short": head.short}


def incident_report(db: Database, profile: Profile, actor: Actor, incident_id: int, target: str | Path | BinaryIO,
                    *, report_id: int | None = None, slip: bool = False) -> None:
    """The incident's report (the given one, else the last sent, else the last prepared) as 公文; ``slip``: the
    leader-review slip instead."""
    from ..reports.documents import incident_report_pdf, leader_review_slip_pdf

    incident = IncidentService(db, profile).get(actor, incident_id)
    reports = ReportService(db).reports(actor, incident_id)
    if not reports:
        raise UserError(f"事件{incident_id}还没有报告", f"incident {incident_id} has no report yet")
    if report_id is not None:
        chosen = next((r for r in reports if r.id == report_id), None)
        if chosen is None:
            raise NotFound(f"事件{incident_id}没有编号为{report_id}的报告", f"incident {incident_id} has no report {report_id}")
    else:
        sent = [r for r in reports if r.sent_at]
        chosen = (sent or reports)[-1]
    if slip:
        leader_review_slip_pdf(target, incident, chosen, **_head(db, profile))
    else:
        incident_report_pdf(target, incident, chosen, **_numbered(db, profile))


def warning_document(db: Database, profile: Profile, warning_id: int, target, *, kind: str = "approval") -> None:
    """kind: approval (审批单, every signature and time) | release (发布单)."""
    from ..reports.documents import warning_approval_pdf, warning_release_pdf

    svc = WarningService(db, profile)
    view = svc.get(warning_id)
    if kind == "release":
        warning_release_pdf(target, view, **_numbered(db, profile))
    else:
        warning_approval_pdf(target, view, svc.history(warning_id), **_numbered(db, profile))


def response_notice(db: Database, profile: Profile, incident_id: int, actor: Actor, target) -> None:
    from ..reports.documents import response_notice_pdf

    svc = ResponseService(db, profile)
    current = svc.current(incident_id)
    if current is None:
        raise UserError(f"事件{incident_id}未启动应急响应", f"incident {incident_id} has no response")
    incident = IncidentService(db, profile).get(actor, incident_id)
    response_notice_pdf(target, incident, current, svc.history(incident_id), **_numbered(db, profile))


def statistics(db: Database, profile: Profile, actor: Actor, first: dt.date, last: dt.date,
               target: str | Path | BinaryIO, *, fmt: str | None = None, progress=None) -> None:
    """fmt pdf | xlsx (default: from the file name). ``progress(done, total, text)``: the count's steps (as
    StatisticsService.period), then one step while the document is rendered."""
    from ..config import pick
    from ..reports.statistics_report import statistics_pdf, statistics_xlsx

    fmt = fmt or (Path(target).suffix.lower().lstrip(".") if isinstance(target, (str, Path)) else "pdf")
    if fmt not in ("pdf", "xlsx"):
        raise UserError("输出文件须为 .pdf 或 .xlsx", "the output must be .pdf or .xlsx")
    st = StatisticsService(db, profile).period(actor, first, last, progress=progress)
    if progress is not None:
        progress(0, 0, pick("正在生成文件…", "Writing the file…"))
    if fmt == "xlsx":
        statistics_xlsx(target, st, district=_district(profile))
    else:
        statistics_pdf(target, st, **_head(db, profile))


def configure_fonts(db: Database) -> dict[str, str]:
    """Font files set by the office (settings ``font.fangsong`` … ``font.songti``) win over the system's."""
    from ..config import font_setting
    from ..reports.fonts import ROLES, configure
    from .reference_data import get_setting

    paths = {role: get_setting(db, font_setting(role)) for role in ROLES}
    found = {k: v for k, v in paths.items() if v}
    if found:
        configure(found)
    return found


_notice_memo: dict[str, str | None] = {}


def font_notice() -> str | None:
    """The app's 替代字体 notice when a document face falls back to an open font (None otherwise).

    Resolving the faces reads every font file (reportlab) and runs fc-list: about a second. So the answer is
    computed when first asked, and kept, in this process and across runs in the data directory
    (font_notice.json), under the fingerprint of what it depends on (reports.fonts.fingerprint: the configured
    paths and the font directories); a font installed, removed or configured computes it again."""
    import json

    import platformdirs

    from ..config import lang
    from ..reports.fonts import fingerprint, substitution_notice

    key = f"{fingerprint()}|{lang()}"
    if key in _notice_memo:
        return _notice_memo[key]
    path = Path(platformdirs.user_data_dir("dutyroom", appauthor=False)) / "font_notice.json"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if stored.get("key") == key:
            _notice_memo[key] = stored.get("notice")
            return _notice_memo[key]
    except (OSError, ValueError, AttributeError):
        pass
    try:
        notice = substitution_notice()
    except UserError as exc:
        notice = exc.message
    _notice_memo[key] = notice
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"key": key, "notice": notice}, ensure_ascii=False), encoding="utf-8")
    except OSError:
        pass  # a read-only data directory: computed again at the next start
    return notice


@rechecked
class ReportExporter:
    """The one object a page needs to print or save an official report (GUI pages bind its methods).

    Every output method takes the acting user first and is refused (PermissionDenied, with the policy's
    message) unless the policy allows ``report.print``; the services it reads from apply their own view
    permissions on top (e.g. ``roster.view``, ``contacts.export``)."""

    def __init__(self, db: Database, profile: Profile):
        self.db, self.profile = db, profile
        configure_fonts(db)

    @property
    def district(self) -> str:
        return _district(self.profile)

    @property
    def head(self) -> dict[str, str]:
        return _head(self.db, self.profile)

    @staticmethod
    def may_print(actor: Actor) -> None:
        require(actor, "report.print")

    def statistics(self, actor: Actor, first: dt.date, last: dt.date, progress=None):
        return StatisticsService(self.db, self.profile).period(actor, first, last, progress=progress)

    def statistics_pdf(self, actor: Actor, first: dt.date, last: dt.date, target, progress=None) -> None:
        self.may_print(actor)
        statistics(self.db, self.profile, actor, first, last, target, fmt="pdf", progress=progress)

    def statistics_xlsx(self, actor: Actor, first: dt.date, last: dt.date, target, progress=None) -> None:
        self.may_print(actor)
        statistics(self.db, self.profile, actor, first, last, target, fmt="xlsx", progress=progress)

    def incident_report_pdf(self, actor: Actor, incident_id: int, target, report_id: int | None = None,
                            slip: bool = False) -> None:
        self.may_print(actor)
        incident_report(self.db, self.profile, actor, incident_id, target, report_id=report_id, slip=slip)

    def warning_pdf(self, actor: Actor, warning_id: int, target, kind: str = "approval") -> None:
        """kind: approval (审批单) | release (发布单)."""
        self.may_print(actor)
        warning_document(self.db, self.profile, warning_id, target, kind=kind)

    def response_notice_pdf(self, actor: Actor, incident_id: int, target) -> None:
        self.may_print(actor)
        response_notice(self.db, self.profile, incident_id, actor, target)

    def listing_pdf(self, actor: Actor, target, *, title: str, columns, rows, subtitle: str | None = None,
                    landscape: bool | None = None, note: str | None = None, progress=None) -> None:
        """Any area's list (duty log, handover, roster month, plan register, contacts) as an official listing."""
        from ..reports.documents import listing_pdf

        self.may_print(actor)
        listing_pdf(target, title=title, columns=columns, rows=rows, subtitle=subtitle, landscape=landscape,
                    note=note, progress=progress)

    def listing_xlsx(self, actor: Actor, target, *, title: str, columns, rows, sheet: str | None = None,
                     note: str | None = None) -> None:
        """columns: reports.xlsx.XlsxColumn (header, kind, width)."""
        from ..reports.documents import listing_xlsx

        self.may_print(actor)
        listing_xlsx(target, title=title, columns=columns, rows=rows, sheet=sheet, note=note)

    # --- the other areas' lists, wired to their services

    def duty_log_pdf(self, actor: Actor, starts: dt.datetime, ends: dt.datetime, target, *, period: str | None = None,
                     progress=None) -> None:
        """值班日志 of [starts, ends) — a shift (DutyLogService.shift_log window) or a month."""
        from ..reports.documents import duty_log_pdf
        from .duty_log import DutyLogService

        self.may_print(actor)
        entries = DutyLogService(self.db).timeline(actor, starts, ends)
        duty_log_pdf(target, entries, **self.head, period=period or _period(starts, ends), progress=progress,
                     anchor=audit_anchor_short(self.db))

    def duty_log_xlsx(self, actor: Actor, starts: dt.datetime, ends: dt.datetime, target, *,
                      period: str | None = None, progress=None) -> None:
        from ..reports.registers import duty_log_xlsx
        from .duty_log import DutyLogService

        self.may_print(actor)
        entries = DutyLogService(self.db).timeline(actor, starts, ends)
        duty_log_xlsx(target, entries, district=self.district, period=period or _period(starts, ends),
                      progress=progress)

    def month_duty_log_pdf(self, actor: Actor, year: int, month: int, target, progress=None) -> None:
        starts, ends = month_window(year, month)
        self.duty_log_pdf(actor, starts, ends, target, period=f"{year}年{month}月", progress=progress)

    def month_duty_log_xlsx(self, actor: Actor, year: int, month: int, target, progress=None) -> None:
        starts, ends = month_window(year, month)
        self.duty_log_xlsx(actor, starts, ends, target, period=f"{year}年{month}月", progress=progress)

    def shift_duty_log_pdf(self, actor: Actor, at: dt.datetime | None, target, progress=None) -> None:
        """值班日志 of the shift covering ``at`` (now by default), the window the duty log page shows."""
        self.may_print(actor)
        starts, ends, period = _shift_window(self.db, actor, at)
        self.duty_log_pdf(actor, starts, ends, target, period=period, progress=progress)

    def shift_duty_log_xlsx(self, actor: Actor, at: dt.datetime | None, target, progress=None) -> None:
        self.may_print(actor)
        starts, ends, period = _shift_window(self.db, actor, at)
        self.duty_log_xlsx(actor, starts, ends, target, period=period, progress=progress)

    def handover_pdf(self, actor: Actor, handover_id: int, target) -> None:
        """The stored sheet as signed (services.handover.sheet_text of the stored view): a reprint is identical."""
        from ..reports.documents import handover_pdf
        from .handover import HandoverService, sheet_text

        self.may_print(actor)
        view = HandoverService(self.db, self.profile).get(actor, handover_id)
        handover_pdf(target, sheet_text(view), **self.head, anchor=audit_anchor_short(self.db))

    def roster_month_pdf(self, actor: Actor, year: int, month: int, target) -> None:
        from ..reports.documents import roster_month_pdf
        from .roster import RosterService, month_table

        self.may_print(actor)
        headers, rows = month_table(RosterService(self.db, self.profile).month(actor, year, month))
        roster_month_pdf(target, headers, rows, **self.head, year=year, month=month)

    def roster_month_xlsx(self, actor: Actor, year: int, month: int, target) -> None:
        """The saved month's rows (services.roster.month_table), the very rows the roster page shows."""
        from .roster import RosterService

        self.may_print(actor)
        write_roster(target, RosterService(self.db, self.profile).month(actor, year, month), **self.head)

    def plan_register_pdf(self, actor: Actor, target, today: dt.date | None = None) -> None:
        from ..reports.registers import plan_register_pdf
        from .plans import PlanService

        self.may_print(actor)
        svc = PlanService(self.db, self.profile)
        plan_register_pdf(target, svc.library(actor), svc.due_list(actor, today=today, horizon_days=366),
                          **self.head, today=today)

    def plan_register_xlsx(self, actor: Actor, target, today: dt.date | None = None) -> None:
        from ..reports.registers import plan_register_xlsx
        from .plans import PlanService

        self.may_print(actor)
        svc = PlanService(self.db, self.profile)
        plan_register_xlsx(target, svc.library(actor), svc.due_list(actor, today=today, horizon_days=366),
                           **self.head, today=today)

    def contacts_directory_pdf(self, actor: Actor, target, today: dt.date | None = None) -> None:
        """通讯录 as a landscape listing: a row per unit (duty phone, fax), then a row per post and holder — the
        rows of the Excel export (services.contacts_excel), which needs ``contacts.export`` as well."""
        from ..reports.documents import generated_note
        from .contacts_excel import COLUMNS, ContactsExcel

        self.may_print(actor)
        rows = ContactsExcel(self.db).export_rows(actor, today)
        keep = [COLUMNS.index(c) for c in CONTACTS_PRINT_COLUMNS]
        self.listing_pdf(actor, target, title=f"{self.district}应急值班通讯录",
                         columns=list(CONTACTS_PRINT_COLUMNS), rows=[[r[i] for i in keep] for r in rows],
                         landscape=True, note=f"共{len(rows)}行。{generated_note()}")


def write_roster(target: str | Path | BinaryIO, view: MonthView, district: str | None = None,
                 issuer: str | None = None) -> None:
    """The month's roster workbook: the rows of services.roster.month_table, the very rows the roster page shows."""
    from ..reports.roster_xlsx import roster_month_xlsx
    from .roster import month_table

    headers, rows = month_table(view)
    roster_month_xlsx(target, headers, rows, year=view.year, month=view.month,
                      calendar_covered=view.calendar_covered, district=district, issuer=issuer)


CONTACTS_PRINT_COLUMNS = ("单位", "职务", "姓名", "办公电话", "手机", "值班电话", "传真")


def month_window(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    """The Beijing calendar month as [start, end) aware datetimes."""
    from ..domain.incident_facts import BEIJING

    start = dt.datetime(year, month, 1, tzinfo=BEIJING)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=BEIJING)
    return start, end


def _period(starts: dt.datetime, ends: dt.datetime) -> str:
    from ..reports.pdf_common import cn_datetime

    return f"{cn_datetime(starts)} 至 {cn_datetime(ends)}"


def _shift_window(db: Database, actor: Actor, at: dt.datetime | None) -> tuple[dt.datetime, dt.datetime, str]:
    """The shift covering ``at`` as (starts, ends, period line "白班：… 至 …")."""
    from .duty_log import DutyLogService

    log = DutyLogService(db).shift_log(actor, at)
    name = log.shift.name if log.shift else "值班日"
    return log.starts, log.ends, f"{name}：{_period(log.starts, log.ends)}"
