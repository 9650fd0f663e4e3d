"""值班总览 has a 新接报 button: the officer lands on the dashboard after signing in and a call comes in."""

from __future__ import annotations

from PySide6.QtCore import Qt

from dutyroom.app import build_main_window
from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.auth import AuthService
from dutyroom.services.demo import DEMO_PASSWORD
from dutyroom.ui import incidents_page
from dutyroom.ui.dashboard_page import DashboardPage
from dutyroom.ui.incidents_page import DraftChoice, IncidentsPage


def test_dashboard_new_intake_button_opens_the_wizard(qtbot, demo_db, monkeypatch):
    monkeypatch.setattr(incidents_page.DraftChoiceDialog, "ask",
                        classmethod(lambda cls, parent, drafts: DraftChoice("new")))
    actor = AuthService(demo_db).login("zhouning", DEMO_PASSWORD)
    window = build_main_window(demo_db, load_profile("dongcheng"), actor)
    qtbot.addWidget(window)
    window.show()
    dashboard = window.findChild(DashboardPage)
    window.nav.setCurrentRow(window.pages.indexOf(dashboard))
    button = dashboard.new_intake_button
    assert button.isVisible() and "新接报" in button.text() and "Ctrl+N" in button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    page = window.findChild(IncidentsPage)
    qtbot.waitUntil(lambda: page.wizard is not None and page.wizard.isVisible())
    assert page.wizard.draft_id is None  # a new intake, not modal: the dashboard keeps ticking beside it
    assert not page.wizard.isModal()
    page.wizard.close()


def test_dashboard_without_an_incidents_area_shows_no_dead_button(qtbot):
    dashboard = DashboardPage()
    qtbot.addWidget(dashboard)
    dashboard.show()
    assert not dashboard.new_intake_button.isVisible()
