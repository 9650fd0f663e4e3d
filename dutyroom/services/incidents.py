"""Incident intake (接报): drafts saved as typed, submission, grade and flags, end of handling, closing, search.

Every command checks the permission policy, runs in one transaction and audits the change with its
before/after values; a refusal or a bad field writes nothing. Queries return plain dataclasses, never
live ORM objects, so a GUI never lazy-loads.

An incident is judged by the profile version in force on the day it was received (profile_in_force)
and stores that key and version; its deadlines are computed from the stored incident and the reports
sent (domain/report_chain.py), so confirming the grade or changing a flag recomputes them.

Decisions where issue 3 was silent:
- Required on submit: source, occurred and received times, place, category, event type, description.
  Caller, call-back number, measures and trend may be unknown at first (the report then says 待核实).
- Place: one of the profile's streets/towns, or "其他" with a free address (the lists are incomplete,
  see the Dongcheng profile's notes); where the profile lists none, any place text.
- Event type: exactly a row of the profile's lead-department table within the chosen category.
- Times more than 5 minutes in the future are refused (workstation clocks drift a little).
- A draft keeps every field that passed its own check; a field that fails is reported and keeps its
  last saved value. Drafts are listed per author but anyone on the desk may resume one (handover).
- Discarding a draft deletes it (it was never an incident) unless something was logged on it.
- A draft's changes are audited; only open incidents get incident-log lines for changes.
- Closing needs the final report sent; ending handling (处置结束) is a separate step that stops the
  follow-up clock and starts the final-report clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NamedTuple

from sqlalchemy import Row, literal, select, tuple_
from sqlalchemy.orm import Session

from ..config import SettingKey
from ..domain.clock import BEIJING, now_or, today_or
from ..domain.grading import suggest_grade
from ..domain.incident_facts import IncidentFacts
from ..domain.intake import (
    FIELD_LABELS,
    FLAGS,
    PLACE_OTHER,
    SOURCES,
    FieldProblem,
    auto_title,
    clean_intake,
    lead_row,
)
from ..domain.numbers import stored_count
from ..domain.profile_loader import profile_in_force, rules_version_of
from ..domain.profile_schema import Profile
from ..domain.report_chain import ChainDeadline, SentReport, build_chain, deadline_state, pending
from ..domain.report_text import ReportFacts, grade_text, when
from ..domain.reporting_clock import DEFAULT_DISTRICT_MINUTES, applying_clocks
from ..domain.rules import flags_in_use
from ..domain.search_terms import match_query
from ..domain.text import clean_text
from ..domain.vocabulary import CATEGORY_LABELS, FLAG_LABELS, GRADE_LABELS, Category, Grade, grade_rank
from ..store import audit
from ..store.database import Database
from ..store.models import (
    AuditEntry,
    EventType,
    Incident,
    IncidentLogEntry,
    IncidentReport,
    LeadAssignment,
    Organisation,
    Setting,
    User,
    table_columns,
)
from ..store.text_index import INCIDENT_FTS
from .actor import Actor, rechecked
from .errors import NotFound, UserError
from .guard import require
from .incident_log import CLOCK_SKEW, locked_incident, require_view, utc, write_automatic
from .row_version import check_version, touched, version_of

# intake field → Incident column where they differ
COLUMN = {"grade": "grade_confirmed", "event_type": "event_type_text"}
CLOCK_FIELDS = frozenset({"grade", "category", "occurred_at", "received_at", "ongoing", *FLAGS})
MAX_QUERY = 200  # characters of a search text
SORT_KEYS = ("received_at", "occurred_at", "title", "category", "grade", "status", "next_due", "id")


class IntakeInvalid(UserError):
    """The intake cannot be submitted: one message per bad field (Chinese and English)."""

    def __init__(self, problems: Sequence[FieldProblem]):
        self.problems = tuple(problems)
        super().__init__("；".join(p.text("zh_CN") for p in self.problems),
                         "; ".join(p.text("en") for p in self.problems))

    def for_field(self, name: str) -> list[FieldProblem]:
        return [p for p in self.problems if p.field == name]


KNOWN_AT = "known_at"  # not an intake field: when an update's facts became known (the log's 发生时间)
KNOWN_AT_LABEL = ("事态获知时间", "Time the facts became known")


@dataclass(frozen=True)
class KnownAtProblem(FieldProblem):
    """A refused "became known" time, shown under its own field like an intake field's problem."""

    @property
    def label(self) -> tuple[str, str]:
        return KNOWN_AT_LABEL


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class LeadUnit:
    name: str
    duty_phone: str  # "" where none is on file
    role: str  # lead | participant


@dataclass(frozen=True)
class GradeAdvice:
    suggested: str | None  # None: no grading rule applies, the officer judges
    rules: tuple[str, ...]
    reasons: tuple[str, ...]
    basis: tuple[str, ...]
    needs_judgment: bool


@dataclass(frozen=True)
class IncidentView:
    id: int
    status: str  # draft | open | closed
    profile_key: str
    profile_version: str
    title: str
    source: str | None
    caller_name: str | None
    callback_phone: str | None
    occurred_at: dt.datetime | None
    received_at: dt.datetime
    place: str | None
    address: str | None
    category: str | None
    event_type: str | None
    event_type_id: int | None
    deaths: int
    injured: int
    seriously_injured: int
    missing: int
    trapped: int
    economic_loss_cny: float
    sensitive: bool
    key_area: bool
    special_period: bool
    foreign_related: bool
    prominent: bool
    major_impact: bool
    may_escalate: bool
    endangers_neighbours: bool
    ongoing: bool
    health: Mapping[str, Any]
    grade_confirmed: str
    grade_suggested: str | None
    advice: GradeAdvice
    description: str | None
    measures_taken: str | None
    trend: str | None
    created_by_id: int
    created_by_name: str
    created_at: dt.datetime
    workstation: str | None
    handling_ended_at: dt.datetime | None
    closed_at: dt.datetime | None
    lead_units: tuple[LeadUnit, ...]
    row_version: int = 0  # what a screen shows and sends back with an edit (services/row_version.py)
    flags_in_use: tuple[str, ...] = ()  # the condition flags the incident's own rules read (others: shown if set)

    @property
    def flags(self) -> tuple[str, ...]:
        return tuple(f for f in FLAGS if getattr(self, f))

    def intake_fields(self) -> dict[str, Any]:
        """The values as the wizard edits them (to resume a draft)."""
        names = {"grade": "grade_confirmed"}
        return {name: (dict(self.health) if name == "health" else getattr(self, names.get(name, name)))
                for name in FIELD_LABELS}


@dataclass(frozen=True)
class DraftSaved:
    incident: IncidentView
    saved: tuple[str, ...]  # fields stored by this save
    problems: tuple[FieldProblem, ...]  # fields refused by this save (they keep their last saved value)


@dataclass(frozen=True)
class DraftSummary:
    id: int
    title: str
    received_at: dt.datetime
    category: str | None
    event_type: str | None
    place: str | None
    created_at: dt.datetime
    created_by_id: int


@dataclass(frozen=True)
class EventTypeChoice:
    no: int
    category: str
    name: str
    lead_units: tuple[str, ...]
    basis: str


@dataclass(frozen=True)
class Choice:
    key: str
    zh: str
    en: str


@dataclass(frozen=True)
class IntakeChoices:
    profile_key: str
    profile_version: str
    sources: tuple[Choice, ...]
    places: tuple[str, ...]  # empty: the profile lists none, any place text
    place_other: str
    categories: tuple[Choice, ...]
    event_types: tuple[EventTypeChoice, ...]
    grades: tuple[Choice, ...]
    flags: tuple[Choice, ...]  # the condition flags the profile's rules read (domain.rules.flags_in_use)


@dataclass(frozen=True)
class IncidentQuery:
    text: str | None = None  # in title, description, address, place, caller, phone, event type, measures, trend
    received_from: dt.date | dt.datetime | None = None  # a date means from that Beijing day's start
    received_to: dt.date | dt.datetime | None = None  # a date includes that whole Beijing day
    category: str | None = None
    grade: str | None = None  # the confirmed grade
    statuses: tuple[str, ...] = ("open", "closed")
    overdue: bool | None = None  # True: only with an overdue report; False: only without
    sort: str = "received_at"
    descending: bool = True
    limit: int | None = 500
    offset: int = 0
    # the next page after this row, by (received_at, id) in the list's order (sort "received_at" only): a row
    # added or gone meanwhile neither repeats nor skips a line, as an offset would
    after: tuple[dt.datetime, int] | None = None


class IncidentRow(NamedTuple):
    """A line of the incident list: what it shows, and an open incident's clock. A tuple: a page builds 500 of
    them, and a frozen dataclass's per-field setattr was a third of the list's load (issue 21)."""
    id: int
    status: str
    title: str
    category: str | None
    event_type: str | None
    place: str | None
    received_at: dt.datetime
    occurred_at: dt.datetime | None
    grade_confirmed: str
    grade_suggested: str | None
    deaths: int
    injured: int
    next_due: dt.datetime | None = None  # the earliest pending due time (escalation time where the plan gives none)
    next_due_label: str | None = None
    state: str = "none"  # ok | soon | overdue | none (closed, or nothing pending)
    overdue_count: int = 0


# ---------------------------------------------------------------- profiles and facts (shared with incident_reports)


def facts_of(r: Incident | Row) -> IncidentFacts:
    """The rules' view of a stored incident (an ORM row or a column row with the same names)."""
    return IncidentFacts(
        category=Category(r.category) if r.category else None, event_type=r.event_type_text,
        occurred_at=r.occurred_at, received_at=r.received_at, grade=Grade(r.grade_confirmed or Grade.unknown),
        deaths=r.deaths, injured=r.injured, seriously_injured=r.seriously_injured, missing=r.missing,
        trapped=r.trapped, economic_loss_cny=r.economic_loss_cny,
        **{f: bool(getattr(r, f, False)) for f in FLAGS},
        ongoing=bool(r.ongoing) and r.handling_ended_at is None, health=getattr(r, "health", None) or {},
        clocks_started=started_times(getattr(r, "clocks_started", None)))


def started_times(stored: Mapping[str, Any] | Sequence[tuple[str, Any]] | None) -> dict[str, dt.datetime | None]:
    """incident.clocks_started as the rules take it: clock id → aware time (None: from the intake). Stored as JSON
    (ISO UTC text); chain_of's memo passes it as sorted pairs."""
    if not stored:
        return {}
    pairs = stored.items() if isinstance(stored, Mapping) else stored
    out: dict[str, dt.datetime | None] = {}
    for clock_id, at in pairs:
        if isinstance(at, str):
            at = dt.datetime.fromisoformat(at)
            at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
        out[str(clock_id)] = at if isinstance(at, dt.datetime) else None
    return out


def note_started_clocks(incident: Incident, before: Iterable[str], after: Iterable[str], at: dt.datetime,
                        fallen_due: Iterable[str] = ()) -> None:
    """Record when the clocks a change brought in began to apply (`at`: when the new grade or flag was known).

    A clock that keeps applying keeps its time. A clock the change ends is forgotten unless it had already fallen
    due (`fallen_due`: its lateness stands, and a grade taken back and confirmed again does not restart it), so a
    grade confirmed by mistake and taken back starts afresh when it is confirmed again. An incident taken before
    migration 0011 (NULL) gets a map from its first such change on."""
    before, after, late = set(before), set(after), set(fallen_due)
    known = dict(incident.clocks_started or {})
    for c in before - after:
        if c not in late:
            known.pop(c, None)
    for c in after - before:
        if c not in known:
            known[c] = at.astimezone(dt.UTC).isoformat()
    if known != (incident.clocks_started or {}):  # a new dict: SQLAlchemy sees a replaced JSON value
        incident.clocks_started = known


SENT_COLUMNS = table_columns(IncidentReport.incident_id, IncidentReport.id, IncidentReport.kind, IncidentReport.sequence,
                IncidentReport.clock_id, IncidentReport.sent_at, IncidentReport.due_at, IncidentReport.late_minutes,
                IncidentReport.corrects_report_id)


def sent_report(r: Row) -> SentReport:
    return SentReport(r.id, r.kind, r.sequence, r.clock_id, r.sent_at, r.due_at, r.late_minutes, r.corrects_report_id)


def sent_reports(s: Session, incident_id: int) -> list[SentReport]:
    rows = s.execute(select(*SENT_COLUMNS).where(IncidentReport.incident_id == incident_id,
                                                 IncidentReport.sent_at.is_not(None)))
    return [sent_report(r) for r in rows]


class _Same:
    """A cache key that is the profile object itself (two profiles with one key and version may differ in tests)."""

    __slots__ = ("profile",)

    def __init__(self, profile: Profile):
        self.profile = profile

    def __hash__(self) -> int:
        return id(self.profile)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.profile is self.profile


_CLOCK_INPUTS = ("category", "event_type_text", "occurred_at", "received_at", "grade_confirmed", "deaths", "injured",
                 "seriously_injured", "missing", "trapped", "economic_loss_cny", "sensitive", "key_area",
                 *FLAGS[2:], "ongoing", "handling_ended_at", "clocks_started")


BOUND_SETTING = SettingKey.escalation_minutes  # 本区设定: the bound of deadlines whose plan gives none
BOUND_LIMITS = (1, 240)


_BOUND_VALUE = select(*table_columns(Setting.value)).where(table_columns(Setting.key)[0] == BOUND_SETTING)


def district_bound_minutes(s: Session) -> int:
    """The district's escalation bound (本区设定) in minutes: the administrator's, else the default."""
    raw = s.connection().execute(_BOUND_VALUE).scalar()  # a Core read: the list asks on every search
    low, high = BOUND_LIMITS
    return stored_count(raw, default=DEFAULT_DISTRICT_MINUTES, low=low, high=high)


def chain_of(profile: Profile, incident: Incident | Row, reports: Sequence[SentReport],
             district_minutes: int = DEFAULT_DISTRICT_MINUTES) -> list[ChainDeadline]:
    """The incident's report chain. Memoised on its immutable inputs: the dashboard asks again every tick.

    `district_minutes` is the district's escalation bound for deadlines the plan gives no number and no
    bound (district_bound_minutes reads the administrator's setting)."""
    inputs = (*(getattr(incident, name) for name in _CLOCK_INPUTS[:-1]),
              tuple(sorted(started_times(getattr(incident, "clocks_started", None)).items())))  # hashable
    return list(_chain(_Same(profile), inputs, tuple(reports), district_minutes))


@lru_cache(maxsize=4096)
def _chain(profile: _Same, inputs: tuple, reports: tuple[SentReport, ...],
           district_minutes: int) -> tuple[ChainDeadline, ...]:
    row = SimpleNamespace(**dict(zip(_CLOCK_INPUTS, inputs, strict=True)))  # health never moves a clock
    return tuple(build_chain(profile.profile, facts_of(row), reports, handling_ended_at=row.handling_ended_at,
                             district_minutes=district_minutes))


def report_facts(incident: Incident, profile: Profile) -> ReportFacts:
    return ReportFacts(
        district=profile.name, title=incident.title, occurred_at=incident.occurred_at,
        received_at=incident.received_at, place=incident.place, address=incident.address, source=incident.source,
        caller_name=incident.caller_name, callback_phone=incident.callback_phone, category=incident.category,
        event_type=incident.event_type_text, grade=incident.grade_confirmed, deaths=incident.deaths,
        injured=incident.injured, seriously_injured=incident.seriously_injured, missing=incident.missing,
        trapped=incident.trapped, economic_loss_cny=incident.economic_loss_cny,
        flags=tuple(f for f in FLAGS if getattr(incident, f)),
        ongoing=bool(incident.ongoing) and incident.handling_ended_at is None,
        handling_ended_at=incident.handling_ended_at, description=incident.description,
        measures_taken=incident.measures_taken, trend=incident.trend)


def pending_summary(chain: Iterable[ChainDeadline]) -> list[dict[str, Any]]:
    """What the audit keeps of the deadlines: each pending one with its due time and clause."""
    return [{"key": d.key, "due": d.due, "wording": d.wording, "basis": d.basis} for d in pending(chain)]


def deadline_text(chain: Iterable[ChainDeadline]) -> str:
    parts = [f"{d.label}{when(d.due)}前" if d.due else f"{d.label}：{d.wording}" + (
        f"（警戒{when(d.escalation_due)}）" if d.escalation_due else "") for d in pending(chain)]  # "立即" has a clock
    return "；".join(parts) if parts else "无待报事项"


def advise(profile: Profile, category: str | None, values: Mapping[str, Any],
           series: Sequence[tuple[dt.datetime, Mapping[str, Any]]] = ()) -> GradeAdvice:
    """The grade the facts point to; `series` (the dated public-health updates) lets the windowed rules count."""
    facts = {"deaths": values.get("deaths") or 0, "seriously_injured": values.get("seriously_injured") or 0,
             "economic_loss_cny": values.get("economic_loss_cny") or 0, "health": dict(values.get("health") or {})}
    if len(series) > 1:
        facts["health_series"] = list(series)
    try:
        s = suggest_grade(category or None, facts, list(profile.grading))
    except ValueError:  # unreadable public-health facts in a draft: no advice until they are fixed
        return GradeAdvice(None, (), (), (), True)
    return GradeAdvice(s.suggested.value if s.suggested else None, tuple(s.rule_ids), tuple(h.reason for h in s.hits),
                       tuple(h.basis for h in s.hits), s.needs_judgment)


def needs_grade_decision(before: IncidentView, after: IncidentView) -> bool:
    """An update moved the suggestion to a grade other than the confirmed one: the officer must decide now
    (adopt it, keep the confirmed grade, or choose another). The confirmed grade never follows by itself."""
    return (after.grade_suggested is not None and after.grade_suggested != before.grade_suggested
            and after.grade_suggested != after.grade_confirmed)


def _known_at_problems(known_at: dt.datetime, received_at: dt.datetime | None,
                       now: dt.datetime) -> list[FieldProblem]:
    """The time an update's facts became known: not in the future (beyond clock drift), not before receipt.
    Receipt is compared to the minute: the editor offers minutes, a receipt may carry seconds."""
    if known_at.tzinfo is None:
        return [KnownAtProblem(KNOWN_AT, "必须带时区", "must carry a time zone")]
    if known_at > now + CLOCK_SKEW:
        return [KnownAtProblem(KNOWN_AT, "不能晚于当前时间", "cannot be in the future")]
    if received_at is not None and known_at < received_at.replace(second=0, microsecond=0):
        return [KnownAtProblem(KNOWN_AT, f"不能早于接报时间（{when(received_at)}）",
                               "cannot be before the incident was received")]
    return []


def _record(incident: Incident) -> dict[str, Any]:
    """The intake fields of a stored incident, keyed as the wizard names them."""
    out = {name: getattr(incident, COLUMN.get(name, name)) for name in FIELD_LABELS}
    out["health"] = dict(incident.health or {})
    return out


def _suggestion(grade: str | None) -> str:
    return grade_text(grade) if grade else "无（由值班人员研判）"


def _show(name: str, value: Any) -> str:
    if value in (None, ""):
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return when(value)
    if name == "grade":
        return grade_text(value)
    if name == "category":
        return CATEGORY_LABELS[Category(value)][0]
    if name == "source":
        return SOURCES.get(value, (value,))[0]
    text = str(value)
    return text if len(text) <= 30 else text[:30] + "…"


_EARLIEST, _LATEST = dt.datetime(1900, 1, 1, tzinfo=BEIJING), dt.datetime(2200, 1, 1, tzinfo=BEIJING)


def _to_utc_bound(value: dt.date | dt.datetime | None, end: bool) -> dt.datetime | None:
    """The bound of a received-time filter; a day from year 1 or 9999 (a date box at its limit) is no bound rather
    than an OverflowError (issue 17)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        bound = value if value.tzinfo else value.replace(tzinfo=BEIJING)
    elif value.year >= _LATEST.year:
        bound = _LATEST
    else:
        day = value + dt.timedelta(days=1) if end else value
        bound = dt.datetime.combine(day, dt.time(), BEIJING)
    if bound.year < _EARLIEST.year:
        return None if not end else _EARLIEST
    if bound.year >= _LATEST.year:
        return None if end else _LATEST
    return bound


# ---------------------------------------------------------------- the service


@rechecked
class IncidentService:
    def __init__(self, db: Database, profile: Profile, profile_dir: Path | None = None):
        self.db = db
        self.profile = profile  # the configured jurisdiction; each incident uses the version in force on its date
        self.profile_dir = profile_dir

    # ------------------------------------------------------------ profiles

    def _profile_on(self, received_at: dt.datetime) -> Profile:
        return profile_in_force(self.profile.key, received_at.astimezone(BEIJING).date(), self.profile_dir)

    def _profile_of(self, incident: Incident | Row) -> Profile:
        return rules_version_of(incident, self.profile_dir)

    # ------------------------------------------------------------ what the wizard offers

    def choices(self, actor: Actor, on: dt.date | None = None) -> IntakeChoices:
        """Sources, places, categories, event types (with lead units), grades and flags of the profile in force."""
        require_view(actor)
        p = profile_in_force(self.profile.key, today_or(on), self.profile_dir)
        return IntakeChoices(
            profile_key=p.key, profile_version=p.version,
            sources=tuple(Choice(k, zh, en) for k, (zh, en) in SOURCES.items()),
            places=tuple(p.places), place_other=PLACE_OTHER,
            categories=tuple(Choice(c.value, *CATEGORY_LABELS[c]) for c in Category),
            event_types=tuple(EventTypeChoice(r.no, r.category.value, r.event_type, tuple(r.lead_units), r.basis)
                              for r in p.lead_departments),
            grades=tuple(Choice(g.value, *GRADE_LABELS[g]) for g in Grade),
            flags=tuple(Choice(f.value, *FLAG_LABELS[f]) for f in flags_in_use(p)))  # what this plan reads

    def lead_units(self, actor: Actor, category: str | None, event_type: str | None,
                   on: dt.date | None = None) -> tuple[LeadUnit, ...]:
        """The lead units of an event type with their duty phones from the contacts."""
        require_view(actor)
        p = profile_in_force(self.profile.key, today_or(on), self.profile_dir)
        with self.db.read() as s:
            return self._lead_units(s, p, category, event_type)

    def advise(self, actor: Actor, fields: Mapping[str, Any], *, now: dt.datetime | None = None) -> GradeAdvice:
        """The grade the grading rules suggest for what has been typed so far, with the rules and reasons."""
        require_view(actor)
        now = now_or(now)
        check = clean_intake(fields, self.profile, now, complete=False)
        p = self._profile_on(check.values.get("received_at") or now)
        return advise(p, check.values.get("category"), check.values)

    def preview_deadlines(self, actor: Actor, fields: Mapping[str, Any], *,
                          now: dt.datetime | None = None) -> list[ChainDeadline]:
        """The deadlines the intake as typed would owe once submitted (for the wizard; nothing is written).

        Fields that fail their own check count as unknown/0, as in a draft. Added for the intake wizard (GUI)."""
        require_view(actor)
        now = now_or(now)
        v = clean_intake(fields, self.profile, now, complete=False).values
        received = v.get("received_at") or now
        counts = {k: v.get(k) or 0 for k in ("deaths", "injured", "seriously_injured", "missing", "trapped")}
        row = SimpleNamespace(
            category=v.get("category"), event_type_text=v.get("event_type"), occurred_at=v.get("occurred_at"),
            received_at=received, grade_confirmed=v.get("grade") or Grade.unknown.value,
            economic_loss_cny=v.get("economic_loss_cny") or 0.0, ongoing=v.get("ongoing", True),
            handling_ended_at=None, health=v.get("health") or {}, clocks_started=None, **counts,
            **{f: bool(v.get(f)) for f in FLAGS})
        with self.db.read() as s:
            minutes = district_bound_minutes(s)
        return pending(chain_of(self._profile_on(received), row, [], minutes))

    def check(self, actor: Actor, fields: Mapping[str, Any], *, draft_id: int | None = None,
              now: dt.datetime | None = None) -> tuple[FieldProblem, ...]:
        """What would stop a submit of this draft with these fields (nothing is written)."""
        require_view(actor)
        now = now_or(now)
        with self.db.read() as s:
            base = _record(self._get(s, draft_id)) if draft_id else {}
        merged = {"received_at": now, **base, **fields}
        return clean_intake(merged, self._profile_on(self._received(merged, now)), now, complete=True).problems

    # ------------------------------------------------------------ drafts

    def save_draft(self, actor: Actor, draft_id: int | None, fields: Mapping[str, Any], *,
                   now: dt.datetime | None = None) -> DraftSaved:
        """Save a half-finished intake as it is typed: partial data; what was saved before is kept."""
        now = now_or(now)
        require(actor, "incident.create")
        check = clean_intake(fields, self.profile, now, complete=False)
        values = dict(check.values)
        if values.get("received_at", now) is None:  # a cleared box keeps the time already on the draft (NOT NULL)
            del values["received_at"]
        with self.db.write() as s:
            if draft_id is None:
                incident = self._new(actor, values.get("received_at") or now, now)
                s.add(incident)
                before: dict[str, Any] = {}
            else:
                incident = locked_incident(s, draft_id)
                require(actor, "incident.edit", incident.status)
                if incident.status != "draft":
                    raise UserError("该接报已提交，请在事件中修改", "this intake was submitted: edit the incident instead")
                before = _record(incident)
            changed = self._apply(s, incident, values)
            touched(incident, actor, now)
            s.flush()
            if draft_id is None or changed:
                audit.record_by(s, actor,
                                action="incident.draft.create" if draft_id is None else "incident.draft.save",
                                entity="incident", entity_id=incident.id,
                                before={k: before.get(k) for k in changed} if draft_id else None,
                                after={k: _record(incident)[k] for k in changed} | {"status": "draft"}, at=now)
            return DraftSaved(self._view(s, incident), tuple(sorted(check.values)), check.problems)

    def my_drafts(self, actor: Actor) -> list[DraftSummary]:
        """The actor's unfinished intakes, newest first (offered again after a crash or a close)."""
        require_view(actor)
        with self.db.read() as s:
            rows = s.execute(select(Incident.id, Incident.title, Incident.received_at, Incident.category,
                                    Incident.event_type_text, Incident.place, Incident.created_at,
                                    Incident.created_by_id)
                             .where(Incident.status == "draft", Incident.created_by_id == actor.id)
                             .order_by(Incident.created_at.desc(), Incident.id.desc()))
            return [DraftSummary(*r) for r in rows]

    def discard_draft(self, actor: Actor, draft_id: int, *, now: dt.datetime | None = None) -> None:
        now = now_or(now)
        with self.db.write() as s:
            incident = locked_incident(s, draft_id)
            require(actor, "incident.edit", incident.status)
            if incident.status != "draft":
                raise UserError("只能放弃未提交的接报草稿", "only an unsubmitted draft can be discarded")
            if s.scalar(select(IncidentLogEntry.id).where(IncidentLogEntry.incident_id == draft_id).limit(1)):
                raise UserError("草稿已有日志记录，不能放弃，请提交后结束", "the draft has log entries: submit it instead")
            audit.record_by(s, actor, action="incident.draft.discard",
                            entity="incident", entity_id=draft_id, before=_record(incident), at=now)
            s.delete(incident)

    # ------------------------------------------------------------ submitting

    def submit(self, actor: Actor, draft_id: int, fields: Mapping[str, Any] | None = None, *,
               now: dt.datetime | None = None) -> IncidentView:
        """Open the incident from a draft; the whole intake is checked and nothing is written if any field is bad."""
        now = now_or(now)
        require(actor, "incident.create")
        with self.db.write() as s:
            incident = locked_incident(s, draft_id)
            require(actor, "incident.edit", incident.status)
            if incident.status != "draft":
                raise UserError("该接报已提交", "this intake was already submitted")
            self._open(s, actor, incident, {**_record(incident), **(fields or {})}, now)
            return self._view(s, incident)

    def register(self, actor: Actor, fields: Mapping[str, Any], *, now: dt.datetime | None = None) -> IncidentView:
        """Open an incident in one step, without a draft (CLI, imports, tests)."""
        now = now_or(now)
        require(actor, "incident.create")
        merged = {"received_at": now, **fields}
        with self.db.write() as s:
            incident = self._new(actor, self._received(merged, now), now)
            self._open(s, actor, incident, merged, now, new=True)
            return self._view(s, incident)

    def _new(self, actor: Actor, received: dt.datetime, now: dt.datetime) -> Incident:
        p = self._profile_on(received)
        return Incident(profile_key=p.key, profile_version=p.version, status="draft", title="", received_at=received,
                        created_by_id=actor.id, created_at=now, workstation=audit.WORKSTATION,
                        grade_confirmed=Grade.unknown.value, health={}, deaths=0, injured=0, seriously_injured=0,
                        missing=0, trapped=0, economic_loss_cny=0.0, ongoing=True, **dict.fromkeys(FLAGS, False))

    def _received(self, values: Mapping[str, Any], now: dt.datetime) -> dt.datetime:
        """The received time as typed (if readable), which picks the profile version the rest is checked by."""
        return clean_intake({"received_at": values.get("received_at")}, self.profile, now,
                            complete=False).values.get("received_at") or now

    def _open(self, s: Session, actor: Actor, incident: Incident, merged: dict[str, Any], now: dt.datetime,
              new: bool = False) -> None:
        p = self._profile_on(self._received(merged, now))
        check = clean_intake(merged, p, now, complete=True)
        if check.problems:
            raise IntakeInvalid(check.problems)
        p = self._profile_on(check.values["received_at"])
        incident.profile_key, incident.profile_version = p.key, p.version
        if new:
            s.add(incident)
        self._apply(s, incident, check.values)
        incident.status = "open"
        incident.clocks_started = dict.fromkeys(c.id for c in applying_clocks(p, facts_of(incident)))  # from intake
        touched(incident, actor, now)
        s.flush()
        chain = chain_of(p, incident, [])
        audit.record_by(s, actor, action="incident.open", entity="incident",
                        entity_id=incident.id, before=None if new else {"status": "draft"},
                        after={**_record(incident), "status": "open", "profile": f"{p.key}@{p.version}",
                            "grade_suggested": incident.grade_suggested, "deadlines": pending_summary(chain)}, at=now)
        source = SOURCES.get(incident.source or "", ("",))[0]
        write_automatic(s, actor, incident, f"接报登记（{source}）：{incident.title}。报告时限：{deadline_text(chain)}",
                        happened_at=incident.received_at, now=now)

    # ------------------------------------------------------------ changes to an open incident

    def update(self, actor: Actor, incident_id: int, fields: Mapping[str, Any], *, known_at: dt.datetime | None = None,
               now: dt.datetime | None = None, version: int | None = None) -> IncidentView:
        """Change intake fields of an open incident (casualties, description, …); the whole record is rechecked.

        `known_at` is when the new facts became known (default: now): the log line's 发生时间, entered `now`.
        A time in the future or before receipt is refused with the fields' problems (IntakeInvalid, field
        "known_at"). A changed grade suggestion is logged, never applied: see needs_grade_decision.

        `version` (here and in every command below that edits the incident): the row_version the screen showed;
        when another seat has changed the incident since, EditConflict and nothing is written."""
        now = now_or(now)
        return self._change(actor, incident_id, fields, now, "incident.edit", known_at=known_at or now, version=version)

    def keep_grade(self, actor: Actor, incident_id: int, *, now: dt.datetime | None = None,
                   version: int | None = None) -> IncidentView:
        """The officer has weighed a differing suggestion and keeps the confirmed grade: the decision is
        logged and audited (the clocks do not move)."""
        now = now_or(now)
        with self.db.write() as s:
            incident = locked_incident(s, incident_id)
            require(actor, "incident.confirm_grade", incident.status)
            self._require_open(incident)
            check_version(s, incident, version, now)
            confirmed, suggested = incident.grade_confirmed, incident.grade_suggested
            if suggested is None or suggested == confirmed:
                raise UserError("系统建议与确认等级一致，无需研判", "the suggestion agrees with the confirmed grade")
            audit.record_by(s, actor, action="incident.grade.kept",
                            entity="incident", entity_id=incident.id,
                            before={"grade": confirmed, "grade_suggested": suggested},
                            after={"grade": confirmed, "grade_suggested": suggested}, at=now)
            write_automatic(s, actor, incident, f"经研判维持确认等级{grade_text(confirmed)}，系统建议为{grade_text(suggested)}",
                            happened_at=now, now=now)
            return self._view(s, incident)

    def confirm_grade(self, actor: Actor, incident_id: int, grade: str, *, now: dt.datetime | None = None,
                      version: int | None = None) -> IncidentView:
        """The officer confirms or changes the grade (or sets it back to unknown); the deadlines follow it."""
        return self._change(actor, incident_id, {"grade": grade}, now, "incident.confirm_grade", version=version)

    def set_flags(self, actor: Actor, incident_id: int, flags: Mapping[str, bool], *,
                  now: dt.datetime | None = None, version: int | None = None) -> IncidentView:
        """Set or clear a condition flag (sensitive, key_area, …, prominent, may_escalate: vocabulary.Flag);
        the deadlines follow them."""
        unknown = sorted(set(flags) - set(FLAGS))
        if unknown:
            raise UserError(f"未知的标记：{'、'.join(unknown)}", f"unknown flag: {', '.join(unknown)}")
        return self._change(actor, incident_id, dict(flags), now, "incident.edit", version=version)

    def end_handling(self, actor: Actor, incident_id: int, *, at: dt.datetime | None = None,
                     now: dt.datetime | None = None, version: int | None = None) -> IncidentView:
        """Record that handling ended (处置结束): follow-ups stop, the final report is now owed."""
        now = now_or(now)
        at = at or now
        if at.tzinfo is None:
            raise UserError("处置结束时间必须带时区", "the end time must carry a time zone")
        if at > now + dt.timedelta(minutes=5):
            raise UserError("处置结束时间不能晚于现在", "the end of handling cannot be in the future")
        with self.db.write() as s:
            incident = locked_incident(s, incident_id)
            require(actor, "incident.edit", incident.status)
            self._require_open(incident)
            check_version(s, incident, version, now)
            if incident.handling_ended_at is not None:
                raise UserError("已登记处置结束", "the end of handling is already recorded")
            if at < incident.received_at:
                raise UserError("处置结束时间不能早于接报时间", "handling cannot end before the incident was received")
            p = self._profile_of(incident)
            before_chain = chain_of(p, incident, sent_reports(s, incident.id))
            incident.handling_ended_at, incident.ongoing = at, False
            touched(incident, actor, now)
            chain = chain_of(p, incident, sent_reports(s, incident.id))
            audit.record_by(s, actor, action="incident.handling_ended",
                            entity="incident", entity_id=incident.id,
                            before={"ongoing": True, "handling_ended_at": None, "deadlines": pending_summary(before_chain)},
                            after={"ongoing": False, "handling_ended_at": at, "deadlines": pending_summary(chain)}, at=now)
            write_automatic(s, actor, incident, f"处置结束。报告时限：{deadline_text(chain)}", happened_at=at, now=now)
            return self._view(s, incident)

    def close(self, actor: Actor, incident_id: int, *, now: dt.datetime | None = None,
              version: int | None = None) -> IncidentView:
        """Close (结案): only after the final report has been sent; a closed incident refuses edits."""
        now = now_or(now)
        with self.db.write() as s:
            incident = locked_incident(s, incident_id)
            require(actor, "incident.close", incident.status)
            check_version(s, incident, version, now)
            final = s.scalar(select(IncidentReport.id).where(
                IncidentReport.incident_id == incident.id, IncidentReport.kind == "final",
                IncidentReport.sent_at.is_not(None), IncidentReport.corrects_report_id.is_(None)).limit(1))
            if final is None:
                raise UserError("尚未报送终报，不能结束事件", "the final report has not been sent: the incident cannot be closed")
            incident.status, incident.closed_at = "closed", now
            touched(incident, actor, now)
            audit.record_by(s, actor, action="incident.close", entity="incident",
                            entity_id=incident.id, before={"status": "open", "closed_at": None},
                            after={"status": "closed", "closed_at": now, "final_report_id": final}, at=now)
            write_automatic(s, actor, incident, "事件结束（结案）", happened_at=now, now=now)
            return self._view(s, incident)

    def _change(self, actor: Actor, incident_id: int, fields: Mapping[str, Any], now: dt.datetime | None,
                action: str, known_at: dt.datetime | None = None, version: int | None = None) -> IncidentView:
        now = now_or(now)
        with self.db.write() as s:
            incident = locked_incident(s, incident_id)
            require(actor, action, incident.status)
            check_version(s, incident, version, now)
            if "grade" in fields and action != "incident.confirm_grade":
                require(actor, "incident.confirm_grade", incident.status)
            before = _record(incident)
            merged = {**before, **fields}
            p_new = self._profile_on(self._received(merged, now))
            check = clean_intake(merged, p_new, now, complete=incident.status != "draft")
            problems = list(check.problems)
            if known_at is not None:
                problems += _known_at_problems(known_at, check.values.get("received_at"), now)
            if problems:
                raise IntakeInvalid(problems)
            p_old = self._profile_of(incident)
            reports = sent_reports(s, incident.id)
            before_chain = chain_of(p_old, incident, reports)
            facts_before = facts_of(incident)
            suggested_before = incident.grade_suggested
            changed = self._apply(s, incident, {k: check.values[k] for k in fields}, known_at or now)
            if not changed:
                return self._view(s, incident)
            touched(incident, actor, now)
            p = self._profile_on(incident.received_at)
            incident.profile_key, incident.profile_version = p.key, p.version
            if incident.status == "open":  # a grade or flag confirmed now: the clocks it brings in start now
                at = known_at or now
                # both sides under the profile in force now: a version switch alone brings no clock in
                note_started_clocks(incident, [c.id for c in applying_clocks(p, facts_before)],
                                    [c.id for c in applying_clocks(p, facts_of(incident))], at,
                                    fallen_due={d.clock_id for d in pending(before_chain)
                                                if d.escalation_due is not None and d.escalation_due <= at})
            chain = chain_of(p, incident, reports)
            clock_changed = pending_summary(before_chain) != pending_summary(chain)
            after = _record(incident)
            name = "incident.grade" if set(changed) == {"grade"} else "incident.flags" \
                if set(changed) <= set(FLAGS) else "incident.edit"
            known = {"known_at": known_at} if known_at is not None else {}
            audit.record_by(s, actor, action=name, entity="incident",
                            entity_id=incident.id,
                            before={k: before[k] for k in changed} | {"deadlines": pending_summary(before_chain),
                                                                   "grade_suggested": suggested_before},
                            after={k: after[k] for k in changed} | {"deadlines": pending_summary(chain),
                                                                 "grade_suggested": incident.grade_suggested} | known,
                            at=now)
            if incident.status == "open":
                self._log_change(s, actor, incident, changed, before, after, chain if clock_changed else None,
                                 suggested_before, happened_at=known_at or now, now=now)
            return self._view(s, incident)

    @staticmethod
    def _log_change(s: Session, actor: Actor, incident: Incident, changed: Sequence[str], before: Mapping[str, Any],
                    after: Mapping[str, Any], chain: list[ChainDeadline] | None, suggested_before: str | None, *,
                    happened_at: dt.datetime, now: dt.datetime) -> None:
        parts = []
        for k in changed:
            label = FIELD_LABELS[k][0]
            if k == "grade":
                label = "事件等级" if before[k] == Grade.unknown.value else "事件等级变更"
            parts.append(f"{label}：{_show(k, before[k])} → {_show(k, after[k])}")
        text = "；".join(parts)
        if "grade" in changed and incident.grade_suggested:
            text += f"（系统建议：{grade_text(incident.grade_suggested)}）"
        suggestion_moved = "grade" not in changed and incident.grade_suggested != suggested_before
        if suggestion_moved:  # advice only: the confirmed grade (and so the clocks) wait for the officer
            text += f"。系统建议等级：{_suggestion(suggested_before)} → {_suggestion(incident.grade_suggested)}"
            if incident.grade_suggested and incident.grade_suggested != incident.grade_confirmed:
                text += f"，与确认等级{grade_text(incident.grade_confirmed)}不一致，待值班人员研判确认"
        if chain is not None:
            text += f"。报告时限已重新计算：{deadline_text(chain)}"
        kind = "incident" if chain is not None or "grade" in changed or suggestion_moved else None
        write_automatic(s, actor, incident, text, happened_at=happened_at, now=now, duty_kind=kind)

    @staticmethod
    def _require_open(incident: Incident) -> None:
        if incident.status != "open":
            raise UserError("事件尚未提交或已结束", "the incident is not open")

    # ------------------------------------------------------------ applying values

    def _apply(self, s: Session, incident: Incident, values: Mapping[str, Any],
               known_at: dt.datetime | None = None) -> list[str]:
        """Write cleaned values to the row; returns the fields whose value changed. Keeps derived columns in step."""
        old = _record(incident)
        auto_before = auto_title(old.get("place"), old.get("address"), old.get("event_type"))
        changed = []
        for name, value in values.items():
            if old.get(name) != value:
                setattr(incident, COLUMN.get(name, name), value)
                changed.append(name)
        if not incident.title or incident.title == auto_before:  # a title nobody typed follows place and type
            incident.title = auto_title(incident.place, incident.address, incident.event_type_text)
        if changed or incident.grade_suggested is None:
            p = self._profile_of(incident) if incident.profile_key else self._profile_on(incident.received_at)
            series = _health_series(s, incident, known_at) if incident.id is not None else ()
            incident.grade_suggested = advise(p, incident.category, _record(incident), series).suggested
            row = lead_row(p, incident.category, incident.event_type_text)
            incident.event_type_id = s.scalar(select(EventType.id).where(
                EventType.profile_key == p.key, EventType.name == row.event_type)) if row else None
        return changed

    # ------------------------------------------------------------ reading

    def get(self, actor: Actor, incident_id: int) -> IncidentView:
        require_view(actor)
        with self.db.read() as s:
            return self._view(s, self._get(s, incident_id))

    @staticmethod
    def _get(s: Session, incident_id: int) -> Incident:
        incident = s.get(Incident, incident_id)
        if incident is None:
            raise NotFound(f"事件 {incident_id} 不存在", f"incident {incident_id} not found")
        return incident

    def _lead_units(self, s: Session, p: Profile, category: str | None, event_type: str | None) -> tuple[LeadUnit, ...]:
        row = lead_row(p, category, event_type)
        if row is None:
            return ()
        # The database's table wins: an administrator may have edited the lead units since the profile shipped.
        assigned = s.execute(
            select(Organisation.name, Organisation.duty_phone, LeadAssignment.role)
            .join(LeadAssignment, LeadAssignment.organisation_id == Organisation.id)
            .join(EventType, EventType.id == LeadAssignment.event_type_id)
            .where(EventType.profile_key == p.key, EventType.name == row.event_type, LeadAssignment.valid_to.is_(None))
            .order_by(LeadAssignment.position)).all()
        if assigned:
            return tuple(LeadUnit(n, phone or "", role) for n, phone, role in assigned)
        names = [*row.lead_units, *row.participants]
        phones = {n: phone for n, phone in s.execute(select(Organisation.name, Organisation.duty_phone)
                                                     .where(Organisation.name.in_(names)))}
        return tuple(LeadUnit(n, phones.get(n) or "", "lead" if i < len(row.lead_units) else "participant")
                     for i, n in enumerate(names))

    def _view(self, s: Session, i: Incident) -> IncidentView:
        s.flush()  # a command's changes are written, so the view carries the version they moved the row to
        p = self._profile_of(i)
        author = s.get(User, i.created_by_id)
        return IncidentView(
            id=i.id, status=i.status, profile_key=i.profile_key, profile_version=i.profile_version, title=i.title,
            source=i.source, caller_name=i.caller_name, callback_phone=i.callback_phone, occurred_at=utc(i.occurred_at),
            received_at=i.received_at.astimezone(dt.UTC), place=i.place, address=i.address, category=i.category,
            event_type=i.event_type_text, event_type_id=i.event_type_id, deaths=i.deaths, injured=i.injured,
            seriously_injured=i.seriously_injured, missing=i.missing, trapped=i.trapped,
            economic_loss_cny=i.economic_loss_cny, sensitive=i.sensitive, key_area=i.key_area,
            **{f: bool(getattr(i, f)) for f in FLAGS[2:]}, ongoing=i.ongoing,
            health=dict(i.health or {}), grade_confirmed=i.grade_confirmed, grade_suggested=i.grade_suggested,
            advice=advise(p, i.category, _record(i), _health_series(s, i)), description=i.description, measures_taken=i.measures_taken,
            trend=i.trend, created_by_id=i.created_by_id, created_by_name=author.display_name if author else "",
            created_at=utc(i.created_at), workstation=i.workstation, handling_ended_at=utc(i.handling_ended_at),
            closed_at=utc(i.closed_at), lead_units=self._lead_units(s, p, i.category, i.event_type_text),
            row_version=version_of(i), flags_in_use=tuple(f.value for f in flags_in_use(p)))

    # ------------------------------------------------------------ the incident list

    def search(self, actor: Actor, query: IncidentQuery = IncidentQuery(), *,
               now: dt.datetime | None = None) -> list[IncidentRow]:
        """Search and filter (text, received date range, category, grade, status, overdue), sorted, paged."""
        require_view(actor)
        now = now_or(now)
        if query.sort not in SORT_KEYS:
            raise UserError(f"未知的排序字段：{query.sort}", f"unknown sort key: {query.sort}")
        # open only: the status index finds the few. Open and closed (nearly every row): on SQLite `status || ''`
        # keeps the planner off the status index, so it walks received_at newest first and stops at the page (issue
        # 21). PostgreSQL's statistics see that for itself, and the expression would fool its estimate (it sorted
        # every row of a category: 139 ms at ten years)
        plain_status = set(query.statuses) <= {"open"} or not self.db.is_sqlite
        status = Incident.status if plain_status else Incident.status + ""
        stmt = select(*SHOWN_COLUMNS).where(status.in_(query.statuses))
        t = clean_text(query.text.replace("\t", " ") if isinstance(query.text, str) else query.text,
                       field=("检索词", "the search text"), max_len=MAX_QUERY)  # the one input policy (issue 17)
        if t:
            stmt = stmt.where(_any_contains(t, self.db.is_sqlite))
        match = match_query(t) if t and self.db.is_sqlite else None
        start, end = _to_utc_bound(query.received_from, False), _to_utc_bound(query.received_to, True)
        if start:
            stmt = stmt.where(Incident.received_at >= start)
        if end:
            stmt = stmt.where(Incident.received_at < end)
        if query.category:
            stmt = stmt.where(Incident.category == query.category)
        if query.grade:
            stmt = stmt.where(Incident.grade_confirmed == query.grade)
        with self.db.read() as s:
            if match is not None:
                stmt = _narrowed(s, stmt, match)
            if query.overdue is None and query.sort != "next_due":
                # the page in SQL: only the rows shown are fetched, and only open ones get their deadlines
                if query.after is not None:
                    if query.sort != "received_at":
                        raise UserError("按位置续页只适用于按接报时间排序", "paging after a row needs the received-time sort")
                    at, row_id = query.after  # bound as the columns' types (the stored UTC form), not as guessed
                    key = tuple_(Incident.received_at, Incident.id)
                    edge = tuple_(literal(at, Incident.received_at.type), literal(row_id, Incident.id.type))
                    stmt = stmt.where(key < edge if query.descending else key > edge)
                stmt = stmt.order_by(*_sql_order(query.sort, query.descending)).offset(query.offset or None)
                if query.limit is not None:
                    stmt = stmt.limit(query.limit)
                return self._rows(s, s.connection().execute(stmt).all(), now)
            # by deadline: only open incidents have one (a closed one has nothing pending and is never overdue),
            # so the open matches (few) are computed and the others fetched a page at a time, by id
            out = self._rows(s, s.connection().execute(stmt.where(Incident.status == "open")).all(), now)
            if query.overdue is not None:
                out = [r for r in out if (r.overdue_count > 0) == query.overdue]
            if query.overdue is not True and set(query.statuses) - {"open"}:
                rest = stmt.where(Incident.status != "open").order_by(
                    *_sql_order("next_due" if query.sort == "next_due" else query.sort, query.descending))
                if query.limit is not None:
                    rest = rest.limit(query.offset + query.limit)
                out += [IncidentRow(*r) for r in s.connection().execute(rest)]
        out.sort(key=_sort_key(query.sort), reverse=query.descending)
        end_at = None if query.limit is None else query.offset + query.limit
        return out[query.offset:end_at]

    def row(self, actor: Actor, incident_id: int, *, now: dt.datetime | None = None) -> IncidentRow:
        """One incident's line of the list (after a command on it: the list updates that line only)."""
        require_view(actor)
        with self.db.read() as s:
            rows = self._rows(s, s.connection().execute(select(*SHOWN_COLUMNS).where(Incident.id == incident_id)).all(), now_or(now))
        if not rows:
            raise NotFound(f"事件 {incident_id} 不存在", f"incident {incident_id} not found")
        return rows[0]

    def _rows(self, s: Session, shown: Sequence[Row], now: dt.datetime) -> list[IncidentRow]:
        """The list's lines: the shown columns of every row, and the clock of the open ones (few), from their facts
        and sent reports. A closed line needs no clock, so its facts are not fetched (issue 21: the list fetched 30
        columns of each of its 500 rows, and parsing their times was half the load)."""
        clocks = self._clocks(s, [r[0] for r in shown if r[1] == "open"], now)  # id, status: SHOWN_COLUMNS' first
        make = tuple.__new__  # IncidentRow's own __new__, without its call per field (a page is 500 lines)
        return [make(IncidentRow, (*r, *clocks.get(r[0], _NO_CLOCK))) for r in shown]

    def _clocks(self, s: Session, open_ids: list[int], now: dt.datetime) -> dict[int, tuple]:
        """next_due, its label, state and overdue count of these open incidents."""
        if not open_ids:
            return {}
        bound = district_bound_minutes(s)
        reports = self._sent_of(s, open_ids)
        out = {}
        for k in range(0, len(open_ids), 500):
            for r in s.connection().execute(select(*LIST_COLUMNS).where(Incident.id.in_(open_ids[k:k + 500]))):
                chain = chain_of(self._profile_of(r), r, reports[r.id], bound)
                # "立即" without a number counts by its escalation bound, as on the dashboard
                due = sorted((d for d in pending(chain) if d.escalation_due is not None),
                             key=lambda d: d.escalation_due)
                if due:
                    out[r.id] = (due[0].escalation_due, due[0].label, deadline_state(due[0].escalation_due, now),
                                 sum(1 for d in due if d.escalation_due < now))
                else:
                    out[r.id] = (None, None, "ok" if pending(chain) else "none", 0)
        return out

    @staticmethod
    def _sent_of(s: Session, open_ids: list[int]) -> dict[int, list[SentReport]]:
        """The sent reports of these (open) incidents, by incident; the deadline clocks need nothing else."""
        reports: dict[int, list[SentReport]] = {i: [] for i in open_ids}
        for k in range(0, len(open_ids), 500):
            for r in s.connection().execute(select(*SENT_COLUMNS).where(IncidentReport.incident_id.in_(open_ids[k:k + 500]),
                                                           IncidentReport.sent_at.is_not(None))):
                reports[r.incident_id].append(sent_report(r))
        return reports

_NO_CLOCK = (None, None, "none", 0)  # a closed line: nothing pending
# what the list shows, in IncidentRow's order (every line); LIST_COLUMNS: the facts an open incident's clock needs
SHOWN_COLUMNS = table_columns(Incident.id, Incident.status, Incident.title, Incident.category, Incident.event_type_text,
                 Incident.place, Incident.received_at, Incident.occurred_at, Incident.grade_confirmed,
                 Incident.grade_suggested, Incident.deaths, Incident.injured)
LIST_COLUMNS = (*SHOWN_COLUMNS, *table_columns(
    Incident.seriously_injured, Incident.missing, Incident.trapped, Incident.economic_loss_cny, Incident.sensitive,
    Incident.key_area, *(getattr(Incident, f) for f in FLAGS[2:]), Incident.ongoing, Incident.handling_ended_at,
    Incident.closed_at, Incident.profile_key, Incident.profile_version, Incident.clocks_started))
_SEARCHED = (Incident.title, Incident.description, Incident.address, Incident.place, Incident.caller_name,
             Incident.callback_phone, Incident.event_type_text, Incident.measures_taken, Incident.trend)


def _health_series(s: Session, incident: Incident,
                   now_known: dt.datetime | None = None) -> list[tuple[dt.datetime, dict[str, Any]]]:
    """The public-health facts as each dated update left them (更新事态): the intake at receipt, then every edit of
    them at its known_at, then the incident's present facts (at `now_known`, else the last update's time)."""
    if incident.category != Category.public_health.value:
        return []
    rows = s.execute(select(AuditEntry.action, AuditEntry.at, AuditEntry.after).where(
        AuditEntry.entity == "incident", AuditEntry.entity_id == str(incident.id),
        AuditEntry.action.in_(("incident.open", "incident.edit"))).order_by(AuditEntry.seq)).all()
    out: list[tuple[dt.datetime, dict[str, Any]]] = []
    for action, at, after in rows:
        if not after or "health" not in after:
            continue
        when = incident.received_at if action == "incident.open" else after.get("known_at") or at
        when = dt.datetime.fromisoformat(when) if isinstance(when, str) else when
        out.append((_as_utc(when), dict(after["health"] or {})))
    current = dict(incident.health or {})
    if not out or out[-1][1] != current:
        out.append((_as_utc(now_known) if now_known else (out[-1][0] if out else _as_utc(incident.received_at)), current))
    return out


def _as_utc(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)  # the audit keeps naive UTC


def _any_contains(text: str, sqlite: bool = False):
    """In any searched column, ignoring case. SQLite's LIKE already ignores (ASCII) case, as its lower() does:
    plain LIKE there, without lower() on nine columns of every row walked (issue 21)."""
    from sqlalchemy import or_

    if sqlite:
        return or_(*(col.contains(text, autoescape=True) for col in _SEARCHED))
    return or_(*(col.icontains(text, autoescape=True) for col in _SEARCHED))


RARE, COMMON = 2000, 10000  # text-index matches: read by id below RARE, the LIKE walk alone from COMMON on


def _narrowed(s: Session, stmt, match: str):
    """The text filter through the incidents' FTS5 index (store/text_index.py; SQLite). A term found in few
    incidents: only those rows are read (by id), the LIKE test kept for exactness (the index finds a superset). A
    commoner one: the list walks newest first and stops at the page, the index as a membership test; a very common
    one (a tenth of a busy decade): the walk alone, which finds the page in the newest few thousand rows."""
    from sqlalchemy import literal_column, text

    found = text(f"SELECT rowid FROM {INCIDENT_FTS} WHERE {INCIDENT_FTS} MATCH :match").bindparams(match=match)
    n = s.scalar(text(f"SELECT count(*) FROM (SELECT 1 FROM {INCIDENT_FTS} WHERE {INCIDENT_FTS} MATCH :match"
                      f" LIMIT {COMMON})").bindparams(match=match))
    if n < RARE:
        return stmt.where(Incident.id.in_(found))
    if n < COMMON:
        return stmt.where((Incident.id + literal_column("0")).in_(found))  # + 0: no lookups by id, the walk decides
    return stmt


_FAR = dt.datetime.max.replace(tzinfo=dt.UTC)


def _sql_order(key: str, descending: bool) -> list:
    """ORDER BY for a sort key, the same order as _sort_key (ties by id); next_due: by id (no deadline)."""
    from sqlalchemy import case, func

    if key == "grade":
        first = case({g.value: grade_rank(g) for g in Grade}, value=Incident.grade_confirmed, else_=-1)
    elif key == "occurred_at":
        first = func.coalesce(Incident.occurred_at, Incident.received_at)
    elif key in ("title", "category", "status"):
        first = func.coalesce(getattr(Incident, key), "")
    elif key == "received_at":
        first = Incident.received_at
    else:  # id, next_due
        first = None
    cols = [c for c in (first, Incident.id) if c is not None]
    return [c.desc() if descending else c.asc() for c in cols]


def _sort_key(key: str):
    if key == "grade":
        return lambda r: (grade_rank(Grade(r.grade_confirmed)), r.id)
    if key == "next_due":
        return lambda r: (r.next_due or _FAR, r.id)
    if key == "occurred_at":
        return lambda r: (r.occurred_at or r.received_at, r.id)
    return lambda r: (getattr(r, key) or "", r.id)


