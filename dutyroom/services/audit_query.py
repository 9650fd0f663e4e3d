"""The audit trail for administrators (audit.view): filtered, paged queries and the chain check.

The log is append-only and can be large (every sign-in is an entry), so the viewer asks for one page
at a time; filters are applied in SQL. Text search looks in the entity id, the user and the
before/after values (JSON, where non-ASCII text is stored escaped, so both spellings are searched).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy import Integer, String, Text, cast, column, func, or_, select, table, text, type_coerce

from ..domain.clock import BEIJING
from ..domain.profile_schema import Profile
from ..domain.search_terms import match_query
from ..domain.text import clean_text
from ..store.audit import verify_chain
from ..store.database import Database
from ..store.models import AuditEntry, table_columns
from ..store.text_index import AUDIT_FTS
from .actor import Actor, rechecked
from .errors import UserError, lang
from .guard import require

MAX_PAGE = 1000
_FTS = table(AUDIT_FTS, column("rowid", Integer))


@dataclass(frozen=True)
class AuditFilter:
    username: str | None = None
    action: str | None = None  # exact key, or a prefix ending in "." (e.g. "login." or "warning.")
    entity: str | None = None
    date_from: dt.date | None = None  # Beijing calendar days, inclusive
    date_to: dt.date | None = None
    text: str | None = None


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: dt.datetime
    username: str
    workstation: str | None
    action: str
    entity: str
    entity_id: str | None
    before_stored: Any = field(default=None, repr=False)  # as the driver gives it (SQLite: JSON text), decoded
    after_stored: Any = field(default=None, repr=False)   # only when shown (a page holds 200 rows, few are seen)

    @cached_property
    def before(self) -> Any:
        return _decoded(self.before_stored)

    @cached_property
    def after(self) -> Any:
        return _decoded(self.after_stored)

    @property
    def at_beijing(self) -> str:
        return self.at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")

    def changes(self) -> str:
        """before → after in one line, for the table."""
        def dump(v: Any) -> str:
            return json.dumps(v, ensure_ascii=False, sort_keys=True) if v is not None else ""
        if self.before is None:
            return dump(self.after)
        return f"{dump(self.before)} → {dump(self.after)}"


@dataclass(frozen=True)
class AuditPage:
    rows: tuple[AuditRow, ...]
    total: int | None  # rows matching the filter over all pages: counted only when asked (count=True), or when
    offset: int        # this page is the last one (offset + its rows); None otherwise
    more: bool = False  # another page follows (known without counting: one row more is fetched)


@dataclass(frozen=True)
class AuditChoices:
    usernames: tuple[str, ...]
    actions: tuple[str, ...]
    entities: tuple[str, ...]


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    entries: int
    first_bad_seq: int | None
    problem: str | None


def _decoded(stored: Any) -> Any:
    return json.loads(stored) if isinstance(stored, str) else stored


_ROW_COLUMNS = (*table_columns(AuditEntry.seq, AuditEntry.at, AuditEntry.username, AuditEntry.workstation,
                               AuditEntry.action, AuditEntry.entity, AuditEntry.entity_id),
                type_coerce(AuditEntry.__table__.c.before, Text), type_coerce(AuditEntry.__table__.c.after, Text))


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), BEIJING).astimezone(dt.UTC)


def _distinct(s, column: str) -> set[str]:
    """The distinct values of an indexed column of the log, one index seek per value (a loose index scan),
    instead of a DISTINCT that reads all the million entries."""
    assert column in ("username", "action", "entity")
    sql = text(f"WITH RECURSIVE v(x) AS (SELECT min({column}) FROM audit_log UNION ALL "
               f"SELECT (SELECT min({column}) FROM audit_log WHERE {column} > v.x) FROM v WHERE v.x IS NOT NULL) "
               "SELECT x FROM v WHERE x IS NOT NULL")
    return set(s.scalars(sql))


@rechecked
class AuditQueryService:
    def __init__(self, db: Database, profile: Profile | None = None):
        self.db, self.profile = db, profile
        # the filter lists: read once, then only the entries added since (the log is append-only)
        self._choices: tuple[int, set[str], set[str], set[str]] | None = None

    def _conditions(self, f: AuditFilter) -> list:
        cond = []
        # the exact filters pass the one input policy too (a lone surrogate or a control character is refused)
        username = clean_text(f.username, field=("用户", "the user"), max_len=100)
        action = clean_text(f.action, field=("动作", "the action"), max_len=100)
        entity = clean_text(f.entity, field=("对象", "the entity"), max_len=100)
        if username:
            cond.append(AuditEntry.username == username)
        if action:
            cond.append(AuditEntry.action.startswith(action, autoescape=True) if action.endswith(".")
                        else AuditEntry.action == action)
        if entity:
            cond.append(AuditEntry.entity == entity)
        if f.date_from and f.date_to and f.date_from > f.date_to:
            raise UserError("起始日期晚于截止日期", "the start date is after the end date")
        if f.date_from:
            cond.append(AuditEntry.at >= _day_start(f.date_from))
        if f.date_to:
            cond.append(AuditEntry.at < _day_start(f.date_to + dt.timedelta(days=1)))
        if isinstance(f.text, str) and len(f.text) > 200:
            raise UserError("搜索文字最多 200 个字符", "search text: at most 200 characters")
        text = clean_text(f.text, field=("搜索文字", "the search text"), max_len=200) or ""
        if text:
            escaped = json.dumps(text)[1:-1]  # how the JSON columns store non-ASCII text
            spellings = {text, escaped}
            terms = []
            for t in spellings:
                terms += [AuditEntry.entity_id.contains(t, autoescape=True), AuditEntry.username.contains(t, autoescape=True),
                          AuditEntry.action.contains(t, autoescape=True),
                          cast(AuditEntry.before, String).contains(t, autoescape=True),
                          cast(AuditEntry.after, String).contains(t, autoescape=True)]
            cond.append(or_(*terms))
        return cond

    def _match(self, f: AuditFilter) -> str | None:
        """The text filter as an FTS5 query over audit_fts (SQLite; None: no index to use, LIKE alone)."""
        if not self.db.is_sqlite or not isinstance(f.text, str) or "\\" in f.text:
            return None  # a backslash: searching the stored escapes themselves, which the index does not hold
        return match_query(clean_text(f.text, field=("搜索文字", "the search text"), max_len=200))

    def _select(self, what: tuple, f: AuditFilter, cond: list):
        """SELECT what FROM the log WHERE cond; with a text filter on SQLite, driven by the text index (newest
        match first, so a page stops early however common the term; the LIKE test in cond keeps it exact)."""
        match = self._match(f)
        if match is None:
            return select(*what).select_from(AuditEntry).where(*cond), AuditEntry.seq
        return (select(*what).select_from(AuditEntry).join(_FTS, _FTS.c.rowid == AuditEntry.seq)
                .where(text(f"{AUDIT_FTS} MATCH :match").bindparams(match=match), *cond), _FTS.c.rowid)

    def _count(self, s, f: AuditFilter, cond: list) -> int:
        return s.scalar(self._select((func.count(),), f, cond)[0]) or 0

    def count(self, actor: Actor, f: AuditFilter = AuditFilter()) -> int:
        require(actor, "audit.view")
        with self.db.read() as s:
            return self._count(s, f, self._conditions(f))

    def page(self, actor: Actor, f: AuditFilter = AuditFilter(), offset: int = 0, limit: int = 200,
             newest_first: bool = True, *, count: bool = False) -> AuditPage:
        """One page, newest first. Whether more follow is known from one extra row; the matching entries are
        counted only with count=True (over a million entries a count scans them all)."""
        require(actor, "audit.view")
        limit = max(1, min(limit, MAX_PAGE))
        offset = max(0, offset)
        cond = self._conditions(f)
        with self.db.read() as s:
            stmt, seq = self._select(_ROW_COLUMNS, f, cond)
            order = seq.desc() if newest_first else seq.asc()
            rows = s.connection().execute(stmt.order_by(order).offset(offset).limit(limit + 1)).all()
            more = len(rows) > limit
            rows = rows[:limit]
            total = self._count(s, f, cond) if count else (None if more else offset + len(rows))
            return AuditPage(tuple(AuditRow(*r) for r in rows), total, offset, more)

    def last_seq(self, actor: Actor) -> int:
        """The newest entry's number (0: none): the page reloads on show only when it moved."""
        require(actor, "audit.view")
        with self.db.read() as s:
            return s.scalar(select(func.max(AuditEntry.seq))) or 0

    def choices(self, actor: Actor) -> AuditChoices:
        """The users, actions and entities that occur in the log: read whole once per service, then only from
        the entries added since (a restored, shorter log is read whole again)."""
        require(actor, "audit.view")
        with self.db.read() as s:
            last = s.scalar(select(func.max(AuditEntry.seq))) or 0
            cached = self._choices
            if cached is None or last < cached[0]:
                cached = (0, set(), set(), set())
            since, users, actions, entities = cached[0], set(cached[1]), set(cached[2]), set(cached[3])
            if last > since:
                new = select(AuditEntry.username, AuditEntry.action, AuditEntry.entity).where(AuditEntry.seq > since)
                if since == 0:  # the whole log: each list by hopping along its column's index
                    users |= _distinct(s, "username")
                    actions |= _distinct(s, "action")
                    entities |= _distinct(s, "entity")
                else:
                    for u, a, e in s.execute(new):
                        users.add(u)
                        actions.add(a)
                        entities.add(e)
            self._choices = (last, users, actions, entities)
        return AuditChoices(*(tuple(sorted(v for v in values if v)) for values in (users, actions, entities)))

    def verify(self, actor: Actor, progress=None) -> ChainCheck:
        """Walk the whole keyed chain, then the seals of rows with legal weight (read-only); names the first entry
        that does not follow, or the first sealed row changed outside the program. ``progress(done, total)``: a
        plain callback every few thousand entries (an exception it raises stops the walk; nothing is written)."""
        from ..store.row_seal import verify_seals

        require(actor, "audit.view")
        with self.db.read() as s:
            report = verify_chain(s, progress=progress)
            if report.ok:
                seals = verify_seals(s.connection(), progress=progress)
                if not seals.ok:
                    return ChainCheck(False, report.entries, None, seals.problem_en if lang() == "en" else seals.problem)
        return ChainCheck(report.ok, report.entries, report.first_bad_seq, report.message(lang()))
