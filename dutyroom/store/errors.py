"""Turn environment failures into a message the user can act on (Chinese, or English with DUTYROOM_LANG=en).

Known SQLite/OS failures (disk full, read-only, locked, corrupt, not a database, cannot open)
get a sentence and what to do next; anything else returns None and is a bug to report.
"""

from __future__ import annotations

import errno
import sqlite3

from sqlalchemy.exc import DBAPIError

from ..config import pick
from .database import DatabaseError
from .db_error import SERVER_LOST_EN, SERVER_LOST_ZH, is_server_lost

_KNOWN = [
    (("database or disk is full", "disk full"), "磁盘已满，数据未写入。请清理磁盘空间后重试；已保存的数据不受影响。",
     "The disk is full; nothing was written. Free some space and try again; saved data is safe."),
    (("readonly database", "read-only", "attempt to write a readonly"),
     "数据库文件只读，无法保存。请检查文件权限或复制到可写位置。",
     "The database file is read-only. Check its permissions or move it to a writable place."),
    (("database is locked", "database table is locked"),
     "数据库正被另一席位长时间占用。请稍后重试；如持续出现，请检查另一台值班机。",
     "The database is busy in another seat. Try again shortly; if it persists, check the other workstation."),
    (("malformed", "corrupt"), "数据库文件已损坏。请用“系统维护 → 从所选备份恢复”（或命令 restore）从最近的备份恢复。",
     "The database file is corrupt. Restore it from the latest backup (系统维护 page, or the restore command)."),
    (("file is not a database", "not a database"), "所选文件不是值班系统数据库。",
     "The chosen file is not a dutyroom database."),
    (("disk i/o error",),  # e.g. a backup past the file-size limit (RLIMIT_FSIZE) or a failing USB drive
     "读写磁盘出错（磁盘已满、超出文件大小限制或存储设备故障），操作未完成。请检查磁盘或换一个位置后重试；已保存的数据不受影响。",
     "A disk read or write failed (disk full, file-size limit or a failing device); the operation did not "
     "complete. Check the disk or choose another place and try again; saved data is safe."),
    (("unable to open database file",), "无法打开数据库文件：请检查路径是否存在、是否有权限。",
     "Cannot open the database file: check that the folder exists and is accessible."),
]


_FONT_SUFFIXES = (".ttf", ".ttc", ".otf", ".otc")


def _pick(zh: str, en: str) -> str:
    return pick(zh, en)


def _file_problem(exc: OSError) -> str | None:
    """Failures writing or reading an ordinary file (an export, a backup, a font)."""
    name = exc.filename or ""
    if str(name).lower().endswith(_FONT_SUFFIXES):
        return _pick(f"找不到或无法读取字体文件 {name}。请安装中文字体或在设置中指定其他字体文件；已保存的数据不受影响。",
                     f"Cannot read the font file {name}. Install a Chinese font or configure another font file; "
                     "saved data is not affected.")
    if exc.errno == errno.ENOSPC:
        return _pick(f"磁盘已满，文件 {name} 未写入。请清理磁盘空间后重试；已保存的数据不受影响。",
                     f"The disk is full; {name} was not written. Free some space and try again; saved data is safe.")
    if exc.errno == errno.EFBIG:  # past the file-size limit (ulimit -f) or the file system's largest file
        return _pick(f"文件 {name} 超出允许的文件大小，未写完。请换一个位置或请管理员检查文件大小限制；已保存的数据不受影响。",
                     f"{name} would exceed the allowed file size and was not written. Choose another place or ask "
                     "the administrator to check the file-size limit; saved data is safe.")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return _pick(f"没有权限写入 {name}（文件或磁盘只读）。请换一个可写的位置，或请管理员检查权限。",
                     f"No permission to write {name} (read-only file or disk). Choose a writable place or ask "
                     "the administrator to check the permissions.")
    if exc.errno == errno.ENOENT:
        return _pick(f"找不到文件或文件夹：{name}。请检查路径（如 U 盘是否已拔出）。",
                     f"File or folder not found: {name}. Check the path (was a USB drive removed?).")
    return None


def explain(exc: BaseException) -> str | None:
    if isinstance(exc, DatabaseError):
        return str(exc)
    zh, en = getattr(exc, "zh", None), getattr(exc, "en", None)
    if isinstance(zh, str) and isinstance(en, str):  # a UserError (e.g. FontMissing, PrinterMissing, FontError)
        return _pick(zh, en)
    if type(exc).__name__ == "TTFError":  # reportlab cannot use a font file
        return _pick(f"字体文件无法使用（{exc}）。请改用 TrueType 中文字体（.ttf/.ttc）。",
                     f"The font file cannot be used ({exc}). Use a TrueType Chinese font (.ttf/.ttc).")
    text = str(exc).lower()
    if isinstance(exc, OverflowError) and "sqlite integer" in text:  # a record number typed as 2**70
        return _pick("编号超出范围：没有这条记录。", "The number is out of range: there is no such record.")
    if is_server_lost(exc):  # PostgreSQL (several seats): the server stopped or the network is cut
        return _pick(SERVER_LOST_ZH, SERVER_LOST_EN)
    if isinstance(exc, DBAPIError | sqlite3.Error | OSError):
        if isinstance(exc, OSError) and not isinstance(exc, sqlite3.Error):
            known = _file_problem(exc)
            if known:
                return known
        for needles, zh_text, en_text in _KNOWN:
            if any(n in text for n in needles):
                return _pick(zh_text, en_text)
    return None
