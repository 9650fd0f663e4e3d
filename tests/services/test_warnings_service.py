"""Warnings: drafts, the level-based approval chain of every profile, issue, adjust, lift, measures.

Clauses cited are the "3.2 预警" sections of each plan: 3.2.3 (who approves and issues each colour),
3.2.4 (content), 3.2.5 (measures), 3.2.6 (adjustment), 3.2.7 (lifting), 3.2.8 (channels).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, select

from dutyroom.domain.rules import warning_rules
from dutyroom.domain.vocabulary import Category, Colour
from dutyroom.domain.warning_state import (
    FIELD_COLUMNS,
    Event,
    Status,
    TransitionError,
    approval_chain,
    compose_duration,
    content_hash,
    lift_hash,
    next_step,
    required_fields,
    split_duration,
    transition,
)
from dutyroom.services.errors import NotFound, PermissionDenied, UserError
from dutyroom.services.warnings import WarningContent
from dutyroom.store.models import AuditEntry, DutyLogEntry, Warning, WarningApproval
from tests.helpers.actors import actors_by_username
from tests.helpers.seeds import seed_lines
from tests.helpers.warnings import (
    COLOURS,
    PROFILES,
    T0,
    audit_entries,
    content,
    issued,
    make_users,
    make_world,
    sign,
    walk,
)

pytestmark = pytest.mark.both_backends  # each test on SQLite and on PostgreSQL (tests/helpers/databases.py)

CASES = [(k, c, "natural") for k in PROFILES for c in COLOURS] + [("pinggu", c, "public_health") for c in COLOURS]


@pytest.fixture(scope="module")
def shared(database_templates, backend, tmp_path_factory):
    """One database and one set of users for the chain walks (each test works on its own warnings)."""
    db = database_templates.copy(backend, "warnings", make_users, tmp_path_factory.mktemp("warnings") / "w.db")
    yield db, actors_by_username(db)
    backend.drop(db)


def world_for(shared, key):
    db, users = shared
    return make_world(db, key, users)


def refused(exc_type, fn, *args, **kwargs):
    """The call is refused with a Chinese and an English message."""
    with pytest.raises(exc_type) as info:
        fn(*args, **kwargs)
    assert info.value.zh and info.value.en and info.value.zh != info.value.en
    return info.value


def submitted(w, colour, category="natural", author="author", **changes):
    view = w.svc.draft(w.u[author], content(colour, category, **changes))
    return w.svc.submit(w.u[author], view.id)


# ---------------------------------------------------------------- every profile, every colour


@pytest.mark.parametrize(("key", "colour", "category"), CASES, ids=[f"{k}-{c}-{g}" for k, c, g in CASES])
def test_3_2_3_chain_approve_and_issue(shared, key, colour, category):
    """3.2.3: each colour's chain, in order, by signed-in holders of each role; then the issuer issues.

    A user without the role is refused by the service, as is a sign-off of an external step and a
    hand-recorded decision on an in-app step; blue/yellow have no steps and go straight to the issuer.
    """
    w = world_for(shared, key)
    expected = warning_rules(w.profile, Colour(colour), Category(category))
    view = submitted(w, colour, category)
    chain = expected["preconditions"] + expected["steps"]  # 公卫预案3.2.2(2): the assessment comes first
    assert [(s.role, s.kind) for s in view.steps] == [(s["role"], s["kind"]) for s in chain]
    if not chain:
        assert view.status == "approved" and view.next_step is None
    while view.next_step is not None:
        step = view.steps[view.next_step - 1]
        refused(PermissionDenied if step.kind == "sign_off" else UserError, w.svc.approve, w.u["outsider"], view.id)
        if step.kind == "sign_off":
            other = next(r for r in ("office_director", "leader_in_charge", "committee_director") if r != step.role)
            refused(PermissionDenied, w.svc.approve, w.u[other], view.id)
            refused(UserError, w.svc.record_external, w.u["desk"], view.id, decider="x", reference="y", decided_at=T0)
        before = view.next_step
        view = sign(w, view.id, step)
        assert view.steps[before - 1].approved
    assert view.status == "approved"
    not_issuer = "office_director" if expected["issuer"] == "department" else "department"
    refused(PermissionDenied, w.svc.issue, w.u[not_issuer], view.id, [w.profile.warnings.channels[0]])
    done = w.svc.issue(w.u[expected["issuer"]], view.id, w.profile.warnings.channels[:2], now=T0)
    assert (done.status, done.issued_at, done.issued_by_id) == ("issued", T0, w.u[expected["issuer"]].id)
    assert done.channels == tuple(w.profile.warnings.channels[:2])
    assert [m.text for m in done.measures] == expected["measures"] and all(m.check_id for m in done.measures)
    assert list(done.filed_with) == expected["filed_with"]
    actions = [e.action for e in audit_entries(w.db, view.id)]
    assert actions[:2] == ["warning.draft", "warning.submit"] and actions[-1] == "warning.issue"
    assert len(actions) == 3 + len(chain)


@pytest.mark.parametrize(("key", "colour", "category"), CASES, ids=[f"{k}-{c}-{g}" for k, c, g in CASES])
def test_3_2_3_reject_return_and_self_approval(shared, key, colour, category):
    """Each step can reject (final) or return for changes (back to the author); nobody signs their own draft."""
    w = world_for(shared, key)
    view = submitted(w, colour, category)
    if not view.steps:
        refused(UserError, w.svc.reject, w.u["office_director"], view.id, "不同意")
        return
    first = view.steps[0]
    # return → returned → edit → draft → resubmit → pending at step 1 again
    decider = w.svc.return_for_changes if first.kind == "sign_off" else None
    if decider:
        refused(UserError, decider, w.u[first.role], view.id, "  ")  # a return needs a reason
        back = decider(w.u[first.role], view.id, "影响范围写得不具体")
    else:
        back = w.svc.record_external(w.u["desk"], view.id, decider="市应急办", reference="退字1号", decided_at=T0,
                                     decision="returned", comment="补充研判意见")
    assert back.status == "returned"
    refused(PermissionDenied, w.svc.edit, w.u["desk"], view.id, content(colour, category, area="北部地区"))
    redone = w.svc.edit(w.u["author"], view.id, content(colour, category, area="北部地区"))
    assert redone.status == "draft"
    again = w.svc.submit(w.u["author"], view.id)
    assert again.status == "pending" and again.next_step == 1
    # reject at the last step: final
    view = walk_to_last(w, again)
    last = view.steps[-1]
    if last.kind == "sign_off":
        out = w.svc.reject(w.u[last.role], view.id, "风险评估不支持该级别")
    else:
        out = w.svc.record_external(w.u["desk"], view.id, decider="市应急办", reference="否字2号", decided_at=T0,
                                    decision="rejected", comment="不同意")
    assert out.status == "rejected"
    refused(UserError, w.svc.submit, w.u["author"], view.id)
    with w.db.read() as s:
        live = s.scalars(select(WarningApproval).where(WarningApproval.warning_id == view.id,
                                                       WarningApproval.decision == "approved",
                                                       WarningApproval.voided.is_(False))).all()
    assert live == []  # the round's approvals were voided when it ended
    # self-approval: a drafter holding the first step's role cannot sign it
    sign_offs = [s for s in view.steps if s.kind == "sign_off"]
    if sign_offs and sign_offs[0].step_no == 1:
        own = submitted(w, colour, category, author=f"self_{sign_offs[0].role}")
        err = refused(PermissionDenied, w.svc.approve, w.u[f"self_{sign_offs[0].role}"], own.id)
        assert "自己" in err.zh


def walk_to_last(w, view):
    while view.next_step is not None and view.next_step < len(view.steps):
        view = sign(w, view.id, view.steps[view.next_step - 1])
    return view


@pytest.mark.parametrize(("key", "colour", "category"), CASES, ids=[f"{k}-{c}-{g}" for k, c, g in CASES])
def test_approval_is_tied_to_content_edit_voids_and_restarts(shared, key, colour, category):
    """An approval covers the exact content (hash on each approval); editing voids it and restarts the chain."""
    w = world_for(shared, key)
    view = submitted(w, colour, category)
    view = walk(w, view.id)
    assert view.status == "approved"
    changed = w.svc.edit(w.u["author"], view.id, content(colour, category, cautions="雨势加强"))
    assert changed.content_hash != view.content_hash
    history = w.svc.history(view.id)
    assert all(r.voided and "修改" in r.voided_reason for r in history if r.decision == "approved")
    assert len([r for r in history if r.decision == "approved"]) == len(view.steps)
    if view.steps:
        assert changed.status == "pending" and changed.next_step == 1
        assert not any(s.approved for s in changed.steps)
        refused(UserError, w.svc.issue, w.u[view.issuer_role], view.id, [w.profile.warnings.channels[0]])
        # during approval: step 1 approved, then an edit voids it too
        sign(w, view.id, changed.steps[0])
        w.svc.edit(w.u["author"], view.id, content(colour, category, cautions="雨势再次加强"))
        assert w.svc.get(view.id).next_step == 1
        latest = w.svc.history(view.id)[-1]
        assert latest.voided and latest.content_hash == changed.content_hash
    else:
        assert changed.status == "approved"  # no steps: the issuer still decides alone
    walk(w, view.id)
    final = w.svc.issue(w.u[view.issuer_role], view.id, [w.profile.warnings.channels[0]])
    assert final.status == "issued"
    with w.db.read() as s:
        rows = s.scalars(select(WarningApproval).where(WarningApproval.warning_id == view.id,
                                                       WarningApproval.voided.is_(False))).all()
        assert {r.content_hash for r in rows} <= {final.content_hash}
    actions = [e.action for e in audit_entries(w.db, view.id)]
    assert "warning.edit" in actions
    assert ("warning.approvals_voided" in actions) == bool(view.steps)


@pytest.mark.parametrize("key", PROFILES)
def test_every_transition_audited_with_user_time_and_before_after(shared, key):
    """Issue 4 "done when": every transition in the audit log with user, time and before/after state."""
    w = world_for(shared, key)
    done = issued(w, "red")
    entries = audit_entries(w.db, done.id)
    assert entries[0].action == "warning.draft"
    for e in entries:
        assert e.user_id and e.username and e.at is not None and e.after is not None
        if e.action != "warning.draft":
            assert e.before is not None and "status" in e.before and "status" in e.after
    transitions = [(e.before["status"], e.after["status"]) for e in entries if e.before]
    assert transitions[0] == ("draft", "pending" if done.steps else "approved")
    assert transitions[-1] == ("approved", "issued")
    approvals = [e for e in entries if e.action in ("warning.approved", "warning.external_decision")]
    assert [e.after["approval"]["step_no"] for e in approvals] == list(range(1, len(done.steps) + 1))
    assert all(e.after["approval"]["content_hash"] == done.content_hash for e in approvals)


# ---------------------------------------------------------------- specific clauses


def test_tongzhou_3_2_3_orange_needs_the_city_emergency_office_decision(shared):
    """Tongzhou 3.2.3: orange needs the city emergency office's decision, recorded by hand (who, number, time)."""
    w = world_for(shared, "tongzhou")
    view = submitted(w, "orange")
    view = w.svc.approve(w.u["leader_in_charge"], view.id, "同意上报市应急办")
    assert view.steps[1].kind == "external_decision" and view.steps[1].role == "city_emergency_office"
    assert [i.warning_id for i in w.svc.awaiting_external(w.u["desk"])].count(view.id) == 1
    assert w.svc.awaiting_external(w.u["committee_director"]) == []  # not a duty-room user
    refused(PermissionDenied, w.svc.record_external, w.u["committee_director"], view.id, decider="市应急办",
            reference="京应急〔2026〕7号", decided_at=T0)
    refused(UserError, w.svc.record_external, w.u["desk"], view.id, decider="市应急办", reference=" ", decided_at=T0)
    refused(UserError, w.svc.record_external, w.u["desk"], view.id, decider="市应急办", reference="7号",
            decided_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    refused(UserError, w.svc.record_external, w.u["desk"], view.id, decider="市应急办", reference="7号",
            decided_at=dt.datetime(2026, 7, 1, 9, 0))  # naive
    decided = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.UTC)
    view = w.svc.record_external(w.u["desk"], view.id, decider="市应急办 张主任", reference="京应急〔2026〕7号",
                                 decided_at=decided, comment="同意发布橙色预警")
    step = view.steps[1]
    assert (step.external_decider, step.external_ref, step.external_decided_at) == (
        "市应急办 张主任", "京应急〔2026〕7号", decided)
    assert step.by_user_id == w.u["desk"].id and view.status == "approved"
    assert w.svc.history(view.id)[-1].kind == "external_decision"


def test_dongcheng_3_2_3_steps_in_order_only(shared):
    """Dongcheng 3.2.3: orange is approved by the office first, then the leader in charge — never the reverse."""
    w = world_for(shared, "dongcheng")
    view = submitted(w, "orange")
    err = refused(PermissionDenied, w.svc.approve, w.u["leader_in_charge"], view.id)
    assert "区应急办" in err.zh  # the role as Dongcheng's plan calls it
    refused(UserError, w.svc.approve, w.u["office_director"], view.id, step_no=2)
    view = w.svc.approve(w.u["office_director"], view.id, step_no=1)
    refused(UserError, w.svc.approve, w.u["leader_in_charge"], view.id, step_no=1)
    assert w.svc.approve(w.u["leader_in_charge"], view.id, step_no=2).status == "approved"


def test_one_person_cannot_sign_two_steps_of_a_chain(shared):
    """A user holding both roles of Dongcheng's orange chain signs one step only (two-person check)."""
    w = world_for(shared, "dongcheng")
    view = submitted(w, "orange")
    w.svc.approve(w.u["two_hats"], view.id)
    err = refused(PermissionDenied, w.svc.approve, w.u["two_hats"], view.id)
    assert "两个步骤" in err.zh
    assert w.svc.approve(w.u["leader_in_charge"], view.id).status == "approved"


def test_admin_holds_no_approval_power(shared):
    w = world_for(shared, "beijing")
    view = submitted(w, "red")
    refused(PermissionDenied, w.svc.approve, w.u["outsider"], view.id)


def test_forwarded_warning_must_name_its_source(shared):
    """A forwarded higher-level warning (转发) carries its source; without one it is refused."""
    w = world_for(shared, "shijingshan")
    err = refused(UserError, w.svc.draft, w.u["author"], content("yellow", origin="forwarded"))
    assert "信息来源" in err.zh and "source" in err.en
    ok = w.svc.draft(w.u["author"], content("yellow", origin="forwarded", source_org="北京市气象台"))
    assert (ok.origin, ok.source_org) == ("forwarded", "北京市气象台")


def _counts(db):
    with db.read() as s:
        return (s.scalar(select(func.count()).select_from(Warning)), s.scalar(select(func.count()).select_from(AuditEntry)),
                s.scalar(select(func.count()).select_from(WarningApproval)))


BAD_DRAFTS = {
    "empty title": dict(title="   "),
    "unknown colour": dict(colour="purple"),
    "unknown category": dict(category="weather"),
    "start after end": dict(ends_at=T0 - dt.timedelta(hours=1)),
    "naive start": dict(start_at=dt.datetime(2026, 7, 1, 8, 0)),
    "forwarded without source": dict(origin="forwarded", source_org=" "),
    "unknown origin": dict(origin="city"),
    "title too long": dict(title="预" * 201),
}


@pytest.mark.parametrize("case", sorted(BAD_DRAFTS))
def test_bad_input_refused_with_both_languages_and_nothing_written(world, case):
    w = world("dongcheng")
    db = w.db
    before = _counts(db)
    refused(UserError, w.svc.draft, w.u["author"], dataclasses.replace(content("orange"), **BAD_DRAFTS[case]))
    assert _counts(db) == before


def test_bad_edit_and_bad_channel_write_nothing(world):
    """3.2.8: channels come from the profile's list; a bad edit leaves the draft as it was."""
    w = world("dongcheng")
    db = w.db
    draft = w.svc.draft(w.u["department"], content("blue"))
    before = _counts(db)
    refused(UserError, w.svc.edit, w.u["department"], draft.id, content("blue", title=""))
    assert _counts(db) == before and w.svc.get(draft.id) == draft
    w.svc.submit(w.u["department"], draft.id)
    before = _counts(db)
    err = refused(UserError, w.svc.issue, w.u["department"], draft.id, ["飞鸽传书"])
    assert "飞鸽传书" in err.zh
    refused(UserError, w.svc.issue, w.u["department"], draft.id, [])
    assert _counts(db) == before and w.svc.get(draft.id).status == "approved"


def test_3_2_4_incomplete_content_cannot_be_submitted(world):
    """3.2.4 content fields must be filled before submission (a draft may be saved incomplete)."""
    w = world("tongzhou")
    draft = w.svc.draft(w.u["author"], content("orange", area=None, cautions=""))
    err = refused(UserError, w.svc.submit, w.u["author"], draft.id)
    assert "可能影响范围" in err.zh and "警示事项" in err.zh
    assert w.svc.get(draft.id).status == "draft"


def test_pinggu_public_health_plan_content_needs_situation_advice_and_hotline(world):
    """Pinggu public-health plan: 事态发展, 公众预警响应建议 and 咨询电话 are part of the warning."""
    w = world("pinggu")
    draft = w.svc.draft(w.u["author"], content("orange", "public_health", hotline=None, situation=None))
    err = refused(UserError, w.svc.submit, w.u["author"], draft.id)
    assert "事态发展" in err.zh and "咨询电话" in err.zh
    fixed = w.svc.edit(w.u["author"], draft.id, content("orange", "public_health"))
    assert w.svc.submit(w.u["author"], fixed.id).status == "pending"


def test_only_drafting_roles_draft(world):
    w = world("dongcheng")
    refused(PermissionDenied, w.svc.draft, w.u["committee_director"], content("red"))


def test_issue_refuses_tampered_content(world):
    """Content changed behind the service's back no longer matches what was approved."""
    w = world("dongcheng")
    db = w.db
    view = walk(w, submitted(w, "orange").id)
    with db.write() as s:
        s.get(Warning, view.id).area = "全市"
    err = refused(UserError, w.svc.issue, w.u["office_director"], view.id, ["广播"])
    assert "审批" in err.zh


def test_3_2_5_measure_checklist_ticked_with_who_and_when(world):
    """3.2.5: the colour's measures are attached on issue and ticked off with who and when."""
    w = world("dongcheng")
    db = w.db
    view = issued(w, "orange")
    assert len(view.measures) == 12 and {m.measure_id for m in view.measures} >= {"BY1", "OR8"}
    first = view.measures[0]
    at = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)
    refused(PermissionDenied, w.svc.tick_measure, w.u["committee_director"], first.check_id)
    ticked = w.svc.tick_measure(w.u["desk"], first.check_id, note="已通知各街道", now=at)
    assert (ticked.done_at, ticked.done_by_id, ticked.done_by_name, ticked.note) == (at, w.u["desk"].id, "用户desk",
                                                                                    "已通知各街道")
    refused(UserError, w.svc.tick_measure, w.u["desk"], first.check_id)
    refused(UserError, w.svc.untick_measure, w.u["desk"], first.check_id, "")
    assert w.svc.untick_measure(w.u["desk"], first.check_id, "误勾").done_at is None
    refused(NotFound, w.svc.tick_measure, w.u["desk"], 999999)
    with db.read() as s:
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.entity == "warning_measure_check")).all()
    assert actions == ["warning.measure.tick", "warning.measure.untick"]


def test_blue_3_2_3_issued_and_lifted_by_the_department_and_filed(world):
    """Blue: issued and lifted by the department (谁发布、谁解除), filed with the profile's filed_with."""
    w = world("dongcheng")
    db = w.db
    view = issued(w, "blue")
    assert view.issued_by_id == w.u["department"].id and view.filed_with == ("市应急办", "市相关部门")
    refused(PermissionDenied, w.svc.lift, w.u["office_director"], view.id)
    lifted = w.svc.lift(w.u["department"], view.id, "降雨结束")
    assert lifted.status == "lifted" and lifted.lifted_by_id == w.u["department"].id
    with db.read() as s:
        log = s.scalars(select(DutyLogEntry.text).where(DutyLogEntry.warning_id == view.id)).all()
    assert len(log) == 2 and log[1].startswith("解除")


@pytest.mark.parametrize(("key", "colour", "category"), [
    ("beijing", "orange", "natural"), ("dongcheng", "orange", "natural"), ("dongcheng", "red", "natural"),
    ("tongzhou", "orange", "natural"), ("tongzhou", "red", "natural"), ("pinggu", "red", "natural"),
    ("pinggu", "orange", "public_health")])
def test_3_2_7_orange_and_red_lifted_directly_by_the_issuer(world, key, colour, category):
    """One reading for every plan (issue 20 item 6). "…批准后，由…发布和解除" (Beijing seed L535, Dongcheng D:L429,
    Tongzhou L1697, Pinggu A:L1118, 公卫预案 A:L3420) approves the 预警建议 and names who issues and lifts; the lift
    is governed by 3.2.7 "应立即宣布解除" (Beijing L585, Dongcheng L473, Tongzhou L1741, Pinggu A:L1226), which asks
    no approval. So a Tongzhou orange warning does not wait for 市应急办 to lift."""
    seeds = {"beijing": ("beijing_municipal_2021_general_plan.txt", 585),
             "dongcheng": ("dongcheng_2022_general_plan.txt", 473), "tongzhou": ("tongzhou_2022_general_plan.txt", 1741),
             "pinggu": ("pinggu_2022_general_plan_and_public_health_plan.txt", 1226)}
    name, line = seeds[key]
    assert "解除" in seed_lines(name)[line - 1] and "批准" not in seed_lines(name)[line - 1]
    w = world(key)
    view = issued(w, colour, category)
    assert not view.lift_needs_approval and w.svc.actions_for(w.u[view.lifted_by_role], view.id) >= {"lift"}
    refused(UserError, w.svc.request_lift, w.u["author"], view.id, "危险已解除")
    assert w.svc.lift(w.u[view.lifted_by_role], view.id, "危险已消除").status == "lifted"
    refused(UserError, w.svc.lift, w.u[view.lifted_by_role], view.id, "危险已消除")


@pytest.mark.parametrize(("key", "colour"), [("dongcheng", "orange"), ("dongcheng", "red"), ("tongzhou", "orange"),
                                             ("tongzhou", "red"), ("pinggu", "red")])
def test_lift_after_approval_where_a_profile_asks_for_it(world, key, colour):
    """A profile that sets lift_needs_approval (no shipped one does): a lift request runs the colour's chain."""
    w = world(key, lift_approval=True)
    db = w.db
    view = issued(w, colour)
    refused(UserError, w.svc.lift, w.u["office_director"], view.id)  # approval first
    refused(PermissionDenied, w.svc.request_lift, w.u["committee_director"], view.id, "危险已消除")
    req = w.svc.request_lift(w.u["author"], view.id, "危险已消除")
    assert req.status == "lift_pending" and req.phase == "lift" and req.next_step == 1
    assert len(req.steps) == len(view.steps)  # the colour's own chain
    assert req.in_force
    # the issue approvals do not count for the lift
    queue = w.svc.approval_queue(w.u[req.steps[0].role]) if req.steps[0].kind == "sign_off" else []
    assert all(i.phase == "lift" for i in queue if i.warning_id == view.id)
    done = walk(w, view.id)
    assert done.status == "lift_approved"
    refused(PermissionDenied, w.svc.lift, w.u["department"], view.id)
    lifted = w.svc.lift(w.u["office_director"], view.id, "危险已消除")
    assert lifted.status == "lifted"
    phases = {r.phase for r in w.svc.history(view.id) if r.decision in ("approved", "requested")}
    assert phases == {"issue", "lift"}
    actions = [e.action for e in audit_entries(db, view.id)]
    assert actions[-1] == "warning.lift" and "warning.request_lift" in actions


def test_rejected_lift_request_keeps_the_warning_in_force(world):
    w = world("dongcheng", lift_approval=True)
    view = issued(w, "orange")
    w.svc.request_lift(w.u["author"], view.id, "雨停了")
    refused(PermissionDenied, w.svc.approve, w.u["author"], view.id)  # an office director it is not
    back = w.svc.reject(w.u["office_director"], view.id, "仍有强降雨云团")
    assert back.status == "issued" and back.phase is None
    again = w.svc.request_lift(w.u["author"], view.id, "雨确实停了")
    assert again.next_step == 1


def test_requester_cannot_approve_own_lift_request(world):
    w = world("dongcheng", lift_approval=True)
    view = issued(w, "orange")
    w.svc.request_lift(w.u["self_office_director"], view.id, "危险已消除")
    err = refused(PermissionDenied, w.svc.approve, w.u["self_office_director"], view.id)
    assert "自己" in err.zh


# ---------------------------------------------------------------- adjustment (3.2.6)


def test_dongcheng_3_2_6_raise_orange_to_red_goes_through_the_red_chain_and_supersedes(world):
    """Dongcheng 3.2.6: the 区应急委 adjusts; raising to red needs the red chain (office, then the 区长)."""
    w = world("dongcheng")
    db = w.db
    old = issued(w, "orange")
    w.svc.tick_measure(w.u["desk"], old.measures[0].check_id)
    new = w.svc.adjust(w.u["author"], old.id, dataclasses.replace(w.svc.content_of(old.id), colour="red",
                                                                   title="暴雨红色预警"))
    assert new.status == "draft" and new.previous_id == old.id and new.is_adjustment
    assert [(s.role, s.kind) for s in new.steps] == [("office_director", "sign_off"), ("committee_director", "sign_off")]
    w.svc.submit(w.u["author"], new.id)
    walk(w, new.id)
    assert w.svc.get(old.id).status == "issued"  # in force until the adjustment is issued
    out = w.svc.issue(w.u["office_director"], new.id, ["应急广播"])
    assert out.status == "issued"
    superseded = w.svc.get(old.id)
    assert superseded.status == "superseded" and superseded.superseded_by_id == new.id
    carried = next(m for m in out.measures if m.measure_id == old.measures[0].measure_id)
    assert carried.done_at is not None and "沿用" in carried.note
    assert [v.id for v in w.svc.lineage(new.id)] == [old.id, new.id]
    assert [a.id for a in w.svc.active_warnings()] == [new.id]
    actions = [e.action for e in audit_entries(db, old.id)]
    assert actions[-1] == "warning.supersede"


@pytest.mark.parametrize("key", PROFILES)
def test_3_2_6_lowering_red_to_blue_still_needs_the_adjustment_approval(world, key):
    """3.2.6: an adjustment is approved by the body the plan names (区应急委领导 / 区应急委), even to blue."""
    w = world(key)
    old = issued(w, "red")
    new = w.svc.adjust(w.u["author"], old.id, dataclasses.replace(w.svc.content_of(old.id), colour="blue"))
    roles = [s.role for s in new.steps]
    adjust = w.profile.warnings.adjust
    assert adjust.by.value in roles and all(s.role.value in roles for s in adjust.steps)
    assert roles == [s.role.value for s in approval_chain(w.profile, "blue", "natural", adjustment=True)]
    w.svc.submit(w.u["author"], new.id)
    walk(w, new.id)
    out = w.svc.issue(w.u["department"], new.id, [w.profile.warnings.channels[0]])
    assert out.colour == "blue" and w.svc.get(old.id).status == "superseded"


def test_adjustment_refusals(world):
    w = world("tongzhou")
    old = issued(w, "orange")
    same = w.svc.content_of(old.id)
    refused(UserError, w.svc.adjust, w.u["author"], old.id, same)
    draft = w.svc.draft(w.u["author"], content("yellow"))
    refused(UserError, w.svc.adjust, w.u["author"], draft.id, content("red"))
    new = w.svc.adjust(w.u["author"], old.id, dataclasses.replace(same, colour="red"))
    w.svc.submit(w.u["author"], new.id)
    walk(w, new.id)
    w.svc.lift(w.u["office_director"], old.id, "危险已消除")  # Tongzhou 3.2.7 (L1741): lifted at once
    err = refused(UserError, w.svc.issue, w.u["office_director"], new.id, ["广播"])
    assert "原预警" in err.zh
    refused(NotFound, w.svc.adjust, w.u["author"], 999999, same)


# ---------------------------------------------------------------- queries the GUI needs


def test_approval_queue_lists_what_the_actor_can_sign_now(world):
    w = world("dongcheng")
    orange = submitted(w, "orange")
    red = submitted(w, "red", author="self_office_director")
    blue = submitted(w, "blue")
    assert [i.warning_id for i in w.svc.approval_queue(w.u["office_director"])] == [orange.id, red.id]
    assert [i.warning_id for i in w.svc.approval_queue(w.u["self_office_director"])] == [orange.id]  # not its own
    assert w.svc.approval_queue(w.u["leader_in_charge"]) == []  # step 1 first
    assert w.svc.approval_queue(w.u["outsider"]) == []
    w.svc.approve(w.u["office_director"], orange.id)
    item = w.svc.approval_queue(w.u["leader_in_charge"])[0]
    assert (item.warning_id, item.step_no, item.role, item.phase, item.author_name) == (
        orange.id, 2, "leader_in_charge", "issue", "用户author")
    assert item.last_decision_at is not None
    blue_items = [i for i in w.svc.approval_queue(w.u["department"]) if i.warning_id == blue.id]
    assert [(i.kind, i.ready) for i in blue_items] == [("issue", True)]  # nothing to sign: the issuer issues it
    assert w.svc.approval_queue(w.u["two_hats"])[0].warning_id == orange.id


def test_active_warnings_by_colour_with_age(world):
    w = world("pinggu")
    t1 = dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.UTC)
    ids = {}
    for colour, hours in (("blue", 5), ("red", 1), ("yellow", 3)):
        v = w.svc.draft(w.u["author"], content(colour))
        w.svc.submit(w.u["author"], v.id)
        walk(w, v.id)
        issuer = w.svc.get(v.id).issuer_role
        ids[colour] = w.svc.issue(w.u[issuer], v.id, ["广播"], now=t1 - dt.timedelta(hours=hours)).id
    board = w.svc.active_by_colour(now=t1)
    assert list(board) == ["red", "orange", "yellow", "blue"] and board["orange"] == []
    assert board["red"][0].age == dt.timedelta(hours=1) and board["blue"][0].age == dt.timedelta(hours=5)
    assert [a.id for a in w.svc.active_warnings(now=t1)] == [ids["red"], ids["yellow"], ids["blue"]]
    assert board["red"][0].measures_total == 12 and board["red"][0].measures_done == 0
    w.svc.lift(w.u["department"], ids["blue"])
    assert w.svc.active_by_colour(now=t1)["blue"] == []


def test_history_keeps_voided_approvals_with_reasons(world):
    w = world("dongcheng")
    view = submitted(w, "orange")
    w.svc.approve(w.u["office_director"], view.id, "同意")
    w.svc.return_for_changes(w.u["leader_in_charge"], view.id, "请补充影响范围")
    h = w.svc.history(view.id)
    assert [(r.step_no, r.decision, r.voided) for r in h] == [(1, "approved", True), (2, "returned", False)]
    assert "退回" in h[0].voided_reason and h[1].comment == "请补充影响范围"
    assert h[0].user_name == "用户office_director"


def test_actions_for_follow_the_commands(world):
    """The buttons the GUI enables: exactly what the service would accept from this actor now."""
    w = world("dongcheng", lift_approval=True)
    u, svc = w.u, w.svc
    v = svc.draft(u["author"], content("orange"))
    assert svc.actions_for(u["author"], v.id) == {"edit", "submit", "withdraw"}
    assert svc.actions_for(u["office_director"], v.id) == set()
    svc.submit(u["author"], v.id)
    assert svc.actions_for(u["office_director"], v.id) == {"approve", "reject", "return"}
    assert svc.actions_for(u["leader_in_charge"], v.id) == set()
    assert svc.actions_for(u["author"], v.id) == {"edit", "withdraw"}
    walk(w, v.id)
    assert svc.actions_for(u["office_director"], v.id) == {"issue"}
    svc.issue(u["office_director"], v.id, ["广播"])
    assert svc.actions_for(u["author"], v.id) == {"adjust", "request_lift", "tick_measure"}
    # a profile where lifting orange needs approval: not even the issuer may lift yet; the 区长 does nothing here
    assert "lift" not in svc.actions_for(u["office_director"], v.id)
    assert svc.actions_for(u["committee_director"], v.id) == set()
    svc.request_lift(u["author"], v.id, "危险已消除")
    assert svc.actions_for(u["author"], v.id) == {"tick_measure"}
    walk(w, v.id)
    assert "lift" in svc.actions_for(u["office_director"], v.id)
    t = world("tongzhou")
    x = t.svc.draft(t.u["author"], content("red"))
    t.svc.submit(t.u["author"], x.id)
    sign(t, x.id, t.svc.get(x.id).steps[0])
    assert t.svc.actions_for(t.u["desk"], x.id) == {"record_external"}
    assert t.svc.actions_for(t.u["leader_in_charge"], x.id) == set()


def test_chain_preview_and_content_of(world):
    w = world("tongzhou")
    assert [s.role for s in w.svc.chain_preview("red", "natural")] == ["leader_in_charge", "city_emergency_office"]
    refused(UserError, w.svc.chain_preview, "pink", "natural")
    v = w.svc.draft(w.u["author"], content("orange"))
    back = w.svc.content_of(v.id)
    assert isinstance(back, WarningContent) and back.ends_at == content("orange").ends_at
    assert back.expected_duration == "12小时"
    refused(NotFound, w.svc.get, 424242)
    assert [x.id for x in w.svc.list_warnings(["draft"])] == [v.id]


def test_demo_supervisor_approves_from_the_queue(demo_db):
    """With the demo users (Dongcheng): a department drafts orange, 唐军 then 谢文 sign, 唐军 issues."""
    from dutyroom.domain.profile_loader import load_profile
    from dutyroom.services.auth import AuthService
    from dutyroom.services.warnings import WarningService

    auth = AuthService(demo_db)
    svc = WarningService(demo_db, load_profile("dongcheng"))
    dept, office, leader = (auth.login(u, "dutyroom") for u in ("fengqing", "tangjun", "xiewen"))
    v = svc.draft(dept, content("orange"))
    svc.submit(dept, v.id)
    assert [i.warning_id for i in svc.approval_queue(office)] == [v.id]
    svc.approve(office, v.id, "同意")
    svc.approve(leader, svc.approval_queue(leader)[0].warning_id, "同意发布")
    assert svc.issue(office, v.id, ["应急广播"]).status == "issued"


# ---------------------------------------------------------------- the pure state machine


def test_state_machine_refuses_what_is_not_a_transition():
    assert transition("draft", Event.submit) == Status.pending
    assert transition("returned", Event.edit) == Status.draft
    assert transition("lift_pending", Event.reject) == Status.issued
    for status, event in [("issued", Event.edit), ("rejected", Event.submit), ("lifted", Event.lift),
                          ("draft", Event.issue), ("superseded", Event.request_lift)]:
        with pytest.raises(TransitionError) as info:
            transition(status, event)
        assert info.value.zh and info.value.en


def test_next_step_in_order():
    assert next_step(2, []) == 1 and next_step(2, [1]) == 2 and next_step(2, [1, 2]) is None
    assert next_step(0, []) is None
    with pytest.raises(TransitionError):
        next_step(3, [2])


def test_content_hash_covers_content_not_workflow():
    base = {"title": "t", "colour": "red", "start_at": T0}
    assert content_hash(base) == content_hash(dict(base, status="issued"))
    assert content_hash(base) != content_hash(dict(base, colour="orange"))
    assert content_hash(base) == content_hash(dict(base, start_at=T0.astimezone(dt.timezone(dt.timedelta(hours=8)))))
    assert lift_hash(content_hash(base)) != content_hash(base)


def test_duration_and_end_round_trip():
    end = dt.datetime(2026, 7, 2, 4, 0, tzinfo=dt.UTC)
    stored = compose_duration("12小时", end)
    assert stored == "12小时（至2026-07-02 12:00）"
    assert split_duration(stored) == ("12小时", end)
    assert split_duration("约两天") == ("约两天", None) and compose_duration(" ", None) is None


@pytest.mark.parametrize("key", PROFILES)
def test_every_content_field_label_of_every_profile_is_known(key):
    from dutyroom.domain.profile_loader import load_profile

    profile = load_profile(key)
    labels = list(profile.warnings.content_fields)
    for extra in profile.warnings.category_content_fields.values():
        labels += extra
    assert [x for x in labels if x not in FIELD_COLUMNS] == []
    assert ("hotline", "咨询电话") in required_fields(profile, "public_health")
