"""The same database code on PostgreSQL (a multi-seat duty room sets DUTYROOM_DB to a PostgreSQL URL)."""

from sqlalchemy import select

from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.actor import SYSTEM
from dutyroom.services.auth import AuthService
from dutyroom.services.demo import install_demo
from dutyroom.services.reference_data import load_reference_data
from dutyroom.store.audit import verify_chain
from dutyroom.store.database import Database, head_revision
from dutyroom.store.models import EventType


def test_migrate_demo_login_and_audit_chain_on_postgresql(pg_server):
    db = Database(pg_server.create_database("dutyroom_demo"))
    try:
        db.migrate()
        assert db.current_revision() == head_revision()
        profile = load_profile("tongzhou")
        load_reference_data(db, profile)
        install_demo(db, profile)
        with db.read() as s:
            assert len(s.scalars(select(EventType)).all()) == 52  # Tongzhou 2.3.6
        auth = AuthService(db)
        assert auth.login("zhouning", "dutyroom").display_name == "周宁"
        auth.create_user(SYSTEM, "second", "第二席位", "duty-pass-2026", ["duty_officer"])
        with db.read() as s:
            report = verify_chain(s)
        assert report.ok and report.entries > 10
    finally:
        db.dispose()
