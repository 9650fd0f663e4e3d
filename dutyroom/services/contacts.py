"""The contacts directory (通讯录): organisations and departments with aliases and supervising leaders,
posts, people and their appointments; a quick search by name, post, department, alias, phone digits
or pinyin initials.

Every command checks the permission policy (contacts.*), runs in one transaction and audits what it
changed with before/after values; a command that changes nothing writes nothing (no audit noise).
Nothing is hard-deleted: organisations, posts and people are deactivated; an appointment is ended
(the person leaves, the post keeps its phones and its history).

Search: each organisation, post and person row carries a precomputed key (domain/contact_search.py).
A session hook in store/models.py clears the key of any row whose name, phones or aliases change,
whoever changes it (demo data, the reference tables, another area), and the missing keys are computed
before the next search, so a search is a handful of LIKE tests over a few thousand short strings and never reads
pinyin at query time. Key maintenance is derived data and is not audited.

Decisions where the issue was silent:
- A post may have several holders at once (值班员); "current" means no end date or an end date after
  today (Beijing). The end date is the day the person left.
- Posts are unique per organisation (the table's constraint); aliases are unique across the directory
  and may not equal another organisation's name.
- A person still holding a post cannot be deactivated (end the appointment first); deactivating a post
  or an organisation with current holders is refused for the same reason.
- Search results: a row per organisation (its duty phone and fax), a row per post and current holder,
  and a row per person who holds no post now; all terms of a query must match one row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from ..domain.clock import today_or
from ..domain.contact_search import phone_problem, query_terms, search_key
from ..domain.profile_schema import Profile
from ..domain.text import clean_text
from ..store import audit
from ..store.database import Database
from ..store.models import Appointment, Organisation, OrganisationAlias, Person, Post, SupervisingLeader
from .actor import Actor, rechecked
from .errors import NotFound, UserError
from .guard import require

# organisation kinds (stored keys) → (Chinese, English)
KIND_LABELS: dict[str, tuple[str, str]] = {
    "leadership": ("区领导/区政府", "district leadership"),
    "office": ("办事机构", "office"),
    "department": ("部门", "department"),
    "street": ("街道乡镇", "street / town"),
    "hq_office": ("专项指挥部办公室", "special HQ office"),
    "city": ("市级单位", "city body"),
    "other": ("其他单位", "other"),
}
LIMITS = {"name": 200, "title": 100, "person": 100, "phone": 40, "alias": 200, "doc_no": 100}
SEARCH_LIMIT = 300
MAX_QUERY = 100  # characters of a quick search: a name, a unit, a number; 50 KB made SQLite's LIKE give up


# ---------------------------------------------------------------- inputs and views


@dataclass(frozen=True)
class OrganisationInput:
    name: str
    kind: str = "department"
    parent_id: int | None = None
    duty_phone: str | None = None
    fax: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class PostInput:
    organisation_id: int
    title: str
    office_phone: str | None = None
    duty_phone: str | None = None
    fax: str | None = None


@dataclass(frozen=True)
class PersonInput:
    name: str
    mobile: str | None = None
    office_phone: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class LeaderRef:
    post_id: int
    title: str
    organisation: str
    holders: tuple[str, ...]

    @property
    def label(self) -> str:
        who = "、".join(self.holders)
        return f"{self.title}（{who}）" if who else self.title


@dataclass(frozen=True)
class OrganisationView:
    id: int
    name: str
    kind: str
    parent_id: int | None
    parent_name: str | None
    duty_phone: str | None
    fax: str | None
    aliases: tuple[str, ...]
    active: bool
    supervising_leaders: tuple[LeaderRef, ...]
    post_ids: tuple[int, ...]


@dataclass(frozen=True)
class HolderView:
    appointment_id: int
    person_id: int
    name: str
    mobile: str | None
    office_phone: str | None
    start_date: dt.date


@dataclass(frozen=True)
class PostView:
    id: int
    organisation_id: int
    organisation: str
    title: str
    office_phone: str | None
    duty_phone: str | None
    fax: str | None
    active: bool
    holders: tuple[HolderView, ...]


@dataclass(frozen=True)
class PersonView:
    id: int
    name: str
    mobile: str | None
    office_phone: str | None
    note: str | None
    active: bool


@dataclass(frozen=True)
class AppointmentView:
    id: int
    person_id: int
    person: str
    post_id: int
    post: str
    organisation: str
    start_date: dt.date
    end_date: dt.date | None
    probation_until: dt.date | None
    source_doc_no: str | None

    def current(self, today: dt.date) -> bool:
        return self.end_date is None or self.end_date > today


@dataclass(frozen=True)
class Hit:
    """One search result row: an organisation, a post with one current holder (or none), or a person."""

    kind: str  # organisation | post | person
    organisation_id: int | None
    organisation: str
    aliases: str
    post_id: int | None
    post: str
    person_id: int | None
    person: str
    office_phone: str
    mobile: str
    duty_phone: str
    fax: str
    rank: int = 0


@dataclass(frozen=True)
class SearchResult:
    hits: tuple[Hit, ...]
    total: int  # before the display limit
    terms: tuple[str, ...] = field(default=())

    @property
    def truncated(self) -> bool:
        return self.total > len(self.hits)


# ---------------------------------------------------------------- search keys (derived; store/models.py clears stale ones)

def _org_key(org: Organisation, aliases: Iterable[str]) -> str:
    return search_key([org.name, *aliases], [org.duty_phone, org.fax])


def fill_search_keys(s: Session) -> int:
    """Compute the keys that are missing (new rows, changed rows); returns how many were computed."""
    count = 0
    orgs = s.scalars(select(Organisation).where(Organisation.search_key.is_(None))).all()
    if orgs:
        names: dict[int, list[str]] = {}
        for oid, alias in s.execute(select(OrganisationAlias.organisation_id, OrganisationAlias.alias)
                                    .where(OrganisationAlias.organisation_id.in_([o.id for o in orgs]))
                                    .order_by(OrganisationAlias.id)):
            names.setdefault(oid, []).append(alias)
        for org in orgs:
            org.search_key = _org_key(org, names.get(org.id, []))
        count += len(orgs)
    for post in s.scalars(select(Post).where(Post.search_key.is_(None))):
        post.search_key = search_key([post.title], [post.office_phone, post.duty_phone, post.fax])
        count += 1
    for person in s.scalars(select(Person).where(Person.search_key.is_(None))):
        person.search_key = search_key([person.name], [person.mobile, person.office_phone])
        count += 1
    if count:
        s.flush()
    return count


# ---------------------------------------------------------------- checks


def _phone(value: str | None, zh: str, en: str) -> str | None:
    text = clean_text(value, field=(zh, en), max_len=LIMITS["phone"])
    if text is None:
        return None
    problem = phone_problem(text)
    if problem:
        raise UserError(f"{zh}：{problem[0]}", f"{en}: {problem[1]}")
    return text


def check_organisation(data: OrganisationInput) -> OrganisationInput:
    name = clean_text(data.name, field=("单位名称", "unit name"), max_len=LIMITS["name"], required=True)
    if data.kind not in KIND_LABELS:
        raise UserError(f"单位类别“{data.kind}”未知", f"unknown unit kind '{data.kind}'")
    aliases: list[str] = []
    for a in data.aliases:
        alias = clean_text(a, field=("别名", "alias"), max_len=LIMITS["alias"])
        if alias and alias != name and alias not in aliases:
            aliases.append(alias)
    return OrganisationInput(name, data.kind, data.parent_id, _phone(data.duty_phone, "值班电话", "duty phone"),
                             _phone(data.fax, "传真", "fax"), tuple(aliases))


def check_post(data: PostInput) -> PostInput:
    return PostInput(data.organisation_id, clean_text(data.title, field=("职务", "post"), max_len=LIMITS["title"], required=True),
                     _phone(data.office_phone, "办公电话", "office phone"),
                     _phone(data.duty_phone, "值班电话", "duty phone"), _phone(data.fax, "传真", "fax"))


def check_person(data: PersonInput) -> PersonInput:
    return PersonInput(clean_text(data.name, field=("姓名", "name"), max_len=LIMITS["person"], required=True),
                       _phone(data.mobile, "手机", "mobile"), _phone(data.office_phone, "办公电话", "office phone"),
                       clean_text(data.note, field=("备注", "note"), max_len=2000, multiline=True))


# ---------------------------------------------------------------- snapshots for the audit log


def _org_snapshot(org: Organisation, aliases: Sequence[str]) -> dict:
    return {"name": org.name, "kind": org.kind, "parent_id": org.parent_id, "duty_phone": org.duty_phone,
            "fax": org.fax, "aliases": list(aliases), "active": org.active}


def _post_snapshot(post: Post) -> dict:
    return {"organisation_id": post.organisation_id, "title": post.title, "office_phone": post.office_phone,
            "duty_phone": post.duty_phone, "fax": post.fax, "active": post.active}


def _person_snapshot(p: Person) -> dict:
    return {"name": p.name, "mobile": p.mobile, "office_phone": p.office_phone, "note": p.note, "active": p.active}


def _appointment_snapshot(a: Appointment) -> dict:
    return {"person_id": a.person_id, "post_id": a.post_id, "start_date": a.start_date, "end_date": a.end_date,
            "probation_until": a.probation_until, "source_doc_no": a.source_doc_no}


def _audit(s: Session, actor: Actor, action: str, entity: str, entity_id, before: dict | None, after: dict | None,
           sink: list | None = None):
    """Record one change; with a sink, collect it instead (the Excel import writes one entry per row)."""
    if sink is not None:
        sink.append({"action": action, "entity": entity, "id": entity_id, "before": before, "after": after})
        return
    audit.record_by(s, actor, action=action, entity=entity,
                    entity_id=entity_id, before=before, after=after)


def _audit_save(s: Session, actor: Actor, action: str, entity: str, entity_id: int, before: dict | None,
                after: dict, sink: list | None) -> bool:
    """Record `<action>.create` (no before) or `<action>.update`; nothing when nothing changed. True: recorded."""
    if after == before:
        return False
    _audit(s, actor, f"{action}.create" if before is None else f"{action}.update", entity, entity_id, before, after,
           sink)
    return True


def _audit_active(s: Session, actor: Actor, action: str, entity: str, entity_id: int, active: bool) -> None:
    """Record `<action>.activate` or `<action>.deactivate` of a row whose active flag just changed."""
    _audit(s, actor, f"{action}.activate" if active else f"{action}.deactivate", entity, entity_id,
           {"active": not active}, {"active": active})


def _person_view(p: Person) -> PersonView:
    return PersonView(p.id, p.name, p.mobile, p.office_phone, p.note, p.active)


def _current(today: dt.date):
    return or_(Appointment.end_date.is_(None), Appointment.end_date > today)


# ---------------------------------------------------------------- session-level edits (shared with the Excel import)


def alias_names(s: Session, org_id: int) -> list[str]:
    return list(s.scalars(select(OrganisationAlias.alias).where(OrganisationAlias.organisation_id == org_id)
                          .order_by(OrganisationAlias.id)))


def find_organisation(s: Session, name: str) -> Organisation | None:
    """By name, else by alias."""
    org = s.scalar(select(Organisation).where(Organisation.name == name))
    if org is None:
        org = s.scalar(select(Organisation).join(OrganisationAlias).where(OrganisationAlias.alias == name))
    return org


def _check_aliases(s: Session, org_id: int | None, name: str, aliases: Sequence[str]) -> None:
    for alias in aliases:
        other = s.scalar(select(Organisation).where(Organisation.name == alias))
        if other is not None and other.id != org_id:
            raise UserError(f"别名“{alias}”是另一个单位的名称", f"alias '{alias}' is the name of another unit")
        owner = s.scalar(select(OrganisationAlias).where(OrganisationAlias.alias == alias))
        if owner is not None and owner.organisation_id != org_id:
            raise UserError(f"别名“{alias}”已属于另一个单位", f"alias '{alias}' already belongs to another unit")
    clash = s.scalar(select(OrganisationAlias).where(OrganisationAlias.alias == name))
    if clash is not None and clash.organisation_id != org_id:
        raise UserError(f"单位名称“{name}”已是另一个单位的别名", f"unit name '{name}' is another unit's alias")


def _check_parent(s: Session, org_id: int | None, parent_id: int | None) -> None:
    seen = set()
    current = parent_id
    while current is not None:
        if current == org_id or current in seen:
            raise UserError("上级单位不能是本单位或其下级", "the parent unit cannot be the unit itself or below it")
        seen.add(current)
        parent = s.get(Organisation, current)
        if parent is None:
            raise NotFound("上级单位不存在", "parent unit not found")
        current = parent.parent_id


def save_organisation(s: Session, actor: Actor, data: OrganisationInput, org_id: int | None = None,
                      keep_aliases: bool = False, sink: list | None = None) -> tuple[Organisation, bool]:
    """Create (org_id None) or update; returns (row, changed). keep_aliases: only add, never drop (import)."""
    data = check_organisation(data)
    org = s.get(Organisation, org_id) if org_id is not None else None
    if org_id is not None and org is None:
        raise NotFound("单位不存在", "unit not found")
    same = s.scalar(select(Organisation).where(Organisation.name == data.name))
    if same is not None and same is not org:
        raise UserError(f"单位“{data.name}”已存在", f"unit '{data.name}' already exists")
    _check_aliases(s, org.id if org else None, data.name, data.aliases)
    _check_parent(s, org.id if org else None, data.parent_id)
    old_aliases = alias_names(s, org.id) if org else []
    aliases = list(dict.fromkeys([*old_aliases, *data.aliases])) if keep_aliases else list(data.aliases)
    aliases = [a for a in aliases if a != data.name]
    before = _org_snapshot(org, old_aliases) if org else None
    if org is None:
        org = Organisation(name=data.name, kind=data.kind, active=True)
        s.add(org)
    org.name, org.kind, org.parent_id, org.duty_phone, org.fax = (data.name, data.kind, data.parent_id,
                                                                    data.duty_phone, data.fax)
    s.flush()
    if aliases != old_aliases:
        for row in s.scalars(select(OrganisationAlias).where(OrganisationAlias.organisation_id == org.id)):
            if row.alias not in aliases:
                s.delete(row)  # an alias is a search aid, not a record a report needs
        s.flush()
        for alias in aliases:
            if alias not in old_aliases:
                s.add(OrganisationAlias(organisation_id=org.id, alias=alias))  # the flush clears org's key
        s.flush()
    after = _org_snapshot(org, alias_names(s, org.id))
    return org, _audit_save(s, actor, "contacts.org", "organisation", org.id, before, after, sink)


def save_post(s: Session, actor: Actor, data: PostInput, post_id: int | None = None, sink: list | None = None,
              known_unique: bool = False) -> tuple[Post, bool]:
    """known_unique: the caller has checked that the unit exists and has no other post of that title."""
    data = check_post(data)
    if not known_unique and s.get(Organisation, data.organisation_id) is None:
        raise NotFound("单位不存在", "unit not found")
    post = s.get(Post, post_id) if post_id is not None else None
    if post_id is not None and post is None:
        raise NotFound("职务不存在", "post not found")
    if not known_unique:
        same = s.scalar(select(Post).where(Post.organisation_id == data.organisation_id, Post.title == data.title))
        if same is not None and same is not post:
            raise UserError(f"该单位已有职务“{data.title}”", f"the unit already has the post '{data.title}'")
    before = _post_snapshot(post) if post else None
    if post is None:
        post = Post(organisation_id=data.organisation_id, title=data.title, active=True)
        s.add(post)
    post.organisation_id, post.title = data.organisation_id, data.title
    post.office_phone, post.duty_phone, post.fax = data.office_phone, data.duty_phone, data.fax
    s.flush()
    return post, _audit_save(s, actor, "contacts.post", "post", post.id, before, _post_snapshot(post), sink)


def save_person(s: Session, actor: Actor, data: PersonInput, person_id: int | None = None,
                sink: list | None = None) -> tuple[Person, bool]:
    data = check_person(data)
    person = s.get(Person, person_id) if person_id is not None else None
    if person_id is not None and person is None:
        raise NotFound("人员不存在", "person not found")
    before = _person_snapshot(person) if person else None
    if person is None:
        person = Person(name=data.name, active=True)
        s.add(person)
    person.name, person.mobile, person.office_phone, person.note = data.name, data.mobile, data.office_phone, data.note
    s.flush()
    return person, _audit_save(s, actor, "contacts.person", "person", person.id, before, _person_snapshot(person),
                               sink)


def appoint_in(s: Session, actor: Actor, person_id: int, post_id: int, start_date: dt.date,
               probation_until: dt.date | None = None, source_doc_no: str | None = None,
               today: dt.date | None = None, sink: list | None = None, known_vacant: bool = False) -> Appointment:
    """known_vacant: the caller has checked that the person does not hold the post now."""
    today = today_or(today)
    person, post = s.get(Person, person_id), s.get(Post, post_id)
    if person is None or not person.active:
        raise NotFound("人员不存在或已停用", "person not found or inactive")
    if post is None or not post.active:
        raise NotFound("职务不存在或已停用", "post not found or inactive")
    if not isinstance(start_date, dt.date):
        raise UserError("任职日期无效", "invalid start date")
    if probation_until is not None and probation_until < start_date:
        raise UserError("试用期截止日期不能早于任职日期", "probation cannot end before the start date")
    doc = clean_text(source_doc_no, field=("任免文号", "document number"), max_len=LIMITS["doc_no"])
    open_one = None if known_vacant else s.scalar(select(Appointment).where(
        Appointment.person_id == person_id, Appointment.post_id == post_id, _current(today)))
    if open_one is not None:
        raise UserError(f"{person.name} 已在任{post.title}", f"{person.name} already holds the post {post.title}")
    appointment = Appointment(person_id=person_id, post_id=post_id, start_date=start_date,
                              probation_until=probation_until, source_doc_no=doc)
    s.add(appointment)
    s.flush()
    _audit(s, actor, "contacts.appoint", "appointment", appointment.id, None, _appointment_snapshot(appointment), sink)
    return appointment


def current_holders(s: Session, post_ids: Sequence[int], today: dt.date) -> dict[int, list[HolderView]]:
    out: dict[int, list[HolderView]] = {}
    if not post_ids:
        return out
    rows = s.execute(select(Appointment.id, Appointment.post_id, Appointment.start_date, Person)
                     .join(Person, Person.id == Appointment.person_id)
                     .where(Appointment.post_id.in_(list(post_ids)), _current(today), Person.active.is_(True))
                     .order_by(Appointment.start_date, Appointment.id))
    for aid, pid, start, person in rows:
        out.setdefault(pid, []).append(HolderView(aid, person.id, person.name, person.mobile, person.office_phone,
                                                  start))
    return out


def _like_all(expr, terms: Sequence[str]):
    return and_(*[expr.contains(t, autoescape=True) for t in terms]) if terms else True


def _rank(hit: Hit, terms: Sequence[str]) -> int:
    """0: a term is exactly a name shown; 1: a name starts with a term; 2: found in the key only."""
    if not terms:
        return 2
    names = [n.lower() for n in (hit.person, hit.post, hit.organisation, *hit.aliases.split("、")) if n]
    if any(t == n for t in terms for n in names):
        return 0
    if any(n.startswith(t) for t in terms for n in names):
        return 1
    return 2


# ---------------------------------------------------------------- the service


@rechecked
class ContactsService:
    def __init__(self, db: Database, profile: Profile | None = None):
        self.db = db
        self.profile = profile

    # -------------------------------------------------------------- search

    def ensure_search_keys(self) -> int:
        with self.db.read() as s:
            missing = any(s.scalar(select(m.id).where(m.search_key.is_(None)).limit(1)) is not None
                          for m in (Organisation, Post, Person))
        if not missing:
            return 0
        with self.db.write() as s:
            return fill_search_keys(s)

    def search(self, actor: Actor, query: str, limit: int = SEARCH_LIMIT, today: dt.date | None = None,
               include_inactive: bool = False) -> SearchResult:
        require(actor, "contacts.view")
        today = today_or(today)
        if isinstance(query, str):  # a pasted tab or line break separates terms like a space
            query = query.replace("\t", " ").replace("\n", " ").replace("\r", " ")
        # the one input policy: NUL (which SQLite's LIKE reads as the end: every row matched), other control
        # and bidi characters and lone surrogates are refused, the length capped (issue 17)
        query = clean_text(query, field=("检索词", "the search text"), max_len=MAX_QUERY, fold=True) or ""
        self.ensure_search_keys()
        terms = query_terms(query)
        hits: list[tuple[tuple, Hit]] = []  # (directory order, hit)
        with self.db.read() as s:
            aliases: dict[int, str] = {}
            for oid, alias in s.execute(select(OrganisationAlias.organisation_id, OrganisationAlias.alias)
                                        .order_by(OrganisationAlias.id)):
                aliases[oid] = f"{aliases[oid]}、{alias}" if oid in aliases else alias
            org_key = func.coalesce(Organisation.search_key, "")
            orgs = select(Organisation.id, Organisation.name, Organisation.duty_phone, Organisation.fax).where(
                _like_all(org_key, terms))
            if not include_inactive:
                orgs = orgs.where(Organisation.active.is_(True))
            for oid, name, duty, fax in s.execute(orgs):
                hits.append(((oid, 0, 0, 0), Hit("organisation", oid, name, aliases.get(oid, ""), None, "", None, "",
                                                 "", "", duty or "", fax or "")))
            holder = aliased(Person)
            current = and_(Appointment.post_id == Post.id, _current(today))
            posts = (select(Post.id, Post.title, Post.office_phone, Post.duty_phone, Post.fax, Organisation.id,
                            Organisation.name, holder.id, holder.name, holder.office_phone, holder.mobile, Appointment.id)
                     .join(Organisation, Organisation.id == Post.organisation_id)
                     .outerjoin(Appointment, current)
                     .outerjoin(holder, and_(holder.id == Appointment.person_id, holder.active.is_(True)))
                     .where(*self._post_terms(org_key, func.coalesce(Post.search_key, "")
                                              + func.coalesce(holder.search_key, ""), terms)))
            if not include_inactive:
                posts = posts.where(Post.active.is_(True), Organisation.active.is_(True))
            seen: set[tuple[int, int | None]] = set()
            for pid, title, office, duty, fax, oid, oname, person_id, pname, p_office, mobile, aid in s.execute(posts):
                if (pid, person_id) in seen:
                    continue
                seen.add((pid, person_id))
                hits.append(((oid, 1, pid, aid or 0), Hit(
                    "post", oid, oname, aliases.get(oid, ""), pid, title, person_id, pname or "",
                    office or p_office or "", mobile or "", duty or "", fax or "")))
            # a person holding a post now was found through the post; the others stand alone
            in_post = select(Appointment.person_id).join(Post, Post.id == Appointment.post_id).where(
                _current(today), Post.active.is_(True))
            people = select(Person.id, Person.name, Person.office_phone, Person.mobile).where(
                _like_all(func.coalesce(Person.search_key, ""), terms), Person.id.not_in(in_post))
            if not include_inactive:
                people = people.where(Person.active.is_(True))
            for person_id, name, office, mobile in s.execute(people):
                hits.append(((1 << 62, 2, person_id, 0), Hit("person", None, "", "", None, "", person_id, name,
                                                             office or "", mobile or "", "", "")))
        if terms:  # best matches first, then in directory order (a unit, then its posts)
            ranked = sorted(((_rank(h, terms), order, h) for order, h in hits), key=lambda t: (t[0], t[1]))
            shown = tuple(replace(h, rank=r) for r, _o, h in ranked[:limit])
        else:
            shown = tuple(h for _o, h in sorted(hits, key=lambda t: t[0])[:limit])
        return SearchResult(shown, len(hits), tuple(terms))

    @staticmethod
    def _post_terms(org_key, own_key, terms: Sequence[str]) -> list:
        """A post row matches a text term in its unit's key too (应急局 lists the bureau's posts), but a
        number only in its own phones and its holder's: the unit's duty phone is the unit's row."""
        return [(own_key if t.isdigit() else org_key + own_key).contains(t, autoescape=True) for t in terms]

    # -------------------------------------------------------------- queries

    def organisations(self, actor: Actor, include_inactive: bool = False) -> list[OrganisationView]:
        require(actor, "contacts.view")
        with self.db.read() as s:
            q = select(Organisation.id).order_by(Organisation.id)
            if not include_inactive:
                q = q.where(Organisation.active.is_(True))
            return [self._org_view(s, oid) for oid in s.scalars(q)]

    def organisation(self, actor: Actor, org_id: int) -> OrganisationView:
        require(actor, "contacts.view")
        with self.db.read() as s:
            return self._org_view(s, org_id)

    def post(self, actor: Actor, post_id: int, today: dt.date | None = None) -> PostView:
        require(actor, "contacts.view")
        with self.db.read() as s:
            return self._post_view(s, post_id, today_or(today))

    def posts_of(self, actor: Actor, org_id: int, today: dt.date | None = None,
                 include_inactive: bool = False) -> list[PostView]:
        require(actor, "contacts.view")
        with self.db.read() as s:
            q = select(Post.id).where(Post.organisation_id == org_id).order_by(Post.id)
            if not include_inactive:
                q = q.where(Post.active.is_(True))
            return [self._post_view(s, pid, today_or(today)) for pid in s.scalars(q)]

    def person(self, actor: Actor, person_id: int) -> PersonView:
        require(actor, "contacts.view")
        with self.db.read() as s:
            p = s.get(Person, person_id)
            if p is None:
                raise NotFound("人员不存在", "person not found")
            return _person_view(p)

    def people(self, actor: Actor, today: dt.date | None = None) -> list[tuple[PersonView, tuple[str, ...]]]:
        """Active people with the posts they hold now ("unit post"), by name (to appoint someone who moves)."""
        require(actor, "contacts.view")
        today = today_or(today)
        with self.db.read() as s:
            held: dict[int, list[str]] = {}
            for pid, title, oname in s.execute(
                    select(Appointment.person_id, Post.title, Organisation.name).join(Post, Post.id == Appointment.post_id)
                    .join(Organisation, Organisation.id == Post.organisation_id).where(_current(today))
                    .order_by(Appointment.start_date)):
                held.setdefault(pid, []).append(f"{oname} {title}")
            rows = s.execute(select(Person.id, Person.name, Person.mobile, Person.office_phone, Person.note)
                             .where(Person.active.is_(True)).order_by(Person.name, Person.id)).all()
            return [(PersonView(pid, name, mobile, office, note, True), tuple(held.get(pid, ())))
                    for pid, name, mobile, office, note in rows]

    def leader_candidates(self, actor: Actor, today: dt.date | None = None) -> list[PostView]:
        """Posts that can supervise a department: the posts of the leadership organisations."""
        require(actor, "contacts.view")
        with self.db.read() as s:
            ids = s.scalars(select(Post.id).join(Organisation).where(Organisation.kind == "leadership",
                                                                     Post.active.is_(True)).order_by(Post.id))
            return [self._post_view(s, pid, today_or(today)) for pid in ids]

    def post_history(self, actor: Actor, post_id: int) -> list[AppointmentView]:
        """Everyone who held the post, newest first (ended appointments included)."""
        require(actor, "contacts.view")
        with self.db.read() as s:
            return self._appointments(s, Appointment.post_id == post_id)

    def person_history(self, actor: Actor, person_id: int) -> list[AppointmentView]:
        require(actor, "contacts.view")
        with self.db.read() as s:
            return self._appointments(s, Appointment.person_id == person_id)

    @staticmethod
    def _appointments(s: Session, where) -> list[AppointmentView]:
        rows = s.execute(select(Appointment, Person.name, Post.title, Organisation.name)
                         .join(Person, Person.id == Appointment.person_id).join(Post, Post.id == Appointment.post_id)
                         .join(Organisation, Organisation.id == Post.organisation_id).where(where)
                         .order_by(Appointment.start_date.desc(), Appointment.id.desc()))
        return [AppointmentView(a.id, a.person_id, pname, a.post_id, title, oname, a.start_date, a.end_date,
                                a.probation_until, a.source_doc_no) for a, pname, title, oname in rows]

    def _org_view(self, s: Session, org_id: int) -> OrganisationView:
        org = s.get(Organisation, org_id)
        if org is None:
            raise NotFound("单位不存在", "unit not found")
        parent = s.get(Organisation, org.parent_id) if org.parent_id else None
        leaders = s.execute(select(Post, Organisation.name).join(SupervisingLeader, SupervisingLeader.post_id == Post.id)
                            .join(Organisation, Organisation.id == Post.organisation_id)
                            .where(SupervisingLeader.organisation_id == org_id)
                            .order_by(SupervisingLeader.position)).all()
        holders = current_holders(s, [p.id for p, _ in leaders], today_or())
        refs = tuple(LeaderRef(p.id, p.title, oname, tuple(h.name for h in holders.get(p.id, [])))
                     for p, oname in leaders)
        post_ids = tuple(s.scalars(select(Post.id).where(Post.organisation_id == org_id, Post.active.is_(True))
                                   .order_by(Post.id)))
        return OrganisationView(org.id, org.name, org.kind, org.parent_id, parent.name if parent else None,
                                org.duty_phone, org.fax, tuple(alias_names(s, org.id)), org.active, refs, post_ids)

    @staticmethod
    def _post_view(s: Session, post_id: int, today: dt.date) -> PostView:
        post = s.get(Post, post_id)
        if post is None:
            raise NotFound("职务不存在", "post not found")
        org = s.get(Organisation, post.organisation_id)
        return PostView(post.id, post.organisation_id, org.name if org else "", post.title, post.office_phone,
                        post.duty_phone, post.fax, post.active, tuple(current_holders(s, [post.id], today).get(post.id, [])))

    # -------------------------------------------------------------- commands

    def create_organisation(self, actor: Actor, data: OrganisationInput) -> OrganisationView:
        require(actor, "contacts.edit")
        with self.db.write() as s:
            org, _ = save_organisation(s, actor, data)
            fill_search_keys(s)
            return self._org_view(s, org.id)

    def update_organisation(self, actor: Actor, org_id: int, data: OrganisationInput) -> OrganisationView:
        require(actor, "contacts.edit")
        with self.db.write() as s:
            save_organisation(s, actor, data, org_id)
            fill_search_keys(s)
            return self._org_view(s, org_id)

    def set_organisation_active(self, actor: Actor, org_id: int, active: bool,
                                today: dt.date | None = None) -> OrganisationView:
        require(actor, "contacts.edit")
        with self.db.write() as s:
            org = s.get(Organisation, org_id)
            if org is None:
                raise NotFound("单位不存在", "unit not found")
            if org.active != active:
                if not active:
                    held = s.scalar(select(func.count()).select_from(Appointment).join(Post)
                                    .where(Post.organisation_id == org_id, _current(today_or(today))))
                    if held:
                        raise UserError(f"{org.name} 仍有 {held} 人在任，请先办理离任",
                                        f"{org.name} still has {held} people in post: end their appointments first")
                org.active = active
                _audit_active(s, actor, "contacts.org", "organisation", org.id, active)
            return self._org_view(s, org_id)

    def set_supervising_leaders(self, actor: Actor, org_id: int, post_ids: Sequence[int]) -> OrganisationView:
        """The district leaders (by post) who supervise the unit, in order; replaces the list."""
        require(actor, "contacts.edit")
        ids = list(dict.fromkeys(post_ids))
        with self.db.write() as s:
            if s.get(Organisation, org_id) is None:
                raise NotFound("单位不存在", "unit not found")
            for pid in ids:
                post = s.get(Post, pid)
                if post is None or not post.active:
                    raise NotFound("分管领导职务不存在或已停用", "supervising post not found or inactive")
                if post.organisation_id == org_id:
                    raise UserError("分管领导不能是本单位的职务", "a supervising leader must be outside the unit")
            rows = s.scalars(select(SupervisingLeader).where(SupervisingLeader.organisation_id == org_id)
                             .order_by(SupervisingLeader.position)).all()
            before = [r.post_id for r in rows]
            if before != ids:
                for r in rows:
                    s.delete(r)  # the list is replaced; the audit entry keeps the old one
                s.flush()
                for pos, pid in enumerate(ids):
                    s.add(SupervisingLeader(organisation_id=org_id, post_id=pid, position=pos))
                s.flush()
                _audit(s, actor, "contacts.org.leaders", "organisation", org_id, {"post_ids": before},
                       {"post_ids": ids})
            return self._org_view(s, org_id)

    def create_post(self, actor: Actor, data: PostInput) -> PostView:
        require(actor, "contacts.edit")
        with self.db.write() as s:
            post, _ = save_post(s, actor, data)
            fill_search_keys(s)
            return self._post_view(s, post.id, today_or())

    def update_post(self, actor: Actor, post_id: int, data: PostInput) -> PostView:
        require(actor, "contacts.edit")
        with self.db.write() as s:
            save_post(s, actor, data, post_id)
            fill_search_keys(s)
            return self._post_view(s, post_id, today_or())

    def set_post_active(self, actor: Actor, post_id: int, active: bool, today: dt.date | None = None) -> PostView:
        require(actor, "contacts.edit")
        today = today_or(today)
        with self.db.write() as s:
            post = s.get(Post, post_id)
            if post is None:
                raise NotFound("职务不存在", "post not found")
            if post.active != active:
                if not active and current_holders(s, [post_id], today).get(post_id):
                    raise UserError(f"{post.title} 仍有人在任，请先办理离任",
                                    f"someone still holds {post.title}: end the appointment first")
                post.active = active
                _audit_active(s, actor, "contacts.post", "post", post.id, active)
            return self._post_view(s, post_id, today)

    def create_person(self, actor: Actor, data: PersonInput) -> PersonView:
        require(actor, "contacts.edit")
        with self.db.write() as s:
            person, _ = save_person(s, actor, data)
            fill_search_keys(s)
            return _person_view(person)

    def update_person(self, actor: Actor, person_id: int, data: PersonInput) -> PersonView:
        require(actor, "contacts.edit")
        with self.db.write() as s:
            p, _ = save_person(s, actor, data, person_id)
            fill_search_keys(s)
            return _person_view(p)

    def set_person_active(self, actor: Actor, person_id: int, active: bool, today: dt.date | None = None) -> PersonView:
        require(actor, "contacts.edit")
        with self.db.write() as s:
            p = s.get(Person, person_id)
            if p is None:
                raise NotFound("人员不存在", "person not found")
            if p.active != active:
                if not active:
                    held = s.scalar(select(func.count()).select_from(Appointment).where(
                        Appointment.person_id == person_id, _current(today_or(today))))
                    if held:
                        raise UserError(f"{p.name} 仍在任，请先办理离任",
                                        f"{p.name} still holds a post: end the appointment first")
                p.active = active
                _audit_active(s, actor, "contacts.person", "person", p.id, active)
            return _person_view(p)

    def appoint(self, actor: Actor, person_id: int, post_id: int, start_date: dt.date,
                probation_until: dt.date | None = None, source_doc_no: str | None = None,
                today: dt.date | None = None) -> AppointmentView:
        require(actor, "contacts.appoint")
        with self.db.write() as s:
            a = appoint_in(s, actor, person_id, post_id, start_date, probation_until, source_doc_no, today)
            return self._appointments(s, Appointment.id == a.id)[0]

    def appoint_new_person(self, actor: Actor, post_id: int, data: PersonInput, start_date: dt.date,
                           source_doc_no: str | None = None, today: dt.date | None = None) -> AppointmentView:
        """A newcomer: create the person and appoint them in one transaction."""
        require(actor, "contacts.appoint")
        require(actor, "contacts.edit")
        with self.db.write() as s:
            person, _ = save_person(s, actor, data)
            a = appoint_in(s, actor, person.id, post_id, start_date, None, source_doc_no, today)
            fill_search_keys(s)
            return self._appointments(s, Appointment.id == a.id)[0]

    def end_appointment(self, actor: Actor, appointment_id: int, end_date: dt.date,
                        source_doc_no: str | None = None) -> AppointmentView:
        """The person leaves the post on end_date; the post keeps its phones, the history keeps the person."""
        require(actor, "contacts.appoint")
        with self.db.write() as s:
            a = s.get(Appointment, appointment_id)
            if a is None:
                raise NotFound("任职记录不存在", "appointment not found")
            if a.end_date is not None:
                raise UserError(f"该任职已于 {a.end_date.isoformat()} 结束", f"the appointment already ended on {a.end_date}")
            if end_date < a.start_date:
                raise UserError("离任日期不能早于任职日期", "the end date cannot be before the start date")
            before = _appointment_snapshot(a)
            a.end_date = end_date
            doc = clean_text(source_doc_no, field=("任免文号", "document number"), max_len=LIMITS["doc_no"])
            if doc:
                a.source_doc_no = f"{a.source_doc_no}；{doc}" if a.source_doc_no else doc
            s.flush()
            _audit(s, actor, "contacts.end_appointment", "appointment", a.id, before, _appointment_snapshot(a))
            return self._appointments(s, Appointment.id == a.id)[0]

    # -------------------------------------------------------------- lookups other areas use

    def duty_phone_of(self, unit: str) -> str | None:
        """The unit's duty phone by name or alias (the lead table, response activation)."""
        with self.db.read() as s:
            org = find_organisation(s, unit)
            return org.duty_phone if org else None
