"""Shared set-up for the warning tests: one user per role, complete contents, walking a chain; the `world` fixture."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from sqlalchemy import select

from dutyroom.domain.profile_loader import PROFILE_DIR, load_profile
from dutyroom.services.actor import SYSTEM, Actor
from dutyroom.services.auth import AuthService
from dutyroom.services.warnings import WarningContent, WarningService
from dutyroom.store.models import AuditEntry
from tests.helpers.actors import actors_by_username

PROFILES = ["beijing", "dongcheng", "tongzhou", "pinggu", "shijingshan"]
COLOURS = ["blue", "yellow", "orange", "red"]
T0 = dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.UTC)
SIGNING_ROLES = ["office_director", "leader_in_charge", "committee_director"]

# name → roles. "author" drafts (a duty officer); one signer per approving role; "self_<role>" holds a
# signing role AND may draft (to prove nobody approves their own draft); "outsider" holds no approving role.
USERS: dict[str, list[str]] = {
    "author": ["duty_officer"],
    "desk": ["duty_officer"],
    "department": ["department"],
    "office_director": ["office_director"],
    "leader_in_charge": ["leader_in_charge"],
    "committee_director": ["committee_director"],
    "outsider": ["shift_leader", "admin"],
    "two_hats": ["office_director", "leader_in_charge", "committee_director"],
    **{f"self_{r}": ["duty_officer", r] for r in SIGNING_ROLES},
}


def make_users(db) -> dict[str, Actor]:
    auth = AuthService(db)
    return {name: auth.create_user(SYSTEM, name, f"用户{name}", "duty-pass-2026", roles) for name, roles in USERS.items()}


def make_world(db, key: str, users: dict[str, Actor] | None = None, profile_dir: Path | None = None) -> SimpleNamespace:
    profile = load_profile(key, profile_dir)
    return SimpleNamespace(db=db, profile=profile, svc=WarningService(db, profile, profile_dir),
                           u=users or make_users(db))


def lift_approval_profiles(directory: Path, key: str) -> Path:
    """A copy of the shipped profiles in which `key`'s orange and red lifts need approval.

    No shipped plan asks an approval to lift (issue 20 item 6), but a profile may (lift_needs_approval): the
    lift-request machinery is tested on such a copy."""
    directory.mkdir(parents=True, exist_ok=True)
    for path in PROFILE_DIR.glob("*.yaml"):
        shutil.copy(path, directory / path.name)
    raw = yaml.safe_load((PROFILE_DIR / f"{key}.yaml").read_text(encoding="utf-8"))
    policies = [raw["warnings"]["levels"], *raw["warnings"].get("category_overrides", {}).values()]
    for levels in policies:
        for colour in ("orange", "red"):
            levels[colour]["lift_needs_approval"] = True
    (directory / f"{key}.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return directory


def content(colour: str = "orange", category: str = "natural", **changes) -> WarningContent:
    base = WarningContent(
        title=f"暴雨{colour}预警", category=category, colour=colour, event_type="暴雨", start_at=T0,
        expected_duration="12小时", ends_at=T0 + dt.timedelta(hours=12), area="全区", cautions="强降雨，注意防范积水",
        measures_text="停止户外作业，远离低洼地带", issuing_unit="区应急办",
        situation="病例数持续上升" if category == "public_health" else None,
        public_advice="减少聚集，佩戴口罩" if category == "public_health" else None,
        hotline="010-55550120" if category == "public_health" else None,
    )
    return dataclasses.replace(base, **changes)


def sign(world: SimpleNamespace, warning_id: int, step, now: dt.datetime | None = None):
    """Decide one step the right way: the role's user signs, or the desk records the outside decision."""
    if step.kind == "external_decision":
        return world.svc.record_external(world.u["desk"], warning_id, decider="市应急办值班领导",
                                         reference="京应急字〔2026〕18号", decided_at=T0, comment="同意发布")
    return world.svc.approve(world.u[step.role], warning_id, comment="同意", now=now)


def walk(world: SimpleNamespace, warning_id: int):
    view = world.svc.get(warning_id)
    while view.next_step is not None:
        view = sign(world, warning_id, view.steps[view.next_step - 1])
    return view


def issued(world: SimpleNamespace, colour: str = "orange", category: str = "natural", **changes):
    """A warning drafted, approved through its whole chain and issued by the issuer role."""
    w = world.svc.draft(world.u["author"], content(colour, category, **changes))
    world.svc.submit(world.u["author"], w.id)
    view = walk(world, w.id)
    return world.svc.issue(world.u[view.issuer_role], w.id, [world.profile.warnings.channels[0]])


def audit_entries(db, warning_id: int) -> list[AuditEntry]:
    with db.read() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.entity == "warning",
                                                       AuditEntry.entity_id == str(warning_id))
                              .order_by(AuditEntry.seq)))


@pytest.fixture
def world(template_db, tmp_path_factory):
    """A fresh database (a copy of the template, users included) and a factory for a profile's service."""
    db = template_db("warnings", make_users)
    users = actors_by_username(db)

    def factory(key: str, lift_approval: bool = False) -> SimpleNamespace:
        directory = lift_approval_profiles(tmp_path_factory.mktemp("profiles"), key) if lift_approval else None
        return make_world(db, key, users, directory)
    return factory
