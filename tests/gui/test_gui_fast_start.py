"""A fast start and light commands (issue 21): pages built when first shown, heavy libraries imported when
first needed, the 替代字体 notice kept across runs, a command on an incident updates its line only."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt

from dutyroom.app import build_main_window
from dutyroom.domain.profile_loader import load_profile
from dutyroom.ui.audit_page import AuditPage
from dutyroom.ui.dashboard_page import DashboardPage
from dutyroom.ui.incidents_page import IncidentsPage
from tests.helpers.incidents import RECEIVED, Clock, intake

ROOT = Path(__file__).resolve().parents[2]


def test_the_app_builds_a_page_when_it_is_first_shown(qtbot, desk):
    window = build_main_window(desk.db, load_profile("dongcheng"), desk["admin"], lazy=True)
    qtbot.addWidget(window)
    window.show()
    assert isinstance(window.pages.currentWidget(), DashboardPage)
    assert window.findChild(IncidentsPage) is None and window.findChild(AuditPage) is None  # not built yet
    window.show_page("审计日志")
    qtbot.waitUntil(lambda: isinstance(window.pages.currentWidget(), AuditPage))
    assert window.findChild(IncidentsPage) is None
    incidents = window.page("事件")  # asked for (a deadline clicked on the dashboard): built then
    assert isinstance(incidents, IncidentsPage) and window.page("事件") is incidents
    assert window.pages.indexOf(incidents) == window.nav.row(window.nav.findItems("事件", Qt.MatchFlag.MatchExactly)[0])


def test_heavy_libraries_wait_until_they_are_needed():
    code = ("import sys; import dutyroom.app, dutyroom.services.contacts, dutyroom.services.contacts_excel, "
            "dutyroom.services.exports, dutyroom.ui.print_support, dutyroom.ui.contacts_page; "
            "print([m for m in ('pypinyin', 'openpyxl', 'reportlab') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "[]"


def test_the_font_notice_is_computed_once_and_kept_across_runs(monkeypatch, tmp_path):
    from dutyroom.reports import fonts
    from dutyroom.services import exports

    monkeypatch.setattr(exports, "_notice_memo", {})
    calls = []
    monkeypatch.setattr(fonts, "substitution_notice", lambda: calls.append(1) or "替代字体（测试）")
    assert exports.font_notice() == "替代字体（测试）"
    stored = json.loads((tmp_path / "data" / "dutyroom" / "font_notice.json").read_text(encoding="utf-8"))
    assert stored["notice"] == "替代字体（测试）"
    monkeypatch.setattr(exports, "_notice_memo", {})  # the next run: a new process reads the data directory
    assert exports.font_notice() == "替代字体（测试）" and calls == [1]
    monkeypatch.setattr(exports, "_notice_memo", {})
    monkeypatch.setattr(fonts, "fingerprint", lambda: "a font was installed")
    exports.font_notice()
    assert calls == [1, 1]  # the fonts changed: computed again


def test_a_command_on_an_incident_updates_its_line_not_the_whole_list(qtbot, desk, monkeypatch):
    svc, officer = desk.incidents(), desk["zhouning"]
    ids = [svc.register(officer, intake(), now=RECEIVED).id for _ in range(3)]
    clock = Clock(RECEIVED + dt.timedelta(minutes=3))
    page = IncidentsPage(svc, desk.reports(), desk.log, officer, clock=clock)
    qtbot.addWidget(page)
    from dutyroom.ui.change_hub import ChangeHub

    hub = ChangeHub(desk.db, page)
    hub.subscribe(page, {"incidents", "reports"}, page.refresh)  # as the app subscribes it
    page.show()
    detail = page.open_incident(ids[1])
    detail.changed.connect(hub.flush)
    searches = []
    original = svc.search
    monkeypatch.setattr(svc, "search", lambda *a, **k: searches.append(1) or original(*a, **k))
    detail.grade.setCurrentIndex(detail.grade.findData("ordinary"))
    assert detail.confirm_grade()
    qtbot.wait(50)
    assert searches == []  # the list was not searched again
    line = next(r for r in page.model.rows if r.id == ids[1])
    assert line.grade_confirmed == "ordinary"
    page.category.setCurrentIndex(page.category.findData("natural"))  # the officer's own filter still searches
    assert searches == [1]
