"""A realistic demo district: duty-room users, contacts for the lead units, a shift pattern and
this month's roster. Every person is made up; posts follow the profile, names are invented."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from ..config import SettingKey
from ..domain.clock import BEIJING
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
    User,
)
from .actor import SYSTEM, Actor
from .auth import DEMO_PASSWORD, AuthService, _actor
from .reference_data import get_or_create_org, get_setting, set_setting

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
    if get_setting(db, SettingKey.demo) == "1":
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
        auth._create(SYSTEM, username, name, DEMO_PASSWORD, roles, person_ids.get(username), demo=True)
    install_demo_plans(db, profile, today)
    install_demo_contacts(db, profile)
    install_demo_duty_log(db, today)
    set_setting(db, SettingKey.demo, "1")
    return True


def _demo_actor(db: Database, username: str) -> Actor | None:
    """The demo user acting in the demo data (None when the demo users are not there)."""
    with db.read() as s:
        user = s.scalar(select(User).where(User.username == username))
        return _actor(user) if user is not None else None


DEMO_PLAN_TEXT = """{name}（演示文本，内容为虚构）

一、总则
为有效防范和应对燃气泄漏、燃气爆炸等突发事件，依据有关法律法规和本区总体应急预案，制定本预案。
二、风险分析
本区老旧小区燃气管网老化，暴雨、大风等极端天气可能造成管线损坏和供气中断。
三、应急响应
发生燃气事故后，值班室立即报告区应急局，并通知属地街道组织群众疏散。
四、预案管理
本预案每3年至少组织一次演练，原则上每3年评估一次；通讯录、资源目录变化时按简化程序修订。
"""


def install_demo_plans(db: Database, profile: Profile, today: dt.date) -> None:
    """Demo plan library: the seeded plans, a department plan whose drill is overdue, a special plan
    with a drill due soon and a searchable (made-up) document, and a plan being drafted."""
    from ..domain.plan_lifecycle import add_years
    from .plan_documents import PlanDocumentService
    from .plans import PlanService

    actor = _demo_actor(db, "tangjun")
    if actor is None:
        return
    plans = PlanService(db, profile)
    plans.seed_library(actor)
    today = min(today, dt.datetime.now(dt.UTC).date())  # steps may not be dated in the future
    unit = f"{profile.name}应急管理局" if profile.level == "district" else "北京市应急管理局"
    steps = ("risk_assessment", "resource_survey", "consultation", "submit_approval", "approval", "issue")
    drill_years = profile.plan_management.drill_cycle_years

    def walk(name: str, issued: dt.date) -> int:
        plan = plans.create_plan(actor, name, "departmental", unit, category="accident")
        for i, kind in enumerate(steps):
            plans.record_step(actor, plan.id, kind, issued - dt.timedelta(days=10 * (len(steps) - 1 - i)), unit)
        return plan.id

    years = drill_years.get("departmental") or 1
    overdue = walk(f"{unit}生产安全事故应急预案（演示）", add_years(today, -years) - dt.timedelta(days=45))
    soon = walk(f"{unit}燃气事故应急预案（演示）", add_years(today, -years) + dt.timedelta(days=20))
    docs = PlanDocumentService(db, profile)
    for plan_id in (overdue, soon):
        name = plans.detail(actor, plan_id).summary.name
        docs.import_file(actor, plan_id, f"{name}.txt", DEMO_PLAN_TEXT.format(name=name).encode("utf-8"))
    draft = plans.create_plan(actor, f"{unit}极端天气应急预案（演示）", "departmental", unit, category="natural")
    plans.record_step(actor, draft.id, "risk_assessment", today - dt.timedelta(days=3), unit)


# Common short names a caller uses for the lead units (only where the profile has the unit).
DEMO_ALIASES = {
    "区应急局": ("应急局",), "东城消防救援支队": ("消防支队", "119指挥中心"), "东城交通支队": ("交通支队", "交警支队"),
    "区城市管理委": ("城管委",), "区住房城乡建设委": ("住建委",), "区市场监管局": ("市场监管局",),
    "区卫生健康委": ("卫健委",), "区水务局": ("水务局",),
}


def install_demo_contacts(db: Database, profile: Profile) -> None:
    """Demo directory extras: aliases of the lead units and their supervising leader (the demo's 分管副区长)."""
    from .contacts import ContactsService, OrganisationInput

    actor = _demo_actor(db, "tangjun")
    if actor is None:
        return
    with db.read() as s:
        leader_post = s.scalar(select(Post.id).join(Organisation).where(Organisation.kind == "leadership",
                                                                         Post.title == "分管副区长"))
        lead_orgs = s.scalars(
            select(Organisation.id).join(LeadAssignment, LeadAssignment.organisation_id == Organisation.id)
            .join(EventType, EventType.id == LeadAssignment.event_type_id)
            .where(EventType.profile_key == profile.key, Organisation.kind == "department").distinct()
        ).all()
    contacts = ContactsService(db, profile)
    for org in contacts.organisations(actor):
        extra = tuple(a for a in DEMO_ALIASES.get(org.name, ()) if a not in org.aliases)
        if extra:
            contacts.update_organisation(actor, org.id, OrganisationInput(
                org.name, org.kind, org.parent_id, org.duty_phone, org.fax, (*org.aliases, *extra)))
    if leader_post is not None:
        for org_id in lead_orgs:
            contacts.set_supervising_leaders(actor, org_id, [leader_post])
    contacts.ensure_search_keys()


def install_demo_duty_log(db: Database, today: dt.date) -> None:
    """A few typed duty-log lines on the morning of `today`'s duty day (issue 6), through the service."""
    from .duty_log import DutyLogService

    officer = _demo_actor(db, "zhouning")
    if officer is None:
        return
    duty = DutyLogService(db)
    start = dt.datetime.combine(today, dt.time(8, 30), BEIJING)
    minute = dt.timedelta(minutes=1)
    duty.add(officer, "equipment", "接班检查：值班电话、传真机、卫星电话、视频会议终端均正常",
             happened_at=start + 10 * minute, now=start + 15 * minute)
    duty.add(officer, "call", "区气象局来电：预计今夜有大风，阵风7级，注意关注后续预警",
             happened_at=start + 70 * minute, now=start + 75 * minute)
    duty.add(officer, "instruction", "密切关注大风天气，提前通知各街道做好防范", instructed_by="分管副区长",
             happened_at=start + 95 * minute, now=start + 100 * minute)

