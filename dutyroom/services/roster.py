"""The duty roster (排班表): generate a month from a rotation, save it, adjust it, record swaps.

Flow: `propose` generates a month (nothing saved) with its conflicts, checked against the saved days
around the month too; `save_month` saves it — refused with the conflicts listed (`RosterConflicts`)
unless the user fixed them or accepts them (`accept_conflicts=True`, the accepted conflicts go into the
audit entry). Saving a month deactivates the month's earlier lines (never deleted: who was on duty stays
answerable). `adjust` moves or re-staffs single lines (the page's drag and its dialog); `swap` hands one
person's shift to another with both people's consent times (RosterSwap): the old line is kept, marked
as replaced by the swap, and a new line is added. Adjustments and swaps are refused when they create a
conflict that was not there before, unless accepted. Every change is audited.

Decisions where issue 6 was silent:
- Duty officers are the users holding the duty_officer role, leaders on duty those holding shift_leader
  (带班领导), each linked to a person; a swap stays within the role's candidates.
- A leader covers a whole duty day (both shifts of a day/night pattern); officers rotate per shift.
- A swap needs both consent times (how consent was given — by phone, in person — goes in the reason);
  a shift that has already ended cannot be swapped.
- Any desk member may record a swap (they are the ones told); generating and adjusting the roster is
  for shift leaders and the office director.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..config import SettingKey, pick
from ..domain import rotation as rot
from ..domain.clock import now_or
from ..domain.permissions import allowed
from ..domain.profile_schema import Profile
from ..domain.text import clean_text
from ..domain.workdays import Calendar
from ..store import audit
from ..store.database import Database
from ..store.models import Person, RosterEntry, RosterSwap, ShiftDefinition, User
from .actor import Actor, rechecked
from .duty import ShiftOnDuty, live_entries, next_shift, shift_on_duty
from .duty_lines import write_duty_line
from .errors import NotFound, UserError
from .guard import require
from .incident_log import aware
from .reference_data import get_setting, put_setting

CLOCK_SKEW = dt.timedelta(minutes=5)
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
CANDIDATE_ROLES = {rot.OFFICER: "duty_officer", rot.LEADER: "shift_leader"}


# ---------------------------------------------------------------- views


@dataclass(frozen=True)
class PersonOption:
    person_id: int
    name: str
    username: str


@dataclass(frozen=True)
class Candidates:
    officers: tuple[PersonOption, ...]
    leaders: tuple[PersonOption, ...]

    def ids_by_role(self) -> dict[str, set[int]]:
        """Who may stand in each duty role: officer → the officers' person ids, leader → the leaders'."""
        return {rot.OFFICER: {p.person_id for p in self.officers}, rot.LEADER: {p.person_id for p in self.leaders}}

    def names(self) -> dict[int, str]:
        """Person id → name, of everyone who may be rostered."""
        return {p.person_id: p.name for p in (*self.officers, *self.leaders)}


@dataclass(frozen=True)
class ShiftView:
    id: int | None  # None: the pattern's shift is not defined yet (created when a month is saved)
    name: str
    start: str
    minutes: int


@dataclass(frozen=True)
class PlannedEntry:
    """A roster line to save: who, which shift of which day, in which role."""

    shift_date: dt.date
    shift_name: str
    person_id: int
    role: str  # officer | leader


@dataclass(frozen=True)
class EntryView:
    id: int | None
    shift_date: dt.date
    shift_id: int | None
    shift_name: str
    starts: dt.datetime
    ends: dt.datetime
    person_id: int
    person_name: str
    role: str
    swap_id: int | None = None


@dataclass(frozen=True)
class ConflictView:
    kind: str  # overlap | no_leader | no_officer
    shift_date: dt.date
    shift_name: str
    person_id: int | None
    text: str  # in the user's language


@dataclass(frozen=True)
class MonthRow:
    """One day of the month grid (and of the Excel export)."""

    day: dt.date
    weekday: str
    day_kind: str  # workday | weekend | holiday | makeup
    day_label: str  # 工作日 / 国庆节 / 调休上班（国庆节）…
    cells: tuple[tuple[str, ...], ...]  # per (shift, role) column: the names
    cell_entries: tuple[tuple[int, ...], ...]  # the same, entry ids
    conflicts: tuple[str, ...]


@dataclass(frozen=True)
class MonthView:
    year: int
    month: int
    saved: bool  # False: a proposal, not saved
    pattern: str | None
    shifts: tuple[ShiftView, ...]
    entries: tuple[EntryView, ...]
    conflicts: tuple[ConflictView, ...]
    rows: tuple[MonthRow, ...]
    calendar_covered: bool

    @property
    def columns(self) -> tuple[tuple[str, str], ...]:
        """The (shift name, role) of each cell column, in order."""
        return tuple((s.name, role) for s in self.shifts for role in rot.DUTY_ROLES)


@dataclass(frozen=True)
class SwapView:
    id: int
    shift_date: dt.date
    shift_name: str
    role: str
    from_person_id: int
    from_name: str
    to_person_id: int
    to_name: str
    from_consent_at: dt.datetime
    to_consent_at: dt.datetime
    reason: str | None
    recorded_by_id: int
    recorded_at: dt.datetime
    new_entry_id: int


@dataclass(frozen=True)
class OnDuty:
    now: ShiftOnDuty | None
    next: ShiftOnDuty | None


@dataclass(frozen=True)
class EntryChange:
    """An adjustment of one saved line: any of date, shift, person (None: unchanged)."""

    entry_id: int
    shift_date: dt.date | None = None
    shift_id: int | None = None
    person_id: int | None = None


class RosterConflicts(UserError):
    """Saving would leave conflicts the user has not accepted; `conflicts` lists them."""

    def __init__(self, conflicts: Sequence[ConflictView]):
        self.conflicts = tuple(conflicts)
        lines = "；".join(c.text for c in conflicts[:10])
        more = f"等 {len(conflicts)} 处" if len(conflicts) > 10 else f"共 {len(conflicts)} 处"
        super().__init__(f"排班存在冲突（{more}）：{lines}",
                         f"the roster has {len(conflicts)} conflict(s): {'; '.join(c.text for c in conflicts[:10])}")


# ---------------------------------------------------------------- helpers


def _day_label(info: rot.DayInfo) -> str:
    base = pick(*rot.DAY_KIND_LABELS[info.kind])
    if info.kind == "holiday" and info.holiday_name:
        return info.holiday_name
    if info.kind == "makeup" and info.holiday_name:
        return f"{base}（{info.holiday_name}）"
    return base


def _spec(d: ShiftDefinition) -> rot.ShiftSpec:
    return rot.ShiftSpec(d.name, d.start_time, d.duration_minutes)


def _assignment(e: RosterEntry) -> rot.Assignment:
    start, end = _spec(e.shift).interval(e.shift_date)
    return rot.Assignment(e.shift_date, e.shift.name, start, end, e.person_id, e.duty_role, e.id)


def _entry_view(e: RosterEntry) -> EntryView:
    start, end = _spec(e.shift).interval(e.shift_date)
    return EntryView(e.id, e.shift_date, e.shift_id, e.shift.name, start, end, e.person_id, e.person.name,
                     e.duty_role, e.replaced_by_swap_id)


def _entry_dict(e: RosterEntry) -> dict:
    return {"shift_date": e.shift_date, "shift_id": e.shift_id, "person_id": e.person_id, "role": e.duty_role,
            "active": e.active, "replaced_by_swap_id": e.replaced_by_swap_id}


def _around(s: Session, first: dt.date, last: dt.date) -> list[RosterEntry]:
    """The saved lines of the day before `first` and the day after `last` (a month's neighbours)."""
    return [*live_entries(s, first - dt.timedelta(days=1), first - dt.timedelta(days=1)),
            *live_entries(s, last + dt.timedelta(days=1), last + dt.timedelta(days=1))]


def _month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    if not 2000 <= year <= 2100:
        raise UserError(f"年份超出范围（2000–2100）：{year}", f"year out of range (2000-2100): {year}")
    try:
        days = rot.month_days(year, month)
    except rot.RotationError as exc:
        raise UserError(exc.zh, exc.en) from None
    return days[0], days[-1]


def _aware(t: dt.datetime | None, zh: str, en: str) -> dt.datetime:
    if t is None:
        raise UserError(f"{zh}不能为空", f"{en} is required")
    return aware(t, zh, en)


def _added(before: Sequence[ConflictView], after: Sequence[ConflictView]) -> list[ConflictView]:
    """The conflicts in `after` that `before` did not have (a change may keep conflicts it found)."""
    old = {(c.kind, c.shift_date, c.shift_name, c.person_id) for c in before}
    return [c for c in after if (c.kind, c.shift_date, c.shift_name, c.person_id) not in old]


def month_table(view: MonthView) -> tuple[list[str], list[list]]:
    """Headers and rows of the month grid: exactly what the page shows and the Excel export writes."""
    role_zh = {r: pick(zh, en[:1].upper() + en[1:]) for r, (zh, en) in
               ((r, rot.DUTY_ROLE_LABELS[r]) for r in rot.DUTY_ROLES)}  # a column heading: "Duty officer"
    headers = [pick("日期", "Date"), pick("星期", "Weekday"), pick("日别", "Day type")]
    headers += [f"{shift}{role_zh[role]}" if len(view.shifts) > 1 else role_zh[role] for shift, role in view.columns]
    headers.append(pick("冲突", "Conflicts"))
    rows = [[r.day, r.weekday, r.day_label, *("、".join(c) for c in r.cells), "；".join(r.conflicts)]
            for r in view.rows]
    return headers, rows


# ---------------------------------------------------------------- the service


@rechecked
class RosterService:
    def __init__(self, db: Database, profile: Profile | None = None, calendar: Calendar | None = None):
        self.db = db
        self.profile = profile
        self.calendar = calendar or Calendar.load()

    # ------------------------------------------------------------ reference

    def candidates(self, actor: Actor) -> Candidates:
        """Who can be rostered: users linked to a person, by role (duty_officer; shift_leader)."""
        require(actor, "roster.view")
        with self.db.read() as s:
            return self._candidates(s)

    @staticmethod
    def _candidates(s: Session) -> Candidates:
        users = list(s.scalars(select(User).where(User.active.is_(True), User.person_id.is_not(None))
                               .order_by(User.id)))
        persons = {p.id: p for p in s.scalars(select(Person).where(Person.id.in_([u.person_id for u in users])))}
        out: dict[str, list[PersonOption]] = {rot.OFFICER: [], rot.LEADER: []}
        for u in users:
            p = persons.get(u.person_id)
            if p is None or not p.active:
                continue
            for duty_role, user_role in CANDIDATE_ROLES.items():
                if user_role in u.role_keys:
                    out[duty_role].append(PersonOption(p.id, p.name, u.username))
        return Candidates(tuple(out[rot.OFFICER]), tuple(out[rot.LEADER]))

    def shifts(self, actor: Actor) -> list[ShiftView]:
        require(actor, "roster.view")
        with self.db.read() as s:
            return [ShiftView(d.id, d.name, d.start_time, d.duration_minutes) for d in
                    s.scalars(select(ShiftDefinition).where(ShiftDefinition.active.is_(True))
                              .order_by(ShiftDefinition.start_time, ShiftDefinition.id))]

    # ------------------------------------------------------------ months

    def month(self, actor: Actor, year: int, month: int) -> MonthView:
        """The saved month as the grid shows it, with its conflicts."""
        require(actor, "roster.view")
        first, last = _month_bounds(year, month)
        with self.db.read() as s:
            rows = live_entries(s, first - dt.timedelta(days=1), last + dt.timedelta(days=1))
            entries = [_entry_view(e) for e in rows]
            used = {(e.shift_id, e.shift_name) for e in entries if first <= e.shift_date <= last}
            defs = list(s.scalars(select(ShiftDefinition).order_by(ShiftDefinition.start_time, ShiftDefinition.id)))
        shifts = [ShiftView(d.id, d.name, d.start_time, d.duration_minutes) for d in defs
                  if (d.id, d.name) in used or (not used and d.active)]
        pattern = next((k for k, specs in rot.PATTERNS.items() if {x.name for x in shifts} == {x.name for x in specs}),
                       None)
        default = self.default_pattern()
        if not shifts and default is not None:  # no shift defined yet (a new installation): the chosen pattern's
            shifts = [ShiftView(None, x.name, x.start, x.minutes) for x in rot.PATTERNS[default]]
        return self._view(year, month, tuple(shifts), entries, saved=True, pattern=pattern or default)

    # ------------------------------------------------------------ the default pattern

    def default_pattern(self) -> str | None:
        """The 排班方式 chosen at first start (or since): what the roster page proposes when a month has none."""
        key = get_setting(self.db, SettingKey.roster_pattern)
        return key if key in rot.PATTERNS else None

    def set_default_pattern(self, actor: Actor, pattern: str) -> str:
        """Whoever makes the roster (or the administrator) changes the default pattern; audited. Saved months
        keep their own shifts."""
        if not allowed(actor.roles, "maintenance.settings"):
            require(actor, "roster.edit")
        self._pattern(pattern)
        with self.db.write() as s:
            put_setting(s, actor, SettingKey.roster_pattern, pattern)
        return pattern

    def propose(self, actor: Actor, year: int, month: int, *, pattern: str, officers: Sequence[int],
                leaders: Sequence[int], officer_start: int | None = None, leader_start: int | None = None,
                officers_per_shift: int = 1) -> MonthView:
        """A generated month (not saved) and its conflicts. Without start indices the rotation continues
        from the saved month before (the person after the last one on duty)."""
        require(actor, "roster.edit")
        specs = self._pattern(pattern)
        first, last = _month_bounds(year, month)
        with self.db.read() as s:
            cands = self._candidates(s)
            self._check_people(cands, officers, leaders)
            before = [_assignment(e) for e in live_entries(s, first - dt.timedelta(days=7), first - dt.timedelta(days=1))]
            neighbours = [_entry_view(e) for e in _around(s, first, last)]
            defs = {d.name: d for d in s.scalars(select(ShiftDefinition))}
        o_start, l_start = rot.continue_from(before, officers, leaders)
        rotation = rot.Rotation(
            specs, tuple(officers), tuple(leaders),
            o_start if officer_start is None else officer_start, l_start if leader_start is None else leader_start,
            officers_per_shift)
        try:
            generated = rot.generate(year, month, rotation)
        except rot.RotationError as exc:
            raise UserError(exc.zh, exc.en) from None
        names = cands.names()
        entries = [EntryView(None, a.shift_date, defs[a.shift_name].id if a.shift_name in defs else None,
                             a.shift_name, a.starts, a.ends, a.person_id, names[a.person_id], a.role)
                   for a in generated]
        shifts = tuple(ShiftView(defs[x.name].id if x.name in defs else None, x.name, x.start, x.minutes)
                       for x in specs)
        return self._view(year, month, shifts, [*neighbours, *entries], saved=False, pattern=pattern)

    def preview(self, actor: Actor, year: int, month: int, *, pattern: str,
                entries: Sequence[PlannedEntry]) -> MonthView:
        """A planned (unsaved) month as the grid shows it, with its conflicts — after the user has moved lines."""
        require(actor, "roster.view")
        specs = self._pattern(pattern)
        first, last = _month_bounds(year, month)
        by_name = {x.name: x for x in specs}
        with self.db.read() as s:
            cands = self._candidates(s)
            neighbours = [_entry_view(e) for e in _around(s, first, last)]
            defs = {d.name: d for d in s.scalars(select(ShiftDefinition))}
        names = cands.names()
        views = []
        for e in entries:
            if e.shift_name not in by_name:
                raise UserError(f"班次“{e.shift_name}”不属于所选的排班方式", f"shift {e.shift_name} is not in the pattern")
            start, end = by_name[e.shift_name].interval(e.shift_date)
            views.append(EntryView(None, e.shift_date, defs[e.shift_name].id if e.shift_name in defs else None,
                                   e.shift_name, start, end, e.person_id, names.get(e.person_id, str(e.person_id)),
                                   e.role))
        shifts = tuple(ShiftView(defs[x.name].id if x.name in defs else None, x.name, x.start, x.minutes)
                       for x in specs)
        return self._view(year, month, shifts, [*neighbours, *views], saved=False, pattern=pattern)

    def save_month(self, actor: Actor, year: int, month: int, *, pattern: str, entries: Sequence[PlannedEntry],
                   accept_conflicts: bool = False, now: dt.datetime | None = None) -> MonthView:
        """Save the month (replacing its earlier lines); refused with the conflicts unless they are accepted."""
        require(actor, "roster.edit")
        now = now_or(now)
        specs = {x.name: x for x in self._pattern(pattern)}
        first, last = _month_bounds(year, month)
        if not entries:
            raise UserError("排班为空，没有可保存的内容", "the roster is empty: nothing to save")
        with self.db.write() as s:
            cands = self._candidates(s)
            allowed = cands.ids_by_role()
            seen = set()
            for e in entries:
                if not first <= e.shift_date <= last:
                    raise UserError(f"{e.shift_date} 不在 {year}年{month}月内", f"{e.shift_date} is not in {year}-{month:02d}")
                if e.shift_name not in specs:
                    raise UserError(f"班次“{e.shift_name}”不属于所选的排班方式", f"shift {e.shift_name} is not in the pattern")
                if e.role not in allowed:
                    raise UserError(f"未知的值班角色：{e.role}", f"unknown duty role: {e.role}")
                if e.person_id not in allowed[e.role]:
                    raise UserError(f"人员 {e.person_id} 不能担任{pick(*rot.DUTY_ROLE_LABELS[e.role])}",
                                    f"person {e.person_id} cannot be {rot.DUTY_ROLE_LABELS[e.role][1]}")
                key = (e.shift_date, e.shift_name, e.person_id, e.role)
                if key in seen:
                    raise UserError(f"{e.shift_date} {e.shift_name} 同一人员重复排班", "a person is listed twice on one shift")
                seen.add(key)
            defs = self._ensure_shifts(s, specs.values())
            old = live_entries(s, first, last)
            names = cands.names()
            around = [_assignment(e) for e in _around(s, first, last)]
            planned = []
            for e in entries:
                start, end = specs[e.shift_name].interval(e.shift_date)
                planned.append(rot.Assignment(e.shift_date, e.shift_name, start, end, e.person_id, e.role))
            conflicts = self._conflicts([*around, *planned], rot.slots(rot.month_days(year, month), specs.values()),
                                        names)
            if conflicts and not accept_conflicts:
                raise RosterConflicts(conflicts)
            for e in old:
                e.active = False
            for e in entries:
                s.add(RosterEntry(shift_date=e.shift_date, shift_id=defs[e.shift_name].id, person_id=e.person_id,
                                  duty_role=e.role))
            s.flush()
            audit.record_by(s, actor, action="roster.month.save", entity="roster",
                            entity_id=f"{year}-{month:02d}", before={"lines": len(old)} if old else None,
                            after={"pattern": pattern, "lines": len(entries),
                                "accepted_conflicts": [c.text for c in conflicts]}, at=now)
        return self.month(actor, year, month)

    def check(self, actor: Actor, year: int, month: int, *, pattern: str,
              entries: Sequence[PlannedEntry]) -> list[ConflictView]:
        """The conflicts a planned month would have (with the saved days around it)."""
        require(actor, "roster.view")
        specs = {x.name: x for x in self._pattern(pattern)}
        first, last = _month_bounds(year, month)
        with self.db.read() as s:
            cands = self._candidates(s)
            around = [_assignment(e) for e in _around(s, first, last)]
        names = cands.names()
        planned = [rot.Assignment(e.shift_date, e.shift_name, *specs[e.shift_name].interval(e.shift_date),
                                  e.person_id, e.role) for e in entries]
        return self._conflicts([*around, *planned], rot.slots(rot.month_days(year, month), specs.values()), names)

    # ------------------------------------------------------------ single lines

    def adjust(self, actor: Actor, changes: Sequence[EntryChange], *, accept_conflicts: bool = False,
               now: dt.datetime | None = None) -> list[EntryView]:
        """Move or re-staff saved lines in one transaction (drag and drop: both cells change at once).
        Refused when the result has a conflict it did not have before, unless accepted."""
        require(actor, "roster.edit")
        now = now_or(now)
        if not changes:
            raise UserError("没有要调整的排班", "nothing to adjust")
        with self.db.write() as s:
            cands = self._candidates(s)
            allowed = cands.ids_by_role()
            names = cands.names()
            rows = [self._lock_live(s, c.entry_id) for c in changes]
            days = {e.shift_date for e in rows} | {c.shift_date for c in changes if c.shift_date}
            lo, hi = min(days) - dt.timedelta(days=1), max(days) + dt.timedelta(days=1)
            shifts_used = {e.shift_id for e in rows} | {c.shift_id for c in changes if c.shift_id}
            defs = {d.id: d for d in s.scalars(select(ShiftDefinition).where(ShiftDefinition.id.in_(shifts_used)))}
            required = [slot for d in defs.values() for slot in rot.slots(sorted(days), [_spec(d)])]
            before_conflicts = self._conflicts([_assignment(e) for e in live_entries(s, lo, hi)], required, names)
            befores = [_entry_dict(e) for e in rows]
            for e, c in zip(rows, changes, strict=True):
                if c.shift_id is not None and c.shift_id not in defs:
                    raise NotFound(f"班次 {c.shift_id} 不存在", f"shift {c.shift_id} not found")
                if c.person_id is not None and c.person_id not in allowed[e.duty_role]:
                    raise UserError(f"人员 {c.person_id} 不能担任{pick(*rot.DUTY_ROLE_LABELS[e.duty_role])}",
                                    f"person {c.person_id} cannot be {rot.DUTY_ROLE_LABELS[e.duty_role][1]}")
                e.shift_date = c.shift_date or e.shift_date
                e.shift_id = c.shift_id or e.shift_id
                e.person_id = c.person_id or e.person_id
            s.flush()
            s.expire_all()
            after_conflicts = self._conflicts([_assignment(e) for e in live_entries(s, lo, hi)], required, names)
            new = _added(before_conflicts, after_conflicts)
            if new and not accept_conflicts:
                raise RosterConflicts(new)
            out = []
            for e, before in zip(rows, befores, strict=True):
                e = s.get(RosterEntry, e.id)
                audit.record_by(s, actor, action="roster.entry.adjust",
                                entity="roster_entry", entity_id=e.id, before=before,
                                after={**_entry_dict(e), "accepted_conflicts": [c.text for c in new]}, at=now)
                out.append(_entry_view(e))
            return out

    def swap(self, actor: Actor, entry_id: int, to_person_id: int, *, from_consent_at: dt.datetime | None,
             to_consent_at: dt.datetime | None, reason: str | None = None, accept_conflicts: bool = False,
             now: dt.datetime | None = None) -> SwapView:
        """Hand one rostered shift to another person, both having consented (the times are recorded)."""
        require(actor, "roster.swap")
        now = now_or(now)
        from_at = _aware(from_consent_at, "原值班人同意时间", "the consent time of the person rostered")
        to_at = _aware(to_consent_at, "接替人同意时间", "the consent time of the person taking over")
        for t, zh in ((from_at, "原值班人同意时间"), (to_at, "接替人同意时间")):
            if t > now + CLOCK_SKEW:
                raise UserError(f"{zh}不能晚于现在", "a consent time cannot be in the future")
        reason = clean_text(reason, field=("换班事由", "the reason"), max_len=500, multiline=True)
        with self.db.write() as s:
            entry = self._lock_live(s, entry_id)
            cands = self._candidates(s)
            pool = cands.officers if entry.duty_role == rot.OFFICER else cands.leaders
            names = cands.names()
            if to_person_id == entry.person_id:
                raise UserError("接替人与原值班人是同一人", "the person taking over is the person rostered")
            if to_person_id not in {p.person_id for p in pool}:
                raise UserError(f"接替人不能担任{pick(*rot.DUTY_ROLE_LABELS[entry.duty_role])}",
                                f"the person taking over cannot be {rot.DUTY_ROLE_LABELS[entry.duty_role][1]}")
            _start, end = _spec(entry.shift).interval(entry.shift_date)
            if end <= now:
                raise UserError("该班次已经结束，不能换班", "the shift has already ended: it cannot be swapped")
            lo, hi = entry.shift_date - dt.timedelta(days=1), entry.shift_date + dt.timedelta(days=1)
            required = rot.slots([entry.shift_date], [_spec(entry.shift)])
            before_conflicts = self._conflicts([_assignment(e) for e in live_entries(s, lo, hi)], required, names)
            before = _entry_dict(entry)
            swap = RosterSwap(from_person_id=entry.person_id, to_person_id=to_person_id, shift_date=entry.shift_date,
                              shift_id=entry.shift_id, from_consent_at=from_at, to_consent_at=to_at,
                              recorded_by_id=actor.id, recorded_at=now, reason=reason)
            s.add(swap)
            s.flush()
            entry.replaced_by_swap_id = swap.id
            new_entry = RosterEntry(shift_date=entry.shift_date, shift_id=entry.shift_id, person_id=to_person_id,
                                    duty_role=entry.duty_role)
            s.add(new_entry)
            s.flush()
            after_conflicts = self._conflicts([_assignment(e) for e in live_entries(s, lo, hi)], required, names)
            new = _added(before_conflicts, after_conflicts)
            if new and not accept_conflicts:
                raise RosterConflicts(new)
            from_name, to_name = names.get(swap.from_person_id, ""), names.get(to_person_id, "")
            role = pick(*rot.DUTY_ROLE_LABELS[entry.duty_role])
            text = (f"换班：{entry.shift_date.month}月{entry.shift_date.day}日{entry.shift.name}{role}由{from_name}"
                    f"换为{to_name}（双方同意）")
            write_duty_line(s, actor, text, kind="roster", now=now)
            audit.record_by(s, actor, action="roster.swap", entity="roster_swap",
                            entity_id=swap.id, before=before,
                            after={"from_person_id": swap.from_person_id, "to_person_id": to_person_id,
                                "shift_date": entry.shift_date, "shift_id": entry.shift_id, "from_consent_at": from_at,
                                "to_consent_at": to_at, "reason": reason, "new_entry_id": new_entry.id,
                                "accepted_conflicts": [c.text for c in new]}, at=now)
            return SwapView(swap.id, entry.shift_date, entry.shift.name, entry.duty_role, swap.from_person_id,
                            from_name, to_person_id, to_name, from_at.astimezone(dt.UTC), to_at.astimezone(dt.UTC),
                            reason, actor.id, now, new_entry.id)

    def swaps(self, actor: Actor, year: int, month: int) -> list[SwapView]:
        require(actor, "roster.view")
        first, last = _month_bounds(year, month)
        with self.db.read() as s:
            rows = list(s.scalars(select(RosterSwap).where(RosterSwap.shift_date >= first,
                                                           RosterSwap.shift_date <= last).order_by(RosterSwap.id)))
            names = {p.id: p.name for p in s.scalars(select(Person))}
            defs = {d.id: d.name for d in s.scalars(select(ShiftDefinition))}
            out = []
            for w in rows:
                old = s.scalar(select(RosterEntry).where(RosterEntry.replaced_by_swap_id == w.id))
                new = s.scalar(select(RosterEntry).where(
                    RosterEntry.shift_date == w.shift_date, RosterEntry.shift_id == w.shift_id,
                    RosterEntry.person_id == w.to_person_id).order_by(RosterEntry.id.desc()))
                out.append(SwapView(w.id, w.shift_date, defs.get(w.shift_id, ""), old.duty_role if old else "",
                                    w.from_person_id, names.get(w.from_person_id, ""), w.to_person_id,
                                    names.get(w.to_person_id, ""), w.from_consent_at, w.to_consent_at, w.reason,
                                    w.recorded_by_id, w.recorded_at, new.id if new else 0))
            return out

    # ------------------------------------------------------------ who is on duty

    def on_duty(self, at: dt.datetime | None = None) -> OnDuty:
        """The shift on duty now and the next one (the dashboard; anyone signed in may see it)."""
        return OnDuty(shift_on_duty(self.db, at), next_shift(self.db, at))

    # ------------------------------------------------------------ internals

    @staticmethod
    def _pattern(pattern: str) -> tuple[rot.ShiftSpec, ...]:
        if pattern not in rot.PATTERNS:
            raise UserError(f"未知的排班方式：{pattern}（可选：{'、'.join(rot.PATTERNS)}）",
                            f"unknown shift pattern: {pattern}")
        return rot.PATTERNS[pattern]

    @staticmethod
    def _check_people(cands: Candidates, officers: Sequence[int], leaders: Sequence[int]) -> None:
        ok_o = {p.person_id for p in cands.officers}
        ok_l = {p.person_id for p in cands.leaders}
        bad = [p for p in officers if p not in ok_o]
        if bad:
            raise UserError(f"值班员名单中有不能值班的人员：{bad}", f"not duty officers: {bad}")
        bad = [p for p in leaders if p not in ok_l]
        if bad:
            raise UserError(f"带班领导名单中有不能带班的人员：{bad}", f"not leaders on duty: {bad}")

    @staticmethod
    def _ensure_shifts(s: Session, specs) -> dict[str, ShiftDefinition]:
        out = {}
        for spec in specs:
            d = s.scalar(select(ShiftDefinition).where(ShiftDefinition.name == spec.name))
            if d is None:
                d = ShiftDefinition(name=spec.name, start_time=spec.start, duration_minutes=spec.minutes)
                s.add(d)
                s.flush()
            elif (d.start_time, d.duration_minutes) != (spec.start, spec.minutes):
                raise UserError(f"班次“{spec.name}”已定义为 {d.start_time} 起 {d.duration_minutes} 分钟，与排班方式不符",
                                f"shift {spec.name} is already defined differently")
            out[spec.name] = d
        return out

    @staticmethod
    def _lock_live(s: Session, entry_id: int) -> RosterEntry:
        # lock the roster line only: PostgreSQL refuses FOR UPDATE on the outer-joined shift and person
        e = s.get(RosterEntry, entry_id, with_for_update={"of": RosterEntry})
        if e is None:
            raise NotFound(f"排班记录 {entry_id} 不存在", f"roster line {entry_id} not found")
        if not e.active or e.replaced_by_swap_id is not None:
            raise UserError("该排班记录已被替换，不能再调整", "the roster line has been replaced")
        return e

    @staticmethod
    def _conflicts(assignments: Sequence[rot.Assignment], required: Sequence[rot.Slot],
                   names: dict[int, str]) -> list[ConflictView]:
        out = []
        for c in rot.find_conflicts(assignments, required):
            zh, en = rot.describe(c, names)
            out.append(ConflictView(c.kind, c.shift_date, c.shift_name, c.person_id, pick(zh, en)))
        return out

    def _view(self, year: int, month: int, shifts: tuple[ShiftView, ...], entries: Sequence[EntryView], *,
              saved: bool, pattern: str | None) -> MonthView:
        first, last = _month_bounds(year, month)
        specs = [rot.ShiftSpec(x.name, x.start, x.minutes) for x in shifts]
        names = {e.person_id: e.person_name for e in entries}
        assignments = [rot.Assignment(e.shift_date, e.shift_name, e.starts, e.ends, e.person_id, e.role, e.id)
                       for e in entries]
        in_month = [e for e in entries if first <= e.shift_date <= last]
        # a month not rostered yet is not a month of conflicts: staffing is required once it has lines
        required = rot.slots(rot.month_days(year, month), specs) if in_month else []
        conflicts = self._conflicts(assignments, required, names)
        columns = [(x.name, role) for x in shifts for role in rot.DUTY_ROLES]
        rows = []
        weekdays = pick(WEEKDAYS, WEEKDAYS_EN)
        infos = rot.month_info(self.calendar, year, month)
        for info in infos:
            cells, ids = [], []
            for shift_name, role in columns:
                hits = [e for e in in_month if e.shift_date == info.day and e.shift_name == shift_name
                        and e.role == role]
                cells.append(tuple(e.person_name for e in hits))
                ids.append(tuple(e.id for e in hits if e.id is not None))
            rows.append(MonthRow(info.day, weekdays[info.day.weekday()], info.kind, _day_label(info), tuple(cells),
                                 tuple(ids), tuple(c.text for c in conflicts if c.shift_date == info.day)))
        return MonthView(year, month, saved, pattern, shifts, tuple(in_month),
                         tuple(c for c in conflicts if first <= c.shift_date <= last), tuple(rows),
                         all(i.covered for i in infos))
