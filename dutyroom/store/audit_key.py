"""The installation's audit key: 32 random bytes in a file outside the database (mode 0600).

The audit chain and the seals of rows with legal weight are HMAC-SHA256 under this key, so whoever holds only the
database file cannot rewrite them unnoticed. Where the key lives:

  DUTYROOM_AUDIT_KEY             the file named there, if set (e.g. on a drive only the office holds);
  SQLite                         `dutyroom-audit.key` in the database's folder (every seat on a shared file
                                 reaches it the same way);
  PostgreSQL                     `dutyroom-audit.key` in the user config folder (copy it to every seat).

It is created once: when the first audit entry of a new database is written, or when the migration re-keys an
older database's chain. A missing key is never silently replaced while the chain holds entries: writing refuses
with a message that says how to put the key back (from the separate key backup, `backup --with-key`).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
from pathlib import Path

import platformdirs
from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url

from ..config import audit_key_path_from_env, pick
from .db_error import APP_NAME, DatabaseError

KEY_FILE = "dutyroom-audit.key"
_HEADER = "dutyroom-audit-key v1"
_cache: dict[str, bytes] = {}
_lock = threading.Lock()
_EPHEMERAL = secrets.token_bytes(32)  # an in-memory database lives and dies with this process


class AuditKeyError(DatabaseError):
    """The key file is missing or unreadable; the message says how to recover."""


def key_path(url: object) -> Path | None:
    """Where the key of the database at `url` lives (None: an in-memory database, keyed per process)."""
    explicit = audit_key_path_from_env()
    if explicit:
        return Path(explicit).expanduser()
    u = make_url(str(url))
    if u.get_backend_name() == "sqlite":
        database = u.database or ""
        if database in ("", ":memory:") or "mode=memory" in database:
            return None
        return Path(database.removeprefix("file:").split("?")[0]).expanduser().resolve().parent / KEY_FILE
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / KEY_FILE


def _missing(path: Path) -> AuditKeyError:
    return AuditKeyError(pick(
        f"审计密钥文件缺失或损坏：{path}。审计链已有记录，不能换用新密钥。请从密钥备份（backup --with-key 生成的"
        f" .key 文件）复制回该位置，或用 DUTYROOM_AUDIT_KEY 指向它（见 README“安全”一节）。",
        f"The audit key file is missing or damaged: {path}. The audit chain already has entries, so a new key cannot "
        f"be used. Copy the key backup (the .key file written by `backup --with-key`) back to that place, or point "
        f"DUTYROOM_AUDIT_KEY at it (README, section Security)."))


def parse_key(text: str) -> bytes | None:
    lines = text.strip().splitlines()
    if len(lines) != 2 or lines[0].strip() != _HEADER:
        return None
    try:
        key = bytes.fromhex(lines[1].strip())
    except ValueError:
        return None
    return key if len(key) == 32 else None


def key_text(key: bytes) -> str:
    return f"{_HEADER}\n{key.hex()}\n"


def write_key_file(path: Path, key: bytes) -> None:
    """Write `key` to `path` readable by its owner only (never over an existing file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, key_text(key).encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)


def load_key(url: object, *, create: bool = False) -> bytes:
    """The key of the database at `url`; created (0600) only when `create` and there is none yet."""
    path = key_path(url)
    if path is None:
        return _EPHEMERAL
    with _lock:
        cached = _cache.get(str(path))
        if cached is not None and path.exists():
            return cached
        try:
            key = parse_key(path.read_text(encoding="ascii"))
            if key is None:
                raise _missing(path)
        except FileNotFoundError:
            if not create:
                raise _missing(path) from None
            key = secrets.token_bytes(32)
            try:
                write_key_file(path, key)
            except FileExistsError:  # another seat created it a moment ago: use theirs
                key = parse_key(path.read_text(encoding="ascii"))
                if key is None:
                    raise _missing(path) from None
        except (OSError, UnicodeDecodeError):
            raise _missing(path) from None
        _cache[str(path)] = key
        return key


def key_for_connection(conn: Connection) -> bytes:
    """The key of `conn`'s database, created only while its audit chain has no entry."""
    try:
        return load_key(conn.engine.url)
    except AuditKeyError:
        seq = conn.execute(text("SELECT last_seq FROM audit_head WHERE id = 1")).scalar()
        if seq:
            raise
        return load_key(conn.engine.url, create=True)


def key_id(key: bytes) -> str:
    """A short public fingerprint of the key (which key a backup or anchor was made with; reveals nothing)."""
    return hashlib.sha256(b"dutyroom key id|" + key).hexdigest()[:12]


def forget_cached_keys() -> None:
    """Tests and the key restore: read the key files again."""
    with _lock:
        _cache.clear()
