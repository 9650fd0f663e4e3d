"""Issue 20 escalation steps: the steps the plans name are recorded on the incident (who was named, by whom decided),
audited and logged with their clause; a step the plan requires before the end holds the end until it is recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.actor import SYSTEM
from dutyroom.services.auth import AuthService
from dutyroom.services.errors import UserError
from dutyroom.services.responses import ResponseService
from dutyroom.store.models import AuditEntry, Incident, IncidentLogEntry, Person
from tests.helpers.seeds import seed_lines

T0 = dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    from dutyroom.store.database import Database

    db = Database(f"sqlite:///{tmp_path_factory.mktemp('steps') / 's.db'}")
    db.migrate()
    officer = AuthService(db).create_user(SYSTEM, "officer", "值班员甲", "duty-pass-2026", ["duty_officer"])
    with db.write() as s:
        person = Person(name="指挥甲")
        s.add(person)
        s.flush()
        pid = person.id
    yield db, officer, pid
    db.dispose()


def incident(db, officer, key: str, category: str, grade: str, **flags) -> int:
    with db.write() as s:
        inc = Incident(profile_key=key, profile_version=load_profile(key).version, status="open", title="测试事件",
                       category=category, received_at=T0, created_by_id=officer.id, grade_confirmed=grade, **flags)
        s.add(inc)
        s.flush()
        return inc.id


def test_dongcheng_4_3_5_who_the_committee_named_lead_unit_is_recorded(env):
    """dongcheng_2022_general_plan.txt L553: 尚不能判定事件等级且未明确处置主责部门的…由区应急委指定主责部门."""
    assert "由区应急委指定主责部门" in seed_lines("dongcheng_2022_general_plan.txt")[552]
    db, officer, _pid = env
    iid = incident(db, officer, "dongcheng", "social", "unknown")
    svc = ResponseService(db, load_profile("dongcheng"))
    assert "lead" in {st.id for st in svc.steps(iid)}
    info = svc.record_step(officer, iid, "lead", by="区城管执法局", now=T0 + dt.timedelta(minutes=20))
    assert info.recorded[0][1] == "区城管执法局"
    with db.read() as s:
        log = s.scalars(select(IncidentLogEntry.text).where(IncidentLogEntry.incident_id == iid)).all()
        audit_after = s.scalar(select(AuditEntry.after).where(AuditEntry.action == "response.step",
                                                              AuditEntry.entity_id == str(iid)))
    assert any("区城管执法局" in t and "4.3.5" in t for t in log)
    assert audit_after["step"] == "lead" and audit_after["by"] == "区城管执法局"
    assert svc.current(iid) is None  # a recorded step never starts a level


def test_a_step_the_plan_does_not_name_for_this_incident_is_refused(env):
    db, officer, _pid = env
    iid = incident(db, officer, "dongcheng", "accident", "ordinary")
    with pytest.raises(UserError):
        ResponseService(db, load_profile("dongcheng")).record_step(officer, iid, "lead", now=T0)


def test_pinggu_public_health_4_5_no_end_before_the_expert_assessment(env):
    """pinggu_2022_general_plan_and_public_health_plan.txt L3803-L3805: 经组织有关专家进行分析研判后，…应急响应终止."""
    assert "有关专家进行分析研判后" in seed_lines("pinggu_2022_general_plan_and_public_health_plan.txt")[3804]
    db, officer, pid = env
    iid = incident(db, officer, "pinggu", "public_health", "ordinary")
    svc = ResponseService(db, load_profile("pinggu"))
    level = svc.levels(iid)[-1].key
    svc.activate(officer, iid, level, pid, now=T0 + dt.timedelta(minutes=5))
    with pytest.raises(UserError) as refused:
        svc.end(officer, iid, now=T0 + dt.timedelta(hours=5))
    assert "专家分析研判" in refused.value.zh and "公卫预案4.5" in refused.value.zh
    svc.record_step(officer, iid, "ph-end", by="区指挥部组织的专家组", now=T0 + dt.timedelta(hours=6))
    svc.end(officer, iid, now=T0 + dt.timedelta(hours=6, minutes=1))
    assert svc.current(iid) is None


def test_tongzhou_4_8_2_ordinary_response_ends_after_the_committee_approves(env):
    """tongzhou_2022_general_plan.txt L1965: 一般突发事件…经区应急委批准后宣布应急结束 (a 较大 event: no such step)."""
    assert "经区应急委批准后宣布应急结束" in seed_lines("tongzhou_2022_general_plan.txt")[1964]
    db, officer, pid = env
    svc = ResponseService(db, load_profile("tongzhou"))
    ordinary = incident(db, officer, "tongzhou", "accident", "ordinary")
    svc.activate(officer, ordinary, svc.levels(ordinary)[-1].key, pid, now=T0 + dt.timedelta(minutes=5))
    with pytest.raises(UserError):
        svc.end(officer, ordinary, now=T0 + dt.timedelta(hours=1))
    svc.record_step(officer, ordinary, "end-ok", now=T0 + dt.timedelta(hours=2))
    svc.end(officer, ordinary, now=T0 + dt.timedelta(hours=2, minutes=1))
    large = incident(db, officer, "tongzhou", "accident", "large")
    svc.activate(officer, large, svc.levels(large)[0].key, pid, now=T0 + dt.timedelta(minutes=5))
    svc.end(officer, large, now=T0 + dt.timedelta(hours=1))


def test_dongcheng_prominent_situation_suggests_the_level_three_response(env):
    """dongcheng_2022_general_plan.txt L535: 各类突出情况，由街道（地区）启动三级响应."""
    db, officer, _pid = env
    svc = ResponseService(db, load_profile("dongcheng"))
    assert svc.suggested_level(incident(db, officer, "dongcheng", "social", "unknown")) is None
    assert svc.suggested_level(incident(db, officer, "dongcheng", "social", "unknown", prominent=True)).key == "III"
