"""Composition root: settings → database → profile → sign-in → main window."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path

import platformdirs
from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

from .cli import default_profile
from .domain.profile_loader import ProfileError, load_profile
from .services.auth import AuthService
from .services.demo import DEMO_PASSWORD
from .services.duty import shift_on_duty
from .services.errors import lang
from .services.reference_data import get_setting, load_reference_data
from .services.rules_service import RulesService
from .store.database import Database
from .store.errors import explain
from .ui.dashboard_page import DashboardPage
from .ui.i18n import install_translator
from .ui.login_dialog import FirstAdminDialog, LoginDialog
from .ui.main_window import MainWindow
from .ui.rules_page import RulesPage

log = logging.getLogger("dutyroom")

# Preferred UI faces for Chinese, first found wins (Windows office PCs, then the open fonts setup installs).
CJK_FAMILIES = ("Microsoft YaHei", "SimSun", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "AR PL UMing CN",
                "Noto Sans CJK SC", "Noto Sans SC")


def _msg(zh: str, en: str) -> str:
    return en if lang() == "en" else zh


def choose_cjk_font(app: QApplication) -> str | None:
    families = set(QFontDatabase.families())
    for family in CJK_FAMILIES:
        if family in families:
            app.setFont(QFont(family, 10))
            return family
    return None


def _install_excepthook() -> None:
    log_dir = Path(platformdirs.user_log_dir("dutyroom", appauthor=False))
    log_dir.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(filename=log_dir / "dutyroom.log", level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    def hook(exc_type, exc, tb):
        log.error("unhandled error:\n%s", "".join(traceback.format_exception(exc_type, exc, tb)))
        text = explain(exc) or _msg(f"程序内部错误，已记录到日志（{log_dir}）。已保存的数据不受影响。",
                                    f"Internal error, logged in {log_dir}. Saved data is not affected.")
        QMessageBox.critical(None, _msg("错误", "Error"), text)

    sys.excepthook = hook


def build_main_window(db: Database, profile, actor) -> MainWindow:
    """Each area adds its page (and its dashboard panel) in its own block below."""
    window = MainWindow(profile, actor, lambda: shift_on_duty(db))
    dashboard = DashboardPage()
    pages: list[tuple[str, object]] = []
    # -- incidents (intake wizard, incident list, reports)
    # -- warnings and responses
    # -- plans and lead-department table
    # -- contacts
    # -- roster, duty log and handover
    # -- reports and statistics
    # -- administration (audit trail, users, backup)
    pages.append((window.tr("规则查询"), RulesPage(RulesService(db, profile))))
    if dashboard.panels:  # no placeholder pages: the dashboard appears when an area gives it a panel
        window.add_page(window.tr("值班总览"), dashboard)
    for title, page in pages:
        window.add_page(title, page)
    return window


def main(argv: list[str] | None = None) -> int:
    app = QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName("dutyroom")
    install_translator(app)
    if choose_cjk_font(app) is None:
        log.warning("no CJK font found; Chinese may not render")
    _install_excepthook()
    try:
        db = Database()
        db.migrate()
        key = get_setting(db, "profile") or default_profile()
        profile = load_profile(key)
        load_reference_data(db, profile)
    except ProfileError as exc:
        QMessageBox.critical(None, _msg("规则配置错误", "Profile error"), str(exc))
        return 2
    except Exception as exc:
        text = explain(exc)
        if text is None:
            raise
        QMessageBox.critical(None, _msg("无法打开数据库", "Cannot open the database"), text)
        return 3
    auth = AuthService(db)
    if not auth.has_users() and FirstAdminDialog(auth).exec() != FirstAdminDialog.DialogCode.Accepted:
        return 0
    hint = (_msg(f"演示数据库：值班员 zhouning、管理员 admin，密码均为 {DEMO_PASSWORD}",
                 f"Demo database: duty officer zhouning, administrator admin, password {DEMO_PASSWORD}")
            if get_setting(db, "demo") == "1" else "")
    login = LoginDialog(auth, _msg(f"{profile.name}应急值班系统", f"{profile.name} emergency duty room"), hint)
    if login.exec() != LoginDialog.DialogCode.Accepted or login.actor is None:
        return 0
    window = build_main_window(db, profile, login.actor)
    window.show()
    shot = os.environ.get("DUTYROOM_SCREENSHOT")
    if shot:  # for documentation and checks: save what the user sees, then quit
        delay = int(os.environ.get("DUTYROOM_SCREENSHOT_AFTER_MS", "1500"))
        QTimer.singleShot(delay, lambda: (window.grab().save(shot), app.quit()))
    code = app.exec()
    db.dispose()
    return code
