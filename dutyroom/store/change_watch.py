"""What changed: the areas (topics) each write transaction touched, and whether another seat wrote.

Topics name what a page shows ("incidents", "warnings", ...): a write on this seat knows its topics
from the tables it flushed; a write by another process is seen by a watcher that the UI polls:

- SQLite: `PRAGMA data_version` on one dedicated, long-lived connection. Its value changes when
  *another* connection has committed, so the watcher's own polling never changes it. Each poll is a
  single autocommit statement stepped to its end: no read transaction stays open and no lock is held
  between polls (a writer or a checkpoint never waits for the watcher). It cannot tell which tables
  changed, so a change reports every topic.
- PostgreSQL: every write transaction that changed something sends `pg_notify` with its topics and
  the writing seat (delivered only if it commits); the watcher LISTENs on its own autocommit
  connection and drains the notifications without blocking, skipping its own seat's. When the server
  goes away, `lost` turns true and the watcher tries to reconnect every RETRY_SECONDS (not at every
  poll); once back, it reports every topic (what was sent meanwhile is lost) and `lost` is false again.

No Qt here: the UI layer owns the timer (ui/change_hub.py).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from itertools import chain

from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

TOPIC_OF_TABLE = {
    "incident": "incidents", "incident_log": "incidents", "incident_report": "reports",
    "warning": "warnings", "warning_approval": "warnings", "warning_measure_check": "warnings",
    "response_activation": "responses",
    "plan": "plans", "plan_event_type": "plans", "plan_version": "plans", "plan_document": "plans",
    "plan_event": "plans", "plan_passage": "plans",
    "event_type": "lead_table", "lead_assignment": "lead_table",
    "organisation": "contacts", "organisation_alias": "contacts", "post": "contacts", "person": "contacts",
    "appointment": "contacts", "supervising_leader": "contacts",
    "shift_definition": "roster", "roster_entry": "roster", "roster_swap": "roster",
    "duty_log": "duty_log", "handover": "duty_log",
    "user_account": "users", "user_role": "users",
    "setting": "settings",
    "audit_log": "audit", "audit_head": "audit",
}
ALL_TOPICS = frozenset(TOPIC_OF_TABLE.values())
CHANNEL = "dutyroom_changes"
RETRY_SECONDS = 5.0
CONNECT_TIMEOUT_SECONDS = 5
_KEY = "dutyroom.topics"


def topic_of(table: str) -> str:
    return TOPIC_OF_TABLE.get(table, table)  # a table added later still announces itself, by its own name


# ------------------------------------------------------------------ this seat's writes


def track_topics(factory: sessionmaker) -> None:
    """Record, on each session of `factory`, the topics of every row it inserts, updates or deletes."""
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "do_orm_execute", _bulk_statement)


def _after_flush(session: Session, _context) -> None:
    topics = session.info.setdefault(_KEY, set())
    for obj in chain(session.new, session.dirty, session.deleted):  # still the pre-flush lists here
        table = getattr(obj, "__table__", None)
        if table is not None:
            topics.add(topic_of(table.name))


def _bulk_statement(state) -> None:
    """session.execute(update(...)/delete(...)/insert(...)) bypasses the flush."""
    if state.is_update or state.is_delete or state.is_insert:
        table = getattr(state.statement, "table", None)
        name = getattr(table, "name", None)
        state.session.info.setdefault(_KEY, set()).update([topic_of(name)] if name else ALL_TOPICS)


def topics_written(session: Session) -> frozenset[str]:
    return frozenset(session.info.get(_KEY, ()))


def notify_other_seats(session: Session, seat: str, topics: frozenset[str]) -> None:
    """PostgreSQL: tell the listening seats, inside the write transaction (sent only if it commits)."""
    payload = json.dumps({"seat": seat, "topics": sorted(topics)})
    session.execute(select(func.pg_notify(CHANNEL, payload)))


# ------------------------------------------------------------------ other seats' writes


class ChangeWatch:
    """poll() → the topics another seat changed since the previous poll (empty: nothing changed)."""

    _lock: threading.Lock  # dispose() may close the watch from another thread
    _conn = None  # the watch's own connection (sqlite3 or psycopg), opened lazily
    lost = False  # the database server cannot be reached (PostgreSQL)

    def poll(self) -> frozenset[str]:
        raise NotImplementedError

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class SqliteChangeWatch(ChangeWatch):
    def __init__(self, path: str):
        self.path = path
        self._lock = threading.Lock()  # dispose() may close it from another thread
        self._conn: sqlite3.Connection | None = None
        self._version: int | None = None
        self._open()

    def _open(self) -> None:
        # autocommit, short busy wait: a poll that cannot read now simply tries again at the next one
        self._conn = sqlite3.connect(self.path, timeout=0.2, isolation_level=None, check_same_thread=False)
        self._version = self._read()

    def _read(self) -> int:
        ((version,),) = self._conn.execute("PRAGMA data_version").fetchall()  # stepped to its end: no lock kept
        return version

    def poll(self) -> frozenset[str]:
        with self._lock:
            try:
                if self._conn is None:  # closed by dispose() (e.g. around a restore): anything may have changed
                    self._open()
                    return ALL_TOPICS
                version = self._read()
            except sqlite3.Error as exc:
                log.warning("change watch: %s", exc)
                self._close()
                return frozenset()
            changed, self._version = version != self._version, version
            return ALL_TOPICS if changed else frozenset()


class PostgresChangeWatch(ChangeWatch):
    def __init__(self, engine: Engine, seat: str):
        self.engine, self.seat = engine, seat
        self._lock = threading.Lock()
        self._conn = None
        self._retry_at = 0.0
        self.retry_seconds = RETRY_SECONDS
        self._open()

    def _open(self) -> None:
        import psycopg

        args, kwargs = self.engine.dialect.create_connect_args(self.engine.url)
        kwargs.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)
        self._conn = psycopg.connect(*args, **kwargs, autocommit=True)
        self._conn.execute(f"LISTEN {CHANNEL}")

    def poll(self) -> frozenset[str]:
        import psycopg

        with self._lock:
            try:
                if self._conn is None or self._conn.closed:
                    if time.monotonic() < self._retry_at:
                        return frozenset()  # lost a moment ago: asked again every retry_seconds, not every poll
                    self._open()
                    if self.lost:
                        log.warning("change watch: database server reached again")
                    self.lost = False
                    return ALL_TOPICS  # notifications sent while we were not listening are lost
                topics: set[str] = set()
                for note in self._conn.notifies(timeout=0):  # what has arrived; never waits
                    topics |= self._topics(note.payload)
                return frozenset(topics)
            except psycopg.Error as exc:
                if not self.lost:
                    log.warning("change watch: %s", exc)
                self.lost = True
                self._retry_at = time.monotonic() + self.retry_seconds
                self._close()
                return frozenset()

    def _topics(self, payload: str) -> set[str]:
        try:
            note = json.loads(payload)
        except ValueError:
            return set(ALL_TOPICS)
        if note.get("seat") == self.seat:
            return set()  # this seat announced it already, at its commit
        return set(note.get("topics") or ALL_TOPICS)
