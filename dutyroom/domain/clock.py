"""The one clock: Beijing's zone, "now unless the caller says when", "today in Beijing".

Times are stored in UTC and shown in Beijing time (docs/ARCHITECTURE.md section 5). Services take an
optional `now` so tests and replays can say when an action happened; `now_or` is the only default.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def now_or(now: dt.datetime | None = None) -> dt.datetime:
    """`now` when the caller gave one, else the current time (aware, UTC)."""
    return now if now is not None else dt.datetime.now(dt.UTC)


def today_or(day: dt.date | None = None) -> dt.date:
    """`day` when the caller gave one, else today's date in Beijing (whatever the workstation's own zone)."""
    return day if day is not None else dt.datetime.now(BEIJING).date()
