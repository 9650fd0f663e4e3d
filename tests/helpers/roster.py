"""Helpers for the roster, duty log and handover tests: Beijing times, a saved month and the `room` fixture
(actors: tests/helpers/actors.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from dutyroom.domain.incident_facts import BEIJING
from dutyroom.services.roster import PlannedEntry, RosterService
from tests.helpers.databases import build_demo


def bj(y, m, d, hh=0, mm=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=BEIJING)


def planned(view) -> list[PlannedEntry]:
    return [PlannedEntry(e.shift_date, e.shift_name, e.person_id, e.role) for e in view.entries]


def save_generated(db, actor, year, month, pattern="24h", **kw):
    svc = RosterService(db)
    cands = svc.candidates(actor)
    proposal = svc.propose(actor, year, month, pattern=pattern, officers=[p.person_id for p in cands.officers],
                           leaders=[p.person_id for p in cands.leaders], **kw)
    return svc.save_month(actor, year, month, pattern=pattern, entries=planned(proposal),
                          now=bj(year, month, 1) - dt.timedelta(days=10))


def build_room(db) -> None:
    """The Dongcheng demo district as of 2026-12-01 (demo roster from 2026-11-30; September/October 2026 free)."""
    build_demo(db, today=dt.date(2026, 12, 1))


@pytest.fixture
def room(template_db):
    """A copy of the demo database `build_room` makes."""
    return template_db("room", build_room)
