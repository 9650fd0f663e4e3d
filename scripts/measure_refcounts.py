"""Measure whether void Qt calls leak references to the None/True/False singletons.

PySide6-Essentials 6.12.0 on CPython 3.11 takes one reference from None on every call of a Qt
method that returns nothing; when the count reaches zero the interpreter aborts
("none_dealloc: deallocating None"). Run under each candidate pin:

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/measure_refcounts.py
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import PySide6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QTableWidget, QTableWidgetItem


def counts() -> tuple[int, int, int]:
    return sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)


def drift(action, times: int) -> tuple[int, int, int]:
    action()  # warm-up: first calls may cache
    before = counts()
    for _ in range(times):
        action()
    after = counts()
    return tuple(a - b for a, b in zip(after, before, strict=True))


def main() -> int:
    app = QApplication.instance() or QApplication([])
    label = QLabel()
    item = QTableWidgetItem()
    table = QTableWidget(20, 5)
    for r in range(20):
        for c in range(5):
            table.setItem(r, c, QTableWidgetItem(f"{r},{c}"))
    table.resize(400, 300)
    table.show()
    results = {
        "1000 x QLabel.setText": drift(lambda: label.setText("y"), 1000),
        "1000 x QTableWidgetItem.setData(role, None)": drift(lambda: item.setData(Qt.ItemDataRole.UserRole, None), 1000),
        "1000 x QLabel.setVisible(True)": drift(lambda: label.setVisible(True), 1000),
        "50 x QTableWidget repaint": drift(lambda: (table.viewport().update(), app.processEvents()), 50),
    }
    print(f"PySide6 {PySide6.__version__}, Python {sys.version.split()[0]}")
    worst = 0
    for name, (n, t, f) in results.items():
        print(f"  {name:48s} None {n:+6d}  True {t:+6d}  False {f:+6d}")
        worst = min(worst, n, t, f)
    return 1 if worst < -10 else 0


if __name__ == "__main__":
    sys.exit(main())
