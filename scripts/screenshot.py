"""Screenshot of one page as a signed-in user sees it (for docs and visual checks).

    xvfb-run -a -s "-screen 0 1440x900x24" .venv/bin/python scripts/screenshot.py OUT.png \
        [--user zhouning] [--page 规则查询] [--db /tmp/shot.db] [--profile dongcheng]

Creates the demo database when missing, signs in with the demo password, opens the page whose
navigation title is --page, waits a moment for it to fill, saves the window and quits.
"""
import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

args = argparse.ArgumentParser()
args.add_argument("out")
args.add_argument("--user", default="zhouning")
args.add_argument("--page", default=None)
args.add_argument("--db", default="/tmp/dutyroom_screenshot.db")
args.add_argument("--profile", default="dongcheng")
args.add_argument("--after-ms", type=int, default=1200)
opts = args.parse_args()
os.environ["DUTYROOM_DB"] = opts.db

from dutyroom.app import build_main_window, choose_cjk_font  # noqa: E402
from dutyroom.domain.profile_loader import load_profile  # noqa: E402
from dutyroom.services.auth import AuthService  # noqa: E402
from dutyroom.services.demo import DEMO_PASSWORD, install_demo  # noqa: E402
from dutyroom.services.reference_data import load_reference_data, set_setting  # noqa: E402
from dutyroom.store.database import Database  # noqa: E402
from dutyroom.ui.i18n import install_translator  # noqa: E402

app = QApplication(sys.argv)
install_translator(app)
choose_cjk_font(app)
db = Database(opts.db)
db.migrate()
profile = load_profile(opts.profile)
set_setting(db, "profile", profile.key)
load_reference_data(db, profile)
install_demo(db, profile)
actor = AuthService(db).login(opts.user, DEMO_PASSWORD)
window = build_main_window(db, profile, actor)
window.show()
if opts.page:
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    if opts.page not in titles:
        sys.exit(f"no page {opts.page!r}; pages: {titles}")
    window.nav.setCurrentRow(titles.index(opts.page))
QTimer.singleShot(opts.after_ms, lambda: (window.grab().save(opts.out), app.quit()))
app.exec()
db.dispose()
print(opts.out)
