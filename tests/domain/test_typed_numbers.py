"""Counts and amounts typed as a Chinese input method gives them: full-width (２), with a unit (３人). They are
read as the number, or refused with a Chinese message naming the field — never the "程序内部错误" an uncaught
int('①') used to give. Circled and superscript digits (①, ²) are refused since issue 17: NFKC read "10²" as 102."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from dutyroom.domain.grading_public_health import _FIELDS as HEALTH_FIELDS
from dutyroom.domain.grading_public_health import normalise
from dutyroom.domain.intake import COUNTS, clean_intake
from dutyroom.domain.numbers import NumberError, read_amount, read_count
from dutyroom.domain.profile_loader import load_profile
from tests.helpers.incidents import RECEIVED

PROFILE = load_profile("dongcheng")


@pytest.mark.parametrize(("typed", "count"), [("２", 2), ("３人", 3), ("１２", 12),
                                              ("1,200", 1200), ("１，２００人", 1200), (" 4 名", 4), ("٣", 3)])
def test_full_width_circled_and_unit_counts_are_read(typed, count):
    check = clean_intake({"deaths": typed}, PROFILE, RECEIVED, complete=False)
    assert check.ok and check.values["deaths"] == count


@pytest.mark.parametrize(("typed", "zh"), [("三", "请填阿拉伯数字"), ("约3人", "请填阿拉伯数字"), ("2.5", "必须是整数"),
                                           ("－３", "不能为负数"), ("9" * 5000, "数值过大"), ("Ⅲ", "必须是整数"),
                                           ("①", "带圈、上标数字"), ("⑩", "带圈、上标数字"), ("❸", "带圈、上标数字"),
                                           ("²", "带圈、上标数字"), ("10²", "带圈、上标数字")])
def test_unreadable_counts_are_refused_in_chinese(typed, zh):
    check = clean_intake({"trapped": typed}, PROFILE, RECEIVED, complete=False)
    assert [p.field for p in check.problems] == ["trapped"]
    assert zh in check.problems[0].text()
    assert check.problems[0].text().startswith("被困人数：")


@pytest.mark.parametrize(("typed", "amount"), [("１２.５", 12.5), ("1,000,000", 1e6)])
def test_loss_with_full_width_digits_is_read(typed, amount):
    assert clean_intake({"economic_loss_cny": typed}, PROFILE, RECEIVED, complete=False).values[
        "economic_loss_cny"] == amount


def test_service_stores_a_full_width_count_and_names_a_circled_one(desk):
    saved = desk.incidents().save_draft(desk["zhouning"], None, {"deaths": "①", "injured": "３人"}, now=RECEIVED)
    assert [p.field for p in saved.problems] == ["deaths"]
    assert saved.incident.injured == 3


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from([*COUNTS, "economic_loss_cny"]),
       typed=st.one_of(st.text(), st.sampled_from(["①", "⑩", "❶", "³", "9" * 5000, "1e999", "nan"])))
def test_any_typed_text_is_read_or_refused_never_raises(field, typed):
    check = clean_intake({field: typed}, PROFILE, RECEIVED, complete=False)
    if check.problems:
        assert check.problems[0].zh and check.problems[0].field == field
    else:
        assert check.values[field] >= 0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(key=st.sampled_from(sorted(HEALTH_FIELDS)),
       typed=st.one_of(st.text(), st.sampled_from(["inf", "-inf", "nan", "1e999", "①", "３人"])))
def test_public_health_facts_are_read_or_refused_with_value_error(key, typed):
    """The public-health block refuses with ValueError (the intake turns it into a field problem)."""
    try:
        normalise({key: typed})
    except ValueError:
        pass
    check = clean_intake({"category": "public_health", "health": {key: typed}}, PROFILE, RECEIVED, complete=True)
    assert all(p.zh for p in check.problems)


@settings(max_examples=300, deadline=None)
@given(typed=st.text())
def test_number_readers_raise_only_the_user_error(typed):
    for read in (lambda t: read_count(t, maximum=10**6), lambda t: read_amount(t, maximum=1e13)):
        try:
            assert read(typed) >= 0
        except NumberError as exc:
            assert exc.zh and exc.en


def _type_ime(widget, text: str) -> None:
    """Commit text as an input method does (qtbot.keyClicks cannot type non-ASCII)."""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


@pytest.mark.gui
def test_wizard_reads_full_width_counts_and_loss(qtbot, desk):
    from tests.gui.test_gui_intake import open_wizard

    wizard = open_wizard(qtbot, desk)
    _type_ime(wizard.counts["trapped"], "３人")
    _type_ime(wizard.counts["missing"], "１")
    _type_ime(wizard.loss, "２")
    values = wizard.values()
    assert (values["trapped"], values["missing"], values["economic_loss_cny"]) == (3, 1, 20_000)


@pytest.mark.gui
def test_rules_page_spin_boxes_take_full_width_digits(qtbot, demo_db):
    from dutyroom.services.rules_service import RulesService
    from dutyroom.ui.rules_page import RulesPage

    page = RulesPage(RulesService(demo_db, PROFILE))
    qtbot.addWidget(page)
    page.show()
    for box, typed, value in ((page.clock.deaths, "３人", 3), (page.clock.serious, "２", 2), (page.clock.loss, "１２", 12)):
        box.lineEdit().selectAll()
        _type_ime(box.lineEdit(), typed)
        box.interpretText()
        assert box.value() == value, typed
    assert page.clock.facts()["deaths"] == 3
