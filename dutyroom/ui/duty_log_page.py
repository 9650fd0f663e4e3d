"""值班日志: the timeline of a shift — automatic lines from what happened in the app, typed lines (calls,
leaders' instructions, visitors, equipment checks, notes), struck-through lines shown struck, never gone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain.clock import BEIJING
from ..domain.permissions import allowed
from ..services.actor import Actor
from ..services.duty_log import TYPED_KINDS, DutyLogService, DutyLogView, kind_label
from ..services.exports import ReportExporter
from .beijing_time import beijing_qdt, from_beijing_qdt, select_section_on_click
from .incident_common import bj
from .operations import run
from .print_support import PrintActions, add_print_actions
from .table_model import Column, RowsTableModel


class DutyLogModel(RowsTableModel):
    """Struck lines in strike-out, automatic lines in grey."""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if index.isValid() and role == Qt.ItemDataRole.FontRole and self.rows[index.row()].stricken:
            font = QFont()
            font.setStrikeOut(True)
            return font
        if index.isValid() and role == Qt.ItemDataRole.ForegroundRole:
            row = self.rows[index.row()]
            if row.stricken:
                return QBrush(QColor("#9e9e9e"))
            if row.automatic:
                return QBrush(QColor("#37474f"))
        return super().data(index, role)


@dataclass(frozen=True)
class NewEntry:
    kind: str
    text: str
    happened_at: dt.datetime
    instructed_by: str | None


class EntryDialog(QDialog):
    def __init__(self, now: dt.datetime, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("记录值班日志"))
        self.kind = QComboBox()
        for k in TYPED_KINDS:
            self.kind.addItem(kind_label(k), k)
        self.when = select_section_on_click(QDateTimeEdit(beijing_qdt(now)))
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.leader = QLineEdit()
        self.leader.setPlaceholderText(self.tr("领导批示时填写：批示领导"))
        self.text = QPlainTextEdit()
        form = QFormLayout(self)
        form.addRow(self.tr("类别"), self.kind)
        form.addRow(self.tr("发生时间"), self.when)
        form.addRow(self.tr("批示领导"), self.leader)
        form.addRow(self.tr("内容"), self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @classmethod
    def ask(cls, parent, now: dt.datetime) -> NewEntry | None:
        d = cls(now, parent)
        if d.exec() != QDialog.DialogCode.Accepted:
            return None
        return NewEntry(d.kind.currentData(), d.text.toPlainText(), from_beijing_qdt(d.when.dateTime()),
                        d.leader.text() or None)


class StrikeDialog(QDialog):
    @classmethod
    def ask(cls, parent, entry: DutyLogView) -> str | None:
        d = cls(parent)
        d.setWindowTitle(d.tr("划除记录"))
        reason = QLineEdit()
        form = QFormLayout(d)
        form.addRow(QLabel(entry.text))
        form.addRow(d.tr("划除理由"), reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(d.accept)
        buttons.rejected.connect(d.reject)
        form.addRow(buttons)
        return reason.text() if d.exec() == QDialog.DialogCode.Accepted else None


class DutyLogPage(QWidget):
    def __init__(self, service: DutyLogService, actor: Actor, handover_factory=None, clock=None, parent=None, *,
                 exporter: ReportExporter | None = None):
        super().__init__(parent)
        self.svc, self.actor, self.clock = service, actor, clock
        self.exporter = exporter  # the shift's or the month's duty log as PDF / Excel (None: no print buttons)
        self.print_actions: PrintActions | None = None
        self._print_at: dt.datetime | None = None  # the moment shown; read by the print worker
        self._print_entries = 0
        self._print_scope = "shift"
        self.handover_factory = handover_factory  # () -> QDialog, or None to hide the button
        self.at = select_section_on_click(QDateTimeEdit(beijing_qdt(self._now())))
        self.at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.at.setCalendarPopup(True)
        self.now_button = QPushButton(self.tr("本班"), clicked=self.to_now)
        self.at.dateTimeChanged.connect(lambda _x: self.reload())
        self.add_button = QPushButton(self.tr("记录…"), clicked=self.add)
        self.strike_button = QPushButton(self.tr("划除…"), clicked=self.strike)
        self.done_button = QPushButton(self.tr("批示已落实"), clicked=self.mark_done)
        self.handover_button = QPushButton(self.tr("交接班…"), clicked=self.open_handover)
        self.add_button.setVisible(allowed(actor.roles, "duty_log.add"))
        self.done_button.setVisible(allowed(actor.roles, "duty_log.add"))
        self.strike_button.setVisible(allowed(actor.roles, "duty_log.strike"))
        self.handover_button.setVisible(handover_factory is not None and allowed(actor.roles, "handover.sign_out",
                                                                                 "draft"))
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("查看时刻")))
        for w in (self.at, self.now_button, self.add_button, self.strike_button, self.done_button,
                  self.handover_button):
            bar.addWidget(w)
        bar.addStretch(1)
        # the shift line and the print buttons share the second row: one row of every button is wider than a
        # 1366 × 768 laptop at 125 % leaves the page (tests/gui/test_gui_screen_sizes.py)
        self.shift_label = QLabel(wordWrap=True)
        info = QHBoxLayout()
        info.addWidget(self.shift_label, 1)
        if exporter is not None:
            self.print_scope = QComboBox()
            self.print_scope.addItem(self.tr("本班值班日志"), "shift")
            self.print_scope.addItem(self.tr("本月值班日志"), "month")
            self.print_scope.currentIndexChanged.connect(self._scope_changed)
            info.addWidget(QLabel(self.tr("打印")))
            info.addWidget(self.print_scope)
            self.print_actions = add_print_actions(info, self, title=self.tr("值班日志"), make_pdf=self._make_pdf,
                                                   make_xlsx=self._make_xlsx)
            self.print_actions.set_enabled(False)
        self.model = DutyLogModel([
            Column(self.tr("发生时间"), lambda r: bj(r.happened_at), lambda r: r.happened_at),
            Column(self.tr("录入时间"), lambda r: bj(r.entered_at), lambda r: r.entered_at),
            Column(self.tr("类别"), lambda r: r.kind_label),
            Column(self.tr("内容"), lambda r: r.text + (self.tr("（已划除：{r}）").format(r=r.stricken_reason)
                                                         if r.stricken else "")),
            Column(self.tr("记录人"), lambda r: self.tr("系统（{name}）").format(name=r.author_name) if r.automatic
                   else r.author_name),
            Column(self.tr("落实"), lambda r: {"open": self.tr("待落实"), "done": self.tr("已落实")}.get(
                r.follow_up_state or "", "")),
        ], [], self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(info)
        layout.addWidget(self.table, 1)
        self.reload()

    def _now(self) -> dt.datetime:
        return self.clock() if self.clock else dt.datetime.now(dt.UTC)

    def to_now(self) -> None:
        self.at.setDateTime(beijing_qdt(self._now()))
        self.reload()

    def reload(self) -> None:
        log = run(lambda: self.svc.shift_log(self.actor, from_beijing_qdt(self.at.dateTime())), line=self.shift_label)
        if log is None:
            self._print_at = None
            self._update_print()
            return
        self._print_at, self._print_entries = from_beijing_qdt(self.at.dateTime()), len(log.entries)
        self._update_print()
        if log.shift:
            self.shift_label.setText(self.tr("{name} {start} 至 {end}；值班员 {officers}；带班领导 {leaders}；共 {n} 条").format(
                name=log.shift.name, start=bj(log.starts), end=bj(log.ends),
                officers="、".join(log.shift.officers) or "—", leaders="、".join(log.shift.leaders) or "—",
                n=len(log.entries)))
        else:
            self.shift_label.setText(self.tr("排班表中无此时刻的班次；显示 {start} 至 {end} 的值班日，共 {n} 条").format(
                start=bj(log.starts), end=bj(log.ends), n=len(log.entries)))
        self.model.set_rows(log.entries)
        self.table.resizeRowsToContents()

    # ------------------------------------------------------------ print and save (the shared print buttons)

    def _scope_changed(self, *_args) -> None:
        self._print_scope = self.print_scope.currentData()
        self._update_print()

    def _update_print(self) -> None:
        if self.print_actions is None:
            return
        at = self._print_at
        if at is None:
            self.print_actions.set_enabled(False)
            return
        if self._print_scope == "month":  # the month may hold entries outside this shift: the service decides
            self.print_actions.set_enabled(True)
            local = at.astimezone(BEIJING)
            self.print_actions.default_name = self.tr("值班日志{y}年{m}月").format(y=local.year, m=local.month)
        else:
            self.print_actions.set_enabled(self._print_entries > 0, reason=self.tr("本班没有值班日志记录"))
            self.print_actions.default_name = self.tr("值班日志{d}").format(
                d=at.astimezone(BEIJING).strftime("%Y%m%d_%H%M"))

    def _make_pdf(self, path, progress=None) -> None:
        """Runs on the print worker: the shift or the month of the moment shown when the button was pressed."""
        at, scope = self._print_at, self._print_scope
        if scope == "month":
            local = at.astimezone(BEIJING)
            self.exporter.month_duty_log_pdf(self.actor, local.year, local.month, path, progress=progress)
        else:
            self.exporter.shift_duty_log_pdf(self.actor, at, path, progress=progress)

    def _make_xlsx(self, path, progress=None) -> None:
        at, scope = self._print_at, self._print_scope
        if scope == "month":
            local = at.astimezone(BEIJING)
            self.exporter.month_duty_log_xlsx(self.actor, local.year, local.month, path, progress=progress)
        else:
            self.exporter.shift_duty_log_xlsx(self.actor, at, path, progress=progress)

    def selected(self) -> DutyLogView | None:
        index = self.table.currentIndex()
        return self.model.rows[index.row()] if index.isValid() else None

    def add(self) -> None:
        entry = EntryDialog.ask(self, self._now())
        if entry is None:
            return
        self._command(lambda: self.svc.add(self.actor, entry.kind, entry.text, happened_at=entry.happened_at,
                                           instructed_by=entry.instructed_by, now=self._now()))

    def _command(self, command) -> None:
        run(command, parent=self, title=self.tr("值班日志"), on_success=lambda _r: self.reload())

    def strike(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        reason = StrikeDialog.ask(self, entry)
        if reason is None:
            return
        self._command(lambda: self.svc.strike(self.actor, entry.id, reason, now=self._now()))

    def mark_done(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        self._command(lambda: self.svc.set_follow_up(self.actor, entry.id, "done", now=self._now()))

    def open_handover(self) -> None:
        if self.handover_factory is None:
            return
        dialog = self.handover_factory(self)
        dialog.exec()
        self.reload()
