"""Backups with SQLite's online backup API, generations, and a restore that cannot hurt.

A backup is taken while the app runs (the backup API copies a consistent snapshot page by page). Beside every
backup `X.db` an anchor file `X.db.anchor.json` records the head of the audit chain at that moment, the file's
SHA-256 and an HMAC of both under the installation key: a backup cut short, edited or swapped shows.

A candidate for restore is opened read-only and immutable (it is never written, not even its journal mode: a
backup on read-only media restores, its checksum unchanged) and must pass, in order:
  the integrity check; a known schema revision; exactly the schema the migrations build for that revision (every
  table, index, trigger and view in sqlite_master — an extra trigger, view or table refuses it); settings that are
  known keys with sane values (the profile a name from the shipped list, never a path); its anchor file, if there
  is one; and its audit chain under the installation key.

The live database is then replaced *in place* through the backup API, inside the live file's own write lock:
other connections (another seat, the GUI while the CLI restores) see the restored content at their next
transaction, nothing is renamed away under them, and a write that waited for the lock lands in the restored
database. While the lock is held — after the first page is copied and before anything is committed — the
content being replaced is copied out to the safety copy, so every write that committed before the restore is in
the safety copy and every write after it is in the live file. The replacement is one transaction of the live
file: a crash at any instant leaves the old database or the new one, never none.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import re
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from ..config import SettingKey, pick
from ..domain.clock import BEIJING
from .audit import GENESIS, Anchor, legacy_entry_hash, verify_chain
from .audit_key import AuditKeyError, key_id, load_key
from .database import Database, DatabaseError, alembic_config, private_dir

Progress = Callable[[int, int], None]  # (pages done, pages total)
ANCHOR_SUFFIX = ".anchor.json"
KEY_SUFFIX = ".key"


class BackupError(DatabaseError):
    pass


def _error(zh: str, en: str) -> BackupError:
    return BackupError(pick(zh, en))


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # Windows cannot open a folder; its renames are durable enough
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _private(path: Path) -> None:
    try:
        os.chmod(path, 0o600)
    except OSError:
        pass


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------- taking backups


def _anchor_mac(key: bytes, data: dict) -> str:
    body = json.dumps({k: v for k, v in data.items() if k != "hmac"}, sort_keys=True, separators=(",", ":"))
    return hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()


def write_anchor(db: Database, backup: Path, key: bytes | None) -> Path:
    """The anchor file beside `backup`: the chain head in it, the file's SHA-256, and their HMAC under the key."""
    with closing(sqlite3.connect(_ro_uri(backup), uri=True)) as con:
        head = con.execute("SELECT last_seq, last_hash FROM audit_head WHERE id = 1").fetchone()
    anchor = Anchor(head[0], head[1]) if head else Anchor(0, GENESIS)
    data = anchor.to_json() | {"taken_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                               "file": backup.name, "sha256": file_sha256(backup),
                               "key_id": key_id(key) if key else None}
    data["hmac"] = _anchor_mac(key, data) if key else None
    path = backup.with_name(backup.name + ANCHOR_SUFFIX)
    tmp = path.with_name(path.name + ".partial")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    _private(tmp)
    os.replace(tmp, path)
    return path


def head_of(path: Path) -> Anchor | None:
    """The audit head recorded inside a database file (read-only, immutable); None if it has none."""
    try:
        with closing(sqlite3.connect(_ro_uri(path), uri=True)) as con:
            head = con.execute("SELECT last_seq, last_hash FROM audit_head WHERE id = 1").fetchone()
    except sqlite3.DatabaseError:
        return None
    return Anchor(head[0], head[1]) if head else None


def _snapshot(source: sqlite3.Connection, dest: Path, progress: Progress | None = None) -> None:
    """`source` (a live connection) copied to `dest` as a self-contained file, durably; no half file on failure."""
    tmp = dest.with_name(dest.name + ".partial")
    tmp.unlink(missing_ok=True)
    try:
        with closing(sqlite3.connect(tmp)) as target:
            _private(tmp)
            source.backup(target, pages=256,
                          progress=(lambda _s, left, total: progress(total - left, total)) if progress else None)
            target.execute("PRAGMA journal_mode=DELETE")  # a self-contained single file
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)  # e.g. disk full: no half-written backup is left to be mistaken for one
        raise
    os.replace(tmp, dest)
    _fsync_dir(dest.parent)


def backup_to(db: Database, dest: Path, progress: Progress | None = None, with_key: Path | None = None) -> Path:
    """Copy the live database to `dest` (written to a temporary name, then renamed: no half files), with its
    anchor file beside it; `with_key`: also write the installation key to that separate file (0600)."""
    if not db.is_sqlite:
        raise _error("PostgreSQL 数据库请使用 pg_dump 备份。", "Back up a PostgreSQL database with pg_dump.")
    dest = Path(dest)
    private_dir(dest.parent)  # 0700 (issue 17, finding 8); the file itself is made 0600 by _snapshot
    raw = db.engine.raw_connection()
    try:
        _snapshot(raw.driver_connection, dest, progress)
    finally:
        raw.close()
    try:
        key = load_key(db.url)
    except AuditKeyError:
        key = None  # an empty database has no key yet: its anchor is unsigned (and says so)
    write_anchor(db, dest, key)
    if with_key is not None:
        export_key(db, Path(with_key))
    return dest


def export_key(db: Database, path: Path) -> Path:
    """Write the installation's audit key to `path` (0600; never over an existing file): the key backup that
    recovers the audit chain on a new computer. Keep it apart from the database backups."""
    from .audit_key import write_key_file

    try:
        write_key_file(path, load_key(db.url))
    except FileExistsError:
        raise _error(f"密钥备份文件已存在，未覆盖：{path}", f"the key backup already exists; not overwritten: {path}") \
            from None
    return path


def backup_generation(db: Database, directory: Path, keep: int = 10, reason: str = "auto",
                      progress: Progress | None = None) -> Path:
    """A timestamped backup in `directory`, keeping the newest `keep` generations (keep=0: prune nothing)."""
    stamp = dt.datetime.now(BEIJING).strftime("%Y%m%d-%H%M%S-%f")  # Beijing time whatever the PC's zone
    path = backup_to(db, Path(directory) / f"dutyroom-{stamp}-{reason}.db", progress)
    generations = sorted(Path(directory).glob("dutyroom-*.db"))
    for old in generations[:-keep] if keep > 0 else []:
        try:
            old.unlink(missing_ok=True)
            old.with_name(old.name + ANCHOR_SUFFIX).unlink(missing_ok=True)
        except OSError:  # an old generation that cannot be removed does not undo the new backup
            pass
    return path


def generation_name(reason: str) -> str:
    return f"dutyroom-{dt.datetime.now(BEIJING).strftime('%Y%m%d-%H%M%S-%f')}-{reason}.db"


# ---------------------------------------------------------------- checking a candidate


def _ro_uri(path: Path) -> str:
    """Read-only and immutable: SQLite writes nothing, not even a -wal, -shm or journal, and takes no locks."""
    return Path(path).resolve().as_uri() + "?mode=ro&immutable=1"


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    problem: str | None = None
    audit_entries: int = 0
    revision: str | None = None
    keyed: bool = True
    anchor: str | None = None  # the short anchor of the candidate's chain head
    notes: tuple[str, ...] = field(default_factory=tuple)


def _refused(zh: str, en: str) -> CheckResult:
    return CheckResult(False, pick(zh, en))


_IGNORED_SCHEMA = ("sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4")


def _split_top(body: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(body):
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append(body[start:i].strip())
            start = i + 1
    parts.append(body[start:].strip())
    return parts


def _normalised(kind: str, sql: str | None) -> str:
    """The SQL with whitespace and quoting normalised; a table's columns and constraints in sorted order (a table
    rebuilt by a migration lists its constraints in no fixed order)."""
    text = re.sub(r"\s+", " ", (sql or "").replace('"', "").replace("`", "")).strip().lower()
    if kind == "table" and "(" in text and text.endswith(")"):
        head, body = text[:text.index("(")], text[text.index("(") + 1:-1]
        return head.strip() + " (" + ", ".join(sorted(_split_top(body))) + ")"
    return text


def _schema_of(con: sqlite3.Connection) -> dict[tuple[str, str], str]:
    """Every object of sqlite_master: (type, name) -> its normalised SQL."""
    out = {}
    for kind, name, sql in con.execute("SELECT type, name, sql FROM sqlite_master"):
        if name in _IGNORED_SCHEMA:
            continue
        out[(kind, name)] = _normalised(kind, sql)
    return out


@cache
def reference_schema(revision: str) -> dict[tuple[str, str], str]:
    """The schema the migrations build for `revision`, from a scratch database (cached per process)."""
    from alembic import command

    scratch = Database("sqlite://")
    try:
        cfg = alembic_config(scratch.url)
        with scratch.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
        raw = scratch.engine.raw_connection()
        try:
            return _schema_of(raw.driver_connection)
        finally:
            raw.close()
    finally:
        scratch.dispose()


def _schema_problem(con: sqlite3.Connection, revision: str) -> str | None:
    expected, found = reference_schema(revision), _schema_of(con)
    names = {"table": ("表", "table"), "index": ("索引", "index"), "trigger": ("触发器", "trigger"),
             "view": ("视图", "view")}
    for (kind, name), sql in sorted(found.items()):
        zh, en = names.get(kind, (kind, kind))
        if (kind, name) not in expected:
            return pick(f"备份中有本版本数据库结构之外的{zh} {name}（可能被植入），拒绝恢复",
                        f"the backup holds a {en} {name} that is not part of this version's schema (possibly "
                        f"planted); refused")
        if expected[(kind, name)] != sql:
            return pick(f"备份中{zh} {name} 的定义与本版本不同（可能被篡改），拒绝恢复",
                        f"the definition of {en} {name} differs from this version's (possibly tampered); refused")
    missing = sorted(set(expected) - set(found))
    if missing:
        kind, name = missing[0]
        zh, en = names.get(kind, (kind, kind))
        return pick(f"备份中缺少{zh} {name}，拒绝恢复", f"the backup lacks the {en} {name}; refused")
    return None


_INT_SETTINGS = {SettingKey.backup_every_hours, SettingKey.backup_keep, SettingKey.idle_minutes,
                 SettingKey.escalation_minutes}


def settings_problem(rows: list[tuple[str, str | None]]) -> str | None:
    """Known keys only, each with a value of its kind; the profile a shipped profile's name, never a path."""
    from ..domain.profile_loader import available_profiles, is_profile_key

    known = {k.value for k in SettingKey}
    for key, value in rows:
        value = value or ""
        shown = repr(value)[:80]
        if key not in known and not re.fullmatch(r"font\.[a-z]{1,20}", key or ""):
            return pick(f"备份中有未知的设置项 {key!r}，拒绝恢复", f"the backup holds an unknown setting {key!r}; refused")
        if len(value) > 500 or any(not ch.isprintable() for ch in value):
            return pick(f"备份中设置项 {key} 的值无效，拒绝恢复", f"the backup's setting {key} has an invalid value; refused")
        if key == SettingKey.profile and not is_profile_key(value):
            return pick(f"备份中的规则配置 {shown} 不是本程序自带的配置（可用：{', '.join(available_profiles())}），拒绝恢复",
                        f"the backup's profile {shown} is not one shipped with this program "
                        f"({', '.join(available_profiles())}); refused")
        if key in _INT_SETTINGS and value and not re.fullmatch(r"\d{1,6}", value):
            return pick(f"备份中设置项 {key} 应为整数（现为 {shown}），拒绝恢复",
                        f"the backup's setting {key} must be a whole number (it is {shown}); refused")
        if key == SettingKey.demo and value not in ("", "0", "1"):
            return pick(f"备份中设置项 {key} 的值无效，拒绝恢复", f"the backup's setting {key} has an invalid value; refused")
        if (key == SettingKey.backup_directory or key.startswith("font.")) and value and not Path(value).is_absolute():
            return pick(f"备份中设置项 {key} 应为完整路径（现为 {shown}），拒绝恢复",
                        f"the backup's setting {key} must be a full path (it is {shown}); refused")
    return None


def _legacy_chain_problem(con: sqlite3.Connection) -> tuple[str | None, int]:
    """The unkeyed chain of a backup from before migration 0006 (re-keyed when it is migrated after restore)."""
    prev, expected = GENESIS, 1
    for seq, at, username, action, entity, entity_id, before, after, prev_hash, digest in con.execute(
            "SELECT seq, at, username, action, entity, entity_id, before, after, prev_hash, hash FROM audit_log "
            "ORDER BY seq"):
        when = dt.datetime.fromisoformat(at).replace(tzinfo=dt.UTC)
        legacy = legacy_entry_hash(prev_hash, seq, when, username, action, entity, entity_id,
                                   json.loads(before) if before else None, json.loads(after) if after else None)
        if seq != expected or prev_hash != prev or legacy != digest:
            return pick(f"审计链被破坏（第 {expected} 条）", f"audit chain broken (entry {expected})"), expected - 1
        prev, expected = digest, expected + 1
    return None, expected - 1


def read_anchor(path: Path) -> dict | None:
    sidecar = path.with_name(path.name + ANCHOR_SUFFIX)
    try:
        return json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _anchor_problem(path: Path, data: dict, key: bytes | None, head: tuple[int, str]) -> str | None:
    if not isinstance(data, dict):
        return pick("备份的锚点文件无法读取", "the backup's anchor file cannot be read")
    if key is not None and data.get("hmac") is not None:
        if data.get("key_id") != key_id(key):
            return pick("备份由另一套安装（另一把审计密钥）生成：请先放回那套安装的密钥文件（见 README“安全”一节）",
                        "the backup was made by another installation (another audit key): put that installation's key "
                        "file back first (README, Security)")
        if not hmac.compare_digest(str(data.get("hmac")), _anchor_mac(key, data)):
            return pick("备份的锚点文件被改动", "the backup's anchor file was altered")
    if data.get("sha256") and data.get("sha256") != file_sha256(path):
        return pick("备份文件在备份之后被改动（与锚点文件记录的校验值不符）",
                    "the backup file was changed after it was taken (its checksum differs from the anchor's)")
    if (data.get("seq"), str(data.get("mac", ""))) != head:
        return pick(f"备份的审计链尾与锚点不符（锚点第 {data.get('seq')} 条，文件中第 {head[0]} 条）：备份被截断或改写",
                    f"the backup's chain head differs from its anchor (anchor entry {data.get('seq')}, file entry "
                    f"{head[0]}): the backup was cut or rewritten")
    return None


def check_candidate(path: Path, key: bytes | None = None, live_url: str | None = None,
                    allow_unkeyed: bool = False, progress: Callable[..., object] | None = None) -> CheckResult:
    """Everything a backup must pass before it may replace the live database; the file is never written.

    `key`: the installation's audit key (default: the key of `live_url`, or of a database in the file's folder).
    A backup from before the keyed chain (migration 0006) can only be checked with the old unkeyed hash, which
    anyone holding the file can recompute: it is refused unless `allow_unkeyed` (the command line's
    `restore --allow-unkeyed`, an administrator's explicit decision).

    `progress(done, total, text)`: a plain callback at each step (file integrity, the chain every few thousand
    entries, the seals); an exception it raises stops the check there (the file is only read)."""
    path = Path(path)

    def step(text_zh: str, text_en: str) -> Callable[[int, int], object]:
        return (lambda done, total: progress(done, total, pick(text_zh, text_en))) if progress else (lambda d, t: None)

    if not path.is_file():
        return _refused("文件不存在", "file not found")
    for side in ("-wal", "-journal"):
        extra = path.with_name(path.name + side)
        if extra.exists() and extra.stat().st_size > 0:
            return _refused(f"备份文件旁有未合并的 {extra.name}：它不是一份完整的备份",
                            f"{extra.name} lies beside the backup: it is not a self-contained backup")
    try:
        with closing(sqlite3.connect(_ro_uri(path), uri=True)) as con:
            step("正在检查文件完整性…", "Checking the file's integrity…")(0, 0)
            integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
            if integrity != "ok":
                return _refused(f"完整性检查失败：{integrity}", f"integrity check failed: {integrity}")
            fk = con.execute("PRAGMA foreign_key_check").fetchone()
            if fk is not None:
                return _refused(f"外键检查失败（表 {fk[0]}）", f"foreign key check failed (table {fk[0]})")
            if not con.execute("SELECT count(*) FROM sqlite_master WHERE name='alembic_version'").fetchone()[0]:
                return _refused("不是值班系统数据库", "not a dutyroom database")
            revs = [r[0] for r in con.execute("SELECT version_num FROM alembic_version")]
            revision = revs[0] if len(revs) == 1 else None
            if revision is None or not _known_revision(revision):
                return _refused(f"备份由更新版本的值班系统创建或版本信息无效（{revs}），本程序无法恢复",
                                f"the backup was made by a newer dutyroom or has no valid version ({revs})")
            problem = _schema_problem(con, revision)
            if problem:
                return CheckResult(False, problem)
            problem = settings_problem(list(con.execute("SELECT key, value FROM setting")))
            if problem:
                return CheckResult(False, problem)
            keyed = _has_column(con, "duty_log", "row_mac")
            head = con.execute("SELECT last_seq, last_hash FROM audit_head WHERE id = 1").fetchone()
            head = (head[0], head[1]) if head else (0, GENESIS)
            if not keyed:
                if not allow_unkeyed:
                    return _refused(f"备份来自审计链加密钥之前的版本（架构 {revision}），其审计链无法用本机密钥核对、"
                                    f"可被任何持有文件的人伪造。确需恢复时，请管理员在命令行使用 "
                                    f"restore --allow-unkeyed",
                                    f"the backup predates the keyed audit chain (schema {revision}): its chain "
                                    f"cannot be checked with this installation's key and anyone holding the file "
                                    f"could forge it. If it must be restored, an administrator uses "
                                    f"`restore --allow-unkeyed`")
                problem, entries = _legacy_chain_problem(con)
                if problem:
                    return CheckResult(False, pick(f"审计链被破坏：{problem}", f"audit chain broken: {problem}"))
    except sqlite3.DatabaseError as exc:
        return _refused(f"不是可用的数据库文件：{exc}", f"not a usable database file: {exc}")
    if key is None:
        try:
            key = load_key(live_url or f"sqlite:///{path.resolve().parent / 'x.db'}")
        except AuditKeyError as exc:
            if keyed and head[0] > 0:
                return CheckResult(False, str(exc))
            key = None
    notes: list[str] = []
    anchor_data = read_anchor(path)
    if isinstance(anchor_data, dict) and key is not None and anchor_data.get("key_id") not in (None, key_id(key)):
        return _refused("备份由另一套安装（另一把审计密钥）生成：请先放回那套安装的密钥文件（见 README“安全”一节）",
                        "the backup was made by another installation (another audit key): put that installation's "
                        "key file back first (README, Security)")
    if keyed:
        engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(_ro_uri(path), uri=True,
                                                                          check_same_thread=False))
        try:
            with Session(engine) as s:
                if key is None:
                    return _refused("缺少审计密钥，无法核对审计链", "the audit key is missing; the chain cannot be checked")
                chain = verify_chain(s, key, progress=step("正在核对审计链…", "Checking the audit chain…"))
                if chain.ok:
                    from .row_seal import verify_seals

                    seals = verify_seals(s.connection(), key, progress=step("正在核对封印…", "Checking the seals…"))
        finally:
            engine.dispose()
        if not chain.ok:
            return CheckResult(False, pick(f"审计链被破坏：{chain.problem}", f"audit chain broken: {chain.problem_en}"))
        if not seals.ok:
            return CheckResult(False, pick(f"封印核对失败：{seals.problem}", f"seal check failed: {seals.problem_en}"))
        entries = chain.entries
    else:
        notes.append(pick("备份来自审计链加密钥之前的版本：按旧（无密钥）方式核对；恢复后链将重新加密钥",
                          "the backup predates the keyed chain: checked the old (unkeyed) way; it is re-keyed after "
                          "the restore"))
    if anchor_data is not None:
        problem = _anchor_problem(path, anchor_data, key, head)
        if problem:
            return CheckResult(False, problem)
    else:
        notes.append(pick("备份旁没有锚点文件：无法确认备份未被截断", "no anchor file beside the backup: "
                          "cannot tell whether it was cut short"))
    return CheckResult(True, None, entries, revision, keyed, Anchor(*head).short, tuple(notes))


def _has_column(con: sqlite3.Connection, table: str, column: str) -> bool:
    return any(row[1] == column for row in con.execute(f"PRAGMA table_info({table})"))


def _known_revision(rev: str) -> bool:
    from alembic.script import ScriptDirectory

    try:
        return ScriptDirectory.from_config(alembic_config("sqlite://")).get_revision(rev) is not None
    except Exception:
        return False


# ---------------------------------------------------------------- restoring in place


@dataclass(frozen=True)
class Replaced:
    safety_copy: Path  # the content that was replaced, as it was at the instant of the restore


def replace_in_place(source: Path, target: Path, safety_copy: Path, progress: Progress | None = None,
                     step_pages: int = 64) -> Replaced:
    """Copy the (already checked) backup `source` over the live SQLite file `target` through the backup API.

    The backup's first step takes the live file's write lock; before anything is committed, a second connection
    copies the content being replaced (the last committed state, which no one can change while we hold the lock)
    to `safety_copy`, durably. The remaining steps finish the copy, committed as one transaction of the live file.
    """
    source, target, safety_copy = Path(source), Path(target), Path(safety_copy)
    if not target.exists():
        raise _error(f"数据库文件不存在：{target}", f"the database file does not exist: {target}")
    safety_copy.parent.mkdir(parents=True, exist_ok=True)
    kept: list[bool] = []

    def keep_replaced(_status: int, remaining: int, total: int) -> None:
        if not kept:  # after the first step: the live file's write lock is ours until the copy is committed
            with closing(sqlite3.connect(target, timeout=60)) as reader:
                _snapshot(reader, safety_copy)
            kept.append(True)
        if progress is not None:
            progress(total - remaining, total)

    with closing(sqlite3.connect(_ro_uri(source), uri=True)) as src, \
            closing(sqlite3.connect(target, timeout=60, isolation_level=None)) as live:
        live.execute("PRAGMA busy_timeout=60000")
        mode = live.execute("PRAGMA journal_mode").fetchone()[0]
        if mode.lower() != "wal":  # readers must not be blocked while the lock is held (and the copy is atomic)
            live.execute("PRAGMA journal_mode=WAL")
        live.execute("PRAGMA synchronous=FULL")
        total = src.execute("PRAGMA page_count").fetchone()[0]
        if total < 2:
            raise _error("备份文件过小，不是值班系统数据库", "the backup is too small to be a dutyroom database")
        src.backup(live, pages=max(1, min(step_pages, total - 1)), progress=keep_replaced)
        if not kept:  # cannot happen with at least two steps; never leave the replaced content unkept
            raise _error("未能保留被替换的数据库内容", "the replaced content could not be kept")
        live.execute("PRAGMA wal_checkpoint(PASSIVE)")
    return Replaced(safety_copy)
