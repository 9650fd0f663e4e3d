"""Pinggu public-health warnings: the expert risk assessment before an orange/red proposal (公卫预案3.2.2(2))
and the city's approval of a level adjustment (公卫预案3.2.2(5)), both outside decisions recorded by hand."""

from __future__ import annotations

import dataclasses
import json

import pytest

from dutyroom.cli import main
from dutyroom.services.errors import UserError
from tests.helpers.seeds import seed_lines
from tests.helpers.warnings import T0, content, issued, make_world, walk

SEED = "pinggu_2022_general_plan_and_public_health_plan.txt"


def seed_text(first: int, last: int) -> str:
    return "".join(seed_lines(SEED)[first - 1:last])


def rules_warning(capsys, *args: str) -> dict:
    assert main(["rules", "warning", "--profile", "pinggu", *args]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("colour", ["orange", "red"])
def test_3_2_2_2_rules_warning_prints_the_expert_risk_assessment(capsys, colour):
    """Pinggu seed L3424-3426, 公卫预案3.2.2(2): 在提出红色预警、橙色预警建议前，市指挥部办公室组织专家进行风险评估."""
    assert "市指挥部办公室组织专家进行风险评估" in seed_text(3424, 3426)
    out = rules_warning(capsys, "--level", colour, "--category", "public_health")
    [pre] = out["preconditions"]
    assert (pre["role"], pre["kind"], pre["basis"]) == ("city_command_office", "external_decision", "公卫预案3.2.2(2)")
    assert "专家风险评估" in pre["label"] and pre["source_line"] == "A:L3424"
    # the general plan has no such step
    assert rules_warning(capsys, "--level", colour)["preconditions"] == []


def test_3_2_2_5_rules_warning_shows_the_city_approval_of_an_adjustment(capsys):
    """Pinggu seed L3437-3441, 公卫预案3.2.2(5): 经市指挥部总指挥或市委、市政府、市应急委领导批准后，适时调整预警级别."""
    assert "经市指挥部总指挥或市委、市政府、市应急委领导批准后，适时调整预警级别" in seed_text(3437, 3441)
    out = rules_warning(capsys, "--level", "yellow", "--category", "public_health")
    assert [(s["role"], s["kind"]) for s in out["adjustment"]["outside_decisions"]] == [
        ("city_leader", "external_decision")]
    assert out["adjustment"]["basis"] == "公卫预案3.2.2(5)"
    general = rules_warning(capsys, "--level", "yellow")["adjustment"]
    assert general["outside_decisions"] == [] and general["basis"] == "3.2.6"


@pytest.mark.parametrize("colour", ["orange", "red"])
def test_3_2_2_2_the_assessment_is_recorded_before_the_first_sign_off(world, colour):
    """Pinggu seed L3424: the district cannot sign an orange/red public-health proposal before the assessment."""
    w = world("pinggu")
    view = w.svc.draft(w.u["author"], content(colour, "public_health"))
    view = w.svc.submit(w.u["author"], view.id)
    first = view.steps[0]
    assert (first.step_no, first.role, first.kind) == (1, "city_command_office", "external_decision")
    signer = view.steps[1].role
    with pytest.raises(UserError) as err:
        w.svc.approve(w.u[signer], view.id, "同意")
    assert "专家风险评估" in err.value.zh
    view = w.svc.record_external(w.u["desk"], view.id, decider="市指挥部办公室（专家组组长 张某）",
                                 reference="评估报告2026-07", decided_at=T0, comment="风险评估为较高")
    done = view.steps[0]
    assert done.approved and done.external_decider == "市指挥部办公室（专家组组长 张某）"
    assert done.external_ref == "评估报告2026-07" and done.external_decided_at == T0
    assert view.next_step == 2
    assert w.svc.history(view.id)[0].kind == "external_decision"


def test_3_2_2_2_blue_yellow_and_general_warnings_need_no_assessment(world):
    w = world("pinggu")
    for colour, category in (("yellow", "public_health"), ("orange", "natural")):
        view = w.svc.draft(w.u["author"], content(colour, category))
        view = w.svc.submit(w.u["author"], view.id)
        assert all(s.role != "city_command_office" for s in view.steps)


def test_3_2_2_2_lifting_does_not_ask_for_the_assessment_again(world):
    """The assessment precedes a proposal (建议前), not a lift: where a profile asks approval to lift (no shipped
    one does, issue 20 item 6), the lift chain is the colour's district steps only."""
    w = world("pinggu", lift_approval=True)
    old = issued(w, "orange", "public_health")
    view = w.svc.request_lift(w.u["author"], old.id, "疫情得到控制")
    assert [s.role for s in view.steps] == ["leader_in_charge"]


def test_3_2_2_5_adjusting_a_public_health_level_needs_the_city_decision(world):
    """Pinggu seed L3437-3441: the adjustment cannot be approved until the city's approval is recorded."""
    w = world("pinggu")
    old = issued(w, "yellow", "public_health")
    new = w.svc.adjust(w.u["author"], old.id, dataclasses.replace(w.svc.content_of(old.id), colour="blue"))
    new = w.svc.submit(w.u["author"], new.id)
    assert [(s.role, s.kind) for s in new.steps] == [("office_director", "sign_off"),
                                                     ("city_leader", "external_decision")]
    new = w.svc.approve(w.u["office_director"], new.id, "同意")
    assert new.status == "pending" and new.steps[1].label == "市指挥部总指挥或市委、市政府、市应急委领导批准"
    with pytest.raises(UserError):  # not approved yet
        w.svc.issue(w.u["department"], new.id, ["广播"])
    new = w.svc.record_external(w.u["desk"], new.id, decider="市指挥部总指挥", reference="京卫应急〔2026〕3号",
                                decided_at=T0)
    assert new.status == "approved"
    assert w.svc.issue(w.u["department"], new.id, ["广播"]).status == "issued"


def test_3_2_2_5_an_adjustment_to_orange_also_needs_the_assessment(world):
    """3.2.2(2) speaks of any orange/red proposal, an adjustment included; 3.2.2(5) adds the city's approval."""
    w = world("pinggu")
    old = issued(w, "yellow", "public_health")
    new = w.svc.adjust(w.u["author"], old.id, dataclasses.replace(w.svc.content_of(old.id), colour="orange"))
    roles = [s.role for s in w.svc.submit(w.u["author"], new.id).steps]
    assert roles == ["city_command_office", "leader_in_charge", "office_director", "city_leader"]
    assert walk(w, new.id).status == "approved"


def test_general_adjustment_keeps_the_district_chain(world):
    """Pinggu 3.2.6 (general plan): 区应急办 then 区应急委领导, no outside decision."""
    w = world("pinggu")
    old = issued(w, "yellow")
    new = w.svc.adjust(w.u["author"], old.id, dataclasses.replace(w.svc.content_of(old.id), colour="blue"))
    assert [s.role for s in new.steps] == ["office_director", "committee_director"]


def test_a_lift_requested_before_the_approval_was_dropped_can_still_be_lifted(world):
    """Issue 20 item 6: a Dongcheng orange lift requested under the old reading (lift chain) must not get stuck
    once the profile lifts without approval (3.2.7 D:L473): the issuer lifts it."""
    old = world("dongcheng", lift_approval=True)
    view = issued(old, "orange")
    old.svc.request_lift(old.u["author"], view.id, "危险已消除")
    now = make_world(old.db, "dongcheng", old.u)
    assert now.svc.get(view.id).status == "lift_pending"
    assert now.svc.lift(now.u["office_director"], view.id, "危险已消除").status == "lifted"
    # while the profile still asks for it, an unapproved lift request cannot be lifted
    again = issued(old, "red")
    old.svc.request_lift(old.u["author"], again.id, "危险已消除")
    with pytest.raises(UserError):
        old.svc.lift(old.u["office_director"], again.id, "危险已消除")
