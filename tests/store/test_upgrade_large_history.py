"""Upgrading a district's history in place (issue 18's upgrade, at issue 21's volumes). Migration 0007 rebuilds
the incident table; with foreign keys on, SQLite's DROP TABLE deletes every incident first: refused ("FOREIGN KEY
constraint failed") as soon as one duty-log line points at an incident, and a full scan of each child table per
incident besides — at ten years it never finished. The work is counted in SQLite virtual-machine steps (not
seconds, which a busy machine stretches): it must grow with the rows, not with their product."""



from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import event, text

from dutyroom.store.database import Database, DatabaseError, alembic_config, head_revision
from tests.store.test_seals_across_migrations import _insert


def _history_at_0006(tmp_path, incidents: int, lines_each: int) -> Database:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0006")
    db = Database(url)
    with db.engine.begin() as conn:
        user = _insert(conn, "user_account", username="a")
        first = _insert(conn, "incident", title="事件", created_by_id=user)
        cols = [r[1] for r in conn.execute(text("PRAGMA table_info(incident)")) if r[1] != "id"]
        names = ", ".join(cols)
        conn.execute(text(f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :k) "
                          f"INSERT INTO incident ({names}) SELECT {names} FROM incident, n WHERE id = :first"),
                     {"k": incidents - 1, "first": first})
        line = _insert(conn, "duty_log", incident_id=first, author_id=user, text="值班记录")
        dcols = [r[1] for r in conn.execute(text("PRAGMA table_info(duty_log)")) if r[1] not in ("id", "incident_id")]
        dnames = ", ".join(dcols)
        conn.execute(text(f"WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < :k) "
                          f"INSERT INTO duty_log (incident_id, {dnames}) SELECT incident.id, {', '.join('d.' + c for c in dcols)} "
                          f"FROM incident, n, duty_log AS d WHERE d.id = :line"),
                     {"k": lines_each - 1, "line": line})
    return db


def _steps_to_migrate(db: Database) -> int:
    count = [0]

    def counting(dbapi_conn, _record):
        dbapi_conn.set_progress_handler(lambda: count.__setitem__(0, count[0] + 1) or 0, 1000)

    event.listen(db.engine, "connect", counting)
    db.engine.dispose()
    db.migrate()
    return count[0] * 1000


def test_a_large_history_upgrades_in_work_that_grows_with_its_rows(tmp_path):
    incidents, lines_each = 2_000, 5      # 10,000 duty-log lines
    db = _history_at_0006(tmp_path, incidents, lines_each)
    steps = _steps_to_migrate(db)
    with db.engine.connect() as conn:
        assert db.current_revision() == head_revision()
        assert conn.execute(text("SELECT count(*) FROM incident")).scalar() == incidents
        assert conn.execute(text("SELECT count(*) FROM duty_log")).scalar() == incidents * lines_each + 1
        leftover = conn.execute(text("SELECT name FROM sqlite_master WHERE name LIKE 'tmp_0007%'")).all()
    db.dispose()
    assert leftover == []
    # a scan of the 10,000 lines per incident would be ~10^5 steps each (2*10^8 in all)
    assert steps < 2_000 * incidents, steps


def test_an_upgrade_that_would_leave_a_dangling_row_changes_nothing(tmp_path):
    db = _history_at_0006(tmp_path, 3, 1)
    raw = db.engine.raw_connection()
    try:  # a line pointing at no incident, written around the program with the keys off
        raw.driver_connection.execute("PRAGMA foreign_keys=OFF")
        raw.driver_connection.execute("UPDATE duty_log SET incident_id = 999 WHERE id = 1")
    finally:
        raw.close()
    db.engine.dispose()
    with pytest.raises(DatabaseError, match="失效的关联记录"):
        db.migrate()
    assert db.current_revision() == "0006"
    db.dispose()
