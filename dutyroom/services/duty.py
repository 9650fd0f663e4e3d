"""Who is on duty: the shift covering a moment, and the next one, from the roster.

Only live roster lines count: not deactivated by a regenerated month, not handed over by a swap.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.clock import BEIJING, now_or
from ..store.database import Database
from ..store.models import RosterEntry


@dataclass(frozen=True)
class ShiftOnDuty:
    name: str
    starts: dt.datetime
    ends: dt.datetime
    officers: tuple[str, ...]
    leaders: tuple[str, ...]
    shift_date: dt.date | None = None
    shift_id: int | None = None
    officer_ids: tuple[int, ...] = ()
    leader_ids: tuple[int, ...] = ()


def live_entries(s: Session, first: dt.date, last: dt.date) -> list[RosterEntry]:
    """The live roster lines of the days `first`..`last`, by day then as entered."""
    return list(s.scalars(select(RosterEntry).where(
        RosterEntry.shift_date >= first, RosterEntry.shift_date <= last, RosterEntry.active.is_(True),
        RosterEntry.replaced_by_swap_id.is_(None)).order_by(RosterEntry.shift_date, RosterEntry.id)))


def _shifts(db: Database, first: dt.date, last: dt.date) -> list[ShiftOnDuty]:
    with db.read() as s:
        entries = live_entries(s, first, last)
        groups: dict[tuple, list[RosterEntry]] = {}
        for e in entries:
            hh, mm = map(int, e.shift.start_time.split(":"))
            starts = dt.datetime.combine(e.shift_date, dt.time(hh, mm), BEIJING)
            ends = starts + dt.timedelta(minutes=e.shift.duration_minutes)
            groups.setdefault((starts, ends, e.shift.name, e.shift_date, e.shift_id), []).append(e)
        out = []
        for (starts, ends, name, day, shift_id), rows in groups.items():
            officers = [r for r in rows if r.duty_role == "officer"]
            leaders = [r for r in rows if r.duty_role == "leader"]
            out.append(ShiftOnDuty(
                name=name, starts=starts, ends=ends, officers=tuple(r.person.name for r in officers),
                leaders=tuple(r.person.name for r in leaders), shift_date=day, shift_id=shift_id,
                officer_ids=tuple(r.person_id for r in officers), leader_ids=tuple(r.person_id for r in leaders)))
        out.sort(key=lambda x: (x.starts, x.name))
        return out


def shift_on_duty(db: Database, at: dt.datetime | None = None) -> ShiftOnDuty | None:
    """The rostered shift that covers `at` (a 24-hour shift from 08:30 covers the next morning too)."""
    at = now_or(at).astimezone(BEIJING)
    covering = [x for x in _shifts(db, at.date() - dt.timedelta(days=1), at.date()) if x.starts <= at < x.ends]
    return max(covering, key=lambda x: x.starts) if covering else None


def next_shift(db: Database, at: dt.datetime | None = None, *, days_ahead: int = 7) -> ShiftOnDuty | None:
    """The first rostered shift starting after `at` (within a week)."""
    at = now_or(at).astimezone(BEIJING)
    later = [x for x in _shifts(db, at.date(), at.date() + dt.timedelta(days=days_ahead)) if x.starts > at]
    return later[0] if later else None
