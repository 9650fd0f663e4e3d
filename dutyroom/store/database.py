"""Engine, sessions and migrations.

SQLite by default (WAL, foreign keys, busy timeout) in the user data directory; any SQLAlchemy
URL through DUTYROOM_DB. Write transactions on SQLite start with BEGIN IMMEDIATE so two seats on
one file queue for the write lock instead of failing half-way with "database is locked".
"""

from __future__ import annotations

import logging
import os
import time
import uuid
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import platformdirs
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from ..config import db_url_from_env, resource_root
from .change_watch import ChangeWatch, PostgresChangeWatch, SqliteChangeWatch, notify_other_seats, topics_written, track_topics
from .db_error import (  # APP_NAME, DatabaseError re-exported: callers import them from here
    APP_NAME,
    SERVER_LOST_EN,
    SERVER_LOST_ZH,
    DatabaseError,
    ServerLost,
    is_server_lost,
)

__all__ = ["APP_NAME", "Database", "DatabaseError", "SchemaTooNew", "ServerLost"]

SERVER_RETRY_SECONDS = 5.0  # a lost server is asked again at most this often (timers would ask every second)
CONNECT_TIMEOUT_SECONDS = 5  # an unreachable server host (no answer at all) blocks a command at most this long

log = logging.getLogger(__name__)


def default_db_url() -> str:
    data_dir = private_dir(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)), tighten=True)
    return f"sqlite:///{data_dir / 'dutyroom.db'}"


def _owned(path: Path) -> bool:
    return os.name == "posix" and path.exists() and path.stat().st_uid == os.getuid()


def private_dir(path: Path, *, tighten: bool = False) -> Path:
    """The folder, made if missing: a folder the app makes is 0700 (its owner only; issue 17, finding 8).
    `tighten`: an existing folder of the app's own (the data folder) is made 0700 too."""
    path = Path(path)
    if not path.exists():
        path.mkdir(parents=True, exist_ok=True)
        tighten = True
    if tighten and _owned(path) and path.stat().st_mode & 0o077:
        os.chmod(path, 0o700)
    return path


def private_file(path: Path) -> Path:
    """A database or backup file only its owner may read (0600): made empty when missing (SQLite takes an
    empty file for a new database, and gives its -wal and -shm files the same mode), tightened when it is ours.
    Elsewhere than POSIX the folder's access rights apply."""
    path = Path(path)
    if os.name != "posix":
        return path
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    for each in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if _owned(each) and each.stat().st_mode & 0o077:
            os.chmod(each, 0o600)
    return path


def _private_sqlite_file(url: str) -> None:
    """A SQLite file URL: the file made private before SQLite creates it (not :memory: nor a file: URI). A missing
    folder is not made here: a mistyped --db path is reported, not created."""
    raw = url.split(":///", 1)[1].split("?", 1)[0] if ":///" in url else ""
    if raw and raw != ":memory:" and not raw.startswith("file:") and Path(raw).parent.is_dir():
        private_file(Path(raw))


def configured_db_url(explicit: str | None = None) -> str:
    url = explicit or db_url_from_env() or default_db_url()
    if "://" not in url:  # a bare path is a SQLite file
        url = f"sqlite:///{Path(url).expanduser().resolve()}"
    return url


class SchemaTooNew(DatabaseError):
    pass


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # let the begin hook below emit BEGIN itself
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=15000")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 15})
        _sqlite_setup(engine)
        return engine
    # pre-ping: a connection the server dropped (restart, network) is replaced, not handed to a command
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS})


def alembic_config(url: str):
    from alembic.config import Config  # alembic only when a schema is to be checked or upgraded (a fast start)

    root = resource_root()
    cfg = Config()
    cfg.set_main_option("script_location", str(root / "db"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def leftover_problem(target: Path) -> str | None:
    """A database file that is missing where an interrupted restore of an older version left traces: never create
    an empty one there (that would offer the first-administrator dialog to whoever sits at the desk)."""
    from ..config import pick

    target = Path(target)
    if target.exists():
        return None
    traces = sorted(target.parent.glob(target.name + ".restoring")) + sorted(target.parent.glob(target.name +
                                                                                              ".replaced-*"))
    if not traces:
        return None
    return pick(f"数据库文件 {target} 不存在，但旁边有恢复留下的文件（{traces[-1].name}）：上次恢复可能被中断。"
                f"请把该文件改名为 {target.name}，或从备份恢复；程序不会新建空数据库。",
                f"The database {target} is missing but a restore left {traces[-1].name} beside it: the last restore "
                f"may have been interrupted. Rename that file to {target.name} or restore from a backup; no empty "
                f"database is created.")


class Database:
    """One per process: the engine, a read session factory and a write session factory."""

    def __init__(self, url: str | None = None):
        from . import (
            row_seal,  # noqa: F401 - seals rows with legal weight on every write (mapper events)
            text_index,  # noqa: F401 - keeps the incidents' text index current (mapper events)
        )

        self.url = configured_db_url(url)
        if self.url.startswith("sqlite:///") and "mode=memory" not in self.url:
            problem = leftover_problem(Path(self.url.removeprefix("sqlite:///").split("?")[0]))
            if problem:
                raise DatabaseError(problem)
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            _private_sqlite_file(self.url)
        self.engine = make_engine(self.url)
        writer = self.engine.execution_options(sqlite_begin="IMMEDIATE") if self.is_sqlite else self.engine
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(writer, expire_on_commit=False)
        track_topics(self._write)  # which areas (topics) each write transaction touched
        self.seat = uuid.uuid4().hex  # tells this process's change notices from another seat's (PostgreSQL)
        self._on_commit: list[Callable[[frozenset[str]], None]] = []
        self._watches: weakref.WeakSet[ChangeWatch] = weakref.WeakSet()
        self.retry_seconds = SERVER_RETRY_SECONDS
        self._lost_at: float | None = None  # PostgreSQL: when a command last found the server gone

    @contextmanager
    def read(self) -> Iterator[Session]:
        self._check_server()
        with self._reaching_server(), self._read() as session:
            yield session

    @contextmanager
    def connect(self) -> Iterator:
        """A bare connection for one small read (e.g. the rights check before every command), through the same
        lost-server check as read() and write()."""
        self._check_server()
        with self._reaching_server(), self.engine.connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: commits on success, rolls back everything on any error.

        After the commit, the on_commit callbacks hear which topics it changed (none: not called)."""
        self._check_server()
        with self._reaching_server(), self._write() as session:
            with session.begin():
                yield session
                session.flush()  # the topics are known before the commit
                topics = topics_written(session)
                if topics and not self.is_sqlite:
                    notify_other_seats(session, self.seat, topics)
        if topics:
            self._committed(topics)

    # -------------------------------------------------------------- a lost server (PostgreSQL)

    @property
    def server_lost(self) -> bool:
        """The last command found the database server gone (cleared by the next command that reaches it)."""
        return self._lost_at is not None

    def server_reached(self) -> None:
        """Another connection (the change watch) reached the server: commands may ask it again at once."""
        self._lost_at = None

    def _check_server(self) -> None:
        """While the server was lost a moment ago, refuse at once: the 1 s countdowns and the 30 s dashboard
        would otherwise each wait on a connection attempt; one command per `retry_seconds` asks it again."""
        if self._lost_at is not None and time.monotonic() - self._lost_at < self.retry_seconds:
            from ..config import pick

            raise ServerLost(pick(SERVER_LOST_ZH, SERVER_LOST_EN))

    @contextmanager
    def _reaching_server(self) -> Iterator[None]:
        try:
            yield
        except Exception as exc:
            if not self.is_sqlite and is_server_lost(exc):
                if self._lost_at is None:
                    log.warning("database server lost: %s", exc)
                self._lost_at = time.monotonic()
            raise
        else:
            if self._lost_at is not None:
                log.warning("database server reached again")
            self._lost_at = None

    # -------------------------------------------------------------- changes

    def on_commit(self, callback: Callable[[frozenset[str]], None]) -> Callable[[], None]:
        """Call `callback(topics)` after each write transaction of this process that changed something
        (in the thread that committed). Returns the function that stops it."""
        self._on_commit.append(callback)
        return lambda: self._on_commit.remove(callback) if callback in self._on_commit else None

    def _committed(self, topics: frozenset[str]) -> None:
        for callback in list(self._on_commit):
            try:
                callback(topics)
            except Exception:  # the data is committed; a listener's failure must not look like a failed write
                log.exception("change listener failed")

    def open_change_watch(self) -> ChangeWatch | None:
        """A watcher for other seats' writes (None for an in-memory database, which no other seat sees)."""
        if self.is_sqlite:
            path = self.engine.url.database
            if not path or path == ":memory:":
                return None
            watch: ChangeWatch = SqliteChangeWatch(path)
        else:
            watch = PostgresChangeWatch(self.engine, self.seat)
        self._watches.add(watch)
        return watch

    # -------------------------------------------------------------- schema

    def at_head(self) -> bool:
        """True when the database is at this program's newest schema, known without importing alembic: the
        revision table read with one SELECT, the head read from the migration files (issue 21: a fast start)."""
        head = _file_head()
        if head is None:
            return False
        try:
            with self.engine.connect() as conn:
                versions = {r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))}
        except Exception:  # no revision table yet (a new database), or unreadable: alembic decides
            return False
        return versions == {head}

    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def check_version(self) -> None:
        """Refuse a database that a newer dutyroom created (its revision is unknown to us)."""
        rev = self.current_revision()
        if rev is None:
            return
        from alembic.script import ScriptDirectory

        script = ScriptDirectory.from_config(alembic_config(self.url))
        if not _known(script, rev):
            raise SchemaTooNew(
                f"数据库由更新版本的值班系统创建（架构版本 {rev}），本程序无法安全打开。请升级程序后再打开。"
                f" / The database was created by a newer dutyroom (schema {rev}); upgrade the program to open it."
            )

    def migrate(self) -> None:
        if self.at_head():
            return
        self.check_version()
        from alembic import command

        cfg = alembic_config(self.url)
        with self.engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            # SQLite: a migration that rebuilds a table (0007 rebuilds incident) drops the old one, and with
            # foreign keys on that DROP first deletes every row: refused where a duty-log line or report points
            # at an incident, and a scan of each child table per row besides. The usual recipe: keys off for the
            # upgrade (the pragma must be set outside a transaction), every key checked before the commit.
            if sqlite:
                conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
            try:
                with conn.begin():
                    cfg.attributes["connection"] = conn
                    command.upgrade(cfg, "head")
                    if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                        raise DatabaseError("升级后发现失效的关联记录，未做任何改动。"
                                            " / The upgrade left rows pointing at nothing; nothing was changed.")
            finally:
                if sqlite:
                    conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")

    def dispose(self) -> None:
        for watch in list(self._watches):  # a restore needs every connection of this process closed
            watch.close()
        self.engine.dispose()


def head_revision() -> str:
    """The newest schema revision this program knows (what migrate() brings a database to)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return script.get_current_head()


def _file_head() -> str | None:
    """The one head of the migration files (revision ids no file names as its down_revision), read as text;
    None when there is not exactly one (then alembic decides)."""
    import re

    revisions, downs = set(), set()
    for path in (resource_root() / "db" / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        rev = re.search(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", source, re.M)
        down = re.search(r"^down_revision\s*=\s*['\"]([^'\"]+)['\"]", source, re.M)
        if rev:
            revisions.add(rev.group(1))
        if down:
            downs.add(down.group(1))
    heads = revisions - downs
    return next(iter(heads)) if len(heads) == 1 else None


def _known(script, rev: str) -> bool:
    try:
        return script.get_revision(rev) is not None
    except Exception:
        return False
