"""Old databases open; environment failures give a clear message, never a traceback."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dutyroom.store.audit import verify_chain
from dutyroom.store.database import Database
from dutyroom.store.models import EventType, Person, User

ROOT = Path(__file__).resolve().parents[2]
RELEASE_0001 = Path(__file__).parents[1] / "data" / "release_0001.db"  # made by `init --demo` at schema 0001


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


# ---------------------------------------------------------------- issue 8: more environment failures

def _table_rows(path) -> dict[str, set[tuple]]:
    import sqlite3

    con = sqlite3.connect(path)
    try:
        tables = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name != 'alembic_version'")]
        out = {}
        for t in tables:
            cols = [c[1] for c in con.execute(f'PRAGMA table_info("{t}")')]
            out[t] = {tuple(zip(cols, row, strict=True)) for row in con.execute(f'SELECT * FROM "{t}"')}
        return out
    finally:
        con.close()


def test_first_release_database_keeps_every_row_of_every_table(tmp_path):
    """Every row of every table of the release-0001 file is still there, value for value, after migrating
    to the current head; the old users still sign in and the old audit chain continues."""
    from dutyroom.services.auth import AuthService
    from dutyroom.services.demo import DEMO_PASSWORD
    from dutyroom.store.database import head_revision

    path = tmp_path / "old.db"
    shutil.copy(RELEASE_0001, path)
    before = _table_rows(path)
    assert {t: len(r) for t, r in before.items() if r} == {
        "appointment": 55, "audit_head": 1, "audit_log": 14, "event_type": 36, "lead_assignment": 48,
        "organisation": 26, "person": 55, "plan": 44, "plan_version": 44, "post": 52, "roster_entry": 140,
        "setting": 2, "shift_definition": 1, "user_account": 10, "user_role": 12}
    db = Database(f"sqlite:///{path}")
    db.migrate()
    assert db.current_revision() == head_revision()
    after = _table_rows(path)
    for table, rows in before.items():
        if table == "audit_head":
            continue  # moves on with the sign-in below
        old_cols = [c for c, _ in next(iter(rows))] if rows else []
        if table == "audit_log":  # migration 0006 re-keys the chain (issue 17): every column but the MACs stays
            old_cols = [c for c in old_cols if c not in ("prev_hash", "hash")]
            rows = {tuple((c, v) for c, v in row if c in old_cols) for row in rows}
        projected = {tuple((c, dict(row)[c]) for c in old_cols) for row in after[table]
                     if set(old_cols) <= dict(row).keys()}
        missing = rows - projected
        assert not missing, f"{table}: {len(missing)} rows changed or lost, e.g. {sorted(missing)[:1]}"
    actor = AuthService(db).login("tangjun", DEMO_PASSWORD)
    assert actor.roles == {"shift_leader", "office_director"} and actor.display_name == "唐军"
    with db.read() as s:
        report = verify_chain(s)
        assert report.ok and report.entries >= 15
        assert s.scalar(select(EventType.name).where(EventType.table_no == 1, EventType.profile_key == "dongcheng"))
    db.dispose()


def _full_disk_db(db, spare_pages: int = 3):
    """The same file with SQLite told the disk holds only a few more pages (PRAGMA max_page_count)."""
    from sqlalchemy import event

    with db.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
    full = Database(db.url)

    @event.listens_for(full.engine, "connect")
    def _limit(dbapi_conn, _record):
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages + spare_pages}")

    return full


def test_disk_full_gives_a_message_and_loses_nothing_saved(demo_db, monkeypatch):
    from dutyroom.services.reference_data import get_setting, set_setting
    from dutyroom.store.errors import explain

    full = _full_disk_db(demo_db)
    with full.read() as s:
        users = s.scalar(select(func.count()).select_from(User))
    try:
        with pytest.raises(Exception) as err:
            set_setting(full, "note", "很长的备注" * 200_000)
        assert explain(err.value).startswith("磁盘已满")
        monkeypatch.setenv("DUTYROOM_LANG", "en")
        assert explain(err.value).startswith("The disk is full")
    finally:
        full.dispose()
    assert get_setting(demo_db, "note") is None  # nothing half-written
    with demo_db.read() as s:
        assert s.scalar(select(func.count()).select_from(User)) == users and verify_chain(s).ok
    with demo_db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("mount"), reason="needs root to mount a tiny tmpfs")
def test_backup_to_a_full_disk_leaves_no_half_file(demo_db, tmp_path):
    from dutyroom.services.actor import SYSTEM
    from dutyroom.services.errors import UserError
    from dutyroom.services.maintenance import MaintenanceService, explain_failure

    mnt = tmp_path / "tiny"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("mount not permitted here")
    try:
        service = MaintenanceService(demo_db)
        service.update_settings(SYSTEM, idle_minutes=15, backup_every_hours=4, backup_keep=5, backup_directory=str(mnt))
        with pytest.raises(Exception) as err:
            service.backup_now(SYSTEM)
        assert not isinstance(err.value, UserError) and explain_failure(err.value).startswith("磁盘已满")
        assert list(mnt.iterdir()) == []  # no .partial file that could be mistaken for a backup
    finally:
        subprocess.run(["umount", str(mnt)], check=False)


def test_locked_database_gives_a_message(demo_db):
    """Another seat holds the write lock longer than we wait: a message, no traceback, nothing half-saved."""
    import sqlite3

    from sqlalchemy import event

    from dutyroom.services.reference_data import get_setting, set_setting
    from dutyroom.store.errors import explain

    other = sqlite3.connect(demo_db.url.removeprefix("sqlite:///"), isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    impatient = Database(demo_db.url)

    @event.listens_for(impatient.engine, "connect")
    def _short(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA busy_timeout = 150")

    try:
        with pytest.raises(Exception) as err:
            set_setting(impatient, "x", "1")
        assert "另一席位" in explain(err.value)
    finally:
        other.execute("ROLLBACK")
        other.close()
        impatient.dispose()
    assert get_setting(demo_db, "x") is None


def test_corrupt_database_gives_a_message_not_a_traceback(tmp_path):
    path = tmp_path / "corrupt.db"
    shutil.copy(RELEASE_0001, path)
    data = bytearray(path.read_bytes())
    page = 4096
    for p in range(2, len(data) // page - 1, 3):  # scribble over every third page, keep the header
        data[p * page:p * page + 200] = b"\xff" * 200
    path.write_bytes(bytes(data))
    for command in (["verify", "--db", str(path)], ["init", "--db", str(path)]):
        result = cli(*command)
        assert result.returncode in (1, 3) and "Traceback" not in result.stderr, result.stderr
        assert "损坏" in result.stderr or "完整性检查失败" in result.stderr, result.stderr


def test_missing_font_and_printer_messages(monkeypatch):
    from dutyroom.services.environment import FontMissing, PrinterMissing
    from dutyroom.store.errors import explain

    assert "安装中文字体" in explain(FontMissing()) and "重新启动" in explain(FontMissing())
    assert "导出 PDF" in explain(PrinterMissing())
    assert "字体文件" in explain(FileNotFoundError(2, "No such file", "/fonts/simsun.ttc"))
    monkeypatch.setenv("DUTYROOM_LANG", "en")
    assert "No printer is available" in explain(PrinterMissing())
    assert "Install a Chinese font" in explain(FontMissing())


def test_no_printer_is_reported_before_printing(qtbot, monkeypatch):
    from PySide6.QtPrintSupport import QPrinterInfo

    from dutyroom.services.environment import PrinterMissing
    from dutyroom.ui.printing import check_printer

    monkeypatch.setattr(QPrinterInfo, "availablePrinters", staticmethod(lambda: []))
    with pytest.raises(PrinterMissing, match="没有可用的打印机"):
        check_printer()


def test_unwritable_export_target_is_explained():
    from dutyroom.store.errors import explain

    assert "没有权限写入" in explain(PermissionError(13, "Permission denied", "/media/usb/报表.xlsx"))
    assert "磁盘已满" in explain(OSError(28, "No space left on device", "/media/usb/报表.pdf"))
    assert "U 盘" in explain(FileNotFoundError(2, "No such file or directory", "/media/usb/x.pdf"))


def test_an_older_database_is_backed_up_before_its_schema_is_upgraded(tmp_path):
    from dutyroom.services.maintenance import backup_before_migration

    path = tmp_path / "old.db"
    shutil.copy(RELEASE_0001, path)
    db = Database(f"sqlite:///{path}")
    kept = backup_before_migration(db)
    assert kept is not None and kept.name.endswith("-premigrate.db") and kept.parent == tmp_path / "dutyroom-backups"
    db.migrate()
    assert backup_before_migration(db) is None  # at the head: nothing to keep
    db.dispose()
    old = Database(f"sqlite:///{kept}")
    assert old.current_revision() == "0001"  # the copy is the database as it was
    old.dispose()
