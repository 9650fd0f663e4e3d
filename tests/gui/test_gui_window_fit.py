"""Issue 22: the main window fits the screen it is on (maximised within the available area of a 1366 × 768
laptop, so the status bar with the shift on duty is never under the taskbar; a comfortable 1280 × 800 centred
on a larger one) and remembers each user's window size and splitter positions at this PC (QSettings,
isolated per test by tests/gui/conftest.py)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QSplitter

from dutyroom.app import build_main_window
from dutyroom.domain.profile_loader import load_profile
from dutyroom.ui import window_state
from dutyroom.ui.contacts_page import ContactsPage


def test_a_1366_by_768_laptop_gets_the_window_maximised_within_the_taskbar():
    available = QRect(0, 0, 1366, 728)  # 768 less a 40-pixel taskbar
    rect, maximise = window_state.fitted(available)
    assert maximise and available.contains(rect)


def test_a_large_screen_gets_the_comfortable_size_centred():
    available = QRect(0, 0, 1920, 1040)
    rect, maximise = window_state.fitted(available)
    assert not maximise and rect.size() == QSize(1280, 800) and rect.center() == available.center()


def test_the_window_opens_maximised_on_a_screen_smaller_than_comfortable(qtbot, desk):
    """The test platform's screen is 800 × 800; at 1366 × 768 the whole window, status bar included, is inside
    the screen: tests/gui/test_gui_screen_sizes.py checks that on every page."""
    window = build_main_window(desk.db, load_profile("dongcheng"), desk["zhouning"])
    qtbot.addWidget(window)
    window.show_fitted()
    qtbot.waitExposed(window)
    assert window.isMaximized()
    area = window.screen().availableGeometry()
    assert area.contains(window.geometry().topLeft())


def _contacts_splitter(window) -> QSplitter:
    return window.findChild(ContactsPage).findChild(QSplitter)


def test_each_user_finds_the_window_and_splitters_as_they_left_them(qtbot, desk, _isolated_qsettings):
    profile = load_profile("dongcheng")
    first = build_main_window(desk.db, profile, desk["zhouning"])
    qtbot.addWidget(first)
    first.show_fitted()
    first.showNormal()
    first.setGeometry(40, 60, 700, 500)  # as narrow as the pages allow
    left_geometry = first.geometry()
    splitter = _contacts_splitter(first)
    splitter.setSizes([150, 400])
    left = splitter.sizes()
    first.save_layout()
    first.close()
    assert any(Path(_isolated_qsettings).rglob("*.conf")) or any(Path(_isolated_qsettings).rglob("*.ini"))

    again = build_main_window(desk.db, profile, desk["zhouning"])
    qtbot.addWidget(again)
    again.show_fitted()
    assert not again.isMaximized() and again.geometry().size() == left_geometry.size() and left_geometry.height() < 720
    assert _contacts_splitter(again).sizes() == left

    other = build_main_window(desk.db, profile, desk["sunhao"])  # another user at the same PC: their own
    qtbot.addWidget(other)
    other.show_fitted()
    assert other.isMaximized()
