"""The intake and the incident offer the condition flags the district's own plan reads, and show any other a record
already has. tongzhou_2022_general_plan.txt L1777 (4.1.7): 可能危及北京城市副中心、行政办公区、京津冀临界地区的突发事件，
第一时间向相关方面通报 — a Tongzhou rule, meaningless in Dongcheng; dongcheng_2022_general_plan.txt L493 (4.1.4):
可能产生较大影响的突发事件或突出情况信息…要立即报告 — a Dongcheng rule Tongzhou's plan does not have. Before, every district's
wizard offered all eight boxes, and ticking another plan's changed nothing."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QCheckBox

from dutyroom.domain.profile_loader import load_profile
from dutyroom.domain.rules import flags_in_use
from dutyroom.domain.vocabulary import Flag
from tests.gui.test_gui_condition_flags import detail_of
from tests.gui.test_gui_intake import open_wizard
from tests.helpers.incidents import RECEIVED, intake
from tests.helpers.seeds import seed_lines

NEIGHBOURS, PROMINENT, MAJOR_IMPACT = "endangers_neighbours", "prominent", "major_impact"


def shown(boxes) -> set[str]:
    return {f for f, box in boxes.items() if not box.isHidden()}  # on a page not shown yet too


def test_each_plan_reads_its_own_flags():
    assert "可能危及北京城市副中心、行政办公区、京津冀临界地区" in seed_lines("tongzhou_2022_general_plan.txt")[1776]
    assert "突出情况信息" in seed_lines("dongcheng_2022_general_plan.txt")[492]
    tongzhou, dongcheng = flags_in_use(load_profile("tongzhou")), flags_in_use(load_profile("dongcheng"))
    assert Flag.endangers_neighbours in tongzhou and Flag.prominent not in tongzhou
    assert Flag.prominent in dongcheng and Flag.endangers_neighbours not in dongcheng
    # both plans read the four flags of the first release (sensitive, key area, special period, foreign)
    assert {Flag.sensitive, Flag.key_area, Flag.special_period, Flag.foreign_related} <= set(tongzhou) & set(dongcheng)


class _WindowsShown(QObject):
    """Every check box shown as a window of its own while installed."""

    def __init__(self):
        super().__init__()
        self.seen: list[str] = []

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Show and isinstance(obj, QCheckBox) and obj.isWindow():
            self.seen.append(obj.text())
        return False


def test_the_wizard_offers_the_districts_own_flags(qtbot, desk, qapp):
    spy = _WindowsShown()
    qapp.installEventFilter(spy)
    try:
        dongcheng = open_wizard(qtbot, desk, "dongcheng")
    finally:
        qapp.removeEventFilter(spy)
    assert spy.seen == []  # shown before they had their parent, the boxes had each flashed up as a window
    assert {PROMINENT, MAJOR_IMPACT} <= shown(dongcheng.flags) and NEIGHBOURS not in shown(dongcheng.flags)
    tongzhou = open_wizard(qtbot, desk, "tongzhou")
    assert NEIGHBOURS in shown(tongzhou.flags) and PROMINENT not in shown(tongzhou.flags)
    assert tongzhou.flags[NEIGHBOURS].text() == "可能危及副中心/行政办公区/京津冀临界地区"


def test_a_draft_with_another_plans_flag_set_still_shows_it(qtbot, desk):
    """Nothing typed is hidden: a Dongcheng draft that has 可能危及副中心 set (typed under an earlier release that offered
    it) shows the box ticked, so the officer sees it and can clear it."""
    svc = desk.incidents()
    draft = svc.save_draft(desk["zhouning"], None, {**intake(), NEIGHBOURS: True}, now=RECEIVED)
    wizard = open_wizard(qtbot, desk, draft=draft.incident)
    assert wizard.flags[NEIGHBOURS].isChecked() and NEIGHBOURS in shown(wizard.flags)


def test_the_incident_tab_shows_its_plans_flags_and_any_set(qtbot, desk):
    v = desk.incidents().register(desk["zhouning"], intake(), now=RECEIVED)
    detail = detail_of(qtbot, desk, "dongcheng", v.id)
    assert PROMINENT in shown(detail.flag_boxes) and NEIGHBOURS not in shown(detail.flag_boxes)
    desk.incidents().set_flags(desk["zhouning"], v.id, {NEIGHBOURS: True}, now=RECEIVED)
    detail.reload()
    assert detail.flag_boxes[NEIGHBOURS].isChecked() and NEIGHBOURS in shown(detail.flag_boxes)
    t = desk.incidents("tongzhou").register(desk["zhouning"], intake("tongzhou"), now=RECEIVED)
    tongzhou = detail_of(qtbot, desk, "tongzhou", t.id)
    assert NEIGHBOURS in shown(tongzhou.flag_boxes) and PROMINENT not in shown(tongzhou.flag_boxes)
