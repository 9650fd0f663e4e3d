"""排班表: the month grid (holidays highlighted), generate from a rotation, drag to move, conflicts flagged
before saving, adjust and swap dialogs, Excel export and printing.

A generated month is a preview until saved: drags and the adjust dialog change the preview, the conflicts
are recomputed at once, and saving asks the user to accept the conflicts that remain. On a saved month the
same gestures change the saved lines (one transaction each, audited); a change that creates a new conflict
asks first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import QAbstractTableModel, QDate, QMimeData, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..config import pick
from ..domain.clock import BEIJING
from ..domain.permissions import allowed
from ..domain.rotation import DUTY_ROLE_LABELS, LEADER, OFFICER, PATTERN_LABELS, PATTERNS
from ..services.actor import Actor
from ..services.errors import lang
from ..services.exports import ReportExporter
from ..services.roster import (
    Candidates,
    ConflictView,
    EntryChange,
    EntryView,
    MonthView,
    PlannedEntry,
    RosterConflicts,
    RosterService,
    month_table,
)
from .beijing_time import beijing_qdt, from_beijing_qdt, select_section_on_click
from .number_box import NumberBox
from .operations import run
from .print_support import PrintActions, add_print_actions

MIME = "application/x-dutyroom-roster-cell"
FIRST_CELL_COL = 3  # 日期, 星期, 日别, then the (shift, role) cells
DAY_COLOURS = {"holiday": QColor("#fde2e2"), "makeup": QColor("#fff4cc"), "weekend": QColor("#eeeeee")}
CONFLICT_COLOUR = QColor("#c62828")


def _l(pair: tuple[str, str]) -> str:
    return pick(pair[0], pair[1])


# ---------------------------------------------------------------- the grid model


class RosterGridModel(QAbstractTableModel):
    """The month's rows (services.roster.month_table: the same rows the Excel export writes)."""

    cellDropped = Signal(int, int, int, int)  # source row, column → target row, column

    def __init__(self, parent=None):
        super().__init__(parent)
        self.view: MonthView | None = None
        self.headers: list[str] = []
        self.rows: list[list] = []

    def set_view(self, view: MonthView | None) -> None:
        self.beginResetModel()
        self.view = view
        self.headers, self.rows = month_table(view) if view else ([], [])
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def shown(self, row: int, col: int) -> str:
        value = self.rows[row][col]
        return value.isoformat() if isinstance(value, dt.date) else str(value)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.view is None:
            return None
        r, c = index.row(), index.column()
        day = self.view.rows[r]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.shown(r, c)
        if role == Qt.ItemDataRole.BackgroundRole and day.day_kind in DAY_COLOURS:
            return QBrush(DAY_COLOURS[day.day_kind])
        if role == Qt.ItemDataRole.ForegroundRole and day.conflicts and (c == len(self.headers) - 1 or c == 0):
            return QBrush(CONFLICT_COLOUR)
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    # ------------------------------------------------------------ drag and drop of cells

    def is_cell(self, col: int) -> bool:
        return FIRST_CELL_COL <= col < len(self.headers) - 1

    def cell_key(self, row: int, col: int) -> tuple[dt.date, str, str]:
        shift, role = self.view.columns[col - FIRST_CELL_COL]
        return self.view.rows[row].day, shift, role

    def flags(self, index: QModelIndex):
        base = super().flags(index)
        if index.isValid() and self.is_cell(index.column()):
            return base | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled
        return base

    def supportedDropActions(self):
        return Qt.DropAction.CopyAction  # never let the view remove the source rows

    def supportedDragActions(self):
        return Qt.DropAction.CopyAction

    def mimeTypes(self) -> list[str]:
        return [MIME]

    def mimeData(self, indexes):
        data = QMimeData()
        if indexes:
            data.setData(MIME, f"{indexes[0].row()},{indexes[0].column()}".encode())
        return data

    def canDropMimeData(self, data, action, row, column, parent) -> bool:
        return data.hasFormat(MIME) and parent.isValid() and self.is_cell(parent.column())

    def dropMimeData(self, data, action, row, column, parent) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        src_row, src_col = (int(x) for x in bytes(data.data(MIME)).decode().split(","))
        self.cellDropped.emit(src_row, src_col, parent.row(), parent.column())
        return False  # the page rebuilds the model; nothing for the view to do


# ---------------------------------------------------------------- dialogs (factories tests monkeypatch)


@dataclass(frozen=True)
class GenerateRequest:
    pattern: str
    officers: tuple[int, ...]
    leaders: tuple[int, ...]
    officer_start: int | None  # None: continue from the month before
    leader_start: int | None
    officers_per_shift: int
    make_default: bool = False  # this pattern is the one the page proposes from now on (the setting of first start)


def _ordered_list(options, parent) -> QListWidget:
    widget = QListWidget(parent)
    widget.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
    for p in options:
        item = QListWidgetItem(p.name)
        item.setData(Qt.ItemDataRole.UserRole, p.person_id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked)
        widget.addItem(item)
    return widget


def _checked(widget: QListWidget) -> tuple[int, ...]:
    return tuple(widget.item(i).data(Qt.ItemDataRole.UserRole) for i in range(widget.count())
                 if widget.item(i).checkState() == Qt.CheckState.Checked)


class GenerateDialog(QDialog):
    """排班方式, the ordered officers and leaders (drag to reorder, untick to leave out), where to start."""

    def __init__(self, candidates: Candidates, pattern: str | None, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("按轮换生成排班"))
        self.pattern = QComboBox()
        for key in PATTERNS:
            self.pattern.addItem(self.tr(PATTERN_LABELS[key][0]), key)
        if pattern in PATTERNS:
            self.pattern.setCurrentIndex(self.pattern.findData(pattern))
        self.make_default = QCheckBox(self.tr("以后默认用这种排班方式"))
        self.officers = _ordered_list(candidates.officers, self)
        self.leaders = _ordered_list(candidates.leaders, self)
        self.officer_start = QComboBox()
        self.leader_start = QComboBox()
        for combo, options in ((self.officer_start, candidates.officers), (self.leader_start, candidates.leaders)):
            combo.addItem(self.tr("接续上月轮换"), None)
            for p in options:
                combo.addItem(p.name, p.person_id)
        self.per_shift = NumberBox()
        self.per_shift.setRange(1, max(1, len(candidates.officers)))
        form = QFormLayout(self)
        form.addRow(self.tr("排班方式"), self.pattern)
        form.addRow("", self.make_default)
        form.addRow(self.tr("值班员（拖动调整顺序）"), self.officers)
        form.addRow(self.tr("带班领导（拖动调整顺序）"), self.leaders)
        form.addRow(self.tr("月初第一班值班员"), self.officer_start)
        form.addRow(self.tr("月初第一天带班领导"), self.leader_start)
        form.addRow(self.tr("每班值班员人数"), self.per_shift)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def result_value(self) -> GenerateRequest:
        officers, leaders = _checked(self.officers), _checked(self.leaders)

        def start(combo: QComboBox, people: tuple[int, ...]) -> int | None:
            pid = combo.currentData()
            return people.index(pid) if pid in people else None

        return GenerateRequest(self.pattern.currentData(), officers, leaders, start(self.officer_start, officers),
                               start(self.leader_start, leaders), self.per_shift.value(), self.make_default.isChecked())

    @classmethod
    def ask(cls, parent, candidates: Candidates, pattern: str | None) -> GenerateRequest | None:
        dialog = cls(candidates, pattern, parent)
        return dialog.result_value() if dialog.exec() == QDialog.DialogCode.Accepted else None


@dataclass(frozen=True)
class AdjustRequest:
    index: int  # which of the cell's people
    person_id: int
    shift_date: dt.date
    shift_name: str


class AdjustDialog(QDialog):
    """调整一条排班: who, which day, which shift."""

    def __init__(self, people: list[tuple[int, str]], options, day: dt.date, shift: str, shifts: list[str],
                 parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("调整排班"))
        self.which = QComboBox()
        for i, (_pid, name) in enumerate(people):
            self.which.addItem(name, i)
        self.person = QComboBox()
        for p in options:
            self.person.addItem(p.name, p.person_id)
        if people:
            self.person.setCurrentIndex(max(0, self.person.findData(people[0][0])))
        self.day = QDateEdit(QDate(day.year, day.month, day.day))
        self.day.setCalendarPopup(True)
        self.shift = QComboBox()
        self.shift.addItems(shifts)
        self.shift.setCurrentText(shift)
        form = QFormLayout(self)
        form.addRow(self.tr("原排班人员"), self.which)
        form.addRow(self.tr("改为"), self.person)
        form.addRow(self.tr("日期"), self.day)
        form.addRow(self.tr("班次"), self.shift)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @classmethod
    def ask(cls, parent, people, options, day, shift, shifts) -> AdjustRequest | None:
        d = cls(people, options, day, shift, shifts, parent)
        if d.exec() != QDialog.DialogCode.Accepted or d.which.currentIndex() < 0:
            return None
        q = d.day.date()
        return AdjustRequest(d.which.currentData(), d.person.currentData(), dt.date(q.year(), q.month(), q.day()),
                             d.shift.currentText())


@dataclass(frozen=True)
class SwapRequest:
    entry_id: int
    to_person_id: int
    from_consent_at: dt.datetime
    to_consent_at: dt.datetime
    reason: str


class SwapDialog(QDialog):
    """换班: who gives the shift, who takes it, when each consented, why."""

    def __init__(self, entries: list[EntryView], options, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("登记换班（须双方同意）"))
        self.entry = QComboBox()
        for e in entries:
            self.entry.addItem(e.person_name, e.id)
        self.to_person = QComboBox()
        for p in options:
            self.to_person.addItem(p.name, p.person_id)
        self.from_consent = select_section_on_click(QDateTimeEdit(beijing_qdt(dt.datetime.now(BEIJING))))
        self.to_consent = select_section_on_click(QDateTimeEdit(beijing_qdt(dt.datetime.now(BEIJING))))
        for w in (self.from_consent, self.to_consent):
            w.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.reason = QLineEdit()
        form = QFormLayout(self)
        form.addRow(self.tr("原值班人"), self.entry)
        form.addRow(self.tr("接替人"), self.to_person)
        form.addRow(self.tr("原值班人同意时间"), self.from_consent)
        form.addRow(self.tr("接替人同意时间"), self.to_consent)
        form.addRow(self.tr("事由及确认方式"), self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @classmethod
    def ask(cls, parent, entries: list[EntryView], options) -> SwapRequest | None:
        d = cls(entries, options, parent)
        if d.exec() != QDialog.DialogCode.Accepted or d.entry.currentIndex() < 0:
            return None
        return SwapRequest(d.entry.currentData(), d.to_person.currentData(), from_beijing_qdt(d.from_consent.dateTime()),
                           from_beijing_qdt(d.to_consent.dateTime()), d.reason.text())


class ConflictPrompt:
    """Ask whether to save despite conflicts (tests monkeypatch `confirm`)."""

    @staticmethod
    def confirm(parent, conflicts: tuple[ConflictView, ...] | list[ConflictView]) -> bool:
        text = "\n".join(c.text for c in conflicts[:15])
        more = "" if len(conflicts) <= 15 else f"\n……（共 {len(conflicts)} 处）"
        answer = QMessageBox.question(parent, parent.tr("排班冲突"),
                                      parent.tr("排班存在以下冲突：") + f"\n{text}{more}\n\n" + parent.tr("仍然保存吗？"))
        return answer == QMessageBox.StandardButton.Yes


# ---------------------------------------------------------------- the page


class RosterPage(QWidget):
    def __init__(self, service: RosterService, actor: Actor, district: str = "", today: dt.date | None = None,
                 parent=None, *, exporter: ReportExporter | None = None):
        super().__init__(parent)
        self.svc, self.actor, self.district = service, actor, district
        self.exporter = exporter  # the month as PDF and Excel (None: no print buttons)
        self.print_actions: PrintActions | None = None
        self._print_month: tuple[int, int] = (0, 0)  # the month shown (set with each view)
        today = today or dt.datetime.now(BEIJING).date()
        self.planned: list[PlannedEntry] | None = None  # a generated month not yet saved
        self.pattern: str | None = None
        self.month_edit = QDateEdit(QDate(today.year, today.month, 1))
        self.month_edit.setDisplayFormat("yyyy-MM" if lang() == "en" else "yyyy年M月")  # no 年/月 in English
        self.month_edit.dateChanged.connect(lambda _d: self.reload())
        can_edit = allowed(actor.roles, "roster.edit")
        self.generate_button = QPushButton(self.tr("按轮换生成…"), clicked=self.generate)
        self.save_button = QPushButton(self.tr("保存排班"), clicked=self.save)
        self.discard_button = QPushButton(self.tr("放弃预览"), clicked=self.discard)
        self.adjust_button = QPushButton(self.tr("调整…"), clicked=self.adjust)
        self.swap_button = QPushButton(self.tr("换班…"), clicked=self.swap)
        for b in (self.generate_button, self.adjust_button):
            b.setVisible(can_edit)
        self.swap_button.setVisible(allowed(actor.roles, "roster.swap"))
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("月份")))
        for w in (self.month_edit, self.generate_button, self.save_button, self.discard_button, self.adjust_button,
                  self.swap_button):
            bar.addWidget(w)
        bar.addStretch(1)
        self.export_button: QPushButton | None = None
        if exporter is not None:
            self.print_actions = add_print_actions(bar, self, title=self.tr("排班表"), make_pdf=self._make_pdf,
                                                   make_xlsx=self._make_xlsx)
            self.print_actions.set_enabled(False)
            self.print_actions.saved.connect(lambda _kind, path: self.state.setText(
                self.tr("已导出：{path}").format(path=path)))
            self.export_button = self.print_actions.buttons["xlsx"]
        self.state = QLabel()
        self.conflicts = QLabel()
        self.conflicts.setWordWrap(True)
        self.conflicts.setStyleSheet("color: #c62828")
        legend = QLabel(self.tr("图例：红底为法定节假日，黄底为调休上班日，灰底为休息日；可将一格拖到另一格对调人员。"))
        self.model = RosterGridModel(self)
        self.model.cellDropped.connect(self.drop_cell)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setDragEnabled(can_edit)
        self.table.setAcceptDrops(can_edit)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop if can_edit
                                   else QAbstractItemView.DragDropMode.NoDragDrop)
        self.table.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.table.setDropIndicatorShown(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setMinimumSectionSize(72)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.state)
        layout.addWidget(self.conflicts)
        layout.addWidget(self.table, 1)
        layout.addWidget(legend)
        self.reload()

    # ------------------------------------------------------------ state

    @property
    def year_month(self) -> tuple[int, int]:
        d = self.month_edit.date()
        return d.year(), d.month()

    def reload(self) -> None:
        """The saved month (dropping any unsaved preview of another month)."""
        self.planned = None
        year, month = self.year_month
        view = run(lambda: self.svc.month(self.actor, year, month), parent=self, title=self.tr("排班"))
        if view is None:
            return
        self.pattern = view.pattern
        self._show(view)

    def _show(self, view: MonthView) -> None:
        self.model.set_view(view)
        preview = self.planned is not None
        self.save_button.setVisible(preview)
        self.discard_button.setVisible(preview)
        self.swap_button.setEnabled(not preview)
        self._print_state(view, preview)
        year, month = self.year_month
        if preview:
            self.state.setText(self.tr("{y}年{m}月排班预览（尚未保存）").format(y=year, m=month))
        elif view.entries:
            self.state.setText(self.tr("{y}年{m}月排班（已保存，{n} 条）").format(y=year, m=month, n=len(view.entries)))
        else:
            self.state.setText(self.tr("{y}年{m}月尚未排班").format(y=year, m=month))
        if not view.calendar_covered:
            self.state.setText(self.state.text() + self.tr("；注意：工作日历未覆盖本年，节假日按周一至周五计"))
        if view.conflicts:
            self.conflicts.setText(self.tr("冲突 {n} 处：").format(n=len(view.conflicts))
                                   + "；".join(c.text for c in view.conflicts[:8])
                                   + ("……" if len(view.conflicts) > 8 else ""))
        else:
            self.conflicts.setText("")

    # ------------------------------------------------------------ generate, preview, save

    def generate(self) -> None:
        year, month = self.year_month
        cands = run(lambda: self.svc.candidates(self.actor), parent=self, title=self.tr("排班"))
        if cands is None:
            return
        request = GenerateDialog.ask(self, cands, self.pattern)
        if request is None:
            return
        view = run(lambda: self.svc.propose(self.actor, year, month, pattern=request.pattern, officers=request.officers,
                                            leaders=request.leaders, officer_start=request.officer_start,
                                            leader_start=request.leader_start,
                                            officers_per_shift=request.officers_per_shift),
                   parent=self, title=self.tr("排班"))
        if view is None:
            return
        self.pattern = request.pattern
        if request.make_default:
            run(lambda: self.svc.set_default_pattern(self.actor, request.pattern), parent=self, title=self.tr("排班"))
        self.planned = [PlannedEntry(e.shift_date, e.shift_name, e.person_id, e.role) for e in view.entries]
        self._show(view)

    def _refresh_preview(self) -> None:
        year, month = self.year_month
        self._show(self.svc.preview(self.actor, year, month, pattern=self.pattern, entries=self.planned))

    def save(self) -> None:
        if self.planned is None:
            return
        year, month = self.year_month
        view = self.model.view
        accept = False
        if view is not None and view.conflicts:
            if not ConflictPrompt.confirm(self, view.conflicts):
                return
            accept = True
        # the service may still list conflicts: the days around changed meanwhile
        if self._confirming(lambda a: self.svc.save_month(self.actor, year, month, pattern=self.pattern,
                                                          entries=self.planned, accept_conflicts=a), accept):
            self.reload()

    def discard(self) -> None:
        self.reload()

    # ------------------------------------------------------------ adjusting

    def _saved_in(self, row: int, col: int) -> list[EntryView]:
        day, shift, role = self.model.cell_key(row, col)
        return [e for e in self.model.view.entries if (e.shift_date, e.shift_name, e.role) == (day, shift, role)
                and e.id is not None]

    def _confirming(self, change: Callable[[bool], object], accept: bool = False) -> bool:
        """Make a roster change (`change(accept_conflicts)`); when the service refuses it for conflicts, ask,
        and make it again accepting them. False: not made (declined, or refused with the error shown)."""
        def attempt() -> bool:
            try:
                change(accept)
            except RosterConflicts as exc:
                if not ConflictPrompt.confirm(self, exc.conflicts):
                    return False
                change(True)
            return True

        return bool(run(attempt, parent=self, title=self.tr("排班")))  # None (refused) or False (declined)

    def _apply_changes(self, changes: list[EntryChange]) -> None:
        self._confirming(lambda a: self.svc.adjust(self.actor, changes, accept_conflicts=a))
        self.reload()

    def drop_cell(self, src_row: int, src_col: int, dst_row: int, dst_col: int) -> None:
        """Drag one cell onto another of the same role: the people of the two cells change places."""
        if (src_row, src_col) == (dst_row, dst_col) or self.model.view is None:
            return
        src, dst = self.model.cell_key(src_row, src_col), self.model.cell_key(dst_row, dst_col)
        if src[2] != dst[2]:
            QMessageBox.information(self, self.tr("排班"), self.tr("值班员与带班领导不能互换，请拖到同一类格子"))
            return
        if self.planned is not None:
            moved = []
            for e in self.planned:
                key = (e.shift_date, e.shift_name, e.role)
                if key == src:
                    e = replace(e, shift_date=dst[0], shift_name=dst[1])
                elif key == dst:
                    e = replace(e, shift_date=src[0], shift_name=src[1])
                moved.append(e)
            self.planned = moved
            self._refresh_preview()
            return
        shift_ids = {s.name: s.id for s in self.model.view.shifts}
        changes = [EntryChange(e.id, shift_date=dst[0], shift_id=shift_ids[dst[1]]) for e in self._saved_in(src_row, src_col)]
        changes += [EntryChange(e.id, shift_date=src[0], shift_id=shift_ids[src[1]])
                    for e in self._saved_in(dst_row, dst_col)]
        if changes:
            self._apply_changes(changes)

    def _selected_cell(self) -> tuple[int, int] | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.model.is_cell(index.column()):
            QMessageBox.information(self, self.tr("排班"), self.tr("请先选中一个值班员或带班领导格子"))
            return None
        return index.row(), index.column()

    def adjust(self) -> None:
        cell = self._selected_cell()
        if cell is None:
            return
        day, shift, role = self.model.cell_key(*cell)
        cands = self.svc.candidates(self.actor)
        options = cands.officers if role == OFFICER else cands.leaders
        shifts = [s.name for s in self.model.view.shifts]
        if self.planned is not None:
            people = [(e.person_id, next((p.name for p in options if p.person_id == e.person_id), "")) for e in self.planned
                      if (e.shift_date, e.shift_name, e.role) == (day, shift, role)]
        else:
            saved = self._saved_in(*cell)
            people = [(e.person_id, e.person_name) for e in saved]
        if not people:
            QMessageBox.information(self, self.tr("排班"), self.tr("该格没有排班人员"))
            return
        request = AdjustDialog.ask(self, people, options, day, shift, shifts)
        if request is None:
            return
        if self.planned is not None:
            hits = [i for i, e in enumerate(self.planned) if (e.shift_date, e.shift_name, e.role) == (day, shift, role)]
            i = hits[request.index]
            self.planned[i] = PlannedEntry(request.shift_date, request.shift_name, request.person_id, role)
            self._refresh_preview()
            return
        entry = saved[request.index]
        shift_ids = {s.name: s.id for s in self.model.view.shifts}
        self._apply_changes([EntryChange(entry.id, shift_date=request.shift_date,
                                         shift_id=shift_ids[request.shift_name], person_id=request.person_id)])

    def swap(self) -> None:
        cell = self._selected_cell()
        if cell is None:
            return
        saved = self._saved_in(*cell)
        if not saved:
            QMessageBox.information(self, self.tr("排班"), self.tr("该格没有已保存的排班"))
            return
        cands = self.svc.candidates(self.actor)
        options = cands.officers if saved[0].role == OFFICER else cands.leaders
        request = SwapDialog.ask(self, saved, options)
        if request is None:
            return
        kwargs = dict(from_consent_at=request.from_consent_at, to_consent_at=request.to_consent_at,
                      reason=request.reason)
        self._confirming(lambda a: self.svc.swap(self.actor, request.entry_id, request.to_person_id,
                                                 accept_conflicts=a, **kwargs))
        self.reload()

    # ------------------------------------------------------------ print and save (the shared print buttons)

    def _print_state(self, view: MonthView, preview: bool) -> None:
        """Printable: a saved month with entries; an unsaved preview must be saved first (the printed roster is
        the one on record)."""
        self._print_month = self.year_month
        if self.print_actions is None:
            return
        reason = self.tr("请先保存排班再打印") if preview else self.tr("本月尚未排班")
        self.print_actions.set_enabled(bool(view.entries) and not preview, reason=reason)
        y, m = self._print_month
        self.print_actions.default_name = self.tr("值班表{y}年{m}月").format(y=y, m=m)

    def _make_pdf(self, path) -> None:
        y, m = self._print_month  # the month shown when the button was pressed (the worker reads no widget)
        self.exporter.roster_month_pdf(self.actor, y, m, path)

    def _make_xlsx(self, path) -> None:
        y, m = self._print_month
        self.exporter.roster_month_xlsx(self.actor, y, m, path)


def role_text(role: str) -> str:
    return _l(DUTY_ROLE_LABELS[role]) if role in (OFFICER, LEADER) else role
