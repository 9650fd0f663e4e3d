"""The incident log: append-only, struck through with a reason, leaders' instructions followed up."""

from __future__ import annotations

import datetime as dt

import pytest

from dutyroom.services.errors import PermissionDenied, UserError
from tests.helpers.incidents import RECEIVED, intake

pytestmark = pytest.mark.both_backends  # each test on SQLite and on PostgreSQL (tests/helpers/databases.py)

MIN = dt.timedelta(minutes=1)


def opened(desk):
    return desk.incidents().register(desk["zhouning"], intake(), now=RECEIVED)


def test_entry_records_when_it_happened_and_when_it_was_entered(desk):
    v = opened(desk)
    entry = desk.log.add(desk["sunhao"], v.id, "东四街道办事处到场", happened_at=RECEIVED + 3 * MIN,
                         now=RECEIVED + 9 * MIN)
    assert (entry.happened_at, entry.entered_at) == (RECEIVED + 3 * MIN, RECEIVED + 9 * MIN)
    assert (entry.author_name, entry.automatic, entry.kind, entry.stricken) == ("孙浩", False, "note", False)
    assert entry.workstation
    entries = desk.log.entries(desk["zhouning"], v.id)
    assert [e.text for e in entries][-1] == "东四街道办事处到场"
    assert entries[0].automatic and entries[0].kind == "system"  # the intake line the app wrote
    audit = desk.audit("incident.log.note", entry.id, entity="incident_log")[0]
    assert audit.after["text"] == "东四街道办事处到场" and audit.user_id == desk["sunhao"].id
    assert [d.kind for d in desk.duty_rows(v.id)] == ["incident"]  # plain notes stay out of the duty log


def test_log_is_ordered_by_when_things_happened(desk):
    v = opened(desk)
    desk.log.add(desk["zhouning"], v.id, "后发生", happened_at=RECEIVED + 20 * MIN, now=RECEIVED + 21 * MIN)
    desk.log.add(desk["zhouning"], v.id, "先发生，后补记", happened_at=RECEIVED + 10 * MIN, now=RECEIVED + 22 * MIN)
    assert [e.text for e in desk.log.entries(desk["zhouning"], v.id)][1:] == ["先发生，后补记", "后发生"]


def test_strike_through_keeps_the_text_with_reason_who_and_when(desk):
    v = opened(desk)
    entry = desk.log.add(desk["zhouning"], v.id, "伤者送往同仁医院", now=RECEIVED + MIN)
    struck = desk.log.strike(desk["sunhao"], entry.id, "误记，应为协和医院", now=RECEIVED + 5 * MIN)
    assert struck.text == "伤者送往同仁医院" and struck.stricken
    assert (struck.stricken_reason, struck.stricken_by_name, struck.stricken_at) == (
        "误记，应为协和医院", "孙浩", RECEIVED + 5 * MIN)
    again = [e for e in desk.log.entries(desk["zhouning"], v.id) if e.id == entry.id]
    assert again and again[0].text == "伤者送往同仁医院" and again[0].stricken
    audit = desk.audit("incident.log.strike", entry.id, entity="incident_log")[0]
    assert audit.before["stricken"] is False and audit.after["stricken_reason"] == "误记，应为协和医院"
    before = desk.counts()
    with pytest.raises(UserError, match="已被划除"):
        desk.log.strike(desk["sunhao"], entry.id, "再划一次", now=RECEIVED + 6 * MIN)
    with pytest.raises(UserError, match="划除理由不能为空"):
        desk.log.strike(desk["sunhao"], entry.id, "  ", now=RECEIVED + 6 * MIN)
    assert desk.counts() == before


def test_automatic_entries_cannot_be_struck(desk):
    v = opened(desk)
    auto = desk.log.entries(desk["zhouning"], v.id)[0]
    with pytest.raises(UserError, match="系统自动记录"):
        desk.log.strike(desk["zhouning"], auto.id, "不想要", now=RECEIVED + MIN)


def test_leaders_instruction_is_followed_up_and_mirrored_in_the_duty_log(desk):
    v = opened(desk)
    entry = desk.log.add_instruction(desk["zhouning"], v.id, "全力救治伤员，及时续报", instructed_by="分管副区长谢文",
                                     happened_at=RECEIVED + 12 * MIN, now=RECEIVED + 13 * MIN)
    assert (entry.kind, entry.follow_up_state, entry.text) == ("instruction", "open", "分管副区长谢文批示：全力救治伤员，及时续报")
    assert [e.id for e in desk.log.open_instructions(desk["luomin"])] == [entry.id]
    duty = desk.duty_rows(v.id)[-1]
    assert (duty.kind, duty.follow_up_state) == ("instruction", "open") and duty.text.endswith(entry.text)

    done = desk.log.set_follow_up(desk["luomin"], entry.id, "done", now=RECEIVED + 40 * MIN)
    assert done.follow_up_state == "done"
    assert desk.duty_rows(v.id)[-1].follow_up_state == "done"
    assert desk.log.open_instructions(desk["luomin"]) == []
    assert desk.audit("incident.log.follow_up", entry.id, entity="incident_log")[0].after["follow_up_state"] == "done"
    note = desk.log.add(desk["zhouning"], v.id, "普通记录", now=RECEIVED + 41 * MIN)
    with pytest.raises(UserError, match="只有领导批示"):
        desk.log.set_follow_up(desk["luomin"], note.id, "done", now=RECEIVED + 42 * MIN)
    with pytest.raises(UserError, match="未知的落实状态"):
        desk.log.set_follow_up(desk["luomin"], entry.id, "maybe", now=RECEIVED + 42 * MIN)


def test_leader_may_enter_an_instruction_but_not_strike(desk):
    v = opened(desk)
    entry = desk.log.add_instruction(desk["hanyu"], v.id, "请区应急局牵头处置", instructed_by="区长",
                                     now=RECEIVED + MIN)
    assert entry.author_name == "韩宇"
    with pytest.raises(PermissionDenied, match="无权划除日志条目"):
        desk.log.strike(desk["hanyu"], entry.id, "撤回", now=RECEIVED + 2 * MIN)


def test_bad_entries_and_refusals_write_nothing(desk):
    v = opened(desk)
    before = desk.counts()
    with pytest.raises(UserError, match="日志内容不能为空"):
        desk.log.add(desk["zhouning"], v.id, "   ", now=RECEIVED)
    with pytest.raises(UserError, match="过长"):
        desk.log.add(desk["zhouning"], v.id, "字" * 10_000, now=RECEIVED)
    with pytest.raises(UserError, match="控制字符"):
        desk.log.add(desk["zhouning"], v.id, "响铃\x07", now=RECEIVED)
    with pytest.raises(UserError, match="不能晚于现在"):
        desk.log.add(desk["zhouning"], v.id, "明天的事", happened_at=RECEIVED + dt.timedelta(hours=2), now=RECEIVED)
    with pytest.raises(UserError, match="时区"):
        desk.log.add(desk["zhouning"], v.id, "无时区", happened_at=dt.datetime(2026, 7, 1, 8, 0), now=RECEIVED)
    with pytest.raises(PermissionDenied, match="无权记录事件日志"):
        desk.log.add(desk["fengqing"], v.id, "部门记录", now=RECEIVED)
    with pytest.raises(UserError, match="不存在"):
        desk.log.add(desk["zhouning"], 9999, "无此事件", now=RECEIVED)
    assert desk.counts() == before


def test_app_writes_automatic_entries_for_grade_report_and_deadline(desk):
    """Automatic lines (grade changed, report sent, late, deadline missed) are flagged and mirrored into the duty log."""
    v = opened(desk)
    reports = desk.reports()
    reports.note_missed_deadlines(desk["zhouning"], now=RECEIVED + 11 * MIN)
    draft = reports.compose(desk["zhouning"], v.id, "verbal", now=RECEIVED + 12 * MIN)
    reports.record_sent(desk["zhouning"], v.id, "verbal", body=draft.body, recipients=draft.recipients,
                        channel="phone", now=RECEIVED + 12 * MIN)
    desk.incidents().confirm_grade(desk["zhouning"], v.id, "ordinary", now=RECEIVED + 13 * MIN)
    automatic = [e.text.split("：")[0] for e in desk.log.entries(desk["zhouning"], v.id) if e.automatic]
    assert automatic == ["接报登记（110转警）", "超时未报", "已报送首报（电话）", "迟报", "事件等级"]
    duty = [d for d in desk.duty_rows(v.id)]
    assert all(d.automatic for d in duty) and [d.kind for d in duty] == ["incident", "report", "report", "report",
                                                                       "incident"]
