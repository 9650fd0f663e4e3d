"""The duty log (值班日志): the shift's timeline, automatic lines from what happened, typed lines, strike-through."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from dutyroom.services.duty_log import DutyLogService
from dutyroom.services.errors import PermissionDenied, UserError
from dutyroom.store.models import AuditEntry, DutyLogEntry
from tests.helpers.handover import issued_warning
from tests.helpers.incidents import intake
from tests.helpers.roster import bj, save_generated

MIN = dt.timedelta(minutes=1)


def test_shift_timeline_has_automatic_and_typed_lines_in_the_order_they_happened(desk):
    save_generated(desk.db, desk["tangjun"], 2026, 7)  # 24 h shifts from 08:30
    duty = DutyLogService(desk.db)
    officer = desk["zhouning"]
    t = bj(2026, 7, 1, 9, 0)
    incident = desk.incidents().register(officer, intake(title="东四路口交通事故", received_at=t, occurred_at=t - 5 * MIN),
                                         now=t)
    issued_warning(desk, "blue", "大风蓝色预警", now=t + 30 * MIN)
    call = duty.add(officer, "call", "市应急办来电询问雨情", happened_at=t - 20 * MIN, now=t + 40 * MIN)
    duty.add(officer, "visitor", "区气象局同志来访送材料", now=t + 50 * MIN)
    duty.add(officer, "equipment", "卫星电话、传真机检查正常", now=t + 60 * MIN)
    duty.add(officer, "note", "昨日8:30前的一条", happened_at=bj(2026, 7, 1, 8, 0), now=t + 61 * MIN)  # previous shift
    log = duty.shift_log(officer, at=t + 2 * 60 * MIN)
    assert log.shift is not None and (log.starts, log.ends) == (bj(2026, 7, 1, 8, 30), bj(2026, 7, 2, 8, 30))
    kinds = [e.kind for e in log.entries]
    assert kinds == ["call", "incident", "warning", "visitor", "equipment"]
    assert log.entries[1].automatic and "东四路口交通事故" in log.entries[1].text
    assert log.entries[2].automatic and "大风蓝色预警" in log.entries[2].text
    # a call taken down 1 hour after it came in: both times kept, with the author
    first = log.entries[0]
    assert first.id == call.id and first.happened_at == t - 20 * MIN and first.entered_at == t + 40 * MIN
    assert first.author_name == "周宁" and not first.automatic and first.kind_label == "来电"
    assert incident.id == log.entries[1].incident_id


def test_strike_through_keeps_the_text_and_never_deletes(desk):
    duty = DutyLogService(desk.db)
    officer = desk["zhouning"]
    t = bj(2026, 7, 1, 10)
    entry = duty.add(officer, "note", "误录的一条记事", now=t)
    with pytest.raises(UserError, match="划除理由不能为空"):
        duty.strike(officer, entry.id, "  ", now=t)
    struck = duty.strike(officer, entry.id, "录错了班次", now=t + MIN)
    assert struck.stricken and struck.text == "误录的一条记事" and struck.stricken_reason == "录错了班次"
    assert struck.stricken_by_name == "周宁" and struck.stricken_at == t + MIN
    with pytest.raises(UserError, match="已被划除"):
        duty.strike(officer, entry.id, "再划一次", now=t + 2 * MIN)
    auto = desk.incidents().register(officer, intake(received_at=t, occurred_at=t - MIN), now=t)
    with desk.db.read() as s:
        auto_line = s.scalar(select(DutyLogEntry).where(DutyLogEntry.incident_id == auto.id))
        count = s.scalar(select(func.count()).select_from(DutyLogEntry))
    with pytest.raises(UserError, match="不能划除"):
        duty.strike(officer, auto_line.id, "不想要", now=t + 3 * MIN)
    with desk.db.read() as s:
        assert s.scalar(select(func.count()).select_from(DutyLogEntry)) == count
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "duty_log.strike")).one()
    assert audit.before["stricken"] is False and audit.after["stricken_reason"] == "录错了班次"
    timeline = duty.timeline(officer, t - 60 * MIN, t + 60 * MIN)
    assert [e.stricken for e in timeline if e.id == entry.id] == [True]  # still there, flagged


def test_leader_instruction_needs_the_leader_and_is_followed_up(desk):
    duty = DutyLogService(desk.db)
    officer = desk["zhouning"]
    t = bj(2026, 7, 1, 11)
    with pytest.raises(UserError, match="批示领导不能为空"):
        duty.add(officer, "instruction", "加强巡查", now=t)
    already = [i.id for i in duty.open_instructions(officer)]  # the demo's own open instruction
    instr = duty.add(officer, "instruction", "加强巡查", instructed_by="分管副区长", now=t)
    assert instr.text == "分管副区长批示：加强巡查" and instr.follow_up_state == "open"
    assert sorted(i.id for i in duty.open_instructions(officer)) == sorted([*already, instr.id])
    done = duty.set_follow_up(officer, instr.id, "done", now=t + 30 * MIN)
    assert done.follow_up_state == "done" and [i.id for i in duty.open_instructions(officer)] == already
    # an instruction on an incident is followed up in that incident's log, which the duty log mirrors
    incident = desk.incidents().register(officer, intake(received_at=t, occurred_at=t - MIN), now=t)
    mirrored = desk.log.add_instruction(officer, incident.id, "核实伤亡", instructed_by="区领导", now=t + MIN)
    copy = next(e for e in duty.timeline(officer, t, t + 60 * MIN) if e.kind == "instruction" and e.incident_id)
    with pytest.raises(UserError, match="事件日志"):
        duty.set_follow_up(officer, copy.id, "done", now=t + 2 * MIN)
    desk.log.set_follow_up(officer, mirrored.id, "done", now=t + 3 * MIN)
    copy = next(e for e in duty.timeline(officer, t, t + 60 * MIN) if e.kind == "instruction" and e.incident_id)
    assert copy.follow_up_state == "done"


def test_bad_input_is_refused_and_nothing_is_written(desk):
    duty = DutyLogService(desk.db)
    officer = desk["zhouning"]
    t = bj(2026, 7, 1, 12)
    entry = duty.add(officer, "note", "一条记事", now=t)
    before = desk.counts()
    with pytest.raises(UserError, match="未知的记录类别"):
        duty.add(officer, "incident", "冒充自动记录", now=t)
    with pytest.raises(UserError, match="不能晚于现在"):
        duty.add(officer, "call", "来电", happened_at=t + 60 * MIN, now=t)
    with pytest.raises(UserError, match="时区"):
        duty.add(officer, "call", "来电", happened_at=dt.datetime(2026, 7, 1, 12), now=t)
    with pytest.raises(PermissionDenied):
        duty.add(desk["fengqing"], "note", "部门用户不能记值班日志", now=t)
    with pytest.raises(PermissionDenied):
        duty.strike(desk["hanyu"], entry.id, "区长不在值班台划除", now=t)
    assert desk.counts() == before
