"""Issue 17, finding 8: an administrator may raise the minimum password length (never below 10) in 系统维护 → 设置."""

from __future__ import annotations


def test_an_administrator_raises_the_minimum_password_length_on_the_maintenance_page(qtbot, people):
    """Issue 17, finding 8: admins may raise the minimum (never below 10): 系统维护 → 设置."""
    from dutyroom.services.errors import UserError
    from dutyroom.services.maintenance import MaintenanceService
    from dutyroom.ui.backup_page import BackupPage

    auth, admin, officer = people
    page = BackupPage(MaintenanceService(auth.db), admin)
    qtbot.addWidget(page)
    assert page.min_password.value() == 10
    page.min_password.setValue(14)
    page.save_settings()
    assert auth.password_min_length() == 14
    try:
        auth.reset_password(admin, officer.id, "kite-harbour7")  # 13 characters
    except UserError as exc:
        assert "至少 14 位" in exc.zh
    else:
        raise AssertionError("a 13-character password was accepted")
