"""The administration pages and the idle session lock, driven as a user would."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QMainWindow

from dutyroom.services.audit_query import AuditQueryService
from dutyroom.services.auth import MAX_FAILED_LOGINS, AuthService
from dutyroom.services.maintenance import MaintenanceService
from dutyroom.ui.audit_page import PAGE, AuditPage
from dutyroom.ui.backup_page import BackupPage, BackupScheduler
from dutyroom.ui.session_lock import SessionLock
from dutyroom.ui.users_page import PasswordDialog, UserDialog, UserForm, UsersPage
from tests.helpers.actors import audit_actions

# ------------------------------------------------------------------ idle session lock


def _window(qtbot):
    window = QMainWindow()
    window.setCentralWidget(QLabel("值班信息"))
    qtbot.addWidget(window)
    window.show()
    return window


def test_idle_window_locks_and_unlocks_with_the_same_users_password(qtbot, people):
    auth, _, officer = people
    window = _window(qtbot)
    lock = SessionLock(QApplication.instance(), window, auth, officer, 15, idle_ms=80)
    qtbot.waitUntil(lambda: lock.is_locked, timeout=3000)
    assert not window.centralWidget().isVisible()  # nothing readable while locked
    dialog = lock.dialog
    assert "周宁" in dialog.findChild(QLabel).text()
    dialog.password.setText("wrong-one")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert lock.is_locked and "密码错误" in dialog.error.text()
    dialog.password.setText("duty-pass-2026")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert not lock.is_locked and window.centralWidget().isVisible()
    assert audit_actions(auth.db)[-3:] == ["session.lock", "session.unlock_failed", "session.unlock"]


def test_activity_keeps_the_session_open(qtbot, people):
    auth, _, officer = people
    window = _window(qtbot)
    lock = SessionLock(QApplication.instance(), window, auth, officer, 15, idle_ms=400)
    for _ in range(8):  # input every 100 ms for 800 ms: longer than the idle time, never idle that long
        qtbot.keyClick(window, Qt.Key.Key_Shift)
        qtbot.wait(100)
    assert not lock.is_locked
    qtbot.waitUntil(lambda: lock.is_locked, timeout=3000)


def test_input_to_the_window_is_swallowed_while_locked(qtbot, people):
    auth, _, officer = people
    window = _window(qtbot)
    lock = SessionLock(QApplication.instance(), window, auth, officer, 15, idle_ms=50)
    qtbot.waitUntil(lambda: lock.is_locked, timeout=3000)
    clicks = []
    from PySide6.QtWidgets import QPushButton

    button = QPushButton("x", window)
    button.clicked.connect(lambda: clicks.append(1))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert clicks == []


def test_wrong_passwords_at_the_lock_lock_the_account(qtbot, people):
    auth, _, officer = people
    window = _window(qtbot)
    exits = []
    lock = SessionLock(QApplication.instance(), window, auth, officer, 15, idle_ms=30, on_exit=lambda: exits.append(1))
    qtbot.waitUntil(lambda: lock.is_locked, timeout=3000)
    for _ in range(MAX_FAILED_LOGINS):
        lock.dialog.password.setText("wrong-one")
        lock.dialog.try_unlock()
    lock.dialog.password.setText("duty-pass-2026")
    lock.dialog.try_unlock()
    assert lock.is_locked and "锁定" in lock.dialog.error.text()
    lock.dialog.buttons.button(QDialogButtonBox.StandardButton.Close).click()
    assert exits == [1]


def test_zero_minutes_turns_the_lock_off(qtbot, people):
    auth, _, officer = people
    window = _window(qtbot)
    lock = SessionLock(QApplication.instance(), window, auth, officer, 0)
    assert not lock.enabled and not lock.timer.isActive()


# ------------------------------------------------------------------ audit page


def test_audit_page_filters_pages_and_verifies(qtbot, people):
    auth, admin, _ = people
    with auth.db.write() as s:  # a large log: more than two pages of entries
        from dutyroom.store import audit

        for i in range(PAGE * 2 + 20):
            audit.record(s, user_id=None, username="zhouning", action="dutylog.add", entity="duty_log", entity_id=i,
                         after={"text": f"第{i}条 接报燃气泄漏" if i == 7 else f"第{i}条"})
    page = AuditPage(AuditQueryService(auth.db), admin)
    qtbot.addWidget(page)
    total = PAGE * 2 + 22
    # only the first page is loaded, and the log is not counted (issue 21: a count scans a million entries)
    assert page.model.more and page.model.total is None and page.model.rowCount() == PAGE
    assert f"已显示 {PAGE} 条" in page.count_label.text()
    page.model.fetchMore()
    assert page.model.rowCount() == 2 * PAGE
    page.text.setText("燃气")
    page.search.click()
    assert page.model.total == 1 and page.model.index(0, 5).data() == "7"
    page.table.setCurrentIndex(page.model.index(0, 0))
    assert "接报燃气泄漏" in page.detail.toPlainText()
    page.clear_filters()
    page.action.setCurrentIndex(page.action.findData("user.create"))
    page.search.click()
    assert page.model.total == 2
    page.verify_button.click()
    qtbot.waitUntil(lambda: page.verify_button.isEnabled(), timeout=20_000)
    assert "审计链完整" in page.chain_result.text() and str(total) in page.chain_result.text()
    import sqlite3

    con = sqlite3.connect(auth.db.url.removeprefix("sqlite:///"))
    con.execute("DELETE FROM audit_log WHERE seq = 100")
    con.commit()
    con.close()
    page.verify_button.click()
    qtbot.waitUntil(lambda: page.verify_button.isEnabled(), timeout=20_000)
    assert "审计链被破坏" in page.chain_result.text() and "第 100 条" in page.chain_result.text()


def test_audit_page_bad_dates_give_a_message(qtbot, people):
    auth, admin, _ = people
    page = AuditPage(AuditQueryService(auth.db), admin)
    qtbot.addWidget(page)
    page.use_from.setChecked(True)
    page.use_to.setChecked(True)
    page.date_to.setDate(page.date_from.date().addDays(-1))
    page.search.click()
    assert "起始日期晚于截止日期" in page.message.text()


def test_admin_pages_are_shown_only_to_those_allowed(qtbot, demo_db):
    from dutyroom.app import administration_pages
    from dutyroom.domain.profile_loader import load_profile
    from dutyroom.services.demo import DEMO_PASSWORD

    auth = AuthService(demo_db)
    profile = load_profile("dongcheng")
    titles = {}
    for user in ("admin", "tangjun", "zhouning"):
        pages = administration_pages(demo_db, profile, auth.login(user, DEMO_PASSWORD))  # app.py's administration block
        for _, build in pages:  # each page is built by its function (the app builds it when first shown)
            qtbot.addWidget(build())
        titles[user] = {title for title, _ in pages}
    assert {"系统维护", "用户管理", "审计日志"} <= titles["admin"]
    assert "系统维护" in titles["tangjun"] and not {"用户管理", "审计日志"} & titles["tangjun"]  # may back up only
    assert not {"系统维护", "用户管理", "审计日志"} & titles["zhouning"]


# ------------------------------------------------------------------ users page


def test_users_page_creates_changes_roles_deactivates_and_resets(qtbot, people, monkeypatch):
    auth, admin, _ = people
    page = UsersPage(auth, admin)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 2
    monkeypatch.setattr(UserDialog, "ask", classmethod(lambda cls, parent=None, existing=None: UserForm(
        "luomin", "罗敏", "duty-pass-2026", ["shift_leader", "office_director"]) if existing is None else UserForm(
        "", "", "", ["duty_officer", "shift_leader"])))
    page.create_button.click()
    assert "已创建用户 luomin" in page.message.text()
    assert page.selected().username == "luomin" and "带班领导" in page.proxy.index(
        page.table.currentIndex().row(), 2).data()
    page.roles_button.click()
    assert page.selected().roles == ("duty_officer", "shift_leader")
    page.active_button.click()
    assert page.selected().active is False and page.active_button.text() == "重新启用"
    monkeypatch.setattr(PasswordDialog, "ask", classmethod(lambda cls, who, parent=None: "brand-new-pass"))
    page.active_button.click()
    page.password_button.click()
    assert auth.login("luomin", "brand-new-pass").roles == {"duty_officer", "shift_leader"}
    page.select_username("admin")
    page.active_button.click()
    assert "不能停用自己" in page.message.text()
    monkeypatch.setattr(UserDialog, "ask", classmethod(lambda cls, parent=None, existing=None: UserForm(
        "bad name", "某人", "duty-pass-2026", ["duty_officer"])))
    page.create_button.click()
    assert "空格" in page.message.text() and page.model.rowCount() == 3


def test_user_dialog_requires_matching_passwords_and_a_role(qtbot):
    dialog = UserDialog()
    qtbot.addWidget(dialog)
    dialog.username.setText("abc")
    dialog.password.setText("duty-pass-2026")
    dialog.again.setText("password2")
    dialog._check()
    assert "不一致" in dialog.error.text()
    dialog.again.setText("duty-pass-2026")
    dialog._check()
    assert "至少选择一个角色" in dialog.error.text()


# ------------------------------------------------------------------ backup page


def test_backup_page_backs_up_off_the_gui_thread_and_restores_after_checks(qtbot, people, monkeypatch):
    auth, admin, _ = people
    quits = []
    page = BackupPage(MaintenanceService(auth.db), admin, quit_app=lambda: quits.append(1))
    qtbot.addWidget(page)
    assert page.model.rowCount() == 0
    page.backup_button.click()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10000)
    assert "已备份到" in page.status.text() and page.model.index(0, 1).data() == "手动"
    auth.create_user(admin, "later", "后加用户", "duty-pass-2026", ["duty_officer"])
    page.table.selectRow(0)
    page.check_button.click()  # off the GUI thread (issue 21)
    qtbot.waitUntil(lambda: not page.checking, timeout=10000)
    assert "审计链完整" in page.status.text()
    asked = []
    monkeypatch.setattr(BackupPage, "confirm_restore", staticmethod(lambda parent, text: asked.append(text) or False))
    page.restore_button.click()
    qtbot.waitUntil(lambda: "已取消恢复" in page.status.text(), timeout=10000)
    assert "later" in {u.username for u in auth.list_users(admin)}
    monkeypatch.setattr(BackupPage, "confirm_restore", staticmethod(lambda parent, text: True))
    told = []
    monkeypatch.setattr(BackupPage, "inform", staticmethod(lambda parent, title, text: told.append(text)))
    page.restore_button.click()
    qtbot.waitUntil(lambda: quits == [1], timeout=20000)
    assert "请重新启动" in told[0] and "重新启动" in asked[0]
    assert "later" not in {u.username for u in AuthService(auth.db).list_users(admin)}


def test_backup_page_refuses_a_corrupt_file_and_hides_restore_from_shift_leaders(qtbot, people, tmp_path, monkeypatch):
    auth, admin, _ = people
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x01junk" * 800)
    page = BackupPage(MaintenanceService(auth.db), admin, quit_app=lambda: pytest.fail("must not quit"))
    qtbot.addWidget(page)
    monkeypatch.setattr(BackupPage, "choose_file", staticmethod(lambda parent: str(bad)))
    monkeypatch.setattr(BackupPage, "confirm_restore", staticmethod(lambda parent, text: pytest.fail("not asked")))
    page.restore_file_button.click()
    qtbot.waitUntil(lambda: not page.checking, timeout=10000)
    assert "未通过检查" in page.status.text()
    leader = auth.create_user(admin, "luomin", "罗敏", "duty-pass-2026", ["shift_leader"])
    page2 = BackupPage(MaintenanceService(auth.db), leader)
    qtbot.addWidget(page2)
    assert page2.restore_button.isHidden() and page2.settings_box.isHidden() and not page2.backup_button.isHidden()


def test_settings_saved_from_the_page(qtbot, people):
    auth, admin, _ = people
    page = BackupPage(MaintenanceService(auth.db), admin)
    qtbot.addWidget(page)
    page.idle.setValue(5)
    page.every.setValue(1)
    page.keep.setValue(3)
    page.directory.setText("relative")
    page.save_settings_button.click()
    assert "完整路径" in page.settings_message.text()
    page.directory.setText("")
    page.save_settings_button.click()
    assert "已保存" in page.settings_message.text()
    assert MaintenanceService(auth.db).settings().idle_minutes == 5


def test_scheduler_backs_up_when_due_on_a_worker(qtbot, people):
    auth, _, _ = people
    service = MaintenanceService(auth.db)
    scheduler = BackupScheduler(service, check_ms=50, first_ms=10)
    with qtbot.waitSignal(scheduler.backed_up, timeout=10000) as blocker:
        pass
    assert blocker.args[0].path.endswith("-auto.db")
    qtbot.wait(200)  # more checks: not due again within the interval
    assert len(service.generations_unchecked()) == 1
    scheduler.stop()


def test_every_admin_page_string_has_an_english_entry():
    """DUTYROOM_LANG=en: the administration pages speak English (resources/i18n/en/admin.json)."""
    import ast
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    table = json.loads((root / "resources/i18n/en/admin.json").read_text(encoding="utf-8"))
    missing = []
    for name in ("audit_page", "backup_page", "users_page", "session_lock"):
        tree = ast.parse((root / "dutyroom/ui" / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) == "tr"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                if node.args[0].value not in table:
                    missing.append(f"{name}: {node.args[0].value}")
    assert missing == []


def test_session_lock_in_english(qtbot, people, monkeypatch):
    from dutyroom.ui.i18n import DictTranslator, english_catalogue

    monkeypatch.setenv("DUTYROOM_LANG", "en")
    app = QApplication.instance()
    translator = DictTranslator(english_catalogue(), app)
    app.installTranslator(translator)
    try:
        auth, _, officer = people
        window = _window(qtbot)
        lock = SessionLock(app, window, auth, officer, 15, idle_ms=30)
        qtbot.waitUntil(lambda: lock.is_locked, timeout=3000)
        assert lock.dialog.windowTitle() == "Session locked"
        lock.dialog.password.setText("wrong-one")
        lock.dialog.try_unlock()
        assert lock.dialog.error.text() == "wrong password"
    finally:
        app.removeTranslator(translator)


def test_a_dialog_left_open_gets_no_input_while_locked(qtbot, people):
    from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout

    auth, _, officer = people
    window = _window(qtbot)
    other = QDialog(window)
    edit = QLineEdit()
    QVBoxLayout(other).addWidget(edit)
    other.open()
    lock = SessionLock(QApplication.instance(), window, auth, officer, 15, idle_ms=50)
    qtbot.waitUntil(lambda: lock.is_locked, timeout=3000)
    qtbot.keyClicks(edit, "abc")
    assert edit.text() == ""
    lock.dialog.password.setText("duty-pass-2026")
    lock.dialog.try_unlock()
    qtbot.keyClicks(edit, "abc")
    assert edit.text() == "abc" and not lock.is_locked


def test_audit_page_uses_the_beijing_date_and_shows_changes_in_beijing_time(qtbot, people):
    """QA A3: the stored times are UTC; the page shows Beijing time (Asia/Shanghai, UTC+8)."""
    import datetime as dt

    from dutyroom.domain.incident_facts import BEIJING

    auth, admin, _ = people
    with auth.db.write() as s:
        from dutyroom.store import audit

        audit.record(s, user_id=None, username="zhouning", action="incident.edit", entity="incident", entity_id=1,
                     before={"received_at": "2026-12-01 21:03:37+00:00"},
                     after={"received_at": "2026-12-01T22:00:00+00:00"})
    page = AuditPage(AuditQueryService(auth.db), admin)
    qtbot.addWidget(page)
    today = dt.datetime.now(BEIJING).date()
    assert page.date_to.date().toPython() == today
    page.text.setText("received_at")
    page.search.click()
    assert page.model.total == 1
    changes = page.model.index(0, 6).data()
    assert "2026-12-02 05:03:37" in changes and "2026-12-02 06:00:00" in changes and "+00:00" not in changes
    page.table.setCurrentIndex(page.model.index(0, 0))
    assert "2026-12-02 05:03:37" in page.detail.toPlainText() and "21:03" not in page.detail.toPlainText()
