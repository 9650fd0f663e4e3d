"""Issue 17, finding 1 ("Restore escalates privileges") and the read-only half of finding 2: a crafted backup —
an extra trigger, view or table, a profile that is a path or does not exist — is refused before anything is
replaced, with a message naming what; checking a backup never writes it; a bad stored profile never bricks
`init` or any command."""

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, text

from dutyroom.domain.profile_loader import ProfileError, load_profile
from dutyroom.services.auth import AuthService
from dutyroom.services.errors import UserError
from dutyroom.services.maintenance import MaintenanceService
from dutyroom.services.reference_data import set_setting
from dutyroom.store.backup import ANCHOR_SUFFIX, check_candidate, replace_in_place
from dutyroom.store.database import head_revision
from dutyroom.store.models import User, UserRole
from tests.helpers.cli import as_user

ROOT = Path(__file__).resolve().parents[2]


def cli(*args):
    return subprocess.run([sys.executable, "-m", "dutyroom", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def _craft(backup: Path, *sql: str) -> None:
    """What an insider with a SQLite tool does to a backup file (and the anchor file beside it is thrown away)."""
    con = sqlite3.connect(backup)
    for statement in sql:
        con.execute(statement)
    con.commit()
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    backup.with_name(backup.name + ANCHOR_SUFFIX).unlink(missing_ok=True)


def _roles(db, username):
    with db.read() as s:
        uid = s.scalar(select(User.id).where(User.username == username))
        return set(s.scalars(select(UserRole.role).where(UserRole.user_id == uid)))


@pytest.fixture
def desk(people):
    auth, admin, officer = people
    m = MaintenanceService(auth.db)
    return auth, admin, officer, m, Path(m.backup_now(admin).path)


TRIGGER = ("CREATE TRIGGER grant_admin AFTER INSERT ON audit_log BEGIN "
           "INSERT INTO user_role(user_id, role) SELECT id, 'admin' FROM user_account WHERE username='zhouning' "
           "AND NOT EXISTS (SELECT 1 FROM user_role r WHERE r.user_id = user_account.id AND r.role = 'admin'); END")


def test_backup_with_a_planted_trigger_is_refused_and_the_officer_stays_an_officer(desk):
    auth, admin, _officer, m, backup = desk
    _craft(backup, TRIGGER)
    result = m.check(admin, backup)
    assert not result.ok and "触发器 grant_admin" in result.problem
    with pytest.raises(UserError, match=r"未做任何改动.*触发器 grant_admin"):
        m.restore(admin, backup)
    auth.login("zhouning", "duty-pass-2026")
    auth.login("zhouning", "duty-pass-2026")  # the second sign-in that used to make them admin
    assert _roles(auth.db, "zhouning") == {"duty_officer"}
    with auth.db.read() as s:
        assert s.scalar(text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")) == 0


@pytest.mark.parametrize(("sql", "named"), [
    ("CREATE VIEW user_account_all AS SELECT * FROM user_account", "视图 user_account_all"),
    ("CREATE TABLE stash (x TEXT)", "表 stash"),
    ("CREATE INDEX ix_sneaky ON user_account(display_name)", "索引 ix_sneaky"),
])
def test_backup_with_an_extra_view_table_or_index_is_refused(desk, sql, named):
    _auth, admin, _officer, m, backup = desk
    _craft(backup, sql)
    result = m.check(admin, backup)
    assert not result.ok and named in result.problem


def test_a_changed_table_definition_is_refused(desk):
    _auth, admin, _officer, m, backup = desk
    _craft(backup, "ALTER TABLE user_role ADD COLUMN note TEXT DEFAULT 'admin'")
    result = m.check(admin, backup)
    assert not result.ok and "表 user_role 的定义与本版本不同" in result.problem


@pytest.mark.parametrize("value", ["../../../../tmp/evil/evilprof", "nonexistent", "/etc/passwd", "Dongcheng"])
def test_backup_whose_profile_is_a_path_or_unknown_is_refused(people, value):
    auth, admin, _ = people
    set_setting(auth.db, "profile", value, by=admin)  # a correctly audited value: only the settings check stops it
    m = MaintenanceService(auth.db)
    backup = m.backup_now(admin).path
    set_setting(auth.db, "profile", "dongcheng", by=admin)
    result = m.check(admin, backup)
    assert not result.ok and "规则配置" in result.problem and "不是本程序自带的配置" in result.problem
    with pytest.raises(UserError, match="未做任何改动"):
        m.restore(admin, backup)


def test_an_unknown_setting_key_is_refused(people):
    auth, admin, _ = people
    set_setting(auth.db, "plugin.path", "/tmp/x", by=admin)
    m = MaintenanceService(auth.db)
    result = m.check(admin, m.backup_now(admin).path)
    assert not result.ok and "未知的设置项 'plugin.path'" in result.problem


def test_profile_keys_are_names_never_paths(tmp_path):
    outside = tmp_path / "evilprof.yaml"
    outside.write_text((ROOT / "resources/profiles/dongcheng.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    relative = "../" * 12 + str(outside.with_suffix("")).lstrip("/")
    for key in (relative, str(outside.with_suffix("")), "nonexistent", ""):
        with pytest.raises(ProfileError):
            load_profile(key)


def _checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_checking_and_restoring_never_write_the_backup(desk):
    """Finding 2: checking a backup rewrote it (journal mode → WAL, checksum changed)."""
    _auth, admin, _officer, m, backup = desk
    before = _checksum(backup)
    assert m.check(admin, backup).ok
    assert check_candidate(backup).ok
    m.restore(admin, backup)
    assert _checksum(backup) == before
    assert backup.read_bytes()[18:20] == b"\x01\x01"  # still a rollback-journal file, not switched to WAL
    assert not list(backup.parent.glob(backup.name + "-*"))  # no -wal, -shm or -journal beside it


def test_a_backup_on_read_only_media_restores(desk, tmp_path):
    """The candidate is opened with mode=ro&immutable=1: a file SQLite could not even lock is restored.
    (Root ignores file modes, so read-only media is played by a file whose lock SQLite cannot take: another
    connection holds an exclusive lock on it for the whole restore.)"""
    auth, admin, _officer, m, backup = desk
    AuthService(auth.db).create_user(admin, "later", "后加用户", "duty-pass-2026", ["duty_officer"])
    blocker = sqlite3.connect(backup, isolation_level=None)
    blocker.execute("PRAGMA locking_mode=EXCLUSIVE")
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        before = _checksum(backup)
        m.restore(admin, backup)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert _checksum(backup) == before
    with auth.db.read() as s:
        assert "later" not in set(s.scalars(select(User.username)))


def _store_profile(db, value):
    con = sqlite3.connect(db.url.removeprefix("sqlite:///"))
    con.execute("UPDATE setting SET value = ? WHERE key = 'profile'", (value,))
    con.commit()
    con.close()


@pytest.mark.parametrize("value", ["nonexistent", "../../../../tmp/evilprof"])
def test_a_bad_stored_profile_bricks_neither_init_nor_any_command(demo_db, tmp_path, value):
    url = demo_db.url
    _store_profile(demo_db, value)
    demo_db.dispose()
    signed = as_user("admin", folder=tmp_path)  # commands that read personal data sign in (issue 17, finding 5)
    for args in (["init"], ["report", "stats", "--from", "2026-01-01", "--to", "2026-01-31", "-o",
                            str(tmp_path / "s.xlsx"), *signed], ["roster", "export", "--month", "2026-01", "-o",
                                                                  str(tmp_path / "r.xlsx"), *signed]):
        result = cli(*args, "--db", url)
        assert result.returncode == 2 and "Traceback" not in result.stderr, (args, result.stderr)
        assert "不是本程序自带的配置" in result.stderr and "init --profile" in result.stderr
    assert cli("verify", "--db", url).returncode in (0, 1)  # commands that need no profile still run
    repaired = cli("init", "--profile", "dongcheng", "--db", url)
    assert repaired.returncode == 0, repaired.stderr
    assert cli("roster", "export", "--month", "2026-01", "-o", str(tmp_path / "r.xlsx"), "--db", url,
               *signed).returncode == 0


def test_a_missing_database_beside_an_interrupted_restore_is_not_recreated_empty(tmp_path):
    """Finding 2: a crash between the two renames of the old restore left no live database, and the next start
    quietly created an empty one (offering the first-administrator dialog to whoever sat there)."""
    (tmp_path / "dutyroom.db.restoring").write_bytes(b"SQLite format 3\x00")
    result = cli("init", "--db", str(tmp_path / "dutyroom.db"))
    assert result.returncode == 3 and "上次恢复可能被中断" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "dutyroom.db").exists()


def test_a_backup_from_before_the_keyed_chain_restores_and_is_re_keyed(people, tmp_path):
    """A backup taken by an older release (the first release's file: revision 0001, unkeyed chain, no anchor file) is
    refused unless the administrator allows it explicitly; then it is checked the old way, restored, migrated and
    re-keyed."""
    from dutyroom.store.audit import verify_chain

    auth, admin, _ = people
    old = tmp_path / "old-release.db"
    old.write_bytes((ROOT / "tests/data/release_0001.db").read_bytes())
    m = MaintenanceService(auth.db)
    refused = m.check(admin, old)  # anyone holding a file can recompute an unkeyed chain: not by default
    assert not refused.ok and "restore --allow-unkeyed" in refused.problem
    with pytest.raises(UserError, match="未做任何改动"):
        m.restore(admin, old)
    result = check_candidate(old, live_url=auth.db.url, allow_unkeyed=True)
    assert result.ok and not result.keyed and result.revision == "0001", result.problem
    m.restore(admin, old, allow_unkeyed=True)
    with auth.db.read() as s:
        assert "tangjun" in set(s.scalars(select(User.username)))
        report = verify_chain(s)
        assert report.ok, report.problem
    assert auth.db.current_revision() == head_revision()


def test_no_safety_copy_no_restore(people, tmp_path):
    """The replaced content is kept first: when the safety copy cannot be written, nothing is replaced."""
    auth, admin, _ = people
    backup = Path(MaintenanceService(auth.db).backup_now(admin).path)
    AuthService(auth.db).create_user(admin, "later", "后加用户", "duty-pass-2026", ["duty_officer"])
    blocked = tmp_path / "safety.db"
    blocked.mkdir()  # a folder where the safety copy should go: writing it fails
    (blocked / "x").write_text("x")
    with pytest.raises(OSError):
        replace_in_place(backup, Path(auth.db.url.removeprefix("sqlite:///")), blocked)
    with auth.db.read() as s:
        assert "later" in set(s.scalars(select(User.username)))
