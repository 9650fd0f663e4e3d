"""Several seats editing one row (issue 21): the version the screen showed, checked under the row lock.

An incident carries `row_version` (moved by every UPDATE of its columns, store/models.py) and who moved it last
and when (`modified_by_id`, `modified_at`, set here by the command that changed it). A command that edits the
incident takes the version its screen loaded; when the row has moved since, it is refused with
"已被{姓名}于{HH:MM}修改，请刷新" and nothing is written: the second save never overwrites the first.

A warning's decisions (approve, reject, return, an external decision) take the content_hash the decider's screen
showed instead: the author may edit a pending warning, and nobody approves a text they have not seen.

What is not a conflict: appending to the incident (a log note, an instruction, a report, a response step) does not
change the incident row, so it neither moves the version nor needs one. A caller that passes no version (the CLI,
scripts, imports) is not checked.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.clock import BEIJING, now_or
from ..store.models import AuditEntry, Incident, User
from .actor import Actor
from .errors import UserError


class EditConflict(UserError):
    """Another seat changed the row after this screen loaded it."""

    def __init__(self, who: str | None, at: dt.datetime | None, version: int, now: dt.datetime | None = None):
        self.who, self.at, self.version = who, at, version
        when = _when(at, now)
        super().__init__(f"已被{who or '其他席位'}于{when or '刚才'}修改，请刷新",
                         f"changed by {who or 'another seat'}{f' at {when}' if when else ''} meanwhile: refresh first")


def version_of(row: Incident) -> int:
    return row.row_version or 0


def check_version(s: Session, row: Incident, expected: int | None, now: dt.datetime | None = None) -> None:
    """Refuse (EditConflict) when the locked row is no longer at the version the screen showed; None: unchecked."""
    if expected is None or version_of(row) == expected:
        return
    who, at = _last_change(s, row)
    raise EditConflict(who, at, version_of(row), now)


def touched(row: Incident, actor: Actor, now: dt.datetime) -> None:
    """Name who changed the row and when (the version itself moves by the store's hook)."""
    row.modified_by_id, row.modified_at = actor.id, now


def _last_change(s: Session, row: Incident) -> tuple[str | None, dt.datetime | None]:
    if row.modified_by_id is not None:
        user = s.get(User, row.modified_by_id)
        return (user.display_name if user else None), row.modified_at
    return audited_change(s, "incident", row.id)  # moved by a path that names nobody: the audit log says who


def audited_change(s: Session, entity: str, entity_id: int, actions: tuple[str, ...] = ()) -> tuple[str | None,
                                                                                                   dt.datetime | None]:
    """Who made the entity's latest audited change (of `actions`, if given) and when (the entity index serves it)."""
    stmt = select(AuditEntry.user_id, AuditEntry.username, AuditEntry.at).where(
        AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
    if actions:
        stmt = stmt.where(AuditEntry.action.in_(actions))
    last = s.execute(stmt.order_by(AuditEntry.seq.desc()).limit(1)).first()
    if last is None:
        return None, None
    user = s.get(User, last.user_id) if last.user_id is not None else None
    return (user.display_name if user else last.username), last.at


def _when(at: dt.datetime | None, now: dt.datetime | None) -> str | None:
    """HH:MM Beijing time; a change on another day also names the day."""
    if at is None:
        return None
    local = at.astimezone(BEIJING)
    today = now_or(now).astimezone(BEIJING).date()
    return local.strftime("%H:%M") if local.date() == today else local.strftime("%m-%d %H:%M")
