"""Start fast (issue 21): the signed-in window is painted before anything it does not show is imported or
started. The real program (app.main) runs in a child process on a demo database at the newest schema; at the main
window's first paint the modules of the pages not yet opened, the print/export libraries, the migration tool
(alembic: the schema is already at head) and the icon library's Qt shim are not imported. What waits for the paint
(automatic backups) is running half a second later. No timing is asserted: tests/bench/bench_start.py measures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers.databases import build_demo

ROOT = Path(__file__).resolve().parents[2]
CHILD = ROOT / "tests" / "helpers" / "children" / "first_paint_child.py"

# not needed for the first picture of the signed-in window (值班总览 and the navigation)
NOT_BEFORE_FIRST_PAINT = (
    "alembic",  # the schema is at head: one SELECT of alembic_version says so (store/database.at_head)
    "reportlab", "openpyxl", "pypinyin", "pypdf", "pypdfium2",  # printing, workbooks, name search, preview
    "qtawesome", "qtpy",  # icons are drawn from the Font Awesome font directly (ui/theme.py)
    "dutyroom.services.exports", "dutyroom.services.statistics", "dutyroom.services.responses",
    "dutyroom.services.rules_service", "dutyroom.services.audit_query", "dutyroom.services.contacts_excel",
    "dutyroom.ui.incidents_page", "dutyroom.ui.warnings_page", "dutyroom.ui.responses_page",
    "dutyroom.ui.plans_page", "dutyroom.ui.contacts_page", "dutyroom.ui.duty_log_page", "dutyroom.ui.roster_page",
    "dutyroom.ui.statistics_page", "dutyroom.ui.rules_page", "dutyroom.ui.audit_page", "dutyroom.ui.users_page",
    "dutyroom.ui.backup_page", "dutyroom.ui.print_support",
)


def test_the_signed_in_window_is_painted_before_what_it_does_not_show_is_imported(tmp_path, template_db):
    template_db("demo", build_demo, file="seat.db").dispose()  # migrated to head, the demo people
    env = {**os.environ, "DUTYROOM_DB": f"sqlite:///{tmp_path / 'seat.db'}", "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(ROOT), "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_STATE_HOME": str(tmp_path / "state"),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    child = subprocess.run([sys.executable, str(CHILD)], env=env, capture_output=True, text=True, timeout=120)
    assert child.returncode == 0, child.stderr[-3000:]
    seen = json.loads(child.stdout.strip().splitlines()[-1])
    assert seen["user"] == "zhouning" and "应急值班系统" in seen["title"]
    assert seen["demo_banner"]  # the painted window already says 演示数据
    assert seen["nav"][0] == "值班总览" and "事件" in seen["nav"]  # every page of hers is in the navigation
    imported = set(seen["modules"])
    early = [m for m in NOT_BEFORE_FIRST_PAINT if m in imported or any(i.startswith(m + ".") for i in imported)]
    assert early == [], f"imported before the first paint: {early}"
    assert seen["backup_scheduler"]  # automatic backups are scheduled once the window is painted
