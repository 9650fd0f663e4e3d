"""Composition root: settings → database → profile → sign-in → main window."""

from __future__ import annotations

import atexit
import logging
import signal
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

import platformdirs
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from .config import SettingKey, pick, screenshot_request
from .crash_guard import CrashGuard
from .domain.permissions import allowed
from .domain.profile_loader import ProfileError
from .services.auth import AuthService
from .services.duty import shift_on_duty
from .services.errors import UserError, lang
from .services.reference_data import get_setting, load_reference_data
from .store.database import Database
from .store.errors import explain
from .ui.dashboard_page import DashboardPage
from .ui.i18n import install_translator
from .ui.login_dialog import demo_hint
from .ui.main_window import MainWindow, lazy_page

log = logging.getLogger("dutyroom")

# Preferred UI faces for Chinese, first found wins (Windows office PCs, then the open fonts setup installs).
CJK_FAMILIES = ("Microsoft YaHei", "SimSun", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "AR PL UMing CN",
                "Noto Sans CJK SC", "Noto Sans SC")


def choose_cjk_font(app: QApplication) -> str | None:
    """The first installed face of CJK_FAMILIES; on a machine with none (a bare workstation), the open fonts the
    bundle carries in resources/fonts are added to the application and used."""
    for attempt in range(2):
        families = set(QFontDatabase.families())
        for family in CJK_FAMILIES:
            if family in families:
                app.setFont(QFont(family, 10))
                return family
        if attempt == 0 and not _add_bundled_fonts():
            break
    return None


def _add_bundled_fonts() -> bool:
    from .config import resource_root

    folder = resource_root() / "resources" / "fonts"
    added = [QFontDatabase.addApplicationFont(str(p)) for p in sorted(folder.glob("*.tt[fc]"))] if folder.is_dir() else []
    return any(i >= 0 for i in added)


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir("dutyroom", appauthor=False))


def _install_excepthook() -> CrashGuard:
    """Errors Python can catch go to the log and a message; fatal ones (aborts) to fatal.log via faulthandler."""
    log_dir_ = log_dir()
    log_dir_.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(filename=log_dir_ / "dutyroom.log", level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # the migrations an upgrade ran stay in the log; alembic's plugin and context lines (eleven a start) do not
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.migration").addFilter(
        lambda record: not str(record.msg).startswith(("Context impl", "Will assume")))

    def hook(exc_type, exc, tb):
        log.error("unhandled error:\n%s", "".join(traceback.format_exception(exc_type, exc, tb)))
        text = explain(exc) or pick(f"程序内部错误，已记录到日志（{log_dir_}）。已保存的数据不受影响。",
                                    f"Internal error, logged in {log_dir_}. Saved data is not affected.")
        QMessageBox.critical(None, pick("错误", "Error"), text)

    sys.excepthook = hook
    guard = CrashGuard(log_dir_)
    atexit.register(guard.stop)  # any exit the interpreter lives through is clean; an abort never gets here
    for earlier in guard.start():
        log.error("previous run (pid %s) ended abnormally; open: %s\n%s", earlier.pid, earlier.open, earlier.trace)
        box = QMessageBox(QMessageBox.Icon.Warning, pick("上次程序异常退出", "Abnormal exit last time"),
                          earlier.text(en=lang() == "en"))
        if earlier.trace:
            box.setDetailedText(earlier.trace)
        box.exec()
    return guard


def administration_pages(db: Database, profile, actor) -> list[tuple[str, object]]:
    """系统维护, 用户管理, 审计日志 — each only for the roles its service allows (the UI hides, the service refuses)."""
    from .ui.i18n import tr

    def backup_page():
        from .services.maintenance import MaintenanceService
        from .ui.backup_page import BackupPage

        return BackupPage(MaintenanceService(db, profile), actor)

    def users_page():
        from .ui.users_page import UsersPage

        return UsersPage(AuthService(db), actor)

    def audit_page():
        from .services.audit_query import AuditQueryService
        from .ui.audit_page import AuditPage

        return AuditPage(AuditQueryService(db, profile), actor)

    pages: list[tuple[str, object]] = []  # (title, the function that builds the page; its modules imported then)
    if allowed(actor.roles, "backup.run"):
        pages.append((tr("系统维护"), lazy_page("BackupPage", backup_page)))
    if allowed(actor.roles, "user.manage"):
        pages.append((tr("用户管理"), lazy_page("UsersPage", users_page)))
    if allowed(actor.roles, "audit.view"):
        pages.append((tr("审计日志"), lazy_page("AuditPage", audit_page)))
    return pages


def build_main_window(db: Database, profile, actor, *, lazy: bool = False) -> MainWindow:
    """Each area adds its page (and its dashboard panel) in its own block below.

    Every page is made by a function (`page(title, build)`); with lazy=True (the app) a page is built when it is
    first shown or asked for (window.page(title)), so the signed-in window paints before the pages behind it
    exist (issue 21). The dashboard's panels are built at once: the dashboard is the first page."""
    window = MainWindow(profile, actor, lambda: shift_on_duty(db))
    if get_setting(db, SettingKey.demo) == "1":  # init --demo: made-up people, never a real record
        window.show_demo_banner()
    from .ui.change_hub import ChangeHub

    # one change signal: this seat's writes at once, another seat's within a second (ui/change_hub.py)
    changes = window.changes = ChangeHub(db, window)
    changes.attach_notice(window.statusBar())  # a lost database server (several seats) is said in words
    incident_topics = {"incidents", "reports"}
    # what moves a clock: the district's bound (本区设定) is a setting; an incident tab counts down from the clock
    # it read (issue 21), so it reads again when any of these changes at this or another seat
    clock_topics = incident_topics | {"settings"}
    changes.subscribe(window, {"roster", "contacts", "users"}, window.refresh_shift)
    dashboard = DashboardPage()
    changes.changed.connect(lambda _topics: dashboard.mark_changed())  # its show skips a reload only when nothing changed

    def panel(title: str, widget, topics: set[str], row: int, column: int) -> None:
        dashboard.add_panel(title, widget, row, column)
        changes.subscribe(widget, topics, widget.refresh, catch_up_on_show=False)  # the dashboard refreshes all when shown
    pages: list[tuple[str, object]] = []

    def page(title: str, build, page_class: str):
        pages.append((title, lazy_page(page_class, build)))  # the class: its navigation group and icon
        return lambda: window.page(title)  # the page, built when first asked for

    def brought_forward(get):
        """The page `get` returns (built if need be), made the current page of the window."""
        shown = get()
        window.nav.setCurrentRow(window.pages.indexOf(shown))
        return shown
    exporters: list = []

    def exporter():
        """The one ReportExporter of this window: every page's 打印预览 / 打印 / 另存为PDF / 另存为Excel (issue 7),
        made (and its module imported) when the first page that prints is built."""
        if not exporters:
            from .services.exports import ReportExporter

            exporters.append(ReportExporter(db, profile))
        return exporters[0]
    # -- incidents (intake wizard, incident list, reports)
    from .services.incident_log import IncidentLogService
    from .services.incident_reports import ReportService
    from .services.incidents import IncidentService
    from .ui.deadlines_panel import DeadlinesPanel

    incident_svc = IncidentService(db, profile)  # one for the incidents and responses pages
    incident_reports = ReportService(db)
    deadlines_panel = DeadlinesPanel(incident_reports, actor)

    def build_incidents():
        from .ui.incidents_page import IncidentsPage

        incidents_page = IncidentsPage(incident_svc, incident_reports, IncidentLogService(db), actor,
                                       exporter=exporter())

        def follow_detail(incident_id: int) -> None:
            detail = incidents_page.details[incident_id]
            if changes.subscribe(detail, clock_topics, lambda: incidents_page.refresh_detail(detail), key="detail"):
                detail.changed.connect(changes.flush)  # a command on the incident: the dashboard too, now

        incidents_page.incident_opened.connect(follow_detail)
        changes.subscribe(incidents_page, clock_topics, incidents_page.refresh)
        return incidents_page
    incidents = page(window.tr("事件"), build_incidents, "IncidentsPage")

    def open_incident(incident_id: int) -> None:
        brought_forward(incidents).open_incident(incident_id)

    deadlines_panel.open_incident.connect(open_incident)
    window.deadline_alarm = deadlines_panel.alarm  # shown on the lock screen
    from PySide6.QtGui import QKeySequence, QShortcut

    QShortcut(QKeySequence("Ctrl+N"), window).activated.connect(lambda: incidents().new_intake())  # 新接报 anywhere
    dashboard.set_new_intake(lambda: incidents().new_intake())  # and the same as a button on 值班总览
    panel(window.tr("报告时限"), deadlines_panel, clock_topics, 0, 0)
    from .ui.operations import run

    if run(lambda: incident_svc.my_drafts(actor)):  # refused (not an incident role): no drafts to offer
        # once shown: a message set before the window is shown does not hide the labels it should cover
        QTimer.singleShot(0, lambda: window.statusBar().showMessage(window.tr("有未完成的接报，按 Ctrl+N 继续填写"), 60_000))
    # -- warnings and responses
    from .services.warnings import WarningService
    from .ui.active_warnings_panel import ActiveWarningsPanel
    from .ui.approval_queue import ApprovalQueuePage

    warning_svc = WarningService(db, profile)
    approval_queue = ApprovalQueuePage(warning_svc, actor)
    active_panel = ActiveWarningsPanel(warning_svc)

    def build_warnings():
        from .ui.warnings_page import WarningsPage

        warnings_page = WarningsPage(warning_svc, actor, exporter=exporter())
        warnings_page.changed.connect(changes.flush)  # a command succeeded: every page showing warnings, now
        changes.subscribe(warnings_page, {"warnings"}, warnings_page.refresh)
        return warnings_page
    warnings = page(window.tr("预警发布"), build_warnings, "WarningsPage")

    def open_warning(warning_id: int) -> None:
        brought_forward(warnings).show_warning(warning_id)

    approval_queue.open_requested.connect(open_warning)
    active_panel.open_requested.connect(open_warning)
    changes.subscribe(approval_queue, {"warnings", "users"}, approval_queue.refresh, catch_up_on_show=False,
                      while_hidden=True)  # what waits for me is read while the page is hidden (it is cheap)
    panel(window.tr("生效预警"), active_panel, {"warnings"}, 0, 1)
    page(window.tr("待我审批"), lambda: approval_queue, "ApprovalQueuePage")

    def build_responses():
        from .services.responses import ResponseService
        from .ui.responses_page import ResponsesPage

        responses_page = ResponsesPage(ResponseService(db, profile), incident_svc, actor, exporter=exporter())
        responses_page.changed.connect(changes.flush)
        changes.subscribe(responses_page, {"responses", "incidents"}, responses_page.refresh, catch_up_on_show=False)
        return responses_page
    page(window.tr("应急响应"), build_responses, "ResponsesPage")
    # -- plans and lead-department table
    from .services.actor import SYSTEM
    from .services.plans import PlanService
    from .ui.plan_due_panel import PlanDuePanel

    plan_svc = PlanService(db, profile)
    plan_svc.seed_library(SYSTEM)  # general and street plans, plan ↔ event-type links (idempotent)
    plan_due = PlanDuePanel(plan_svc, actor)

    def build_plans():
        from .services.lead_table import LeadTableService
        from .services.plan_documents import PlanDocumentService
        from .ui.plans_page import PlansPage

        plans_page = PlansPage(plan_svc, PlanDocumentService(db, profile), LeadTableService(db, profile), actor,
                               can_edit_leads=allowed(actor.roles, "lead_table.edit"), exporter=exporter())
        changes.subscribe(plans_page.library, {"plans"}, plans_page.library.refresh)
        changes.subscribe(plans_page.lead_table, {"lead_table", "contacts"}, plans_page.lead_table.refresh)
        return plans_page
    plans = page(window.tr("预案库"), build_plans, "PlansPage")

    def open_plan(plan_id: int) -> None:
        plans_page = brought_forward(plans)
        plans_page.tabs.setCurrentWidget(plans_page.library)
        plans_page.library.select_plan(plan_id)

    plan_due.open_plan.connect(open_plan)
    panel(window.tr("预案到期与逾期"), plan_due, {"plans"}, 1, 0)
    # -- contacts

    def build_contacts():
        from .services.contacts import ContactsService
        from .services.contacts_excel import ContactsExcel
        from .ui.contacts_page import ContactsPage

        contacts_page = ContactsPage(ContactsService(db, profile), ContactsExcel(db), actor, exporter=exporter())
        contacts_page.changed.connect(changes.flush)
        changes.subscribe(contacts_page, {"contacts"}, contacts_page.refresh)
        return contacts_page
    page(window.tr("通讯录"), build_contacts, "ContactsPage")
    # -- roster, duty log and handover
    from .services.handover import HandoverService
    from .services.roster import RosterService
    from .ui.on_duty_panel import OnDutyPanel

    roster_svc = RosterService(db, profile)
    handover_svc = HandoverService(db, profile)
    last_handover = (lambda: next(iter(handover_svc.history(actor, limit=1)), None)) \
        if allowed(actor.roles, "duty_log.view") else (lambda: None)
    panel(window.tr("值班人员"), OnDutyPanel(roster_svc, seat=(actor, last_handover)),
          {"roster", "contacts", "users", "duty_log"}, 1, 1)
    if allowed(actor.roles, "duty_log.view"):
        def build_duty_log():
            from .services.duty_log import DutyLogService
            from .ui.duty_log_page import DutyLogPage
            from .ui.handover_dialog import HandoverDialog

            duty_log_page = DutyLogPage(DutyLogService(db), actor, lambda parent: HandoverDialog(
                handover_svc, actor, parent=parent, exporter=exporter()), exporter=exporter())
            changes.subscribe(duty_log_page, {"duty_log", "roster"}, duty_log_page.reload)
            return duty_log_page
        page(window.tr("值班日志"), build_duty_log, "DutyLogPage")
    if allowed(actor.roles, "roster.view"):
        def build_roster():
            from .ui.roster_page import RosterPage

            roster_page = RosterPage(roster_svc, actor, profile.name, exporter=exporter())
            # a generated month not yet saved is the officer's work: it stays until saved or dropped
            changes.subscribe(roster_page, {"roster", "contacts", "users"},
                              lambda: roster_page.reload() if roster_page.planned is None else None)
            return roster_page
        page(window.tr("排班表"), build_roster, "RosterPage")
    # -- reports and statistics
    if allowed(actor.roles, "statistics.view"):
        def build_statistics():
            from .ui.statistics_page import StatisticsPage

            statistics_page = StatisticsPage(exporter(), actor)
            changes.subscribe(statistics_page, {*incident_topics, "warnings", "responses"}, statistics_page.refresh)
            return statistics_page
        page(window.tr("统计报表"), build_statistics, "StatisticsPage")
    # -- administration (audit trail, users, backup)
    # the backup page's settings form and the audit trail being read are not refreshed under the user:
    # the audit page reloads when shown, the backup page after its own commands
    for title, build in administration_pages(db, profile, actor):
        def build_admin(build=build):
            from .ui.users_page import UsersPage

            admin_page = build()
            if isinstance(admin_page, UsersPage):
                changes.subscribe(admin_page, {"users"}, admin_page.refresh)
            return admin_page
        page(title, build_admin, build.page_class)

    def build_rules():
        from .services.rules_service import RulesService
        from .ui.rules_page import RulesPage

        rules = RulesService(db, profile)
        rules_page = RulesPage(rules, actor=actor)
        changes.subscribe(rules_page, {"lead_table", "contacts"},
                          lambda: rules_page.lead.model.set_rows(rules.lead_table()))
        return rules_page
    page(window.tr("规则查询"), build_rules, "RulesPage")
    if dashboard.panels:  # no placeholder pages: the dashboard appears when an area gives it a panel
        window.add_page(window.tr("值班总览"), dashboard)
    for title, build in pages:
        window.add_page(title, build if lazy else build())
    return window


class _FirstPaint(QObject):
    def __init__(self, then: Callable[[], None], at_latest_ms: int):
        super().__init__(QApplication.instance())  # outlives the window (a user change before the paint)
        self.then, self.done = then, False
        QTimer.singleShot(at_latest_ms, self._fire)  # a window that starts minimised is not painted: go on anyway

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._fire)  # once the paint is done, from the event loop
        return False

    def _fire(self) -> None:
        if not self.done:
            self.done = True
            self.then()


def when_painted(widget: QWidget, then: Callable[[], None], at_latest_ms: int = 3000) -> None:
    """Call `then` once, just after `widget` is first painted (or after `at_latest_ms` if it is not painted by then):
    work the first picture does not need waits for it."""
    widget.installEventFilter(_FirstPaint(then, at_latest_ms))


# what the signed-in window's dashboard is made of (build_main_window imports them when it runs)
WINDOW_MODULES = ("dutyroom.services.incidents", "dutyroom.services.incident_reports", "dutyroom.services.incident_log",
                  "dutyroom.services.warnings", "dutyroom.services.plans", "dutyroom.services.roster",
                  "dutyroom.services.handover", "dutyroom.ui.change_hub", "dutyroom.ui.deadlines_panel",
                  "dutyroom.ui.operations", "dutyroom.ui.active_warnings_panel", "dutyroom.ui.approval_queue",
                  "dutyroom.ui.plan_due_panel", "dutyroom.ui.on_duty_panel", "dutyroom.ui.open_items")


def _import_window_modules() -> None:
    """While the sign-in dialog waits for the user to type, import the modules of the window that follows, so the
    window opens that much sooner after 登录 (a no-op when they are imported already)."""
    import importlib

    for name in WINDOW_MODULES:
        importlib.import_module(name)


def _quit_on_terminate(app: QApplication) -> None:
    """SIGTERM (a desktop logout, a shutdown, `kill`) or the session manager's commit request (Windows log-off) ends
    the program as closing its window does: the user's
    session is signed out, the exit backup runs and no abnormal exit is reported at the next start."""
    def end() -> None:
        # Qt 6's quit() asks every window to close, and the locked session's unlock dialog refuses (closing it must
        # not unlock): a shutdown during the idle lock was ignored. Ask, then leave the loop regardless; what runs
        # after app.exec() (sign-out, the exit backup) runs either way.
        app.quit()
        QTimer.singleShot(1000, lambda: app.exit(0))

    signal.signal(signal.SIGTERM, lambda *_args: end())
    # Windows sends no SIGTERM at log-off or shutdown but WM_QUERYENDSESSION, which Qt passes on as
    # commitDataRequest (so does an X11 session manager): the same clean end, queued after the signal returns.
    app.commitDataRequest.connect(lambda _manager: QTimer.singleShot(0, end))
    app._signal_wakeup = QTimer(app, interval=500, timeout=lambda: None)  # Python handles signals between bytecodes
    app._signal_wakeup.start()


def main(argv: list[str] | None = None) -> int:
    app = QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName("dutyroom")
    _quit_on_terminate(app)
    install_translator(app)
    if choose_cjk_font(app) is None:
        log.warning("no CJK font found; Chinese may not render")
        from .services.environment import FontMissing

        QMessageBox.warning(None, pick("缺少中文字体", "No Chinese font"), FontMissing().message)
    guard = _install_excepthook()
    try:
        db = Database()
        from .services.maintenance import backup_before_migration

        backup_before_migration(db)  # an older database is copied as it was before its schema is upgraded
        db.migrate()
        from .services.installation import InstallationService

        installation = InstallationService(db)
        if installation.needs_setup():  # an empty database: the first-run setup chooses the jurisdiction
            from .ui.first_run import FirstRunWizard

            if FirstRunWizard(installation).exec() != FirstRunWizard.DialogCode.Accepted:
                return 0
        profile = installation.current_profile()
        load_reference_data(db, profile)
    except ProfileError as exc:
        QMessageBox.critical(None, pick("规则配置错误", "Profile error"), str(exc))
        return 2
    except UserError as exc:
        QMessageBox.critical(None, pick("规则配置错误", "Profile error"), exc.message)
        return 2
    except Exception as exc:
        text = explain(exc)
        if text is None:
            raise
        QMessageBox.critical(None, pick("无法打开数据库", "Cannot open the database"), text)
        return 3
    auth = AuthService(db)
    from .services.maintenance import MaintenanceService
    from .ui.session_controller import SessionController

    maintenance = MaintenanceService(db, profile)  # idle lock and automatic backups (issue 8)

    def window_for(actor):
        from .ui.open_items import OpenItemsTracker

        window = build_main_window(db, profile, actor, lazy=True)  # pages built when first shown
        guard.note_open(user=f"{actor.display_name}（{actor.username}）")  # what the crash notice will name
        window.open_items = OpenItemsTracker(window, lambda items: guard.note_open(open_items=items))
        return window

    QTimer.singleShot(300, _import_window_modules)  # runs inside the sign-in dialog, before anyone can type
    # one session per signed-in user: 注销 / 切换用户 / 交接班 rebuild the window for the next user
    session = SessionController(app, auth, window_for,
                                pick(f"{profile.name}应急值班系统", f"{profile.name} emergency duty room"),
                                hint=lambda: demo_hint(auth), idle_minutes=lambda: maintenance.settings().idle_minutes)
    if not session.start():
        return 0
    schedulers = []

    def after_first_paint() -> None:
        """What the signed-in window does not need to be painted (issue 21: a fast start)."""
        from .services.release_notes import ReleaseNotesService
        from .ui.backup_page import BackupScheduler
        from .ui.release_notes_dialog import show_release_notes_once

        if session.window is not None:  # once after an upgrade
            show_release_notes_once(session.window, ReleaseNotesService(db), session.window.actor)
        scheduler = BackupScheduler(maintenance, session)  # outlives the windows of the users who come and go
        scheduler.failed.connect(  # a failed automatic backup must not go unnoticed
            lambda text: session.show_message(pick("自动备份失败：", "Automatic backup failed: ") + text))
        scheduler.backed_up.connect(
            lambda result: session.show_message(pick("已自动备份：", "Backed up: ") + result.path, 15_000))
        schedulers.append(scheduler)

    when_painted(session.window, after_first_paint)
    shot = screenshot_request()
    if shot:  # for documentation and checks: save what the user sees, then quit
        path, delay = shot
        QTimer.singleShot(delay, lambda: (session.window.grab().save(path), app.quit()))
    code = app.exec()
    session.finish()  # the signed-in user's session ends with the program (audited)
    for scheduler in schedulers:
        scheduler.stop()
    try:  # the backup on exit: the window is gone, nothing waits for it
        maintenance.scheduled_backup("exit")
    except Exception as exc:
        log.error("backup on exit failed: %s", explain(exc) or exc)
    db.dispose()
    return code
