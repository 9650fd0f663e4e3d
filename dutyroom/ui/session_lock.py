"""Session lock: after N minutes without keyboard or mouse input, or at once when the user asks (锁定,
Ctrl+L), the main window hides its pages behind a password dialog for the same user. Unlocking goes through
AuthService.reauthenticate (audited; wrong passwords count towards the account lockout like failed sign-ins).
With a `switch_user` callback the lock screen also offers 切换用户 (another user signs in at this seat).

An event filter on the QApplication sees every input event: while unlocked, input restarts the idle
timer; while locked, input to any window other than the unlock dialog (and dialogs it opened) is swallowed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from ..services.actor import Actor
from ..services.auth import AuthService
from .operations import run

_INPUT = frozenset({QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.MouseButtonPress,
                    QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick, QEvent.Type.MouseMove,
                    QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.Shortcut,
                    QEvent.Type.ShortcutOverride, QEvent.Type.ContextMenu})


class UnlockDialog(QDialog):
    """会话已锁定: the signed-in user's password, or exit the program."""

    unlocked = Signal(object)  # the fresh Actor

    def __init__(self, auth: AuthService, actor: Actor, minutes: int, on_exit: Callable[[], None], parent=None,
                 manual: bool = False, switch_user: Callable[[], None] | None = None,
                 alarm: Callable[[], tuple[str, bool]] | None = None):
        super().__init__(parent)
        self.auth, self.actor, self.on_exit = auth, actor, on_exit
        self.setWindowTitle(self.tr("会话已锁定"))
        self.setWindowModality(Qt.WindowModality.ApplicationModal)  # above any dialog left open at the desk
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.error = QLabel(styleSheet="color: #b00020")
        self.error.setWordWrap(True)
        if manual:
            text = self.tr("界面已锁定。请 {name}（{user}）输入密码解锁。").format(
                name=actor.display_name, user=actor.username)
        else:
            text = self.tr("已 {n} 分钟无操作，为保护值班信息，界面已锁定。请 {name}（{user}）输入密码解锁。").format(
                n=minutes, name=actor.display_name, user=actor.username)
        note = QLabel(text)
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("密码"), self.password)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("解锁"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("退出程序"))
        self.buttons.accepted.connect(self.try_unlock)
        self.buttons.rejected.connect(self._exit)
        self.switch_button = None
        if switch_user is not None:  # another user signs in here; cancelling comes back to this screen
            self.switch_button = self.buttons.addButton(self.tr("切换用户…"), QDialogButtonBox.ButtonRole.ActionRole)
            self.switch_button.clicked.connect(switch_user)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        self.alarm_label = None
        if alarm is not None:  # the reporting clock keeps its voice while the screen is locked: counts only, no details
            self.alarm_label = QLabel(wordWrap=True)
            layout.addWidget(self.alarm_label)

            def show_alarm() -> None:
                text, urgent = alarm()
                self.alarm_label.setText(text)
                self.alarm_label.setStyleSheet("color: #b00020; font-weight: bold" if urgent else "")

            show_alarm()
            QTimer(self, interval=1000, timeout=show_alarm).start()
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(380)

    def try_unlock(self) -> None:
        if not self.password.text():
            self.error.setText(self.tr("请输入密码"))
            return
        fresh = run(lambda: self.auth.reauthenticate(self.actor, self.password.text()), line=self.error)
        if fresh is None:
            self.password.clear()
            self.password.setFocus()
            return
        self.unlocked.emit(fresh)
        self.accept()

    def reject(self) -> None:  # Esc does not unlock
        pass

    def _exit(self) -> None:
        self.on_exit()


class SessionLock(QObject):
    """Install once per signed-in session: `SessionLock(app, window, auth, actor, idle_minutes)`; `release()`
    when the window is replaced by another user's. idle_minutes 0 turns the idle lock off (锁定 still works)."""

    locked = Signal()
    unlocked = Signal()

    def __init__(self, app: QApplication, window: QMainWindow, auth: AuthService, actor: Actor, idle_minutes: int,
                 on_exit: Callable[[], None] | None = None, idle_ms: int | None = None,
                 switch_user: Callable[[], None] | None = None):
        super().__init__(window)
        self.app, self.window, self.auth, self.actor = app, window, auth, actor
        self.minutes = idle_minutes
        self.on_exit = on_exit or (lambda: (window.close(), QApplication.quit()))
        self.switch_user = switch_user
        self.dialog: UnlockDialog | None = None
        self.timer = QTimer(self, singleShot=True, timeout=self.lock)
        self.timer.setInterval(idle_ms if idle_ms is not None else max(idle_minutes, 0) * 60_000)
        self.enabled = idle_ms is not None or idle_minutes > 0  # the idle lock; 锁定 (manual) always works
        app.installEventFilter(self)
        if self.enabled:
            self.timer.start()
        window.destroyed.connect(self._detach)

    @property
    def is_locked(self) -> bool:
        return self.dialog is not None

    def _detach(self, *_args) -> None:
        self.timer.stop()
        self.app.removeEventFilter(self)

    def release(self) -> None:
        """The session is over (another user's window replaces this one): no more locking, no more filtering."""
        self._detach()
        self.enabled = False
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.hide()
            dialog.deleteLater()

    def _allowed(self, widget: QWidget) -> bool:
        """Locked: the unlock dialog and the dialogs opened from it (切换用户's sign-in) take input."""
        window = widget.window()
        while window is not None:
            if window is self.dialog:
                return True
            parent = window.parentWidget()
            window = parent.window() if parent is not None else None
        return False

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() not in _INPUT:
            return False
        if not self.window.isVisible():  # the guarded window is closed: never hold other windows' input
            return False
        if self.dialog is None:
            if self.enabled:
                self.timer.start()  # activity: restart the idle countdown
            return False
        if not isinstance(obj, QWidget):  # the QWindow level passes the event on to its widgets, filtered here
            return False
        return not self._allowed(obj)  # locked: only the unlock dialog (and what it opened) gets input

    def lock(self, manual: bool = False) -> None:
        """Idle timeout (manual False: only when the idle lock is on) or 锁定 / Ctrl+L (manual True)."""
        if self.dialog is not None or not (manual or self.enabled):
            return
        self.timer.stop()
        try:
            self.auth.record_session_lock(self.actor, self.minutes, manual=manual)
        except Exception:  # an audit failure (e.g. disk full) must not keep the screen open
            pass
        central = self.window.centralWidget()
        if central is not None:
            central.setVisible(False)  # nothing on the screen while nobody is at the desk
        self.dialog = UnlockDialog(self.auth, self.actor, self.minutes, self.on_exit, self.window, manual=manual,
                                   switch_user=self.switch_user, alarm=getattr(self.window, "deadline_alarm", None))
        self.dialog.unlocked.connect(self._unlocked)
        self.dialog.open()
        self.dialog.raise_()
        self.dialog.activateWindow()
        self.locked.emit()

    def unlock_as(self, fresh: Actor) -> None:
        """The same user signed in again through 切换用户: that unlocks too."""
        self._unlocked(fresh)

    def _unlocked(self, fresh: Actor) -> None:
        self.actor = fresh
        central = self.window.centralWidget()
        if central is not None:
            central.setVisible(True)
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.hide()
            dialog.deleteLater()
        if self.enabled:
            self.timer.start()
        self.unlocked.emit()
