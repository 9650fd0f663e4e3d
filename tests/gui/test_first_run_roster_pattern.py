"""Issue 18: the first-run wizard's optional 排班方式, driven for two districts, and the roster page that starts with
it (the officers are added after the setup; the page's generate dialog proposes the chosen pattern and can change
the default later)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QWizard

from dutyroom.services.installation import InstallationService
from dutyroom.services.roster import RosterService
from dutyroom.ui import roster_page
from dutyroom.ui.roster_page import GenerateDialog, GenerateRequest, RosterPage
from tests.gui.test_first_run import at_admin_page
from tests.services.test_first_run_roster_pattern import PASSWORD, staff


def _finish(qtbot, db, key: str, pattern_label: str | None):
    wizard = at_admin_page(qtbot, db, PASSWORD, key=key)
    wizard.next()
    assert wizard.roster_pattern.currentData() is None  # optional: by default chosen later on the roster page
    if pattern_label:
        wizard.roster_pattern.setCurrentIndex(wizard.roster_pattern.findText(pattern_label))
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.result() == QWizard.DialogCode.Accepted
    return wizard.admin


def _page(qtbot, db, actor):
    page = RosterPage(RosterService(db, InstallationService(db).current_profile()), actor, today=dt.date(2027, 1, 1))
    qtbot.addWidget(page)
    page.show()
    return page


def _headers(page):
    return [page.model.headerData(c, roster_page.Qt.Orientation.Horizontal) for c in range(page.model.columnCount())]


@pytest.mark.parametrize("key, label, shifts, pattern", [
    ("tongzhou", "白班/夜班（08:30、20:30交接）", ("白班", "夜班"), "day_night"),
    ("shijingshan", "24小时全天班（08:30起）", ("全天班",), "24h"),
])
def test_the_roster_page_starts_with_the_pattern_chosen_in_the_wizard(qtbot, db, monkeypatch, key, label, shifts,
                                                                       pattern):
    admin = _finish(qtbot, db, key, label)
    leader = staff(db, admin)
    page = _page(qtbot, db, leader)
    # the empty month already shows the chosen shifts' columns (a duty officer and a leader per shift)
    assert tuple(x.name for x in page.model.view.shifts) == shifts
    assert len(_headers(page)) == 3 + 2 * len(shifts) + 1
    assert ("夜班值班员" in _headers(page)) == ("夜班" in shifts)
    asked = []
    monkeypatch.setattr(GenerateDialog, "ask", classmethod(lambda cls, parent, cands, p: asked.append(p)))
    page.generate()
    assert asked == [pattern]  # the generate dialog opens on the chosen pattern


def test_skipping_the_pattern_leaves_the_roster_page_as_before(qtbot, db):
    admin = _finish(qtbot, db, "tongzhou", None)
    page = _page(qtbot, db, staff(db, admin))
    assert page.pattern is None and "尚未排班" in page.state.text()


def test_the_generate_dialog_changes_the_default_later(qtbot, db, monkeypatch):
    admin = _finish(qtbot, db, "tongzhou", "24小时全天班（08:30起）")
    leader = staff(db, admin)
    page = _page(qtbot, db, leader)
    cands = RosterService(db).candidates(leader)
    dialog = GenerateDialog(cands, page.pattern)
    qtbot.addWidget(dialog)
    assert dialog.pattern.currentData() == "24h" and not dialog.make_default.isChecked()
    dialog.pattern.setCurrentIndex(dialog.pattern.findData("day_night"))
    dialog.make_default.setChecked(True)
    request = dialog.result_value()
    assert isinstance(request, GenerateRequest) and request.make_default
    monkeypatch.setattr(GenerateDialog, "ask", classmethod(lambda cls, *a: request))
    page.generate()
    assert "预览" in page.state.text()
    assert RosterService(db).default_pattern() == "day_night"
    page.discard_button.click() if page.discard_button.isVisible() else None
    assert _page(qtbot, db, leader).pattern == "day_night"
