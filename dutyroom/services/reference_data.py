"""Load a profile's tables into the database: organisations, event types, lead units, plans.

Idempotent: running it again adds what is missing and changes nothing that exists, so an
administrator's later edits to the lead-department table are never overwritten.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.profile_schema import Profile
from ..store import audit
from ..store.database import Database
from ..store.models import EventType, LeadAssignment, Organisation, Plan, PlanVersion, Setting
from .actor import SYSTEM, Actor


def get_or_create_org(s: Session, name: str, kind: str = "department") -> Organisation:
    org = s.scalar(select(Organisation).where(Organisation.name == name))
    if org is None:
        org = Organisation(name=name, kind=kind)
        s.add(org)
        s.flush()
    return org


def _org_kind(name: str) -> str:
    if name.startswith("市"):
        return "city"
    if name.endswith(("街道", "乡", "镇", "地区")):
        return "street"
    return "department"


def load_reference_data(db: Database, profile: Profile, by: Actor = SYSTEM) -> dict[str, int]:
    added = {"event_types": 0, "lead_assignments": 0, "plans": 0}
    with db.write() as s:
        # what is there already, in two statements (every start calls this: issue 21)
        have_types = set(s.scalars(select(EventType.name).where(EventType.profile_key == profile.key)))
        have_plans = set(s.scalars(select(Plan.name).where(Plan.profile_key == profile.key)))
        for row in profile.lead_departments:
            if row.event_type in have_types:
                continue
            have_types.add(row.event_type)
            et = EventType(profile_key=profile.key, category=row.category.value, name=row.event_type,
                           table_no=row.no, basis=row.basis)
            s.add(et)
            s.flush()
            added["event_types"] += 1
            for pos, unit in enumerate(row.lead_units):
                org = get_or_create_org(s, unit, _org_kind(unit))
                s.add(LeadAssignment(event_type_id=et.id, organisation_id=org.id, position=pos, role="lead"))
                added["lead_assignments"] += 1
            for pos, unit in enumerate(row.participants):
                org = get_or_create_org(s, unit, _org_kind(unit))
                s.add(LeadAssignment(event_type_id=et.id, organisation_id=org.id, position=100 + pos,
                                     role="participant"))
        for item in profile.plan_catalogue:
            if item.name in have_plans:
                continue
            have_plans.add(item.name)
            plan = Plan(profile_key=profile.key, name=item.name, plan_type=item.plan_type,
                        category=item.category.value if item.category else None,
                        drafting_unit="、".join(item.drafting_units), catalogue_no=item.no, status="in_force")
            s.add(plan)
            s.flush()
            s.add(PlanVersion(plan_id=plan.id, label="现行版本", status="in_force"))
            added["plans"] += 1
        if any(added.values()):
            audit.record_by(s, by, action="reference.load", entity="profile",
                            entity_id=profile.key, after={"version": profile.version, **added})
    return added


def get_setting(db: Database, key: str) -> str | None:
    with db.read() as s:
        row = s.get(Setting, key)
        return row.value if row else None


def set_setting(db: Database, key: str, value: str, by: Actor = SYSTEM) -> None:
    with db.write() as s:
        put_setting(s, by, key, value)


def put_setting(s, by: Actor, key: str, value: str) -> None:
    """Set one setting inside the caller's transaction, audited (nothing when the value is unchanged)."""
    row = s.get(Setting, key)
    before = row.value if row else None
    if before == value:
        return
    if row is None:
        s.add(Setting(key=key, value=value))
    else:
        row.value = value
    audit.record_by(s, by, action="setting.set", entity="setting",
                    entity_id=key, before={"value": before}, after={"value": value})
