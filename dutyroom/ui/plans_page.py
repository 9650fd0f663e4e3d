"""预案库: the plan library by type, a plan's versions, lifecycle steps, documents and due dates;
import of plan documents (off the GUI thread, with a progress dialog); full-text search whose
results open the passage highlighted; and the 处置分工 table editor (with history)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..config import pick
from ..domain.clock import BEIJING
from ..domain.permissions import allowed
from ..domain.plan_lifecycle import MAJOR_CONTENT, PLAN_TYPE_LABELS, STEPS
from ..services.actor import Actor
from ..services.errors import lang
from ..services.exports import ReportExporter
from ..services.lead_table import ROLES, LeadTableService
from ..services.plan_documents import PlanDocumentService, find_all
from ..services.plans import PlanService
from .file_dialogs import open_files
from .operations import BackgroundOperation, MessageLine, run, run_in_background, show_error_box
from .print_support import PrintActions, add_print_actions
from .table_model import Column, RowsTableModel, TextFilterProxy, row_table

ROLE_PLAN = Qt.ItemDataRole.UserRole


def _view(model) -> QTableView:
    view = row_table(model)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return view


def _d(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _step_label(kind: str) -> str:
    zh, en, _ = STEPS[kind]
    return pick(zh, en)


# ---------------------------------------------------------------- lifecycle step dialog


@dataclass(frozen=True)
class StepInput:
    kind: str
    on: dt.date
    by: str
    note: str
    document_id: int | None
    changes: tuple[str, ...]
    triggers: tuple[str, ...]
    doc_no: str | None


class StepDialog(QDialog):
    """Record one lifecycle step: which step, the date, who took it, the supporting document."""

    def __init__(self, parent, plan_name: str, steps, documents, triggers, minor_scope):
        super().__init__(parent)
        self.setWindowTitle(self.tr("登记预案管理环节"))
        form = QFormLayout(self)
        form.addRow(self.tr("预案"), QLabel(plan_name))
        self.kind = QComboBox()
        for kind in steps:
            self.kind.addItem(f"{_step_label(kind)}（{STEPS[kind][2]}）", kind)
        self.on = QDateEdit(QDate.currentDate())
        self.on.setCalendarPopup(True)
        self.on.setDisplayFormat("yyyy-MM-dd")
        self.by = QLineEdit()
        self.by.setPlaceholderText(self.tr("实施单位或人员，如 区应急局、专家组"))
        self.doc_no = QLineEdit()
        self.doc_no.setPlaceholderText(self.tr("印发文号（印发时填写）"))
        self.document = QComboBox()
        self.document.addItem(self.tr("（无）"), None)
        for d in documents:
            self.document.addItem(d.filename, d.id)
        self.changes = QListWidget()
        self.changes.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        self.changes.addItems([*minor_scope, *MAJOR_CONTENT])
        self.triggers = QListWidget()
        self.triggers.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        self.triggers.addItems(list(triggers))
        self.note = QPlainTextEdit()
        self.note.setMaximumHeight(70)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020")
        form.addRow(self.tr("环节"), self.kind)
        form.addRow(self.tr("日期"), self.on)
        form.addRow(self.tr("实施单位/人员"), self.by)
        form.addRow(self.tr("佐证材料"), self.document)
        form.addRow(self.tr("文号"), self.doc_no)
        form.addRow(self.tr("修订内容（第四十三条）"), self.changes)
        form.addRow(self.tr("修订情形（第四十二条）"), self.triggers)
        form.addRow(self.tr("备注"), self.note)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.changes.setEnabled(kind in ("minor_revision", "full_revision"))
        self.triggers.setEnabled(kind == "revision_required")
        self.doc_no.setEnabled(kind in ("issue", "minor_revision"))

    def _accept(self) -> None:
        if not self.by.text().strip():
            self.error.setText(self.tr("请填写实施单位或人员"))
            return
        self.accept()

    def result_value(self) -> StepInput:
        q = self.on.date()
        return StepInput(self.kind.currentData(), dt.date(q.year(), q.month(), q.day()), self.by.text().strip(),
                         self.note.toPlainText().strip(), self.document.currentData(),
                         tuple(i.text() for i in self.changes.selectedItems()) if self.changes.isEnabled() else (),
                         tuple(i.text() for i in self.triggers.selectedItems()) if self.triggers.isEnabled() else (),
                         self.doc_no.text().strip() or None)

    @classmethod
    def ask(cls, parent, plan_name, steps, documents, triggers, minor_scope) -> StepInput | None:
        dialog = cls(parent, plan_name, steps, documents, triggers, minor_scope)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.result_value()


# ---------------------------------------------------------------- library tab


class LibraryTab(QWidget):
    def __init__(self, plans: PlanService, documents: PlanDocumentService, actor: Actor, parent=None, *,
                 exporter: ReportExporter | None = None):
        super().__init__(parent)
        self.plans, self.documents, self.actor = plans, documents, actor
        self.exporter = exporter  # 预案登记表 (PDF and Excel) of the whole library (None: no print buttons)
        self.print_actions: PrintActions | None = None
        self.current_id: int | None = None
        self.worker: BackgroundOperation | None = None
        self.last_import: list = []
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("筛选：预案名称、编制单位、事件类型"))
        self.filter.textChanged.connect(self._fill_tree)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr("预案"), self.tr("状态")])
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.currentItemChanged.connect(self._selected)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.filter)
        lv.addWidget(self.tree)
        if exporter is not None:
            print_row = QHBoxLayout()
            print_row.addWidget(QLabel(self.tr("预案登记表（含到期事项）")))
            print_row.addStretch(1)
            self.print_actions = add_print_actions(
                print_row, self, title=self.tr("应急预案登记表"),
                make_pdf=lambda path: exporter.plan_register_pdf(actor, path),
                make_xlsx=lambda path: exporter.plan_register_xlsx(actor, path))
            lv.addLayout(print_row)

        self.title = QLabel()
        self.title.setStyleSheet("font-size: 15px; font-weight: bold")
        self.title.setWordWrap(True)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.import_button = QPushButton(self.tr("导入预案文件…"))
        self.step_button = QPushButton(self.tr("登记管理环节…"))
        self.import_button.clicked.connect(self.import_documents)
        self.step_button.clicked.connect(self.record_step)
        buttons = QHBoxLayout()
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.step_button)
        buttons.addStretch(1)
        self.versions = RowsTableModel([
            Column(self.tr("版本"), lambda v: v.label), Column(self.tr("文号"), lambda v: v.doc_no or ""),
            Column(self.tr("印发日期"), lambda v: _d(v.issued_on)), Column(self.tr("状态"), lambda v: self.tr(v.state_label))])
        self.events = RowsTableModel([
            Column(self.tr("日期"), lambda e: _d(e.on)), Column(self.tr("环节"), lambda e: _step_label(e.kind)),
            Column(self.tr("版本"), lambda e: e.version_label), Column(self.tr("实施单位/人员"), lambda e: e.by),
            Column(self.tr("佐证材料"), lambda e: e.document_name or ""),
            Column(self.tr("期限"), lambda e: _d(e.due_on)), Column(self.tr("登记人"), lambda e: e.recorded_by),
            Column(self.tr("备注"), lambda e: "；".join([e.note or "", *e.details.get("changes", []),
                                                      *e.details.get("triggers", [])]).strip("；"))])
        self.docs = RowsTableModel([
            Column(self.tr("文件"), lambda d: d.filename), Column(self.tr("字数"), lambda d: d.chars),
            Column(self.tr("大小（KB）"), lambda d: round(d.size / 1024, 1)),
            Column(self.tr("导入时间"), lambda d: d.imported_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M"))])
        self.duties = RowsTableModel([
            Column(self.tr("事项"), lambda o: _step_label(o.kind)), Column(self.tr("期限"), lambda o: _d(o.due_on)),
            Column(self.tr("完成"), lambda o: _d(o.done_on)), Column(self.tr("依据"), lambda o: o.basis)])
        tabs = QTabWidget()
        tabs.addTab(_view(self.events), self.tr("管理环节"))
        tabs.addTab(_view(self.versions), self.tr("版本"))
        tabs.addTab(_view(self.docs), self.tr("预案文件"))
        tabs.addTab(_view(self.duties), self.tr("到期事项"))
        self.detail_tabs = tabs
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.addWidget(self.title)
        rv.addWidget(self.facts)
        rv.addLayout(buttons)
        rv.addWidget(tabs, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([500, 900])
        QVBoxLayout(self).addWidget(splitter)
        self.import_button.setEnabled(False)
        self.step_button.setEnabled(False)
        self.summaries = []
        self.refresh()

    def refresh(self) -> None:
        self.summaries = self.plans.library(self.actor)
        self._fill_tree()
        if self.print_actions is not None:
            self.print_actions.set_enabled(bool(self.summaries), reason=self.tr("预案库中还没有预案"))
        if self.current_id is not None:
            self.show_plan(self.current_id)

    def _fill_tree(self) -> None:
        terms = self.filter.text().lower().split()
        self.tree.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        for p in self.summaries:
            text = " ".join([p.name, p.drafting_unit, *p.event_types, *p.lead_units]).lower()
            if not all(t in text for t in terms):
                continue
            group = groups.get(p.plan_type)
            if group is None:
                zh, en = PLAN_TYPE_LABELS[p.plan_type]
                group = groups[p.plan_type] = QTreeWidgetItem(self.tree, [en.capitalize() if lang() == "en" else zh])
                group.setFirstColumnSpanned(True)
            item = QTreeWidgetItem(group, [p.name, self.tr(p.state_label)])
            item.setToolTip(0, f"{p.name}\n{self.tr('编制单位')}：{p.drafting_unit}")
            item.setData(0, ROLE_PLAN, p.id)
            if p.id == self.current_id:
                self.tree.setCurrentItem(item)
        for group in groups.values():
            group.setText(0, f"{group.text(0)}（{group.childCount()}）")
        self.tree.expandAll()

    def _selected(self, item, _previous=None) -> None:
        plan_id = item.data(0, ROLE_PLAN) if item is not None else None
        if plan_id is not None and plan_id != self.current_id:
            self.show_plan(plan_id)

    def select_plan(self, plan_id: int) -> None:
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            for j in range(group.childCount()):
                if group.child(j).data(0, ROLE_PLAN) == plan_id:
                    self.tree.setCurrentItem(group.child(j))
                    return
        self.show_plan(plan_id)

    def show_plan(self, plan_id: int) -> None:
        self.current_id = plan_id
        detail = self.plans.detail(self.actor, plan_id)
        self.detail = detail
        s = detail.summary
        self.title.setText(s.name)
        rows = [
            (self.tr("类型"), self.tr(s.plan_type_label)), (self.tr("编制单位"), s.drafting_unit),
            (self.tr("状态"), f"{self.tr(s.state_label)}（{s.version_label}）"),
            (self.tr("审批"), f"{detail.approver}（{detail.approver_basis}）"),
            (self.tr("适用事件类型"), "、".join(s.event_types) or self.tr("（未关联）")),
            (self.tr("牵头部门"), "、".join(s.lead_units) or "—")]
        self.facts.setText("<br>".join(f"<b>{k}</b>：{v}" for k, v in rows))
        self.versions.set_rows(detail.versions)
        self.events.set_rows(detail.events)
        self.docs.set_rows(self.documents.documents(self.actor, plan_id))
        self.duties.set_rows(detail.obligations)
        for i in range(self.detail_tabs.count()):
            self.detail_tabs.widget(i).resizeColumnsToContents()
        self.import_button.setEnabled(allowed(self.actor.roles, "plan.document.import"))
        self.step_button.setEnabled(bool(detail.next_steps) and allowed(self.actor.roles, "plan.step.record"))

    # ------------------------------------------------------------ commands

    @classmethod
    def choose_files(cls, parent) -> list[str]:
        return open_files(parent, parent.tr("选择预案文件"), parent.tr("预案文件 (*.pdf *.docx *.txt)"))

    def import_documents(self) -> None:
        if self.current_id is None:
            return
        paths = self.choose_files(self)
        if not paths:
            return
        plan_id, prefix = self.current_id, self.tr("正在导入：")

        def work(report) -> list:
            return self.documents.import_files(self.actor, plan_id, list(paths), progress=lambda done, total, name:
                                               report(done, total, prefix + name if name else ""))

        self.worker = run_in_background(self, work, label=self.tr("正在导入预案文件…"), title=self.tr("导入预案文件"),
                                        cancellable=True, min_duration_ms=0, on_success=self._imported,
                                        on_failure=self._import_failed)

    def _imported(self, results: list) -> None:
        self.worker = None
        self.last_import = results
        self.show_plan(self.current_id)
        bad = [r for r in results if not r.ok]
        if bad:
            self.report(self.tr("部分文件未导入"), "\n".join(f"{r.filename}：{r.message}" for r in bad))

    def _import_failed(self, message: str) -> None:
        self.worker = None
        self.show_plan(self.current_id)
        self.report(self.tr("部分文件未导入"), message)

    def report(self, title: str, text: str) -> None:
        show_error_box(self, title, text)

    def record_step(self) -> None:
        if self.current_id is None:
            return
        detail = self.detail
        pm = self.plans.profile.plan_management
        value = StepDialog.ask(self, detail.summary.name, detail.next_steps,
                               self.documents.documents(self.actor, self.current_id), pm.revision_triggers,
                               pm.minor_revision_scope or ["资源目录", "通讯录"])
        if value is None:
            return
        run(lambda: self.plans.record_step(self.actor, self.current_id, value.kind, value.on, value.by,
                                           document_id=value.document_id, note=value.note, changes=value.changes,
                                           triggers=value.triggers, doc_no=value.doc_no),
            on_success=lambda _r: self.refresh(), on_failure=lambda message: self.report(self.tr("不能登记"), message))


# ---------------------------------------------------------------- search tab


def _marked(hit) -> str:
    a, b = hit.snippet_match
    return f"{hit.snippet[:a]}【{hit.snippet[a:b]}】{hit.snippet[b:]}"


class SearchTab(QWidget):
    def __init__(self, documents: PlanDocumentService, actor: Actor, parent=None):
        super().__init__(parent)
        self.documents, self.actor = documents, actor
        self.query = QLineEdit()
        self.query.setPlaceholderText(self.tr("全文检索，如：燃气 或 暴雨 演练（空格分隔的词须同时出现）"))
        self.query.returnPressed.connect(self.search)
        self.button = QPushButton(self.tr("检索"))
        self.button.clicked.connect(self.search)
        self.status = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.query, 1)
        top.addWidget(self.button)
        self.model = RowsTableModel([
            Column(self.tr("预案"), lambda h: h.plan_name), Column(self.tr("文件"), lambda h: h.filename),
            Column(self.tr("命中段落"), lambda h: h.hits), Column(self.tr("摘要"), _marked)])
        self.results = _view(self.model)
        self.results.selectionModel().currentRowChanged.connect(lambda cur, _prev: self.open_hit(cur.row()))
        self.viewer = QTextEdit()
        self.viewer.setReadOnly(True)
        self.viewer_title = QLabel()
        bottom = QWidget()
        bv = QVBoxLayout(bottom)
        bv.setContentsMargins(0, 0, 0, 0)
        bv.addWidget(self.viewer_title)
        bv.addWidget(self.viewer)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.results)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(splitter, 1)
        self._shown_doc: int | None = None

    def search(self) -> None:
        hits = run(lambda: self.documents.search(self.actor, self.query.text()), line=self.status)
        if hits is None:
            return
        self.model.set_rows(hits)
        self.results.resizeColumnsToContents()
        self.status.setText(self.tr("找到 %n 个文件").replace("%n", str(len(hits))) if hits
                            else self.tr("没有找到"))
        self.viewer.clear()
        self.viewer_title.clear()
        self._shown_doc = None
        if hits:
            self.results.selectRow(0)

    def open_hit(self, row: int) -> None:
        if not 0 <= row < len(self.model.rows):
            return
        hit = self.model.rows[row]
        if self._shown_doc != hit.document_id:
            body = self.documents.text_of(self.actor, hit.document_id)
            self.viewer.setPlainText(body)
            self._shown_doc = hit.document_id
            self._highlight_all(body)
        self.viewer_title.setText(f"{hit.plan_name} · {hit.filename}")
        cursor = self.viewer.textCursor()
        cursor.setPosition(hit.offset)
        cursor.setPosition(hit.offset + hit.length, QTextCursor.MoveMode.KeepAnchor)
        self.viewer.setTextCursor(cursor)
        self.viewer.ensureCursorVisible()
        bar = self.viewer.verticalScrollBar()  # the passage in the middle of the view, not at its edge
        bar.setValue(bar.value() + self.viewer.cursorRect().center().y() - self.viewer.viewport().height() // 2)

    def _highlight_all(self, body: str) -> None:
        fmt = QTextCharFormat()
        fmt.setBackground(QColor("#ffe08a"))
        selections = []
        for offset, length in find_all(body, self.query.text())[:2000]:
            sel = QTextEdit.ExtraSelection()
            cursor = self.viewer.textCursor()
            cursor.setPosition(offset)
            cursor.setPosition(offset + length, QTextCursor.MoveMode.KeepAnchor)
            sel.cursor, sel.format = cursor, fmt
            selections.append(sel)
        self.viewer.setExtraSelections(selections)

    def selected_text(self) -> str:
        return self.viewer.textCursor().selectedText()


# ---------------------------------------------------------------- lead-table editor


class LeadTableTab(QWidget):
    """处置分工维护: pick an event type, edit its ordered units and roles, save (the old list is kept)."""

    def __init__(self, leads: LeadTableService, actor: Actor, can_edit: bool, parent=None):
        super().__init__(parent)
        self.leads, self.actor, self.can_edit = leads, actor, can_edit
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("筛选：事件类型或单位"))
        self.model = RowsTableModel([
            Column(self.tr("序号"), lambda r: r.no or "", lambda r: r.no or 0),
            Column(self.tr("类别"), lambda r: r.category_label), Column(self.tr("事件类型"), lambda r: r.event_type),
            Column(self.tr("牵头单位"), lambda r: "、".join(r.lead_units))])
        self.proxy = TextFilterProxy()
        self.proxy.setSourceModel(self.model)
        self.filter.textChanged.connect(self.proxy.set_text)
        self.table = _view(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _p: self._picked(cur))
        self.entries = QTableWidget(0, 3)
        self.entries.setHorizontalHeaderLabels([self.tr("单位"), self.tr("角色"), self.tr("值班电话")])
        self.entries.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("修改原因（如 机构改革、预案修订）"))
        self.add_button = QPushButton(self.tr("添加单位"))
        self.remove_button = QPushButton(self.tr("删除所选"))
        self.up_button = QPushButton(self.tr("上移"))
        self.down_button = QPushButton(self.tr("下移"))
        self.save_button = QPushButton(self.tr("保存修改"))
        self.add_button.clicked.connect(lambda: self._add_row("", "lead", ""))
        self.remove_button.clicked.connect(lambda: self.entries.removeRow(self.entries.currentRow()))
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button.clicked.connect(lambda: self._move(1))
        self.save_button.clicked.connect(self.save)
        self.history = QPlainTextEdit()
        self.history.setReadOnly(True)
        self.message = MessageLine(word_wrap=False)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(b)
            b.setEnabled(can_edit)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        self.save_button.setEnabled(can_edit)
        right = QWidget()
        rv = QVBoxLayout(right)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        rv.addWidget(self.heading)
        rv.addWidget(self.entries, 2)
        rv.addLayout(buttons)
        rv.addWidget(self.reason)
        rv.addWidget(self.message)
        rv.addWidget(QLabel(self.tr("修改历史")))
        rv.addWidget(self.history, 1)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.filter)
        lv.addWidget(self.table)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        QVBoxLayout(self).addWidget(splitter)
        self.current = None
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(self.leads.table(self.actor))
        self.table.resizeColumnsToContents()

    def select_event_type(self, name: str) -> None:
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 2).data() == name:
                self.table.selectRow(row)
                self.table.setCurrentIndex(self.proxy.index(row, 0))
                return

    def _picked(self, proxy_index) -> None:
        if not proxy_index.isValid():
            return
        row = self.model.rows[self.proxy.mapToSource(proxy_index).row()]
        self.current = row
        self.heading.setText(f"<b>{row.event_type}</b>（{row.category_label}，{row.basis}）")
        self.entries.setRowCount(0)
        for e in row.entries:
            self._add_row(e.unit, e.role, e.duty_phone)
        self.message.clear()
        lines = []
        for h in self.leads.history(self.actor, row.event_type_id):
            until = h.valid_to.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") if h.valid_to else self.tr("现行")
            lines.append(f"{h.valid_from.astimezone(BEIJING):%Y-%m-%d %H:%M} — {until}  "
                         f"{h.unit}（{ROLES[h.role][0]}）")
        self.history.setPlainText("\n".join(lines))

    def _add_row(self, unit: str, role: str, phone: str) -> None:
        r = self.entries.rowCount()
        self.entries.insertRow(r)
        self.entries.setItem(r, 0, QTableWidgetItem(unit))
        combo = QComboBox()
        for key, (zh, en) in ROLES.items():
            combo.addItem(self.tr(zh) if lang() != "en" else en, key)
        combo.setCurrentIndex(list(ROLES).index(role))
        combo.setEnabled(self.can_edit)
        self.entries.setCellWidget(r, 1, combo)
        item = QTableWidgetItem(phone)
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.entries.setItem(r, 2, item)
        if not self.can_edit:
            self.entries.item(r, 0).setFlags(self.entries.item(r, 0).flags() & ~Qt.ItemFlag.ItemIsEditable)

    def _move(self, step: int) -> None:
        r = self.entries.currentRow()
        values = self.entry_values()
        if not 0 <= r < len(values) or not 0 <= r + step < len(values):
            return
        values[r], values[r + step] = values[r + step], values[r]
        self.set_entries(values)
        self.entries.setCurrentCell(r + step, 0)

    def entry_values(self) -> list[tuple[str, str]]:
        out = []
        for r in range(self.entries.rowCount()):
            item = self.entries.item(r, 0)
            out.append(((item.text() if item else "").strip(), self.entries.cellWidget(r, 1).currentData()))
        return out

    def set_entries(self, values: list[tuple[str, str]]) -> None:
        self.entries.setRowCount(0)
        for unit, role in values:
            self._add_row(unit, role, "")

    def save(self) -> None:
        if self.current is None:
            return
        row = run(lambda: self.leads.set_units(self.actor, self.current.event_type_id, self.entry_values(),
                                               reason=self.reason.text()), line=self.message)
        if row is None:
            return
        self.refresh()
        self.select_event_type(row.event_type)
        self.message.show_ok(self.tr("已保存；原分工已留存于修改历史"))
        self.reason.clear()


# ---------------------------------------------------------------- the page


class PlansPage(QWidget):
    def __init__(self, plans: PlanService, documents: PlanDocumentService, leads: LeadTableService, actor: Actor,
                 can_edit_leads: bool = False, parent=None, *, exporter: ReportExporter | None = None):
        super().__init__(parent)
        self.tabs = QTabWidget()
        self.library = LibraryTab(plans, documents, actor, exporter=exporter)
        self.search = SearchTab(documents, actor)
        self.lead_table = LeadTableTab(leads, actor, can_edit_leads)
        self.tabs.addTab(self.library, self.tr("预案库"))
        self.tabs.addTab(self.search, self.tr("全文检索"))
        self.tabs.addTab(self.lead_table, self.tr("处置分工维护"))
        QVBoxLayout(self).addWidget(self.tabs)
