"""Fixtures for the warning service tests; test modules load them with `pytest_plugins`."""

from __future__ import annotations

import pytest

from tests.warning_helpers import copy_db, make_world, template_db


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return template_db(tmp_path_factory.mktemp("template"))


@pytest.fixture
def world(template, tmp_path):
    """A fresh database (a copy of the template, users included) and a factory for a profile's service."""
    path, users = template
    db = copy_db(path, tmp_path)
    yield lambda key: make_world(db, key, users)
    db.dispose()
