"""A read-only table model over plain rows, with a proxy that filters on free text.

Columns are (header, function row → shown value[, function row → sort key]). The sort key goes
in UserRole so sorting compares numbers and dates, not their display strings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView

from .theme import compact_table


def row_table(model) -> QTableView:
    """A read-only table view of `model` where a click selects one whole row (no row numbers)."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    compact_table(view)
    return view


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]
    sort_key: Callable[[Any], Any] | None = None


class RowsTableModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[Column], rows: Sequence[Any] = (), parent=None):
        super().__init__(parent)
        self.columns = list(columns)
        self.rows = list(rows)
        self._sort: tuple[int, Qt.SortOrder] | None = None  # the view's sort, kept across set_rows

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = self._sorted(list(rows))
        self.endResetModel()

    def _sorted(self, rows: list[Any]) -> list[Any]:
        """The rows in the view's order: one Python sort by each row's key (the proxy's per-pair lessThan, a call
        back into Python for every comparison, took most of a 500-row list's reload: issue 21)."""
        if self._sort is None or not 0 <= self._sort[0] < len(self.columns):
            return rows
        column, order = self._sort
        col = self.columns[column]
        keyf = col.sort_key or col.value
        reverse = order == Qt.SortOrder.DescendingOrder
        try:
            return sorted(rows, key=keyf, reverse=reverse)
        except TypeError:  # mixed kinds (None among dates…): compare as text, as lessThan does
            return sorted(rows, key=lambda r: str(keyf(r)), reverse=reverse)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        tagged = [(id(r), r) for r in self.rows]
        rows = self._sorted([r for _, r in tagged])
        where = {id(r): k for k, r in enumerate(rows)}
        self.rows = rows
        self.changePersistentIndexList(before, [self.index(where[id(tagged[i.row()][1])], i.column())
                                                if i.isValid() and i.row() < len(tagged) else QModelIndex()
                                                for i in before])
        self.layoutChanged.emit()

    def append_rows(self, rows: Sequence[Any]) -> None:
        """The next page (a list that fetches more as the user scrolls): added below, then kept in the view's order."""
        if not rows:
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rows) - 1)
        self.rows.extend(rows)
        self.endInsertRows()
        if self._sort is not None:
            self.sort(*self._sort)

    def replace_row(self, index: int, row: Any) -> None:
        """One row changed: repaint that row only (the rest of the list is not rebuilt)."""
        self.rows[index] = row
        self.dataChanged.emit(self.index(index, 0), self.index(index, len(self.columns) - 1))

    def remove_row(self, index: int) -> None:
        self.beginRemoveRows(QModelIndex(), index, index)
        del self.rows[index]
        self.endRemoveRows()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, col = self.rows[index.row()], self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = col.value(row)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.UserRole:
            return (col.sort_key or col.value)(row)
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section].header
        return None


class SortProxy(QSortFilterProxyModel):
    """Sorts by each column's key (UserRole). No filter of its own: a Python filterAcceptsRow is a call back into
    Python for every row of every reset (0.24 of a 500-line list's 0.27 ms), so a list filtered by its service
    (事件, 预警) takes this one."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(Qt.ItemDataRole.UserRole)
        self.setSortLocaleAware(True)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """A RowsTableModel sorts its own rows (one key sort); the proxy then only filters."""
        source = self.sourceModel()
        if isinstance(source, RowsTableModel):
            source.sort(column, order)
            return
        super().sort(column, order)

    def lessThan(self, left: QModelIndex, right: QModelIndex) -> bool:
        a, b = left.data(Qt.ItemDataRole.UserRole), right.data(Qt.ItemDataRole.UserRole)
        try:
            return a < b
        except TypeError:
            return str(a) < str(b)


class TextFilterProxy(SortProxy):
    """Keeps rows where every whitespace-separated term appears in some column."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.terms: list[str] = []

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self.terms = text.lower().split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:
        if not self.terms:
            return True
        model = self.sourceModel()
        text = " ".join(str(model.data(model.index(source_row, c, source_parent)) or "")
                        for c in range(model.columnCount())).lower()
        return all(t in text for t in self.terms)
