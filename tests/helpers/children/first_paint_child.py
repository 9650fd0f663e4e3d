"""Child process for the fast-start test (issue 21): the real program (app.main) on the database DUTYROOM_DB,
zhouning signed in as the sign-in dialog would sign her in. At the main window's first paint it notes which
modules are imported and what the window shows; half a second later, what the program did after that paint.
Prints one JSON line and leaves at once (os._exit: no exit backup, nothing else to wait for).

With the argument `dialog`: the sign-in dialog is shown and left open for a second as a user would take to type;
which of the window's modules are imported by then is printed, and the dialog is cancelled (the program ends)."""

import json
import os
import sys

from PySide6.QtCore import QEvent, QObject, QTimer

from dutyroom import app
from dutyroom.services.demo import DEMO_PASSWORD
from dutyroom.ui import session_controller

seen: dict = {}


class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and "modules" not in seen:
            seen["modules"] = sorted(sys.modules)
            seen["title"] = watched.windowTitle()
            seen["user"] = watched.actor.username
            seen["demo_banner"] = getattr(watched, "demo_banner", None) is not None
            seen["nav"] = [watched.nav.item(i).text() for i in range(watched.nav.count())]
            QTimer.singleShot(500, later)
        return False


def later() -> None:
    from dutyroom.ui.backup_page import BackupScheduler

    seen["backup_scheduler"] = bool(session[0].findChildren(BackupScheduler))  # automatic backups, after the paint
    print(json.dumps(seen, ensure_ascii=False), flush=True)
    os._exit(0)


session: list = []
original_open = session_controller.SessionController._open


def ask(self, parent=None, username="", note="", cancel_text=None):
    session.append(self)
    return self.auth.login("zhouning", DEMO_PASSWORD)


def open_(self, actor):
    original_open(self, actor)
    self.window.installEventFilter(FirstPaint(self.window))


def wait_in_dialog(dialog) -> int:
    from PySide6.QtCore import QEventLoop

    loop = QEventLoop()
    QTimer.singleShot(1000, loop.quit)  # the user typing
    loop.exec()
    seen["modules"] = sorted(sys.modules)
    return dialog.DialogCode.Rejected


if __name__ == "__main__" and sys.argv[1:] == ["dialog"]:
    session_controller.LoginDialog.exec = wait_in_dialog
    QTimer.singleShot(60_000, lambda: (print(json.dumps({"error": "timeout"}), flush=True), os._exit(9)))
    seen["code"] = app.main(["dutyroom"])
    print(json.dumps(seen, ensure_ascii=False), flush=True)
elif __name__ == "__main__":
    session_controller.SessionController._ask = ask
    session_controller.SessionController._open = open_
    QTimer.singleShot(60_000, lambda: (print(json.dumps({"error": "timeout"}), flush=True), os._exit(9)))
    app.main(["dutyroom"])
