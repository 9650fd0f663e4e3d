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


def _env(tmp_path) -> dict:
    return {**os.environ, "DUTYROOM_DB": f"sqlite:///{tmp_path / 'seat.db'}", "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(ROOT), "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_STATE_HOME": str(tmp_path / "state"),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_CONFIG_HOME": str(tmp_path / "config")}


def test_the_signed_in_window_is_painted_before_what_it_does_not_show_is_imported(tmp_path, template_db):
    template_db("demo", build_demo, file="seat.db").dispose()  # migrated to head, the demo people
    child = subprocess.run([sys.executable, str(CHILD)], env=_env(tmp_path), capture_output=True, text=True,
                           timeout=120)
    assert child.returncode == 0, child.stderr[-3000:]
    seen = json.loads(child.stdout.strip().splitlines()[-1])
    assert seen["user"] == "zhouning" and "应急值班系统" in seen["title"]
    assert seen["demo_banner"]  # the painted window already says 演示数据
    assert seen["nav"][0] == "值班总览" and "事件" in seen["nav"]  # every page of hers is in the navigation
    imported = set(seen["modules"])
    early = [m for m in NOT_BEFORE_FIRST_PAINT if m in imported or any(i.startswith(m + ".") for i in imported)]
    assert early == [], f"imported before the first paint: {early}"
    assert seen["backup_scheduler"]  # automatic backups are scheduled once the window is painted


def test_the_windows_modules_are_imported_while_the_sign_in_dialog_waits_for_the_user(tmp_path, template_db):
    """The time a user takes to type the password is used: the dashboard's modules are imported meanwhile, so the
    window opens sooner after 登录. Cancelling the dialog still ends the program (exit code 0)."""
    from dutyroom.app import WINDOW_MODULES

    template_db("demo", build_demo, file="seat.db").dispose()
    child = subprocess.run([sys.executable, str(CHILD), "dialog"], env=_env(tmp_path), capture_output=True, text=True,
                           timeout=120)
    assert child.returncode == 0, child.stderr[-3000:]
    seen = json.loads(child.stdout.strip().splitlines()[-1])
    assert seen["code"] == 0
    assert [m for m in WINDOW_MODULES if m not in seen["modules"]] == []
    assert "dutyroom.ui.incidents_page" not in seen["modules"]  # a page not yet opened is still not imported


def test_the_dashboard_shows_the_deadlines_it_loaded_when_made_and_reloads_on_a_later_show(qtbot, desk, monkeypatch):
    """The signed-in window's first paint shows the deadlines the panel loaded when it was made (not loaded twice);
    coming back to 值班总览 later loads them again, so a call taken meanwhile is there."""
    from dutyroom.app import build_main_window
    from dutyroom.domain.profile_loader import load_profile
    from dutyroom.services.incident_reports import ReportService
    from dutyroom.ui import dashboard_page
    from dutyroom.ui.deadlines_panel import DeadlinesPanel
    from tests.helpers.incidents import intake

    officer = desk["zhouning"]
    desk.incidents().register(officer, intake())
    loads = []
    original = ReportService.open_deadlines
    monkeypatch.setattr(ReportService, "open_deadlines", lambda self, *a, **k: loads.append(1) or original(self, *a, **k))
    window = build_main_window(desk.db, load_profile("dongcheng"), officer, lazy=True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    panel = window.findChild(DeadlinesPanel)
    assert loads == [1] and panel.table.rowCount() >= 1  # one load, and the deadline is on the painted dashboard
    shown = panel.table.rowCount()
    desk.incidents().register(officer, intake())  # a second call, taken meanwhile
    monkeypatch.setattr(dashboard_page, "FRESH_S", 0.0)  # as if the officer came back a while later
    window.show_page("事件")
    window.show_page("值班总览")
    assert len(loads) >= 2 and panel.table.rowCount() > shown


def test_what_waits_for_the_first_paint_runs_once_and_also_when_the_window_is_never_painted(qtbot):
    """Automatic backups start after the first paint; a window that starts minimised is never painted, and they
    must start all the same (at the latest after a few seconds), and only once."""
    from PySide6.QtWidgets import QWidget

    from dutyroom.app import when_painted

    shown, hidden = QWidget(), QWidget()
    qtbot.addWidget(shown)
    qtbot.addWidget(hidden)
    calls = {"shown": 0, "hidden": 0}
    when_painted(shown, lambda: calls.__setitem__("shown", calls["shown"] + 1), at_latest_ms=1500)
    when_painted(hidden, lambda: calls.__setitem__("hidden", calls["hidden"] + 1), at_latest_ms=300)
    shown.show()
    qtbot.waitUntil(lambda: calls["shown"] == 1, timeout=2500)  # at its paint, before its fallback
    qtbot.waitUntil(lambda: calls["hidden"] == 1, timeout=2000)  # never painted: the fallback
    qtbot.wait(1800)  # the shown one's fallback time has passed too
    assert calls == {"shown": 1, "hidden": 1}
