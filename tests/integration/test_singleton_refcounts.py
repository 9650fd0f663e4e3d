"""Void Qt calls keep their references to None, True and False.

PySide6-Essentials 6.12.0 on CPython 3.11 took one reference from None on each call of a Qt method
returning nothing (measured: 1,000 x QLabel.setText -> None -1,000); when the count reached zero the
interpreter aborted. requirements.txt pins a release that measured 0; this fails if a pin brings it back.
"""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QTableWidget, QTableWidgetItem

pytestmark = pytest.mark.gui
CALLS = 2000
SLACK = 20  # unrelated allocations may move a count by a few; the defect moves it by the number of calls


def counts() -> tuple[int, int, int]:
    return sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)


def lost(action) -> tuple[int, int, int]:
    action()
    before = counts()
    for _ in range(CALLS):
        action()
    return tuple(b - a for a, b in zip(counts(), before, strict=True))


@pytest.mark.parametrize("name,make_action", [
    ("QLabel.setText", lambda: (lambda w: lambda: w.setText("值班"))(QLabel())),
    ("QTableWidgetItem.setData(role, None)",
     lambda: (lambda i: lambda: i.setData(Qt.ItemDataRole.UserRole, None))(QTableWidgetItem())),
    ("QCheckBox.setChecked(True/False)", lambda: (lambda c: lambda: (c.setChecked(True), c.setChecked(False)))(QCheckBox())),
    ("QWidget.setVisible(False)", lambda: (lambda w: lambda: w.setVisible(False))(QLabel())),
])
def test_void_setters_keep_singleton_references(qtbot, name, make_action):
    none, true, false = lost(make_action())
    assert none < SLACK and true < SLACK and false < SLACK, f"{name}: lost None {none}, True {true}, False {false}"


def test_repainting_a_table_keeps_references_to_none(qtbot):
    table = QTableWidget(20, 5)
    qtbot.addWidget(table)
    for r in range(20):
        for c in range(5):
            table.setItem(r, c, QTableWidgetItem(f"{r}/{c}"))
    table.show()
    none, _, _ = lost(table.repaint)
    assert none < SLACK, f"{CALLS} repaints lost {none} references to None"
