"""The intake wizard as a duty officer in the trial used it: clicking into the minutes of a time and
typing them, and 放弃草稿 pressed before anything was typed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDateTimeEdit, QWizard

from dutyroom.ui.beijing_time import from_beijing_qdt, select_section_on_click
from dutyroom.ui.incident_common import from_qdt
from dutyroom.ui.intake_wizard import IntakeWizard
from tests.gui.test_gui_intake import open_wizard
from tests.helpers.incidents import RECEIVED


def _click_at_char(qtbot, edit: QDateTimeEdit, index: int) -> None:
    """A mouse click just after character `index` of the editor's text."""
    line = edit.lineEdit()
    x = line.fontMetrics().horizontalAdvance(line.text()[:index]) + 4
    qtbot.mouseClick(line, Qt.MouseButton.LeftButton, pos=QPoint(x, line.height() // 2))


@pytest.mark.parametrize("back", [0, 1, 2])  # after the minutes, between their digits, before them
def test_clicking_into_the_minutes_and_typing_replaces_them(qtbot, desk, back):
    wizard = open_wizard(qtbot, desk)
    edit = wizard.occurred_at
    assert edit.text().endswith("08:05")
    _click_at_char(qtbot, edit, len(edit.text()) - back)
    assert edit.currentSection() == QDateTimeEdit.Section.MinuteSection
    qtbot.keyClicks(edit, "42")
    assert from_qdt(edit.dateTime()) == RECEIVED.replace(minute=42)
    assert wizard.values()["occurred_at"] == RECEIVED.replace(minute=42)


def test_clicking_the_hour_then_typing_hour_and_minutes(qtbot, desk):
    wizard = open_wizard(qtbot, desk)
    edit = wizard.occurred_at
    _click_at_char(qtbot, edit, len("2026-07-01 0"))
    qtbot.keyClicks(edit, "0731")
    assert wizard.values()["occurred_at"] == RECEIVED.replace(hour=7, minute=31)


def test_other_beijing_time_fields_take_typed_minutes_too(qtbot):
    edit = select_section_on_click(QDateTimeEdit(displayFormat="yyyy-MM-dd HH:mm"))
    edit.setDateTime(edit.dateTime().fromString("2026-07-01 08:05", "yyyy-MM-dd HH:mm"))
    qtbot.addWidget(edit)
    edit.show()
    qtbot.waitExposed(edit)
    _click_at_char(qtbot, edit, len(edit.text()))
    qtbot.keyClicks(edit, "59")
    assert from_beijing_qdt(edit.dateTime()).minute == 59


def test_discard_on_an_untouched_wizard_closes_it_and_leaves_no_draft(qtbot, desk, monkeypatch):
    asked = []
    monkeypatch.setattr(IntakeWizard, "confirm_discard", classmethod(lambda cls, parent: asked.append(1) or True))
    wizard = open_wizard(qtbot, desk)
    assert wizard.draft_id is None and not wizard.save_pending
    wizard.button(QWizard.WizardButton.CustomButton1).click()
    assert not wizard.isVisible()
    assert asked == []  # nothing typed: nothing to confirm
    assert desk.incidents().my_drafts(desk["zhouning"]) == []
    assert desk.audit("incident.draft.create") == []


def test_discard_before_the_first_save_asks_and_saves_nothing(qtbot, desk, monkeypatch):
    monkeypatch.setattr(IntakeWizard, "confirm_discard", classmethod(lambda cls, parent: True))
    wizard = IntakeWizard(desk.incidents(), desk["zhouning"], clock=lambda: RECEIVED, debounce_ms=60_000)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.keyClicks(wizard.callback_phone, "13800001234")
    assert wizard.save_pending and wizard.draft_id is None
    wizard.button(QWizard.WizardButton.CustomButton1).click()
    assert not wizard.isVisible() and not wizard.save_pending
    assert desk.incidents().my_drafts(desk["zhouning"]) == []


def test_closing_an_untouched_wizard_still_keeps_nothing(qtbot, desk):
    wizard = open_wizard(qtbot, desk)
    wizard.button(QWizard.WizardButton.CancelButton).click()
    assert not wizard.isVisible()
    assert desk.incidents().my_drafts(desk["zhouning"]) == []
