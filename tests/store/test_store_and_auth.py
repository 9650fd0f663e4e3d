"""Database setup, the audit chain and sign-in."""

import datetime as dt
import sqlite3

import pytest
from sqlalchemy import select, text

from dutyroom.services.actor import SYSTEM
from dutyroom.services.auth import MAX_FAILED_LOGINS, AuthService
from dutyroom.services.errors import UserError
from dutyroom.store.audit import record, verify_chain
from dutyroom.store.database import Database, SchemaTooNew, head_revision
from dutyroom.store.models import AuditEntry, Incident, User


def test_sqlite_pragmas(db):
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000


def test_migrate_is_idempotent_and_versioned(db):
    db.migrate()
    assert db.current_revision() == head_revision()


def test_database_from_a_newer_version_is_refused(db, tmp_path):
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(SchemaTooNew, match="更新版本"):
        Database(db.url).migrate()


def test_failed_write_leaves_nothing(db):
    auth = AuthService(db)
    admin = auth.create_user(SYSTEM, "admin", "管理员", "duty-pass-2026", ["admin"])
    with pytest.raises(RuntimeError), db.write() as s:
        s.add(Incident(profile_key="dongcheng", profile_version="2022", title="测试", created_by_id=admin.id,
                       received_at=dt.datetime.now(dt.UTC)))
        s.flush()
        record(s, user_id=admin.id, username="admin", action="incident.create", entity="incident", entity_id=1)
        raise RuntimeError("power cut half-way")
    with db.read() as s:
        assert s.scalars(select(Incident)).all() == []
        assert verify_chain(s).ok


def test_naive_datetimes_are_refused(db):
    with pytest.raises(Exception, match="naive"), db.write() as s:
        s.add(User(username="x", display_name="x", password_hash="x", created_at=dt.datetime(2026, 1, 1)))


def test_stored_times_read_back_as_utc_whatever_wrote_them(db):
    """SQLite keeps times as text; the fast reader (UTCDateTime.result_processor) must give the same aware UTC
    time for SQLAlchemy's own form, a raw `datetime('now')`-style write without microseconds, an ISO "T", a bare
    date (where the offset it appends would be silently dropped), a time another tool wrote with its own offset
    (the same instant), and None for NULL."""
    at = dt.datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=dt.UTC)
    with db.write() as s:
        s.add(User(username="t", display_name="t", password_hash="x", created_at=at))
    with db.read() as s:
        assert s.scalar(select(User.created_at).where(User.username == "t")) == at
    for stored, expected in (("2026-03-01 08:30:15", at.replace(microsecond=0)),
                             ("2026-03-01 08:30:15.123456", at),
                             ("2026-03-01T08:30:15", at.replace(microsecond=0)),
                             ("2026-03-01", at.replace(hour=0, minute=0, second=0, microsecond=0)),
                             ("2026-03-01 16:30:15+08:00", at.replace(microsecond=0))):  # another tool's offset
        with db.write() as s:
            s.execute(text("UPDATE user_account SET created_at = :v WHERE username = 't'"), {"v": stored})
        with db.read() as s:
            got = s.scalar(select(User.created_at).where(User.username == "t"))
        assert got == expected and got.utcoffset() == dt.timedelta(0), stored
    with db.read() as s:
        assert s.scalar(select(User.locked_until).where(User.username == "t")) is None


def test_audit_chain_detects_an_edited_row(db, tmp_path):
    auth = AuthService(db)
    auth.create_user(SYSTEM, "admin", "管理员", "duty-pass-2026", ["admin"])
    for _ in range(3):
        auth.login("admin", "duty-pass-2026")
    with db.read() as s:
        assert verify_chain(s).ok and verify_chain(s).entries == 4
    path = db.url.removeprefix("sqlite:///")
    con = sqlite3.connect(path)
    con.execute("UPDATE audit_log SET username = 'intruder' WHERE seq = 2")
    con.commit()
    con.close()
    with db.read() as s:
        report = verify_chain(s)
    assert not report.ok and report.first_bad_seq == 2


def test_audit_chain_detects_a_deleted_row(db):
    auth = AuthService(db)
    auth.create_user(SYSTEM, "admin", "管理员", "duty-pass-2026", ["admin"])
    auth.login("admin", "duty-pass-2026")
    auth.login("admin", "duty-pass-2026")
    with db.write() as s:
        s.delete(s.scalar(select(AuditEntry).where(AuditEntry.seq == 2)))
    with db.read() as s:
        report = verify_chain(s)
    assert not report.ok and report.first_bad_seq == 2


def test_login_success_and_failure_are_audited(db):
    auth = AuthService(db)
    auth.create_user(SYSTEM, "zhou", "周宁", "duty-pass-2026", ["duty_officer"])
    actor = auth.login("zhou", "duty-pass-2026")
    assert actor.has("duty_officer") and not actor.has("admin")
    with pytest.raises(UserError, match="用户名或密码错误"):
        auth.login("zhou", "wrong")
    with db.read() as s:
        actions = [e.action for e in s.scalars(select(AuditEntry).order_by(AuditEntry.seq))]
    assert actions == ["user.create", "login", "login.failed"]


def test_repeated_failures_lock_the_account(db):
    auth = AuthService(db)
    auth.create_user(SYSTEM, "zhou", "周宁", "duty-pass-2026", ["duty_officer"])
    now = dt.datetime(2026, 7, 1, 3, 0, tzinfo=dt.UTC)
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(UserError):
            auth.login("zhou", "wrong", now=now)
    with pytest.raises(UserError, match="锁定"):
        auth.login("zhou", "duty-pass-2026", now=now + dt.timedelta(minutes=1))
    assert auth.login("zhou", "duty-pass-2026", now=now + dt.timedelta(minutes=16)).username == "zhou"


def test_password_is_stored_as_scrypt_hash(db):
    AuthService(db).create_user(SYSTEM, "zhou", "周宁", "duty-pass-2026", ["duty_officer"])
    with db.read() as s:
        stored = s.scalar(select(User.password_hash))
    assert stored.startswith("scrypt$") and "duty-pass-2026" not in stored


def test_english_messages(db, monkeypatch):
    monkeypatch.setenv("DUTYROOM_LANG", "en")
    with pytest.raises(UserError, match="wrong username or password"):
        AuthService(db).login("nobody", "x")


def test_external_roles_cannot_be_given_to_users(db):
    with pytest.raises(UserError, match="不可分配的角色"):
        AuthService(db).create_user(SYSTEM, "city", "市应急办", "duty-pass-2026", ["city_emergency_office"])


def test_demo_people_are_made_up(demo_db):
    """Sample data uses made-up people: no demo name appears in any seed gazette."""
    from dutyroom.store.models import Person
    from tests.helpers.seeds import SEEDS

    seeds = "".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt"))
    with demo_db.read() as s:
        names = s.scalars(select(Person.name)).all()
    assert len(names) > 50
    clashes = [n for n in names if len(n) >= 2 and n in seeds]
    assert clashes == []
