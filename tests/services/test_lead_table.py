"""The 处置分工 table: edits keep history (valid_to on the old rows), are audited, and the intake sees them."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.errors import PermissionDenied, UserError
from dutyroom.services.incidents import IncidentService
from dutyroom.services.lead_table import LeadTableService
from dutyroom.services.plans import PlanService
from dutyroom.store.models import AuditEntry, LeadAssignment
from tests.helpers.actors import actors_by_username


@pytest.fixture
def desk(demo_db):
    profile = load_profile("dongcheng")
    return LeadTableService(demo_db, profile), IncidentService(demo_db, profile), actors_by_username(demo_db)


def _fire(rows):
    return next(r for r in rows if r.event_type == "火灾事故")


def test_table_shows_the_profile_rows_in_order_with_phones(desk):
    service, _, users = desk
    rows = service.table(users["zhouning"])
    profile = service.profile
    assert [r.event_type for r in rows] == [r.event_type for r in profile.lead_departments]
    fire = _fire(rows)
    assert fire.lead_units == tuple(next(r for r in profile.lead_departments if r.event_type == "火灾事故").lead_units)


def test_edit_keeps_history_is_audited_and_the_intake_sees_it(desk):
    service, incidents, users = desk
    director = users["tangjun"]  # office director in the demo
    fire = _fire(service.table(director))
    old = [(e.unit, e.role) for e in fire.entries]
    new = [("区消防救援支队", "lead"), (old[0][0], "lead"), ("区卫生健康委", "participant")]
    T0 = dt.datetime.now(dt.UTC)  # the instant of the edit
    edited = service.set_units(director, fire.event_type_id, new, now=T0, reason="机构改革调整")
    assert [(e.unit, e.role) for e in edited.entries] == new
    # the intake wizard's lookup reads the edited table, in the new order
    units = incidents.lead_units(users["zhouning"], "accident", "火灾事故")
    assert [(u.name, u.role) for u in units] == new
    # history: old rows closed at T0, new rows open from T0; the table as it stood before is still there
    history = service.history(director, fire.event_type_id)
    closed = [(h.unit, h.role) for h in history if h.valid_to is not None]
    assert closed == old and all(h.valid_to == T0 for h in history if h.valid_to)
    assert [(h.unit, h.role) for h in history if h.valid_to is None] == new
    before = _fire(service.table(director, on=T0 - dt.timedelta(microseconds=1)))
    assert [(e.unit, e.role) for e in before.entries] == old
    with service.db.read() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "lead_table.edit"))
        assert entry.username == "tangjun" and entry.after["reason"] == "机构改革调整"
        assert entry.before["units"] == [list(x) for x in old]
        assert s.scalar(select(LeadAssignment).where(LeadAssignment.valid_to.is_(None),
                                                     LeadAssignment.event_type_id == fire.event_type_id)
                        .limit(1)) is not None


def test_plans_show_the_edited_lead_units(desk):
    service, _, users = desk
    director = users["tangjun"]
    plans = PlanService(service.db, service.profile)
    plans.seed_library(users["admin"])
    fire = _fire(service.table(director))
    covering = plans.plans_for_event_type(director, "火灾事故")
    assert covering, "a plan covers fire accidents"
    service.set_units(director, fire.event_type_id, [("某新设牵头单位", "lead")])
    assert "某新设牵头单位" in plans.plans_for_event_type(director, "火灾事故")[0].lead_units


def test_bad_edits_are_refused_and_write_nothing(desk):
    service, _, users = desk
    fire = _fire(service.table(users["tangjun"]))
    with pytest.raises(UserError, match="至少需要一个牵头单位"):
        service.set_units(users["tangjun"], fire.event_type_id, [("区卫生健康委", "participant")])
    with pytest.raises(UserError, match="重复"):
        service.set_units(users["tangjun"], fire.event_type_id, [("区应急局", "lead"), ("区应急局", "lead")])
    with pytest.raises(PermissionDenied):
        service.set_units(users["zhouning"], fire.event_type_id, [("区应急局", "lead")])
    assert _fire(service.table(users["tangjun"])) == fire
    assert len(service.history(users["tangjun"], fire.event_type_id)) == len(fire.entries)


def test_rules_page_table_shows_the_edited_lead_units(desk):
    """规则查询's 处置分工 tab shows the table in force, not the profile's original, after an edit."""
    from dutyroom.services.rules_service import RulesService

    service, _, users = desk
    rules = RulesService(service.db, service.profile)
    before = next(r for r in rules.lead_table() if r.event_type == "火灾事故")
    assert len(rules.lead_table()) == 36  # Dongcheng 2.3.6: 36 event types
    fire = _fire(service.table(users["tangjun"]))
    service.set_units(users["tangjun"], fire.event_type_id, [("区消防救援支队", "lead"), ("区卫生健康委", "participant")])
    after = next(r for r in rules.lead_table() if r.event_type == "火灾事故")
    assert after.lead_units == ("区消防救援支队",) != before.lead_units
    assert len(rules.lead_table()) == 36
