"""The 处置分工 table (event type → ordered lead units with their role), viewed and edited with history.

The table comes from the profile (services/reference_data.py loads it once). An edit never overwrites:
the current rows of the event type get valid_to = now and the new list is added with valid_from = now,
in one audited transaction, so `history` can show the table as it stood on any day. The intake's
lead-unit lookup (IncidentService._lead_units) reads the current rows (valid_to IS NULL), so it sees
an edit at once. Units typed that are not yet organisations are added as organisations (kind from
their name, as reference_data does), so contacts can give them phones later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.clock import now_or
from ..domain.text import clean_text
from ..domain.vocabulary import CATEGORY_LABELS, Category
from ..store import audit
from ..store.database import Database
from ..store.models import EventType, LeadAssignment, Organisation
from .actor import Actor, rechecked
from .errors import NotFound, UserError
from .guard import require
from .reference_data import _org_kind, get_or_create_org

ROLES = {"lead": ("牵头", "lead"), "participant": ("参与", "participant")}


@dataclass(frozen=True)
class LeadEntry:
    unit: str
    role: str  # lead | participant
    duty_phone: str


@dataclass(frozen=True)
class LeadTableRow:
    event_type_id: int
    no: int | None
    category: str
    category_label: str
    event_type: str
    basis: str
    entries: tuple[LeadEntry, ...]

    @property
    def lead_units(self) -> tuple[str, ...]:
        return tuple(e.unit for e in self.entries if e.role == "lead")


@dataclass(frozen=True)
class LeadHistoryEntry:
    unit: str
    role: str
    position: int
    valid_from: dt.datetime
    valid_to: dt.datetime | None


@rechecked
class LeadTableService:
    def __init__(self, db: Database, profile):
        self.db = db
        self.profile = profile

    def table(self, actor: Actor, on: dt.datetime | None = None) -> list[LeadTableRow]:
        """The table now, or as it stood at `on`."""
        require(actor, "plan.view")
        with self.db.read() as s:
            return lead_rows(s, self.profile.key, on)

    def row(self, actor: Actor, event_type_id: int) -> LeadTableRow:
        for r in self.table(actor):
            if r.event_type_id == event_type_id:
                return r
        raise NotFound(f"没有编号为 {event_type_id} 的事件类型", f"no event type {event_type_id}")

    def set_units(self, actor: Actor, event_type_id: int, entries: Sequence[tuple[str, str]],
                  *, now: dt.datetime | None = None, reason: str | None = None) -> LeadTableRow:
        """Replace the event type's lead list with `entries` [(unit, role)], in order; at least one lead."""
        require(actor, "lead_table.edit")
        now = now_or(now)
        reason = clean_text(reason, field=("调整理由", "the reason"), max_len=500, multiline=True)
        clean: list[tuple[str, str]] = []
        for unit, role in entries:
            unit = clean_text(unit, field=("单位名称", "the unit name"), max_len=200) or ""
            if not unit:
                continue
            if role not in ROLES:
                raise UserError(f"角色无效：{role}（应为牵头或参与）", f"invalid role {role} (lead or participant)")
            if any(u == unit for u, _ in clean):
                raise UserError(f"单位“{unit}”重复", f"unit {unit} is listed twice")
            if len(unit) > 200:
                raise UserError("单位名称过长（最多 200 字）", "unit name too long (200 characters at most)")
            clean.append((unit, role))
        if not any(role == "lead" for _, role in clean):
            raise UserError("至少需要一个牵头单位", "at least one lead unit is required")
        with self.db.write() as s:
            et = s.get(EventType, event_type_id)
            if et is None or et.profile_key != self.profile.key:
                raise NotFound(f"没有编号为 {event_type_id} 的事件类型", f"no event type {event_type_id}")
            current = list(s.scalars(select(LeadAssignment).where(LeadAssignment.event_type_id == et.id,
                                                                  LeadAssignment.valid_to.is_(None))
                                     .order_by(LeadAssignment.position, LeadAssignment.id)))
            before = [(a.organisation.name, a.role) for a in current]
            if before == clean:
                return self._row(s, et)
            for a in current:
                a.valid_to = now
            leads = participants = 0
            for unit, role in clean:
                org = get_or_create_org(s, unit, _org_kind(unit))
                if role == "lead":
                    position, leads = leads, leads + 1
                else:
                    position, participants = 100 + participants, participants + 1
                s.add(LeadAssignment(event_type_id=et.id, organisation_id=org.id, position=position, role=role,
                                     valid_from=now))
            s.flush()
            audit.record_by(s, actor, action="lead_table.edit",
                            entity="event_type", entity_id=et.id,
                            before={"event_type": et.name, "units": [list(x) for x in before]},
                            after={"event_type": et.name, "units": [list(x) for x in clean],
                                "reason": reason}, at=now)
            return self._row(s, et)

    def history(self, actor: Actor, event_type_id: int) -> list[LeadHistoryEntry]:
        """Every row the event type ever had, oldest first (closed rows carry valid_to)."""
        require(actor, "plan.view")
        with self.db.read() as s:
            rows = s.execute(select(Organisation.name, LeadAssignment.role, LeadAssignment.position,
                                    LeadAssignment.valid_from, LeadAssignment.valid_to)
                             .join(Organisation, Organisation.id == LeadAssignment.organisation_id)
                             .where(LeadAssignment.event_type_id == event_type_id)
                             .order_by(LeadAssignment.valid_from, LeadAssignment.position, LeadAssignment.id)).all()
            return [LeadHistoryEntry(*r) for r in rows]

    def _row(self, s: Session, et: EventType) -> LeadTableRow:
        return _rows_for(s, [et], None)[0]


def lead_rows(s: Session, profile_key: str, on: dt.datetime | None = None) -> list[LeadTableRow]:
    """The active event types of the profile with their units, now (current rows) or as they stood at `on`.
    The one read of the table: this service and RulesService.lead_table (rules pages) both use it, and
    PlanService reads a plan's lead units through lead_entries."""
    types = list(s.scalars(select(EventType).where(EventType.profile_key == profile_key, EventType.active)
                           .order_by(EventType.table_no, EventType.id)))
    return _rows_for(s, types, on)


def _rows_for(s: Session, types: Sequence[EventType], on: dt.datetime | None) -> list[LeadTableRow]:
    entries = lead_entries(s, [t.id for t in types], on)
    return [LeadTableRow(t.id, t.table_no, t.category, _category_label(t.category), t.name, t.basis or "",
                         tuple(entries.get(t.id, ()))) for t in types]


def lead_entries(s: Session, event_type_ids: Iterable[int],
                 on: dt.datetime | None = None) -> dict[int, list[LeadEntry]]:
    """Event type id → its units in table order, now (current rows) or as they stood at `on`."""
    q = (select(LeadAssignment.event_type_id, Organisation.name, LeadAssignment.role, Organisation.duty_phone)
         .join(Organisation, Organisation.id == LeadAssignment.organisation_id)
         .where(LeadAssignment.event_type_id.in_(list(event_type_ids))))
    if on is None:
        q = q.where(LeadAssignment.valid_to.is_(None))
    else:
        q = q.where(LeadAssignment.valid_from <= on,
                    (LeadAssignment.valid_to.is_(None)) | (LeadAssignment.valid_to > on))
    entries: dict[int, list[LeadEntry]] = {}
    for et_id, name, role, phone in s.execute(q.order_by(LeadAssignment.position, LeadAssignment.id)):
        entries.setdefault(et_id, []).append(LeadEntry(name, role, phone or ""))
    return entries


def _category_label(category: str) -> str:
    try:
        return CATEGORY_LABELS[Category(category)][0]
    except (ValueError, KeyError):
        return category
