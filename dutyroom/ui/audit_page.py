"""审计日志 (administrators): the append-only audit trail with filters, loaded a page at a time,
and the 校验审计链 button that walks the hash chain and names the first bad entry."""

from __future__ import annotations

import datetime as dt
import json
import re

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
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

from ..domain.clock import BEIJING
from ..services.actor import Actor
from ..services.audit_query import AuditFilter, AuditQueryService, AuditRow
from .operations import MessageLine, run, run_in_background, stopping

PAGE = 200
# A stored aware time as the services write it (2026-12-01 21:03:37+00:00, 2026-12-01T21:03:37.123456Z …).
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[+-]\d{2}:?\d{2}|Z)")


def beijing_times(text: str) -> str:
    """Every aware ISO time in `text` as Beijing wall-clock time (the stored values are UTC)."""
    def convert(m: re.Match) -> str:
        try:
            t = dt.datetime.fromisoformat(m.group(0).replace("Z", "+00:00"))
        except ValueError:
            return m.group(0)
        return t.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")

    return _ISO_TIME.sub(convert, text)


def beijing_today() -> QDate:
    today = dt.datetime.now(BEIJING).date()
    return QDate(today.year, today.month, today.day)


class AuditTableModel(QAbstractTableModel):
    """Rows arrive page by page (canFetchMore/fetchMore) as the view scrolls, so a log of a million
    entries opens as fast as one of a hundred."""

    def __init__(self, service: AuditQueryService, actor: Actor, parent=None):
        super().__init__(parent)
        self.service, self.actor = service, actor
        self.filter = AuditFilter()
        self.rows: list[AuditRow] = []
        self.more = False  # another page follows (the whole filtered log is not counted: issue 21)
        self._cells: dict[tuple[int, int], str] = {}  # each cell's text, made once (the view asks many times)
        self.headers = [self.tr("序号"), self.tr("时间"), self.tr("用户"), self.tr("操作"), self.tr("对象"),
                        self.tr("编号"), self.tr("变更（前 → 后）"), self.tr("工作站")]

    def reload(self, f: AuditFilter) -> None:
        first = self.service.page(self.actor, f, 0, PAGE)  # raises UserError before anything changes
        self.beginResetModel()
        self.filter, self.rows, self.more = f, list(first.rows), first.more
        self._cells = {}
        self.endResetModel()

    @property
    def total(self) -> int | None:
        """How many entries match: known once the last page is loaded (None before)."""
        return None if self.more else len(self.rows)

    def canFetchMore(self, parent=QModelIndex()) -> bool:  # noqa: B008 - Qt signature
        return not parent.isValid() and self.more

    def fetchMore(self, parent=QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        page = self.service.page(self.actor, self.filter, len(self.rows), PAGE)
        self.more = page.more
        if not page.rows:
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(page.rows) - 1)
        self.rows.extend(page.rows)
        self.endInsertRows()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        key = (index.row(), index.column())
        text = self._cells.get(key)
        if text is None:  # each cell made once, when the view first asks (the changes only for rows scrolled to)
            r, col = self.rows[index.row()], index.column()
            text = self._cells[key] = (
                str(r.seq) if col == 0 else r.at_beijing if col == 1 else r.username if col == 2 else
                r.action if col == 3 else r.entity if col == 4 else (r.entity_id or "") if col == 5 else
                beijing_times(r.changes()) if col == 6 else r.workstation or "")
        return text if role == Qt.ItemDataRole.ToolTipRole or len(text) < 200 else text[:200] + "…"

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None


class AuditPage(QWidget):
    def __init__(self, service: AuditQueryService, actor: Actor, parent=None):
        super().__init__(parent)
        self.service, self.actor = service, actor
        self.model = AuditTableModel(service, actor, self)
        self.user = QComboBox()
        self.action = QComboBox()
        self.entity = QComboBox()
        today = beijing_today()  # the Beijing date, whatever the workstation's clock zone
        self.use_from, self.use_to = QCheckBox(self.tr("从")), QCheckBox(self.tr("至"))
        self.date_from = QDateEdit(today.addDays(-7), calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.date_to = QDateEdit(today, calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.text = QLineEdit(placeholderText=self.tr("搜索：对象编号、用户、变更内容"))
        self.search = QPushButton(self.tr("查询"))
        self.reset = QPushButton(self.tr("清除条件"))
        self.verify_button = QPushButton(self.tr("校验审计链"))
        self.count_label = QLabel()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.chain_result = MessageLine()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        # widths from the font for the longest usual value, not ResizeToContents: that asks every cell of every
        # loaded row for its size on each reload and scroll (tens of thousands of calls into Python: issue 21)
        em = self.table.fontMetrics().horizontalAdvance("0")
        for col, chars in enumerate((9, 20, 12, 26, 18, 10)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, max(chars * em + 12, header.sectionSizeHint(col)))
        header.setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        self.detail = QPlainTextEdit(readOnly=True)
        self.detail.setPlaceholderText(self.tr("选择一条记录查看变更前后的完整内容"))

        filters = QGridLayout()
        filters.addWidget(QLabel(self.tr("用户")), 0, 0)
        filters.addWidget(self.user, 0, 1)
        filters.addWidget(QLabel(self.tr("操作")), 0, 2)
        filters.addWidget(self.action, 0, 3)
        filters.addWidget(QLabel(self.tr("对象")), 0, 4)
        filters.addWidget(self.entity, 0, 5)
        dates = QHBoxLayout()
        for w in (self.use_from, self.date_from, self.use_to, self.date_to):
            dates.addWidget(w)
        dates.addStretch(1)
        filters.addLayout(dates, 1, 0, 1, 3)
        filters.addWidget(self.text, 1, 3, 1, 3)
        for col in (1, 3, 5):
            filters.setColumnStretch(col, 1)
        buttons = QHBoxLayout()
        for w in (self.search, self.reset):
            buttons.addWidget(w)
        buttons.addWidget(self.count_label, 1)
        buttons.addWidget(self.verify_button)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setSizes([600, 150])
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.chain_result)
        layout.addWidget(split, 1)

        self.search.clicked.connect(self.run_query)
        self.text.returnPressed.connect(self.run_query)
        self.reset.clicked.connect(self.clear_filters)
        self.verify_button.clicked.connect(self.verify)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        # the log's last entry when the page was last loaded: showing it again reloads only if that moved
        self._shown_seq: int | None = run(lambda: self.service.last_seq(self.actor))
        self.load_choices()
        self.run_query()

    def load_choices(self) -> None:
        choices = self.service.choices(self.actor)
        for combo, values in ((self.user, choices.usernames), (self.action, choices.actions),
                              (self.entity, choices.entities)):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("（全部）"), None)
            for v in values:
                combo.addItem(v, v)
            if current is not None and combo.findData(current) >= 0:
                combo.setCurrentIndex(combo.findData(current))
            combo.blockSignals(False)

    def current_filter(self) -> AuditFilter:
        def day(edit: QDateEdit) -> dt.date:
            d = edit.date()
            return dt.date(d.year(), d.month(), d.day())
        return AuditFilter(username=self.user.currentData(), action=self.action.currentData(),
                           entity=self.entity.currentData(),
                           date_from=day(self.date_from) if self.use_from.isChecked() else None,
                           date_to=day(self.date_to) if self.use_to.isChecked() else None,
                           text=self.text.text().strip() or None)

    def run_query(self) -> None:
        if run(lambda: self.model.reload(self.current_filter()), line=self.message, done="") is None:
            return
        self._show_count()
        self.detail.clear()

    def _show_count(self) -> None:
        n = len(self.model.rows)
        self.count_label.setText(self.tr("已显示 {n} 条，向下滚动查看更多").format(n=n) if self.model.more
                                 else self.tr("共 {n} 条").format(n=n))

    def clear_filters(self) -> None:
        for combo in (self.user, self.action, self.entity):
            combo.setCurrentIndex(0)
        self.use_from.setChecked(False)
        self.use_to.setChecked(False)
        self.text.clear()
        self.load_choices()
        self.run_query()

    def verify(self) -> None:
        """校验审计链 off the GUI thread (a million entries take a minute), with a bar and 取消; the button is
        disabled until it ends, so a second click starts nothing."""
        if not self.verify_button.isEnabled():
            return

        def done(check) -> None:
            self.verify_button.setEnabled(True)
            if check.ok:
                self.chain_result.show_ok(self.tr("审计链完整：共 {n} 条，未发现改动、删除或重排。").format(n=check.entries))
            else:
                self.chain_result.show_error(self.tr("审计链被破坏！第一处问题：{problem}").format(problem=check.problem))

        def failed(message: str) -> None:
            self.verify_button.setEnabled(True)
            if self.verifying.cancelled:
                self.chain_result.show_info(self.tr("已取消校验：未得出结论"))
            else:
                self.chain_result.show_error(message)

        self.verify_button.setEnabled(False)
        self.chain_result.show_info(self.tr("正在校验审计链…"))
        self.verifying = run_in_background(
            self, lambda report: self.service.verify(self.actor, progress=stopping(report)),
            label=self.tr("正在校验审计链…（只读）"), title=self.tr("校验审计链"), cancellable=True,
            on_success=done, on_failure=failed)

    def _show_detail(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        r = self.model.rows[current.row()]
        def dump(v) -> str:
            return json.dumps(v, ensure_ascii=False, indent=2, sort_keys=True) if v is not None else "—"
        self.detail.setPlainText(beijing_times(
            f"#{r.seq}  {r.at_beijing}  {r.username}  {r.action}  {r.entity} {r.entity_id or ''}\n"
            + self.tr("变更前：") + "\n" + dump(r.before) + "\n" + self.tr("变更后：") + "\n" + dump(r.after)))

    def showEvent(self, event) -> None:  # new entries since the page was last shown
        last = run(lambda: self.service.last_seq(self.actor), line=self.message)
        if last is None or last != self._shown_seq:  # nothing new: the page stays as it was (issue 21)
            self._shown_seq = last
            self.load_choices()
            self.run_query()
        super().showEvent(event)
