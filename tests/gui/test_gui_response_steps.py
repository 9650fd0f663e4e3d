"""Issue 20 escalation steps on the 应急响应 page: the steps the plan names for the incident are listed with their
clause and recorded there (who was named lead unit); a step required before the end says so.
dongcheng_2022_general_plan.txt L553 (4.3.5): 尚不能判定事件等级且未明确处置主责部门的…由区应急委指定主责部门."""

from __future__ import annotations

from tests.gui.test_gui_responses import make_page, open_incident
from tests.helpers.seeds import seed_lines


def test_the_named_lead_unit_is_recorded_on_the_page(qtbot, desk):
    assert "由区应急委指定主责部门" in seed_lines("dongcheng_2022_general_plan.txt")[552]
    wid = open_incident(desk, grade="unknown", title="不明气味")
    page = make_page(qtbot, desk)
    page.show_incident(wid)
    assert page.step_row.isVisible()
    items = [page.step_choice.itemText(i) for i in range(page.step_choice.count())]
    assert any(t.startswith("指定主责部门（4.3.5") for t in items)
    page.step_choice.setCurrentIndex(page.step_choice.findData("lead"))
    page.step_by.setText("区城管执法局")
    page.record_step()
    assert "区城管执法局" in page.step_choice.itemText(page.step_choice.findData("lead"))
    assert page.step_by.text() == ""


def test_no_step_row_where_the_plan_names_none(qtbot, desk):
    """Shijingshan, under the municipal plan: its own response steps are 待本区预案确认, so none are listed."""
    wid = open_incident(desk, key="shijingshan", grade="ordinary", title="一般事件")
    page = make_page(qtbot, desk, key="shijingshan")
    page.show_incident(wid)
    assert not page.step_row.isVisible()
