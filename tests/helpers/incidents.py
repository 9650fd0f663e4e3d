"""Shared data, helpers and the `desk` fixture for the incident tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dutyroom.domain.incident_facts import BEIJING
from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.actor import Actor
from dutyroom.services.incident_log import IncidentLogService
from dutyroom.services.incident_reports import ReportService
from dutyroom.services.incidents import IncidentService
from dutyroom.store.database import Database
from dutyroom.store.models import AuditEntry, DutyLogEntry, Incident, IncidentLogEntry, IncidentReport
from tests.helpers.actors import actors_by_username
from tests.helpers.databases import build_demo

PROFILES = ("dongcheng", "beijing", "tongzhou", "pinggu", "shijingshan")
OCCURRED = dt.datetime(2026, 7, 1, 8, 0, tzinfo=BEIJING)
RECEIVED = dt.datetime(2026, 7, 1, 8, 5, tzinfo=BEIJING)
MIN = dt.timedelta(minutes=1)

PLACES = {"dongcheng": "东四街道", "tongzhou": "北苑街道", "pinggu": "滨河街道", "beijing": "东城区东四街道",
          "shijingshan": "八角街道"}


class Clock:
    """A settable clock for the widgets that take `clock=`: tests move `now` instead of sleeping."""

    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def intake(key: str = "dongcheng", category: str = "accident", event_type: str | None = None, **kw) -> dict:
    """A complete, valid intake for a profile: the first event type of the category unless one is given."""
    if event_type is None:
        event_type = next(r.event_type for r in load_profile(key).lead_departments if r.category.value == category)
    return {"source": "110", "caller_name": "王先生", "callback_phone": "13800001234",
            "occurred_at": OCCURRED, "received_at": RECEIVED, "place": PLACES[key], "address": "某某路1号",
            "category": category, "event_type": event_type, "description": "现场有人员受伤，正在核实", **kw}


@dataclass
class Desk:
    db: Database
    users: dict[str, Actor]

    def incidents(self, key: str = "dongcheng", profile_dir: Path | None = None) -> IncidentService:
        return IncidentService(self.db, load_profile(key, profile_dir), profile_dir)

    def reports(self, profile_dir: Path | None = None) -> ReportService:
        return ReportService(self.db, profile_dir)

    @property
    def log(self) -> IncidentLogService:
        return IncidentLogService(self.db)

    def __getitem__(self, username: str) -> Actor:
        return self.users[username]

    def counts(self) -> dict[str, int]:
        """Rows in every table the incident services write (to show that a refusal wrote nothing)."""
        with self.db.read() as s:
            return {m.__tablename__: s.scalar(select(func.count()).select_from(m))
                    for m in (Incident, IncidentReport, IncidentLogEntry, DutyLogEntry, AuditEntry)}

    def audit(self, action: str | None = None, entity_id=None, entity: str = "incident") -> list[AuditEntry]:
        with self.db.read() as s:
            stmt = select(AuditEntry).order_by(AuditEntry.seq)
            if action:
                stmt = stmt.where(AuditEntry.action == action)
            if entity_id is not None:
                stmt = stmt.where(AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
            return list(s.scalars(stmt))

    def log_rows(self, incident_id: int) -> list[IncidentLogEntry]:
        with self.db.read() as s:
            return list(s.scalars(select(IncidentLogEntry).where(IncidentLogEntry.incident_id == incident_id)
                                  .order_by(IncidentLogEntry.id)))

    def duty_rows(self, incident_id: int) -> list[DutyLogEntry]:
        with self.db.read() as s:
            return list(s.scalars(select(DutyLogEntry).where(DutyLogEntry.incident_id == incident_id)
                                  .order_by(DutyLogEntry.id)))


def build_desk(db: Database) -> None:
    """The Dongcheng demo district, with the reference data of all five profiles."""
    build_demo(db, reference_profiles=PROFILES)


@pytest.fixture
def desk(template_db) -> Desk:
    """A copy of the demo database `build_desk` makes, with its users as actors."""
    db = template_db("desk", build_desk)
    return Desk(db, actors_by_username(db))
