"""The `directory` fixture for the contacts tests: a copy of the Dongcheng demo database (reference data,
made-up contacts, scrypt-hashed demo users)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.actor import Actor
from dutyroom.services.contacts import ContactsService
from dutyroom.services.contacts_excel import ContactsExcel
from dutyroom.store.database import Database
from dutyroom.store.models import AuditEntry
from tests.helpers.actors import actors_by_username
from tests.helpers.databases import build_demo


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


@pytest.fixture
def directory(template_db) -> Directory:
    db = template_db("demo", build_demo)
    return Directory(db, actors_by_username(db))
