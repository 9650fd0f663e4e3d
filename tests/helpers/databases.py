"""Databases for the tests: a template per name, built once per session by a builder function and copied for each
test (building one — migrations, reference data, scrypt-hashed users — takes seconds; copying takes milliseconds).

`template_db(name, build)` gives a test its own copy of the template `name`. The copy lives on the test's backend:
a SQLite file by default; in a module marked `both_backends` each test runs twice, the second time on a database
of the session's throwaway PostgreSQL cluster (CREATE DATABASE ... TEMPLATE), where row locks and time zones act
as they do in a multi-seat duty room.
"""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from dutyroom.domain.profile_loader import load_profile
from dutyroom.store.database import Database

BACKENDS = ("sqlite", "postgresql")
Build = Callable[[Database], object]  # what it returns is not kept


def build_demo(db: Database, *, reference_profiles: tuple[str, ...] = ("dongcheng",),
               today: dt.date | None = None) -> None:
    """On a migrated `db`: load the reference data of `reference_profiles`, set the profile to dongcheng and install
    its demo district (dated from `today`, the real date by default)."""
    from dutyroom.services.demo import install_demo
    from dutyroom.services.reference_data import load_reference_data, set_setting

    for key in reference_profiles:
        load_reference_data(db, load_profile(key))
    set_setting(db, "profile", "dongcheng")
    install_demo(db, load_profile("dongcheng"), today=today)


def copy_of(template: Path, path: Path) -> Database:
    """A database on a fresh copy of the SQLite file `template` (with its -wal/-shm files, if any) at `path`."""
    for suffix in ("", "-wal", "-shm"):
        src = Path(f"{template}{suffix}")
        if src.exists():
            shutil.copy(src, f"{path}{suffix}")
    return Database(f"sqlite:///{path}")


class Sqlite:
    name = "sqlite"

    def create(self, path: Path) -> str:
        return f"sqlite:///{path}"

    def copy(self, template_url: str, path: Path) -> Database:
        return copy_of(Path(template_url.removeprefix("sqlite:///")), path)

    def drop(self, db: Database) -> None:
        db.dispose()


class Postgres:
    """Databases of the session's cluster, named after the file a SQLite test would have used."""

    name = "postgresql"
    _serial = itertools.count(1)

    def __init__(self, server):
        self.server = server

    def _name(self, path: Path) -> str:
        return f"{path.stem}_{next(self._serial)}".lower()

    def create(self, path: Path) -> str:
        return self.server.create_database(self._name(path))

    def copy(self, template_url: str, path: Path) -> Database:
        return Database(self.server.clone(template_url, self._name(path)))

    def drop(self, db: Database) -> None:
        db.dispose()
        self.server.drop(db.url)


class Templates:
    """The session's templates, by backend and name: built at first use, then only copied."""

    def __init__(self, folders: pytest.TempPathFactory):
        self.folders = folders
        self.urls: dict[tuple[str, str], str] = {}

    def copy(self, backend: Sqlite | Postgres, name: str, build: Build | None, path: Path) -> Database:
        key = (backend.name, name)
        if key not in self.urls:
            template = Database(backend.create(self.folders.mktemp(f"template_{name}") / f"template_{name}.db"))
            template.migrate()
            if build is not None:
                build(template)
            template.dispose()  # PostgreSQL copies a template only while nobody is connected to it
            self.urls[key] = template.url
        return backend.copy(self.urls[key], path)


@pytest.fixture(scope="session")
def database_templates(tmp_path_factory) -> Templates:
    return Templates(tmp_path_factory)


@pytest.fixture(scope="module")
def backend(request) -> Sqlite | Postgres:
    """SQLite, or PostgreSQL for the second run of a test in a module marked `both_backends`."""
    if getattr(request, "param", "sqlite") == "postgresql":
        return Postgres(request.getfixturevalue("pg_server"))  # not installed: the test errors, never skips
    return Sqlite()


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_backends"):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def template_db(database_templates, backend, tmp_path):
    """`template_db(name, build, file=None)`: this test's own copy of the template `name` (made by `build` on a
    migrated database; None: migrations only), as a SQLite file `tmp_path / (file or name.db)` or a PostgreSQL
    database. Every copy is closed (and dropped on PostgreSQL) after the test."""
    made: list[Database] = []

    def copy(name: str, build: Build | None = None, file: str | None = None) -> Database:
        made.append(database_templates.copy(backend, name, build, tmp_path / (file or f"{name}.db")))
        return made[-1]

    yield copy
    for db in made:
        backend.drop(db)
