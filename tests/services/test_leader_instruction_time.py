"""领导批示 carries the time the leader gave it (批示时间): now unless the officer changes it (instructions are
often relayed later), stored as the log entry's happened_at, shown in the log, never in the future."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from dutyroom.services.errors import UserError
from dutyroom.ui.incident_common import bj, to_qdt
from dutyroom.ui.incident_detail import IncidentDetail, InstructionDialog
from tests.helpers.incidents import MIN, RECEIVED, Clock, intake


def test_instruction_keeps_the_time_it_was_given(desk):
    v = desk.incidents().register(desk["zhouning"], intake(), now=RECEIVED)
    given = RECEIVED + 5 * MIN
    e = desk.log.add_instruction(desk["zhouning"], v.id, "全力救治伤员", instructed_by="分管副区长",
                                 happened_at=given, now=RECEIVED + 25 * MIN)
    assert (e.happened_at, e.entered_at) == (given, RECEIVED + 25 * MIN)
    mirrored = desk.log.open_instructions(desk["zhouning"])
    assert [i.happened_at for i in mirrored if i.id == e.id] == [given]


def test_instruction_time_in_the_future_is_refused(desk):
    v = desk.incidents().register(desk["zhouning"], intake(), now=RECEIVED)
    before = desk.counts()
    with pytest.raises(UserError) as err:
        desk.log.add_instruction(desk["zhouning"], v.id, "全力救治伤员", instructed_by="分管副区长",
                                 happened_at=RECEIVED + 60 * MIN, now=RECEIVED + 10 * MIN)
    assert "批示时间不能晚于现在" in err.value.zh
    assert desk.counts() == before


def _detail(qtbot, desk, now):
    v = desk.incidents().register(desk["zhouning"], intake(), now=RECEIVED)
    detail = IncidentDetail(desk.incidents(), desk.reports(), desk.log, desk["zhouning"], v.id, clock=Clock(now))
    qtbot.addWidget(detail)
    detail.show()
    return detail


def _answer(fill):
    """Fill the real 领导批示 dialog once it is shown, then press OK."""
    def run():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, InstructionDialog)
        fill(dialog)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    QTimer.singleShot(0, run)


@pytest.mark.gui
def test_dialog_defaults_to_now_and_needs_leader_and_text(qtbot):
    now = dt.datetime(2026, 7, 1, 1, 2, 40, tzinfo=dt.UTC)  # 09:02 in Beijing
    dialog = InstructionDialog(now)
    qtbot.addWidget(dialog)
    assert dialog.given_at.text() == "2026-07-01 09:02"
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.leader.setText("区长")
    assert not ok.isEnabled()
    dialog.text.setPlainText("立即组织疏散")
    assert ok.isEnabled()
    assert dialog.choice().given_at == now.replace(second=0)


@pytest.mark.gui
def test_instruction_given_earlier_is_logged_at_that_time(qtbot, desk):
    now = RECEIVED + 30 * MIN
    detail = _detail(qtbot, desk, now)
    given = RECEIVED + 12 * MIN

    def fill(d):
        d.leader.setText("分管副区长")
        d.text.setPlainText("全力救治伤员")
        d.given_at.setDateTime(to_qdt(given))
    _answer(fill)
    assert detail.add_instruction()
    row = next(r for r, e in enumerate(detail.entries) if e.kind == "instruction")
    assert detail.entries[row].happened_at == given
    assert detail.log_table.item(row, 0).text() == bj(given)  # 发生时间 column: the 批示时间
    assert detail.log_table.item(row, 1).text() == bj(now)  # 录入时间: when it was typed


@pytest.mark.gui
def test_future_instruction_time_is_refused_in_the_detail(qtbot, desk):
    detail = _detail(qtbot, desk, RECEIVED + 10 * MIN)

    def fill(d):
        d.leader.setText("分管副区长")
        d.text.setPlainText("全力救治伤员")
        d.given_at.setDateTime(to_qdt(RECEIVED + 2 * 60 * MIN))
    _answer(fill)
    assert not detail.add_instruction()
    assert "批示时间不能晚于现在" in detail.message.text()
    assert not [e for e in detail.entries if e.kind == "instruction"]
