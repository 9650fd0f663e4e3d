"""Two seats edit one incident (issue 21, "Several seats"): the second save, from a screen loaded before the first,
gets "已被某某于某时修改，请刷新" in the dialog, which stays open with what was typed; 刷新 loads the other seat's
facts into the untouched fields and the next save goes through without undoing the first seat's change.
Chinese goes in with setText (TECH_NOTES 4.4)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from dutyroom.ui.facts_dialog import FactsDialog
from dutyroom.ui.incident_detail import IncidentDetail
from tests.helpers.incidents import MIN, RECEIVED, Clock, intake

pytestmark = pytest.mark.both_backends


def test_facts_dialog_keeps_what_was_typed_on_a_conflict_and_saves_after_refresh(qtbot, desk):
    svc = desk.incidents()
    v = svc.register(desk["zhouning"], intake(deaths=1, injured=2), now=RECEIVED)
    clock = Clock(RECEIVED + 20 * MIN)
    dialog = FactsDialog(svc, desk["zhouning"], v, clock)  # seat 1 opens 更新事态
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.texts["trend"].setPlainText("火势蔓延至二层")
    dialog.counts["injured"].setText("4")
    # seat 2 saves first
    svc.update(desk["sunhao"], v.id, {"deaths": 2, "measures_taken": "消防已到场"}, now=RECEIVED + 18 * MIN,
               version=v.row_version)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.result_view is None
    assert dialog.status.text() == "已被孙浩于08:23修改，请刷新"
    assert dialog.refresh_button.isVisible()
    assert dialog.texts["trend"].toPlainText() == "火势蔓延至二层" and dialog.counts["injured"].text() == "4"
    stored = svc.get(desk["zhouning"], v.id)
    assert (stored.deaths, stored.injured, stored.trend) == (2, 2, None)  # seat 2's save stands, nothing of ours
    qtbot.mouseClick(dialog.refresh_button, Qt.MouseButton.LeftButton)
    assert dialog.counts["deaths"].text() == "2" and dialog.texts["measures_taken"].toPlainText() == "消防已到场"
    assert dialog.texts["trend"].toPlainText() == "火势蔓延至二层" and dialog.counts["injured"].text() == "4"
    assert not dialog.refresh_button.isVisible()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result_view is not None
    stored = svc.get(desk["zhouning"], v.id)
    assert (stored.deaths, stored.injured, stored.trend, stored.measures_taken) == (2, 4, "火势蔓延至二层", "消防已到场")


def test_incident_tab_refuses_a_stale_flag_save_and_offers_refresh(qtbot, desk):
    svc = desk.incidents()
    v = svc.register(desk["zhouning"], intake(), now=RECEIVED)
    detail = IncidentDetail(svc, desk.reports(), desk.log, desk["zhouning"], v.id, clock=Clock(RECEIVED + 9 * MIN))
    qtbot.addWidget(detail)
    detail.show()
    assert not detail.refresh_button.isVisible()
    detail.flag_boxes["sensitive"].setChecked(True)  # seat 1 ticks, not yet saved
    svc.confirm_grade(desk["sunhao"], v.id, "large", now=RECEIVED + 7 * MIN)  # seat 2 confirms a grade
    qtbot.mouseClick(detail.save_flags_button, Qt.MouseButton.LeftButton)
    assert detail.message.state == "error" and detail.message.text() == "已被孙浩于08:12修改，请刷新"
    assert detail.refresh_button.isVisible()
    assert not svc.get(desk["zhouning"], v.id).sensitive
    qtbot.mouseClick(detail.refresh_button, Qt.MouseButton.LeftButton)
    assert not detail.refresh_button.isVisible() and detail.grade.currentData() == "large"
    detail.flag_boxes["sensitive"].setChecked(True)
    qtbot.mouseClick(detail.save_flags_button, Qt.MouseButton.LeftButton)
    after = svc.get(desk["zhouning"], v.id)
    assert after.sensitive and after.grade_confirmed == "large"
