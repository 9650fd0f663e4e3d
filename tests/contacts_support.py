"""Fixtures for the contacts tests; test modules load them with `pytest_plugins`.

The Dongcheng demo database (reference data, made-up contacts, scrypt-hashed demo users) takes a few
seconds to build, so it is built once per session and each test works on its own copy of the file.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.auth import Actor
from dutyroom.services.contacts import ContactsService
from dutyroom.services.contacts_excel import ContactsExcel
from dutyroom.store.database import Database
from dutyroom.store.models import AuditEntry, User


@dataclass
class Directory:
    db: Database
    users: dict[str, Actor]

    @property
    def contacts(self) -> ContactsService:
        return ContactsService(self.db, load_profile("dongcheng"))

    @property
    def excel(self) -> ContactsExcel:
        return ContactsExcel(self.db)

    def __getitem__(self, username: str) -> Actor:
        return self.users[username]

    def audit_count(self, prefix: str = "") -> int:
        with self.db.read() as s:
            return s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action.startswith(prefix)))


def _build(path: Path) -> None:
    from dutyroom.services.demo import install_demo
    from dutyroom.services.reference_data import load_reference_data, set_setting

    db = Database(f"sqlite:///{path}")
    db.migrate()
    profile = load_profile("dongcheng")
    set_setting(db, "profile", "dongcheng")
    load_reference_data(db, profile)
    install_demo(db, profile)
    db.dispose()


@pytest.fixture(scope="session")
def _directory_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("contacts_template") / "template.db"
    _build(path)
    return path


@pytest.fixture
def directory(tmp_path, _directory_template) -> Directory:
    path = tmp_path / "contacts.db"
    for suffix in ("", "-wal", "-shm"):
        src = Path(f"{_directory_template}{suffix}")
        if src.exists():
            shutil.copy(src, f"{path}{suffix}")
    db = Database(f"sqlite:///{path}")
    with db.read() as s:
        users = {u.username: Actor(u.id, u.username, u.display_name, frozenset(u.role_keys))
                 for u in s.scalars(select(User))}
    yield Directory(db, users)
    db.dispose()
