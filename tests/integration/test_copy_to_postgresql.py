"""scripts/copy_to_postgresql.py (issue 21: the benchmarks on PostgreSQL, and a one-seat room moving to a server):
every row of a SQLite database arrives in PostgreSQL, the audit chain and the row seals verify there, and the copy
takes new writes (its id sequences continue past the copied ids)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from sqlalchemy import func, select

from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.incidents import IncidentService
from dutyroom.store.audit import verify_chain
from dutyroom.store.database import Database
from dutyroom.store.models import AuditEntry, DutyLogEntry, Incident, IncidentLogEntry
from dutyroom.store.row_seal import verify_seals
from tests.helpers.actors import actors_by_username
from tests.helpers.incidents import RECEIVED, build_desk, intake

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "copy_to_postgresql.py"


def _loader():
    spec = importlib.util.spec_from_file_location("copy_to_postgresql", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _counts(db: Database) -> dict[str, int]:
    with db.read() as s:
        return {m.__tablename__: s.scalar(select(func.count()).select_from(m))
                for m in (Incident, IncidentLogEntry, DutyLogEntry, AuditEntry)}


def test_a_sqlite_history_copied_to_postgresql_verifies_and_takes_new_writes(template_db, pg_server):
    source = template_db("desk", build_desk)
    users = actors_by_username(source)
    svc = IncidentService(source, load_profile("dongcheng"))
    for n in range(3):
        v = svc.register(users["zhouning"], intake(deaths=n), now=RECEIVED)
        svc.confirm_grade(users["sunhao"], v.id, "ordinary", now=RECEIVED)
    path = Path(source.engine.url.database)
    before = _counts(source)
    source.dispose()
    url = pg_server.create_database("copied_history")
    counts = _loader().copy(path, url)
    assert counts["incident"] == before["incident"] == 3
    target = Database(url)
    try:
        assert _counts(target) == before
        with target.read() as s:
            assert verify_chain(s).ok
        with target.engine.connect() as conn:
            assert verify_seals(conn).ok
        again = IncidentService(target, load_profile("dongcheng")).register(users["heli"], intake(), now=RECEIVED)
        assert again.id == 4
        with target.read() as s:
            assert verify_chain(s).ok
    finally:
        target.dispose()
