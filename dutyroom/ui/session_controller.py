"""Users change at one seat. One SessionController per process signs users in and out; each signed-in user
gets a fresh main window (their roles decide its pages) with its own SessionLock. The QApplication, the
database and the backup scheduler stay.

- 注销: the session ends (audited), the window closes, the sign-in dialog appears; cancelling it (退出) quits.
- 切换用户 (系统 menu, or the button on the lock screen): the screen locks first and the sign-in dialog opens
  over the lock screen; cancelling it (取消) leaves the previous user's lock screen, never their unlocked
  window. The same user signing in again just unlocks.
- 交接班: when the handover dialog closes after the incoming officer signed in there, the outgoing session
  ends and the sign-in dialog opens pre-filled with the incoming officer; cancelling quits as after 注销.
- Each user's page is remembered while the program runs: a supervisor approves at the officer's seat,
  switches back, and the officer is on the page they left.
- Rights change while a session lasts (issue 17): when the users change (this seat or another), the signed-in
  user is read again. Deactivated: signed out at once, with a note on the sign-in dialog. Roles changed: the
  window is rebuilt for the new role set, on the same page. (The services refuse what the old window still
  offers in between: services/actor.current.)
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from ..services.actor import Actor
from ..services.auth import AuthService
from ..services.errors import PermissionDenied
from .login_dialog import LoginDialog
from .main_window import MainWindow
from .session_lock import SessionLock

log = logging.getLogger("dutyroom")


class SessionController(QObject):
    window_changed = Signal(object)  # the new user's MainWindow

    def __init__(self, app: QApplication, auth: AuthService, build_window: Callable[[Actor], MainWindow],
                 title: str, hint: Callable[[], str] = lambda: "", idle_minutes: Callable[[], int] = lambda: 0,
                 on_end: Callable[[], None] | None = None, parent=None):
        super().__init__(parent)
        self.app, self.auth, self.build_window, self.title = app, auth, build_window, title
        self.hint, self.idle_minutes = hint, idle_minutes  # asked at each sign-in: settings may have changed
        self.on_end = on_end or QApplication.quit  # nobody signs in any more: the program ends
        self.window: MainWindow | None = None
        self._last_page: dict[int, str] = {}  # user id -> the navigation title of the page they were on

    @property
    def actor(self) -> Actor | None:
        return self.window.actor if self.window is not None else None

    # ------------------------------------------------------------ the three ways users change

    def start(self) -> bool:
        """The first sign-in; False when it was cancelled."""
        actor = self._ask()
        if actor is None:
            return False
        self._open(actor)
        return True

    def sign_out(self) -> None:
        """注销: the window closes and the sign-in dialog appears; cancelling it ends the program."""
        if self.window is None:
            return
        with self._keep_running():
            self._close("sign_out")
            actor = self._ask(note=self.tr("已注销。请登录，或退出程序。"))
            if actor is None:
                self.on_end()
                return
            self._open(actor)

    def switch_user(self) -> None:
        """切换用户: sign-in over the previous user's lock screen; cancelling leaves that lock screen."""
        window = self.window
        if window is None or window.session_lock is None:
            return
        lock = window.session_lock
        lock.lock(manual=True)  # nothing of the previous user's stays readable while the next one signs in
        with self._keep_running():
            actor = self._ask(parent=lock.dialog, cancel_text=self.tr("取消"), note=self.tr(
                "切换用户：{name} 的界面已锁定。新用户登录后打开自己的界面；取消则回到锁定界面。").format(
                name=window.actor.display_name))
            if actor is None or self.window is not window:
                return
            if actor.id == window.actor.id:  # the same user again: that is an unlock
                lock.unlock_as(actor)
                return
            self._close("switch_user", next_user=actor.username)
            self._open(actor)

    def hand_over(self, username: str) -> None:
        """After a handover signed in at this seat: the incoming officer signs in and takes over."""
        if self.window is None:
            return
        with self._keep_running():
            self._close("handover", next_user=username)
            actor = self._ask(username=username, note=self.tr("交接班已完成，请接班人登录，接管本席位。"))
            if actor is None:
                self.on_end()
                return
            self._open(actor)

    def recheck(self) -> None:
        """Read the signed-in user again (the users changed): sign out a deactivated user, refresh changed roles."""
        window = self.window
        if window is None:
            return
        try:
            fresh = self.auth.current(window.actor)
        except PermissionDenied as exc:
            why = exc.message
            QTimer.singleShot(0, lambda: self._deactivated(window, why))
            return
        if fresh.roles != window.actor.roles:
            QTimer.singleShot(0, lambda: self._roles_changed(window, fresh))

    def _deactivated(self, window: MainWindow, why: str) -> None:
        if window is not self.window:
            return
        with self._keep_running():
            self._close("deactivated")
            actor = self._ask(note=why)
            if actor is None:
                self.on_end()
                return
            self._open(actor)

    def _roles_changed(self, window: MainWindow, fresh: Actor) -> None:
        if window is not self.window:
            return
        with self._keep_running():
            self._close(None)
            self._open(fresh)
        self.show_message(self.tr("您的角色已由管理员更改，界面已更新。"), 15_000)

    def finish(self) -> None:
        """The program exits (window closed): the signed-in user's session ends, audited."""
        if self.window is not None:
            self._close("exit")

    def show_message(self, text: str, ms: int = 0) -> None:
        if self.window is not None:
            self.window.statusBar().showMessage(text, ms)

    # ------------------------------------------------------------ windows and dialogs

    def _ask(self, parent: QWidget | None = None, username: str = "", note: str = "",
             cancel_text: str | None = None) -> Actor | None:
        dialog = LoginDialog(self.auth, self.title, self.hint(), parent, username=username, note=note,
                             cancel_text=cancel_text)
        accepted = dialog.exec() == LoginDialog.DialogCode.Accepted
        dialog.deleteLater()
        return dialog.actor if accepted else None

    def _open(self, actor: Actor) -> None:
        window = self.build_window(actor)
        window.sign_out_requested.connect(self.sign_out)
        window.switch_requested.connect(self.switch_user)
        # after the handover dialog has closed and its exec() has returned, not inside it
        window.handed_over.connect(lambda username: QTimer.singleShot(0, lambda: self._handed_over(window, username)))
        window.session_lock = SessionLock(self.app, window, self.auth, actor, self.idle_minutes(),
                                          on_exit=self._exit, switch_user=self.switch_user)
        page = self._last_page.get(actor.id)
        if page:
            window.show_page(page)
        changes = getattr(window, "changes", None)  # the window's change hub (app.build_main_window)
        if changes is not None:
            changes.subscribe(window, {"users"}, self.recheck, while_hidden=True, catch_up_on_show=False)
        self.window = window
        window.show_fitted()  # within the screen's available area, or as this user left it
        self.window_changed.emit(window)

    def _handed_over(self, window: MainWindow, username: str) -> None:
        if window is self.window:
            self.hand_over(username)

    def _close(self, reason: str | None, next_user: str | None = None) -> None:
        """Close the window; `reason` None: the same user goes on in a new window (no sign-out)."""
        window, self.window = self.window, None
        page = window.current_page_title()
        if page:
            self._last_page[window.actor.id] = page
        try:
            if reason is not None:
                self.auth.sign_out(window.actor, reason, next_user)
        except Exception as exc:  # an audit failure (e.g. disk full) must not keep the previous user's window
            log.error("sign-out audit failed: %s", exc)
        if window.session_lock is not None:
            window.session_lock.release()
        window.save_layout()  # size and splitters, for this user's next sign-in at this PC
        window.hide()
        window.deleteLater()  # deferred: we may be inside one of its pages' handlers

    def _exit(self) -> None:
        """退出程序 on the lock screen."""
        self._close("exit")
        self.on_end()

    @contextmanager
    def _keep_running(self) -> Iterator[None]:
        """Between the old window closing and the new one opening no main window is visible: not a quit."""
        was = self.app.quitOnLastWindowClosed()
        self.app.setQuitOnLastWindowClosed(False)
        try:
            yield
        finally:
            self.app.setQuitOnLastWindowClosed(was)
