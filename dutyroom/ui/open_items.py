"""What the officer has open (page, incident tabs, dialogs), for the crash marker.

Sampled every few seconds rather than hooked into every page: the marker only needs to be roughly
current, and the pages stay unaware of it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QTabWidget, QWidget


def describe(window: QMainWindow) -> list[str]:
    items: list[str] = []
    nav, pages = getattr(window, "nav", None), getattr(window, "pages", None)
    if nav is not None and nav.currentItem() is not None:
        items.append(nav.currentItem().text())
    page = pages.currentWidget() if pages is not None else None
    if isinstance(page, QWidget):
        for tabs in page.findChildren(QTabWidget):
            if tabs.isVisibleTo(page):
                items.extend(tabs.tabText(i) for i in range(1, tabs.count()))  # tab 0 is the page's own list
    for top in QApplication.topLevelWidgets():
        if isinstance(top, QDialog) and top.isVisible() and top.windowTitle():
            items.append(top.windowTitle())
    return items


class OpenItemsTracker(QObject):
    def __init__(self, window: QMainWindow, note: Callable[[list[str]], None], interval_ms: int = 5000):
        super().__init__(window)
        self.window, self.note = window, note
        self.timer = QTimer(self, interval=interval_ms, timeout=self.sample)
        self.timer.start()
        self.sample()

    def sample(self) -> None:
        self.note(describe(self.window))
