"""Every test in tests/gui drives Qt widgets: each gets the `gui` marker (`-m "not gui"` skips them)."""

from pathlib import Path

import pytest

HERE = Path(__file__).parent


@pytest.hookimpl(tryfirst=True)  # before `-m` selects by marker
def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.gui)


@pytest.fixture(autouse=True)
def _handover_at_any_hour(monkeypatch):
    """Pages run on the real clock, so a handover far from the shift's end asks 提前交班? in a modal box that
    would hang the run; the officer answers yes. tests/services/test_handover_deadlines_early.py tests the question."""
    from dutyroom.ui.handover_dialog import HandoverDialog

    monkeypatch.setattr(HandoverDialog, "confirm_early", classmethod(lambda cls, parent, early: True))


@pytest.fixture(autouse=True)
def _isolated_qsettings(tmp_path):
    """QSettings (the alert mute, each user's window size and splitters) go to the test's own folder, never
    the real user's ~/.config: every QSettings("dutyroom", "dutyroom") of the program lands there."""
    from PySide6.QtCore import QSettings

    folder = str(tmp_path / "qsettings")
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, folder)
    yield folder
