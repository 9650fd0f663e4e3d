"""The duty log (值班日志): the timeline of a shift.

Most lines are automatic and are READ from what the other services already write in the same
transaction as the change itself: the incident services mirror intake, grade changes, reports sent,
late reports and missed deadlines and leaders' instructions (services/incident_log.py `write_automatic`),
the warning service writes issue, adjustment and lift (services/warnings.py `_log`), the roster writes
swaps and the handover its signatures. The officer types the rest: calls received (来电), leaders'
instructions (领导批示) with their follow-up, visitors (来访), equipment checks (设备检查), notes.

Every line has the time it happened and the time it was entered, its author and workstation. A wrong
typed line is struck through with a reason (its text stays); nothing is deleted; automatic lines cannot
be struck (they record what the app did). The follow-up of an instruction mirrored from an incident's log
is kept in that incident's log (IncidentLogService.set_follow_up), so the two never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..config import pick
from ..domain.clock import BEIJING, now_or
from ..domain.text import clean_text
from ..store import audit
from ..store.database import Database
from ..store.models import DutyLogEntry
from .actor import Actor, rechecked
from .duty import ShiftOnDuty, shift_on_duty
from .duty_lines import write_duty_line
from .errors import NotFound, UserError
from .guard import require
from .incident_log import aware, strike_through, utc
from .users import user_names

CLOCK_SKEW = dt.timedelta(minutes=5)
MAX_TEXT = 5000
TYPED_KINDS = ("call", "instruction", "visitor", "equipment", "note")
KIND_LABELS = {
    "call": ("来电", "call received"), "instruction": ("领导批示", "leader's instruction"),
    "visitor": ("来访", "visitor"), "equipment": ("设备检查", "equipment check"), "note": ("记事", "note"),
    "incident": ("事件", "incident"), "report": ("报送", "report"), "warning": ("预警", "warning"),
    "roster": ("排班", "roster"), "handover": ("交接班", "handover"),
}
FOLLOW_UP_STATES = ("open", "done")


@dataclass(frozen=True)
class DutyLogView:
    id: int
    happened_at: dt.datetime
    entered_at: dt.datetime
    author_id: int
    author_name: str
    workstation: str | None
    automatic: bool
    kind: str
    kind_label: str
    text: str
    incident_id: int | None
    warning_id: int | None
    follow_up_state: str | None
    stricken: bool
    stricken_reason: str | None
    stricken_by_name: str | None
    stricken_at: dt.datetime | None


@dataclass(frozen=True)
class ShiftLog:
    shift: ShiftOnDuty | None  # None: no rostered shift, the window is the duty day from 08:30
    starts: dt.datetime
    ends: dt.datetime
    entries: tuple[DutyLogView, ...]


def kind_label(kind: str) -> str:
    return pick(*KIND_LABELS.get(kind, (kind, kind)))


def _view(e: DutyLogEntry, names: dict[int, str]) -> DutyLogView:
    return DutyLogView(e.id, utc(e.happened_at), utc(e.entered_at), e.author_id, names.get(e.author_id, ""),
                       e.workstation, e.automatic, e.kind, kind_label(e.kind), e.text, e.incident_id, e.warning_id,
                       e.follow_up_state, e.stricken, e.stricken_reason, names.get(e.stricken_by_id or 0),
                       utc(e.stricken_at))


def _dict(e: DutyLogEntry) -> dict:
    return {"happened_at": e.happened_at, "kind": e.kind, "text": e.text, "automatic": e.automatic,
            "follow_up_state": e.follow_up_state, "stricken": e.stricken, "stricken_reason": e.stricken_reason}


def duty_day_window(at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """Without a roster: the duty day 08:30 to 08:30 containing `at`."""
    local = at.astimezone(BEIJING)
    start = dt.datetime.combine(local.date(), dt.time(8, 30), BEIJING)
    if local < start:
        start -= dt.timedelta(days=1)
    return start, start + dt.timedelta(days=1)


@rechecked
class DutyLogService:
    def __init__(self, db: Database):
        self.db = db

    # ------------------------------------------------------------ queries

    def timeline(self, actor: Actor, starts: dt.datetime, ends: dt.datetime) -> list[DutyLogView]:
        """Every line that happened in [starts, ends), oldest first, struck lines included (flagged)."""
        require(actor, "duty_log.view")
        with self.db.read() as s:
            rows = list(s.scalars(select(DutyLogEntry).where(DutyLogEntry.happened_at >= starts,
                                                             DutyLogEntry.happened_at < ends)
                                  .order_by(DutyLogEntry.happened_at, DutyLogEntry.id)))
            names = user_names(s, [r.author_id for r in rows] + [r.stricken_by_id for r in rows])
            return [_view(r, names) for r in rows]

    def shift_log(self, actor: Actor, at: dt.datetime | None = None) -> ShiftLog:
        """The timeline of the shift on duty at `at` (now by default)."""
        at = now_or(at)
        shift = shift_on_duty(self.db, at)
        starts, ends = (shift.starts, shift.ends) if shift else duty_day_window(at)
        return ShiftLog(shift, starts, ends, tuple(self.timeline(actor, starts, ends)))

    def open_instructions(self, actor: Actor) -> list[DutyLogView]:
        """Typed leaders' instructions (not tied to an incident) still awaiting follow-up."""
        require(actor, "duty_log.view")
        with self.db.read() as s:
            rows = list(s.scalars(select(DutyLogEntry).where(
                DutyLogEntry.kind == "instruction", DutyLogEntry.follow_up_state == "open",
                DutyLogEntry.incident_id.is_(None), DutyLogEntry.stricken.is_(False))
                .order_by(DutyLogEntry.happened_at, DutyLogEntry.id)))
            names = user_names(s, [r.author_id for r in rows])
            return [_view(r, names) for r in rows]

    # ------------------------------------------------------------ commands

    def add(self, actor: Actor, kind: str, text: str, *, happened_at: dt.datetime | None = None,
            instructed_by: str | None = None, now: dt.datetime | None = None) -> DutyLogView:
        """A typed line: what happened, when it happened (defaults to now)."""
        require(actor, "duty_log.add")
        if kind not in TYPED_KINDS:
            raise UserError(f"未知的记录类别：{kind}（可选：{'、'.join(TYPED_KINDS)}）", f"unknown entry kind: {kind}")
        now = now_or(now)
        happened_at = aware(happened_at, "发生时间", "the time") if happened_at else now
        if happened_at > now + CLOCK_SKEW:
            raise UserError("发生时间不能晚于现在", "the time of an entry cannot be in the future")
        body = clean_text(text, field=("记录内容", "the entry"), max_len=MAX_TEXT, required=True, multiline=True)
        if kind == "instruction":
            leader = clean_text(instructed_by, field=("批示领导", "the leader"), max_len=100, required=True)
            body = f"{leader}批示：{body}"
        with self.db.write() as s:
            entry = write_duty_line(s, actor, body, kind=kind, now=now, happened_at=happened_at, automatic=False,
                                    follow_up_state="open" if kind == "instruction" else None)
            s.flush()
            audit.record_by(s, actor, action=f"duty_log.{kind}", entity="duty_log",
                            entity_id=entry.id, after=_dict(entry), at=now)
            return _view(entry, {actor.id: actor.display_name})

    def strike(self, actor: Actor, entry_id: int, reason: str, *, now: dt.datetime | None = None) -> DutyLogView:
        """Strike a wrong typed line through: the text stays, with the reason, who and when."""
        require(actor, "duty_log.strike")
        reason = clean_text(reason, field=("划除理由", "the reason"), max_len=500, required=True, multiline=True)
        now = now_or(now)
        with self.db.write() as s:
            entry = self._entry(s, entry_id)
            before = _dict(entry)
            strike_through(entry, actor, reason, now)
            audit.record_by(s, actor, action="duty_log.strike", entity="duty_log",
                            entity_id=entry.id, before=before, after=_dict(entry), at=now)
            return _view(entry, user_names(s, [entry.author_id, actor.id]))

    def set_follow_up(self, actor: Actor, entry_id: int, state: str, *, now: dt.datetime | None = None) -> DutyLogView:
        """Mark a typed leader's instruction done (已落实) or open again."""
        require(actor, "duty_log.add")
        if state not in FOLLOW_UP_STATES:
            raise UserError(f"未知的落实状态：{state}（可选：open、done）", f"unknown follow-up state: {state}")
        now = now_or(now)
        with self.db.write() as s:
            entry = self._entry(s, entry_id)
            if entry.kind != "instruction":
                raise UserError("只有领导批示需要落实", "only leaders' instructions have a follow-up state")
            if entry.incident_id is not None:
                raise UserError("该批示属于事件，请在事件日志中标记落实",
                                "this instruction belongs to an incident: mark it in the incident log")
            if entry.stricken:
                raise UserError("该批示已被划除", "the instruction is struck through")
            before = _dict(entry)
            entry.follow_up_state = state
            audit.record_by(s, actor, action="duty_log.follow_up",
                            entity="duty_log", entity_id=entry.id, before=before, after=_dict(entry), at=now)
            return _view(entry, user_names(s, [entry.author_id]))

    @staticmethod
    def _entry(s: Session, entry_id: int) -> DutyLogEntry:
        entry = s.get(DutyLogEntry, entry_id, with_for_update=True)
        if entry is None:
            raise NotFound(f"值班日志条目 {entry_id} 不存在", f"duty log entry {entry_id} not found")
        return entry
