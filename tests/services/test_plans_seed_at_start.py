"""Start fast, several seats (issue 21): the plan library is seeded at every sign-in (app.build_main_window), but
once it is complete that only reads. A seat signing in while another seat holds the write lock (a long import, a
backup check) is not made to wait for it."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from sqlalchemy import func, select

from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.actor import SYSTEM
from dutyroom.services.plans import PlanService
from dutyroom.store.models import AuditEntry, Plan


def test_a_complete_library_is_checked_without_waiting_for_another_seats_write_lock(demo_db):
    plans = PlanService(demo_db, load_profile("dongcheng"))
    plans.seed_library(SYSTEM)  # the first sign-in completes it
    assert plans.seed_library(SYSTEM) == {"plans": 0, "links": 0}
    with demo_db.read() as s:
        count, seeds = s.scalar(select(func.count(Plan.id))), s.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action == "plan.seed"))
    other_seat = sqlite3.connect(Path(demo_db.engine.url.database), timeout=1)
    other_seat.isolation_level = None
    other_seat.execute("BEGIN IMMEDIATE")  # the other seat is in a write transaction
    try:
        started = time.monotonic()
        assert plans.seed_library(SYSTEM) == {"plans": 0, "links": 0}
        assert time.monotonic() - started < 5  # before: waited for the lock (15 s busy timeout), then failed
    finally:
        other_seat.execute("ROLLBACK")
        other_seat.close()
    with demo_db.read() as s:
        assert s.scalar(select(func.count(Plan.id))) == count
        assert s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "plan.seed")) == seeds


def test_a_missing_street_plan_is_still_added_and_audited(demo_db):
    plans = PlanService(demo_db, load_profile("dongcheng"))
    with demo_db.write() as s:
        street = s.scalars(select(Plan).where(Plan.plan_type == "street")).first()
        street.name += "（旧名）"  # as if this street's plan were missing under its seeded name
    added = plans.seed_library(SYSTEM)
    assert added["plans"] == 1
    with demo_db.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "plan.seed").order_by(AuditEntry.id.desc())).first()
        assert entry.after["plans"] == 1
