"""The dashboard skips reloading its panels when it is shown within a second of loading them (issue 21: the first
paint). A write in that second must not be hidden by the shortcut: an officer who files an update and goes straight
back to 值班总览 sees the new deadline (the whole-shift test caught it on a fast run)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from dutyroom.ui.dashboard_page import DashboardPage


class CountingPanel(QLabel):
    def __init__(self):
        super().__init__("panel")
        self.loads = 0

    def refresh(self) -> None:
        self.loads += 1


def _dashboard(qtbot) -> tuple[DashboardPage, CountingPanel]:
    page = DashboardPage()
    qtbot.addWidget(page)
    panel = CountingPanel()
    page.add_panel("报告时限", panel, 0, 0)
    return page, panel


def test_a_show_right_after_loading_does_not_load_again(qtbot):
    page, panel = _dashboard(qtbot)
    page.show()
    assert panel.loads == 0


def test_a_write_since_loading_is_shown_however_soon_the_page_comes_back(qtbot):
    page, panel = _dashboard(qtbot)
    page.mark_changed()  # the change hub: something was committed
    page.show()
    assert panel.loads == 1


def test_a_call_taken_in_the_first_second_is_on_the_dashboard_when_the_officer_returns(qtbot, desk, monkeypatch):
    import datetime as dt

    from dutyroom.ui import dashboard_page

    # a test window takes over a second to build here; a workstation is quicker: widen the fresh window instead
    monkeypatch.setattr(dashboard_page, "FRESH_S", 600.0)

    from dutyroom.app import build_main_window
    from dutyroom.domain.profile_loader import load_profile
    from dutyroom.ui.deadlines_panel import DeadlinesPanel
    from tests.helpers.incidents import intake

    window = build_main_window(desk.db, load_profile("dongcheng"), desk["zhouning"])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.show_page("事件")  # the officer leaves 值班总览 at once …
    desk.incidents().register(desk["zhouning"], intake(place="东四街道", title="东四街道燃气泄漏"),
                              now=dt.datetime.now(dt.UTC))
    qtbot.wait(50)  # the hub hands the commit on
    assert window.show_page("值班总览")  # … and comes back within the second the panels count as fresh
    panel = window.findChild(DeadlinesPanel)
    titles = {panel.table.model().index(r, 0).data() for r in range(panel.table.model().rowCount())}
    assert any("东四街道" in (t or "") for t in titles), titles
