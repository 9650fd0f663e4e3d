"""Backup and restore: restore checks integrity and the audit chain before replacing anything."""

import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from dutyroom.services.actor import SYSTEM
from dutyroom.services.auth import AuthService
from dutyroom.store.backup import backup_generation, backup_to, check_candidate
from dutyroom.store.database import Database
from dutyroom.store.models import User
from tests.helpers.cli import as_user

ROOT = Path(__file__).resolve().parents[2]


def cli(*args):
    return subprocess.run([sys.executable, "-m", "dutyroom", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def _users(url):
    db = Database(url)
    with db.read() as s:
        names = sorted(s.scalars(select(User.username)))
    db.dispose()
    return names


def test_backup_while_running_and_restore_via_cli(demo_db, tmp_path):
    backup = backup_to(demo_db, tmp_path / "b.db", progress=lambda done, total: None)
    assert check_candidate(backup).ok
    AuthService(demo_db).create_user(SYSTEM, "later", "后加用户", "duty-pass-2026", ["duty_officer"])
    url = demo_db.url
    demo_db.dispose()
    result = cli("restore", str(backup), "--db", url, *as_user("admin", folder=tmp_path))
    assert result.returncode == 0, result.stderr
    assert "later" not in _users(url)  # back to the backup's state
    kept = next((tmp_path / "dutyroom-backups").glob("dutyroom-*-prerestore.db"))  # the safety copy (issue 17)
    assert "later" in _users(f"sqlite:///{kept}")  # the replaced database is kept, not lost


def test_corrupt_backup_is_refused_and_nothing_changes(demo_db, tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00garbage" * 500)
    url = demo_db.url
    before = _users(url)
    demo_db.dispose()
    result = cli("restore", str(bad), "--db", url, *as_user("admin", folder=tmp_path))
    assert result.returncode != 0 and "未做任何改动" in result.stderr
    assert _users(url) == before
    assert not list(tmp_path.rglob("*prerestore*"))


def test_backup_with_tampered_audit_chain_is_refused(demo_db, tmp_path):
    backup = backup_to(demo_db, tmp_path / "b.db")
    con = sqlite3.connect(backup)
    con.execute("UPDATE audit_log SET action = 'nothing' WHERE seq = 3")
    con.commit()
    con.close()
    result = check_candidate(backup)
    assert not result.ok and "审计链" in result.problem


def test_generations_are_kept_to_n(demo_db, tmp_path):
    for _ in range(4):
        backup_generation(demo_db, tmp_path / "gen", keep=2)
    assert len(list((tmp_path / "gen").glob("dutyroom-*.db"))) == 2


def test_cli_backup(demo_db, tmp_path):
    result = cli("backup", str(tmp_path / "x.db"), "--db", demo_db.url, *as_user("admin", folder=tmp_path))
    assert result.returncode == 0 and (tmp_path / "x.db").exists()
