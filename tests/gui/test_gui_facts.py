"""更新事态 in the incident tab as a duty officer uses it: the dialog, its messages under the fields, the
grade prompt when deaths pass a threshold, and the log showing both times. Chinese goes in with setText
(keyClicks with Chinese aborts the run, TECH_NOTES 4.4)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from dutyroom.ui import incident_detail
from dutyroom.ui.beijing_time import beijing_qdt
from dutyroom.ui.facts_dialog import KEEP, FactsDialog, GradeDecisionDialog
from dutyroom.ui.incident_detail import IncidentDetail
from tests.helpers.incidents import MIN, RECEIVED, Clock, intake


def make_detail(qtbot, desk, incident_id, clock):
    detail = IncidentDetail(desk.incidents(), desk.reports(), desk.log, desk["zhouning"], incident_id, clock=clock)
    qtbot.addWidget(detail)
    detail.show()
    return detail


def opened(desk, grade, **kw):
    svc = desk.incidents()
    v = svc.register(desk["zhouning"], intake(**kw), now=RECEIVED)
    return svc.confirm_grade(desk["zhouning"], v.id, grade, now=RECEIVED)


def when_shown(cls, act, tries=300):
    """Act on the modal dialog of `cls` once its exec() loop shows it."""
    def poll(left=tries):
        shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, cls) and w.isVisible()]
        if shown:
            act(shown[0])
        elif left:
            QTimer.singleShot(10, lambda: poll(left - 1))
    QTimer.singleShot(0, poll)


def test_deaths_rising_to_three_asks_for_the_grade_and_adopting_it_moves_the_clock(qtbot, desk):
    """国务院令第493号 第三条 (the accident grading the Dongcheng profile applies): 3 deaths → 较大; Dongcheng 4.1.5:
    较大 still being handled → 续报 every 30 minutes. The prompt appears at once; the grade changes only on the
    officer's choice, through confirm_grade."""
    v = opened(desk, "ordinary", deaths=1)
    detail = make_detail(qtbot, desk, v.id, Clock(RECEIVED + 25 * MIN))
    assert detail.facts_button.isEnabled() and "续报：每" not in detail.clock_info.text()
    prompts = []

    def fill(dialog: FactsDialog):
        assert dialog.known_at.dateTime() == beijing_qdt(RECEIVED + 25 * MIN)  # defaults to now
        dialog.known_at.setDateTime(beijing_qdt(RECEIVED + 20 * MIN))
        dialog.counts["deaths"].setText("3")
        dialog.texts["trend"].setPlainText("火势已控制，正在搜救")
        when_shown(GradeDecisionDialog, decide)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    def decide(dialog: GradeDecisionDialog):
        prompts.append(dialog.text.text())
        assert desk.incidents().get(desk["zhouning"], v.id).grade_confirmed == "ordinary"  # not silently
        qtbot.mouseClick(dialog.adopt_button, Qt.MouseButton.LeftButton)

    when_shown(FactsDialog, fill)
    qtbot.mouseClick(detail.facts_button, Qt.MouseButton.LeftButton)
    assert len(prompts) == 1
    assert "系统建议等级为较大（III级），与确认等级一般（IV级）不一致" in prompts[0]
    assert "死亡3人，达到较大事故标准" in prompts[0] and "国务院令第493号 第三条" in prompts[0]
    after = desk.incidents().get(desk["zhouning"], v.id)
    assert (after.deaths, after.trend, after.grade_confirmed) == (3, "火势已控制，正在搜救", "large")
    assert desk.audit("incident.grade", v.id)[-1].after["grade"] == "large"
    assert "等级已确认为较大（III级），报告时限已重新计算" in detail.message.text()
    assert "续报：每 30 分钟" in detail.clock_info.text()
    assert "较大" in detail.header.text() and "死亡 3" in detail.facts.toPlainText()


def test_bad_input_is_named_under_its_field_and_nothing_typed_is_lost(qtbot, desk):
    v = opened(desk, "ordinary", deaths=1, injured=2)
    dialog = FactsDialog(desk.incidents(), desk["zhouning"], desk.incidents().get(desk["zhouning"], v.id),
                         Clock(RECEIVED + 30 * MIN))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.counts["deaths"].setText("两人")
    dialog.counts["seriously_injured"].setText("5")
    dialog.texts["measures_taken"].setPlainText("已疏散周边群众")
    dialog.known_at.setDateTime(beijing_qdt(RECEIVED + 50 * MIN))
    before = desk.counts()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.result_view is None and desk.counts() == before
    assert dialog.errors["deaths"].text().startswith("死亡人数：必须是整数") and dialog.errors["deaths"].isVisible()
    assert dialog.errors["seriously_injured"].text() == "重伤人数：重伤人数不能多于受伤总人数"
    assert dialog.errors["known_at"].text() == "事态获知时间：不能晚于当前时间"
    assert not dialog.errors["trend"].isVisible()
    assert dialog.counts["deaths"].text() == "两人" and dialog.texts["measures_taken"].toPlainText() == "已疏散周边群众"

    dialog.known_at.setDateTime(beijing_qdt(RECEIVED - 10 * MIN))
    dialog.counts["deaths"].setText("2")
    dialog.counts["seriously_injured"].setText("1")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.errors["known_at"].text() == "事态获知时间：不能早于接报时间（2026年7月1日08:05）"
    assert not dialog.errors["deaths"].isVisible() and dialog.result_view is None

    dialog.known_at.setDateTime(beijing_qdt(RECEIVED + 28 * MIN))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and dialog.result_view.deaths == 2
    assert dialog.result_view.measures_taken == "已疏散周边群众"


def test_saving_without_a_change_says_so(qtbot, desk):
    v = opened(desk, "ordinary", economic_loss_cny=123_456.78)
    dialog = FactsDialog(desk.incidents(), desk["zhouning"], desk.incidents().get(desk["zhouning"], v.id),
                         Clock(RECEIVED + 30 * MIN))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.loss.text() == "12.3457"  # shown rounded, but not rewritten unless edited
    assert not dialog.save() and dialog.status.text() == "没有修改任何事态"


def _answer_facts(monkeypatch, fields, known=None):
    def ask(cls, parent, service, actor, incident, clock):
        dialog = cls(service, actor, incident, clock, parent)
        for name, text in fields.items():
            if name in dialog.texts:
                dialog.texts[name].setPlainText(text)
            else:
                dialog.counts[name].setText(text)
        if known:
            dialog.known_at.setDateTime(beijing_qdt(known))
        assert dialog.save()
        return dialog.result_view

    monkeypatch.setattr(incident_detail.FactsDialog, "ask", classmethod(ask))


def test_keeping_the_current_grade_is_recorded_and_the_log_shows_both_times(qtbot, desk, monkeypatch):
    v = opened(desk, "ordinary", deaths=1)
    detail = make_detail(qtbot, desk, v.id, Clock(RECEIVED + 25 * MIN))
    _answer_facts(monkeypatch, {"deaths": "4"}, known=RECEIVED + 15 * MIN)
    monkeypatch.setattr(incident_detail.GradeDecisionDialog, "ask", classmethod(lambda cls, parent, incident: KEEP))
    assert detail.update_facts()
    assert desk.incidents().get(desk["zhouning"], v.id).grade_confirmed == "ordinary"
    assert desk.audit("incident.grade.kept", v.id)
    assert "维持确认等级一般（IV级）" in detail.message.text()
    t = detail.log_table
    rows = [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]
    update = next(r for r in rows if r[6].startswith("死亡人数：1 → 4"))
    assert update[:3] == ["07-01 08:20", "07-01 08:30", "周宁"]  # became known, entered, author
    assert "不一致" in detail.advice.text()  # the suggestion still differs: shown, never applied


def test_no_prompt_when_the_suggestion_does_not_move(qtbot, desk, monkeypatch):
    """国务院令第493号 第三条: 3 to 9 deaths are all 较大; 5 deaths leave the suggestion where it was."""
    v = opened(desk, "large", deaths=3)
    detail = make_detail(qtbot, desk, v.id, Clock(RECEIVED + 25 * MIN))
    asked = []
    _answer_facts(monkeypatch, {"deaths": "5", "description": "商场起火，二层有人员被困"})
    monkeypatch.setattr(incident_detail.GradeDecisionDialog, "ask",
                        classmethod(lambda cls, parent, incident: asked.append(incident)))
    assert detail.update_facts()
    assert asked == [] and detail.message.text() == "事态已更新，已记入事件日志"
    assert "商场起火，二层有人员被困" in detail.facts.toPlainText()


def test_every_string_of_the_facts_dialog_has_an_english_entry():
    """DUTYROOM_LANG=en: no Chinese left in the 更新事态 dialogs."""
    import re
    from pathlib import Path

    from dutyroom.ui.i18n import english_catalogue

    table = english_catalogue()
    root = Path(__file__).resolve().parents[2]
    text = (root / "dutyroom/ui/facts_dialog.py").read_text(encoding="utf-8")
    literals = re.findall(r'tr\(\s*"((?:[^"\\]|\\.)*)"\s*\)', text)
    assert len(literals) > 15
    assert [s for s in literals if re.search(r"[\u4e00-\u9fff]", s) and s not in table] == []
