"""Issue 22, keyboard first: Ctrl+/ lists the shortcuts, F1 the help with every page of the navigation,
Ctrl+F puts the cursor in the search box of each list page, the navigation is grouped (值班 / 预警与响应 /
资料 / 系统) with an icon on each page, and Tab walks every field and button of the main dialogs from the
first field down, never trapped in a text box."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from dutyroom.app import build_main_window
from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.auth import AuthService
from dutyroom.services.handover import HandoverService
from dutyroom.services.warnings import WarningService
from dutyroom.ui import theme
from dutyroom.ui.handover_dialog import HandoverDialog
from dutyroom.ui.help_dialog import HelpDialog, ShortcutsDialog
from dutyroom.ui.login_dialog import LoginDialog
from dutyroom.ui.main_window import GROUP_ROLE
from dutyroom.ui.users_page import UserDialog
from dutyroom.ui.warning_dialogs import WarningFormDialog

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(qtbot, desk):
    w = build_main_window(desk.db, load_profile("dongcheng"), desk["tangjun"])
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    return w


def _opened(monkeypatch, cls) -> list:
    shown = []
    monkeypatch.setattr(cls, "exec", lambda self: shown.append(self) or 0)
    return shown


def test_ctrl_slash_lists_the_shortcuts_and_f1_every_page(qtbot, window, monkeypatch):
    shortcuts, helps = _opened(monkeypatch, ShortcutsDialog), _opened(monkeypatch, HelpDialog)
    qtbot.keyClick(window, Qt.Key.Key_Slash, CTRL)
    assert len(shortcuts) == 1
    table = shortcuts[0].table
    keys = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert {"Ctrl+N", "Ctrl+L", "Ctrl+F", "Ctrl+/", "F1"} <= set(keys)
    assert "锁定" in keys["Ctrl+L"] and "新接报" in keys["Ctrl+N"]
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert len(helps) == 1
    pages = helps[0].pages
    titles = [pages.item(r, 0).text() for r in range(pages.rowCount())]
    assert titles == [window.nav.item(i).text() for i in range(window.nav.count())]
    assert all(pages.item(r, 1).text() for r in range(pages.rowCount()))  # each page says what it is for


def test_navigation_is_grouped_with_an_icon_on_every_page(window):
    groups = [window.nav.item(i).data(GROUP_ROLE) for i in range(window.nav.count())]
    named = [g for g in groups if g]
    assert named[:3] == ["值班", "预警与响应", "资料"] and set(named) <= {"值班", "预警与响应", "资料", "系统"}
    assert groups[0] == "值班" and window.nav.item(0).text() == "值班总览"
    assert all(not window.nav.item(i).icon().isNull() for i in range(window.nav.count()))


@pytest.mark.parametrize("title", ["事件", "预案库", "通讯录", "规则查询"])
def test_ctrl_f_puts_the_cursor_in_the_search_box(qtbot, window, title):
    assert window.show_page(title)
    qtbot.keyClick(window.pages.currentWidget(), Qt.Key.Key_F, CTRL)
    focused = QApplication.focusWidget()
    assert isinstance(focused, QLineEdit) and window.pages.currentWidget().isAncestorOf(focused)
    assert any(w in focused.placeholderText() for w in ("搜索", "筛选"))


def test_ctrl_f_on_the_admin_pages_too(qtbot, desk):
    w = build_main_window(desk.db, load_profile("dongcheng"), desk["admin"])
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    for title in ("用户管理", "审计日志"):
        assert w.show_page(title)
        qtbot.keyClick(w.pages.currentWidget(), Qt.Key.Key_F, CTRL)
        assert isinstance(QApplication.focusWidget(), QLineEdit), title
    groups = [w.nav.item(i).data(GROUP_ROLE) for i in range(w.nav.count())]
    assert [g for g in groups if g][-1] == "系统"


def _focusable(dialog) -> list[QWidget]:
    out = []
    for w in dialog.findChildren(QWidget):
        if not (w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus):
            continue
        if isinstance(w.parentWidget(), (QComboBox, QAbstractSpinBox)):
            continue  # the line edit inside a combo box or date field: the field itself is the stop
        if isinstance(w, (QLineEdit, QComboBox, QAbstractSpinBox, QTextEdit, QPlainTextEdit, QAbstractButton)):
            out.append(w)
    return out


def _walk(qtbot, dialog) -> list[QWidget]:
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    start = QApplication.focusWidget()
    assert start is not None and dialog.isAncestorOf(start), dialog.windowTitle()
    seen = [start]
    for _ in range(80):
        qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        if now is start:
            return seen
        seen.append(now)
    raise AssertionError(f"Tab never came back to the first field of {dialog.windowTitle()}: {seen[-3:]}")


def _stop(w: QWidget) -> QWidget:
    """The field a focus belongs to (a date field's inner line edit is the date field)."""
    return w.parentWidget() if isinstance(w.parentWidget(), (QComboBox, QAbstractSpinBox)) else w


DIALOGS = [
    lambda desk: LoginDialog(AuthService(desk.db), "东城区应急值班系统"),
    lambda desk: UserDialog(),
    lambda desk: WarningFormDialog(WarningService(desk.db, load_profile("dongcheng")), None, "新建预警"),
    lambda desk: HandoverDialog(HandoverService(desk.db, load_profile("dongcheng")), desk["zhouning"]),
    lambda desk: ShortcutsDialog([("Ctrl+L", "锁定")]),
]


@pytest.mark.parametrize("index", range(5))
def test_tab_walks_every_field_of_the_main_dialogs_top_down(qtbot, desk, index):
    theme.apply_theme(QApplication.instance())  # as in the program: text boxes pass Tab on
    dialog = DIALOGS[index](desk)
    qtbot.addWidget(dialog)
    order = [_stop(w) for w in _walk(qtbot, dialog)]
    missing = [f"{type(w).__name__} {getattr(w, 'text', lambda: '')()}" for w in _focusable(dialog) if w not in order]
    assert missing == [], dialog.windowTitle()
    fields = [w for w in order if not isinstance(w, QAbstractButton)]
    assert not order or not isinstance(order[0], QAbstractButton) or not fields  # the first field, not a button
    tops = [w.mapTo(dialog, w.rect().topLeft()).y() for w in fields]
    assert tops == sorted(tops), f"{dialog.windowTitle()}: fields out of order {tops}"
