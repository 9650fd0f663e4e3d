"""Turn environment failures into a message the user can act on (Chinese, or English with DUTYROOM_LANG=en).

Known SQLite/OS failures (disk full, read-only, locked, corrupt, not a database, cannot open)
get a sentence and what to do next; anything else returns None and is a bug to report.
"""

from __future__ import annotations

import errno
import sqlite3

from sqlalchemy.exc import DBAPIError

from ..config import lang
from .database import DatabaseError

_KNOWN = [
    (("database or disk is full", "disk full"), "磁盘已满，数据未写入。请清理磁盘空间后重试；已保存的数据不受影响。",
     "The disk is full; nothing was written. Free some space and try again; saved data is safe."),
    (("readonly database", "read-only", "attempt to write a readonly"),
     "数据库文件只读，无法保存。请检查文件权限或复制到可写位置。",
     "The database file is read-only. Check its permissions or move it to a writable place."),
    (("database is locked", "database table is locked"),
     "数据库正被另一席位长时间占用。请稍后重试；如持续出现，请检查另一台值班机。",
     "The database is busy in another seat. Try again shortly; if it persists, check the other workstation."),
    (("malformed", "corrupt"), "数据库文件已损坏。请用“恢复备份”从最近的备份恢复。",
     "The database file is corrupt. Restore it from the latest backup."),
    (("file is not a database", "not a database"), "所选文件不是值班系统数据库。",
     "The chosen file is not a dutyroom database."),
    (("unable to open database file",), "无法打开数据库文件：请检查路径是否存在、是否有权限。",
     "Cannot open the database file: check that the folder exists and is accessible."),
]


def explain(exc: BaseException) -> str | None:
    if isinstance(exc, DatabaseError):
        return str(exc)
    text = str(exc).lower()
    if isinstance(exc, DBAPIError | sqlite3.Error | OSError):
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            text = "disk full"
        for needles, zh, en in _KNOWN:
            if any(n in text for n in needles):
                return en if lang() == "en" else zh
    return None
