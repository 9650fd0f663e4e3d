"""Child process: the real program signs zhouning in, then receives SIGTERM (as at a desktop logout or
shutdown). Prints main()'s exit code as JSON; the parent checks the clean-exit traces."""

import json
import os
import signal
import sys

from PySide6.QtCore import QTimer

from dutyroom import app
from dutyroom.services.demo import DEMO_PASSWORD
from dutyroom.ui import session_controller


def answer(dialog) -> int:
    dialog.username.setText("zhouning")
    dialog.password.setText(DEMO_PASSWORD)
    dialog.try_login()
    if dialog.actor is None:
        raise SystemExit(f"sign-in refused: {dialog.error.text()}")
    if "locked" in sys.argv:  # the idle lock is on the screen when the shutdown comes
        QTimer.singleShot(800, lock)
    QTimer.singleShot(1500, lambda: os.kill(os.getpid(), signal.SIGTERM))
    return dialog.DialogCode.Accepted


def lock() -> None:
    from PySide6.QtWidgets import QApplication

    from dutyroom.ui.session_lock import SessionLock

    guards = [g for w in QApplication.topLevelWidgets() for g in w.findChildren(SessionLock)]
    guards[0].lock(manual=True)
    print(json.dumps({"locked": guards[0].is_locked}), flush=True)


if __name__ == "__main__":
    session_controller.LoginDialog.exec = answer
    QTimer.singleShot(20_000, lambda: (print(json.dumps({"error": "timeout"})), sys.exit(9)))
    print(json.dumps({"code": app.main(["dutyroom"])}))
