"""First-run setup (issue 18): the jurisdiction, the organisation of the red header and its 代字, the first
administrator — chosen once, stored in the database, no environment variable needed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dutyroom.config import SettingKey
from dutyroom.services import exports
from dutyroom.services.auth import AuthService
from dutyroom.services.errors import PermissionDenied, UserError
from dutyroom.services.installation import FirstRun, InstallationService, letterhead
from dutyroom.services.reference_data import get_setting
from dutyroom.store.models import AuditEntry, User
from tests.helpers.pdf import pdf_text

PASSWORD = "Zhiban-2026-anquan"


def first_run(profile: str, organisation: str, short: str, **kw) -> FirstRun:
    return FirstRun(profile=profile, organisation=organisation, short=short, admin_username=kw.pop("username", "admin"),
                    admin_name="管理员甲", admin_password=kw.pop("password", PASSWORD), **kw)


def _report_pdf(db, admin, profile, tmp_path) -> str:
    """A duty officer takes a call and sends its first report; the PDF's text."""
    from dutyroom.services.incident_reports import ReportService
    from dutyroom.services.incidents import IncidentService
    from tests.helpers.incidents import intake

    officer = AuthService(db).create_user(admin, "zhiban1", "值班员乙", PASSWORD, ["duty_officer"])
    inc = IncidentService(db, profile).register(officer, intake(profile.key))
    draft = ReportService(db).compose(officer, inc.id, "verbal")
    ReportService(db).record_sent(officer, inc.id, "verbal", body=draft.body, recipients=draft.recipients,
                                  channel="phone")
    path = tmp_path / f"{profile.key}.pdf"
    exports.incident_report(db, profile, officer, inc.id, path)
    return pdf_text(path)


@pytest.mark.parametrize("key, organisation, short, district", [
    ("tongzhou", "北京市通州区应急管理局", "通应急", "通州区"),
    ("pinggu", "平谷区人民政府应急办公室", "平政应急", "平谷区"),
])
def test_the_chosen_district_is_the_one_in_force_without_any_environment_variable(
        db, tmp_path, monkeypatch, key, organisation, short, district):
    monkeypatch.delenv("DUTYROOM_PROFILE", raising=False)
    installation = InstallationService(db)
    assert installation.needs_setup()
    admin = installation.setup(first_run(key, organisation, short))
    assert "admin" in admin.roles and not installation.needs_setup()
    profile = installation.current_profile()
    assert (profile.key, profile.name) == (key, district)  # rules, clocks and lead table of the chosen plan
    assert letterhead(db, profile).name == organisation
    text = _report_pdf(db, admin, profile, tmp_path)
    assert organisation in text  # 发文机关标志
    assert f"{short}报〔" in text  # 发文字号 from the setup, not from code
    with db.read() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "installation.setup"))
    assert entry.username == "admin" and entry.after["organisation"] == organisation


def test_a_refused_password_leaves_the_database_as_empty_as_it_was(db):
    installation = InstallationService(db)
    with pytest.raises(UserError):
        installation.setup(first_run("dongcheng", "北京市东城区应急管理局", "东应急", password="short"))
    assert installation.needs_setup()
    assert get_setting(db, SettingKey.profile) is None and get_setting(db, SettingKey.organisation) is None


@pytest.mark.parametrize("short", ["东应急报〔2026〕", "东应急 1", ""])
def test_the_code_is_the_code_alone(db, short):
    with pytest.raises(UserError):
        InstallationService(db).setup(first_run("dongcheng", "北京市东城区应急管理局", short))
    assert InstallationService(db).needs_setup()


def test_a_profile_is_a_shipped_name_never_a_path(db):
    with pytest.raises(UserError, match="规则配置"):
        InstallationService(db).setup(first_run("../../tmp/evil", "某机关", "某应急"))
    assert InstallationService(db).needs_setup()


def test_setup_runs_once(db):
    installation = InstallationService(db)
    installation.setup(first_run("dongcheng", "北京市东城区应急管理局", "东应急"))
    with pytest.raises(UserError, match="已完成首次设置"):
        installation.setup(first_run("tongzhou", "北京市通州区应急管理局", "通应急", username="admin2"))
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(User)) == 1
    assert get_setting(db, SettingKey.profile) == "dongcheng"


def test_an_administrator_renames_the_organisation_audited_and_nobody_else_may(db):
    installation = InstallationService(db)
    admin = installation.setup(first_run("dongcheng", "北京市东城区应急管理局", "东应急"))
    officer = AuthService(db).create_user(admin, "zhiban1", "值班员乙", PASSWORD, ["duty_officer"])
    with pytest.raises(PermissionDenied):
        installation.change_letterhead(officer, "别的机关", "别应急")
    installation.change_letterhead(admin, "北京市东城区人民政府应急管理办公室", "东政应急")
    profile = installation.current_profile()
    assert letterhead(db, profile).short == "东政应急"
    with db.read() as s:
        changed = list(s.scalars(select(AuditEntry).where(AuditEntry.entity_id == SettingKey.organisation_short.value)))
    assert changed[-1].before == {"value": "东应急"} and changed[-1].after == {"value": "东政应急"}


def test_a_database_from_before_keeps_the_letterhead_its_profile_gives(db):
    """Databases made by `init` before the setup existed print what they printed before."""
    from dutyroom.domain.profile_loader import load_profile

    head = letterhead(db, load_profile("dongcheng"))
    assert (head.name, head.short) == ("北京市东城区应急管理局", "东应急")
