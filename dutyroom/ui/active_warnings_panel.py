"""生效预警 (dashboard panel): the warnings in force by colour, red first, each with its age and how
many of its response measures are done."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..domain.vocabulary import COLOUR_ORDER
from ..services.warnings import ActiveWarning, WarningService
from .warning_dialogs import age_text, chip_css, colour_name


class ActiveWarningsPanel(QWidget):
    open_requested = Signal(int)

    def __init__(self, svc: WarningService, clock: Callable[[], dt.datetime] | None = None, parent=None):
        super().__init__(parent)
        self.svc = svc
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.chips: dict[str, QLabel] = {}
        grid = QGridLayout()
        for i, colour in enumerate(COLOUR_ORDER):
            chip = QLabel(styleSheet=chip_css(colour.value))
            chip.setMinimumHeight(36)
            chip.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            self.chips[colour.value] = chip
            grid.addWidget(chip, i // 2, i % 2)  # 2 × 2: leaves the dashboard's width to the deadline table
        self.list = QListWidget()
        # long titles wrap within the panel: no sideways scrolling to read the end of a line
        self.list.setWordWrap(True)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.itemActivated.connect(lambda item: self.open_requested.emit(item.data(Qt.ItemDataRole.UserRole)))
        self.empty = QLabel(self.tr("当前没有生效的预警。发布或登记预警请到“预警发布”页。"), wordWrap=True)
        self.empty.setObjectName("emptyHint")
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.empty)
        layout.addWidget(self.list)
        self.refresh()

    def refresh(self) -> None:
        board = self.svc.active_by_colour(self.clock())
        self.list.clear()
        for colour, active in board.items():
            self.chips[colour].setText(self.tr("{colour} {n} 条").format(colour=colour_name(colour), n=len(active)))
            for a in active:
                self.list.addItem(self._item(a))
        has_any = self.list.count() > 0
        self.empty.setVisible(not has_any)
        self.list.setVisible(has_any)

    def _item(self, a: ActiveWarning) -> QListWidgetItem:
        text = self.tr("【{colour}】{title} — 已生效 {age}；措施 {done}/{total}").format(
            colour=colour_name(a.colour), title=a.title, age=age_text(a.age), done=a.measures_done,
            total=a.measures_total)
        if a.status == "lift_pending":
            text += self.tr("（解除审批中）")
        elif a.status == "lift_approved":
            text += self.tr("（已批准解除，待解除）")
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, a.id)
        return item
