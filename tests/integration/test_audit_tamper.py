"""`python -m dutyroom verify` finds an audit entry edited, deleted or reordered in the database file itself,
and names the first bad one (issue 8: "detects any edited, deleted or reordered entry and names the first bad one")."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from dutyroom.services.actor import SYSTEM
from dutyroom.services.auth import AuthService

ROOT = Path(__file__).resolve().parents[2]


def verify(url: str, lang: str = "zh_CN") -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-m", "dutyroom", "verify", "--db", url], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "DUTYROOM_LANG": lang})


@pytest.fixture
def chained(db):
    """Six entries: the user's creation and five sign-ins, all committed through the service."""
    auth = AuthService(db)
    auth.create_user(SYSTEM, "zhouning", "周宁", "duty-pass-2026", ["duty_officer"])
    for _ in range(5):
        auth.login("zhouning", "duty-pass-2026")
    path = db.url.removeprefix("sqlite:///")
    db.dispose()
    return db.url, path


def _tamper(path: str, *sql: str) -> None:
    con = sqlite3.connect(path)
    for statement in sql:
        con.execute(statement)
    con.commit()
    con.close()


def test_intact_chain_is_reported_with_its_length(chained):
    result = verify(chained[0])
    assert result.returncode == 0 and "审计链完整（6 条）" in result.stdout


def test_edited_entry_is_named(chained):
    url, path = chained
    _tamper(path, "UPDATE audit_log SET username = 'intruder' WHERE seq = 4")
    result = verify(url)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "第 4 条内容被改动" in result.stderr and "intruder" in result.stderr


def test_edited_before_after_values_are_named(chained):
    url, path = chained
    _tamper(path, """UPDATE audit_log SET after = '{"username": "zhouning", "roles": ["admin"]}' WHERE seq = 1""")
    result = verify(url)
    assert result.returncode == 1 and "第 1 条内容被改动" in result.stderr


def test_deleted_entry_is_named(chained):
    url, path = chained
    _tamper(path, "DELETE FROM audit_log WHERE seq = 3")
    result = verify(url)
    assert result.returncode == 1 and "第 3 条缺失或顺序被改动" in result.stderr


def test_deleted_last_entry_is_named(chained):
    url, path = chained
    _tamper(path, "DELETE FROM audit_log WHERE seq = 6")
    result = verify(url)
    assert result.returncode == 1 and "应有 6 条，只找到 5 条" in result.stderr


def test_reordered_entries_are_named(chained):
    url, path = chained
    _tamper(path, "UPDATE audit_log SET seq = -1 WHERE seq = 2", "UPDATE audit_log SET seq = 2 WHERE seq = 5",
            "UPDATE audit_log SET seq = 5 WHERE seq = -1")
    result = verify(url)
    assert result.returncode == 1 and "第 2 条与前一条不衔接" in result.stderr


def test_rehashed_edit_is_caught_at_the_entry_itself(chained):
    """Someone who edits an entry and recomputes its hash without the installation key is caught at that entry
    (issue 17 finding 3: the chain is keyed; before, only the link to the next entry broke)."""
    from dutyroom.store.audit import legacy_entry_hash as entry_hash

    url, path = chained
    con = sqlite3.connect(path)
    row = con.execute("SELECT seq, at, username, action, entity, entity_id, before, after, prev_hash FROM audit_log "
                      "WHERE seq = 3").fetchone()
    import datetime as dt
    import json

    at = dt.datetime.fromisoformat(row[1]).replace(tzinfo=dt.UTC)
    forged = entry_hash(row[8], 3, at, "intruder", row[3], row[4], row[5],
                        json.loads(row[6]) if row[6] else None, json.loads(row[7]) if row[7] else None)
    con.execute("UPDATE audit_log SET username = 'intruder', hash = ? WHERE seq = 3", (forged,))
    con.commit()
    con.close()
    result = verify(url)
    assert result.returncode == 1 and "第 3 条内容被改动或伪造" in result.stderr


def test_english_message_names_the_entry(chained):
    url, path = chained
    _tamper(path, "DELETE FROM audit_log WHERE seq = 2")
    result = verify(url, "en")
    assert result.returncode == 1 and "audit chain broken at entry 2: entry 2 is missing or out of order" in result.stderr
