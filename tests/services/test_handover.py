"""Shift handover: the sheet lists exactly the open items at that moment; immutable once signed; reprint identical."""

import datetime as dt

import pytest
from sqlalchemy import select

from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.demo import DEMO_PASSWORD
from dutyroom.services.duty_log import DutyLogService
from dutyroom.services.errors import PermissionDenied, UserError
from dutyroom.services.handover import HandoverService, sheet_text
from dutyroom.store.models import AuditEntry, DutyLogEntry, Handover
from tests.helpers.handover import ROLE_USER, closed_incident, issued_warning, pending_warning, warnings
from tests.helpers.incidents import RECEIVED, intake

MIN = dt.timedelta(minutes=1)


def _service(desk) -> HandoverService:
    return HandoverService(desk.db, load_profile("dongcheng"))


def _world(desk):
    """Open and finished items of every kind; returns what the sheet must and must not list."""
    inc = desk.incidents()
    open_a = inc.register(desk["zhouning"], intake(title="东四路口交通事故"), now=RECEIVED)
    open_b = inc.register(desk["zhouning"], intake(title="某小区燃气泄漏"), now=RECEIVED + 2 * MIN)
    closed = closed_incident(desk)
    draft = inc.save_draft(desk["zhouning"], None, intake(title="尚未提交的草稿"), now=RECEIVED)
    in_force = issued_warning(desk, "blue", "大风蓝色预警")
    lifted = issued_warning(desk, "blue", "已解除的蓝色预警")
    svc = warnings(desk)
    svc.lift(desk[ROLE_USER[svc.get(lifted.id).lifted_by_role]], lifted.id, reason="天气好转")
    pending = pending_warning(desk, "orange", "暴雨橙色预警")
    log = desk.log
    open_instr = log.add_instruction(desk["zhouning"], open_a.id, "尽快核实伤亡", instructed_by="区领导",
                                     now=RECEIVED + 10 * MIN)
    done_instr = log.add_instruction(desk["zhouning"], open_a.id, "通知交管部门", instructed_by="区领导",
                                     now=RECEIVED + 11 * MIN)
    log.set_follow_up(desk["zhouning"], done_instr.id, "done", now=RECEIVED + 20 * MIN)
    duty = DutyLogService(desk.db)
    demo_open = [i.id for i in duty.open_instructions(desk["zhouning"])]  # the demo district's own open instruction
    typed = duty.add(desk["zhouning"], "instruction", "加强夜间值守", instructed_by="应急办主任",
                     now=RECEIVED + 30 * MIN)
    struck = duty.add(desk["zhouning"], "instruction", "误记的批示", instructed_by="某领导", now=RECEIVED + 31 * MIN)
    duty.strike(desk["zhouning"], struck.id, "记错了", now=RECEIVED + 32 * MIN)
    return {"incidents": [open_a.id, open_b.id], "not_incidents": [closed.id, draft.incident.id],
            "warnings": [in_force.id], "approvals": [pending.id], "instructions": [open_instr.id, typed.id, *demo_open]}


def test_the_sheet_lists_exactly_the_open_items_at_that_moment(desk):
    expected = _world(desk)
    now = RECEIVED + 40 * MIN
    signed = _service(desk).sign_out(desk["zhouning"], "东四路口仍有交通管制", now=now)
    sheet = signed.sheet
    assert [x["id"] for x in sheet["incidents"]] == expected["incidents"]
    assert not {x["id"] for x in sheet["incidents"]} & set(expected["not_incidents"])
    assert [x["id"] for x in sheet["warnings"]] == expected["warnings"]
    assert [x["id"] for x in sheet["approvals"]] == expected["approvals"]
    assert sorted(x["id"] for x in sheet["instructions"]) == sorted(expected["instructions"])
    assert {"区领导批示：尽快核实伤亡", "应急办主任批示：加强夜间值守"} <= {x["text"] for x in sheet["instructions"]}
    # each open incident carries its next deadline (Dongcheng 4.1.5: written report within 1 h of receipt)
    first = sheet["incidents"][0]["next_deadline"]
    assert first["state"] == "已超时" and first["due"].startswith("2026-07-01 08:")
    assert sheet["approvals"][0]["awaiting"] == "应急办主任" and not sheet["approvals"][0]["external"]
    assert sheet["notes"] == "东四路口仍有交通管制"
    text = sheet_text(signed)
    assert "一、在办事件（2 起）" in text and "东四路口交通事故" in text and "已结案的燃气泄漏" not in text
    assert "大风蓝色预警" in text and "已解除的蓝色预警" not in text and "暴雨橙色预警" in text
    assert "误记的批示" not in text and "通知交管部门" not in text


def test_signed_sheet_is_immutable_and_reprints_identically(desk):
    _world(desk)
    svc = _service(desk)
    signed = svc.sign_out(desk["zhouning"], "无", now=RECEIVED + 40 * MIN)
    first_print = sheet_text(svc.get(desk["zhouning"], signed.id))
    # the world moves on: a new incident, a new instruction
    desk.incidents().register(desk["zhouning"], intake(title="交班后的新事件"), now=RECEIVED + 45 * MIN)
    assert len(svc.preview(desk["zhouning"], now=RECEIVED + 46 * MIN).sheet["incidents"]) == 3
    again = svc.get(desk["zhouning"], signed.id)
    assert again.intact and again.sheet == signed.sheet and sheet_text(again) == first_print
    assert "交班后的新事件" not in first_print
    # a second sheet cannot be signed while this one awaits the incoming officer
    with pytest.raises(UserError, match="尚待接班签名"):
        svc.sign_out(desk["zhouning"], "", now=RECEIVED + 47 * MIN)
    # an edit behind the app's back shows: the stored hash no longer matches
    with desk.db.write() as s:
        row = s.get(Handover, signed.id)
        row.sheet = {**row.sheet, "notes": "改过的备注"}
    tampered = svc.get(desk["zhouning"], signed.id)
    assert not tampered.intact and "与签名时不符" in sheet_text(tampered)


def test_incoming_officer_signs_in_with_their_own_password(desk):
    svc = _service(desk)
    signed = svc.sign_out(desk["zhouning"], "", now=RECEIVED)
    with pytest.raises(UserError, match="用户名或密码错误"):
        svc.sign_in(signed.id, "sunhao", "wrong-password", now=RECEIVED + MIN)
    assert svc.get(desk["zhouning"], signed.id).status == "signed_out"
    with pytest.raises(PermissionDenied, match="同一人"):
        svc.sign_in(signed.id, "zhouning", DEMO_PASSWORD, now=RECEIVED + MIN)
    with pytest.raises(PermissionDenied):
        svc.sign_in(signed.id, "fengqing", DEMO_PASSWORD, now=RECEIVED + MIN)  # a department user is not the desk
    done = svc.sign_in(signed.id, "sunhao", DEMO_PASSWORD, now=RECEIVED + 2 * MIN)
    assert (done.status, done.incoming_name, done.signed_in_at) == ("signed_in", "孙浩", RECEIVED + 2 * MIN)
    assert done.sheet == signed.sheet and done.intact
    assert "接班人：孙浩  签名时间：2026-07-01 08:07" in sheet_text(done)
    with pytest.raises(UserError, match="已经接班签名"):
        svc.sign_in(signed.id, "heli", DEMO_PASSWORD, now=RECEIVED + 3 * MIN)
    with desk.db.read() as s:
        actions = [a.action for a in s.scalars(select(AuditEntry).order_by(AuditEntry.seq))]
        log = [e.text for e in s.scalars(select(DutyLogEntry).where(DutyLogEntry.kind == "handover")
                                         .order_by(DutyLogEntry.id))]
    assert "handover.sign_out" in actions and "handover.sign_in" in actions and "login.failed" in actions
    assert log[0].startswith("交班：周宁签名交班") and log[1] == f"接班：孙浩签名接班（交班单第 {signed.id} 号）"


def test_department_user_cannot_sign_a_handover(desk):
    with pytest.raises(PermissionDenied):
        _service(desk).sign_out(desk["fengqing"], "", now=RECEIVED)


def test_warnings_on_the_desk_but_in_no_queue_are_handed_over(desk):
    """A warning drafted and not yet submitted (only its author may go on with it) would otherwise vanish from the
    handover: the sheet lists it with its state and author, as it does a returned one; an old signed sheet without
    the list reprints as it was."""
    svc = warnings(desk)
    from tests.helpers.warnings import content

    drafted = svc.draft(desk["zhouning"], content("orange", title="暴雨橙色预警（草稿）"))
    pending = pending_warning(desk, "orange", "大风橙色预警")  # in the 应急办主任's queue: listed under 待审批
    ready = pending_warning(desk, "yellow", "大风黄色预警")  # Dongcheng 3.2.3: yellow needs no sign-off, to issue
    sheet = _service(desk).preview(desk["zhouning"], now=RECEIVED + 40 * MIN).sheet
    assert [(x["id"], x["status"], x["author"]) for x in sheet["drafts"]] == [(drafted.id, "草稿，未提交", "周宁"),
                                                                              (ready.id, "已批准，待发布", "周宁")]
    assert [x["id"] for x in sheet["approvals"]] == [pending.id]
    text = sheet_text(_service(desk).preview(desk["zhouning"], now=RECEIVED + 40 * MIN))
    assert "起草中、退回修改或待发布的预警（2 条）" in text
    assert "1. 橙色（二级）预警：暴雨橙色预警（草稿）（草稿，未提交，起草人 周宁）" in text
    signed = _service(desk).sign_out(desk["zhouning"], "", now=RECEIVED + 41 * MIN)
    with desk.db.write() as s:  # as a sheet signed by the release before this list was added
        row = s.get(Handover, signed.id)
        row.sheet = {k: v for k, v in row.sheet.items() if k != "drafts"}
    assert "起草中" not in sheet_text(_service(desk).get(desk["zhouning"], signed.id))


def test_a_withdrawn_warning_leaves_the_handover_and_the_queue_but_is_kept(desk):
    """Not going out after all: its author withdraws it with a reason (audited); it is kept as 已撤销, leaves the
    approval queue and the handover sheet, and nobody else may withdraw it."""
    svc = warnings(desk)
    pending = pending_warning(desk, "orange", "大风橙色预警")
    assert [i.warning_id for i in svc.approval_queue(desk["tangjun"])] == [pending.id]
    with pytest.raises(UserError):
        svc.withdraw(desk["sunhao"], pending.id, "天气好转")  # not the author
    with pytest.raises(UserError, match="理由"):
        svc.withdraw(desk["zhouning"], pending.id, "  ")
    gone = svc.withdraw(desk["zhouning"], pending.id, "天气好转，不再发布", now=RECEIVED + 5 * MIN)
    assert gone.status == "withdrawn" and svc.get(pending.id).title == "大风橙色预警"
    assert svc.approval_queue(desk["tangjun"]) == []
    sheet = _service(desk).preview(desk["zhouning"], now=RECEIVED + 40 * MIN).sheet
    assert sheet["drafts"] == [] and sheet["approvals"] == []
    audit = desk.audit("warning.withdraw", pending.id, entity="warning")[-1]
    assert audit.after["status"] == "withdrawn" and audit.after["reason"] == "天气好转，不再发布"
    with pytest.raises(UserError):
        svc.submit(desk["zhouning"], pending.id)  # withdrawn is final
