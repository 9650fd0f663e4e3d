"""Duty rotation (排班轮换) and roster conflicts: pure rules, no database.

None of the seeded plans sets duty-room rules (dongcheng.md P9, tongzhou.md §9, pinggu §A1.11: no
24-hour duty, 领导带班 or handover clauses), so the shift pattern is the district's choice, held as data:
- `24h`: one 全天班 from 08:30 to 08:30 the next morning;
- `day_night`: 白班 08:30–20:30 and 夜班 20:30–08:30.

A rotation is two ordered lists (duty officers, leaders on duty 带班领导) and where each list starts.
Officers take the shifts in turn, `officers_per_shift` at a time; a leader covers a whole duty day
(all shifts starting that date), leaders taking the days in turn. Generating consecutive months
continues the turn (`continue_from`): the first shift of a month goes to the person after the one who
had the last shift of the month before, so a rotation runs across month boundaries without a jump.

Conflicts (`find_conflicts`): one person on two overlapping shifts (in any roles), a shift without a
leader on duty, a shift without a duty officer. Shift times are half-open [start, end): a 24 h shift
ending 08:30 does not overlap the next one starting 08:30.

Day kinds come from the working-day calendar (domain/workdays.py): workday, weekend, statutory holiday
(法定节假日, named), make-up working day (调休上班); the roster highlights holidays and make-up days.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import chinese_calendar

from .clock import BEIJING
from .workdays import Calendar

OFFICER, LEADER = "officer", "leader"
DUTY_ROLES = (OFFICER, LEADER)
DUTY_ROLE_LABELS = {OFFICER: ("值班员", "duty officer"), LEADER: ("带班领导", "leader on duty")}


@dataclass(frozen=True)
class ShiftSpec:
    name: str  # 全天班 / 白班 / 夜班
    start: str  # "08:30", Beijing time
    minutes: int

    def starts_on(self, day: dt.date) -> dt.datetime:
        hh, mm = (int(x) for x in self.start.split(":"))
        return dt.datetime.combine(day, dt.time(hh, mm), BEIJING)

    def interval(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        start = self.starts_on(day)
        return start, start + dt.timedelta(minutes=self.minutes)


PATTERNS: dict[str, tuple[ShiftSpec, ...]] = {
    "24h": (ShiftSpec("全天班", "08:30", 24 * 60),),
    "day_night": (ShiftSpec("白班", "08:30", 12 * 60), ShiftSpec("夜班", "20:30", 12 * 60)),
}
PATTERN_LABELS = {"24h": ("24小时全天班（08:30起）", "24 h from 08:30"),
                  "day_night": ("白班/夜班（08:30、20:30交接）", "day and night shifts (08:30, 20:30)")}


@dataclass(frozen=True)
class Rotation:
    shifts: tuple[ShiftSpec, ...]
    officers: tuple[int, ...]  # person ids, in turn order
    leaders: tuple[int, ...]
    officer_start: int = 0  # index in `officers` of whoever takes the month's first shift
    leader_start: int = 0  # index in `leaders` of the leader of the month's first day
    officers_per_shift: int = 1


@dataclass(frozen=True)
class Assignment:
    """One person on one shift in one role (a generated or a saved roster line)."""

    shift_date: dt.date
    shift_name: str
    starts: dt.datetime
    ends: dt.datetime
    person_id: int
    role: str  # officer | leader
    entry_id: int | None = None  # the saved row, when there is one


@dataclass(frozen=True)
class Slot:
    """A shift that must be staffed."""

    shift_date: dt.date
    shift_name: str
    starts: dt.datetime
    ends: dt.datetime


@dataclass(frozen=True)
class Conflict:
    kind: str  # overlap | no_leader | no_officer
    shift_date: dt.date
    shift_name: str
    person_id: int | None = None
    other_date: dt.date | None = None  # overlap: the other shift
    other_shift: str | None = None


class RotationError(ValueError):
    """A rotation that cannot be generated (the message is Chinese; `en` is English)."""

    def __init__(self, zh: str, en: str):
        super().__init__(zh)
        self.zh, self.en = zh, en


def month_days(year: int, month: int) -> list[dt.date]:
    if not 1 <= month <= 12:
        raise RotationError(f"月份必须在 1 到 12 之间：{month}", f"month must be 1-12: {month}")
    n = _calendar.monthrange(year, month)[1]
    return [dt.date(year, month, d) for d in range(1, n + 1)]


def slots(days: Iterable[dt.date], shifts: Sequence[ShiftSpec]) -> list[Slot]:
    out = []
    for day in days:
        for spec in sorted(shifts, key=lambda x: x.start):
            start, end = spec.interval(day)
            out.append(Slot(day, spec.name, start, end))
    return out


def generate(year: int, month: int, rotation: Rotation) -> list[Assignment]:
    """The month's roster lines from a rotation, in date and shift order (leader line after the officers)."""
    if not rotation.shifts:
        raise RotationError("未设置班次", "no shifts given")
    if not rotation.officers:
        raise RotationError("值班员名单为空", "the duty officers list is empty")
    if not rotation.leaders:
        raise RotationError("带班领导名单为空", "the leaders list is empty")
    if len(set(rotation.officers)) != len(rotation.officers) or len(set(rotation.leaders)) != len(rotation.leaders):
        raise RotationError("名单中有重复的人员", "a person is listed twice")
    per = rotation.officers_per_shift
    if not 1 <= per <= len(rotation.officers):
        raise RotationError(f"每班值班员人数必须在 1 到 {len(rotation.officers)} 之间",
                            f"officers per shift must be 1-{len(rotation.officers)}")
    out: list[Assignment] = []
    turn = rotation.officer_start % len(rotation.officers)
    days = month_days(year, month)
    for d_index, day in enumerate(days):
        leader = rotation.leaders[(rotation.leader_start + d_index) % len(rotation.leaders)]
        for slot in slots([day], rotation.shifts):
            for _ in range(per):
                out.append(Assignment(day, slot.shift_name, slot.starts, slot.ends,
                                      rotation.officers[turn], OFFICER))
                turn = (turn + 1) % len(rotation.officers)
            out.append(Assignment(day, slot.shift_name, slot.starts, slot.ends, leader, LEADER))
    return out


def continue_from(previous: Sequence[Assignment], officers: Sequence[int], leaders: Sequence[int]) -> tuple[int, int]:
    """Start indices for the next month so the turn continues: after the last officer and the last leader
    of `previous` (the month before). A person no longer in the list restarts that list at 0."""
    officer_start = leader_start = 0
    ordered = sorted(previous, key=lambda a: (a.starts, a.entry_id or 0))
    last_officer = next((a.person_id for a in reversed(ordered) if a.role == OFFICER), None)
    last_leader = next((a.person_id for a in reversed(ordered) if a.role == LEADER), None)
    if last_officer in officers:
        officer_start = (list(officers).index(last_officer) + 1) % len(officers)
    if last_leader in leaders:
        leader_start = (list(leaders).index(last_leader) + 1) % len(leaders)
    return officer_start, leader_start


def find_conflicts(assignments: Sequence[Assignment], required: Sequence[Slot]) -> list[Conflict]:
    """Every problem of a roster: overlapping shifts of one person; required shifts without a leader or officer.

    `assignments` may include lines of the neighbouring days (the day before a month, the day after) so that
    a shift crossing midnight at the month's edge is checked too; only `required` slots must be staffed.
    """
    out: list[Conflict] = []
    by_person: dict[int, list[Assignment]] = {}
    for a in assignments:
        by_person.setdefault(a.person_id, []).append(a)
    for person, rows in by_person.items():
        rows = sorted(rows, key=lambda a: (a.starts, a.ends))
        for i, a in enumerate(rows):
            for b in rows[i + 1:]:
                if b.starts >= a.ends:
                    break
                out.append(Conflict("overlap", b.shift_date, b.shift_name, person, a.shift_date, a.shift_name))
    staffed: dict[tuple[dt.date, str], set[str]] = {}
    for a in assignments:
        staffed.setdefault((a.shift_date, a.shift_name), set()).add(a.role)
    for slot in required:
        roles = staffed.get((slot.shift_date, slot.shift_name), set())
        if OFFICER not in roles:
            out.append(Conflict("no_officer", slot.shift_date, slot.shift_name))
        if LEADER not in roles:
            out.append(Conflict("no_leader", slot.shift_date, slot.shift_name))
    out.sort(key=lambda c: (c.shift_date, c.shift_name, c.kind, c.person_id or 0))
    return out


def describe(conflict: Conflict, names: dict[int, str]) -> tuple[str, str]:
    """The conflict in words (Chinese, English)."""
    day = f"{conflict.shift_date.month}月{conflict.shift_date.day}日"
    en_day = conflict.shift_date.isoformat()
    if conflict.kind == "overlap":
        who = names.get(conflict.person_id or 0, str(conflict.person_id))
        other = f"{conflict.other_date.month}月{conflict.other_date.day}日" if conflict.other_date else ""
        return (f"{who}同时排在{other}{conflict.other_shift}与{day}{conflict.shift_name}，两班时间重叠",
                f"{who} is on two overlapping shifts: {conflict.other_date} {conflict.other_shift} "
                f"and {en_day} {conflict.shift_name}")
    if conflict.kind == "no_leader":
        return f"{day}{conflict.shift_name}没有带班领导", f"{en_day} {conflict.shift_name} has no leader on duty"
    return f"{day}{conflict.shift_name}没有值班员", f"{en_day} {conflict.shift_name} has no duty officer"


# ---------------------------------------------------------------- the working-day calendar in the roster

HOLIDAY_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "National Day": "国庆节", "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}
DAY_KIND_LABELS = {"workday": ("工作日", "workday"), "weekend": ("休息日", "weekend"),
                   "holiday": ("法定节假日", "public holiday"), "makeup": ("调休上班", "make-up workday")}


@dataclass(frozen=True)
class DayInfo:
    day: dt.date
    kind: str  # workday | weekend | holiday | makeup
    holiday_name: str | None  # 国庆节 … for holidays and the make-up days that belong to them
    covered: bool  # False: the calendar does not know this year (Monday–Friday assumed)


def day_info(cal: Calendar, day: dt.date) -> DayInfo:
    weekend = day.weekday() >= 5
    name = None
    if cal.is_covered(day) and day.year not in cal.override_years:
        try:
            _off, en = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            en = None
        name = HOLIDAY_NAMES.get(en, en) if en else None
    if cal.is_workday(day):
        kind = "makeup" if weekend else "workday"
        if kind == "workday":
            name = None
    elif day in cal.holidays or name is not None:
        kind = "holiday"
    else:
        kind = "weekend"
    return DayInfo(day, kind, name, cal.is_covered(day))


def month_info(cal: Calendar, year: int, month: int) -> list[DayInfo]:
    return [day_info(cal, d) for d in month_days(year, month)]
