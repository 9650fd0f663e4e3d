"""One input policy for typed text (issue 16): every service strips, refuses control characters and
over-long text the same way. Before, the contacts and warning cleaners stored an ESC or a right-to-left
override that the intake and incident-log cleaners refused."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from dutyroom.domain.intake import clean_intake
from dutyroom.domain.profile_loader import load_profile
from dutyroom.domain.text import clean_text
from dutyroom.services.contacts import PersonInput, check_person
from dutyroom.services.errors import UserError
from dutyroom.services.warnings import normalise_content
from dutyroom.store.models import Person, Warning
from tests.helpers.incidents import RECEIVED, intake
from tests.helpers.warnings import content

CONTROL = ["\x00", "\x07", "\x1b[31m", "\u202e", "\ufeff", "\u200b"]
NOTE = ("备注", "the note")


# ---------------------------------------------------------------- the cleaner itself


def test_text_is_stripped_and_blank_is_none():
    assert clean_text("  东四街道  ", field=NOTE, max_len=10) == "东四街道"
    assert clean_text("   ", field=NOTE, max_len=10) is None
    assert clean_text(None, field=NOTE) is None


def test_line_endings_become_newlines_where_a_field_takes_several_lines():
    assert clean_text("第一行\r\n第二行\r第三行", field=NOTE, multiline=True) == "第一行\n第二行\n第三行"
    with pytest.raises(UserError, match="备注不能换行"):
        clean_text("第一行\n第二行", field=NOTE)


@pytest.mark.parametrize("bad", CONTROL)
def test_control_and_format_characters_are_refused_even_in_several_lines(bad):
    with pytest.raises(UserError, match="备注含有不可见的控制字符") as err:
        clean_text(f"现场{bad}情况", field=NOTE, multiline=True)
    assert err.value.en == "the note contains invisible control characters"


def test_required_and_too_long_name_the_field_in_chinese_and_english():
    with pytest.raises(UserError) as err:
        clean_text(" ", field=NOTE, required=True)
    assert (err.value.zh, err.value.en) == ("备注不能为空", "the note is required")
    with pytest.raises(UserError) as err:
        clean_text("火" * 11, field=NOTE, max_len=10)
    assert (err.value.zh, err.value.en) == ("备注过长（11 字，最多 10 字）", "the note is too long (11 characters, at most 10)")
    assert clean_text("火" * 10, field=NOTE, max_len=10) == "火" * 10


def test_non_text_is_refused_not_crashed_on():
    with pytest.raises(UserError, match="必须是文字"):
        clean_text(12, field=NOTE)


# ---------------------------------------------------------------- one regression per former cleaner


def test_intake_refuses_a_control_character_in_the_caller_name():
    profile = load_profile("dongcheng")
    check = clean_intake({"caller_name": "王\x1b先生"}, profile, RECEIVED, complete=False)
    assert [p.field for p in check.problems] == ["caller_name"] and "控制字符" in check.problems[0].zh


def test_incident_log_refuses_a_control_character_and_writes_nothing(desk):
    v = desk.incidents().register(desk["zhouning"], intake(), now=RECEIVED)
    before = desk.counts()
    with pytest.raises(UserError, match="日志内容含有不可见的控制字符"):
        desk.log.add(desk["zhouning"], v.id, "到场\u202e处置", now=RECEIVED + dt.timedelta(minutes=1))
    assert desk.counts() == before


@pytest.mark.parametrize("bad", CONTROL)
def test_contacts_refuse_control_characters_they_used_to_store(bad):
    with pytest.raises(UserError, match="姓名含有不可见的控制字符"):
        check_person(PersonInput(name=f"张{bad}三"))
    with pytest.raises(UserError, match="备注含有不可见的控制字符"):
        check_person(PersonInput(name="张三", note=f"夜间{bad}值守"))
    assert check_person(PersonInput(name="张三", note="夜间值守\n周末轮休")).note == "夜间值守\n周末轮休"


def test_contacts_service_writes_no_person_with_an_escape_in_the_name(directory):
    with directory.db.read() as s:
        before = s.scalar(select(func.count()).select_from(Person))
    with pytest.raises(UserError, match="控制字符"):
        directory.contacts.create_person(directory["admin"], PersonInput(name="李\x1b[31m四"))
    with directory.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == before


@pytest.mark.parametrize("bad", CONTROL)
def test_warnings_refuse_control_characters_they_used_to_store(bad):
    with pytest.raises(UserError, match="预警标题含有不可见的控制字符"):
        normalise_content(content(title=f"暴雨{bad}预警"))
    with pytest.raises(UserError, match="警示事项含有不可见的控制字符"):
        normalise_content(content(cautions=f"强降雨{bad}"))
    assert normalise_content(content(cautions="强降雨\r\n注意积水"))["cautions"] == "强降雨\n注意积水"


def test_warning_draft_with_a_reversed_title_is_refused_and_nothing_is_saved(world):
    w = world("dongcheng")
    with pytest.raises(UserError, match="控制字符"):
        w.svc.draft(w.u["author"], content(title="暴雨\u202e预警"))
    with w.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Warning)) == 0
