"""`dutyroom-cli selftest --out DIR`: does this installation work here? (issue 18)

Run on the machine where the program was installed (a bare workstation, a fresh bundle): for every shipped
rule profile, a scratch database is created and one duty officer's work is done through the services —
intake, the rules, a report PDF with Chinese text, a statistics workbook, a CAP file, ``verify`` — and the
main window is opened offscreen. The files go into DIR so a person can look at them; the last line is
``selftest: N passed, M failed`` and the exit code is 0 only when nothing failed.

Nothing here touches the real database: the scratch databases live in a temporary folder.
"""

from __future__ import annotations

import datetime as dt
import secrets
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .config import offscreen_unless_set, pick, selftest_trace

# A report's Chinese must survive into the PDF's text layer (fonts embedded with a Unicode map).
REPORT_PHRASE = "燃气"


@dataclass
class Outcome:
    passed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def line(self) -> str:
        return f"selftest: {len(self.passed)} passed, {len(self.failed)} failed"


def _check(outcome: Outcome, name: str, step: Callable[[], str | None], say: Callable[[str], None]) -> bool:
    """Run one step; a failure is recorded with its reason and the run goes on."""
    try:
        detail = step()
    except Exception as exc:  # a self-test reports every failure and carries on
        reason = f"{type(exc).__name__}: {exc}"
        outcome.failed.append((name, reason))
        say(f"FAIL  {name}: {reason}")
        if selftest_trace():
            say(traceback.format_exc())
        return False
    outcome.passed.append(name)
    say(f"ok    {name}" + (f" — {detail}" if detail else ""))
    return True


def pdf_fonts_embedded(path: Path) -> list[str]:
    """Names of the fonts the PDF uses without embedding them (empty: all embedded)."""
    from pypdf import PdfReader

    missing = []
    for page in PdfReader(path).pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            desc = target.get("/FontDescriptor")
            desc = desc.get_object() if desc is not None else {}
            if not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.append(str(font.get("/BaseFont")))
    return sorted(set(missing))


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() or "" for page in PdfReader(path).pages)


class _Scratch:
    """One profile's scratch database, its users and what the steps made."""

    def __init__(self, key: str, folder: Path, out: Path):
        self.key, self.folder, self.out = key, folder, out
        self.db = self.profile = self.officer = self.users = None
        self.incident_id = self.warning_id = None

    def init(self) -> str:
        from .domain.profile_loader import load_profile
        from .services.reference_data import load_reference_data, set_setting
        from .store.database import Database

        self.db = Database(f"sqlite:///{self.folder / f'{self.key}.db'}")
        self.db.migrate()
        self.profile = load_profile(self.key)
        set_setting(self.db, "profile", self.key)
        added = load_reference_data(self.db, self.profile)
        return f"{self.profile.name} {self.profile.version}, {added['event_types']} event types"

    def make_users(self) -> str:
        from .services.actor import SYSTEM
        from .services.auth import AuthService

        auth = AuthService(self.db)
        password = secrets.token_urlsafe(18)  # nobody signs in to a scratch database
        roles = {"selftest_officer": ["duty_officer"], "selftest_director": ["office_director"],
                 "selftest_leader": ["leader_in_charge"], "selftest_chair": ["committee_director"],
                 "selftest_department": ["department"]}
        self.users = {name: auth.create_user(SYSTEM, name, f"自检{n}", password, r)
                      for n, (name, r) in enumerate(roles.items(), 1)}
        self.officer = self.users["selftest_officer"]
        return f"{len(self.users)} users"

    def intake(self) -> str:
        from .domain.incident_facts import BEIJING
        from .services.incidents import IncidentService

        svc = IncidentService(self.db, self.profile)
        now = dt.datetime.now(BEIJING).replace(microsecond=0)
        rows = self.profile.lead_departments
        gas = next((r for r in rows if "燃气" in r.event_type), rows[0])
        place = self.profile.places[0] if self.profile.places else "东城区东四街道"  # the city lists no streets
        view = svc.register(self.officer, {
            "source": "phone", "caller_name": "自检来电人", "callback_phone": "13800000000",
            "occurred_at": now - dt.timedelta(minutes=5), "received_at": now, "place": place,
            "address": "自检路1号", "category": gas.category.value, "event_type": gas.event_type, "deaths": 1,
            "injured": 2, "description": f"自检：{REPORT_PHRASE}泄漏引发爆炸，1人死亡、2人受伤"}, now=now)
        self.incident_id = view.id
        return f"incident {view.id} ({gas.event_type})"

    def rules(self) -> str:
        from .domain.incident_facts import IncidentFacts
        from .domain.rules import incident_rules

        gas = self.profile.lead_departments[0]
        facts = IncidentFacts.from_mapping({"category": gas.category.value, "event_type": gas.event_type,
                                            "received_at": "2026-07-01T08:05:00+08:00", "deaths": 3})
        out = incident_rules(self.profile, facts)
        if not out.get("deadlines"):
            raise AssertionError("no deadline for a fatal incident")
        return f"{len(out['deadlines'])} deadlines"

    def report_pdf(self) -> str:
        from .services import exports
        from .services.incident_reports import ReportService

        reports = ReportService(self.db)
        draft = reports.compose(self.officer, self.incident_id, "verbal")
        reports.record_sent(self.officer, self.incident_id, "verbal", body=draft.body, recipients=draft.recipients,
                            channel="phone")
        path = self.out / f"{self.key}-report.pdf"
        exports.incident_report(self.db, self.profile, self.officer, self.incident_id, path)
        missing = pdf_fonts_embedded(path)
        if missing:
            raise AssertionError(f"fonts not embedded: {', '.join(missing)}")
        if REPORT_PHRASE not in pdf_text(path):
            raise AssertionError(f"the report's Chinese text ({REPORT_PHRASE}) is not extractable")
        return f"{path.name}, {path.stat().st_size} bytes, fonts embedded, Chinese text extractable"

    def statistics(self) -> str:
        from openpyxl import load_workbook

        from .services import exports

        today = dt.date.today()
        path = self.out / f"{self.key}-statistics.xlsx"
        exports.statistics(self.db, self.profile, self.officer, today.replace(day=1), today, path)
        cells = [c for row in load_workbook(path).active.iter_rows(values_only=True) for c in row if c]
        if not cells:
            raise AssertionError("empty workbook")
        return f"{path.name}, {len(cells)} cells"

    def cap(self) -> str:
        from .services.cap_export import write_warning
        from .services.warnings import WarningContent, WarningService

        svc = WarningService(self.db, self.profile)
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        w = svc.draft(self.officer, WarningContent(
            title="自检暴雨蓝色预警", category="natural", colour="blue", event_type="暴雨", start_at=now,
            expected_duration="6小时", ends_at=now + dt.timedelta(hours=6), area="全区", cautions="自检",
            measures_text="自检", issuing_unit="区应急办"))
        view = svc.submit(self.officer, w.id)
        while view.next_step is not None:
            step = view.steps[view.next_step - 1]
            if step.kind == "external_decision":
                view = svc.record_external(self.officer, w.id, decider="自检", reference="自检", decided_at=now,
                                           comment="同意")
            else:
                signer = next(u for u in self.users.values() if step.role in u.roles)
                view = svc.approve(signer, w.id, comment="同意")
        issuer = next(u for u in self.users.values() if view.issuer_role in u.roles)
        svc.issue(issuer, w.id, [self.profile.warnings.channels[0]])
        path = write_warning(svc, w.id, self.out / f"{self.key}-warning.cap.xml")
        text = path.read_text(encoding="utf-8")
        if "<alert" not in text or "自检暴雨蓝色预警" not in text:
            raise AssertionError("the CAP file lacks the alert or its headline")
        return f"{path.name}"

    def verify(self) -> str:
        from .store.audit import verify_chain

        with self.db.read() as s:
            report = verify_chain(s)
        if not report.ok:
            raise AssertionError(report.problem)
        return f"audit chain intact ({report.entries} entries)"

    def main_window(self) -> str:
        offscreen_unless_set()
        from PySide6.QtWidgets import QApplication

        from .app import build_main_window, choose_cjk_font

        app = QApplication.instance() or QApplication([])
        family = choose_cjk_font(app)
        if family is None:
            raise AssertionError("no Chinese font for the window (installed or carried in resources/fonts)")
        window = build_main_window(self.db, self.profile, self.officer)
        window.resize(1366, 768)
        window.show()
        app.processEvents()
        path = self.out / f"{self.key}-main-window.png"
        if not window.grab().save(str(path)):
            raise AssertionError("could not save a picture of the window")
        window.close()
        window.deleteLater()
        app.processEvents()
        return f"{path.name} (UI font {family})"

    def dispose(self) -> None:
        if self.db is not None:
            self.db.dispose()


def run(out: Path, profiles: list[str] | None = None, say: Callable[[str], None] = print) -> Outcome:
    from .domain.profile_loader import available_profiles

    out.mkdir(parents=True, exist_ok=True)
    outcome = Outcome()
    keys = profiles or list(available_profiles())
    with tempfile.TemporaryDirectory(prefix="dutyroom-selftest-") as folder:
        for key in keys:
            scratch = _Scratch(key, Path(folder), out)
            steps = [("init", scratch.init), ("users", scratch.make_users), ("intake", scratch.intake),
                     ("rules", scratch.rules), ("report PDF", scratch.report_pdf),
                     ("statistics workbook", scratch.statistics), ("CAP", scratch.cap), ("verify", scratch.verify)]
            for name, step in steps:
                if not _check(outcome, f"{key}: {name}", step, say) and name in ("init", "users"):
                    break  # nothing later can run without a database and its users
            if key == keys[-1] and scratch.officer is not None:
                _check(outcome, f"{key}: main window", scratch.main_window, say)
            scratch.dispose()
    for name, reason in outcome.failed:
        say(pick(f"失败：{name}：{reason}", f"failed: {name}: {reason}"))
    say(outcome.line())
    return outcome
