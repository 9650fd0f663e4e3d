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


def test_a_mistyped_repeat_keeps_the_wizard_open_and_saves_nothing(qtbot, db):
    wizard = FirstRunWizard(InstallationService(db))
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    wizard.next()
    wizard.name.setText("管理员甲")
    wizard.password.setText(PASSWORD)
    wizard.again.setText(PASSWORD + "x")
    wizard.next()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.isVisible() and "不一致" in wizard.error.text()
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
