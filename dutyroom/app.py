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
from .domain.permissions import allowed
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


def administration_pages(db: Database, profile, actor) -> list[tuple[str, object]]:
    """系统维护, 用户管理, 审计日志 — each only for the roles its service allows (the UI hides, the service refuses)."""
    from .services.audit_query import AuditQueryService
    from .services.maintenance import MaintenanceService
    from .ui.audit_page import AuditPage
    from .ui.backup_page import BackupPage
    from .ui.i18n import tr
    from .ui.users_page import UsersPage

    pages: list[tuple[str, object]] = []
    if allowed(actor.roles, "backup.run"):
        pages.append((tr("系统维护"), BackupPage(MaintenanceService(db, profile), actor)))
    if allowed(actor.roles, "user.manage"):
        pages.append((tr("用户管理"), UsersPage(AuthService(db), actor)))
    if allowed(actor.roles, "audit.view"):
        pages.append((tr("审计日志"), AuditPage(AuditQueryService(db, profile), actor)))
    return pages


def build_main_window(db: Database, profile, actor) -> MainWindow:
    """Each area adds its page (and its dashboard panel) in its own block below."""
    window = MainWindow(profile, actor, lambda: shift_on_duty(db))
    dashboard = DashboardPage()
    pages: list[tuple[str, object]] = []
    from .reports.export import ReportExporter

    exporter = ReportExporter(db, profile)  # every page's 打印预览 / 打印 / 另存为PDF / 另存为Excel (issue 7)
    # -- incidents (intake wizard, incident list, reports)
    from .services.incident_log import IncidentLogService
    from .services.incident_reports import ReportService
    from .services.incidents import IncidentService
    from .ui.deadlines_panel import DeadlinesPanel
    from .ui.incidents_page import IncidentsPage

    incident_svc = IncidentService(db, profile)  # one for the incidents and responses pages
    incident_reports = ReportService(db)
    incidents_page = IncidentsPage(incident_svc, incident_reports, IncidentLogService(db), actor,
                                   exporter=exporter)
    deadlines_panel = DeadlinesPanel(incident_reports, actor)

    def open_incident(incident_id: int) -> None:
        window.nav.setCurrentRow(window.pages.indexOf(incidents_page))
        incidents_page.open_incident(incident_id)

    deadlines_panel.open_incident.connect(open_incident)
    incidents_page.install_shortcut(window)  # Ctrl+N anywhere in the main window: 新接报
    dashboard.set_new_intake(incidents_page.new_intake)  # and the same as a button on 值班总览
    dashboard.add_panel(window.tr("报告时限"), deadlines_panel, 0, 0)
    pages.append((window.tr("事件"), incidents_page))
    if incidents_page.drafts:
        window.statusBar().showMessage(window.tr("有未完成的接报，按 Ctrl+N 继续填写"), 60_000)
    # -- warnings and responses
    from .services.responses import ResponseService
    from .services.warnings import WarningService
    from .ui.active_warnings_panel import ActiveWarningsPanel
    from .ui.approval_queue import ApprovalQueuePage
    from .ui.responses_page import ResponsesPage
    from .ui.warnings_page import WarningsPage

    warning_svc = WarningService(db, profile)
    warnings_page = WarningsPage(warning_svc, actor, exporter=exporter)
    approval_queue = ApprovalQueuePage(warning_svc, actor)
    active_panel = ActiveWarningsPanel(warning_svc)

    def open_warning(warning_id: int) -> None:
        window.nav.setCurrentRow(window.pages.indexOf(warnings_page))
        warnings_page.show_warning(warning_id)

    approval_queue.open_requested.connect(open_warning)
    active_panel.open_requested.connect(open_warning)
    warnings_page.changed.connect(approval_queue.refresh)
    warnings_page.changed.connect(active_panel.refresh)
    dashboard.add_panel(window.tr("生效预警"), active_panel, 0, 1)
    pages.append((window.tr("预警发布"), warnings_page))
    pages.append((window.tr("待我审批"), approval_queue))
    pages.append((window.tr("应急响应"), ResponsesPage(ResponseService(db, profile), incident_svc, actor,
                                                   exporter=exporter)))
    # -- plans and lead-department table
    from .services.auth import SYSTEM
    from .services.lead_table import LeadTableService
    from .services.plan_documents import PlanDocumentService
    from .services.plans import PlanService
    from .ui.plan_due_panel import PlanDuePanel
    from .ui.plans_page import PlansPage

    plan_svc = PlanService(db, profile)
    plan_svc.seed_library(SYSTEM)  # general and street plans, plan ↔ event-type links (idempotent)
    plans_page = PlansPage(plan_svc, PlanDocumentService(db, profile), LeadTableService(db, profile), actor,
                           can_edit_leads=allowed(actor.roles, "lead_table.edit"), exporter=exporter)
    plan_due = PlanDuePanel(plan_svc, actor)

    def open_plan(plan_id: int) -> None:
        window.nav.setCurrentRow(window.pages.indexOf(plans_page))
        plans_page.tabs.setCurrentWidget(plans_page.library)
        plans_page.library.select_plan(plan_id)

    plan_due.open_plan.connect(open_plan)
    dashboard.add_panel(window.tr("预案到期与逾期"), plan_due, 1, 0)
    pages.append((window.tr("预案库"), plans_page))
    # -- contacts
    from .services.contacts import ContactsService
    from .services.contacts_excel import ContactsExcel
    from .ui.contacts_page import ContactsPage

    pages.append((window.tr("通讯录"), ContactsPage(ContactsService(db, profile), ContactsExcel(db), actor,
                                                 exporter=exporter)))
    # -- roster, duty log and handover
    from .services.duty_log import DutyLogService
    from .services.handover import HandoverService
    from .services.roster import RosterService
    from .ui.duty_log_page import DutyLogPage
    from .ui.handover_dialog import HandoverDialog
    from .ui.on_duty_panel import OnDutyPanel
    from .ui.roster_page import RosterPage

    roster_svc = RosterService(db, profile)
    dashboard.add_panel(window.tr("值班人员"), OnDutyPanel(roster_svc), 1, 1)
    if allowed(actor.roles, "duty_log.view"):
        handover_svc = HandoverService(db, profile)
        pages.append((window.tr("值班日志"), DutyLogPage(
            DutyLogService(db), actor, lambda parent: HandoverDialog(handover_svc, actor, parent=parent,
                                                                     exporter=exporter), exporter=exporter)))
    if allowed(actor.roles, "roster.view"):
        pages.append((window.tr("排班表"), RosterPage(roster_svc, actor, profile.name, exporter=exporter)))
    # -- reports and statistics
    from .ui.statistics_page import StatisticsPage

    if allowed(actor.roles, "statistics.view"):
        pages.append((window.tr("统计报表"), StatisticsPage(exporter, actor)))
    # -- administration (audit trail, users, backup)
    pages.extend(administration_pages(db, profile, actor))
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
        from .services.environment import FontMissing

        QMessageBox.warning(None, _msg("缺少中文字体", "No Chinese font"), FontMissing().message)
    _install_excepthook()
    try:
        db = Database()
        from .services.maintenance import backup_before_migration

        backup_before_migration(db)  # an older database is copied as it was before its schema is upgraded
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
    from .services.maintenance import MaintenanceService
    from .ui.backup_page import BackupScheduler
    from .ui.session_lock import SessionLock

    maintenance = MaintenanceService(db, profile)  # idle lock and automatic backups (issue 8)
    window.session_lock = SessionLock(app, window, auth, login.actor, maintenance.settings().idle_minutes)
    window.backup_scheduler = BackupScheduler(maintenance, window)
    window.backup_scheduler.failed.connect(  # a failed automatic backup must not go unnoticed
        lambda text: window.statusBar().showMessage(_msg("自动备份失败：", "Automatic backup failed: ") + text))
    window.backup_scheduler.backed_up.connect(
        lambda result: window.statusBar().showMessage(_msg("已自动备份：", "Backed up: ") + result.path, 15_000))
    shot = os.environ.get("DUTYROOM_SCREENSHOT")
    if shot:  # for documentation and checks: save what the user sees, then quit
        delay = int(os.environ.get("DUTYROOM_SCREENSHOT_AFTER_MS", "1500"))
        QTimer.singleShot(delay, lambda: (window.grab().save(shot), app.quit()))
    code = app.exec()
    window.backup_scheduler.stop()
    try:  # the backup on exit: the window is gone, nothing waits for it
        maintenance.scheduled_backup("exit")
    except Exception as exc:
        log.error("backup on exit failed: %s", explain(exc) or exc)
    db.dispose()
    return code
