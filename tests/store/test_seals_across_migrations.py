"""Migration 0007 (issue 20's condition flags) fills new incident columns: the seals of issue 17 must survive it —
renewed where they held, still broken where a row had been patched in the file."""

from __future__ import annotations

import datetime as dt

from alembic import command
from sqlalchemy import text

from dutyroom.store.audit_key import load_key
from dutyroom.store.database import Database, alembic_config
from dutyroom.store.row_seal import seal_row, verify_seals


def _insert(conn, table: str, **values) -> int:
    """A row with every NOT NULL column filled (whatever the schema at this revision asks)."""
    for _cid, name, kind, notnull, default, pk in conn.execute(text(f"PRAGMA table_info({table})")):
        if notnull and default is None and not pk and name not in values:
            kind = kind.upper()
            values[name] = (0 if any(k in kind for k in ("INT", "BOOL", "NUMERIC", "FLOAT")) else
                            dt.datetime(2026, 7, 1, 8, tzinfo=dt.UTC).isoformat() if "DATE" in kind else "x")
    names = ", ".join(values)
    conn.execute(text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + k for k in values)})"), values)
    return conn.execute(text(f"SELECT max(id) FROM {table}")).scalar()


def test_seals_renewed_where_they_held_and_a_patched_row_stays_caught(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0006")
    db = Database(url)
    key = load_key(db.engine.url, create=True)
    with db.engine.begin() as conn:
        user = _insert(conn, "user_account", username="a")
        whole = _insert(conn, "incident", title="事件1", created_by_id=user)
        patched = _insert(conn, "incident", title="事件2", created_by_id=user)
        for row_id in (whole, patched):
            seal_row(conn, key, "incident", row_id)
        conn.execute(text("UPDATE incident SET title = '无事' WHERE id = :id"), {"id": patched})  # around the program
    db.migrate()  # 0007 and on
    with db.engine.connect() as conn:
        report = verify_seals(conn)
        flags = conn.execute(text("SELECT prominent FROM incident WHERE id = :id"), {"id": whole}).scalar()
    assert not flags
    assert not report.ok and (report.table, report.row_id) == ("incident", patched)
    with db.engine.begin() as conn:  # the whole row alone passes
        conn.execute(text("DELETE FROM incident WHERE id = :id"), {"id": patched})
    with db.engine.connect() as conn:
        assert verify_seals(conn).ok
    db.dispose()
