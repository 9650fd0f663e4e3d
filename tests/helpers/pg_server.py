"""A private, throwaway PostgreSQL cluster for the tests (setup.sh installs Debian's postgresql).

It listens on a Unix socket only, in a temporary directory, with trust authentication, and is
stopped and removed at the end of the session. As root it runs as the `postgres` system user.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run ./setup.sh test, which installs it")
    return found[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="dutyroom-pg-"))
        self.data, self.port = self.dir / "data", _free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        self.user = "postgres" if self.as_root else os.environ.get("USER", "postgres")
        self._admin: Engine | None = None

    def _run(self, *cmd: str) -> None:
        full = ["runuser", "-u", "postgres", "--", *cmd] if self.as_root else list(cmd)
        subprocess.run(full, check=True, capture_output=True, timeout=120)

    def start(self) -> PgServer:
        self._run(_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", self.user, "-E", "UTF8", "--no-locale")
        self.resume()
        return self

    def resume(self) -> None:
        """Start the server (again, after `pause`): same socket, same data."""
        opts = f"-k {self.dir} -p {self.port} -c listen_addresses='' -c fsync=off"
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-o", opts, "-l", str(self.dir / "log"), "-w", "start")

    def pause(self) -> None:
        """Stop the server, as a server lost mid-session (every connection is cut); `resume` brings it back."""
        if self._admin is not None:
            self._admin.dispose()
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, name: str) -> str:
        return f"postgresql+psycopg://{self.user}@/{name}?host={self.dir}&port={self.port}"

    def create_database(self, name: str) -> str:
        self._run(_bin("createdb"), "-h", str(self.dir), "-p", str(self.port), "-U", self.user, name)
        return self.url(name)

    def _admin_sql(self, sql: str) -> None:
        if self._admin is None:  # CREATE/DROP DATABASE run outside a transaction, from the maintenance database
            self._admin = create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        with self._admin.connect() as conn:
            conn.exec_driver_sql(sql)

    def clone(self, template_url: str, name: str) -> str:
        """A new database `name`, a file-level copy of the database at `template_url` (nobody may be connected to it)."""
        self._admin_sql(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(template_url).database}"')
        return self.url(name)

    def drop(self, url: str) -> None:
        """Remove the database at `url`, closing whatever connections the test left open."""
        self._admin_sql(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.dispose()
        try:
            self._run(_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        except subprocess.CalledProcessError:
            pass  # already stopped (a test paused it and failed before resuming)
        finally:
            time.sleep(0.1)
            shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server():
    """The cluster, started at the first test that needs it. No PostgreSQL installed: that test errors, never skips."""
    server = PgServer().start()
    yield server
    server.stop()
