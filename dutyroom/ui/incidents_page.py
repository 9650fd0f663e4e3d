"""事件 page: the incident list (search, filters, sort), one click opens the incident in a tab beside the
list; 新接报 (Ctrl+N) opens the intake wizard, offering first any unfinished intake (未完成的接报)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from PySide6.QtCore import QDate, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..domain.clock import BEIJING
from ..domain.vocabulary import CATEGORY_LABELS, GRADE_LABELS, Category, Grade, label
from ..services.actor import Actor
from ..services.errors import lang
from ..services.incident_log import IncidentLogService
from ..services.incident_reports import ReportService
from ..services.incidents import DraftSummary, IncidentQuery, IncidentRow, IncidentService
from .empty_hint import add_empty_hint
from .incident_common import AMBER, Clock, bj, category_text, grade_text, report_text, status_text, system_clock
from .incident_detail import IncidentDetail
from .intake_wizard import IntakeWizard
from .operations import run
from .table_model import Column, RowsTableModel, SortProxy


@dataclass(frozen=True)
class DraftChoice:
    action: str  # resume | new | discard
    draft_id: int | None = None


class DraftChoiceDialog(QDialog):
    """未完成的接报: continue one, discard one, or start a new intake."""

    def __init__(self, drafts: list[DraftSummary], parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("未完成的接报"))
        self.list = QListWidget()
        for d in drafts:
            what = d.title or self.tr("（未填写地点和类型）")
            item = QListWidgetItem(self.tr("{time} 接报　{what}").format(time=bj(d.received_at), what=what))
            item.setData(Qt.ItemDataRole.UserRole, d.id)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.choice: DraftChoice | None = None
        buttons = QDialogButtonBox()
        resume = buttons.addButton(self.tr("继续填写(&C)"), QDialogButtonBox.ButtonRole.AcceptRole)
        new = buttons.addButton(self.tr("新建接报(&N)"), QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        resume.setDefault(True)
        resume.clicked.connect(lambda: self._pick("resume"))
        new.clicked.connect(lambda: self._pick("new"))
        buttons.rejected.connect(self.reject)
        self.list.itemActivated.connect(lambda _i: self._pick("resume"))
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(self.tr("以下接报尚未提交，已自动保存：")))
        lay.addWidget(self.list)
        lay.addWidget(buttons)

    def _pick(self, action: str) -> None:
        item = self.list.currentItem()
        self.choice = DraftChoice(action, item.data(Qt.ItemDataRole.UserRole) if item else None)
        self.accept()

    @classmethod
    def ask(cls, parent, drafts: list[DraftSummary]) -> DraftChoice | None:
        dialog = cls(drafts, parent)
        return dialog.choice if dialog.exec() == QDialog.DialogCode.Accepted else None


PAGE = 500  # incidents fetched at a time (the newest first); more as the list is scrolled down


class _PagedRows(RowsTableModel):
    """The incident list's rows, a page at a time: the view asks for more at its end (canFetchMore)."""

    def __init__(self, load_more, columns, rows=(), parent=None):
        super().__init__(columns, rows, parent)
        self.more = False
        self._load_more = load_more

    def canFetchMore(self, parent=QModelIndex()) -> bool:  # noqa: B008 - Qt signature
        return not parent.isValid() and self.more

    def fetchMore(self, parent=QModelIndex()) -> None:  # noqa: B008
        if not parent.isValid() and self.more:
            self._load_more()


class IncidentsPage(QWidget):
    incident_opened = Signal(int)

    def __init__(self, incidents: IncidentService, reports: ReportService, log: IncidentLogService, actor: Actor, *,
                 clock: Clock = system_clock, exporter=None, parent=None):
        super().__init__(parent)
        self.incidents, self.reports, self.log, self.actor, self.clock = incidents, reports, log, actor, clock
        self.exporter = exporter  # services.exports.ReportExporter for the details' print buttons (None: none)
        self.wizard: IntakeWizard | None = None
        self.details: dict[int, IncidentDetail] = {}
        self.drafts: list[DraftSummary] = []
        self._newest_first = True  # 接报时间 descending: the pages start at the newest call
        self._shown_query: IncidentQuery | None = None  # the search the list shows (a repeat keeps its length)
        self._load_failed = False
        self.tabs = QTabWidget()
        self.tabs.setTabsClosable(True)
        self.tabs.tabCloseRequested.connect(self._close_tab)
        self.tabs.addTab(self._build_list(), self.tr("事件列表"))
        self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.RightSide, None)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.tabs)
        self._search_timer = QTimer(self, singleShot=True, interval=250, timeout=self.refresh)
        self._own_change = False  # this page's command just updated its line: the change signal's reload is skipped
        self.refresh()
        self.offer_drafts()

    # ------------------------------------------------------------ the list

    def _build_list(self) -> QWidget:
        box = QWidget()
        self.drafts_banner = QPushButton()
        self.drafts_banner.setObjectName("draftsBanner")
        self.drafts_banner.setStyleSheet(f"background: {AMBER}; text-align: left; padding: 6px;")
        self.drafts_banner.clicked.connect(self.new_intake)
        self.drafts_banner.hide()
        self.new_button = QPushButton(self.tr("新接报 (Ctrl+N)"))
        self.new_button.setToolTip(self.tr("打开接报向导"))
        self.new_button.clicked.connect(self.new_intake)
        self.text = QLineEdit(placeholderText=self.tr("搜索标题、地点、情况、报告人、电话…"))
        self.text.setClearButtonEnabled(True)
        self.use_dates = QCheckBox(self.tr("接报日期"))
        day = self.clock().astimezone(BEIJING).date()
        today = QDate(day.year, day.month, day.day)
        self.date_from = QDateEdit(today.addDays(-30), calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.date_to = QDateEdit(today, calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.category = QComboBox()
        self.category.addItem(self.tr("全部类别"), None)
        for c in Category:
            self.category.addItem(label(CATEGORY_LABELS, c, lang()), c.value)
        self.grade = QComboBox()
        self.grade.addItem(self.tr("全部等级"), None)
        for g in Grade:
            self.grade.addItem(label(GRADE_LABELS, g, lang()), g.value)
        self.status = QComboBox()
        for text, value in ((self.tr("处置中和已结案"), ("open", "closed")), (self.tr("处置中"), ("open",)),
                            (self.tr("已结案"), ("closed",))):
            self.status.addItem(text, value)
        self.overdue = QCheckBox(self.tr("仅超时未报"))
        for w in (self.use_dates, self.overdue):
            w.toggled.connect(self.refresh)
        for w in (self.category, self.grade, self.status):
            w.currentIndexChanged.connect(self.refresh)
        for w in (self.date_from, self.date_to):
            w.dateChanged.connect(self.refresh)
        self.text.textChanged.connect(lambda _t: self._search_timer.start())

        def state(r: IncidentRow) -> str:
            if r.state == "overdue":
                return self.tr("超时 {n} 项").format(n=r.overdue_count)
            return ""

        self.model = _PagedRows(self.load_more, [
            Column(self.tr("接报时间"), lambda r: bj(r.received_at, "%Y-%m-%d %H:%M"), lambda r: r.received_at),
            Column(self.tr("事件"), lambda r: r.title),
            Column(self.tr("类别"), lambda r: category_text(r.category)),
            Column(self.tr("等级"), lambda r: grade_text(r.grade_confirmed),
                   lambda r: -["unknown", "ordinary", "large", "major", "especially_major"].index(r.grade_confirmed)),
            Column(self.tr("状态"), lambda r: status_text(r.status)),
            Column(self.tr("下一时限"), lambda r: f"{report_text(r.next_due_label or '')} {bj(r.next_due)}".strip(),
                   lambda r: r.next_due or dt.datetime.max.replace(tzinfo=dt.UTC)),
            Column(self.tr("超时"), state, lambda r: r.overdue_count),
            Column(self.tr("伤亡"), lambda r: self.tr("亡{d} 伤{i}").format(d=r.deaths, i=r.injured),
                   lambda r: (r.deaths, r.injured)),
        ], [], self)
        self.proxy = SortProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.view.horizontalHeader().sortIndicatorChanged.connect(self._sort_changed)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        add_empty_hint(self.view, self.tr("没有符合条件的事件。按 Ctrl+N 新接报，或清空上方的搜索条件。"))
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        for col, width in enumerate((140, 300, 100, 120, 70, 170, 80)):
            self.view.setColumnWidth(col, width)
        self.view.clicked.connect(self._clicked)
        self.view.activated.connect(self._clicked)  # Enter on a row, for the keyboard
        self.count = QLabel()
        filters = QHBoxLayout()
        for w in (self.text, self.use_dates, self.date_from, QLabel("—"), self.date_to, self.category, self.grade,
                  self.status, self.overdue):
            filters.addWidget(w, 3 if w is self.text else 0)
        top = QHBoxLayout()
        top.addWidget(self.new_button)
        top.addWidget(self.count, 1)
        lay = QVBoxLayout(box)
        lay.addWidget(self.drafts_banner)
        lay.addLayout(top)
        lay.addLayout(filters)
        lay.addWidget(self.view, 1)
        return box

    def query(self) -> IncidentQuery:
        dates = self.use_dates.isChecked()
        return IncidentQuery(
            text=self.text.text().strip() or None,
            received_from=self.date_from.date().toPython() if dates else None,
            received_to=self.date_to.date().toPython() if dates else None,
            category=self.category.currentData(), grade=self.grade.currentData(),
            statuses=tuple(self.status.currentData()), overdue=True if self.overdue.isChecked() else None,
            descending=self._newest_first)  # the pages come in 接报时间 order, the header's direction

    def refresh(self, *args) -> None:
        if self._own_change:  # the line of the incident this page just changed is already up to date
            self._own_change = False
            for detail in self.details.values():
                detail.tick()
            return
        # one row more than the page says whether more follow (they load as the list is scrolled down). The same
        # search again (another seat's call, a report sent) reloads as many rows as were shown, and keeps the
        # selected line and the scroll position; a new search starts from the first page
        query = self.query()
        same = query == self._shown_query
        shown = len(self.model.rows) + (0 if self.model.more else PAGE)  # all shown: all again, new ones included
        size = max(PAGE, shown) if same else PAGE
        rows = run(lambda: self.incidents.search(self.actor, replace(query, limit=size + 1), now=self.clock()),
                   line=self.count)
        if rows is None:
            return
        selected = self._selected_id() if same else None
        scrolled = self.view.verticalScrollBar().value() if same else 0
        self._shown_query, self._load_failed = query, False
        self.model.more = len(rows) > size
        self.model.set_rows(rows[:size])
        if selected is not None:
            at = next((k for k, r in enumerate(self.model.rows) if r.id == selected), None)
            if at is not None:
                self.view.selectRow(self.proxy.mapFromSource(self.model.index(at, 0)).row())
        self.view.verticalScrollBar().setValue(scrolled)
        self._say_count()
        for detail in self.details.values():
            detail.tick()

    def load_more(self) -> None:
        """The next page of older incidents, when the list is scrolled to its end (issue 21: a page at a time)."""
        if self.query() != self._shown_query:  # the filter changed and its search is still to run (typing delay)
            return
        if self._shown_query.overdue is None and self.model.rows:  # after the last line in 接报时间 order
            edge = (min if self._newest_first else max)(self.model.rows, key=lambda r: (r.received_at, r.id))
            query = replace(self._shown_query, limit=PAGE + 1, after=(edge.received_at, edge.id))
        else:  # 仅超时未报: open incidents only, a few, sorted in the service
            query = replace(self._shown_query, limit=PAGE + 1, offset=len(self.model.rows))
        rows = run(lambda: self.incidents.search(self.actor, query, now=self.clock()), line=self.count)
        if rows is None:  # the line says why; no retry on every scroll: the next change or search starts again
            self.model.more, self._load_failed = False, True
            return
        self.model.more = len(rows) > PAGE
        shown = {r.id for r in self.model.rows}  # the offset pages (仅超时未报) shift when a call comes in
        self.model.append_rows([r for r in rows[:PAGE] if r.id not in shown])
        self._say_count()

    def _say_count(self) -> None:
        n = len(self.model.rows)
        if self._load_failed:
            text = self.tr("已显示 {n} 起事件；更早的未能载入").format(n=n)
        elif not self.model.more:
            text = self.tr("共 {n} 起事件").format(n=n)
        elif self._sorted_column() != 0:  # another column orders only what is loaded
            text = self.tr("已显示 {n} 起事件（按接报时间分批载入，排序仅限已显示的），向下滚动载入更多").format(n=n)
        elif self._newest_first:
            text = self.tr("已显示最近的 {n} 起事件，向下滚动查看更早的").format(n=n)
        else:
            text = self.tr("已显示最早的 {n} 起事件，向下滚动查看更晚的").format(n=n)
        self.count.setText(text)

    def _sorted_column(self) -> int:
        return self.view.horizontalHeader().sortIndicatorSection()

    def _sort_changed(self, column: int, order: Qt.SortOrder) -> None:
        """接报时间 ascending or descending: the pages come from the other end of the history (a reload); another
        column orders the rows loaded so far (the line says so)."""
        newest_first = order == Qt.SortOrder.DescendingOrder if column == 0 else self._newest_first
        if newest_first != self._newest_first:
            self._newest_first = newest_first
            self.refresh()
        else:
            self._say_count()

    def _selected_id(self) -> int | None:
        rows = self.view.selectionModel().selectedRows() if self.view.selectionModel() else []
        return self.row_at(rows[0].row()).id if rows else None

    def incident_changed(self, incident_id: int) -> None:
        """A command on an open incident (its tab): update its line of the list, not the whole list (issue 21).
        The app-wide change signal that follows in this turn of the event loop does not reload the list."""
        row = run(lambda: self.incidents.row(self.actor, incident_id, now=self.clock()), line=self.count)
        if row is None:
            return
        at = next((k for k, r in enumerate(self.model.rows) if r.id == incident_id), None)
        if at is not None:
            if row.status in self.query().statuses:
                self.model.replace_row(at, row)
            else:  # e.g. closed while the list shows 处置中 only
                self.model.remove_row(at)
                self._say_count()
        self._own_change = True
        QTimer.singleShot(0, self._end_own_change)

    def _end_own_change(self) -> None:
        self._own_change = False

    def row_at(self, proxy_row: int) -> IncidentRow:
        return self.model.rows[self.proxy.mapToSource(self.proxy.index(proxy_row, 0)).row()]

    def _clicked(self, index) -> None:
        self.open_incident(self.model.rows[self.proxy.mapToSource(index).row()].id)

    # ------------------------------------------------------------ details

    def open_incident(self, incident_id: int) -> IncidentDetail:
        detail = self.details.get(incident_id)
        if detail is None:
            detail = IncidentDetail(self.incidents, self.reports, self.log, self.actor, incident_id, clock=self.clock,
                                    exporter=self.exporter)
            detail.changed.connect(lambda incident_id=incident_id: self.incident_changed(incident_id))
            self.details[incident_id] = detail
            title = detail.incident.title
            self.tabs.addTab(detail, title if len(title) <= 14 else title[:13] + "…")
        self.tabs.setCurrentWidget(detail)
        self.incident_opened.emit(incident_id)
        return detail

    def refresh_detail(self, detail: IncidentDetail) -> None:
        """Someone changed incidents: reload an open incident, unless the officer has an unsaved grade or
        flag choice on it, which a reload would reset (then only its clock is brought up to date)."""
        i = detail.incident
        unsaved = detail.grade.currentData() != i.grade_confirmed or any(
            box.isChecked() != getattr(i, flag) for flag, box in detail.flag_boxes.items())
        run(detail.tick if unsaved else detail.reload, on_failure=lambda _message: detail.tick())

    def _close_tab(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if index == 0 or widget is None:
            return
        self.tabs.removeTab(index)
        self.details = {k: v for k, v in self.details.items() if v is not widget}
        widget.deleteLater()

    # ------------------------------------------------------------ intake

    def offer_drafts(self) -> None:
        """Unfinished intakes (after a close or a crash) are offered at the top of the page."""
        drafts = run(lambda: self.incidents.my_drafts(self.actor))
        self.drafts = [] if drafts is None else drafts
        if self.drafts:
            self.drafts_banner.setText(self.tr("未完成的接报：{n} 份（最近：{time} {what}），点击或按 Ctrl+N 继续填写")
                                       .format(n=len(self.drafts), time=bj(self.drafts[0].received_at),
                                               what=self.drafts[0].title or self.tr("未填写地点")))
        self.drafts_banner.setVisible(bool(self.drafts))

    def new_intake(self) -> IntakeWizard | None:
        """Ctrl+N: the wizard; an unfinished intake is offered first."""
        if self.wizard is not None and self.wizard.isVisible():
            self.wizard.raise_()
            self.wizard.activateWindow()
            return self.wizard
        self.offer_drafts()
        if self.drafts:
            choice = DraftChoiceDialog.ask(self, self.drafts)
            if choice is None:
                return None
            if choice.action == "resume" and choice.draft_id is not None:
                return self.resume_draft(choice.draft_id)
        return self._show_wizard(IntakeWizard(self.incidents, self.actor, clock=self.clock))

    def resume_draft(self, draft_id: int) -> IntakeWizard:
        draft = self.incidents.get(self.actor, draft_id)
        return self._show_wizard(IntakeWizard(self.incidents, self.actor, draft=draft, clock=self.clock))

    def _show_wizard(self, wizard: IntakeWizard) -> IntakeWizard:
        self.wizard = wizard
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.submitted.connect(self._submitted)
        wizard.finished.connect(lambda _r: self.offer_drafts())
        wizard.destroyed.connect(lambda *_a: setattr(self, "wizard", None))
        wizard.show()  # not modal: the dashboard's countdowns stay visible and keep ticking
        return wizard

    def _submitted(self, incident) -> None:
        self.refresh()
        self.offer_drafts()
        self.open_incident(incident.id)
        window = self.window()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(self.tr("已登记：{title}").format(title=incident.title), 10_000)

    def install_shortcut(self, window: QWidget) -> QShortcut:
        """Ctrl+N from anywhere in the main window opens the wizard."""
        shortcut = QShortcut(QKeySequence("Ctrl+N"), window)
        shortcut.activated.connect(self.new_intake)
        return shortcut

