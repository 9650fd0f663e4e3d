"""A realistic demo district: duty-room users, contacts for the lead units, a shift pattern and
this month's roster. Every person is made up; posts follow the profile, names are invented."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from ..domain.profile_schema import Profile
from ..store import audit
from ..store.database import Database
from ..store.models import (
    Appointment,
    EventType,
    LeadAssignment,
    Organisation,
    Person,
    Post,
    RosterEntry,
    ShiftDefinition,
)
from .auth import SYSTEM, AuthService
from .reference_data import get_or_create_org, get_setting, set_setting

DEMO_PASSWORD = "dutyroom"

# (username, made-up name, roles, post title, organisation role)
DEMO_USERS = [
    ("admin", "系统管理员", ["admin"], None, None),
    ("zhouning", "周宁", ["duty_officer"], "值班员", "office"),
    ("sunhao", "孙浩", ["duty_officer"], "值班员", "office"),
    ("heli", "何丽", ["duty_officer"], "值班员", "office"),
    ("gaopeng", "高鹏", ["duty_officer"], "值班员", "office"),
    ("luomin", "罗敏", ["shift_leader"], "值班室主任", "office"),
    ("tangjun", "唐军", ["shift_leader", "office_director"], "应急办主任", "office"),
    ("xiewen", "谢文", ["leader_in_charge", "shift_leader"], "分管副区长", "government"),
    ("hanyu", "韩宇", ["committee_director"], "区长", "government"),
    ("fengqing", "冯青", ["department"], "应急科科长", "department"),
]

_SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛范彭郎鲁韦昌马苗凤花方俞任袁柳"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬斌宇浩凯健俊帆帅旭宁晨"


def _fake_name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


def _fake_phone(rng: random.Random, mobile: bool) -> str:
    # 010-5555xxxx and 1380000xxxx are outside the numbers Beijing issues to offices and people here.
    return f"1380000{rng.randrange(10000):04d}" if mobile else f"010-5555{rng.randrange(10000):04d}"


def _office_name(profile: Profile) -> str:
    return "市应急办" if profile.level == "city" else f"{profile.name}应急办"


def install_demo(db: Database, profile: Profile, today: dt.date | None = None) -> bool:
    """Fill the demo district once; returns False when it is already there."""
    if get_setting(db, "demo") == "1":
        return False
    rng = random.Random(20260701)
    today = today or dt.date.today()
    auth = AuthService(db)
    with db.write() as s:
        office = get_or_create_org(s, _office_name(profile), "office")
        office.duty_phone, office.fax = "010-55550110", "010-55550119"
        gov = get_or_create_org(s, f"{profile.name}人民政府" if profile.level == "district" else "北京市人民政府",
                                "leadership")
        dept = get_or_create_org(s, f"{profile.name}应急管理局" if profile.level == "district" else "北京市应急管理局")
        orgs = {"office": office, "government": gov, "department": dept}
        person_ids: dict[str, int] = {}
        for username, name, _roles, title, org_key in DEMO_USERS:
            if title is None:
                continue
            person = Person(name=name, mobile=_fake_phone(rng, True), office_phone=_fake_phone(rng, False))
            s.add(person)
            post = s.scalar(select(Post).where(Post.organisation_id == orgs[org_key].id, Post.title == title))
            if post is None:
                post = Post(organisation_id=orgs[org_key].id, title=title, office_phone=_fake_phone(rng, False))
                s.add(post)
            s.flush()
            s.add(Appointment(person_id=person.id, post_id=post.id, start_date=today.replace(day=1, month=1)))
            person_ids[username] = person.id
        # Every lead unit gets a duty phone, a fax and a made-up head and duty contact.
        lead_orgs = s.scalars(
            select(Organisation).join(LeadAssignment, LeadAssignment.organisation_id == Organisation.id)
            .join(EventType, EventType.id == LeadAssignment.event_type_id)
            .where(EventType.profile_key == profile.key).distinct()
        ).all()
        for org in lead_orgs:
            org.duty_phone = org.duty_phone or _fake_phone(rng, False)
            org.fax = org.fax or _fake_phone(rng, False)
            for title in ("主要负责人", "值班室"):
                post = Post(organisation_id=org.id, title=title, office_phone=_fake_phone(rng, False),
                            duty_phone=org.duty_phone if title == "值班室" else None)
                s.add(post)
                s.flush()
                person = Person(name=_fake_name(rng), mobile=_fake_phone(rng, True))
                s.add(person)
                s.flush()
                s.add(Appointment(person_id=person.id, post_id=post.id, start_date=dt.date(today.year, 1, 1)))
        shift = ShiftDefinition(name="全天班", start_time="08:30", duration_minutes=24 * 60)
        s.add(shift)
        s.flush()
        officers = [person_ids[u] for u in ("zhouning", "sunhao", "heli", "gaopeng")]
        leaders = [person_ids[u] for u in ("luomin", "tangjun", "xiewen")]
        start = today.replace(day=1) - dt.timedelta(days=1)
        for i in range(70):  # from the last day of the previous month through next month
            day = start + dt.timedelta(days=i)
            s.add(RosterEntry(shift_date=day, shift_id=shift.id, person_id=officers[i % 4], duty_role="officer"))
            s.add(RosterEntry(shift_date=day, shift_id=shift.id, person_id=leaders[i % 3], duty_role="leader"))
        audit.record(s, user_id=None, username="system", action="demo.install", entity="database",
                     after={"profile": profile.key, "people": len(person_ids) + 2 * len(lead_orgs)})
    for username, name, roles, _title, _org in DEMO_USERS:
        auth.create_user(SYSTEM, username, name, DEMO_PASSWORD, roles, person_id=person_ids.get(username))
    set_setting(db, "demo", "1")
    return True
