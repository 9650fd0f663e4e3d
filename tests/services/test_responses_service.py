"""Response levels (应急响应) of an incident per each profile's section 4.3 (Pinggu public health: 4.x of its plan)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.actor import SYSTEM
from dutyroom.services.auth import AuthService
from dutyroom.services.errors import NotFound, PermissionDenied, UserError
from dutyroom.services.responses import ResponseService
from dutyroom.store.models import AuditEntry, Incident, IncidentLogEntry, Person, ResponseActivation
from tests.helpers.warnings import PROFILES

T0 = dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """One database, a duty officer, a department user and three contacts to command."""
    from dutyroom.store.database import Database

    db = Database(f"sqlite:///{tmp_path_factory.mktemp('responses') / 'r.db'}")
    db.migrate()
    auth = AuthService(db)
    officer = auth.create_user(SYSTEM, "officer", "值班员甲", "duty-pass-2026", ["duty_officer"])
    dept = auth.create_user(SYSTEM, "dept", "部门乙", "duty-pass-2026", ["department"])
    with db.write() as s:
        people = [Person(name=n) for n in ("指挥甲", "执行乙", "指挥丙")]
        people.append(Person(name="已停用", active=False))
        s.add_all(people)
        s.flush()
        ids = [p.id for p in people]
    yield db, officer, dept, ids
    db.dispose()


def incident(db, officer, key: str, category: str = "accident", grade: str = "unknown", status: str = "open") -> int:
    profile = load_profile(key)
    with db.write() as s:
        inc = Incident(profile_key=key, profile_version=profile.version, status=status, title="测试事件",
                       category=category, received_at=T0, created_by_id=officer.id, grade_confirmed=grade)
        s.add(inc)
        s.flush()
        return inc.id


def refused(exc_type, fn, *args, **kwargs):
    with pytest.raises(exc_type) as info:
        fn(*args, **kwargs)
    assert info.value.zh and info.value.en
    return info.value


@pytest.mark.parametrize("key", PROFILES)
def test_4_3_activate_raise_lower_end_through_every_level(env, key):
    """4.3: start at the lowest level, raise step by step to the highest, lower once, end; each step audited."""
    db, officer, _, (cmd, exe, cmd2, _) = env
    profile = load_profile(key)
    svc = ResponseService(db, profile)
    inc = incident(db, officer, key)
    levels = svc.levels(inc)
    assert 3 <= len(levels) <= 4 and [lv.rank for lv in levels] == list(range(1, len(levels) + 1))
    assert svc.current(inc) is None
    lowest, *higher = reversed(levels)
    t = T0 + dt.timedelta(minutes=10)
    cur = svc.activate(officer, inc, lowest.key, cmd, exe, at=t, now=t)
    assert (cur.level_key, cur.rank, cur.body, cur.commander_name, cur.executive_commander_name) == (
        lowest.key, lowest.rank, lowest.activated_by, "指挥甲", "执行乙")
    for i, lv in enumerate(higher, 1):
        t = T0 + dt.timedelta(minutes=10 + i)
        cur = svc.raise_level(officer, inc, lv.key, cmd2 if i == len(higher) else None, at=t, now=t)
        assert cur.level_key == lv.key and cur.since == t and cur.activated_at == T0 + dt.timedelta(minutes=10)
    assert cur.commander_name == "指挥丙" and cur.executive_commander_person_id == exe  # kept unless renamed
    t += dt.timedelta(minutes=5)
    cur = svc.lower_level(officer, inc, levels[1].key, at=t, now=t)
    assert cur.rank == 2
    svc.end(officer, inc, at=t + dt.timedelta(hours=1), now=t + dt.timedelta(hours=1))
    assert svc.current(inc) is None
    history = svc.history(inc)
    assert [h.action for h in history] == ["activate", *["raise"] * len(higher), "lower", "end"]
    assert history[-1].body == levels[1].ended_by and history[-1].level_key == levels[1].key
    assert all(h.recorded_by_name == "值班员甲" for h in history)
    with db.read() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.entity == "incident", AuditEntry.entity_id == str(inc))
                            .order_by(AuditEntry.seq)).all()
        log = s.scalars(select(IncidentLogEntry.text).where(IncidentLogEntry.incident_id == inc)).all()
    assert [e.action for e in entries] == [f"response.{h.action}" for h in history]
    assert entries[0].before == {"response": None} and entries[0].after["response"]["level"] == lowest.key
    assert entries[-1].before["response"]["level"] == levels[1].key and entries[-1].after["response"] is None
    assert all(e.user_id == officer.id and e.at for e in entries) and len(log) == len(history)


def test_refuses_nonsense_and_writes_nothing(env):
    """Raise to a lower level, lower to a higher one, a second activation, ending nothing, unknown keys."""
    db, officer, dept, (cmd, exe, _, inactive) = env
    svc = ResponseService(db, load_profile("dongcheng"))
    inc = incident(db, officer, "dongcheng")

    def count():
        with db.read() as s:
            return (s.scalar(select(func.count()).select_from(ResponseActivation)),
                    s.scalar(select(func.count()).select_from(AuditEntry)))

    before = count()
    refused(UserError, svc.end, officer, inc)
    refused(UserError, svc.raise_level, officer, inc, "I")
    refused(UserError, svc.activate, officer, inc, "V", cmd)
    refused(UserError, svc.activate, officer, inc, "III", None)
    refused(UserError, svc.activate, officer, inc, "III", 99999)
    refused(UserError, svc.activate, officer, inc, "III", inactive)
    refused(UserError, svc.activate, officer, inc, "III", cmd, cmd)
    refused(UserError, svc.activate, officer, inc, "III", cmd, at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=2))
    refused(UserError, svc.activate, officer, inc, "III", cmd, at=dt.datetime(2026, 7, 1, 8, 0))
    refused(PermissionDenied, svc.activate, dept, inc, "III", cmd)
    refused(NotFound, svc.activate, officer, 424242, "III", cmd)
    assert count() == before
    svc.activate(officer, inc, "II", cmd, exe, at=T0, now=T0)
    before = count()
    refused(UserError, svc.activate, officer, inc, "I", cmd)
    refused(UserError, svc.raise_level, officer, inc, "III")
    refused(UserError, svc.raise_level, officer, inc, "II")
    refused(UserError, svc.lower_level, officer, inc, "I")
    refused(UserError, svc.raise_level, officer, inc, "I", at=T0 - dt.timedelta(minutes=1))
    assert count() == before


def test_closed_incident_cannot_change_response(env):
    db, officer, _, (cmd, *_) = env
    svc = ResponseService(db, load_profile("tongzhou"))
    inc = incident(db, officer, "tongzhou", status="closed")
    err = refused(UserError, svc.activate, officer, inc, "III", cmd)
    assert "已结束" in err.zh


def test_tongzhou_4_8_2_ending_names_the_body_the_plan_names(env):
    """Tongzhou 4.8.2: 一般 ended by the 区应急委, 较大 and above by the city (the body is recorded)."""
    db, officer, _, (cmd, *_) = env
    svc = ResponseService(db, load_profile("tongzhou"))
    low = incident(db, officer, "tongzhou")
    svc.activate(officer, low, "III", cmd)
    svc.end(officer, low)
    assert svc.history(low)[-1].body.startswith("区应急委")
    high = incident(db, officer, "tongzhou")
    svc.activate(officer, high, "I", cmd)
    svc.end(officer, high, note="市应急办宣布结束")
    assert "市" in svc.history(high)[-1].body and svc.history(high)[-1].note == "市应急办宣布结束"


def test_body_can_be_named_when_the_plan_allows_alternatives(env):
    """Beijing 4.3 IV: 事发地的区委、区政府, or a city department in special fields: the officer may name it."""
    db, officer, _, (cmd, *_) = env
    svc = ResponseService(db, load_profile("beijing"))
    inc = incident(db, officer, "beijing")
    cur = svc.activate(officer, inc, "IV", cmd, body="市交通委（轨道交通）")
    assert cur.body == "市交通委（轨道交通）"


def test_pinggu_public_health_uses_its_own_four_levels(env):
    """Pinggu public-health plan: four levels Ⅰ–IV with their own starting bodies; general plan: three."""
    db, officer, _, (cmd, *_) = env
    svc = ResponseService(db, load_profile("pinggu"))
    ph = incident(db, officer, "pinggu", category="public_health")
    general = incident(db, officer, "pinggu", category="accident")
    assert [lv.key for lv in svc.levels(ph)] == ["I", "II", "III", "IV"]
    assert len(svc.levels(general)) == 3
    cur = svc.activate(officer, ph, "IV", cmd)
    assert cur.body == "区委、区政府"
    refused(UserError, svc.activate, officer, general, "IV", cmd)


def test_suggested_level_from_the_confirmed_grade(env):
    """Dongcheng 4.3: 一般 points to 二级, 较大 and above to 一级; unknown suggests nothing."""
    db, officer, *_ = env
    svc = ResponseService(db, load_profile("dongcheng"))
    assert svc.suggested_level(incident(db, officer, "dongcheng", grade="ordinary")).key == "II"
    assert svc.suggested_level(incident(db, officer, "dongcheng", grade="major")).key == "I"
    assert svc.suggested_level(incident(db, officer, "dongcheng")) is None
