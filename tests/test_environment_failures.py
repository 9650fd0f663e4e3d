"""Old databases open; environment failures give a clear message, never a traceback."""

import shutil
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from dutyroom.store.audit import verify_chain
from dutyroom.store.database import Database
from dutyroom.store.models import EventType, Person, User

ROOT = Path(__file__).resolve().parent.parent
RELEASE_0001 = Path(__file__).parent / "data" / "release_0001.db"  # made by `init --demo` at schema 0001


def cli(*args, env=None):
    import os

    return subprocess.run([sys.executable, "-m", "dutyroom", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, **(env or {})})


def test_first_release_database_opens_with_all_data(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(RELEASE_0001, path)
    db = Database(f"sqlite:///{path}")
    with db.read() as s:
        before = (s.scalar(select(func.count()).select_from(User)), s.scalar(select(func.count()).select_from(Person)),
                  s.scalar(select(func.count()).select_from(EventType)))
    db.migrate()
    with db.read() as s:
        after = (s.scalar(select(func.count()).select_from(User)), s.scalar(select(func.count()).select_from(Person)),
                 s.scalar(select(func.count()).select_from(EventType)))
        assert verify_chain(s).ok
    assert after == before and before[0] == 10 and before[2] == 36
    db.dispose()


def test_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is a duty note, not a database" * 100)
    result = cli("init", "--db", str(path))
    assert result.returncode == 3
    assert "Traceback" not in result.stderr and "不是值班系统数据库" in result.stderr
    assert path.read_bytes().startswith(b"this is a duty note")  # untouched
    result = cli("init", "--db", str(path), env={"DUTYROOM_LANG": "en"})
    assert "not a dutyroom database" in result.stderr


def test_read_only_database(tmp_path):
    path = tmp_path / "ro.db"
    shutil.copy(RELEASE_0001, path)
    result = cli("init", "--db", f"sqlite:///file:{path}?mode=ro&uri=true", "--profile", "pinggu")
    assert result.returncode == 3, result.stderr
    assert "只读" in result.stderr and "Traceback" not in result.stderr


def test_missing_folder(tmp_path):
    result = cli("init", "--db", str(tmp_path / "no" / "such" / "dir" / "x.db"))
    assert result.returncode == 3 and "无法打开数据库文件" in result.stderr
