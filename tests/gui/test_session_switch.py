"""Users change at one seat: 注销, 锁定 (Ctrl+L), 切换用户 and the handover take-over, without restarting.

The sign-in dialog runs modally (exec); each test answers it from a timer, as a user at the keyboard would."""

import datetime as dt

import pytest
import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QWidget
from sqlalchemy import select

from dutyroom.app import build_main_window
from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.auth import AuthService
from dutyroom.services.demo import DEMO_PASSWORD
from dutyroom.store.models import AuditEntry
from dutyroom.ui import duty_log_page
from dutyroom.ui.duty_log_page import DutyLogPage, NewEntry
from dutyroom.ui.login_dialog import LoginDialog, demo_hint
from dutyroom.ui.main_window import MainWindow
from dutyroom.ui.on_duty_panel import OnDutyPanel
from dutyroom.ui.session_controller import SessionController
from tests.helpers.actors import actors_by_username
from tests.helpers.children import CHILDREN


def answer_login(username: str | None = None, password: str = DEMO_PASSWORD, *, cancel: bool = False,
                 seen: list | None = None) -> None:
    """Answer the next sign-in dialog when it is shown: type the user (None: keep what is pre-filled) and the
    password and press 登录, or press its cancel button. `seen` collects what the dialog offered."""
    tries = [0]

    def fill():
        dialog = next((w for w in QApplication.topLevelWidgets() if isinstance(w, LoginDialog) and w.isVisible()),
                      None)
        if dialog is None:
            tries[0] += 1
            assert tries[0] < 500, "no sign-in dialog appeared"
            QTimer.singleShot(10, fill)
            return
        buttons = dialog.findChild(QDialogButtonBox)
        if seen is not None:
            seen.append({"username": dialog.username.text(), "hint": dialog.hint.text() if dialog.hint else "",
                         "cancel": buttons.button(QDialogButtonBox.StandardButton.Cancel).text(),
                         "note": dialog.note.text() if dialog.note else ""})
        if cancel:
            buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
            return
        if username is not None:
            dialog.username.setText(username)  # setText: never keyClicks (Chinese would abort the run)
        dialog.password.setText(password)
        buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    QTimer.singleShot(0, fill)


@pytest.fixture
def seat(qtbot, room):
    """The program's session controller on the demo database, nobody signed in yet; `seat.ends` counts quits."""
    profile = load_profile("dongcheng")
    ends: list[int] = []
    auth = AuthService(room)
    controller = SessionController(QApplication.instance(), auth, lambda actor: build_main_window(room, profile, actor),
                                   "东城区应急值班系统", hint=lambda: demo_hint(auth), idle_minutes=lambda: 0,
                                   on_end=lambda: ends.append(1))
    controller.ends = ends
    yield controller
    controller.finish()
    qtbot.wait(1)


def signed_in(seat, username: str) -> MainWindow:
    answer_login(username)
    assert seat.start()
    return seat.window


def nav_titles(window: MainWindow) -> list[str]:
    return [window.nav.item(i).text() for i in range(window.nav.count())]


def logouts(db) -> list[tuple[str, dict]]:
    with db.read() as s:
        return [(e.username, e.after) for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "logout")
                                                         .order_by(AuditEntry.seq))]


def gone(window: MainWindow) -> bool:
    """Closed: hidden, or already deleted (deleteLater)."""
    return not shiboken6.isValid(window) or not window.isVisible()


def visible_main_windows() -> list[MainWindow]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]


# ------------------------------------------------------------------ 注销


def test_sign_out_then_the_administrator_gets_a_window_with_their_pages(qtbot, seat, room):
    officer_window = signed_in(seat, "zhouning")
    assert "周宁" in officer_window.user_label.text() and "用户管理" not in nav_titles(officer_window)
    answer_login("admin")
    officer_window.sign_out_action.trigger()
    window = seat.window
    assert window is not officer_window and gone(officer_window)
    assert "系统管理员" in window.user_label.text() and "周宁" not in window.user_label.text()
    assert "用户管理" in nav_titles(window) and "审计日志" in nav_titles(window)
    assert visible_main_windows() == [window] and seat.ends == []
    assert logouts(room) == [("zhouning", {"reason": "sign_out"})]


def test_cancelling_the_sign_in_after_sign_out_ends_the_program(qtbot, seat, room):
    window = signed_in(seat, "zhouning")
    seen: list = []
    answer_login(cancel=True, seen=seen)
    window.sign_out_action.trigger()
    assert seen[0]["cancel"] == "退出" and seat.ends == [1]
    assert seat.window is None and visible_main_windows() == []


# ------------------------------------------------------------------ 锁定 (Ctrl+L)


def test_ctrl_l_locks_on_every_page_and_the_users_password_unlocks(qtbot, seat, room):
    window = signed_in(seat, "tangjun")  # a director: most pages
    lock = window.session_lock
    assert not lock.enabled  # the idle lock is off here; 锁定 still works
    qtbot.waitExposed(window)
    for row in range(window.nav.count()):
        window.nav.setCurrentRow(row)
        page = window.pages.currentWidget()
        window.windowHandle().requestActivate()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
        target = next((w for w in page.findChildren(QWidget)  # where the user is typing on that page
                       if w.isVisible() and w.isEnabled() and w.focusPolicy() != Qt.FocusPolicy.NoFocus), page)
        target.setFocus()
        qtbot.keyClick(target, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        assert lock.is_locked, window.nav.item(row).text()
        assert not window.centralWidget().isVisible()
        assert "唐军（tangjun）" in lock.dialog.findChild(type(window.user_label)).text()
        lock.dialog.password.setText("wrong-password")
        lock.dialog.try_unlock()
        assert lock.is_locked and "密码错误" in lock.dialog.error.text()
        lock.dialog.password.setText(DEMO_PASSWORD)
        lock.dialog.try_unlock()
        assert not lock.is_locked and window.centralWidget().isVisible()
    with room.read() as s:
        manual = s.scalars(select(AuditEntry).where(AuditEntry.action == "session.lock")).all()
    assert len(manual) == window.nav.count() and all(e.after.get("manual") for e in manual)


def test_every_window_gets_its_own_idle_lock_and_the_old_one_lets_go(qtbot, seat, room):
    seat.idle_minutes = lambda: 15
    first = signed_in(seat, "zhouning")
    old_lock = first.session_lock
    assert old_lock.enabled and old_lock.timer.isActive()
    answer_login("luomin")
    first.sign_out_action.trigger()
    new_lock = seat.window.session_lock
    assert new_lock is not old_lock and new_lock.actor.username == "luomin"
    assert new_lock.enabled and new_lock.timer.isActive()
    assert not shiboken6.isValid(old_lock) or not (old_lock.enabled or old_lock.timer.isActive())
    new_lock.lock()  # the idle timeout: the new user's lock screen
    assert "罗敏" in new_lock.dialog.findChild(type(seat.window.user_label)).text()


# ------------------------------------------------------------------ 切换用户


def test_a_cancelled_switch_leaves_the_previous_users_lock_screen(qtbot, seat, room):
    window = signed_in(seat, "zhouning")
    seen: list = []
    answer_login(cancel=True, seen=seen)
    window.switch_action.trigger()
    assert seen[0]["cancel"] == "取消" and "周宁 的界面已锁定" in seen[0]["note"]
    assert seat.window is window and seat.ends == []
    assert window.session_lock.is_locked and not window.centralWidget().isVisible()  # never unlocked
    assert window.session_lock.dialog.isVisible()
    assert logouts(room) == []  # nobody signed out: the officer's session is only locked
    answer_login(cancel=True)  # again, from the lock screen's own 切换用户 button
    window.session_lock.dialog.switch_button.click()
    assert window.session_lock.is_locked and not window.centralWidget().isVisible()


def test_a_supervisor_approves_at_the_officers_seat_and_hands_back(qtbot, seat, room):
    officer = signed_in(seat, "zhouning")
    assert officer.show_page("预警发布")
    answer_login("xiewen")
    officer.switch_action.trigger()
    leader = seat.window
    assert leader is not officer and gone(officer)
    assert "谢文" in leader.user_label.text() and "待我审批" in nav_titles(leader)
    leader.show_page("待我审批")
    answer_login("zhouning")  # back to the officer, from the lock screen this time
    leader.lock()
    leader.session_lock.dialog.switch_button.click()
    back = seat.window
    assert "周宁" in back.user_label.text()
    assert back.current_page_title() == "预警发布"  # the page the officer left
    assert logouts(room) == [("zhouning", {"reason": "switch_user", "next_user": "xiewen"}),
                             ("xiewen", {"reason": "switch_user", "next_user": "zhouning"})]


def test_switching_to_yourself_just_unlocks(qtbot, seat, room):
    window = signed_in(seat, "zhouning")
    answer_login("zhouning")
    window.switch_action.trigger()
    assert seat.window is window and not window.session_lock.is_locked and window.centralWidget().isVisible()
    assert logouts(room) == []


# ------------------------------------------------------------------ 交接班: the incoming officer takes the seat


def _handover(window: MainWindow, incoming: str):
    page = next(window.pages.widget(i) for i in range(window.pages.count())
                if isinstance(window.pages.widget(i), DutyLogPage))
    dialog = page.handover_factory(page)  # as the 交接班… button builds it
    dialog.show()
    dialog.sign_out_button.click()
    dialog.username.setText(incoming)
    dialog.password.setText(DEMO_PASSWORD)
    dialog.sign_in_button.click()
    return dialog


def test_after_the_handover_the_incoming_officer_takes_over_the_session(qtbot, seat, room, monkeypatch):
    window = signed_in(seat, "zhouning")
    dialog = _handover(window, "sunhao")
    assert "交接完成" in dialog.status.text() and "请 孙浩 登录接管本席位" in dialog.status.text()
    assert seat.window is window  # the outgoing officer can still print the sheet until the dialog closes
    seen: list = []
    answer_login(None, seen=seen)  # the incoming officer's user is pre-filled: only the password
    dialog.accept()
    qtbot.waitUntil(lambda: seat.window is not None and seat.window is not window, timeout=5000)
    assert seen[0]["username"] == "sunhao" and "接班人登录" in seen[0]["note"]
    new = seat.window
    assert "孙浩" in new.user_label.text() and gone(window)
    assert "值班总览" in nav_titles(new)  # the dashboard with the on-duty panel, rebuilt for the new session
    on_duty = new.findChild(OnDutyPanel)
    # the roster may still name the outgoing officer (an early handover); the seat line names who took over
    assert on_duty.seat_label.text().startswith("本席位：孙浩（值班员），") and "接班（交班人 周宁）" in on_duty.seat_label.text()
    duty_log = next(new.pages.widget(i) for i in range(new.pages.count())
                    if isinstance(new.pages.widget(i), DutyLogPage))
    monkeypatch.setattr(duty_log_page.EntryDialog, "ask", classmethod(
        lambda cls, parent, now: NewEntry("call", "区水务局来电报告积水", dt.datetime.now(dt.UTC), None)))
    duty_log.to_now()
    duty_log.add_button.click()
    authors = [duty_log.model.index(r, 4).data() for r in range(duty_log.model.rowCount())
               if duty_log.model.index(r, 3).data() == "区水务局来电报告积水"]
    assert authors == ["孙浩"]  # the duty-log author is the incoming officer
    assert logouts(room) == [("zhouning", {"reason": "handover", "next_user": "sunhao"})]


def test_a_handover_without_a_sign_in_keeps_the_session(qtbot, seat, room):
    window = signed_in(seat, "zhouning")
    page = next(window.pages.widget(i) for i in range(window.pages.count())
                if isinstance(window.pages.widget(i), DutyLogPage))
    dialog = page.handover_factory(page)
    dialog.show()
    dialog.sign_out_button.click()  # signed out, nobody has signed in yet
    dialog.accept()
    qtbot.wait(50)
    assert seat.window is window and window.isVisible() and logouts(room) == []


# ------------------------------------------------------------------ the demo accounts on the sign-in dialog


def test_a_real_database_never_advertises_the_demo_accounts(qtbot, people):
    """init without --demo: no hint; nobody can choose the demo password as their own (issue 17: the policy)."""
    from dutyroom.services.errors import UserError

    auth, admin, officer = people
    with pytest.raises(UserError, match="至少 10 位"):
        auth.reset_password(admin, officer.id, DEMO_PASSWORD)
    assert demo_hint(auth) == ""
    dialog = LoginDialog(auth, "东城区应急值班系统", demo_hint(auth))
    qtbot.addWidget(dialog)
    assert dialog.hint is None and "dutyroom" not in "".join(lbl.text() for lbl in dialog.findChildren(
        type(dialog.error)))


def test_the_demo_hint_names_only_demo_accounts_still_on_the_demo_password(qtbot, seat, room):
    auth = AuthService(room)
    u = actors_by_username(room)
    assert demo_hint(auth) == "演示数据库：值班员 zhouning、管理员 admin，密码 dutyroom"
    seen: list = []
    answer_login("zhouning", seen=seen)
    seat.start()
    assert "zhouning" in seen[0]["hint"]
    auth.reset_password(u["admin"], u["zhouning"].id, "a-real-password-1")
    assert demo_hint(auth) == "演示数据库：管理员 admin，密码 dutyroom"
    auth.change_own_password(u["admin"], DEMO_PASSWORD, "another-real-one-2")
    assert demo_hint(auth) == ""  # the demo data is no longer in use as such: say nothing
    seen.clear()
    answer_login("zhouning", "a-real-password-1", seen=seen)
    seat.window.sign_out_action.trigger()
    assert seen[0]["hint"] == "" and "周宁" in seat.window.user_label.text()


def test_every_session_string_has_an_english_entry():
    """DUTYROOM_LANG=en: the 系统 menu, the sign-in dialog and the session messages speak English."""
    import re
    from pathlib import Path

    from dutyroom.ui.i18n import english_catalogue

    root = Path(__file__).resolve().parents[2]
    table = english_catalogue()
    missing = []
    for name in ("main_window", "login_dialog", "session_controller", "session_lock"):
        source = (root / "dutyroom/ui" / f"{name}.py").read_text(encoding="utf-8")
        missing += [f"{name}: {text}" for text in re.findall(r'\btr\(\s*"((?:[^"\\]|\\.)*)"', source) if text not in table]
    assert missing == []


def test_the_program_keeps_running_through_user_changes_and_quits_when_nobody_signs_in(tmp_path, template_db):
    """app.main() for real, in a child process: zhouning, 切换用户 to admin, 注销, sign-in cancelled → exit 0,
    each change audited, and the exit backup taken."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    from dutyroom.store.database import Database
    from tests.helpers.databases import build_demo

    template_db("demo", build_demo, file="seat.db").dispose()  # the child opens the file
    env = {**os.environ, "DUTYROOM_DB": f"sqlite:///{tmp_path / 'seat.db'}", "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    child = subprocess.run([sys.executable, str(CHILDREN / "session_child.py")], env=env,
                           capture_output=True, text=True, timeout=120)
    assert child.returncode == 0, child.stderr
    assert json.loads(child.stdout.strip().splitlines()[-1]) == {"code": 0, "left": 0}
    db = Database(f"sqlite:///{tmp_path / 'seat.db'}")
    try:
        with db.read() as s:
            trail = [(e.action, e.username, (e.after or {}).get("reason"))
                     for e in s.scalars(select(AuditEntry).order_by(AuditEntry.seq))
                     if e.action in ("login", "logout", "session.lock")]
        assert trail == [("login", "zhouning", None), ("session.lock", "zhouning", None), ("login", "admin", None),
                         ("logout", "zhouning", "switch_user"), ("logout", "admin", "sign_out")]
        with db.read() as s:
            backups = [e.after["reason"] for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "backup.run"))]
        assert "exit" in backups  # the backup on exit still runs after the last sign-in was cancelled
    finally:
        db.dispose()


def test_sign_out_is_audited_with_its_reason_and_the_password_check_counts_nothing(people):
    auth, admin, officer = people
    auth.sign_out(officer, "handover", next_user="sunhao")
    auth.sign_out(admin)
    with pytest.raises(ValueError):
        auth.sign_out(admin, "went home")
    assert logouts(auth.db) == [("zhouning", {"reason": "handover", "next_user": "sunhao"}),
                                ("admin", {"reason": "sign_out"})]
    assert auth.unchanged_password(["zhouning", "admin", "nobody"], "duty-pass-2026") == ["zhouning", "admin"]
    for _ in range(6):  # more than the lockout allows at sign-in: this is no sign-in
        assert auth.unchanged_password(["zhouning"], "wrong-one") == []
    assert auth.login("zhouning", "duty-pass-2026").username == "zhouning"
