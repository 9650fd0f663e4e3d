"""应急响应: for an open incident, activate, raise, lower or end a response level per the profile
(3 or 4 levels; who activates and who commands each), naming the commander and the executive
commander from the contacts. Ending is recorded with the body the plan names for the level."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain.permissions import allowed
from ..domain.vocabulary import GRADE_LABELS, Grade, label
from ..services.actor import Actor
from ..services.errors import UserError, lang
from ..services.exports import ReportExporter
from ..services.incidents import IncidentQuery, IncidentService
from ..services.responses import CurrentResponse, LevelInfo, PersonChoice, ResponseService
from .empty_hint import add_empty_hint
from .operations import MessageLine, run
from .print_support import PrintActions, add_print_actions
from .table_model import Column, RowsTableModel, row_table
from .warning_dialogs import beijing, datetime_edit, error_label, from_qt, ok_cancel_buttons

ACTIONS = ("activate", "raise", "lower", "end")


def level_text(key: str | None, name: str | None, short: bool = False) -> str:
    """一级（I） in Chinese, "Level I" in English (the plan's level names are Chinese data)."""
    if key is None and name is None:
        return ""
    if lang() == "en" and key:
        return f"Level {key}"
    if short or not key:
        return name or key or ""
    return f"{name}（{key}）"


@dataclass(frozen=True)
class ResponseInput:
    level_key: str | None  # None when ending
    commander_id: int | None  # None: keep the current one (raise/lower) or none (end)
    executive_id: int | None
    body: str
    at: dt.datetime
    note: str


class ResponseDialog(QDialog):
    """One step: the level, the body that decides it, commander and executive commander, the time."""

    def __init__(self, action: str, levels: list[LevelInfo], people: list[PersonChoice],
                 current: CurrentResponse | None, suggested: LevelInfo | None, parent=None):
        super().__init__(parent)
        self.action, self.levels, self.value = action, levels, None
        titles = {"activate": self.tr("启动应急响应"), "raise": self.tr("提升响应级别"),
                  "lower": self.tr("降低响应级别"), "end": self.tr("结束应急响应")}
        self.setWindowTitle(titles[action])
        self.level = QComboBox()
        for lv in levels:
            self.level.addItem(level_text(lv.key, lv.name), lv.key)
        if suggested is not None and self.level.findData(suggested.key) >= 0:
            self.level.setCurrentIndex(self.level.findData(suggested.key))
        self.body = QLineEdit()
        self.commander, self.executive = QComboBox(), QComboBox()
        keep = self.tr("（不变：{name}）")
        if current is not None:
            self.commander.addItem(keep.format(name=current.commander_name or "—"), None)
            self.executive.addItem(keep.format(name=current.executive_commander_name or "—"), None)
        else:
            self.commander.addItem(self.tr("（请选择）"), None)
            self.executive.addItem(self.tr("（不指定）"), None)
        for p in people:
            self.commander.addItem(p.label, p.id)
            self.executive.addItem(p.label, p.id)
        self.plan_roles = QLabel(wordWrap=True, styleSheet="color: #555")
        self.at = datetime_edit()
        self.note = QPlainTextEdit()
        self.note.setFixedHeight(60)
        self.error = error_label()
        form = QFormLayout()
        if action == "end":
            form.addRow(self.tr("结束的级别"), QLabel(level_text(current.level_key, current.level_name) if current else ""))
            form.addRow(self.tr("决定结束的机关"), self.body)
            self.body.setText(self._level(current.level_key).ended_by if current else "")
        else:
            form.addRow(self.tr("响应级别"), self.level)
            form.addRow(self.tr("启动（决定）机关"), self.body)
            form.addRow("", self.plan_roles)
            form.addRow(self.tr("总指挥"), self.commander)
            form.addRow(self.tr("执行指挥"), self.executive)
        form.addRow(self.tr("时间"), self.at)
        form.addRow(self.tr("备注"), self.note)
        buttons = ok_cancel_buttons(self, self.tr("确定"))
        buttons.accepted.connect(self.try_accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.level.currentIndexChanged.connect(self._level_changed)
        if action != "end":
            self._level_changed()
        self.setMinimumWidth(520)

    def _level(self, key: str) -> LevelInfo:
        return next(lv for lv in self.levels if lv.key == key)

    def _level_changed(self) -> None:
        key = self.level.currentData()
        if key is None:
            return
        lv = self._level(key)
        self.body.setText(lv.activated_by)
        self.plan_roles.setText(self.tr("预案：{by}启动；总指挥 {cmd}；执行指挥 {exe}；由{end}宣布结束（{basis}）").format(
            by=lv.activated_by, cmd=lv.commander, exe=lv.executive_commander or "—", end=lv.ended_by, basis=lv.basis))

    def try_accept(self) -> None:
        if self.action == "activate" and self.commander.currentData() is None:
            self.error.setText(self.tr("启动响应须指定总指挥"))
            return
        self.value = ResponseInput(
            level_key=None if self.action == "end" else self.level.currentData(),
            commander_id=self.commander.currentData(), executive_id=self.executive.currentData(),
            body=self.body.text().strip(), at=from_qt(self.at.dateTime()), note=self.note.toPlainText().strip())
        self.accept()

    @classmethod
    def ask(cls, parent, action: str, levels: list[LevelInfo], people: list[PersonChoice],
            current: CurrentResponse | None, suggested: LevelInfo | None) -> ResponseInput | None:
        dialog = cls(action, levels, people, current, suggested, parent)
        return dialog.value if dialog.exec() == QDialog.DialogCode.Accepted else None


def _view(model) -> QTableView:
    view = row_table(model)
    view.setWordWrap(True)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class ResponsesPage(QWidget):
    changed = Signal()

    def __init__(self, svc: ResponseService, incidents: IncidentService, actor: Actor, parent=None, *,
                 exporter: ReportExporter | None = None):
        super().__init__(parent)
        self.svc, self.incidents, self.actor = svc, incidents, actor
        self.exporter = exporter  # 应急响应启动通知 of the selected incident (None: no print buttons)
        self.print_actions: PrintActions | None = None
        self._print_incident: int | None = None  # read by the print worker
        self.incident_id: int | None = None
        self.current: CurrentResponse | None = None
        self.levels: list[LevelInfo] = []
        grade = lambda r: label(GRADE_LABELS, Grade(r.grade_confirmed), lang())  # noqa: E731
        self.incident_model = RowsTableModel([
            Column(self.tr("编号"), lambda r: r.id),
            Column(self.tr("事件"), lambda r: r.title),
            Column(self.tr("确认等级"), grade),
            Column(self.tr("接报时间"), lambda r: beijing(r.received_at, "%m-%d %H:%M")),
        ], [], self)
        self.incident_table = _view(self.incident_model)
        header = self.incident_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the incident name: what is left
        header.setStretchLastSection(False)
        self.incident_table.setWordWrap(False)
        self.incident_table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.incident_table.setMinimumWidth(360)
        add_empty_hint(self.incident_table, self.tr("暂无处置中的事件。在“事件”页登记接报 (Ctrl+N) 后，可在此启动应急响应。"))
        self.incident_table.selectionModel().selectionChanged.connect(self._incident_selected)
        refresh = QPushButton(self.tr("刷新"))
        refresh.clicked.connect(self.refresh)
        left = QGroupBox(self.tr("处置中的事件"))
        lv = QVBoxLayout(left)
        lv.addWidget(self.incident_table)
        lv.addWidget(refresh, 0, Qt.AlignmentFlag.AlignRight)

        self.state = QLabel(wordWrap=True)
        self.state.setTextFormat(Qt.TextFormat.RichText)
        self.buttons: dict[str, QPushButton] = {}
        texts = {"activate": self.tr("启动响应"), "raise": self.tr("提升级别"), "lower": self.tr("降低级别"),
                 "end": self.tr("结束响应")}
        row = QHBoxLayout()
        for action in ACTIONS:
            button = QPushButton(texts[action])
            button.setVisible(False)
            button.clicked.connect(lambda _=False, a=action: self.step(a))
            self.buttons[action] = button
            row.addWidget(button)
        row.addStretch(1)
        # the steps the plan names (issue 20): who was named lead unit, 紧急状态 request, expert assessment …
        self.step_choice = QComboBox()  # long labels: the box stays narrow, the list and tooltip show them whole
        self.step_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.step_choice.setMinimumContentsLength(16)
        self.step_by = QLineEdit()
        self.step_by.setPlaceholderText(self.tr("决定机关或指定的单位（默认按预案）"))
        self.step_button = QPushButton(self.tr("登记步骤"))
        self.step_button.clicked.connect(self.record_step)
        self.step_row = QWidget()
        step_layout = QHBoxLayout(self.step_row)
        step_layout.setContentsMargins(0, 0, 0, 0)
        step_layout.addWidget(QLabel(self.tr("预案规定的步骤")))
        step_layout.addWidget(self.step_choice, 2)
        step_layout.addWidget(self.step_by, 1)
        step_layout.addWidget(self.step_button)
        self.step_row.setVisible(False)
        self.message = MessageLine()
        self.level_model = RowsTableModel([
            Column(self.tr("级别"), lambda lv: level_text(lv.key, lv.name)),
            Column(self.tr("启动条件"), lambda lv: lv.condition),
            Column(self.tr("启动（决定）"), lambda lv: lv.activated_by),
            Column(self.tr("总指挥"), lambda lv: lv.commander),
            Column(self.tr("执行指挥"), lambda lv: lv.executive_commander or "—"),
            Column(self.tr("宣布结束"), lambda lv: lv.ended_by),
            Column(self.tr("依据"), lambda lv: lv.basis),
        ], [], self)
        self.level_table = _view(self.level_model)
        self.level_table.horizontalHeader().setStretchLastSection(False)
        self.level_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        actions = {"activate": self.tr("启动响应"), "raise": self.tr("提升级别"), "lower": self.tr("降低级别"),
                   "end": self.tr("结束响应")}
        self.history_model = RowsTableModel([
            Column(self.tr("时间"), lambda h: beijing(h.at)),
            Column(self.tr("操作"), lambda h: actions.get(h.action, h.action)),
            Column(self.tr("级别"), lambda h: level_text(h.level_key, h.level_name, short=True)),
            Column(self.tr("决定机关"), lambda h: h.body or ""),
            Column(self.tr("总指挥"), lambda h: h.commander_name or ""),
            Column(self.tr("执行指挥"), lambda h: h.executive_commander_name or ""),
            Column(self.tr("登记人"), lambda h: h.recorded_by_name),
            Column(self.tr("备注"), lambda h: h.note or ""),
        ], [], self)
        self.history_table = _view(self.history_model)
        history_header = self.history_table.horizontalHeader()
        history_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        history_header.setSectionResizeMode(self.history_model.columnCount() - 1, QHeaderView.ResizeMode.Stretch)
        add_empty_hint(self.history_table, self.tr("暂无响应记录"))
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.addWidget(self.state)
        rv.addLayout(row)
        rv.addWidget(self.step_row)
        if exporter is not None:
            print_row = QHBoxLayout()
            print_row.addWidget(QLabel(self.tr("应急响应启动通知")))
            self.print_actions = add_print_actions(print_row, self, title=self.tr("应急响应启动通知"),
                                                   make_pdf=self._make_pdf)
            print_row.addStretch(1)
            rv.addLayout(print_row)
        rv.addWidget(self.message)
        levels_box = QGroupBox(self.tr("本预案的响应分级"))
        QVBoxLayout(levels_box).addWidget(self.level_table)
        history_box = QGroupBox(self.tr("响应记录"))
        QVBoxLayout(history_box).addWidget(self.history_table)
        rv.addWidget(levels_box, 3)
        rv.addWidget(history_box, 2)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([400, 900])  # the incident names readable (QA A4), the level table unscrolled
        self.splitter = splitter
        QVBoxLayout(self).addWidget(splitter)
        self.refresh()

    # ------------------------------------------------------------ reading

    def refresh(self) -> None:
        keep = self.incident_id
        # refused (e.g. a department user): no incidents to see, the plan's levels still shown
        rows = run(lambda: self.incidents.search(self.actor, IncidentQuery(statuses=("open",), limit=None)),
                   line=self.message) or []
        self.incident_model.set_rows(rows)
        ids = [r.id for r in rows]
        target = keep if keep in ids else (ids[0] if ids else None)
        if target is None:
            self.show_incident(None)
        else:
            self.incident_id = None  # selecting the row shows its incident (_incident_selected)
            self.incident_table.selectRow(ids.index(target))
            if self.incident_id != target:
                self.show_incident(target)

    def _incident_selected(self, *args) -> None:
        rows = self.incident_table.selectionModel().selectedRows()
        if rows:
            self.show_incident(self.incident_model.rows[rows[0].row()].id)

    def show_incident(self, incident_id: int | None) -> None:
        self.incident_id = incident_id
        self._show_incident(incident_id)
        self._print_incident = incident_id if self.current is not None else None
        if self.print_actions is not None:
            self.print_actions.set_enabled(self.current is not None, reason=self.tr("该事件未启动应急响应"))
            self.print_actions.default_name = self.tr("应急响应启动通知") + (
                f"_{self.current.level_name}" if self.current else "")

    def _make_pdf(self, path) -> None:
        """Runs on the print worker: the notice of the incident shown when the button was pressed."""
        if self._print_incident is None:
            raise UserError("该事件未启动应急响应", "no response has been activated for this incident")
        self.exporter.response_notice_pdf(self.actor, self._print_incident, path)

    def _show_incident(self, incident_id: int | None) -> None:
        if incident_id is None:
            self.current, self.levels = None, []
            self.state.setText(self.tr("没有处置中的事件"))
            self._set_levels(self.svc.profile_levels())
            self.history_model.set_rows([])
            for b in self.buttons.values():
                b.setVisible(False)
            self.step_row.setVisible(False)
            return
        self.levels = self.svc.levels(incident_id)
        self.current = self.svc.current(incident_id)
        self._set_levels(self.levels)
        self.history_model.set_rows(self.svc.history(incident_id))
        e = html.escape
        if self.current is None:
            suggested = self.svc.suggested_level(incident_id)
            hint = (self.tr("按确认等级，初判可启动{name}响应").format(
                name=level_text(suggested.key, suggested.name, short=True)) if suggested
                    else self.tr("事件等级尚未确认，由值班领导研判"))
            self.state.setText(f"<h3>{e(self.tr('未启动应急响应'))}</h3><p>{e(hint)}</p>")
        else:
            c = self.current
            self.state.setText(
                f"<h3>{e(self.tr('当前响应：{name}').format(name=level_text(c.level_key, c.level_name, short=True)))}</h3><p>"
                + e(self.tr("自 {since} 起（首次启动 {first}）；{body}；总指挥 {cmd}；执行指挥 {exe}").format(
                    since=beijing(c.since), first=beijing(c.activated_at), body=c.body or "", cmd=c.commander_name or "—",
                    exe=c.executive_commander_name or "—")) + "</p>")
            index = next((i for i, lv in enumerate(self.levels) if lv.key == c.level_key), None)
            if index is not None:
                self.level_table.selectRow(index)
        may = allowed(self.actor.roles, "response.record")
        ranks = [lv.rank for lv in self.levels]
        c = self.current
        visible = {
            "activate": c is None,
            "raise": c is not None and any(r < c.rank for r in ranks),
            "lower": c is not None and any(r > c.rank for r in ranks),
            "end": c is not None,
        }
        for action, button in self.buttons.items():
            button.setVisible(may and visible[action])
        self._set_steps(incident_id, may)

    def _set_steps(self, incident_id: int, may: bool) -> None:
        steps = self.svc.steps(incident_id)
        self.step_choice.clear()
        for st in steps:
            done = self.tr("（已登记：{who}）").format(who=st.recorded[-1][1]) if st.recorded else ""
            before = self.tr("；结束响应前须登记") if st.before_end and not st.recorded else ""
            self.step_choice.addItem(f"{st.label.split('：')[0]}（{st.basis}{before}）{done}", st.id)
            self.step_choice.setItemData(self.step_choice.count() - 1, st.label, Qt.ItemDataRole.ToolTipRole)
        self.step_row.setVisible(may and bool(steps))

    def _set_levels(self, levels: list[LevelInfo]) -> None:
        self.level_model.set_rows(levels)
        table = self.level_table
        table.resizeColumnsToContents()
        for col in range(self.level_model.columnCount()):
            if col != 1:  # 启动条件 stretches (set in __init__): the table fits beside the incident list
                header = table.horizontalHeader()
                header_width = header.fontMetrics().horizontalAdvance(self.level_model.columns[col].header) + 16
                table.setColumnWidth(col, min(table.columnWidth(col), max(100, header_width)))
        table.resizeRowsToContents()

    # ------------------------------------------------------------ commands

    def step(self, action: str) -> None:
        if self.incident_id is None:
            return
        c = self.current
        choices = [lv for lv in self.levels if action == "activate" or action == "end"
                   or (action == "raise" and c is not None and lv.rank < c.rank)
                   or (action == "lower" and c is not None and lv.rank > c.rank)]
        suggested = self.svc.suggested_level(self.incident_id) if action == "activate" else None
        if action == "raise" and choices:
            suggested = max(choices, key=lambda lv: lv.rank)  # one level up
        if action == "lower" and choices:
            suggested = min(choices, key=lambda lv: lv.rank)  # one level down
        data = ResponseDialog.ask(self, action, choices, self.svc.people(), c, suggested)
        if data is None:
            return
        incident_id = self.incident_id

        def record() -> None:
            if action == "activate":
                self.svc.activate(self.actor, incident_id, data.level_key or "", data.commander_id or 0,
                                  data.executive_id, body=data.body, at=data.at, note=data.note)
            elif action == "raise":
                self.svc.raise_level(self.actor, incident_id, data.level_key or "", data.commander_id, data.executive_id,
                                     body=data.body, at=data.at, note=data.note)
            elif action == "lower":
                self.svc.lower_level(self.actor, incident_id, data.level_key or "", data.commander_id, data.executive_id,
                                     body=data.body, at=data.at, note=data.note)
            else:
                self.svc.end(self.actor, incident_id, body=data.body, at=data.at, note=data.note)

        if run(record, line=self.message, done=self.tr("已记录")) is None:
            return
        self.show_incident(incident_id)
        self.changed.emit()

    def record_step(self) -> None:
        if self.incident_id is None or self.step_choice.currentData() is None:
            return
        incident_id, step_id, by = self.incident_id, self.step_choice.currentData(), self.step_by.text()
        if run(lambda: self.svc.record_step(self.actor, incident_id, step_id, by=by), line=self.message,
               done=self.tr("已登记")) is None:
            return
        self.step_by.clear()
        self.show_incident(incident_id)
        self.changed.emit()

    def showEvent(self, event) -> None:
        self.refresh()
        super().showEvent(event)
