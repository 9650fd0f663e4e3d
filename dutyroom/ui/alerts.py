"""Alerts that reach an officer whose window is behind another program: a deadline turning amber or red
(报告时限) or a warning waiting for this user's signature (待我审批).

When the main window is not the active window: the taskbar entry flashes (QApplication.alert) and the tray
shows a message naming the incident (or warning) and the deadline; clicking the message brings the window
to the front on that incident or warning. The beep is the deadlines panel's own, muted per PC. While the
screen is locked the message gives counts only, as the lock screen does: nothing of the incident is shown to
whoever is at the desk."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget

from . import theme


class Attention(QObject):
    def __init__(self, window: QWidget):
        super().__init__(window)
        self.window = window
        self.tray = QSystemTrayIcon(theme.icon("fa6s.tower-broadcast", theme.ACCENT), window)
        self.tray.setToolTip(window.windowTitle())
        self.tray.messageClicked.connect(self._clicked)
        self.tray.activated.connect(lambda _reason: self._front())
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray.show()
        self.raised = 0  # how many alerts reached the taskbar and the tray (tests, the soak script)
        self._open: Callable[[], None] | None = None  # what clicking the last message opens

    def behind(self) -> bool:
        """Not in front: another program (or none of ours) is active, or the window is minimised."""
        return not self.window.isActiveWindow() or self.window.isMinimized()

    def locked(self) -> bool:
        lock = getattr(self.window, "session_lock", None)
        return lock is not None and getattr(lock, "dialog", None) is not None

    def notify(self, title: str, text: str, urgent: bool, open_it: Callable[[], None] | None = None,
               locked_text: str | None = None) -> bool:
        """Flash and show a tray message when the window is behind; True when it did."""
        if not self.behind():
            return False
        QApplication.alert(self.window, 0)  # flashes until the window is activated
        if self.locked():
            text, open_it = locked_text or theme.tr("有新的提醒，请解锁查看"), None
        icon = QSystemTrayIcon.MessageIcon.Critical if urgent else QSystemTrayIcon.MessageIcon.Warning
        self._open = open_it
        self.tray.showMessage(title, text, icon, 30_000)
        self.raised += 1
        return True

    def _front(self) -> None:
        w = self.window
        if w.isMinimized():
            w.showNormal()
        w.raise_()
        w.activateWindow()

    def _clicked(self) -> None:
        self._front()
        if self._open is not None:
            self._open()
