"""Who is on duty: the shift covering a moment, from the roster."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from ..domain.incident_facts import BEIJING
from ..store.database import Database
from ..store.models import RosterEntry


@dataclass(frozen=True)
class ShiftOnDuty:
    name: str
    starts: dt.datetime
    ends: dt.datetime
    officers: tuple[str, ...]
    leaders: tuple[str, ...]


def shift_on_duty(db: Database, at: dt.datetime | None = None) -> ShiftOnDuty | None:
    """The rostered shift that covers `at` (a 24-hour shift from 08:30 covers the next morning too)."""
    at = (at or dt.datetime.now(dt.UTC)).astimezone(BEIJING)
    days = (at.date() - dt.timedelta(days=1), at.date())
    with db.read() as s:
        entries = s.scalars(select(RosterEntry).where(RosterEntry.shift_date.in_(days),
                                                      RosterEntry.replaced_by_swap_id.is_(None))).all()
        shifts: dict[tuple, list[RosterEntry]] = {}
        for e in entries:
            hh, mm = map(int, e.shift.start_time.split(":"))
            starts = dt.datetime.combine(e.shift_date, dt.time(hh, mm), BEIJING)
            ends = starts + dt.timedelta(minutes=e.shift.duration_minutes)
            if starts <= at < ends:
                shifts.setdefault((starts, ends, e.shift.name), []).append(e)
        if not shifts:
            return None
        (starts, ends, name), rows = max(shifts.items(), key=lambda kv: kv[0][0])
        return ShiftOnDuty(
            name=name, starts=starts, ends=ends,
            officers=tuple(r.person.name for r in rows if r.duty_role == "officer"),
            leaders=tuple(r.person.name for r in rows if r.duty_role == "leader"),
        )
