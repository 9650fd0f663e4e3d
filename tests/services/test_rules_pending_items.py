"""Issue 20 item 5: the items a district under the municipal plan must settle itself are 待本区预案确认 until the
administrator records the district's rule (audited); a duty officer cannot."""

import pytest
from sqlalchemy import select

from dutyroom.domain.district_template import PENDING_MARK
from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.actor import SYSTEM
from dutyroom.services.auth import AuthService
from dutyroom.services.errors import PermissionDenied, UserError
from dutyroom.services.rules_service import RulesService
from dutyroom.store.models import AuditEntry


@pytest.fixture()
def env(tmp_path):
    from dutyroom.store.database import Database

    db = Database(f"sqlite:///{tmp_path / 'p.db'}")
    db.migrate()
    auth = AuthService(db)
    admin = auth.create_user(SYSTEM, "admin1", "管理员甲", "duty-pass-2026", ["admin"])
    officer = auth.create_user(SYSTEM, "officer", "值班员甲", "duty-pass-2026", ["duty_officer"])
    yield db, admin, officer
    db.dispose()


def test_administrator_records_the_district_rule_and_the_mark_goes(env):
    db, admin, officer = env
    rules = RulesService(db, load_profile("shijingshan"))
    assert {p.mark for p in rules.pending()} == {PENDING_MARK}
    with pytest.raises(PermissionDenied):
        rules.confirm_pending(officer, "warnings.chain", "区应急委主任批准红色预警")
    done = rules.confirm_pending(admin, "warnings.chain", "区应急委主任批准红色预警")
    assert (done.confirmed, done.mark) == ("区应急委主任批准红色预警", "")
    assert next(p for p in rules.pending() if p.id == "lead_departments").mark == PENDING_MARK
    with db.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "rules.pending.confirm")).one()
    assert entry.after == {"value": "区应急委主任批准红色预警"} and entry.entity_id == "pending.shijingshan.warnings.chain"
    with pytest.raises(UserError):
        rules.confirm_pending(admin, "no.such.item", "x")
    assert RulesService(db, load_profile("dongcheng")).pending() == []
