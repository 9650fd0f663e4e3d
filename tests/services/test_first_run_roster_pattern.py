"""Issue 18, first-run setup: "optionally ... the roster pattern". At first start no officer exists yet (only the
administrator), so the roster pattern chosen there is the 排班方式 (24-hour shifts or day and night shifts, with the
shift times domain/rotation.PATTERNS gives) the roster page starts with and generates by default. It is written in the
same checked, audited setup, and whoever makes the roster changes it later (audited)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from dutyroom.config import SettingKey
from dutyroom.services.auth import AuthService
from dutyroom.services.errors import PermissionDenied, UserError
from dutyroom.services.installation import FirstRun, InstallationService
from dutyroom.services.reference_data import get_setting
from dutyroom.services.roster import RosterService
from dutyroom.store.models import AuditEntry, Person
from tests.helpers.actors import actors_by_username
from tests.helpers.roster import bj, planned

PASSWORD = "Zhiban-2026-anquan"


def setup(db, key: str, organisation: str, short: str, pattern: str | None):
    return InstallationService(db).setup(FirstRun(
        profile=key, organisation=organisation, short=short, admin_username="admin", admin_name="管理员甲",
        admin_password=PASSWORD, roster_pattern=pattern))


def staff(db, admin):
    """What the administrator does after the setup: a shift leader and two duty officers (made-up people)."""
    with db.write() as s:
        ids = []
        for name in ("带班员甲", "值班员乙", "值班员丙"):
            person = Person(name=name, active=True)
            s.add(person)
            s.flush()
            ids.append(person.id)
    auth = AuthService(db)
    leader = auth.create_user(admin, "daiban1", "带班员甲", PASSWORD, ["shift_leader"], person_id=ids[0])
    auth.create_user(admin, "zhiban1", "值班员乙", PASSWORD, ["duty_officer"], person_id=ids[1])
    auth.create_user(admin, "zhiban2", "值班员丙", PASSWORD, ["duty_officer"], person_id=ids[2])
    return leader


@pytest.mark.parametrize("key, organisation, short", [
    ("tongzhou", "北京市通州区应急管理局", "通应急"),
    ("pinggu", "北京市平谷区应急管理局", "平应急"),
])
def test_the_pattern_chosen_at_first_start_is_the_roster_pages_starting_point(db, key, organisation, short):
    admin = setup(db, key, organisation, short, "day_night")
    svc = RosterService(db, InstallationService(db).current_profile())
    assert svc.default_pattern() == "day_night"
    # no officer and no shift exists yet, yet the empty month already has the chosen pattern's columns
    view = svc.month(admin, 2027, 1)
    assert view.pattern == "day_night"
    assert [(x.name, x.start) for x in view.shifts] == [("白班", "08:30"), ("夜班", "20:30")]
    with db.read() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "installation.setup"))
    assert entry.after["roster_pattern"] == "day_night" and entry.username == "admin"
    # the shift leader the administrator adds generates with it and saves a day/night month
    leader = staff(db, admin)
    cands = svc.candidates(leader)
    proposal = svc.propose(leader, 2027, 1, pattern=svc.month(leader, 2027, 1).pattern,
                           officers=[p.person_id for p in cands.officers], leaders=[p.person_id for p in cands.leaders])
    svc.save_month(leader, 2027, 1, pattern=proposal.pattern, entries=planned(proposal), now=bj(2026, 12, 20))
    saved = svc.month(leader, 2027, 1)
    assert {e.shift_name for e in saved.entries if e.shift_date == dt.date(2027, 1, 5)} == {"白班", "夜班"}


def test_without_a_choice_the_roster_page_starts_as_before(db):
    admin = setup(db, "dongcheng", "北京市东城区应急管理局", "东应急", None)
    svc = RosterService(db)
    assert svc.default_pattern() is None and get_setting(db, SettingKey.roster_pattern) is None
    view = svc.month(admin, 2027, 1)
    assert view.pattern is None and view.shifts == ()


def test_an_unknown_pattern_is_refused_before_anything_is_written(db):
    with pytest.raises(UserError, match="排班方式"):
        setup(db, "tongzhou", "北京市通州区应急管理局", "通应急", "three_shifts")
    assert InstallationService(db).needs_setup()  # not even the administrator was created
    assert get_setting(db, SettingKey.profile) is None


def test_the_roster_maker_changes_the_default_later_audited_and_a_duty_officer_may_not(db):
    admin = setup(db, "tongzhou", "北京市通州区应急管理局", "通应急", "24h")
    leader = staff(db, admin)
    svc = RosterService(db)
    svc.set_default_pattern(leader, "day_night")
    assert svc.default_pattern() == "day_night" and svc.month(leader, 2027, 2).pattern == "day_night"
    with db.read() as s:
        change = s.scalars(select(AuditEntry).where(AuditEntry.action == "setting.set",
                                                    AuditEntry.entity_id == SettingKey.roster_pattern.value)
                           .order_by(AuditEntry.id)).all()[-1]
    assert (change.username, change.before, change.after) == ("daiban1", {"value": "24h"}, {"value": "day_night"})
    officer = actors_by_username(db)["zhiban1"]
    with pytest.raises(PermissionDenied):
        svc.set_default_pattern(officer, "24h")
    with pytest.raises(UserError, match="未知的排班方式"):
        svc.set_default_pattern(leader, "three_shifts")
    assert svc.default_pattern() == "day_night"
