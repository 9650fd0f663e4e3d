"""Issue 20: the condition flags the plans name beside the grade are check boxes on the incident; ticking one moves
the clock. dongcheng_2022_general_plan.txt L493 (4.1.4): 可能产生较大影响的突发事件或突出情况信息…要立即报告区委办、区政府办和区应急办;
tongzhou_2022_general_plan.txt L1945 (4.7.1): 区应急办在上报区应急委领导的同时，应当向区委宣传部通报相关情况."""

from __future__ import annotations

from PySide6.QtCore import Qt

from dutyroom.ui.incident_detail import IncidentDetail
from tests.helpers.incidents import MIN, RECEIVED, Clock, intake
from tests.helpers.seeds import seed_lines


def detail_of(qtbot, desk, key, incident_id):
    detail = IncidentDetail(desk.incidents(key), desk.reports(), desk.log, desk["zhouning"], incident_id,
                            clock=Clock(RECEIVED + MIN))
    qtbot.addWidget(detail)
    detail.show()
    return detail


def rows(detail):
    t = detail.clock_table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def test_ticking_prominent_situation_adds_the_immediate_report(qtbot, desk):
    assert "突出情况信息" in seed_lines("dongcheng_2022_general_plan.txt")[492]
    v = desk.incidents().register(desk["zhouning"], intake(), now=RECEIVED)
    detail = detail_of(qtbot, desk, "dongcheng", v.id)
    assert detail.flag_boxes["prominent"].text() == "突出情况"
    assert not any("区委办" in r[5] for r in rows(detail))
    detail.flag_boxes["prominent"].setChecked(True)
    qtbot.mouseClick(detail.save_flags_button, Qt.MouseButton.LeftButton)
    assert desk.incidents().get(desk["zhouning"], v.id).prominent
    assert any("区委办" in r[5] and r[4] == "4.1.4" for r in rows(detail))


def test_the_notice_to_the_propaganda_department_is_on_the_clock(qtbot, desk):
    assert "应当向区委宣传部通报相关情况" in seed_lines("tongzhou_2022_general_plan.txt")[1944]
    v = desk.incidents("tongzhou").register(desk["zhouning"], intake("tongzhou"), now=RECEIVED)
    row = next(r for r in rows(detail_of(qtbot, desk, "tongzhou", v.id)) if "区委宣传部" in r[5])
    assert row[0] == "通报/发布" and row[4] == "4.7.1"
