"""Fixtures for the roster tests (load with `pytest_plugins = ["tests.roster_fixtures"]`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.demo_template import build_demo, copy_of

# ---------------------------------------------------------------- a demo database built once per session


@pytest.fixture(scope="session")
def _roster_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("roster_template") / "template.db"
    build_demo(path, today=dt.date(2026, 12, 1))
    return path


@pytest.fixture
def room(tmp_path, _roster_template):
    """A copy of the Dongcheng demo database (demo roster from 2026-11-30; September/October 2026 free)."""
    db = copy_of(_roster_template, tmp_path / "room.db")
    yield db
    db.dispose()
