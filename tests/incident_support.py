"""Fixtures for the incident service tests; test modules load them with `pytest_plugins`.

Building a demo database (migrations, five profiles' reference data, scrypt-hashed demo users) takes
about a second, so it is built once per session and each test gets its own copy of the file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.actors import actors_by_username
from tests.demo_template import build_demo, copy_of
from tests.incident_data import PROFILES, Desk


@pytest.fixture(scope="session")
def _desk_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("incident_template") / "template.db"
    build_demo(path, reference_profiles=PROFILES)
    return path


@pytest.fixture
def desk(tmp_path, _desk_template) -> Desk:
    db = copy_of(_desk_template, tmp_path / "desk.db")
    yield Desk(db, actors_by_username(db))
    db.dispose()
