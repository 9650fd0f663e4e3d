"""Fixtures for the incident service tests; test modules load them with `pytest_plugins`.

Building a demo database (migrations, five profiles' reference data, scrypt-hashed demo users) takes
about a second, so it is built once per session and each test gets its own copy of the file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.auth import Actor
from dutyroom.store.database import Database
from dutyroom.store.models import User
from tests.incident_data import PROFILES, Desk


def _build(path: Path) -> None:
    from dutyroom.services.demo import install_demo
    from dutyroom.services.reference_data import load_reference_data, set_setting

    db = Database(f"sqlite:///{path}")
    db.migrate()
    for key in PROFILES:
        load_reference_data(db, load_profile(key))
    set_setting(db, "profile", "dongcheng")
    install_demo(db, load_profile("dongcheng"))
    db.dispose()


@pytest.fixture(scope="session")
def _desk_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("incident_template") / "template.db"
    _build(path)
    return path


@pytest.fixture
def desk(tmp_path, _desk_template) -> Desk:
    path = tmp_path / "desk.db"
    shutil.copy(_desk_template, path)
    db = Database(f"sqlite:///{path}")
    with db.read() as s:
        users = {u.username: Actor(u.id, u.username, u.display_name, frozenset(u.role_keys))
                 for u in s.scalars(select(User))}
    yield Desk(db, users)
    db.dispose()
