"""系统维护: backups now / on a schedule / on exit, the generations kept, restore after checks, settings.

Backups use SQLite's online backup API (store/backup.py) and may run on a worker thread while the
app is in use; each has an anchor file beside it (the audit chain's head, signed with the installation key).
Restore never touches the live file until the candidate passed every check of store/backup.check_candidate
(read-only: integrity, exact schema, settings, anchor, keyed audit chain and row seals); then it replaces the
live database in place, under the live file's own write lock, after copying the replaced content to a safety
copy (a `…-prerestore.db` generation) inside that same lock. Both steps are audited.

Settings (in the `setting` table, changed by an administrator, audited):
  session.idle_minutes   idle minutes before the window locks (default 15; 0 turns the lock off)
  backup.every_hours     automatic backup interval (default 4; 0 turns the schedule off)
  backup.keep            generations kept (default 10)
  backup.directory       where generations go (default: a `dutyroom-backups` folder beside the database)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..config import SettingKey, pick
from ..domain.clock import BEIJING, now_or
from ..domain.numbers import NumberError, read_bounded, stored_count
from ..domain.profile_schema import Profile
from ..store import audit
from ..store.audit_key import AuditKeyError, load_key
from ..store.backup import Progress, backup_generation, backup_to, check_candidate, generation_name, replace_in_place, write_anchor
from ..store.database import Database
from .actor import SYSTEM, Actor, rechecked
from .errors import UserError
from .guard import require
from .reference_data import get_setting, set_setting

DEFAULTS = {SettingKey.idle_minutes: 15, SettingKey.backup_every_hours: 4, SettingKey.backup_keep: 10}
LIMITS = {SettingKey.idle_minutes: (0, 240), SettingKey.backup_every_hours: (0, 168), SettingKey.backup_keep: (1, 500)}
_NAME = re.compile(r"dutyroom-(\d{8})-(\d{6})-\d+-(\w+)\.db$")
REASON_LABELS = {"manual": ("手动", "manual"), "auto": ("定时", "scheduled"), "exit": ("退出时", "on exit"),
                 "prerestore": ("恢复前", "before restore"), "premigrate": ("升级前", "before upgrade")}


@dataclass(frozen=True)
class MaintenanceSettings:
    idle_minutes: int
    backup_every_hours: int
    backup_keep: int
    backup_directory: str


@dataclass(frozen=True)
class Generation:
    path: str
    name: str
    taken_at: dt.datetime | None  # Beijing time from the file name
    reason: str
    size_bytes: int


@dataclass(frozen=True)
class BackupResult:
    path: str
    size_bytes: int
    generations: int


@dataclass(frozen=True)
class Candidate:
    path: str
    ok: bool
    problem: str | None
    audit_entries: int


@dataclass(frozen=True)
class RestoreResult:
    restored_from: str
    replaced_kept_as: str
    safety_backup: str | None


def _int_setting(db: Database, key: str) -> int:
    low, high = LIMITS[key]
    return stored_count(get_setting(db, key), default=DEFAULTS[key], low=low, high=high)


@rechecked
class MaintenanceService:
    def __init__(self, db: Database, profile: Profile | None = None):
        self.db, self.profile = db, profile

    # ------------------------------------------------------------ where things are

    @property
    def db_path(self) -> Path | None:
        if not self.db.is_sqlite:
            return None
        raw = self.db.url.removeprefix("sqlite:///")
        return Path(raw.split("?")[0].removeprefix("file:")) if raw and raw != ":memory:" else None

    def backup_dir(self) -> Path:
        configured = get_setting(self.db, SettingKey.backup_directory)
        if configured:
            return Path(configured)
        path = self.db_path
        return (path.parent if path else Path.cwd()) / "dutyroom-backups"

    # ------------------------------------------------------------ settings

    def settings(self) -> MaintenanceSettings:
        """Readable by every signed-in user (the idle lock needs it)."""
        return MaintenanceSettings(_int_setting(self.db, SettingKey.idle_minutes),
                                   _int_setting(self.db, SettingKey.backup_every_hours),
                                   _int_setting(self.db, SettingKey.backup_keep), str(self.backup_dir()))

    def update_settings(self, actor: Actor, *, idle_minutes: int, backup_every_hours: int, backup_keep: int,
                        backup_directory: str | None = None) -> MaintenanceSettings:
        require(actor, "maintenance.settings")
        values = {SettingKey.idle_minutes: idle_minutes, SettingKey.backup_every_hours: backup_every_hours,
                  SettingKey.backup_keep: backup_keep}
        labels = {SettingKey.idle_minutes: ("自动锁定时间（分钟）", "idle lock (minutes)"),
                  SettingKey.backup_every_hours: ("自动备份间隔（小时）", "backup interval (hours)"),
                  SettingKey.backup_keep: ("保留备份份数", "generations kept")}
        for key, value in values.items():
            low, high = LIMITS[key]
            try:
                values[key] = read_bounded(value, low=low, high=high)
            except NumberError:
                zh, en = labels[key]
                raise UserError(f"{zh}应为 {low}–{high} 的整数", f"{en} must be a whole number from {low} to {high}") from None
        directory = (backup_directory or "").strip()
        if directory:
            if len(directory) > 500 or any(not ch.isprintable() for ch in directory):
                raise UserError("备份目录路径无效", "the backup folder path is not valid")
            if not Path(directory).is_absolute():
                raise UserError("备份目录须为完整路径（如 D:\\值班备份）", "the backup folder must be a full path")
        for key, value in values.items():
            set_setting(self.db, key, str(value), by=actor)
        if directory or get_setting(self.db, SettingKey.backup_directory):
            set_setting(self.db, SettingKey.backup_directory, directory, by=actor)
        return self.settings()

    # ------------------------------------------------------------ backups

    def _backup(self, actor: Actor, reason: str, progress: Progress | None = None, prune: bool = True) -> BackupResult:
        if not self.db.is_sqlite:
            raise UserError("PostgreSQL 数据库请由数据库管理员用 pg_dump 备份。",
                            "Back up a PostgreSQL database with pg_dump (ask the database administrator).")
        keep = _int_setting(self.db, "backup.keep")
        directory = self.backup_dir()
        path = backup_generation(self.db, directory, keep=keep if prune else 0, reason=reason, progress=progress)
        size = path.stat().st_size
        with self.db.write() as s:
            audit.record_by(s, actor, action="backup.run", entity="backup",
                            entity_id=path.name, after={"reason": reason, "size": size, "directory": str(directory)})
        return BackupResult(str(path), size, len(list(directory.glob("dutyroom-*.db"))))

    def backup_to_file(self, actor: Actor, dest: str | Path, with_key: str | Path | None = None) -> BackupResult:
        """A backup to a file of the user's choosing (the command line), with its anchor file beside it; with_key:
        the installation key written to that separate file as well (keep it apart from the backups)."""
        require(actor, "backup.run")
        if not self.db.is_sqlite:
            raise UserError("PostgreSQL 数据库请由数据库管理员用 pg_dump 备份。",
                            "Back up a PostgreSQL database with pg_dump (ask the database administrator).")
        dest = Path(dest)
        if with_key is not None and Path(with_key).exists():
            raise UserError(f"密钥备份文件已存在，未覆盖：{with_key}", f"the key backup already exists; not overwritten: {with_key}")
        path = backup_to(self.db, dest, with_key=Path(with_key) if with_key is not None else None)
        size = path.stat().st_size
        with self.db.write() as s:
            audit.record_by(s, actor, action="backup.run", entity="backup", entity_id=path.name[:40],
                            after={"reason": "file", "size": size, "file": str(path), "key_exported": with_key is not None})
        return BackupResult(str(path), size, 1)

    def backup_now(self, actor: Actor, progress: Progress | None = None) -> BackupResult:
        require(actor, "backup.run")
        return self._backup(actor, "manual", progress)

    def scheduled_backup(self, reason: str = "auto") -> BackupResult | None:
        """The automatic backup (timer or exit): the system acts, so no user permission is needed."""
        if not self.db.is_sqlite or reason not in ("auto", "exit"):
            return None
        if reason == "auto" and _int_setting(self.db, "backup.every_hours") == 0:
            return None
        return self._backup(SYSTEM, reason)

    def due(self, now: dt.datetime | None = None) -> bool:
        """Is a scheduled backup due (the newest generation is older than the interval)?"""
        hours = _int_setting(self.db, "backup.every_hours")
        if hours == 0 or not self.db.is_sqlite:
            return False
        gens = self.generations_unchecked()
        if not gens or gens[0].taken_at is None:
            return True
        now = now_or(now)
        return now - gens[0].taken_at >= dt.timedelta(hours=hours)

    def generations(self, actor: Actor) -> list[Generation]:
        require(actor, "backup.run")
        return self.generations_unchecked()

    def generations_unchecked(self) -> list[Generation]:
        directory = self.backup_dir()
        if not directory.is_dir():
            return []
        out = []
        for path in directory.glob("dutyroom-*.db"):
            m = _NAME.search(path.name)
            # the stamp is Beijing time (store/backup.py writes it so)
            taken = dt.datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S").replace(tzinfo=BEIJING) if m else None
            try:
                size = path.stat().st_size
            except OSError:
                continue
            out.append(Generation(str(path), path.name, taken, m.group(3) if m else "", size))
        return sorted(out, key=lambda g: g.name, reverse=True)

    # ------------------------------------------------------------ restore

    def check(self, actor: Actor, path: str | Path, progress: Callable[..., object] | None = None) -> Candidate:
        """Everything a backup must pass before it may replace the live database (the file is never written).
        ``progress(done, total, text)``: a plain callback at each step of the check (store.backup.check_candidate)."""
        require(actor, "backup.restore")
        result = check_candidate(Path(path), live_url=self.db.url, progress=progress)
        return Candidate(str(path), result.ok, result.problem, result.audit_entries)

    def restore(self, actor: Actor, path: str | Path, progress: Progress | None = None,
                allow_unkeyed: bool = False) -> RestoreResult:
        """Replace the live database, in place, with a checked backup. The content replaced is copied to a safety
        copy (a `prerestore` generation, never pruned by this call) inside the live file's write lock, so every
        write that committed before the restore is in it; other seats see the restored content at once."""
        require(actor, "backup.restore")
        target = self.db_path
        if target is None:
            raise UserError("PostgreSQL 数据库请由数据库管理员用 pg_restore 恢复。", "Restore a PostgreSQL database with pg_restore.")
        source = Path(path)
        if source.resolve() == target.resolve():
            raise UserError("不能用正在使用的数据库文件恢复自身", "cannot restore the database in use onto itself")
        result = check_candidate(source, live_url=self.db.url, allow_unkeyed=allow_unkeyed,
                                 progress=(lambda done, total, _text="": progress(done, total)) if progress else None)
        if not result.ok:
            raise UserError(f"备份文件未通过检查，未做任何改动：{result.problem}",
                            f"The backup failed its checks; nothing was changed: {result.problem}")
        safety = self.backup_dir() / generation_name("prerestore")
        with self.db.write() as s:  # in the replaced content, hence in the safety copy
            audit.record_by(s, actor, action="backup.restore", entity="backup", entity_id=source.name[:40],
                            after={"source": str(source), "audit_entries": result.audit_entries,
                                   "anchor": result.anchor, "safety_copy": safety.name, "unkeyed": not result.keyed})
        replace_in_place(source, target, safety, progress)
        try:
            key = load_key(self.db.url)
        except AuditKeyError:
            key = None
        write_anchor(self.db, safety, key)
        self.db.migrate()  # a backup from an older schema is brought up to this program's (and re-keyed)
        with self.db.write() as s:  # the restored database records that it was restored, by whom, from where
            from ..store.models import User

            user = s.get(User, actor.id) if actor.id else None
            same = user is not None and user.username == actor.username
            audit.record(s, user_id=actor.id if same else None, username=actor.username, action="backup.restored",
                         entity="backup", entity_id=source.name[:40],
                         after={"source": str(source), "safety_copy": str(safety), "anchor": result.anchor})
        return RestoreResult(str(source), str(safety), str(safety))


def stored_profile_key(db: Database) -> str:
    """The profile key stored in the database (DUTYROOM_PROFILE / dongcheng if none), refusing — with what to do —
    a stored value that is not the name of a shipped profile (a path, or a profile that does not exist)."""
    from ..config import cli_command, default_profile
    from ..domain.profile_loader import available_profiles, is_profile_key

    stored = get_setting(db, SettingKey.profile)
    if not stored:
        return default_profile()
    if is_profile_key(stored):
        return stored
    known = ", ".join(available_profiles())
    shown = repr(stored)[:80]
    raise UserError(f"数据库中保存的规则配置 {shown} 不是本程序自带的配置（可用：{known}）。未使用它。"
                    f"请由管理员运行 {cli_command()} init --profile <名称> 选定正确的配置。",
                    f"the profile stored in the database, {shown}, is not one shipped with this program ({known}); it "
                    f"was not used. An administrator should run `{cli_command()} init --profile <name>`.")


def explain_failure(exc: BaseException) -> str:
    """A sentence for the user about an environment failure (disk full, read-only, ...), never a traceback."""
    from ..store.errors import explain

    if isinstance(exc, UserError):
        return exc.message
    known = explain(exc)
    if known:
        return known
    return pick("发生意外错误，已记录到日志；已保存的数据不受影响。",
                "Unexpected error; it was logged. Saved data is not affected.")


def backup_before_migration(db: Database) -> Path | None:
    """Before a newer program upgrades an older database's schema, keep a copy of it as it was
    (a generation named `…-premigrate.db`, never pruned by this call). None when nothing is to migrate."""
    from ..store.database import head_revision

    if not db.is_sqlite or db.at_head():  # at the newest schema: nothing to keep (known without alembic)
        return None
    db.check_version()  # a database from a newer program is refused before anything else
    current = db.current_revision()
    if current is None or current == head_revision():
        return None
    return backup_generation(db, MaintenanceService(db).backup_dir(), keep=0, reason="premigrate")
