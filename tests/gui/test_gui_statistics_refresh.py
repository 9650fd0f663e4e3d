"""统计报表 is counted again whenever the page is opened: an officer who registers an incident and comes back
sees it in the figures without pressing 统计."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QStackedWidget, QWidget

from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.exports import ReportExporter
from dutyroom.ui.statistics_page import StatisticsPage
from tests.helpers.incidents import intake
from tests.helpers.samples import many_incidents


def test_statistics_page_recounts_when_shown_again(qtbot, desk):
    many_incidents(desk.db, desk.users, 2)  # January and February 2026
    stack = QStackedWidget()  # as in the main window: pages swap, the statistics page is hidden and shown
    other = QWidget()
    page = StatisticsPage(ReportExporter(desk.db, load_profile("dongcheng")), desk["tangjun"],
                          today=dt.date(2026, 6, 30))
    stack.addWidget(other)
    stack.addWidget(page)
    qtbot.addWidget(stack)
    stack.show()
    page.this_year.click()
    qtbot.waitUntil(lambda: not page.busy, timeout=20_000)
    assert "接报突发事件 2 起" in page.summary.text()
    stack.setCurrentWidget(other)
    received = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    desk.incidents().register(desk["zhouning"], intake(received_at=received, occurred_at=received), now=received)
    assert "接报突发事件 2 起" in page.summary.text()  # hidden: not counted behind the officer's back
    stack.setCurrentWidget(page)
    qtbot.waitUntil(lambda: not page.busy, timeout=20_000)
    assert "接报突发事件 3 起" in page.summary.text()
