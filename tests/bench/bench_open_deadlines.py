"""Benchmark: the dashboard query `open_deadlines` over 200 open incidents.

Run: .venv/bin/python tests/bench/bench_open_deadlines.py [N]

Prints the median time of `open_deadlines` and, as a baseline measured in the same run, the median time
of only loading the same rows (the open incidents' columns and their sent reports) in a read session,
and the ratios. "Cold" clears the memo of report chains before every call (the first look after a
change); "warm" is the dashboard's timer asking again with nothing changed. Never gates anything on time.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import select

from dutyroom.domain.incident_facts import BEIJING
from dutyroom.services.actor import Actor
from dutyroom.services.incident_reports import DASH_COLUMNS, ReportService
from dutyroom.services.incidents import SENT_COLUMNS, _chain
from dutyroom.store.database import Database
from dutyroom.store.models import Incident, IncidentReport, User, UserRole
from tests.bench.timing import median_ms

NOW = dt.datetime(2026, 7, 1, 12, 0, tzinfo=BEIJING)
GRADES = ("unknown", "ordinary", "large", "major")
CATEGORIES = ("natural", "accident", "public_health", "social")


def populate(db: Database, n: int) -> Actor:
    rng = random.Random(7)
    with db.write() as s:
        user = User(username="bench", display_name="基准", password_hash="x", roles=[UserRole(role="duty_officer")])
        s.add(user)
        s.flush()
        for i in range(n):
            received = NOW - dt.timedelta(minutes=rng.randrange(1, 600))
            incident = Incident(
                profile_key="dongcheng", profile_version="2022", status="open", title=f"事件{i}",
                category=rng.choice(CATEGORIES), event_type_text="火灾事故", source="110", place="东四街道",
                occurred_at=received - dt.timedelta(minutes=5), received_at=received, created_by_id=user.id,
                grade_confirmed=rng.choice(GRADES), sensitive=rng.random() < 0.2, foreign_related=rng.random() < 0.1,
                deaths=rng.randrange(0, 4), health={})
            s.add(incident)
            s.flush()
            sent_at = received
            for seq in range(rng.randrange(0, 4)):  # a first report and some follow-ups
                sent_at = sent_at + dt.timedelta(minutes=rng.randrange(5, 35))
                s.add(IncidentReport(incident_id=incident.id, kind="verbal" if seq == 0 else "followup",
                                     sequence=seq, sent_at=sent_at, sent_by_id=user.id, recipients=["区应急办"],
                                     channel="phone", body="…"))
        return Actor(user.id, user.username, user.display_name, frozenset({"duty_officer"}))


def load_rows(db: Database) -> int:
    """The baseline: fetch the same rows open_deadlines reads, and nothing else."""
    with db.read() as s:
        rows = s.execute(select(*DASH_COLUMNS).where(Incident.status == "open")).all()
        sent = s.execute(select(*SENT_COLUMNS).join(Incident, Incident.id == IncidentReport.incident_id)
                         .where(Incident.status == "open", IncidentReport.sent_at.is_not(None))).all()
    return len(rows) + len(sent)


def main(n: int = 200) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        db.migrate()
        actor = populate(db, n)
        service = ReportService(db)
        deadlines = len(service.open_deadlines(actor, now=NOW))
        rows = load_rows(db)
        base = median_ms(lambda: load_rows(db))
        cold = median_ms(lambda: (_chain.cache_clear(), service.open_deadlines(actor, now=NOW)))
        warm = median_ms(lambda: service.open_deadlines(actor, now=NOW))
        db.dispose()
    print(f"open incidents: {n}, rows loaded: {rows}, deadlines listed: {deadlines}")
    print(f"baseline (load the same rows only): {base:.1f} ms (median of 30)")
    print(f"open_deadlines, cold: {cold:.1f} ms, ratio {cold / base:.1f}x")
    print(f"open_deadlines, warm: {warm:.1f} ms, ratio {warm / base:.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
