"""系统维护: back up now (with progress, off the GUI thread), the generations kept, check and restore
(the check runs before anything is replaced; the program must be restarted afterwards), 校验审计链 (the whole
audit chain and the seals), and the administrator's settings (idle lock, backup schedule, generations kept, folder, and the district's
escalation bound for reporting deadlines the plan words without a number, kept by ReportService).

`BackupScheduler` runs the automatic backup on a worker thread when one is due (checked every few
minutes against the newest generation's time), so the GUI never waits for it.

The checks (a backup file's, the live audit chain's) read the whole file: at ten years a minute. They run on a
worker thread with a bar and 取消 (a check only reads; cancelled, it concludes nothing); the restore itself runs
on a worker thread behind a modal progress dialog without 取消 (a half-replaced database is not a state to stop
in). While one runs, the buttons that would start another are disabled.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain.accounts import MIN_PASSWORD_LENGTH
from ..domain.permissions import allowed
from ..services.actor import Actor
from ..services.audit_query import AuditQueryService
from ..services.auth import AuthService
from ..services.errors import lang
from ..services.incident_reports import BOUND_LIMITS, ReportService
from ..services.installation import InstallationService, letterhead
from ..services.maintenance import LIMITS, REASON_LABELS, Generation, MaintenanceService
from .file_dialogs import open_file
from .number_box import NumberBox
from .operations import BackgroundOperation, MessageLine, run, run_in_background, stopping
from .table_model import Column, RowsTableModel


class BackupScheduler(QObject):
    """Automatic backups: when one is due (interval from the settings), on a worker thread."""

    backed_up = Signal(object)
    failed = Signal(str)

    def __init__(self, service: MaintenanceService, parent=None, check_ms: int = 5 * 60_000, first_ms: int = 60_000):
        super().__init__(parent)
        self.service = service
        self.worker: BackgroundOperation | None = None
        self.timer = QTimer(self, interval=check_ms, timeout=self.check)
        self.timer.start()
        QTimer.singleShot(first_ms, self.check)

    def check(self) -> None:
        if self.worker is not None and self.worker.busy:
            return
        try:
            due = self.service.due()
        except Exception:
            return
        if due:
            self.worker = run_in_background(self, lambda _report: self.service.scheduled_backup("auto"), label=None,
                                            on_success=lambda r: r is not None and self.backed_up.emit(r),
                                            on_failure=self.failed.emit)

    def stop(self) -> None:
        self.timer.stop()
        if self.worker is not None:
            self.worker.wait(120)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


class BackupPage(QWidget):
    def __init__(self, service: MaintenanceService, actor: Actor, parent=None,
                 quit_app: Callable[[], None] | None = None, reports: ReportService | None = None):
        super().__init__(parent)
        self.service, self.actor = service, actor
        self.reports = reports or ReportService(service.db)
        self.auth = AuthService(service.db)  # the minimum password length (issue 17)
        self.quit_app = quit_app or QApplication.quit
        self.worker: BackgroundOperation | None = None

        self.backup_button = QPushButton(self.tr("立即备份"))
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.status = MessageLine()
        self.folder = QLabel()
        self.folder.setWordWrap(True)
        self.model = RowsTableModel([
            Column(self.tr("备份时间"), lambda g: g.taken_at.strftime("%Y-%m-%d %H:%M:%S") if g.taken_at else "",
                   lambda g: g.name),
            Column(self.tr("类型"), lambda g: self._reason(g.reason)),
            Column(self.tr("大小"), lambda g: _size(g.size_bytes), lambda g: g.size_bytes),
            Column(self.tr("文件"), lambda g: g.name),
        ])
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.check_button = QPushButton(self.tr("校验所选备份"))
        self.restore_button = QPushButton(self.tr("从所选备份恢复…"))
        self.restore_file_button = QPushButton(self.tr("从其他文件恢复…"))
        self.verify_button = QPushButton(self.tr("校验审计链"))
        self.verify_button.setToolTip(self.tr("逐条核对当前数据库的审计链和关键记录的封印（只读，可继续工作）"))
        self.check_progress = QProgressBar()
        self.check_progress.setVisible(False)
        self.cancel_check_button = QPushButton(self.tr("取消校验"))
        self.cancel_check_button.setVisible(False)
        self.cancel_check_button.clicked.connect(self.cancel_check)
        self.checker: BackgroundOperation | None = None  # a backup's check, the chain's check, or a restore

        box = QGroupBox(self.tr("备份"))
        top = QHBoxLayout()
        top.addWidget(self.backup_button)
        top.addWidget(self.progress, 3)
        top.addStretch(1)
        restore_row = QHBoxLayout()
        for b in (self.check_button, self.restore_button, self.restore_file_button, self.verify_button):
            restore_row.addWidget(b)
        restore_row.addStretch(1)
        check_row = QHBoxLayout()  # its own row, hidden when idle: the buttons' row is as narrow as before
        check_row.addWidget(self.check_progress, 3)
        check_row.addWidget(self.cancel_check_button)
        check_row.addStretch(1)
        inner = QVBoxLayout(box)
        inner.addLayout(top)
        inner.addWidget(self.folder)
        inner.addWidget(self.table, 1)
        inner.addLayout(restore_row)
        inner.addLayout(check_row)
        inner.addWidget(self.status)

        self.settings_box = QGroupBox(self.tr("设置（系统管理员）"))
        self.idle = NumberBox(suffix=self.tr(" 分钟"))
        self.every = NumberBox(suffix=self.tr(" 小时"))
        self.keep = NumberBox(suffix=self.tr(" 份"))
        for spin, key in ((self.idle, "session.idle_minutes"), (self.every, "backup.every_hours"), (self.keep, "backup.keep")):
            spin.setRange(*LIMITS[key])
            spin.setMaximumWidth(160)
        self.directory = QLineEdit()
        self.bound = NumberBox(suffix=self.tr(" 分钟"))  # full-width digits too
        self.bound.setRange(*BOUND_LIMITS)
        self.bound.setMaximumWidth(160)
        self.bound.setToolTip(self.tr("预案只写“立即”“及时”而未给出时限、且预案本身也无上限可依时，"
                                      "接报（或上次报送）后超过此时间仍未报送即标红并记“超时未报”。"
                                      "预案给出上限的（如东城区4.1.5接报后10分钟）按预案，不受此设置影响。"))
        self.organisation, self.organisation_short = QLineEdit(), QLineEdit()  # the red header (首次使用向导)
        self.organisation_short.setMaximumWidth(160)
        self.min_password = NumberBox(suffix=self.tr(" 字符"))  # not 位: NumberBox drops typed units (位, 个 …)
        self.min_password.setRange(MIN_PASSWORD_LENGTH, 64)
        self.min_password.setMaximumWidth(160)
        self.save_settings_button = QPushButton(self.tr("保存设置"))
        self.settings_message = MessageLine()
        form = QFormLayout(self.settings_box)
        form.addRow(self.tr("无操作自动锁定（0 为不锁定）"), self.idle)
        form.addRow(self.tr("自动备份间隔（0 为不自动备份）"), self.every)
        form.addRow(self.tr("保留备份份数"), self.keep)
        form.addRow(self.tr("备份目录（留空为数据库旁的 dutyroom-backups）"), self.directory)
        form.addRow(self.tr("无具体时限的报告：本区上报警戒"), self.bound)
        form.addRow(self.tr("发文机关名称（公文红头、署名）"), self.organisation)
        form.addRow(self.tr("发文机关代字（如“东应急”→东应急报〔2026〕12号）"), self.organisation_short)
        form.addRow(self.tr("新密码最少位数（不低于 10）"), self.min_password)
        form.addRow(self.save_settings_button, self.settings_message)

        layout = QVBoxLayout(self)
        layout.addWidget(box, 1)
        # the settings form is long (8 rows): on a 1366×768 laptop at 125 % it scrolls rather than push the window
        # past the screen
        self.settings_scroll = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        self.settings_scroll.setWidget(self.settings_box)
        self.settings_scroll.setMaximumHeight(self.settings_box.sizeHint().height() + 4)
        layout.addWidget(self.settings_scroll)

        can_restore = allowed(actor.roles, "backup.restore")
        for b in (self.check_button, self.restore_button, self.restore_file_button):
            b.setVisible(can_restore)
        self.verify_button.setVisible(allowed(actor.roles, "audit.view"))
        self.verify_button.clicked.connect(self.verify_chain)
        self.settings_box.setVisible(allowed(actor.roles, "maintenance.settings"))
        self.settings_scroll.setVisible(allowed(actor.roles, "maintenance.settings"))
        self.backup_button.clicked.connect(self.backup_now)
        self.check_button.clicked.connect(self.check_selected)
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_file_button.clicked.connect(self.restore_other)
        self.save_settings_button.clicked.connect(self.save_settings)
        self.refresh()

    def _reason(self, key: str) -> str:
        zh, en = REASON_LABELS.get(key, (key, key))
        return self.tr(zh) if lang() != "en" else en

    def refresh(self) -> None:
        self.model.set_rows(self.service.generations(self.actor))
        settings = self.service.settings()
        self.folder.setText(self.tr("备份目录：{d}（保留最近 {n} 份；每 {h} 小时自动备份一次，退出程序时也备份）").format(
            d=settings.backup_directory, n=settings.backup_keep, h=settings.backup_every_hours))
        self.idle.setValue(settings.idle_minutes)
        self.every.setValue(settings.backup_every_hours)
        self.keep.setValue(settings.backup_keep)
        self.directory.setText(settings.backup_directory)
        self.bound.setValue(self.reports.district_bound(self.actor))
        self.min_password.setValue(self.auth.password_min_length())
        head = self._letterhead()
        self.organisation.setText(head.name)
        self.organisation_short.setText(head.short)

    def _letterhead(self):
        profile = self.service.profile or InstallationService(self.service.db).current_profile()
        return letterhead(self.service.db, profile)

    def selected(self) -> Generation | None:
        index = self.table.selectionModel().currentIndex()
        return self.model.rows[index.row()] if index.isValid() else None

    # ------------------------------------------------------------ backup now (worker thread)

    def backup_now(self) -> None:
        if self.worker is not None and self.worker.busy:
            return
        self.backup_button.setEnabled(False)
        self.progress.setVisible(True)
        self.progress.setValue(0)
        self.status.show_info(self.tr("正在备份…（可继续工作）"))
        # no dialog: the bar on the page shows the progress while the user goes on working
        self.worker = run_in_background(self, lambda report: self.service.backup_now(self.actor, report), label=None,
                                        on_progress=self._progress, on_success=self._backed_up,
                                        on_failure=self._failed)

    def _progress(self, done: int, total: int, _text: str = "") -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def _backed_up(self, result) -> None:
        self.backup_button.setEnabled(True)
        self.progress.setVisible(False)
        self.status.show_ok(self.tr("已备份到 {p}（{s}）").format(p=result.path, s=_size(result.size_bytes)))
        self.refresh()

    def _failed(self, message: str) -> None:
        self.backup_button.setEnabled(True)
        self.progress.setVisible(False)
        self.status.show_error(self.tr("备份失败：{m}").format(m=message))

    # ------------------------------------------------------------ check and restore

    @property
    def checking(self) -> bool:
        return self.checker is not None and self.checker.busy

    def _start(self, work, text: str, on_success, *, dialog: str | None = None) -> None:
        """``work(progress)`` on a worker thread: the bar (or, for a restore, a modal dialog without 取消) moves,
        the buttons that would start another check or restore are disabled until it ends."""
        for b in (self.check_button, self.restore_button, self.restore_file_button, self.verify_button):
            b.setEnabled(False)
        self.status.show_info(text)
        if dialog is None:
            self.check_progress.setRange(0, 0)
            self.check_progress.setVisible(True)
            self.cancel_check_button.setVisible(True)
        self.checker = run_in_background(
            self, lambda report: work(stopping(report)), label=dialog, title=self.tr("恢复数据库"), min_duration_ms=0,
            on_progress=self._check_progress, on_success=lambda result: self._ended() or on_success(result),
            on_failure=self._check_failed)

    def _check_progress(self, done: int, total: int, text: str = "") -> None:
        if total > 0:
            self.check_progress.setRange(0, total)
            self.check_progress.setValue(min(done, total))
        elif done == 0:  # a step of unknown length: a busy bar
            self.check_progress.setRange(0, 0)
        if text and self.checking:
            self.status.show_info(text)

    def _ended(self) -> None:
        for b in (self.check_button, self.restore_button, self.restore_file_button, self.verify_button):
            b.setEnabled(True)
        self.check_progress.setVisible(False)
        self.cancel_check_button.setVisible(False)

    def cancel_check(self) -> None:
        if self.checking:
            self.checker.cancel()

    def _check_failed(self, message: str) -> None:
        self._ended()
        if self.checker is not None and self.checker.cancelled:
            self.status.show_info(self.tr("已取消校验：未得出结论，未做任何改动"))
        else:
            self.status.show_error(message)

    def check_selected(self) -> None:
        gen = self.selected()
        if gen is None:
            self.status.show_info(self.tr("请先在列表中选择一份备份"))
            return
        self._check(gen.path)

    def _check(self, path: str, then=None) -> None:
        """Check the file off the GUI thread, say the outcome, then ``then(result)`` when it passed."""
        if self.checking:
            return

        def checked(result) -> None:
            if result.ok:
                self.status.show_ok(self.tr("{f}：完整性正常，审计链完整（{n} 条）").format(f=Path(path).name,
                                                                                      n=result.audit_entries))
                if then is not None:
                    then(result)
            else:
                self.status.show_error(self.tr("{f} 未通过检查：{p}").format(f=Path(path).name, p=result.problem))

        self._start(lambda progress: self.service.check(self.actor, path, progress=progress),
                    self.tr("正在检查 {f}…（只读，可继续工作）").format(f=Path(path).name), checked)

    def verify_chain(self) -> None:
        """校验审计链 of the live database, off the GUI thread (AuditQueryService.verify)."""
        if self.checking:
            return

        def done(check) -> None:
            if check.ok:
                self.status.show_ok(self.tr("审计链完整：共 {n} 条，未发现改动、删除或重排。").format(n=check.entries))
            else:
                self.status.show_error(self.tr("审计链被破坏！第一处问题：{problem}").format(problem=check.problem))

        audit = AuditQueryService(self.service.db)
        self._start(lambda progress: audit.verify(self.actor, progress=progress),
                    self.tr("正在校验审计链…（只读，可继续工作）"), done)

    def restore_selected(self) -> None:
        gen = self.selected()
        if gen is None:
            self.status.show_info(self.tr("请先在列表中选择一份备份"))
            return
        self.restore(gen.path)

    def restore_other(self) -> None:
        path = self.choose_file(self)
        if path:
            self.restore(path)

    @staticmethod
    def choose_file(parent) -> str | None:
        return open_file(parent, parent.tr("选择备份文件"), parent.tr("数据库备份 (*.db);;所有文件 (*)"))

    @staticmethod
    def confirm_restore(parent, text: str) -> bool:
        answer = QMessageBox.question(parent, parent.tr("确认恢复"), text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    @staticmethod
    def inform(parent, title: str, text: str) -> None:
        QMessageBox.information(parent, title, text)

    def restore(self, path: str) -> None:
        """Checked first (before anything is replaced, off the GUI thread), then asked, then replaced."""
        self._check(path, then=lambda check: self._confirm_and_restore(path, check))

    def _confirm_and_restore(self, path: str, check) -> None:
        text = self.tr("将用备份 {f}（审计记录 {n} 条）替换当前数据库。\n此后录入的数据将不在恢复后的数据库中；"
                       "当前数据库会先另存一份并保留原文件。\n恢复后程序将退出，请重新启动。其他席位也请先退出。\n确定恢复吗？").format(
            f=Path(path).name, n=check.audit_entries)
        if not self.confirm_restore(self, text):
            self.status.show_info(self.tr("已取消恢复，未做任何改动"))
            return

        def restored(result) -> None:
            self.inform(self, self.tr("恢复完成"), self.tr(
                "已从 {src} 恢复。\n原数据库保留为 {kept}\n恢复前备份：{safety}\n\n程序现在退出，请重新启动。").format(
                src=result.restored_from, kept=result.replaced_kept_as, safety=result.safety_backup))
            self.quit_app()

        # the service checks the file again inside the restore (it may have changed since); no 取消 here
        self._start(lambda progress: self.service.restore(self.actor, path, progress=lambda d, t: progress(d, t)),
                    self.tr("正在恢复…"), restored, dialog=self.tr("正在检查并恢复数据库，请勿关闭程序…"))

    # ------------------------------------------------------------ settings

    def save_settings(self) -> None:
        run(self._save_settings, line=self.settings_message, done=self.tr("已保存（自动锁定时间下次登录起生效）"),
            on_success=lambda _r: self.refresh())

    def _save_settings(self) -> None:
        self.service.update_settings(self.actor, idle_minutes=self.idle.value(), backup_every_hours=self.every.value(),
                                     backup_keep=self.keep.value(), backup_directory=self.directory.text())
        if self.bound.value() != self.reports.district_bound(self.actor):  # untouched: nothing to audit
            self.reports.set_district_bound(self.actor, self.bound.value())
        head = self._letterhead()
        if (self.organisation.text().strip(), self.organisation_short.text().strip()) != (head.name, head.short):
            InstallationService(self.service.db).change_letterhead(self.actor, self.organisation.text(),
                                                                   self.organisation_short.text())
        if self.min_password.value() != self.auth.password_min_length():
            self.auth.set_password_min_length(self.actor, self.min_password.value())
