"""值班总览 (dashboard): the panels an officer glances at — deadlines, active warnings, due plans,
who is on duty. Each area contributes a panel (a QWidget with a `refresh()` method); the page
refreshes them all when shown and every `interval_ms`. Above them, 新接报 (Ctrl+N) opens the intake
wizard: the officer lands here after signing in, so the first thing a call needs is one click away."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget


class DashboardPage(QWidget):
    def __init__(self, parent=None, interval_ms: int = 30_000):
        super().__init__(parent)
        self.panels: list[QWidget] = []
        outer = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.new_intake_button = QPushButton(self.tr("新接报 (Ctrl+N)"))
        self.new_intake_button.setVisible(False)  # until the incidents area says what it opens
        bar.addWidget(self.new_intake_button)
        bar.addStretch(1)
        outer.addLayout(bar)
        self._grid = QGridLayout()
        outer.addLayout(self._grid, 1)
        self._grid.setColumnStretch(0, 3)  # the left column holds the tables with most to read (deadlines, plans)
        self._grid.setColumnStretch(1, 2)
        self._timer = QTimer(self, interval=interval_ms, timeout=self.refresh)
        self._timer.start()

    def set_new_intake(self, open_wizard: Callable[[], object]) -> None:
        """Show 新接报 and make it call `open_wizard` (the incidents page's Ctrl+N action)."""
        self.new_intake_button.clicked.connect(lambda: open_wizard())
        self.new_intake_button.setVisible(True)

    def add_panel(self, title: str, panel: QWidget, row: int, column: int, row_span: int = 1, column_span: int = 1) -> None:
        box = QGroupBox(title)
        QVBoxLayout(box).addWidget(panel)
        self._grid.addWidget(box, row, column, row_span, column_span)
        self.panels.append(panel)

    def refresh(self) -> None:
        for panel in self.panels:
            refresh = getattr(panel, "refresh", None)
            if refresh is not None:
                refresh()

    def showEvent(self, event) -> None:
        self.refresh()
        super().showEvent(event)
