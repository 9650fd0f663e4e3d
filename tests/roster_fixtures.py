"""Fixtures for the roster tests (load with `pytest_plugins = ["tests.roster_fixtures"]`)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from dutyroom.store.database import Database

# ---------------------------------------------------------------- a demo database built once per session


def _build(path: Path) -> None:
    from dutyroom.domain.profile_loader import load_profile
    from dutyroom.services.demo import install_demo
    from dutyroom.services.reference_data import load_reference_data, set_setting

    db = Database(f"sqlite:///{path}")
    db.migrate()
    profile = load_profile("dongcheng")
    set_setting(db, "profile", "dongcheng")
    load_reference_data(db, profile)
    install_demo(db, profile, today=dt.date(2026, 12, 1))
    db.dispose()


@pytest.fixture(scope="session")
def _roster_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("roster_template") / "template.db"
    _build(path)
    return path


@pytest.fixture
def room(tmp_path, _roster_template):
    """A copy of the Dongcheng demo database (demo roster from 2026-11-30; September/October 2026 free)."""
    path = tmp_path / "room.db"
    shutil.copy(_roster_template, path)
    db = Database(f"sqlite:///{path}")
    yield db
    db.dispose()
