"""Issue 22: alerts that reach an officer whose window is behind another program. A deadline turning amber
(or red), or a warning newly waiting for the signed-in user's signature, flashes the taskbar entry
(QApplication.alert) and shows a tray message naming the incident and the deadline; clicking it opens the
incident. The beep stays, muted per PC, and the status bar says so. In front, only the banner and the beep."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QWidget

from dutyroom.app import build_main_window
from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.warnings import WarningService
from dutyroom.ui import alerts
from dutyroom.ui.approval_queue import ApprovalQueuePage
from dutyroom.ui.deadlines_panel import DeadlinesPanel
from dutyroom.ui.incidents_page import IncidentsPage
from tests.helpers.incidents import MIN, RECEIVED, Clock, intake
from tests.helpers.warnings import content


@pytest.fixture
def spies(monkeypatch):
    """QApplication.alert as the alerts module calls it, and every tray message shown."""
    flashed, messages = [], []

    class App:
        @staticmethod
        def alert(widget, ms=0):
            flashed.append(widget)

    monkeypatch.setattr(alerts, "QApplication", App)
    monkeypatch.setattr(alerts.QSystemTrayIcon, "showMessage",
                        lambda tray, title, text, *args: messages.append((title, text)))
    return flashed, messages


def _window(qtbot, desk, user="zhouning"):
    window = build_main_window(desk.db, load_profile("dongcheng"), desk[user])
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    return window


def _put_behind(qtbot, window) -> QWidget:
    """Another program comes to the front (a top-level window of ours stands in for it)."""
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: not window.isActiveWindow())
    return other


def _panel(window, clock) -> DeadlinesPanel:
    panel = window.findChild(DeadlinesPanel)
    panel.timer.stop()
    panel.clock = clock
    panel.alerted.clear()  # built on the real clock, long after RECEIVED: start from the test's time
    panel.reload()
    return panel


def test_deadline_turning_amber_behind_another_window_flashes_taskbar_and_tray_names_incident(qtbot, desk, spies):
    flashed, messages = spies
    v = desk.incidents().register(desk["zhouning"], intake(place="东四街道"), now=RECEIVED)
    clock = Clock(RECEIVED + 4 * MIN)
    window = _window(qtbot, desk)
    beeps = []
    panel = _panel(window, clock)
    panel.sound = lambda: beeps.append(1)
    panel.mute.setChecked(False)
    _put_behind(qtbot, window)
    assert flashed == [] and messages == []

    clock.now = RECEIVED + 5 * MIN  # 5 minutes left (Dongcheng 4.1.5: 10 minutes) -> amber
    panel.tick()
    assert flashed == [window]
    assert len(messages) == 1
    title, text = messages[0]
    assert "即将到期" in title and v.title in text and "还剩 05:00" in text
    assert beeps == [1]  # the beep stays

    # clicking the message: the window comes to the front on that incident
    window.attention.tray.messageClicked.emit()
    incidents = window.findChild(IncidentsPage)
    assert window.pages.currentWidget() is incidents and v.id in incidents.details

    clock.now = RECEIVED + 10 * MIN + dt.timedelta(seconds=1)  # red
    _put_behind(qtbot, window)
    panel.tick()
    assert len(flashed) == 2 and "超时未报" in messages[-1][0] and v.title in messages[-1][1]


def test_in_front_no_flash_but_banner_and_beep_and_muting_is_shown(qtbot, desk, spies):
    flashed, messages = spies
    desk.incidents().register(desk["zhouning"], intake(), now=RECEIVED)
    clock = Clock(RECEIVED + 4 * MIN)
    window = _window(qtbot, desk)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    beeps = []
    panel = _panel(window, clock)
    panel.sound = lambda: beeps.append(1)
    assert not window.mute_label.isVisible()
    panel.mute.setChecked(True)  # per PC: kept in QSettings, shown on every page
    assert window.mute_label.isVisible() and "静音" in window.mute_label.text()
    clock.now = RECEIVED + 5 * MIN
    panel.tick()
    assert panel.banner.isVisible() and flashed == [] and messages == [] and beeps == []
    again = _window(qtbot, desk)  # the next sign-in at this PC still shows it
    assert again.mute_label.isVisible()


def test_locked_screen_tray_message_gives_counts_only(qtbot, desk, spies):
    flashed, messages = spies
    v = desk.incidents().register(desk["zhouning"], intake(), now=RECEIVED)
    clock = Clock(RECEIVED + 4 * MIN)
    window = _window(qtbot, desk)
    panel = _panel(window, clock)
    panel.sound = lambda: None

    class Locked:
        dialog = object()

    window.session_lock = Locked()
    _put_behind(qtbot, window)
    clock.now = RECEIVED + 5 * MIN
    panel.tick()
    window.session_lock = None
    assert flashed == [window] and len(messages) == 1
    assert v.title not in messages[0][1] and "5 分钟内到期 1 项" in messages[0][1]


def test_warning_newly_waiting_for_my_signature_reaches_me_behind(qtbot, desk, spies):
    flashed, messages = spies
    window = _window(qtbot, desk, "tangjun")  # 区应急办 signs step 1 of an orange warning (Dongcheng 3.2.3)
    queue = window.findChild(ApprovalQueuePage)
    _put_behind(qtbot, window)
    svc = WarningService(desk.db, load_profile("dongcheng"))
    v = svc.draft(desk["fengqing"], content("orange", title="东城区暴雨橙色预警"))
    svc.submit(desk["fengqing"], v.id)
    queue.refresh()  # the change hub does this within a second
    assert [i.warning_id for i in queue.items(queue.mine)] == [v.id]
    assert flashed == [window] and "待我审批" in messages[0][0] and "东城区暴雨橙色预警" in messages[0][1]
    queue.refresh()
    assert len(messages) == 1  # once per item and step, not on every refresh
    window.attention.tray.messageClicked.emit()  # clicking it opens the warning on the 预警发布 page
    assert type(window.pages.currentWidget()).__name__ == "WarningsPage"
