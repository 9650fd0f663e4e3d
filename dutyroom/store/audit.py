"""The append-only audit log, hash-chained so that an edited, deleted or reordered entry shows.

hash(n) = sha256(prev_hash | seq | at | user | action | entity | id | before | after), with the
JSON in canonical form. The head row is locked by each writer (row lock on PostgreSQL; on SQLite
the write transaction already holds the database's single write lock), so the chain never forks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import socket
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.clock import now_or
from .models import AuditEntry, AuditHead

GENESIS = "0" * 64


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def entry_hash(prev_hash: str, seq: int, at: dt.datetime, username: str, action: str, entity: str,
               entity_id: str | None, before: Any, after: Any) -> str:
    at_utc = at.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    payload = "|".join([prev_hash, str(seq), at_utc, username, action, entity, entity_id or "",
                        _canonical(before), _canonical(after)])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


WORKSTATION = socket.gethostname()


def record(session: Session, *, user_id: int | None, username: str, action: str, entity: str,
           entity_id: Any = None, before: dict | None = None, after: dict | None = None,
           at: dt.datetime | None = None) -> AuditEntry:
    """Append one entry inside the caller's transaction (it commits or rolls back with the change)."""
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, last_seq=0, last_hash=GENESIS)
        session.add(head)
        session.flush()
    at = now_or(at)
    # Round-trip through JSON so the stored value and the hashed value are the same thing.
    before = json.loads(_canonical(before)) if before is not None else None
    after = json.loads(_canonical(after)) if after is not None else None
    seq = head.last_seq + 1
    eid = str(entity_id) if entity_id is not None else None
    digest = entry_hash(head.last_hash, seq, at, username, action, entity, eid, before, after)
    entry = AuditEntry(seq=seq, at=at, user_id=user_id, username=username, workstation=WORKSTATION,
                       action=action, entity=entity, entity_id=eid, before=before, after=after,
                       prev_hash=head.last_hash, hash=digest)
    session.add(entry)
    head.last_seq, head.last_hash = seq, digest
    session.flush()
    return entry


class Who(Protocol):
    """Whoever acts: a signed-in Actor or a User row (the system actor has id 0, stored as no user)."""

    id: int
    username: str


def record_by(session: Session, who: Who, *, action: str, entity: str, entity_id: Any = None,
              before: dict | None = None, after: dict | None = None, at: dt.datetime | None = None) -> AuditEntry:
    """`record` for an acting user: their id (none for the system) and username, then the change."""
    return record(session, user_id=who.id or None, username=who.username, action=action, entity=entity,
                  entity_id=entity_id, before=before, after=after, at=at)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    entries: int
    first_bad_seq: int | None = None
    problem: str | None = None
    problem_en: str | None = None

    def message(self, lang: str = "zh_CN") -> str | None:
        return self.problem_en if lang == "en" and self.problem_en else self.problem


def _describe(entry: AuditEntry) -> str:
    """Who did what when, as the entry claims it (Beijing time), to find it in the viewer."""
    beijing = dt.timezone(dt.timedelta(hours=8))
    at = entry.at.astimezone(beijing).strftime("%Y-%m-%d %H:%M:%S") if entry.at else "?"
    return f"{at} {entry.username} {entry.action} {entry.entity}#{entry.entity_id or ''}"


def verify_chain(session: Session) -> ChainReport:
    """Walk the chain in order; name the first entry that does not follow from its predecessor."""
    prev_hash, expected_seq, count = GENESIS, 1, 0
    for entry in session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars():
        count += 1
        if entry.seq != expected_seq:
            return ChainReport(False, count, expected_seq, f"第 {expected_seq} 条缺失或顺序被改动（其后找到的是第 {entry.seq} 条："
                                                           f"{_describe(entry)}）",
                               f"entry {expected_seq} is missing or out of order (found entry {entry.seq} next: "
                               f"{_describe(entry)})")
        if entry.prev_hash != prev_hash:
            return ChainReport(False, count, entry.seq, f"第 {entry.seq} 条与前一条不衔接（前一条被改动、删除或重排；"
                                                        f"此条记为：{_describe(entry)}）",
                               f"entry {entry.seq} does not follow the one before (that one was edited, deleted or "
                               f"reordered; this one reads: {_describe(entry)})")
        digest = entry_hash(entry.prev_hash, entry.seq, entry.at, entry.username, entry.action, entry.entity,
                            entry.entity_id, entry.before, entry.after)
        if digest != entry.hash:
            return ChainReport(False, count, entry.seq, f"第 {entry.seq} 条内容被改动（现记为：{_describe(entry)}）",
                               f"entry {entry.seq} was edited (it now reads: {_describe(entry)})")
        prev_hash, expected_seq = entry.hash, expected_seq + 1
    head = session.get(AuditHead, 1)
    if head is not None and (head.last_seq != expected_seq - 1 or head.last_hash != prev_hash):
        return ChainReport(False, count, expected_seq, f"链尾缺失：应有 {head.last_seq} 条，只找到 {expected_seq - 1} 条",
                           f"the end of the chain is missing: {head.last_seq} entries expected, {expected_seq - 1} found")
    return ChainReport(True, count)
