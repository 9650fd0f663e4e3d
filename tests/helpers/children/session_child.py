"""Child process for the app.main() session test: the real program on a demo database (DUTYROOM_DB), the
sign-in dialogs answered from a script: zhouning signs in, 切换用户 to admin, 注销, the sign-in is cancelled.
Prints main()'s exit code as JSON; the parent reads the audit trail and the exit backup."""

import json
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from dutyroom import app
from dutyroom.services.demo import DEMO_PASSWORD
from dutyroom.ui import session_controller
from dutyroom.ui.main_window import MainWindow

ANSWERS = ["zhouning", "admin", None]  # None: press 退出
NEXT_ACTION = {"zhouning": "switch_action", "admin": "sign_out_action"}


def window() -> MainWindow:
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible())


def answer(dialog) -> int:
    username = ANSWERS.pop(0)
    if username is None:
        return dialog.DialogCode.Rejected
    dialog.username.setText(username)
    dialog.password.setText(DEMO_PASSWORD)
    dialog.try_login()
    if dialog.actor is None:
        raise SystemExit(f"sign-in refused: {dialog.error.text()}")
    # the next user change, from the running event loop as a click in the menu would come
    QTimer.singleShot(300, lambda: getattr(window(), NEXT_ACTION[username]).trigger())
    return dialog.DialogCode.Accepted


if __name__ == "__main__":
    session_controller.LoginDialog.exec = answer
    QTimer.singleShot(20_000, lambda: (print(json.dumps({"error": "timeout"})), sys.exit(9)))
    print(json.dumps({"code": app.main(["dutyroom"]), "left": len(ANSWERS)}))
