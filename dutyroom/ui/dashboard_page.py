"""值班总览 (dashboard): the panels an officer glances at — deadlines, active warnings, due plans,
who is on duty. Each area contributes a panel (a QWidget with a `refresh()` method); the page
refreshes them all when shown and every `interval_ms`. A panel loads what it shows when it is made, so the
first show just after the panels were made (the signed-in window's first paint) does not load it all again.
Above them, 新接报 (Ctrl+N) opens the intake wizard: the officer lands here after signing in, so the first thing
a call needs is one click away."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ..services.errors import explain
from .operations import MessageLine

log = logging.getLogger(__name__)
FRESH_S = 1.0  # rows loaded this recently are shown as they are


class DashboardPage(QWidget):
    def __init__(self, parent=None, interval_ms: int = 30_000):
        super().__init__(parent)
        self.panels: list[QWidget] = []
        self._loaded_at = float("-inf")  # when the last panel was made (and loaded its rows)
        outer = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.new_intake_button = QPushButton(self.tr("新接报 (Ctrl+N)"))
        self.new_intake_button.setVisible(False)  # until the incidents area says what it opens
        bar.addWidget(self.new_intake_button)
        self.problem = MessageLine()  # a refresh the database refused (a lost server, a locked file): said, not raised
        bar.addWidget(self.problem, 1)
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
        self._loaded_at = time.monotonic()

    def mark_changed(self) -> None:
        """Something was written since the panels loaded: the next show reloads them, however soon it comes."""
        self._loaded_at = float("-inf")

    def refresh(self) -> None:
        """Every panel; a panel the database cannot serve now keeps what it showed, and the page says why (the
        next refresh, 30 s later, tries again) instead of an error box every half minute."""
        problems = []
        for panel in self.panels:
            refresh = getattr(panel, "refresh", None)
            if refresh is None:
                continue
            try:
                refresh()
            except Exception as exc:
                text = explain(exc)
                if text is None:
                    raise
                log.warning("dashboard refresh: %s", text)
                problems.append(text)
        self.problem.setText(self.tr("刷新失败，显示的是上次的内容：{text}").format(text=problems[0]) if problems else "")

    def showEvent(self, event) -> None:
        if time.monotonic() - self._loaded_at > FRESH_S:  # not what the panels loaded a moment ago (issue 21)
            self.refresh()
        super().showEvent(event)
