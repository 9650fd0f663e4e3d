"""Backups with SQLite's online backup API, generations, and a restore that checks before it replaces.

A backup is taken while the app runs (the backup API copies a consistent snapshot page by page).
A restore never touches the live file until the candidate has passed the integrity check, the
schema-version guard and the audit-chain check; the replaced file is kept beside it.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..config import pick
from ..domain.clock import BEIJING
from .audit import verify_chain
from .database import Database, DatabaseError, private_dir, private_file

Progress = Callable[[int, int], None]  # (pages done, pages total)


class BackupError(DatabaseError):
    pass


def _error(zh: str, en: str) -> BackupError:

    return BackupError(pick(zh, en))


def backup_to(db: Database, dest: Path, progress: Progress | None = None) -> Path:
    """Copy the live database to `dest` (written to a temporary name, then renamed: no half files)."""
    if not db.is_sqlite:
        raise _error("PostgreSQL 数据库请使用 pg_dump 备份。", "Back up a PostgreSQL database with pg_dump.")
    dest = Path(dest)
    private_dir(dest.parent)
    tmp = dest.with_name(dest.name + ".partial")
    tmp.unlink(missing_ok=True)
    private_file(tmp)  # 0600 before a byte is written (issue 17, finding 8)
    raw = db.engine.raw_connection()
    try:
        target = sqlite3.connect(tmp)
        try:
            raw.driver_connection.backup(target, pages=256,
                                         progress=(lambda _s, left, total: progress(total - left, total)) if progress else None)
            target.execute("PRAGMA journal_mode=DELETE")  # a self-contained single file
        finally:
            target.close()
    except BaseException:
        tmp.unlink(missing_ok=True)  # e.g. disk full: no half-written backup is left to be mistaken for one
        raise
    finally:
        raw.close()
    os.replace(tmp, dest)
    return dest


def backup_generation(db: Database, directory: Path, keep: int = 10, reason: str = "auto",
                      progress: Progress | None = None) -> Path:
    """A timestamped backup in `directory`, keeping the newest `keep` generations (keep=0: prune nothing)."""
    stamp = dt.datetime.now(BEIJING).strftime("%Y%m%d-%H%M%S-%f")  # Beijing time whatever the PC's zone
    path = backup_to(db, Path(directory) / f"dutyroom-{stamp}-{reason}.db", progress)
    generations = sorted(Path(directory).glob("dutyroom-*.db"))
    for old in generations[:-keep] if keep > 0 else []:
        try:
            old.unlink(missing_ok=True)
        except OSError:  # an old generation that cannot be removed does not undo the new backup
            pass
    return path


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    problem: str | None = None
    audit_entries: int = 0


def check_candidate(path: Path) -> CheckResult:
    """Integrity, schema version and audit chain of a backup file, read without modifying it."""
    path = Path(path)
    if not path.is_file():
        return CheckResult(False, "文件不存在 / file not found")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = con.execute("PRAGMA integrity_check").fetchone()[0]
            has_schema = con.execute("SELECT count(*) FROM sqlite_master WHERE name='alembic_version'").fetchone()[0]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return CheckResult(False, f"不是可用的数据库文件 / not a usable database file: {exc}")
    if result != "ok":
        return CheckResult(False, f"完整性检查失败 / integrity check failed: {result}")
    if not has_schema:
        return CheckResult(False, "不是值班系统数据库 / not a dutyroom database")
    candidate = Database(f"sqlite:///{path}")
    try:
        candidate.check_version()
        with candidate.read() as s:
            chain = verify_chain(s)
    except DatabaseError as exc:
        return CheckResult(False, str(exc))
    finally:
        candidate.dispose()
    if not chain.ok:
        return CheckResult(False, f"审计链被破坏 / audit chain broken: {chain.problem}")
    return CheckResult(True, None, chain.entries)


def restore_from(source: Path, target: Path) -> Path:
    """Replace `target` with a checked copy of `source`; returns where the replaced file was kept.

    The caller must have closed every connection to `target` (the CLI and the GUI's restore do).
    """
    source, target = Path(source), Path(target)
    result = check_candidate(source)
    if not result.ok:
        raise _error(f"备份文件未通过检查，未做任何改动：{result.problem}",
                     f"The backup failed its checks; nothing was changed: {result.problem}")
    staged = target.with_name(target.name + ".restoring")
    shutil.copyfile(source, staged)
    kept = target.with_name(f"{target.name}.replaced-{dt.datetime.now(BEIJING).strftime('%Y%m%d-%H%M%S')}")
    if target.exists():
        os.replace(target, kept)
        for suffix in ("-wal", "-shm"):
            side = target.with_name(target.name + suffix)
            if side.exists():
                os.replace(side, kept.with_name(kept.name + suffix))
    os.replace(staged, target)
    return kept
