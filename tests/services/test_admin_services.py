"""Administration services: users (several roles, deactivate, reset password), the audit query, maintenance."""

import datetime as dt
import sqlite3

import pytest
from sqlalchemy import func, select

from dutyroom.services.audit_query import AuditFilter, AuditQueryService
from dutyroom.services.auth import MAX_FAILED_LOGINS, AuthService
from dutyroom.services.errors import PermissionDenied, UserError
from dutyroom.services.maintenance import MaintenanceService
from dutyroom.store.models import AuditEntry
from tests.helpers.actors import audit_actions

# ------------------------------------------------------------------ users


def test_admin_assigns_several_roles_and_the_user_gets_them_at_sign_in(people):
    auth, admin, officer = people
    view = auth.set_roles(admin, officer.id, ["shift_leader", "duty_officer", "office_director"])
    assert view.roles == ("duty_officer", "office_director", "shift_leader")
    assert auth.login("zhouning", "duty-pass-2026").roles == {"duty_officer", "office_director", "shift_leader"}
    with auth.db.read() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "user.roles"))
    assert entry.before == {"roles": ["duty_officer"]} and entry.username == "admin"


def test_only_an_admin_manages_users(people):
    auth, _, officer = people
    with pytest.raises(PermissionDenied, match="无权管理用户"):
        auth.create_user(officer, "x", "某人", "duty-pass-2026", ["duty_officer"])
    with pytest.raises(PermissionDenied):
        auth.set_roles(officer, officer.id, ["admin"])
    with pytest.raises(PermissionDenied):
        auth.list_users(officer)
    with pytest.raises(PermissionDenied):
        auth.reset_password(officer, officer.id, "newpassword")


def test_deactivated_user_cannot_sign_in_and_is_kept(people):
    auth, admin, officer = people
    auth.set_active(admin, officer.id, False)
    with pytest.raises(UserError, match="用户名或密码错误"):
        auth.login("zhouning", "duty-pass-2026")
    listed = {u.username: u for u in auth.list_users(admin)}
    assert listed["zhouning"].active is False  # kept: reports still name who acted
    auth.set_active(admin, officer.id, True)
    assert auth.login("zhouning", "duty-pass-2026").username == "zhouning"
    assert "user.deactivate" in audit_actions(auth.db) and "user.activate" in audit_actions(auth.db)


def test_the_last_admin_cannot_be_removed_or_deactivated(people):
    auth, admin, _ = people
    with pytest.raises(UserError, match="最后一个在用的系统管理员"):
        auth.set_roles(admin, admin.id, ["duty_officer"])
    with pytest.raises(UserError, match="不能停用自己"):
        auth.set_active(admin, admin.id, False)
    second = auth.create_user(admin, "admin2", "第二管理员", "duty-pass-2026", ["admin"])
    auth.set_roles(second, admin.id, ["duty_officer", "admin"])  # still an admin: fine
    auth.set_active(second, admin.id, False)
    with pytest.raises(UserError, match="最后一个"):
        auth.set_roles(second, second.id, ["duty_officer"])


def test_reset_password_clears_the_lockout_and_is_audited_without_the_password(people):
    auth, admin, _ = people
    now = dt.datetime.now(dt.UTC)
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(UserError):
            auth.login("zhouning", "wrong", now=now)
    user = next(u for u in auth.list_users(admin) if u.username == "zhouning")
    assert user.locked()
    auth.reset_password(admin, user.id, "a-new-password")
    assert auth.login("zhouning", "a-new-password").username == "zhouning"
    with pytest.raises(UserError):
        auth.login("zhouning", "duty-pass-2026")
    with auth.db.read() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "user.reset_password"))
    assert "a-new-password" not in str(entry.before) + str(entry.after) and entry.after == {"unlocked": True}


def test_unlock_and_bad_user_input(people):
    auth, admin, officer = people
    now = dt.datetime.now(dt.UTC)
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(UserError):
            auth.login("zhouning", "wrong", now=now)
    auth.unlock(admin, officer.id)
    assert auth.login("zhouning", "duty-pass-2026").username == "zhouning"
    for bad, match in [(("", "名", "duty-pass-2026", ["duty_officer"]), "不能为空"),
                       (("a b", "名", "duty-pass-2026", ["duty_officer"]), "空格"),
                       (("x" * 65, "名", "duty-pass-2026", ["duty_officer"]), "64"),
                       (("abc", "名", "short", ["duty_officer"]), "至少 10 位"),
                       (("abc", "名", "duty-pass-2026", ["mayor"]), "未知"),
                       (("zhouning", "名", "duty-pass-2026", ["duty_officer"]), "已存在")]:
        with pytest.raises(UserError, match=match):
            auth.create_user(admin, *bad)
    with pytest.raises(UserError, match="至少分配一个角色"):
        auth.set_roles(admin, officer.id, [])
    with pytest.raises(UserError, match="不存在"):
        auth.set_active(admin, 9999, False)


def test_session_unlock_counts_failures_towards_the_lockout(people):
    auth, _, officer = people
    now = dt.datetime.now(dt.UTC)
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(UserError, match="密码错误"):
            auth.reauthenticate(officer, "wrong", now=now)
    with pytest.raises(UserError, match="已锁定"):
        auth.reauthenticate(officer, "wrong", now=now)
    with pytest.raises(UserError, match="锁定"):
        auth.reauthenticate(officer, "duty-pass-2026", now=now + dt.timedelta(minutes=1))
    assert auth.reauthenticate(officer, "duty-pass-2026", now=now + dt.timedelta(minutes=16)).username == "zhouning"
    acts = audit_actions(auth.db)
    assert acts.count("session.unlock_failed") == MAX_FAILED_LOGINS and acts[-1] == "session.unlock"


# ------------------------------------------------------------------ audit query


def test_audit_query_filters_pages_and_refuses_non_admins(people):
    auth, admin, officer = people
    for _ in range(12):
        auth.login("zhouning", "duty-pass-2026")
    with pytest.raises(UserError):
        auth.login("zhouning", "wrong")
    q = AuditQueryService(auth.db)
    with pytest.raises(PermissionDenied, match="无权查看审计日志"):
        q.page(officer)
    everything = q.page(admin, limit=5, count=True)  # 2 users created, 12 sign-ins, 1 failure
    assert everything.total == 15 and len(everything.rows) == 5 and everything.rows[0].seq == 15  # newest first
    second = q.page(admin, offset=5, limit=5)
    assert [r.seq for r in second.rows] == [10, 9, 8, 7, 6]
    assert q.count(admin, AuditFilter(action="login")) == 12
    assert q.count(admin, AuditFilter(action="login.")) == 1  # the prefix: login.failed
    assert q.count(admin, AuditFilter(username="admin")) == 1  # admin created zhouning
    assert q.count(admin, AuditFilter(username="system")) == 1  # the first administrator was created by the system
    assert q.count(admin, AuditFilter(text="周宁")) == 1  # the name in the JSON after-values
    assert q.count(admin, AuditFilter(text="100%")) == 0  # LIKE wildcards are literal
    today = dt.datetime.now(dt.UTC).date()
    assert q.count(admin, AuditFilter(date_from=today - dt.timedelta(days=1), date_to=today + dt.timedelta(days=1))) == 15
    assert q.count(admin, AuditFilter(date_to=today - dt.timedelta(days=2))) == 0
    with pytest.raises(UserError, match="起始日期晚于截止日期"):
        q.count(admin, AuditFilter(date_from=today, date_to=today - dt.timedelta(days=1)))
    choices = q.choices(admin)
    assert {"login", "login.failed", "user.create"} <= set(choices.actions) and "zhouning" in choices.usernames


def test_audit_verify_through_the_service_names_the_first_bad_entry(people):
    auth, admin, _ = people
    auth.login("zhouning", "duty-pass-2026")
    q = AuditQueryService(auth.db)
    assert q.verify(admin).ok and q.verify(admin).entries == 3
    con = sqlite3.connect(auth.db.url.removeprefix("sqlite:///"))
    con.execute("UPDATE audit_log SET action = 'nothing' WHERE seq = 2")
    con.commit()
    con.close()
    check = q.verify(admin)
    assert not check.ok and check.first_bad_seq == 2 and "第 2 条" in check.problem


# ------------------------------------------------------------------ maintenance


def test_backup_now_lists_generations_and_keeps_n(people, tmp_path):
    auth, admin, officer = people
    m = MaintenanceService(auth.db)
    m.update_settings(admin, idle_minutes=10, backup_every_hours=2, backup_keep=3)
    for _ in range(5):
        result = m.backup_now(admin)
    gens = m.generations(admin)
    assert len(gens) == 3 and result.path == gens[0].path and gens[0].reason == "manual"
    assert m.backup_dir() == tmp_path / "dutyroom-backups"
    assert m.check(admin, gens[0].path).ok
    with pytest.raises(PermissionDenied):
        m.backup_now(officer)  # a duty officer has no backup.run
    with pytest.raises(PermissionDenied):
        m.update_settings(officer, idle_minutes=1, backup_every_hours=1, backup_keep=1)
    assert audit_actions(auth.db).count("backup.run") == 5


def test_settings_are_validated_and_default(people):
    auth, admin, _ = people
    m = MaintenanceService(auth.db)
    assert (m.settings().idle_minutes, m.settings().backup_every_hours, m.settings().backup_keep) == (15, 4, 10)
    for bad in [dict(idle_minutes=-1, backup_every_hours=1, backup_keep=1),
                dict(idle_minutes=1, backup_every_hours=1000, backup_keep=1),
                dict(idle_minutes=1, backup_every_hours=1, backup_keep=0)]:
        with pytest.raises(UserError, match="整数"):
            m.update_settings(admin, **bad)
    with pytest.raises(UserError, match="完整路径"):
        m.update_settings(admin, idle_minutes=1, backup_every_hours=1, backup_keep=1, backup_directory="relative/dir")
    assert m.settings().idle_minutes == 15  # nothing half-saved


def test_schedule_is_due_when_the_newest_generation_is_old(people):
    auth, admin, _ = people
    m = MaintenanceService(auth.db)
    assert m.due()
    assert m.scheduled_backup("auto") is not None
    assert not m.due()
    assert m.due(now=dt.datetime.now(dt.UTC) + dt.timedelta(hours=5))
    m.update_settings(admin, idle_minutes=15, backup_every_hours=0, backup_keep=10)
    assert not m.due() and m.scheduled_backup("auto") is None
    assert m.scheduled_backup("exit") is not None  # on exit always


def test_restore_checks_first_keeps_the_replaced_file_and_a_safety_backup(people, tmp_path):
    auth, admin, _ = people
    m = MaintenanceService(auth.db)
    good = m.backup_now(admin).path
    auth.create_user(admin, "later", "后加用户", "duty-pass-2026", ["duty_officer"])
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00garbage" * 500)
    assert not m.check(admin, bad).ok
    with pytest.raises(UserError, match="未做任何改动"):
        m.restore(admin, bad)
    assert "later" in {u.username for u in auth.list_users(admin)}  # nothing changed
    result = m.restore(admin, good)
    from dutyroom.store.database import Database

    fresh = Database(auth.db.url)
    try:
        assert "later" not in {u.username for u in AuthService(fresh).list_users(admin)}
        check = AuditQueryService(fresh).verify(admin)
        assert check.ok
        with fresh.read() as s:
            assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "backup.restored")) == 1
    finally:
        fresh.dispose()
    kept = Database(f"sqlite:///{result.replaced_kept_as}")
    try:
        assert "later" in {u.username for u in AuthService(kept).list_users(admin)}  # the replaced file is kept
    finally:
        kept.dispose()
    assert result.safety_backup and "prerestore" in result.safety_backup


def test_restoring_the_oldest_generation_does_not_prune_it_away(people):
    auth, admin, _ = people
    m = MaintenanceService(auth.db)
    m.update_settings(admin, idle_minutes=15, backup_every_hours=4, backup_keep=2)
    oldest = m.backup_now(admin).path
    m.backup_now(admin)
    result = m.restore(admin, oldest)  # the safety backup makes three files; the chosen one must survive
    assert result.restored_from == oldest
