"""首次使用向导 (issue 18) driven as a new installation's administrator would, for two districts."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWizard

from dutyroom.services.installation import FirstRun, InstallationService, letterhead
from dutyroom.ui.first_run import FirstRunWizard

PASSWORD = "Zhiban-2026-anquan"


@pytest.mark.parametrize("key, district, short", [("tongzhou", "通州区", "通应急"), ("shijingshan", "石景山区", "石应急")])
def test_the_wizard_sets_up_the_chosen_district(qtbot, db, key, district, short):
    wizard = FirstRunWizard(InstallationService(db))
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.profile.setCurrentIndex(wizard.profile.findData(key))
    assert district in wizard.profile_detail.text() or district in wizard.profile.currentText()
    wizard.next()
    # the organisation follows the district chosen, and the number preview follows the code
    assert wizard.organisation.text() == f"北京市{district}应急管理局"
    assert wizard.short.text() == short
    assert wizard.number_preview.text().startswith(f"{short}报〔")
    wizard.next()
    wizard.name.setText("管理员甲")
    wizard.password.setText(PASSWORD)
    wizard.again.setText(PASSWORD)
    wizard.next()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.result() == QWizard.DialogCode.Accepted
    installation = InstallationService(db)
    assert not installation.needs_setup()
    profile = installation.current_profile()
    assert profile.key == key
    assert letterhead(db, profile).short == short


def at_admin_page(qtbot, db, password: str = PASSWORD, again: str | None = None,
                  key: str | None = None) -> FirstRunWizard:
    """The wizard on its administrator page, filled in (the district `key` chosen first, if given); 下一步 not yet
    pressed."""
    wizard = FirstRunWizard(InstallationService(db))
    qtbot.addWidget(wizard)
    wizard.show()
    if key is not None:
        wizard.profile.setCurrentIndex(wizard.profile.findData(key))
    wizard.next()
    wizard.next()
    wizard.name.setText("管理员甲")
    wizard.password.setText(password)
    wizard.again.setText(password if again is None else again)
    return wizard


def test_a_mistyped_repeat_is_said_on_the_administrator_page_and_saves_nothing(qtbot, db):
    wizard = at_admin_page(qtbot, db, again=PASSWORD + "x")
    wizard.next()
    # 下一步 is refused on the page where the mistake is, in red, and what was typed stays
    assert wizard.currentId() == wizard.admin_page
    assert wizard.admin_error.text() == "两次输入的密码不一致" and wizard.admin_error.state == "error"
    assert wizard.password.text() == PASSWORD and wizard.name.text() == "管理员甲"
    wizard.again.setText(PASSWORD)
    wizard.next()
    assert wizard.currentId() != wizard.admin_page and wizard.admin_error.text() == ""
    assert InstallationService(db).needs_setup()


@pytest.mark.parametrize("password, says", [("short-1", "密码至少 10 位"), ("1212121212", "密码至少包含 4 个不同的字符")])
def test_a_password_the_policy_refuses_is_said_before_the_last_page(qtbot, db, password, says):
    """The same rule as every account (services/auth.py): at least 10 characters, 4 of them different."""
    wizard = at_admin_page(qtbot, db, password)
    wizard.next()
    assert wizard.currentId() == wizard.admin_page and says in wizard.admin_error.text()
    assert InstallationService(db).needs_setup()


def test_the_administrator_renames_the_organisation_on_the_maintenance_page(qtbot, db):
    from dutyroom.services.maintenance import MaintenanceService
    from dutyroom.ui.backup_page import BackupPage

    installation = InstallationService(db)
    admin = installation.setup(FirstRun(
        profile="dongcheng", organisation="北京市东城区应急管理局", short="东应急", admin_username="admin",
        admin_name="管理员甲", admin_password=PASSWORD))
    page = BackupPage(MaintenanceService(db, installation.current_profile()), admin)
    qtbot.addWidget(page)
    assert page.organisation_short.text() == "东应急"
    page.organisation_short.setText("东政应急")
    page.save_settings_button.click()
    assert letterhead(db, installation.current_profile()).short == "东政应急"
    page.organisation_short.setText("东政应急〔2026〕")  # refused with a message, nothing changed
    page.save_settings_button.click()
    assert "代字" in page.settings_message.text()
    assert letterhead(db, installation.current_profile()).short == "东政应急"
