"""The incident list filtered by category on PostgreSQL walks the time index and stops at the page (issue 21).

SQLite's planner needs `status || ''` to stay off the status index when the list shows open and closed incidents;
on PostgreSQL the same expression hid the column's statistics, the planner guessed that almost no row matched,
and it sorted every incident of the category: 139 ms at ten years (100,000 incidents), against 10 ms now
(tests/bench/bench_history.py --db postgresql+psycopg://…)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event, text

from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.incidents import IncidentQuery, IncidentService
from dutyroom.store.database import Database
from dutyroom.store.models import Incident
from tests.helpers.actors import actors_by_username
from tests.helpers.incidents import intake
from tests.integration.test_two_seats_postgresql import demo_on

CATEGORIES = ("accident", "natural", "social", "public_health")


def _history(db: Database, n: int) -> None:
    """n closed incidents, one a minute for the last n minutes, the categories in turn (a copy of a demo call)."""
    cols = [c.name for c in Incident.__table__.columns if c.name not in ("id", "status", "category", "received_at")]
    names = ", ".join(cols)
    with db.engine.begin() as conn:
        conn.execute(text(
            f"INSERT INTO incident ({names}, status, category, received_at)"
            f" SELECT {names}, 'closed', (ARRAY{list(CATEGORIES)})[1 + g % 4],"
            f"  now() AT TIME ZONE 'UTC' - g * interval '1 minute'"
            f" FROM incident, generate_series(1, :n) g WHERE incident.id = (SELECT min(id) FROM incident)"), {"n": n})
        conn.execute(text("ANALYZE incident"))


def test_a_category_filter_walks_the_time_index_newest_first(pg_server):
    url = demo_on(pg_server, "list_plan")
    db = Database(url)
    try:
        svc = IncidentService(db, load_profile("dongcheng"))
        officer = actors_by_username(db)["zhouning"]
        svc.register(officer, intake())  # a call taken through the service, copied for volume
        _history(db, 40_000)
        seen: list[tuple[str, object]] = []

        def note(_conn, _cursor, statement, parameters, _context, _many):
            seen.append((statement, parameters))
        event.listen(db.engine, "before_cursor_execute", note)
        rows = svc.search(officer, IncidentQuery(category="social", statuses=("open", "closed")))
        event.remove(db.engine, "before_cursor_execute", note)

        # what the officer sees: the page of the newest social incidents, newest first
        with db.engine.connect() as conn:
            newest = [r[0] for r in conn.execute(text(
                "SELECT id FROM incident WHERE category = 'social' AND status IN ('open', 'closed')"
                " ORDER BY received_at DESC, id DESC LIMIT 500"))]
        assert [r.id for r in rows] == newest and len(rows) == 500
        assert all(r.category == "social" for r in rows)
        assert rows[0].received_at > rows[-1].received_at > dt.datetime.now(dt.UTC) - dt.timedelta(days=30)

        # and how the server got it: backwards along the time index, not a sort of every social incident
        sql, params = next((s, p) for s, p in seen if "FROM incident" in s and "LIMIT" in s and "category" in s)
        with db.engine.connect() as conn:
            plan = "\n".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {sql}", params))
        assert "Index Scan Backward using ix_incident_received_at" in plan, plan
        assert "Seq Scan on incident" not in plan, plan
    finally:
        db.dispose()
