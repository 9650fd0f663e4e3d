"""The incident log (事件日志): append-only, struck through instead of deleted, leaders' instructions followed up.

Every entry has the time it happened and the time it was entered, its author and workstation, and an
`automatic` flag for the lines the app writes itself (intake, grade changed, report sent, late report,
deadline missed). Key events are mirrored into the shift's duty log (DutyLogEntry) in the same
transaction, so the handover sheet sees them.

Decisions where issue 3 was silent:
- Automatic entries cannot be struck through: they record what the app did, not what someone typed.
- An entry is struck once; the strike keeps the text, the reason, who and when.
- A leader's instruction (领导批示) is entered by whoever takes it down, naming the leader who gave it;
  its follow-up state starts "open" and may go back and forth between "open" and "done".
- Plain notes are not mirrored into the duty log; instructions and automatic entries are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.clock import now_or
from ..domain.permissions import POLICY, allowed
from ..domain.text import clean_text
from ..store import audit
from ..store.database import Database
from ..store.models import DutyLogEntry, Incident, IncidentLogEntry
from .actor import Actor, rechecked
from .duty_lines import write_duty_line
from .errors import NotFound, PermissionDenied, UserError
from .guard import require
from .users import user_names

CLOCK_SKEW = dt.timedelta(minutes=5)
MAX_TEXT = 5000
MAX_REASON = 500
KINDS = ("note", "instruction")
FOLLOW_UP_STATES = ("open", "done")


@dataclass(frozen=True)
class LogEntryView:
    id: int
    incident_id: int
    happened_at: dt.datetime
    entered_at: dt.datetime
    author_id: int
    author_name: str
    workstation: str | None
    automatic: bool
    kind: str  # note | instruction | system
    text: str
    follow_up_state: str | None  # open | done, for instructions
    stricken: bool
    stricken_reason: str | None
    stricken_by_id: int | None
    stricken_by_name: str | None
    stricken_at: dt.datetime | None


# ---------------------------------------------------------------- helpers shared with the other incident services


def require_view(actor: Actor) -> None:
    """Reading incidents: anyone the policy lets act on incidents (the policy has no separate view action)."""
    if not any(allowed(actor.roles, action) for action in POLICY if action.startswith("incident.")):
        raise PermissionDenied(f"{actor.display_name} 无权查看事件信息", f"{actor.username} may not view incidents")


def utc(t: dt.datetime | None) -> dt.datetime | None:
    """Views give every time in UTC, whatever zone the caller wrote it in (the GUI shows Beijing time)."""
    return t.astimezone(dt.UTC) if t is not None else None


def aware(t: dt.datetime, zh: str, en: str) -> dt.datetime:
    if t.tzinfo is None:
        raise UserError(f"{zh}必须带时区", f"{en} must carry a time zone")
    return t


def locked_incident(s: Session, incident_id: int) -> Incident:
    incident = s.get(Incident, incident_id, with_for_update=True)
    if incident is None:
        raise NotFound(f"事件 {incident_id} 不存在", f"incident {incident_id} not found")
    return incident


def write_automatic(s: Session, actor: Actor, incident: Incident, text: str, *, happened_at: dt.datetime,
                    now: dt.datetime, duty_kind: str | None = "incident") -> IncidentLogEntry:
    """An app-written line in the incident log, mirrored into the duty log unless duty_kind is None."""
    entry = IncidentLogEntry(incident_id=incident.id, happened_at=happened_at, entered_at=now, author_id=actor.id,
                             workstation=audit.WORKSTATION, automatic=True, kind="system", text=text)
    s.add(entry)
    if duty_kind:
        _mirror(s, actor, incident, text, happened_at=happened_at, now=now, kind=duty_kind)
    s.flush()
    return entry


def _mirror(s: Session, actor: Actor, incident: Incident, text: str, *, happened_at: dt.datetime, now: dt.datetime,
            kind: str, follow_up_state: str | None = None) -> None:
    write_duty_line(s, actor, f"【{incident.title}】{text}", kind=kind, now=now, happened_at=happened_at,
                    incident_id=incident.id, follow_up_state=follow_up_state)


def strike_through(entry: IncidentLogEntry | DutyLogEntry, actor: Actor, reason: str, now: dt.datetime) -> None:
    """Strike a typed log line through (incident log or duty log): the text stays, with the reason, who and when.
    Lines the app wrote itself, and lines already struck, are refused."""
    if entry.automatic:
        raise UserError("系统自动记录的条目不能划除", "entries the app wrote itself cannot be struck through")
    if entry.stricken:
        raise UserError("该条目已被划除", "the entry is already struck through")
    entry.stricken, entry.stricken_reason, entry.stricken_by_id, entry.stricken_at = True, reason, actor.id, now


def _view(e: IncidentLogEntry, names: dict[int, str]) -> LogEntryView:
    return LogEntryView(
        id=e.id, incident_id=e.incident_id, happened_at=utc(e.happened_at), entered_at=utc(e.entered_at),
        author_id=e.author_id,
        author_name=names.get(e.author_id, ""), workstation=e.workstation, automatic=e.automatic, kind=e.kind,
        text=e.text, follow_up_state=e.follow_up_state, stricken=e.stricken, stricken_reason=e.stricken_reason,
        stricken_by_id=e.stricken_by_id, stricken_by_name=names.get(e.stricken_by_id or 0),
        stricken_at=utc(e.stricken_at))


def _entry_dict(e: IncidentLogEntry) -> dict:
    return {"incident_id": e.incident_id, "happened_at": e.happened_at, "kind": e.kind, "text": e.text,
            "automatic": e.automatic, "follow_up_state": e.follow_up_state, "stricken": e.stricken,
            "stricken_reason": e.stricken_reason}


# ---------------------------------------------------------------- the service


@rechecked
class IncidentLogService:
    def __init__(self, db: Database):
        self.db = db

    # ------------------------------------------------------------ queries

    def entries(self, actor: Actor, incident_id: int) -> list[LogEntryView]:
        """The whole log of one incident, oldest first (struck entries included, flagged)."""
        require_view(actor)
        with self.db.read() as s:
            if s.get(Incident, incident_id) is None:
                raise NotFound(f"事件 {incident_id} 不存在", f"incident {incident_id} not found")
            rows = list(s.scalars(select(IncidentLogEntry).where(IncidentLogEntry.incident_id == incident_id)
                                  .order_by(IncidentLogEntry.happened_at, IncidentLogEntry.id)))
            names = user_names(s, {r.author_id for r in rows} | {r.stricken_by_id for r in rows})
            return [_view(r, names) for r in rows]

    def open_instructions(self, actor: Actor) -> list[LogEntryView]:
        """Leaders' instructions not yet followed up, across incidents that are not closed (for the handover)."""
        require_view(actor)
        with self.db.read() as s:
            rows = list(s.scalars(
                select(IncidentLogEntry).join(Incident, Incident.id == IncidentLogEntry.incident_id)
                .where(IncidentLogEntry.kind == "instruction", IncidentLogEntry.follow_up_state == "open",
                       IncidentLogEntry.stricken.is_(False), Incident.status != "closed")
                .order_by(IncidentLogEntry.happened_at, IncidentLogEntry.id)))
            names = user_names(s, {r.author_id for r in rows})
            return [_view(r, names) for r in rows]

    # ------------------------------------------------------------ commands

    def add(self, actor: Actor, incident_id: int, text: str, *, happened_at: dt.datetime | None = None,
            now: dt.datetime | None = None) -> LogEntryView:
        """A note typed by the officer: what happened, when it happened."""
        body = clean_text(text, field=("日志内容", "the entry"), max_len=MAX_TEXT, required=True, multiline=True)
        return self._add(actor, incident_id, body, "note", happened_at, now)

    def add_instruction(self, actor: Actor, incident_id: int, text: str, *, instructed_by: str,
                        happened_at: dt.datetime | None = None, now: dt.datetime | None = None) -> LogEntryView:
        """A leader's instruction (领导批示), open for follow-up until marked done; `happened_at` is when the
        leader gave it (批示时间, default now), which may be before it reached the duty room, never after now."""
        leader = clean_text(instructed_by, field=("批示领导", "the leader"), max_len=100, required=True)
        body = clean_text(text, field=("批示内容", "the instruction"), max_len=MAX_TEXT, required=True, multiline=True)
        if happened_at is not None and aware(happened_at, "批示时间", "the time") > now_or(now) + CLOCK_SKEW:
            raise UserError("批示时间不能晚于现在", "the time of the instruction cannot be in the future")
        return self._add(actor, incident_id, f"{leader}批示：{body}", "instruction", happened_at, now)

    def _add(self, actor: Actor, incident_id: int, text: str, kind: str, happened_at: dt.datetime | None,
             now: dt.datetime | None) -> LogEntryView:
        now = now_or(now)
        happened_at = aware(happened_at, "发生时间", "the time") if happened_at else now
        if happened_at > now + CLOCK_SKEW:
            raise UserError("日志的发生时间不能晚于现在", "the time of an entry cannot be in the future")
        with self.db.write() as s:
            incident = locked_incident(s, incident_id)
            require(actor, "incident.log.add", incident.status)
            entry = IncidentLogEntry(incident_id=incident.id, happened_at=happened_at, entered_at=now,
                                     author_id=actor.id, workstation=audit.WORKSTATION, automatic=False, kind=kind,
                                     text=text, follow_up_state="open" if kind == "instruction" else None)
            s.add(entry)
            if kind == "instruction":
                _mirror(s, actor, incident, text, happened_at=happened_at, now=now, kind="instruction",
                        follow_up_state="open")
            s.flush()
            audit.record_by(s, actor, action=f"incident.log.{kind}",
                            entity="incident_log", entity_id=entry.id, after=_entry_dict(entry), at=now)
            return _view(entry, {actor.id: actor.display_name})

    def strike(self, actor: Actor, entry_id: int, reason: str, *, now: dt.datetime | None = None) -> LogEntryView:
        """Strike a wrong entry through: its text stays, with the reason, who and when."""
        reason = clean_text(reason, field=("划除理由", "the reason"), max_len=MAX_REASON, required=True, multiline=True)
        now = now_or(now)
        with self.db.write() as s:
            entry = self._entry(s, entry_id)
            incident = locked_incident(s, entry.incident_id)
            require(actor, "incident.log.strike", incident.status)
            before = _entry_dict(entry)
            strike_through(entry, actor, reason, now)
            audit.record_by(s, actor, action="incident.log.strike",
                            entity="incident_log", entity_id=entry.id, before=before, after=_entry_dict(entry), at=now)
            return _view(entry, user_names(s, {entry.author_id, actor.id}))

    def set_follow_up(self, actor: Actor, entry_id: int, state: str, *, now: dt.datetime | None = None) -> LogEntryView:
        """Mark a leader's instruction done (已落实) or open again; the duty log's copy follows."""
        if state not in FOLLOW_UP_STATES:
            raise UserError(f"未知的落实状态：{state}（可选：open、done）", f"unknown follow-up state: {state}")
        now = now_or(now)
        with self.db.write() as s:
            entry = self._entry(s, entry_id)
            incident = locked_incident(s, entry.incident_id)
            require(actor, "incident.log.add", incident.status)
            if entry.kind != "instruction":
                raise UserError("只有领导批示需要落实", "only leaders' instructions have a follow-up state")
            if entry.stricken:
                raise UserError("该批示已被划除", "the instruction is struck through")
            before = _entry_dict(entry)
            entry.follow_up_state = state
            for copy in s.scalars(select(DutyLogEntry).where(
                    DutyLogEntry.incident_id == incident.id, DutyLogEntry.kind == "instruction",
                    DutyLogEntry.happened_at == entry.happened_at)):
                if copy.text.endswith(entry.text):  # the copy carries the incident's title in front
                    copy.follow_up_state = state
            audit.record_by(s, actor, action="incident.log.follow_up",
                            entity="incident_log", entity_id=entry.id, before=before, after=_entry_dict(entry), at=now)
            return _view(entry, user_names(s, {entry.author_id, entry.stricken_by_id}))

    @staticmethod
    def _entry(s: Session, entry_id: int) -> IncidentLogEntry:
        entry = s.get(IncidentLogEntry, entry_id, with_for_update=True)
        if entry is None:
            raise NotFound(f"日志条目 {entry_id} 不存在", f"log entry {entry_id} not found")
        return entry
