"""Shift handover (交接班): the outgoing officer's sheet, both signatures, kept as signed.

The sheet is generated from exactly the open items at the moment of signing out, asked of the services
that own them: open incidents with their next deadline (IncidentService.search + ReportService.open_deadlines),
warnings in force (WarningService.active_warnings), warnings awaiting an approval step or an outside
decision (WarningService.list_warnings in the awaiting states), leaders' instructions not yet followed up
(IncidentLogService.open_instructions and the duty log's own), plus the outgoing officer's notes.

Signing out stores the sheet as JSON with its SHA-256 (canonical JSON); from then on nothing changes it:
the service has no command that edits a sheet, `get` re-computes the hash (`intact`), and `text` renders
the stored JSON only, so a reprint is identical to the first print. The incoming officer signs in with
their own password (AuthService.login: a wrong password is counted and audited like any sign-in).

Decisions where issue 6 was silent:
- The sheet is written in Chinese (it is the official record), whatever the interface language.
- One sheet at a time awaits sign-in; the incoming officer must be a different person from the outgoing
  one and hold a duty-room role. Whether they are the next rostered officer is recorded, not enforced
  (a swap may not have been entered yet).
- Each open incident lists every deadline still owed (首报, 书面报告, 续报 …), most urgent first, not only
  the next one: the incoming officer inherits all of them.
- Handing over more than EARLY_HANDOVER (30 minutes) before the rostered end of the shift is early: the
  dialog warns and asks, and the sheet records it ("提前交班"). It is not refused (an officer may be
  called away), and without a rostered shift there is nothing to compare with.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ..domain.clock import BEIJING, now_or
from ..domain.profile_schema import Profile
from ..domain.text import clean_text
from ..domain.vocabulary import COLOUR_LABELS, GRADE_LABELS, ROLE_LABELS, Colour, Grade, Role
from ..domain.warning_state import AWAITING_DECISION
from ..store import audit
from ..store.database import Database
from ..store.models import Handover, User
from .actor import Actor, rechecked
from .auth import AuthService
from .duty import ShiftOnDuty, next_shift, shift_on_duty
from .duty_lines import write_duty_line
from .duty_log import DutyLogService
from .errors import NotFound, PermissionDenied, UserError
from .guard import require
from .incident_log import IncidentLogService
from .incident_reports import ReportService
from .incidents import IncidentQuery, IncidentService
from .users import user_names
from .warnings import WarningService

MAX_NOTES = 5000
STATE_LABELS = {"overdue": "已超时", "soon": "即将到期", "ok": "未到期"}
EARLY_HANDOVER = dt.timedelta(minutes=30)  # more than this before the shift's end is an early handover


@dataclass(frozen=True)
class EarlyHandover:
    """Signing out now would be early: the rostered shift ends at `shift_ends`, `minutes_left` from now."""
    shift_name: str
    shift_ends: dt.datetime
    minutes_left: int

    @property
    def zh(self) -> str:
        return (f"现在距本班（{self.shift_name}）结束时间 {_bj(self.shift_ends)} 还有 {self.minutes_left} 分钟，"
                f"属于提前交班。提前交班将记入交班单。确认现在交班吗？")

    @property
    def en(self) -> str:
        return (f"The shift ({self.shift_name}) ends at {_bj(self.shift_ends)}, {self.minutes_left} minutes from now: "
                "this is an early handover and the sheet will say so. Hand over now?")


@dataclass(frozen=True)
class HandoverView:
    id: int | None  # None: a preview, not signed
    status: str  # draft | signed_out | signed_in
    shift_date: dt.date | None
    shift_id: int | None
    outgoing_user_id: int
    outgoing_name: str
    incoming_user_id: int | None
    incoming_name: str | None
    signed_out_at: dt.datetime | None
    signed_in_at: dt.datetime | None
    notes: str
    sheet: dict[str, Any]
    sheet_hash: str | None
    intact: bool  # the stored sheet still has the hash it was signed with


DRAFT_STATES = {"draft": "草稿，未提交", "returned": "已退回修改", "approved": "已批准，待发布"}


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sheet_hash(sheet: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical(sheet).encode("utf-8")).hexdigest()


def _bj(t: dt.datetime | None) -> str | None:
    return t.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") if t is not None else None


def _shift(x: ShiftOnDuty | None) -> dict[str, Any] | None:
    if x is None:
        return None
    return {"name": x.name, "starts": _bj(x.starts), "ends": _bj(x.ends), "officers": list(x.officers),
            "leaders": list(x.leaders)}


def _early(current: ShiftOnDuty | None, now: dt.datetime) -> EarlyHandover | None:
    if current is None or current.ends - now <= EARLY_HANDOVER:
        return None
    return EarlyHandover(current.name, current.ends, int((current.ends - now).total_seconds() // 60))


def _status(h: Handover) -> str:
    return "signed_in" if h.signed_in_at else "signed_out" if h.signed_out_at else "draft"


@rechecked
class HandoverService:
    def __init__(self, db: Database, profile: Profile, profile_dir: Path | None = None):
        self.db = db
        self.profile = profile
        self.incidents = IncidentService(db, profile, profile_dir)
        self.reports = ReportService(db, profile_dir)
        self.warnings = WarningService(db, profile)
        self.incident_log = IncidentLogService(db)
        self.duty_log = DutyLogService(db)
        self.auth = AuthService(db)

    # ------------------------------------------------------------ the sheet

    def open_items(self, actor: Actor, now: dt.datetime | None = None) -> dict[str, Any]:
        """What is open at `now`, as the sheet lists it (plain JSON values, Beijing times)."""
        require(actor, "handover.sign_out", "draft")
        now = now_or(now)
        rows = self.incidents.search(actor, IncidentQuery(statuses=("open",), sort="received_at", descending=False,
                                                          limit=None), now=now)
        owed: dict[int, list[dict[str, Any]]] = {}
        for d in self.reports.open_deadlines(actor, now=now):  # most urgent first
            owed.setdefault(d.incident_id, []).append({
                "label": d.label, "due": _bj(d.due), "wording": d.wording, "to": list(d.to),
                "state": STATE_LABELS.get(d.state, d.state), "basis": d.basis})
        incidents = []
        for r in rows:
            deadlines = owed.get(r.id, [])
            incidents.append({
                "id": r.id, "title": r.title, "place": r.place, "received_at": _bj(r.received_at),
                "grade": GRADE_LABELS[Grade(r.grade_confirmed)][0],
                "next_deadline": deadlines[0] if deadlines else None, "deadlines": deadlines,
            })
        warnings = [{"id": w.id, "title": w.title, "colour": COLOUR_LABELS[Colour(w.colour)][0], "area": w.area,
                     "issued_at": _bj(w.issued_at), "measures": f"{w.measures_done}/{w.measures_total}",
                     "lift_pending": w.status != "issued"}
                    for w in self.warnings.active_warnings(now)]
        approvals = []
        for w in sorted(self.warnings.list_warnings([st.value for st in AWAITING_DECISION]), key=lambda x: x.id):
            if w.next_step is None:
                continue
            step = w.steps[w.next_step - 1]
            approvals.append({"id": w.id, "title": w.title, "colour": COLOUR_LABELS[Colour(w.colour)][0],
                              "phase": "解除" if w.phase == "lift" else "发布", "step": w.next_step,
                              "awaiting": ROLE_LABELS[Role(step.role)][0],
                              "external": step.kind == "external_decision"})
        # a warning not yet in anyone's queue: drafted, returned for changes, or approved and not yet issued — the
        # incoming officer must know it is on the desk (only its author may edit or submit it)
        drafts = [{"id": w.id, "title": w.title, "colour": COLOUR_LABELS[Colour(w.colour)][0],
                   "status": DRAFT_STATES[w.status], "author": w.created_by_name}
                  for w in sorted(self.warnings.list_warnings(list(DRAFT_STATES)), key=lambda x: x.id)]
        instructions = [{"source": "incident", "incident_id": i.incident_id, "id": i.id, "text": i.text,
                         "at": _bj(i.happened_at), "by": i.author_name}
                        for i in self.incident_log.open_instructions(actor)]
        instructions += [{"source": "duty_log", "incident_id": None, "id": i.id, "text": i.text,
                          "at": _bj(i.happened_at), "by": i.author_name}
                         for i in self.duty_log.open_instructions(actor)]
        instructions.sort(key=lambda x: (x["at"] or "", x["source"], x["id"]))
        return {"incidents": incidents, "warnings": warnings, "approvals": approvals, "drafts": drafts,
                "instructions": instructions}

    def preview(self, actor: Actor, notes: str = "", now: dt.datetime | None = None) -> HandoverView:
        """The sheet as it would be signed now (nothing saved)."""
        now = now_or(now)
        sheet = self._sheet(actor, notes, now, shift_on_duty(self.db, now))
        return HandoverView(None, "draft", None, None, actor.id, actor.display_name, None, None, None, None,
                            sheet["notes"], sheet, None, True)

    def early_handover(self, now: dt.datetime | None = None) -> EarlyHandover | None:
        """Whether signing out at `now` is more than EARLY_HANDOVER before the rostered shift ends."""
        now = now_or(now)
        return _early(shift_on_duty(self.db, now), now)

    def _sheet(self, actor: Actor, notes: str | None, now: dt.datetime, current: ShiftOnDuty | None) -> dict[str, Any]:
        notes = clean_text(notes, field=("交班备注", "the notes"), max_len=MAX_NOTES, multiline=True) or ""
        following = next_shift(self.db, now)
        early = _early(current, now)
        return {"title": f"{self.profile.name}应急值班交接班单", "profile": self.profile.key,
                "generated_at": _bj(now), "shift": _shift(current), "next_shift": _shift(following),
                "outgoing": {"user_id": actor.id, "name": actor.display_name},
                **({"early": {"shift_ends": _bj(early.shift_ends), "minutes_left": early.minutes_left}} if early else {}),
                **self.open_items(actor, now), "notes": notes}

    # ------------------------------------------------------------ signatures

    def sign_out(self, actor: Actor, notes: str = "", now: dt.datetime | None = None) -> HandoverView:
        """The outgoing officer signs: the sheet is generated now and stored as signed (JSON + hash)."""
        require(actor, "handover.sign_out", "draft")
        now = now_or(now)
        current = shift_on_duty(self.db, now)
        sheet = self._sheet(actor, notes, now, current)
        digest = sheet_hash(sheet)
        with self.db.write() as s:
            waiting = s.scalar(select(Handover).where(Handover.signed_out_at.is_not(None),
                                                      Handover.signed_in_at.is_(None)))
            if waiting is not None:
                raise UserError(f"交班单 {waiting.id} 尚待接班签名，不能再签一份",
                                f"handover sheet {waiting.id} still awaits sign-in")
            h = Handover(shift_date=current.shift_date if current else now.astimezone(BEIJING).date(),
                         shift_id=current.shift_id if current else None, outgoing_user_id=actor.id, sheet=sheet,
                         sheet_hash=digest, notes=sheet["notes"] or None, signed_out_at=now)
            s.add(h)
            s.flush()
            text = (f"交班：{actor.display_name}签名交班（交班单第 {h.id} 号，在办事件 {len(sheet['incidents'])} 起、"
                    f"生效预警 {len(sheet['warnings'])} 条、待审批 {len(sheet['approvals'])} 条、"
                    f"未落实批示 {len(sheet['instructions'])} 条）"
                    + (f"，提前 {sheet['early']['minutes_left']} 分钟交班" if "early" in sheet else ""))
            write_duty_line(s, actor, text, kind="handover", now=now)
            audit.record_by(s, actor, action="handover.sign_out", entity="handover",
                            entity_id=h.id, after={"sheet_hash": digest, "shift_date": h.shift_date,
                                                "shift_id": h.shift_id}, at=now)
            return self._view(s, h)

    def sign_in(self, handover_id: int, username: str, password: str, now: dt.datetime | None = None) -> HandoverView:
        """The incoming officer signs in with their own password."""
        now = now_or(now)
        with self.db.read() as s:
            h = s.get(Handover, handover_id)
            if h is None:
                raise NotFound(f"交班单 {handover_id} 不存在", f"handover sheet {handover_id} not found")
            outgoing = h.outgoing_user_id
        incoming = self.auth.login(username, password, now=now)  # audited, counts failures, may lock
        require(incoming, "handover.sign_in", "signed_out")
        if incoming.id == outgoing:
            raise PermissionDenied("接班人不能与交班人是同一人", "the incoming officer cannot be the outgoing one")
        following = next_shift(self.db, now)
        current = shift_on_duty(self.db, now)
        rostered = any(x is not None and self._person(incoming) in x.officer_ids for x in (current, following))
        with self.db.write() as s:
            h = s.get(Handover, handover_id, with_for_update=True)
            if h.signed_in_at is not None:
                raise UserError(f"交班单 {h.id} 已经接班签名", f"handover sheet {h.id} is already signed in")
            require(incoming, "handover.sign_in", _status(h))
            h.incoming_user_id, h.signed_in_at = incoming.id, now
            write_duty_line(s, incoming, f"接班：{incoming.display_name}签名接班（交班单第 {h.id} 号）", kind="handover",
                            now=now)
            audit.record_by(s, incoming, action="handover.sign_in",
                            entity="handover", entity_id=h.id,
                            after={"sheet_hash": h.sheet_hash, "rostered": rostered}, at=now)
            return self._view(s, h)

    # ------------------------------------------------------------ reading and reprinting

    def get(self, actor: Actor, handover_id: int) -> HandoverView:
        require(actor, "duty_log.view")
        with self.db.read() as s:
            h = s.get(Handover, handover_id)
            if h is None:
                raise NotFound(f"交班单 {handover_id} 不存在", f"handover sheet {handover_id} not found")
            return self._view(s, h)

    def awaiting_sign_in(self, actor: Actor) -> HandoverView | None:
        require(actor, "duty_log.view")
        with self.db.read() as s:
            h = s.scalar(select(Handover).where(Handover.signed_out_at.is_not(None), Handover.signed_in_at.is_(None))
                         .order_by(Handover.id.desc()))
            return self._view(s, h) if h else None

    def history(self, actor: Actor, limit: int = 50) -> list[HandoverView]:
        require(actor, "duty_log.view")
        with self.db.read() as s:
            return [self._view(s, h) for h in s.scalars(select(Handover).order_by(Handover.id.desc()).limit(limit))]

    def _person(self, actor: Actor) -> int | None:
        with self.db.read() as s:
            return s.scalar(select(User.person_id).where(User.id == actor.id))

    @staticmethod
    def _view(s, h: Handover) -> HandoverView:
        names = user_names(s, [h.outgoing_user_id, h.incoming_user_id])
        sheet = json.loads(_canonical(h.sheet or {}))
        return HandoverView(h.id, _status(h), h.shift_date, h.shift_id, h.outgoing_user_id,
                            names.get(h.outgoing_user_id, ""), h.incoming_user_id, names.get(h.incoming_user_id or 0),
                            h.signed_out_at, h.signed_in_at, sheet.get("notes") or "", sheet, h.sheet_hash,
                            h.sheet_hash is not None and sheet_hash(sheet) == h.sheet_hash)


def sheet_text(view: HandoverView) -> str:
    """The printable sheet, from the stored JSON only (a reprint is identical), with both signatures."""
    sh = view.sheet
    lines = [sh.get("title", "交接班单"), ""]
    if view.id is not None:
        lines.append(f"交班单编号：{view.id}")
    lines.append(f"生成时间：{sh.get('generated_at')}")
    for key, label in (("shift", "本班"), ("next_shift", "下一班")):
        x = sh.get(key)
        if x:
            lines.append(f"{label}：{x['name']} {x['starts']} 至 {x['ends']}；值班员 {'、'.join(x['officers']) or '—'}；"
                         f"带班领导 {'、'.join(x['leaders']) or '—'}")
        else:
            lines.append(f"{label}：排班表中无记录")
    early = sh.get("early")
    if early:
        lines.append(f"提前交班：交班时距本班结束（{early['shift_ends']}）还有 {early['minutes_left']} 分钟")
    lines += ["", f"一、在办事件（{len(sh.get('incidents', []))} 起）"]
    for i, x in enumerate(sh.get("incidents", []), 1):
        head = f"{i}. {x['title']}（{x['grade']}，{x['place'] or '地点不详'}，{x['received_at']}接报）"
        if "deadlines" not in x:  # a sheet signed before every deadline was listed: reprinted as it was
            d = x.get("next_deadline")
            lines.append(head + ("无待报事项" if d is None else f"下一时限：{_deadline(d)}"))
            continue
        lines.append(head + (f"待报 {len(x['deadlines'])} 项：" if x["deadlines"] else "无待报事项"))
        lines += [f"   （{n}）{_deadline(d)}" for n, d in enumerate(x["deadlines"], 1)]
    lines += ["", f"二、生效预警（{len(sh.get('warnings', []))} 条）"]
    for i, x in enumerate(sh.get("warnings", []), 1):
        extra = "，解除审批中" if x.get("lift_pending") else ""
        lines.append(f"{i}. {x['colour']}预警：{x['title']}（{x['issued_at']}发布，措施完成 {x['measures']}{extra}）")
    lines += ["", f"三、待审批事项（{len(sh.get('approvals', []))} 条）"]
    for i, x in enumerate(sh.get("approvals", []), 1):
        how = "待登记上级决定" if x["external"] else "待签批"
        lines.append(f"{i}. {x['colour']}预警{x['phase']}：{x['title']}（第 {x['step']} 步，{how}：{x['awaiting']}）")
    if "drafts" in sh:  # sheets signed before drafts were listed are reprinted as they were
        lines.append(f"起草中、退回修改或待发布的预警（{len(sh['drafts'])} 条）")
        lines += [f"{i}. {x['colour']}预警：{x['title']}（{x['status']}，起草人 {x['author']}）"
                  for i, x in enumerate(sh["drafts"], 1)]
    lines += ["", f"四、未落实的领导批示（{len(sh.get('instructions', []))} 条）"]
    for i, x in enumerate(sh.get("instructions", []), 1):
        lines.append(f"{i}. {x['at']} {x['text']}（记录人 {x['by']}）")
    lines += ["", "五、交班备注", sh.get("notes") or "无", ""]
    lines.append(f"交班人：{sh.get('outgoing', {}).get('name', '')}  签名时间：{_bj(view.signed_out_at) or '未签名'}")
    lines.append(f"接班人：{view.incoming_name or '—'}  签名时间：{_bj(view.signed_in_at) or '未签名'}")
    if view.sheet_hash:
        lines.append(f"校验码：{view.sheet_hash[:16]}{'' if view.intact else '（与签名时不符！）'}")
    return "\n".join(lines)


def _deadline(d: dict[str, Any]) -> str:
    return f"{d['label']} {d['due'] or d['wording']}（{d['state']}，报{'、'.join(d['to'])}，{d['basis']}）"
