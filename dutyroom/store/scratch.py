"""A private copy of the database, to rehearse a write without holding the live write lock.

`scratch_copy(db)` yields a Database on a temporary copy of a SQLite database, taken with the online backup API
from a read snapshot (other seats keep writing meanwhile), and deletes it afterwards. A dry run (the contacts
import's 检查) applies every row there in one transaction, so the live file's lock is never taken (issue 17). On
PostgreSQL, which has no database-wide write lock, it yields `db` itself; the caller rolls its transaction back.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .database import Database


@contextmanager
def scratch_copy(db: Database) -> Iterator[Database]:
    if not db.is_sqlite or not db.engine.url.database or db.engine.url.database == ":memory:":
        yield db
        return
    folder = Path(tempfile.mkdtemp(prefix="dutyroom-check-"))
    copy = folder / "check.db"
    raw = db.engine.raw_connection()
    try:
        target = sqlite3.connect(copy)
        try:
            raw.driver_connection.backup(target, pages=1024)
        finally:
            target.close()
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        raw.close()
    scratch = Database(f"sqlite:///{copy}")
    try:
        yield scratch
    finally:
        scratch.dispose()
        shutil.rmtree(folder, ignore_errors=True)
