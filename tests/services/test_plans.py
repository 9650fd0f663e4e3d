"""The plan library and the plan lifecycle (石景山区突发事件应急预案管理办法, 2025: 第十三条-第四十三条)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from dutyroom.domain.plan_lifecycle import SPECIAL_REVIEWS, LifecycleError, StepRecord, apply_step, obligations
from dutyroom.domain.profile_loader import load_profile
from dutyroom.domain.workdays import Calendar
from dutyroom.services.actor import SYSTEM, Actor
from dutyroom.services.errors import PermissionDenied, UserError
from dutyroom.services.plans import PlanService
from dutyroom.services.reference_data import load_reference_data
from dutyroom.store.models import AuditEntry, PlanEvent, User, UserRole

ISSUED = dt.date(2026, 2, 6)  # a Friday, a week before the 2026 Spring Festival holiday


@pytest.fixture
def office(db):
    """Shijingshan's library with an office director, a drafting department and a duty officer."""
    profile = load_profile("shijingshan")
    load_reference_data(db, profile)
    actors = {}
    with db.write() as s:
        for name, role in (("director", "office_director"), ("dept", "department"), ("officer", "duty_officer")):
            u = User(username=name, display_name=f"测试{name}", password_hash="x", roles=[UserRole(role=role)])
            s.add(u)
            s.flush()
            actors[name] = Actor(u.id, u.username, u.display_name, frozenset({role}))
    service = PlanService(db, profile, Calendar())  # the library calendar only (no override file)
    service.seed_library(SYSTEM)
    return service, actors


def _special_plan(service, actors, name="石景山区燃气事故应急预案（测试）"):
    return service.create_plan(actors["director"], name, "special", "区城市管理委", category="accident")


def test_library_is_seeded_from_the_catalogue_with_lead_units_of_the_types_covered(office):
    service, actors = office
    library = service.library(actors["officer"])
    profile = service.profile
    assert {p.name for p in library} >= {c.name for c in profile.plan_catalogue}
    general = [p for p in library if p.plan_type == "general"]
    assert [p.name for p in general] == ["石景山区突发事件总体应急预案"]
    # several plans per type: the catalogue has dozens of special plans and a support block
    assert sum(p.plan_type == "special" for p in library) > 30 and any(p.plan_type == "support" for p in library)
    quake = next(p for p in library if "地震" in p.name and p.plan_type == "special")
    assert any("地震" in t for t in quake.event_types)
    row = next(r for r in profile.lead_departments if r.event_type in quake.event_types)
    assert set(row.lead_units) <= set(quake.lead_units)
    assert service.seed_library(SYSTEM) == {"plans": 0, "links": 0}  # idempotent


def test_several_plans_may_cover_one_event_type(office):
    service, actors = office
    library = service.library(actors["officer"])
    quake = next(p for p in library if "地震" in p.name and p.plan_type == "special")
    et_name = quake.event_types[0]
    second = service.create_plan(actors["director"], "某街道地震应急疏散预案", "street", "八角街道")
    with service.db.read() as s:
        from dutyroom.store.models import EventType
        et_id = s.scalar(select(EventType.id).where(EventType.profile_key == "shijingshan", EventType.name == et_name))
    service.set_event_types(actors["director"], second.id, [et_id])
    assert {p.id for p in service.plans_for_event_type(actors["officer"], et_name)} >= {quake.id, second.id}


def test_special_plan_walks_from_drafting_to_filing_across_the_spring_festival_then_drill_and_evaluation(office):
    service, actors = office
    plan = _special_plan(service, actors)
    dept = actors["dept"]
    # 第十三条: the draft may not go out for comments before the risk assessment and resource survey
    with pytest.raises(UserError, match="风险评估"):
        service.record_step(dept, plan.id, "consultation", dt.date(2025, 9, 1), "区城市管理委")
    service.record_step(dept, plan.id, "risk_assessment", dt.date(2025, 8, 1), "区城市管理委",
                        note="燃气管网泄漏、爆炸风险")
    service.record_step(dept, plan.id, "resource_survey", dt.date(2025, 8, 15), "区城市管理委")
    service.record_step(dept, plan.id, "consultation", dt.date(2025, 9, 1), "区城市管理委", note="书面征求意见")
    # 第二十七条(一): the reviews in order; submitting before they are done is refused
    with pytest.raises(UserError, match="专家评审"):
        service.record_step(dept, plan.id, "submit_approval", dt.date(2025, 9, 20), "区城市管理委")
    with pytest.raises(UserError, match="专家评审"):
        service.record_step(dept, plan.id, "legal_review", dt.date(2025, 9, 20), "区司法局")
    day = dt.date(2025, 10, 1)
    for kind in SPECIAL_REVIEWS:
        day += dt.timedelta(days=7)
        service.record_step(dept, plan.id, kind, day, "专家组" if kind == "expert_review" else "区有关单位")
    service.record_step(dept, plan.id, "submit_approval", dt.date(2026, 1, 5), "区城市管理委")
    detail = service.detail(actors["officer"], plan.id)
    assert detail.summary.state == "pending_approval" and detail.approver.startswith("区政府")
    service.record_step(actors["director"], plan.id, "approval", dt.date(2026, 1, 30), "区政府常务会议")
    service.record_step(actors["director"], plan.id, "issue", ISSUED, "区应急委", doc_no="石应急委发〔2026〕1号")

    # 第三十一条: filing within 20 working days of issue. Counted by hand from the 2026 calendar:
    # Feb 9-13 (5), Sat Feb 14 make-up day (6), Feb 15-23 Spring Festival off, Feb 24-27 (10),
    # Sat Feb 28 make-up day (11), Mar 2-6 (16), Mar 9-12 (20) → 12 March 2026.
    detail = service.detail(actors["officer"], plan.id)
    filing = next(o for o in detail.obligations if o.kind == "filing")
    assert filing.due_on == dt.date(2026, 3, 12) and filing.basis == "第三十一条"
    assert dt.date(2026, 3, 12) != ISSUED + dt.timedelta(weeks=4)  # not a plain four calendar weeks
    issue_event = next(e for e in detail.events if e.kind == "issue")
    assert issue_event.due_on == dt.date(2026, 3, 12) and issue_event.by == "区应急委"
    due = service.due_list(actors["officer"], today=dt.date(2026, 3, 12))
    mine = {d.kind: d for d in due if d.plan_id == plan.id}
    assert mine["filing"].state == "due" and mine["disclosure"].state == "due"
    due = service.due_list(actors["officer"], today=dt.date(2026, 3, 13))
    assert next(d for d in due if d.plan_id == plan.id and d.kind == "filing").state == "overdue"
    # filed on the last day: no longer due
    service.record_step(actors["director"], plan.id, "filing", dt.date(2026, 3, 12), "区政府")
    assert not any(d.plan_id == plan.id and d.kind == "filing" for d in service.due_list(actors["officer"],
                                                                                      today=dt.date(2026, 3, 13)))
    with pytest.raises(UserError, match="已登记"):
        service.record_step(actors["director"], plan.id, "filing", dt.date(2026, 3, 12), "区政府")

    # 第三十八条: a drill every 3 years at least; 第四十一条: evaluation every 3 years
    detail = service.detail(actors["officer"], plan.id)
    drill = next(o for o in detail.obligations if o.kind == "drill")
    evaluation = next(o for o in detail.obligations if o.kind == "evaluation")
    assert drill.due_on == dt.date(2029, 2, 6) and evaluation.due_on == dt.date(2029, 2, 6)
    service.record_step(dept, plan.id, "drill", dt.date(2026, 6, 10), "区城市管理委", note="桌面演练")
    service.record_step(dept, plan.id, "evaluation", dt.date(2026, 9, 1), "第三方评估机构")
    detail = service.detail(actors["officer"], plan.id)
    assert next(o for o in detail.obligations if o.kind == "drill").due_on == dt.date(2029, 6, 10)
    assert next(o for o in detail.obligations if o.kind == "evaluation").due_on == dt.date(2029, 9, 1)
    kinds = [e.kind for e in detail.events]
    assert kinds[:3] == ["risk_assessment", "resource_survey", "consultation"]
    assert kinds[-4:] == ["issue", "filing", "drill", "evaluation"]
    assert all(e.recorded_by for e in detail.events)
    with service.db.read() as s:
        actions = list(s.scalars(select(AuditEntry.action).where(AuditEntry.entity == "plan",
                                                                 AuditEntry.entity_id == str(plan.id))))
    assert "plan.step.issue" in actions and "plan.step.filing" in actions and "plan.step.drill" in actions


def test_overdue_drill_shows_on_the_due_list(office):
    service, actors = office
    plan = _special_plan(service, actors, "石景山区供热事故应急预案（测试）")
    _walk_to_issue(service, actors, plan.id, dt.date(2022, 3, 1))
    due = service.due_list(actors["officer"], today=dt.date(2026, 3, 1))
    drill = next(d for d in due if d.plan_id == plan.id and d.kind == "drill")
    assert drill.state == "overdue" and drill.due_on == dt.date(2025, 3, 1) and drill.basis == "第三十八条"


def _walk_to_issue(service, actors, plan_id, issued):
    dept = actors["dept"]
    day = issued - dt.timedelta(days=200)
    for kind in ("risk_assessment", "resource_survey", "consultation", *SPECIAL_REVIEWS, "submit_approval"):
        day += dt.timedelta(days=10)
        service.record_step(dept, plan_id, kind, day, "区有关单位")
    service.record_step(actors["director"], plan_id, "approval", issued - dt.timedelta(days=5), "区政府")
    service.record_step(actors["director"], plan_id, "issue", issued, "区应急委")


def test_minor_revision_for_contact_list_and_full_revision_for_command_changes(office):
    service, actors = office
    plan = _special_plan(service, actors, "石景山区电力事故应急预案（测试）")
    _walk_to_issue(service, actors, plan.id, dt.date(2025, 6, 10))
    dept = actors["dept"]
    # 第四十三条: a change to the command system needs the full procedure
    with pytest.raises(UserError, match="组织指挥体系与职责"):
        service.record_step(dept, plan.id, "minor_revision", dt.date(2025, 11, 3), "区城市管理委",
                            changes=["通讯录", "组织指挥体系与职责"])
    service.record_step(dept, plan.id, "minor_revision", dt.date(2025, 11, 3), "区城市管理委", changes=["通讯录"],
                        version_label="2025年通讯录更新")
    detail = service.detail(actors["officer"], plan.id)
    states = [(v.label, v.state) for v in detail.versions]
    assert states[-2][1] == "superseded" and states[-1] == ("2025年通讯录更新", "issued")
    # 第四十二条: a trigger, then a full revision drafts a new version while the old text stays in force
    with pytest.raises(UserError, match="修订情形"):
        service.record_step(dept, plan.id, "revision_required", dt.date(2026, 1, 5), "区城市管理委")
    service.record_step(dept, plan.id, "revision_required", dt.date(2026, 1, 5), "区城市管理委",
                        triggers=[service.profile.plan_management.revision_triggers[1]])
    service.record_step(dept, plan.id, "full_revision", dt.date(2026, 1, 6), "区城市管理委",
                        changes=["组织指挥体系与职责"])
    detail = service.detail(actors["officer"], plan.id)
    assert [v.state for v in detail.versions][-2:] == ["revision_required", "drafting"]
    assert detail.summary.state == "revision_required"  # the text in force is still the old one
    assert "risk_assessment" in detail.next_steps and "drill" in detail.next_steps
    service.record_step(dept, plan.id, "drill", dt.date(2026, 2, 2), "区城市管理委")  # the text in force
    event = next(e for e in service.detail(actors["officer"], plan.id).events if e.kind == "revision_required")
    assert event.details["triggers"] == ["应急指挥机构及其职责发生重大调整"]


def test_refusals_write_nothing_and_name_the_step(office):
    service, actors = office
    plan = _special_plan(service, actors, "石景山区供水事故应急预案（测试）")
    with service.db.read() as s:
        before = len(list(s.scalars(select(PlanEvent.id))))
    with pytest.raises(UserError, match="须经批准"):
        service.record_step(actors["dept"], plan.id, "issue", dt.date(2025, 1, 2), "区应急委")
    with pytest.raises(PermissionDenied):
        service.record_step(actors["officer"], plan.id, "risk_assessment", dt.date(2025, 1, 2), "区应急局")
    with pytest.raises(UserError, match="谁做的"):
        service.record_step(actors["dept"], plan.id, "risk_assessment", dt.date(2025, 1, 2), " ")
    with pytest.raises(PermissionDenied):
        service.create_plan(actors["officer"], "某预案", "unit", "某单位")
    with service.db.read() as s:
        assert len(list(s.scalars(select(PlanEvent.id)))) == before


def test_department_plan_has_no_special_reviews_and_is_approved_by_its_head():
    """第二十八条: a department plan is approved by the department's (or command body's) principal head."""
    history = [StepRecord("risk_assessment", dt.date(2025, 1, 1)), StepRecord("resource_survey", dt.date(2025, 1, 2)),
               StepRecord("consultation", dt.date(2025, 1, 3))]
    assert apply_step("departmental", "consultation", history, "submit_approval").new_state == "pending_approval"
    with pytest.raises(LifecycleError):
        apply_step("departmental", "consultation", history, "expert_review")
    with pytest.raises(LifecycleError):
        apply_step("special", "consultation", history, "submit_approval")


def test_cadences_come_from_the_profile():
    """Dongcheng's plan gives yearly drills (profile) and no filing deadline; Shijingshan 3 years and 20 days."""
    cal = Calendar()
    dong = obligations("special", dt.date(2025, 5, 6), [], load_profile("dongcheng").plan_management, cal)
    assert [(o.kind, o.due_on) for o in dong] == [("drill", dt.date(2026, 5, 6))]
    sjs = obligations("special", dt.date(2025, 5, 6), [], load_profile("shijingshan").plan_management, cal)
    kinds = {o.kind: o.due_on for o in sjs}
    assert kinds["drill"] == dt.date(2028, 5, 6) and set(kinds) == {"filing", "disclosure", "drill", "evaluation"}
    unit = obligations("unit", dt.date(2025, 5, 6), [], load_profile("shijingshan").plan_management, cal)
    assert "evaluation" not in {o.kind for o in unit}  # 第四十一条 covers government and department plans


def test_catalogue_plan_without_issue_date_gets_its_next_drill_from_the_recorded_one(office):
    """A plan taken over from the catalogue (no issue date on file): 第三十八条's cycle runs from its last drill."""
    service, actors = office
    plan = next(p for p in service.library(actors["officer"]) if p.plan_type == "special")
    assert not service.detail(actors["officer"], plan.id).obligations
    service.record_step(actors["dept"], plan.id, "drill", dt.date(2024, 5, 20), "区应急局", note="实战演练")
    drill = next(o for o in service.detail(actors["officer"], plan.id).obligations if o.kind == "drill")
    assert drill.due_on == dt.date(2027, 5, 20)
    assert not any(o.kind == "filing" for o in service.detail(actors["officer"], plan.id).obligations)


def test_shijingshan_16_38_support_plans_in_the_library_get_a_drill_due_date(office):
    """第十六条 with 第三十八条 (seeds/shijingshan_2025_plan_management_measures.txt lines 237, 340): a 保障类 plan
    is a special plan, drilled at least every 3 years; the cycle runs from its last recorded drill."""
    service, actors = office
    support = [p for p in service.library(actors["officer"]) if p.plan_type == "support"]
    assert support
    service.record_step(actors["dept"], support[0].id, "drill", dt.date(2024, 5, 20), "区应急局", note="桌面演练")
    drill = next(o for o in service.detail(actors["officer"], support[0].id).obligations if o.kind == "drill")
    assert drill.due_on == dt.date(2027, 5, 20) and drill.basis == "第三十八条"
