"""The one writer of duty-log lines (值班日志): who, which workstation, when it happened and when it was entered.

Services that record something the shift must see (an incident line, a warning issued, a handover, a swap)
call `write_duty_line` inside their own transaction, so the line commits or rolls back with the change.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from ..store import audit
from ..store.models import DutyLogEntry


def write_duty_line(s: Session, author: audit.Who, text: str, *, kind: str, now: dt.datetime,
                    happened_at: dt.datetime | None = None, automatic: bool = True, incident_id: int | None = None,
                    warning_id: int | None = None, follow_up_state: str | None = None) -> DutyLogEntry:
    """Add one line: entered at `now`, happened at `happened_at` (default `now`); app-written unless `automatic`
    is False (a line the officer typed)."""
    entry = DutyLogEntry(happened_at=happened_at or now, entered_at=now, author_id=author.id,
                         workstation=audit.WORKSTATION, automatic=automatic, kind=kind, text=text,
                         incident_id=incident_id, warning_id=warning_id, follow_up_state=follow_up_state)
    s.add(entry)
    return entry
