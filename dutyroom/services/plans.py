"""The plan library (预案库): plans, their versions and lifecycle steps, and what is due or overdue.

Seeded from the profile: the catalogue's special and support plans (services/reference_data.py puts
them in with a version "现行版本" in force), plus this service's `seed_library`, which adds the district's
general plan and one plan per street/town of the profile when missing, and links plans to the event
types of the 处置分工 table whose names share the plan's subject (防汛 ↔ 暴雨…, 燃气 ↔ 燃气事故).
Several plans may cover one event type; the office corrects links with `set_event_types`.

A plan's lead departments are the current lead units (role "lead") of the event types it covers, so
an edit of the 处置分工 table shows here at once. Each lifecycle step (domain/plan_lifecycle.py) is one
transaction, audited, recorded with who did it (the unit or person), the date and an optional
supporting document. Steps of the drafting pipeline go to the newest version; filing, disclosure,
drills, evaluations and revisions go to the version in force (the old text stays in force while a
revision is drafted; issuing the new version supersedes it).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.clock import BEIJING, today_or
from ..domain.plan_lifecycle import (
    PLAN_TYPE_LABELS,
    STATES,
    STEPS,
    LifecycleError,
    Obligation,
    StepRecord,
    apply_step,
    approver,
    next_steps,
    obligations,
)
from ..domain.profile_schema import Profile
from ..domain.text import clean_text
from ..domain.vocabulary import Category
from ..domain.workdays import Calendar
from ..store import audit
from ..store.database import Database
from ..store.models import (
    EventType,
    Plan,
    PlanDocument,
    PlanEvent,
    PlanEventTypeLink,
    PlanVersion,
)
from .actor import Actor, rechecked
from .errors import NotFound, UserError
from .guard import require
from .lead_table import lead_entries
from .users import user_names

IN_FORCE = ("issued", "revision_required")
# Steps that concern the text in force; the others move the newest draft along.
IN_FORCE_STEPS = frozenset({"filing", "disclosure", "drill", "evaluation", "revision_required", "full_revision",
                            "minor_revision"})
GENERIC = frozenset({"突发", "事件", "事故", "灾害", "应急", "安全", "处置", "保障", "工作", "专项", "预案", "区级",
                     "公共", "重大"})
# Plan subjects whose names share no word with the event types they cover.
SUBJECT_WORDS = {"防汛": "暴雨洪水洪涝", "扫雪铲冰": "暴雪道路结冰", "森林防火": "森林火灾", "反恐": "恐怖袭击"}


def state_of(version_status: str) -> str:
    """reference_data stores catalogue versions as "in_force": the lifecycle calls that "issued"."""
    return "issued" if version_status == "in_force" else version_status


# ---------------------------------------------------------------- views


@dataclass(frozen=True)
class PlanSummary:
    id: int
    name: str
    plan_type: str
    plan_type_label: str
    category: str | None
    drafting_unit: str
    state: str  # of the version in force, else of the newest draft
    state_label: str
    version_label: str
    issued_on: dt.date | None
    event_types: tuple[str, ...]
    lead_units: tuple[str, ...]
    catalogue_no: int | None


@dataclass(frozen=True)
class VersionView:
    id: int
    label: str
    doc_no: str | None
    issued_on: dt.date | None
    state: str
    state_label: str
    superseded_by_id: int | None


@dataclass(frozen=True)
class EventView:
    id: int
    version_id: int | None
    version_label: str
    kind: str
    kind_label: str
    on: dt.date
    by: str  # who did it (unit or person)
    recorded_by: str
    document_id: int | None
    document_name: str | None
    due_on: dt.date | None
    note: str | None
    details: dict


@dataclass(frozen=True)
class DueItem:
    plan_id: int
    plan_name: str
    plan_type: str
    version_label: str
    kind: str  # filing | disclosure | drill | evaluation
    kind_label: str
    due_on: dt.date
    state: str  # due | overdue
    days_left: int
    basis: str
    calendar_covered: bool


@dataclass(frozen=True)
class PlanDetail:
    summary: PlanSummary
    approver: str
    approver_basis: str
    versions: tuple[VersionView, ...]
    events: tuple[EventView, ...]
    obligations: tuple[Obligation, ...]
    next_steps: tuple[str, ...]  # for the working version
    working_version_id: int | None
    in_force_version_id: int | None


def _date_at(on: dt.date) -> dt.datetime:
    return dt.datetime.combine(on, dt.time(9, 0), BEIJING)


def _core(name: str, district: str) -> str:
    core = name.removeprefix(district).removeprefix("北京市")
    for suffix in ("专项应急预案", "应急预案", "预案"):
        core = core.removesuffix(suffix)
    return core


def _bigrams(textual: str) -> set[str]:
    runs = re.findall(r"[\u4e00-\u9fff]+", textual)
    return {r[i:i + 2] for r in runs for i in range(len(r) - 1)} - GENERIC


@rechecked
class PlanService:
    def __init__(self, db: Database, profile: Profile, calendar: Calendar | None = None):
        self.db = db
        self.profile = profile
        self.calendar = calendar or Calendar.load()

    # ------------------------------------------------------------ seeding

    def seed_library(self, actor: Actor) -> dict[str, int]:
        """Add the general plan, the street/town plans and the plan ↔ event type links where missing
        (idempotent: nothing that exists is changed). Run at every sign-in: when nothing is missing (every start
        but the first) it only reads, and takes no write lock (issue 21: a fast start; another seat may be writing)."""
        require(actor, "plan.manage")
        with self.db.read() as s:
            if not any(self._seed(s).values()):
                return {"plans": 0, "links": 0}
        with self.db.write() as s:
            added = self._seed(s, write=True)
            if any(added.values()):
                audit.record_by(s, actor, action="plan.seed", entity="profile", entity_id=self.profile.key, after=added)
        return added

    def _seed(self, s, *, write: bool = False) -> dict[str, int]:
        """What seeding adds (counted), added to the session only when `write`."""
        p = self.profile
        added = {"plans": 0, "links": 0}
        existing = {pl.name: pl for pl in s.scalars(select(Plan).where(Plan.profile_key == p.key))}
        wanted = []
        if not any(pl.plan_type == "general" for pl in existing.values()):
            wanted.append((f"{p.name}突发事件总体应急预案", "general", f"{p.name}应急管理局"))
        wanted += [(f"{place}突发事件应急预案", "street", place) for place in p.places]
        for name, plan_type, unit in wanted:
            if name in existing:
                continue
            added["plans"] += 1
            if not write:
                continue
            plan = Plan(profile_key=p.key, name=name, plan_type=plan_type, drafting_unit=unit, status="in_force")
            s.add(plan)
            s.flush()
            s.add(PlanVersion(plan_id=plan.id, label="现行版本", status="in_force"))
            existing[name] = plan
        linked = set(s.scalars(select(PlanEventTypeLink.plan_id)))
        candidates = [plan for plan in existing.values()
                      if plan.id not in linked and plan.plan_type not in ("general", "street")]
        if not candidates:
            return added
        types = list(s.scalars(select(EventType).where(EventType.profile_key == p.key, EventType.active)))
        for plan in candidates:
            core = _core(plan.name, p.name)
            words = _bigrams(" ".join([core, *(w for k, w in SUBJECT_WORDS.items() if k in core)]))
            for et in types:
                if plan.category and et.category != plan.category:
                    continue
                if words & _bigrams(et.name):
                    added["links"] += 1
                    if write:
                        s.add(PlanEventTypeLink(plan_id=plan.id, event_type_id=et.id))
        return added

    # ------------------------------------------------------------ plans

    def create_plan(self, actor: Actor, name: str, plan_type: str, drafting_unit: str,
                    category: str | None = None, event_type_ids: Sequence[int] = (),
                    version_label: str = "草案") -> PlanSummary:
        """A new plan (department, unit, community, major-event… plan), starting at drafting."""
        require(actor, "plan.manage")
        name = clean_text(name, field=("预案名称", "the plan name"), max_len=200) or ""
        drafting_unit = clean_text(drafting_unit, field=("编制单位", "the drafting unit"), max_len=200) or ""
        version_label = clean_text(version_label, field=("版本名称", "the version label"), max_len=50) or "草案"
        if not name:
            raise UserError("预案名称不能为空", "plan name is required")
        if plan_type not in PLAN_TYPE_LABELS:
            raise UserError(f"预案类型无效：{plan_type}", f"unknown plan type: {plan_type}")
        if not drafting_unit:
            raise UserError("编制单位不能为空", "drafting unit is required")
        if category is not None and category not in {c.value for c in Category}:  # a vocabulary key, nothing else
            raise UserError(f"事件类别无效：{category!r}", f"unknown category: {category!r}")
        with self.db.write() as s:
            if s.scalar(select(Plan.id).where(Plan.profile_key == self.profile.key, Plan.name == name)):
                raise UserError(f"预案“{name}”已在预案库中", f"plan {name} already exists")
            plan = Plan(profile_key=self.profile.key, name=name, plan_type=plan_type, category=category,
                        drafting_unit=drafting_unit, status="drafting")
            s.add(plan)
            s.flush()
            s.add(PlanVersion(plan_id=plan.id, label=version_label, status="drafting"))
            self._link(s, plan.id, event_type_ids)
            audit.record_by(s, actor, action="plan.create", entity="plan",
                            entity_id=plan.id, after={"name": name, "plan_type": plan_type, "category": category,
                                                   "drafting_unit": drafting_unit,
                                                   "event_type_ids": sorted(event_type_ids)})
            s.flush()
            return self._summaries(s, [plan])[0]

    def set_event_types(self, actor: Actor, plan_id: int, event_type_ids: Sequence[int]) -> PlanSummary:
        require(actor, "plan.manage")
        with self.db.write() as s:
            plan = self._plan(s, plan_id)
            before = sorted(s.scalars(select(PlanEventTypeLink.event_type_id)
                                      .where(PlanEventTypeLink.plan_id == plan_id)))
            for link in s.scalars(select(PlanEventTypeLink).where(PlanEventTypeLink.plan_id == plan_id)):
                s.delete(link)  # the link set is current state; the audit entry keeps the old one
            s.flush()
            self._link(s, plan_id, event_type_ids)
            audit.record_by(s, actor, action="plan.event_types",
                            entity="plan", entity_id=plan_id, before={"event_type_ids": before},
                            after={"event_type_ids": sorted(set(event_type_ids))})
            return self._summaries(s, [plan])[0]

    def _link(self, s: Session, plan_id: int, ids: Iterable[int]) -> None:
        for et_id in sorted(set(ids)):
            et = s.get(EventType, et_id)
            if et is None or et.profile_key != self.profile.key:
                raise UserError(f"事件类型 {et_id} 不存在", f"no event type {et_id}")
            s.add(PlanEventTypeLink(plan_id=plan_id, event_type_id=et_id))
        s.flush()

    # ------------------------------------------------------------ reading

    def library(self, actor: Actor) -> list[PlanSummary]:
        require(actor, "plan.view")
        with self.db.read() as s:
            plans = list(s.scalars(select(Plan).where(Plan.profile_key == self.profile.key, Plan.active)
                                   .order_by(Plan.plan_type, Plan.catalogue_no, Plan.id)))
            return self._summaries(s, plans)

    def plans_for_event_type(self, actor: Actor, event_type: str) -> list[PlanSummary]:
        """The plans covering an event type (several may), e.g. for the intake's "which plan" hint."""
        require(actor, "plan.view")
        with self.db.read() as s:
            plans = list(s.scalars(select(Plan).join(PlanEventTypeLink, PlanEventTypeLink.plan_id == Plan.id)
                                   .join(EventType, EventType.id == PlanEventTypeLink.event_type_id)
                                   .where(EventType.profile_key == self.profile.key, EventType.name == event_type,
                                          Plan.active).order_by(Plan.id)))
            return self._summaries(s, plans)

    def detail(self, actor: Actor, plan_id: int) -> PlanDetail:
        require(actor, "plan.view")
        with self.db.read() as s:
            plan = self._plan(s, plan_id)
            summary = self._summaries(s, [plan])[0]
            versions = list(s.scalars(select(PlanVersion).where(PlanVersion.plan_id == plan_id)
                                      .order_by(PlanVersion.id)))
            labels = {v.id: v.label for v in versions}
            names = user_names(s)
            docs = dict(s.execute(select(PlanDocument.id, PlanDocument.filename)
                                  .join(PlanVersion, PlanVersion.id == PlanDocument.plan_version_id)
                                  .where(PlanVersion.plan_id == plan_id)).all())
            events = list(s.scalars(select(PlanEvent).where(PlanEvent.plan_id == plan_id)
                                    .order_by(PlanEvent.at, PlanEvent.id)))
            working, in_force = _working(versions), _in_force(versions)
            target = working or in_force
            steps: tuple[str, ...] = ()
            if target is not None:
                steps = next_steps(plan.plan_type, state_of(target.status), _history(events, target.id))
                if in_force is not None and working is not None and working is not in_force:
                    extra = next_steps(plan.plan_type, state_of(in_force.status), _history(events, in_force.id))
                    steps = tuple(k for k in steps if k not in IN_FORCE_STEPS) + tuple(
                        k for k in extra if k in IN_FORCE_STEPS and k not in ("full_revision",))
            who, basis = approver(plan.plan_type, plan.category)
            return PlanDetail(
                summary=summary, approver=who, approver_basis=basis,
                versions=tuple(VersionView(v.id, v.label, v.doc_no, v.issued_on, state_of(v.status),
                                           STATES[state_of(v.status)][0], v.superseded_by_id) for v in versions),
                events=tuple(_event_view(e, labels, names, docs) for e in events),
                obligations=self._obligations(plan, in_force, events),
                next_steps=steps, working_version_id=working.id if working else None,
                in_force_version_id=in_force.id if in_force else None)

    def _obligations(self, plan: Plan, in_force: PlanVersion | None, events: Sequence[PlanEvent]):
        if in_force is None:
            return ()
        history = [StepRecord(e.kind, e.at.astimezone(BEIJING).date()) for e in events
                   if e.plan_version_id == in_force.id or e.kind in ("drill", "evaluation")]
        return obligations(plan.plan_type, in_force.issued_on, history, self.profile.plan_management, self.calendar)

    def due_list(self, actor: Actor, today: dt.date | None = None, horizon_days: int = 90) -> list[DueItem]:
        """Filing, disclosure, drills and evaluations overdue or due within `horizon_days`, soonest first."""
        require(actor, "plan.view")
        today = today_or(today)
        out: list[DueItem] = []
        with self.db.read() as s:
            plans = {pl.id: pl for pl in s.scalars(select(Plan).where(Plan.profile_key == self.profile.key,
                                                                      Plan.active))}
            versions: dict[int, list[PlanVersion]] = {}
            for v in s.scalars(select(PlanVersion).where(PlanVersion.plan_id.in_(plans)).order_by(PlanVersion.id)):
                versions.setdefault(v.plan_id, []).append(v)
            events: dict[int, list[PlanEvent]] = {}
            for e in s.scalars(select(PlanEvent).where(PlanEvent.plan_id.in_(plans)).order_by(PlanEvent.at)):
                events.setdefault(e.plan_id, []).append(e)
            for pid, plan in plans.items():
                in_force = _in_force(versions.get(pid, []))
                for ob in self._obligations(plan, in_force, events.get(pid, [])):
                    state = ob.state(today)
                    if state == "done" or ob.days_left(today) > horizon_days:
                        continue
                    out.append(DueItem(pid, plan.name, plan.plan_type, in_force.label, ob.kind, STEPS[ob.kind][0],
                                       ob.due_on, state, ob.days_left(today), ob.basis, ob.calendar_covered))
        out.sort(key=lambda d: (d.due_on, d.plan_name))
        return out

    # ------------------------------------------------------------ lifecycle

    def record_step(self, actor: Actor, plan_id: int, kind: str, on: dt.date, by: str, *,
                    document_id: int | None = None, note: str | None = None, changes: Sequence[str] = (),
                    triggers: Sequence[str] = (), doc_no: str | None = None,
                    version_label: str | None = None) -> EventView:
        """Record one lifecycle step on the plan; refused (nothing written) where the rules say no.

        `by` is who took the step (the unit or person: 区应急局, 专家组…); the signed-in user is kept as
        the recorder. `changes` (revisions: the content changed) and `triggers` (第四十二条) are kept
        in the step's details. `doc_no` is the issuing document number (印发), `version_label` names a
        new version (revisions; default "<year>年修订").
        """
        if kind not in STEPS:
            raise UserError(f"未知的预案管理环节：{kind}", f"unknown lifecycle step: {kind}")
        by = clean_text(by, field=("实施单位或人员", "who took the step"), max_len=200) or ""
        doc_no = clean_text(doc_no, field=("文号", "the document number"), max_len=100)
        note = clean_text(note, field=("备注", "the note"), max_len=2000, multiline=True)
        version_label = clean_text(version_label, field=("版本名称", "the version label"), max_len=50)
        if not by:
            raise UserError("请填写实施单位或人员（谁做的）", "say who took the step")
        if not isinstance(on, dt.date) or isinstance(on, dt.datetime):
            raise UserError("日期无效", "invalid date")
        if on > today_or() + dt.timedelta(days=1):
            raise UserError("日期不能晚于今天", "the date cannot be in the future")
        if kind == "revision_required" and not triggers:
            raise UserError("请选择修订情形（第四十二条）", "choose the revision trigger (art. 42)")
        with self.db.write() as s:
            plan = self._plan(s, plan_id)
            versions = list(s.scalars(select(PlanVersion).where(PlanVersion.plan_id == plan_id)
                                      .order_by(PlanVersion.id).with_for_update()))
            target = _in_force(versions) if kind in IN_FORCE_STEPS else (_working(versions) or _in_force(versions))
            if target is None:
                raise UserError("该预案没有可登记此环节的版本", "no version of this plan takes that step")
            state = state_of(target.status)
            require(actor, "plan.step.record", state)
            if document_id is not None:
                doc = s.get(PlanDocument, document_id)
                owner = s.get(PlanVersion, doc.plan_version_id) if doc else None
                if owner is None or owner.plan_id != plan_id:
                    raise UserError("佐证材料须是本预案已导入的文件", "the supporting document must be one of this plan's")
            events = list(s.scalars(select(PlanEvent).where(PlanEvent.plan_id == plan_id)
                                    .order_by(PlanEvent.at, PlanEvent.id)))
            if kind == "full_revision" and _working(versions) is not None:
                raise UserError("已有正在编制的修订稿", "a revision is already being drafted")
            try:
                step = apply_step(plan.plan_type, state, _history(events, target.id), kind, changes)
            except LifecycleError as exc:
                raise UserError(exc.zh, exc.en) from None
            before = {"version_id": target.id, "state": state}
            due_on = None
            new_version = None
            if step.new_version is not None:
                new_version = PlanVersion(plan_id=plan_id, label=version_label or f"{on.year}年修订",
                                          status=step.new_version, doc_no=doc_no,
                                          issued_on=on if step.new_version == "issued" else None)
                s.add(new_version)
                s.flush()
                if step.new_version == "issued":
                    self._supersede(versions, new_version)
            elif kind == "issue":
                target.status, target.issued_on = "issued", on
                if target.label == "草案":
                    target.label = version_label or f"{on.year}年版"
                target.doc_no = doc_no or target.doc_no
                self._supersede([v for v in versions if v is not target], target)
            else:
                target.status = step.new_state
            if kind in ("issue", "minor_revision"):
                n = self.profile.plan_management.filing_deadline_working_days
                due_on = self.calendar.add_workdays(on, n) if n else None
            event = PlanEvent(plan_id=plan_id, plan_version_id=(new_version or target).id, kind=kind,
                              at=_date_at(on), actor=by, recorded_by_id=actor.id, document_id=document_id,
                              due_on=due_on, note=(note or "").strip() or None,
                              details={k: list(v) for k, v in (("changes", changes), ("triggers", triggers)) if v}
                              or None)
            s.add(event)
            s.flush()
            in_force = _in_force([*versions, *([new_version] if new_version else [])])
            plan.status = state_of(in_force.status) if in_force else state_of((new_version or target).status)
            audit.record_by(s, actor, action=f"plan.step.{kind}",
                            entity="plan", entity_id=plan_id, before=before,
                            after={"version_id": (new_version or target).id,
                                "state": state_of((new_version or target).status), "on": on.isoformat(), "by": by,
                                "document_id": document_id, "changes": list(changes), "triggers": list(triggers),
                                "due_on": due_on.isoformat() if due_on else None})
            labels = {v.id: v.label for v in [*versions, *([new_version] if new_version else [])]}
            docs = {document_id: s.get(PlanDocument, document_id).filename} if document_id else {}
            return _event_view(event, labels, {actor.id: actor.display_name}, docs)

    @staticmethod
    def _supersede(versions: Iterable[PlanVersion], new: PlanVersion) -> None:
        for v in versions:
            if v is not new and state_of(v.status) in IN_FORCE:
                v.status, v.superseded_by_id = "superseded", new.id

    # ------------------------------------------------------------ helpers

    def _plan(self, s: Session, plan_id: int) -> Plan:
        plan = s.get(Plan, plan_id)
        if plan is None or plan.profile_key != self.profile.key:
            raise NotFound(f"没有编号为 {plan_id} 的预案", f"no plan {plan_id}")
        return plan

    def _summaries(self, s: Session, plans: Sequence[Plan]) -> list[PlanSummary]:
        ids = [p.id for p in plans]
        if not ids:
            return []
        types: dict[int, list[tuple[int, str]]] = {}
        for pid, et_id, name in s.execute(select(PlanEventTypeLink.plan_id, EventType.id, EventType.name)
                                          .join(EventType, EventType.id == PlanEventTypeLink.event_type_id)
                                          .where(PlanEventTypeLink.plan_id.in_(ids))
                                          .order_by(EventType.table_no, EventType.id)):
            types.setdefault(pid, []).append((et_id, name))
        et_ids = {et for pairs in types.values() for et, _ in pairs}
        leads = {et_id: [e.unit for e in entries if e.role == "lead"]
                 for et_id, entries in lead_entries(s, et_ids).items()} if et_ids else {}
        versions: dict[int, list[PlanVersion]] = {}
        for v in s.scalars(select(PlanVersion).where(PlanVersion.plan_id.in_(ids)).order_by(PlanVersion.id)):
            versions.setdefault(v.plan_id, []).append(v)
        out = []
        for p in plans:
            vs = versions.get(p.id, [])
            shown = _in_force(vs) or (vs[-1] if vs else None)
            state = state_of(shown.status) if shown else "drafting"
            units: list[str] = []
            for et_id, _ in types.get(p.id, []):
                units += [u for u in leads.get(et_id, []) if u not in units]
            out.append(PlanSummary(
                id=p.id, name=p.name, plan_type=p.plan_type, plan_type_label=PLAN_TYPE_LABELS[p.plan_type][0],
                category=p.category, drafting_unit=p.drafting_unit or "", state=state, state_label=STATES[state][0],
                version_label=shown.label if shown else "", issued_on=shown.issued_on if shown else None,
                event_types=tuple(n for _, n in types.get(p.id, [])), lead_units=tuple(units),
                catalogue_no=p.catalogue_no))
        return out


def _in_force(versions: Sequence[PlanVersion]) -> PlanVersion | None:
    return next((v for v in reversed(versions) if state_of(v.status) in IN_FORCE), None)


def _working(versions: Sequence[PlanVersion]) -> PlanVersion | None:
    """The newest version still on its way to issue."""
    return next((v for v in reversed(versions)
                 if state_of(v.status) in ("drafting", "consultation", "review", "pending_approval", "approved")),
                None)


def _history(events: Sequence[PlanEvent], version_id: int) -> list[StepRecord]:
    return [StepRecord(e.kind, e.at.astimezone(BEIJING).date()) for e in events if e.plan_version_id == version_id]


def _event_view(e: PlanEvent, labels: dict[int, str], names: dict[int, str], docs: dict[int, str]) -> EventView:
    return EventView(e.id, e.plan_version_id, labels.get(e.plan_version_id, ""), e.kind, STEPS[e.kind][0],
                     e.at.astimezone(BEIJING).date(), e.actor or "", names.get(e.recorded_by_id, ""), e.document_id,
                     docs.get(e.document_id) if e.document_id else None, e.due_on, e.note, dict(e.details or {}))
