"""The FTS5 text indexes of incidents and the audit log (SQLite; migration 0010, issue 21).

- incident_fts (rowid = incident.id): the terms of the nine searched columns (domain/search_terms, with every
  Latin/digit suffix, so a phone number's last digits find it). Written by the mapper events below on every
  insert, update and delete of an Incident, in the writer's transaction.
- audit_fts (rowid = audit_log.seq, contentless): the terms of the entity id, user, action and the before/after
  values as the page shows them (JSON with the Chinese unescaped). Written by store/audit.record; the log is
  append-only, so nothing is ever updated or deleted there.

Both are plain FTS5 tables filled by the program (no trigger calls a Python function), so any SQLite tool still
opens the file. PostgreSQL has neither: the services search there with ILIKE, newest first with a limit.
`rebuild` fills both from the tables (the migration, the history generator).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import event

from ..domain.search_terms import indexed_text, words_and_bigrams
from .models import Incident

INCIDENT_FTS = "incident_fts"
AUDIT_FTS = "audit_fts"
INCIDENT_SEARCHED = ("title", "description", "address", "place", "caller_name", "callback_phone", "event_type_text",
                     "measures_taken", "trend")
CREATE = (f"CREATE VIRTUAL TABLE {INCIDENT_FTS} USING fts5(terms, tokenize='unicode61', detail='none')",
          f"CREATE VIRTUAL TABLE {AUDIT_FTS} USING fts5(terms, tokenize='unicode61', detail='none', content='')")


def incident_document(values: Iterable[str | None]) -> str:
    return indexed_text(*values, infix=True)


_PAIRED = re.compile(r"\\u[dD][89abAB]")  # an escaped surrogate pair (a character beyond the BMP)


def _shown(value: Any) -> str:
    """A before/after value as the audit page shows it: stored JSON text (ASCII, the Chinese escaped) with its escapes
    decoded, or the value itself as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        if value.isascii() and not _PAIRED.search(value):
            return value.encode("ascii").decode("unicode_escape")  # what json.loads would give, far faster
        try:
            value = json.loads(value)
        except ValueError:
            return value
    return json.dumps(value, ensure_ascii=False)


def audit_document(entity_id: str | None, username: str | None, action: str | None, before: Any, after: Any) -> str:
    return words_and_bigrams(" ".join((entity_id or "", username or "", action or "", _shown(before), _shown(after))))


# ---------------------------------------------------------------- the write paths


def index_audit(connection, seq: int, entity_id, username, action, before, after) -> None:
    """One new audit entry (store/audit.record, inside its transaction). SQLite only."""
    connection.exec_driver_sql(f"INSERT INTO {AUDIT_FTS}(rowid, terms) VALUES (?, ?)",
                               (seq, audit_document(entity_id, username, action, before, after)))


def _incident_written(_mapper, connection, target: Incident) -> None:
    if connection.dialect.name != "sqlite":
        return
    connection.exec_driver_sql(f"DELETE FROM {INCIDENT_FTS} WHERE rowid = ?", (target.id,))
    connection.exec_driver_sql(f"INSERT INTO {INCIDENT_FTS}(rowid, terms) VALUES (?, ?)",
                               (target.id, incident_document(getattr(target, c) for c in INCIDENT_SEARCHED)))


def _incident_updated(mapper, connection, target: Incident) -> None:
    from sqlalchemy import inspect

    state = inspect(target)
    if any(state.attrs[c].history.has_changes() for c in INCIDENT_SEARCHED):
        _incident_written(mapper, connection, target)


def _incident_deleted(_mapper, connection, target: Incident) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"DELETE FROM {INCIDENT_FTS} WHERE rowid = ?", (target.id,))


event.listen(Incident, "after_insert", _incident_written)
event.listen(Incident, "after_update", _incident_updated)
event.listen(Incident, "after_delete", _incident_deleted)


# ---------------------------------------------------------------- building from the tables


def rebuild(con: sqlite3.Connection, progress: Callable[[str, int], None] | None = None, batch: int = 5000) -> None:
    """Fill both indexes from the tables (emptied first), then merge each into one segment. `con` is the
    driver's connection, inside the caller's transaction."""
    con.execute(f"DELETE FROM {INCIDENT_FTS}")
    cur = con.execute(f"SELECT id, {', '.join(INCIDENT_SEARCHED)} FROM incident")
    done = 0
    while rows := cur.fetchmany(batch):
        con.executemany(f"INSERT INTO {INCIDENT_FTS}(rowid, terms) VALUES (?, ?)",
                        [(r[0], incident_document(r[1:])) for r in rows])
        done += len(rows)
        if progress:
            progress("incident", done)
    # contentless: emptied by its own command, not DELETE
    con.execute(f"INSERT INTO {AUDIT_FTS}({AUDIT_FTS}) VALUES ('delete-all')")
    cur = con.execute("SELECT seq, entity_id, username, action, before, after FROM audit_log")
    done = 0
    while rows := cur.fetchmany(batch):
        con.executemany(f"INSERT INTO {AUDIT_FTS}(rowid, terms) VALUES (?, ?)",
                        [(r[0], audit_document(*r[1:])) for r in rows])
        done += len(rows)
        if progress:
            progress("audit_log", done)
    for table in (INCIDENT_FTS, AUDIT_FTS):
        con.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
