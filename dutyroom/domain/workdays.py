"""Working-day arithmetic with China's statutory holidays and make-up working days (调休).

The calendar comes from the maintained `chinesecalendar` package (国务院办公厅 holiday
notices, 2004 to its last release). Years it does not cover, and any correction, come from an
override file an administrator keeps (resources/calendar_overrides.yaml):

    2027:
      holidays: [2027-01-01, 2027-02-05, ...]   # days off that would otherwise be workdays
      workdays: [2027-02-14, ...]                # make-up working days that fall on weekends

For a year covered by neither, the calendar falls back to Monday-Friday and says so
(`Calendar.is_covered`), so the UI can warn that a deadline may be off by the holidays.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import chinese_calendar
import yaml

from ..config import resource_root

OVERRIDES_FILE = resource_root() / "resources" / "calendar_overrides.yaml"


@dataclass
class Calendar:
    holidays: set[dt.date] = field(default_factory=set)
    workdays: set[dt.date] = field(default_factory=set)
    override_years: set[int] = field(default_factory=set)

    @classmethod
    def load(cls, path: Path | None = None) -> Calendar:
        path = path or OVERRIDES_FILE
        cal = cls()
        if path.exists():
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for year, entry in data.items():
                entry = entry or {}
                days_off = {_as_date(d, path) for d in entry.get("holidays") or []}
                days_on = {_as_date(d, path) for d in entry.get("workdays") or []}
                both = days_off & days_on
                if both:
                    raise ValueError(f"{path.name}: {sorted(both)} listed as both holiday and workday")
                cal.holidays |= days_off
                cal.workdays |= days_on
                cal.override_years.add(int(year))
        return cal

    def is_covered(self, day: dt.date) -> bool:
        return day.year in self.override_years or _library_covers(day.year)

    def is_workday(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        if day.year not in self.override_years and _library_covers(day.year):
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def add_workdays(self, start: dt.date, n: int) -> dt.date:
        """The date n working days after `start` (start itself not counted).

        "印发后20个工作日内" is read as: the deadline is the 20th working day after the issue date.
        """
        if n < 0:
            raise ValueError("n must be >= 0")
        day = start
        while n:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                n -= 1
        return day

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_workday(day)
        return count


def _as_date(value, path: Path) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{path.name}: not a date: {value!r}") from None


_COVERED: dict[int, bool] = {}


def _library_covers(year: int) -> bool:
    if year not in _COVERED:
        try:
            chinese_calendar.is_workday(dt.date(year, 6, 1))
            _COVERED[year] = True
        except NotImplementedError:
            _COVERED[year] = False
    return _COVERED[year]
