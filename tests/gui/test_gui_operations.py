"""ui/operations.py: a command's refusal is shown where the user looks, and a background job — whatever it
raises — never leaves its progress dialog open (issue 16: the old workers caught only UserError)."""

from __future__ import annotations

import errno
import sys
import threading

import pytest
import shiboken6
from PySide6.QtWidgets import QLabel, QMessageBox, QProgressDialog, QPushButton, QWidget

from dutyroom.services.errors import UserError
from dutyroom.ui.operations import ERROR_COLOUR, OK_COLOUR, MessageLine, internal_error_text, run, run_in_background

pytestmark = pytest.mark.gui


@pytest.fixture
def page(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _refuse():
    raise UserError("该预警已签发，不能修改", "already issued")


def test_run_shows_a_refusal_in_the_message_line_in_red(page):
    line = MessageLine(parent=page)
    refreshed = []
    assert run(_refuse, line=line, done="已保存", on_success=refreshed.append) is None
    assert line.text() == "该预警已签发，不能修改" and line.state == "error"
    assert ERROR_COLOUR in line.styleSheet()
    assert refreshed == []  # nothing to refresh after a refusal


def test_run_says_done_in_green_and_returns_the_result(page):
    line = MessageLine(parent=page)
    refreshed = []
    assert run(lambda: [7], line=line, done="已保存", on_success=refreshed.append) == [7]
    assert line.text() == "已保存" and line.state == "ok" and OK_COLOUR in line.styleSheet()
    assert refreshed == [[7]]
    assert run(lambda: None, line=line) is True  # a command that returns nothing succeeded
    assert run(lambda: [], line=line) == []  # an empty answer is not a failure


def test_run_explains_a_full_disk_like_a_refusal(page):
    line = MessageLine(parent=page)

    def write():
        raise OSError(errno.ENOSPC, "No space left on device", "/media/usb/值班日志.xlsx")

    assert run(write, line=line) is None
    assert "磁盘已满" in line.text() and line.state == "error"


def test_run_lets_a_bug_through_to_the_excepthook(page):
    line = MessageLine("未改动", parent=page)
    with pytest.raises(ZeroDivisionError):
        run(lambda: 1 / 0, line=line)
    assert line.text() == "未改动"  # no half-truth in the line: the app's hook logs it and says so


def test_run_without_a_line_shows_a_message_box(page, monkeypatch):
    boxes = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text: boxes.append((title, text))))
    failures = []
    run(_refuse, parent=page, title="值班日志", on_failure=failures.append)
    assert boxes == [("值班日志", "该预警已签发，不能修改")]
    assert failures == ["该预警已签发，不能修改"]


def test_run_on_a_plain_label_leaves_its_colour(page):
    count = QLabel("共 3 起事件", page)
    run(_refuse, line=count)
    assert count.text() == "该预警已签发，不能修改" and count.styleSheet() == ""


def _open_dialog(page) -> QProgressDialog | None:
    shown = [d for d in page.findChildren(QProgressDialog) if d.isVisible()]
    return shown[0] if shown else None


def _start_blocked(qtbot, page, error: BaseException, **callbacks):
    """A job that raises `error` only once its dialog is on screen (so the test sees it open, then closed)."""
    go = threading.Event()

    def work(report):
        report(1, 4, "正在导入：第一份")
        go.wait(10)
        raise error

    op = run_in_background(page, work, label="正在导入…", title="导入", min_duration_ms=0, **callbacks)
    qtbot.waitUntil(lambda: _open_dialog(page) is not None, timeout=5000)
    dialog = _open_dialog(page)
    qtbot.waitUntil(lambda: dialog.maximum() == 4 and dialog.value() == 1, timeout=5000)
    go.set()
    qtbot.waitUntil(lambda: not op.busy, timeout=10000)
    return op, dialog


def test_a_background_failure_that_is_not_a_user_error_closes_the_dialog_and_is_reported(qtbot, page):
    failures, successes = [], []
    full = OSError(errno.ENOSPC, "No space left on device", "/media/usb/通讯录.xlsx")
    _op, dialog = _start_blocked(qtbot, page, full, on_success=successes.append, on_failure=failures.append)
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()
    assert _open_dialog(page) is None
    assert len(failures) == 1 and "磁盘已满" in failures[0] and successes == []


def test_an_unexplained_background_failure_closes_the_dialog_and_reaches_the_excepthook(qtbot, page, monkeypatch):
    hooked = []
    monkeypatch.setattr(sys, "excepthook", lambda t, e, tb: hooked.append((e, tb)))
    failures = []
    bug = KeyError("shift_name")
    _op, dialog = _start_blocked(qtbot, page, bug, on_failure=failures.append)
    qtbot.waitUntil(lambda: bool(hooked), timeout=5000)
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()
    assert failures == [internal_error_text()]  # the page can say so and re-enable its buttons
    assert hooked[0][0] is bug and hooked[0][1] is not None  # logged with the worker's traceback


def test_background_work_runs_off_the_gui_thread_and_can_be_cancelled(qtbot, page):
    seen, results, answers = {}, [], []
    go = threading.Event()

    def work(report):
        seen["thread"] = threading.current_thread()
        answers.append(report(0, 2))
        go.wait(10)
        answers.append(report(1, 2))  # False once the user has pressed 取消
        return "3 行已导入"

    op = run_in_background(page, work, label="正在检查…", cancellable=True, min_duration_ms=0,
                           on_success=results.append)
    qtbot.waitUntil(lambda: _open_dialog(page) is not None, timeout=5000)
    cancel = _open_dialog(page).findChild(QPushButton)
    assert cancel.text() == "取消"
    cancel.click()
    assert op.cancelled
    go.set()
    qtbot.waitUntil(lambda: not op.busy, timeout=10000)
    assert seen["thread"] is not threading.main_thread()
    assert answers == [True, False] and results == ["3 行已导入"]
    assert _open_dialog(page) is None


def test_a_contacts_import_that_fails_below_the_service_closes_its_dialog_and_says_why(qtbot, directory, monkeypatch,
                                                                                       tmp_path):
    """The old ImportWorker caught only UserError: a full disk left 导入通讯录 open for ever."""
    from dutyroom.ui import contacts_page
    from dutyroom.ui.contacts_page import ContactsPage

    def disk_full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "contacts.xlsx"))

    page = ContactsPage(directory.contacts, directory.excel, directory["tangjun"])
    qtbot.addWidget(page)
    monkeypatch.setattr(page.excel, "import_file", disk_full)
    monkeypatch.setattr(contacts_page, "choose_import_file", lambda parent: str(tmp_path / "contacts.xlsx"))
    page.show()
    page.buttons["import"].click()
    qtbot.waitUntil(lambda: page.worker is None, timeout=10000)
    assert "磁盘已满" in page.note.text() and page.note.state == "error"
    assert _open_dialog(page) is None
