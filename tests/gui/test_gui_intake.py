"""The intake wizard (接报) driven as a duty officer drives it: one incident per category and per clock shape,
the draft that survives a kill, and the messages under the fields for bad input.

The wizard's clock is fixed (RECEIVED), so "now" is the moment the call came in; nothing sleeps.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from dutyroom.domain.profile_loader import load_profile
from dutyroom.ui.incident_common import bj, to_qdt
from dutyroom.ui.intake_wizard import IntakeWizard
from tests.helpers.children import CHILDREN
from tests.helpers.incidents import OCCURRED, PLACES, RECEIVED

MIN = dt.timedelta(minutes=1)


def open_wizard(qtbot, desk, key="dongcheng", user="zhouning", draft=None, now=RECEIVED):
    wizard = IntakeWizard(desk.incidents(key), desk[user], draft=draft, clock=lambda: now, debounce_ms=20)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard


def first_type(key, category):
    return next(r for r in load_profile(key).lead_departments if r.category.value == category)


def fill(qtbot, wizard, key="dongcheng", category="accident", event_type=None, deaths="", grade=None):
    """Page by page, as an officer would: ASCII by key clicks, Chinese with setText (keyClicks cannot type it)."""
    wizard.source.setCurrentIndex(wizard.source.findData("110"))
    wizard.caller_name.setText("王先生")
    qtbot.keyClicks(wizard.callback_phone, "13800001234")
    wizard.occurred_at.setDateTime(to_qdt(OCCURRED))
    assert wizard.received_at.dateTime() == to_qdt(RECEIVED)  # received defaults to now
    wizard.next()
    assert wizard.currentId() == 1, [e.text() for e in wizard.errors.values() if e.text()]
    wizard.place.setCurrentText(PLACES[key])
    wizard.address.setText("某某路1号")
    wizard.category.setCurrentIndex(wizard.category.findData(category))
    wizard.event_type.setCurrentText(event_type or first_type(key, category).event_type)
    wizard.next()
    assert wizard.currentId() == 2, [e.text() for e in wizard.errors.values() if e.text()]
    qtbot.keyClicks(wizard.counts["deaths"], deaths)
    qtbot.keyClicks(wizard.counts["injured"], "2")
    wizard.next()
    assert wizard.currentId() == 3
    wizard.texts["description"].setPlainText("现场有人员受伤，正在核实")
    wizard.texts["measures_taken"].setPlainText("已通知属地街道和主责部门赶赴现场")
    wizard.next()
    assert wizard.currentId() == 4
    if grade:
        wizard.grade.setCurrentIndex(wizard.grade.findData(grade))


def finish(qtbot, wizard):
    with qtbot.waitSignal(wizard.submitted, timeout=1000, raising=False) as got:
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert got.signal_triggered, (wizard.status.text(), {k: e.text() for k, e in wizard.errors.items() if e.text()})
    return got.args[0]


def pending(desk, incident_id, now=RECEIVED):
    return [d for d in desk.reports().clock(desk["zhouning"], incident_id, now=now).deadlines if d.state != "met"]


@pytest.mark.parametrize("category", ["natural", "accident", "public_health", "social"])
def test_wizard_opens_one_incident_per_category_with_its_lead_units(qtbot, desk, category):
    """Dongcheng 2.3.6 处置分工: the wizard shows the event type's lead units with their duty phones."""
    row = first_type("dongcheng", category)
    wizard = open_wizard(qtbot, desk)
    fill(qtbot, wizard, category=category)
    lead_text = wizard.summary.text()
    assert all(unit in lead_text for unit in row.lead_units) and "010-5555" in lead_text
    v = finish(qtbot, wizard)

    assert (v.status, v.category, v.event_type, v.source) == ("open", category, row.event_type, "110")
    assert (v.caller_name, v.callback_phone, v.place, v.address) == ("王先生", "13800001234", "东四街道", "某某路1号")
    assert (v.occurred_at, v.received_at, v.injured, v.grade_confirmed) == (OCCURRED, RECEIVED, 2, "unknown")
    assert v.created_by_name == "周宁" and v.measures_taken == "已通知属地街道和主责部门赶赴现场"
    actions = [a.action for a in desk.audit(entity_id=v.id)]
    assert actions[0] == "incident.draft.create" and actions[-1] == "incident.open"
    assert desk.audit("incident.open", v.id)[0].after["category"] == category
    assert desk.incidents().my_drafts(desk["zhouning"]) == []
    assert not wizard.isVisible()


@pytest.mark.parametrize(("key", "minutes", "basis"), [("dongcheng", 10, "4.1.5"), ("beijing", 30, "4.1.5"),
                                                       ("tongzhou", None, "4.1.3")])
def test_wizard_incident_gets_the_clock_of_its_profile(qtbot, desk, key, minutes, basis):
    """Dongcheng 4.1.5: unknown grade, 10 minutes after receipt; municipal 4.1.5: 30 minutes;
    Tongzhou 4.1.3: no number, the plan's own word (及时)."""
    wizard = open_wizard(qtbot, desk, key)
    fill(qtbot, wizard, key)
    v = finish(qtbot, wizard)
    assert v.profile_key == key
    preview = wizard.deadlines.text()
    verbal = next(d for d in pending(desk, v.id) if d.kind == "verbal")
    assert verbal.to[0] in preview and basis in preview  # the officer saw this clock before submitting
    assert verbal.basis == basis
    if minutes is None:
        assert verbal.due is None and verbal.wording == "及时" and "及时" in preview
        # never silent: the wizard already shows when it turns red, on the district's setting (30 minutes)
        assert f"警戒 {bj(RECEIVED + 30 * MIN)}，本区设定" in preview
    else:
        assert verbal.due == RECEIVED + minutes * MIN and bj(verbal.due) in preview
    deadlines = desk.audit("incident.open", v.id)[0].after["deadlines"]
    assert deadlines[0]["basis"] == basis


def test_wizard_suggests_a_grade_with_reasons_and_the_officer_confirms_it(qtbot, desk):
    """国务院令第493号 第三条: 3 deaths make a 较大 accident; once confirmed, Dongcheng's follow-ups every 30 min."""
    wizard = open_wizard(qtbot, desk)
    fill(qtbot, wizard, deaths="3")
    assert "较大" in wizard.advice.text() and "理由" in wizard.advice.text()
    assert wizard.grade.currentData() == "unknown"  # advice only, until the officer confirms
    qtbot.mouseClick(wizard.use_suggestion, Qt.MouseButton.LeftButton)
    assert wizard.grade.currentData() == "large"
    v = finish(qtbot, wizard)
    assert (v.grade_confirmed, v.grade_suggested, v.deaths) == ("large", "large", 3)
    assert any(d.kind == "followup" for d in pending(desk, v.id))


def test_wizard_leaves_the_grade_unknown_when_the_officer_does_not_confirm(qtbot, desk):
    wizard = open_wizard(qtbot, desk)
    fill(qtbot, wizard, deaths="3")
    v = finish(qtbot, wizard)
    assert (v.grade_confirmed, v.grade_suggested) == ("unknown", "large")


# ---------------------------------------------------------------- bad input: the message is under the field


def _error(wizard, field):
    return wizard.errors[field].text() if wizard.errors[field].isVisible() else ""


def test_occurred_after_received_is_refused_at_the_field(qtbot, desk):
    wizard = open_wizard(qtbot, desk)
    wizard.source.setCurrentIndex(wizard.source.findData("phone"))
    wizard.occurred_at.setDateTime(to_qdt(RECEIVED + 3 * MIN))
    wizard.next()
    assert wizard.currentId() == 0
    assert "发生时间不能晚于接报时间" in _error(wizard, "occurred_at")


def test_time_in_the_future_beyond_the_tolerance_is_refused(qtbot, desk):
    wizard = open_wizard(qtbot, desk)
    wizard.source.setCurrentIndex(wizard.source.findData("phone"))
    wizard.occurred_at.setDateTime(to_qdt(RECEIVED - 10 * MIN))
    wizard.received_at.setDateTime(to_qdt(RECEIVED + 10 * MIN))
    wizard.next()
    assert wizard.currentId() == 0 and "不能晚于当前时间" in _error(wizard, "received_at")
    wizard.received_at.setDateTime(to_qdt(RECEIVED + 4 * MIN))  # within the 5-minute tolerance
    wizard.next()
    assert wizard.currentId() == 1


def test_empty_place_and_missing_source_are_named(qtbot, desk):
    wizard = open_wizard(qtbot, desk)
    wizard.next()
    assert wizard.currentId() == 0 and "信息来源：必填" in _error(wizard, "source")
    wizard.source.setCurrentIndex(1)
    wizard.occurred_at.setDateTime(to_qdt(OCCURRED))
    wizard.next()
    wizard.next()
    assert wizard.currentId() == 1 and "必填" in _error(wizard, "place")
    wizard.place.setCurrentText("其他")
    wizard.category.setCurrentIndex(wizard.category.findData("accident"))
    wizard.event_type.setCurrentText("不在表里的类型")
    wizard.next()
    assert wizard.currentId() == 1
    assert "必须填写详细地址" in _error(wizard, "address")
    assert "不在本预案处置分工表" in _error(wizard, "event_type")


def test_negative_counts_and_bad_loss_are_refused_and_nothing_half_valid_is_opened(qtbot, desk):
    wizard = open_wizard(qtbot, desk)
    fill(qtbot, wizard)
    wizard.back()
    wizard.back()
    assert wizard.currentId() == 2
    qtbot.keyClicks(wizard.counts["trapped"], "-2")
    qtbot.keyClicks(wizard.loss, "abc")
    qtbot.waitUntil(lambda: "不能为负数" in _error(wizard, "trapped"))  # shown as typed, by the draft save
    wizard.next()
    assert wizard.currentId() == 2
    assert "被困人数：不能为负数" in _error(wizard, "trapped")
    assert "必须是数字" in _error(wizard, "economic_loss_cny")
    assert desk.audit("incident.open") == []
    assert desk.incidents().get(desk["zhouning"], wizard.draft_id).status == "draft"


def test_ten_thousand_characters_and_control_characters_are_refused_at_the_field(qtbot, desk):
    wizard = open_wizard(qtbot, desk)
    fill(qtbot, wizard)
    wizard.back()
    wizard.texts["description"].setPlainText("很长" * 5000)
    wizard.texts["trend"].setPlainText("可能扩大\x07")
    wizard.next()
    assert wizard.currentId() == 3
    assert "过长（10000 字，最多 5000 字）" in _error(wizard, "description")
    assert "控制字符" in _error(wizard, "trend")
    wizard.caller_name.setText("王\x1b先生")  # page 1, checked again on submit
    wizard.texts["description"].setPlainText("现场有人员受伤")
    wizard.texts["trend"].setPlainText("")
    wizard.next()
    assert wizard.currentId() == 4
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == 0)  # back to the page of the bad field
    assert "控制字符" in _error(wizard, "caller_name")
    assert wizard.incident is None and desk.audit("incident.open") == []


def test_english_interface_and_messages_with_dutyroom_lang_en(qtbot, desk, monkeypatch, qapp):
    from dutyroom.ui.i18n import install_translator

    monkeypatch.setenv("DUTYROOM_LANG", "en")
    translator = install_translator(qapp)
    try:
        wizard = open_wizard(qtbot, desk)
        assert wizard.page(0).title() == "1 Source and times"
        assert wizard.source.itemText(1) == "phone call"
        wizard.next()
        assert "Source: required" in _error(wizard, "source")
    finally:
        qapp.removeTranslator(translator)


# ---------------------------------------------------------------- drafts


def test_closing_the_wizard_keeps_the_draft_and_a_new_wizard_resumes_it(qtbot, desk):
    wizard = open_wizard(qtbot, desk)
    fill(qtbot, wizard, deaths="1")
    wizard.texts["trend"].setPlainText("火势得到控制")
    wizard.reject()
    drafts = desk.incidents().my_drafts(desk["zhouning"])
    assert [d.id for d in drafts] == [wizard.draft_id]
    again = open_wizard(qtbot, desk, draft=desk.incidents().get(desk["zhouning"], drafts[0].id))
    assert again.values() == wizard.values()
    assert again.texts["trend"].toPlainText() == "火势得到控制"
    again.next()
    again.next()
    again.next()
    again.next()
    v = finish(qtbot, again)
    assert v.id == wizard.draft_id and v.deaths == 1 and v.trend == "火势得到控制"


def test_discarding_a_draft_asks_first_then_removes_it(qtbot, desk, monkeypatch):
    wizard = open_wizard(qtbot, desk)
    wizard.caller_name.setText("李女士")
    qtbot.waitUntil(lambda: wizard.draft_id is not None)
    monkeypatch.setattr(IntakeWizard, "confirm_discard", classmethod(lambda cls, parent: False))
    wizard.button(QWizard.WizardButton.CustomButton1).click()
    assert [d.id for d in desk.incidents().my_drafts(desk["zhouning"])] == [wizard.draft_id]
    monkeypatch.setattr(IntakeWizard, "confirm_discard", classmethod(lambda cls, parent: True))
    wizard.button(QWizard.WizardButton.CustomButton1).click()
    assert desk.incidents().my_drafts(desk["zhouning"]) == []
    assert desk.audit("incident.draft.discard")


CHILD = CHILDREN / "gui_intake_child.py"


def test_killing_the_app_mid_intake_loses_nothing(qtbot, desk, tmp_path):
    """A process types an intake and is SIGKILLed; the next start offers the draft with every field."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    child = subprocess.Popen([sys.executable, str(CHILD), desk.db.url], stdout=subprocess.PIPE, text=True, env=env)
    try:
        line = child.stdout.readline()  # the child prints once the last keystroke's draft save has committed
        assert line.startswith("typed"), line
        typed = json.loads(line.split(" ", 1)[1])
        child.send_signal(signal.SIGKILL)
        assert child.wait(10) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()

    from dutyroom.ui.incidents_page import IncidentsPage

    page = IncidentsPage(desk.incidents(), desk.reports(), desk.log, desk["zhouning"], clock=lambda: RECEIVED)
    qtbot.addWidget(page)
    page.show()
    assert page.drafts_banner.isVisible() and "未完成的接报" in page.drafts_banner.text()
    wizard = page.resume_draft(page.drafts[0].id)
    values = {k: v.isoformat() if isinstance(v, dt.datetime) else v for k, v in wizard.values().items()}
    assert values == typed
    assert typed["caller_name"] == "李女士" and typed["trapped"] == 1 and typed["key_area"] is True
    wizard.close()


def test_a_whole_intake_by_keyboard_only(qtbot, desk):
    """No mouse: arrows, Tab, Alt+letter, typing (Chinese as an input method commits it), Enter / Ctrl+Enter."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    wizard = open_wizard(qtbot, desk)
    wizard.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is wizard)
    wizard.source.setFocus()
    keys = 0

    def focus():
        return QApplication.activePopupWidget() or QApplication.focusWidget()

    def key(k, mod=Qt.KeyboardModifier.NoModifier, times=1):
        nonlocal keys
        for _ in range(times):
            qtbot.keyClick(focus(), k, mod)
            keys += 1

    def type_(text):
        nonlocal keys
        if text.isascii():
            qtbot.keyClicks(focus(), text)
        else:
            event = QInputMethodEvent()
            event.setCommitString(text)
            QApplication.sendEvent(focus(), event)
        keys += len(text)

    K, alt, ctrl = Qt.Key, Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.ControlModifier
    key(K.Key_Down, times=2)  # 110转警
    key(K.Key_Tab)
    type_("王先生")
    key(K.Key_Tab)
    type_("13800001234")
    key(K.Key_O, alt)  # 发生时间: the hour is selected
    key(K.Key_Tab)  # minutes
    key(K.Key_Down, times=5)
    key(K.Key_Return)
    assert wizard.currentId() == 1
    type_("东四")
    key(K.Key_Down)
    key(K.Key_Return)  # picked from the list
    key(K.Key_Tab)
    type_("东四北大街88号")
    key(K.Key_Tab)
    key(K.Key_Down, times=2)  # 事故灾难
    key(K.Key_Tab)
    type_("交通")
    key(K.Key_Down)
    key(K.Key_Return)
    key(K.Key_Return)
    assert wizard.currentId() == 2
    key(K.Key_Tab)
    type_("2")
    key(K.Key_Return)
    assert wizard.currentId() == 3
    type_("两车相撞，两人受伤")
    key(K.Key_Return, ctrl)
    assert wizard.currentId() == 4
    with qtbot.waitSignal(wizard.submitted) as got:
        key(K.Key_Return)
    v = got.args[0]
    assert (v.source, v.caller_name, v.callback_phone, v.place, v.address) == (
        "110", "王先生", "13800001234", "东四街道", "东四北大街88号")
    assert (v.category, v.event_type, v.injured, v.description) == ("accident", "道路交通事故", 2, "两车相撞，两人受伤")
    assert v.occurred_at == RECEIVED - 5 * MIN and v.received_at == RECEIVED
    assert keys < 100


def test_the_person_taking_the_call_is_named_once(qtbot, desk):
    from PySide6.QtWidgets import QLabel

    wizard = open_wizard(qtbot, desk)
    page = wizard.page(0)
    name = desk["zhouning"].display_name
    texts = [page.subTitle()] + [w.text() for w in page.findChildren(QLabel)]
    assert sum(t.count(name) for t in texts) == 1, texts
