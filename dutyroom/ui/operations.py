"""One way for a page to run a service call and say how it went (models: Anki's aqt/operations, qutebrowser's
utils/message.py).

- ``run(command, line=..., done=..., on_success=...)``: a command on the GUI thread. A refusal (a ``UserError``) or
  a failure ``services.errors.explain`` can put into words (disk full, read-only database, ...) is shown in the
  page's message line, or in a message box (``parent`` + ``title``); anything else is a bug and goes on up to the
  app's excepthook (log and box). Returns the command's result (``True`` when it returns nothing), or ``None``
  when it failed.
- ``run_in_background(parent, work, label=..., on_success=..., on_failure=...)``: ``work(report)`` on a worker
  thread behind a progress dialog (``report(done, total, text="")`` moves the bar and returns False once the
  user has cancelled). Every exception is caught there; the dialog is always closed; ``on_failure`` gets the
  explanation (or, for a bug, a sentence saying it was logged, and the exception is then re-raised on the GUI
  thread so the excepthook logs it). ``stopping(report)`` turns ``report`` into a service's plain progress callback
  that raises ``Cancelled`` once the user has cancelled.
- ``MessageLine``: the label under a page or dialog that says what the last command did, green for done, red
  for a refusal.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox, QProgressDialog, QWidget

from ..services.errors import Cancelled, explain
from .i18n import tr

T = TypeVar("T")

OK_COLOUR = "#1b5e20"
ERROR_COLOUR = "#b00020"


class MessageLine(QLabel):
    """What the last command did, in words and in colour: ``show_ok`` green, ``show_error`` red, ``show_info``
    plain (e.g. "正在备份…"). ``state`` ("ok", "error" or "") says which, for styles and tests."""

    def __init__(self, text: str = "", parent: QWidget | None = None, *, word_wrap: bool = True, bold: bool = False):
        super().__init__(text, parent)
        self.setWordWrap(word_wrap)
        self.weight = "font-weight: bold" if bold else ""
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # a refusal can be copied
        self.state = ""

    def _say(self, text: str, state: str, colour: str) -> None:
        self.state = state
        self.setStyleSheet("; ".join(part for part in (colour and f"color: {colour}", self.weight) if part))
        self.setText(text)

    def show_ok(self, text: str) -> None:
        self._say(text, "ok", OK_COLOUR)

    def show_error(self, text: str) -> None:
        self._say(text, "error", ERROR_COLOUR)

    def show_info(self, text: str) -> None:
        self._say(text, "", "")

    def clear(self) -> None:
        self._say("", "", "")


def show_message(line: QLabel, text: str, ok: bool) -> None:
    """A MessageLine in its colour; any other label (a count, a status) just takes the words. A dialog grows to
    show the message whole."""
    if isinstance(line, MessageLine):
        (line.show_ok if ok else line.show_error)(text)
    else:
        line.setText(text)
    room_for(line)


def room_for(label: QLabel) -> None:
    """The dialog around a label whose text now wraps to more lines grows by what the label lacks, at most to the
    screen (never shrinks: the user may have made it larger). A shown dialog does not follow its layout's height
    for a wrapped label by itself: a missing audit key's four lines were clipped at sign-in (150 % scaling)."""
    window = label.window()
    if not isinstance(window, QDialog) or not window.isVisible() or not label.wordWrap():
        return
    lacking = label.heightForWidth(label.width()) - label.height()
    if lacking <= 0:
        return
    screen = window.screen().availableGeometry().height() if window.screen() is not None else window.height()
    frame = window.frameGeometry().height() - window.height()
    window.resize(window.width(), min(window.height() + lacking, max(window.height(), screen - frame)))


def show_error_box(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)


def internal_error_text() -> str:
    return tr("发生意外错误，已记录到日志；已保存的数据不受影响。")


def run(command: Callable[[], T], *, line: QLabel | None = None, parent: QWidget | None = None, title: str = "",
        done: str | None = None, on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[str], None] | None = None) -> Any:
    """Run one service command on the GUI thread.

    Success: ``done`` (if given; "" clears the line) is shown in ``line``, then ``on_success(result)``.
    Failure the user can act on: its message goes to ``line``, or else to a message box over ``parent`` titled
    ``title``, then to ``on_failure(message)``. Any other exception is not caught: it is a bug for the log.
    Returns the result (``True`` for a command that returns nothing) or ``None`` when it failed: test it with
    ``is None``, an empty list is a success."""
    try:
        result = command()
    except Exception as exc:
        message = explain(exc)
        if message is None:
            raise
        if line is not None:
            show_message(line, message, ok=False)
        elif parent is not None:
            show_error_box(parent, title, message)
        if on_failure is not None:
            on_failure(message)
        return None
    if line is not None and done is not None:
        show_message(line, done, ok=True)
    if on_success is not None:
        on_success(result)
    return True if result is None else result


# ------------------------------------------------------------------ off the GUI thread

Report = Callable[..., bool]  # report(done, total, text="") -> False once cancelled


def stopping(report: Report) -> Callable[..., None]:
    """A service's plain progress callback ``progress(done, total, text="")`` over ``report``: it moves the bar,
    and once the user has pressed 取消 it raises ``Cancelled``, so the service stops at its next step (its
    transaction, if any, rolls back; a file being written is the caller's to throw away)."""
    def progress(done: int, total: int, text: str = "") -> None:
        if not report(done, total, text):
            raise Cancelled()
    return progress

_running: set[BackgroundOperation] = set()  # held until finished: a closed page must not free a running worker


class BackgroundOperation(QObject):
    """``work(report)`` on a worker thread. Its signals are emitted there and queued to this object, which lives
    on the GUI thread: the dialog and the callbacks are only ever touched on the GUI thread."""

    progressed = Signal(int, int, str)
    finished_with = Signal(object, object)  # (result, exception)
    ended = Signal()  # after the callbacks, whatever happened (e.g. to leave a local event loop)

    def __init__(self, work: Callable[[Report], Any], *, owner: QObject | None = None,
                 dialog: QProgressDialog | None = None, on_success: Callable[[Any], None] | None = None,
                 on_failure: Callable[[str], None] | None = None,
                 on_progress: Callable[[int, int, str], None] | None = None):
        super().__init__()
        self.work, self.owner, self.dialog = work, owner, dialog
        self.on_success, self.on_failure, self.on_progress = on_success, on_failure, on_progress
        self.cancelled = False
        self.done = False
        self.thread: threading.Thread | None = None
        self.progressed.connect(self._progress)
        self.finished_with.connect(self._finish)

    @property
    def busy(self) -> bool:
        return not self.done

    def cancel(self) -> None:
        if not self.done:  # closing the dialog at the end emits its canceled(): not the user's 取消
            self.cancelled = True

    def report(self, done: int, total: int, text: str = "") -> bool:
        self.progressed.emit(int(done), int(total), text or "")
        return not self.cancelled

    def start(self) -> BackgroundOperation:
        _running.add(self)
        self.thread = threading.Thread(target=self._body, name="dutyroom-background", daemon=True)
        self.thread.start()
        return self

    def wait(self, timeout: float | None = None) -> None:
        if self.thread is not None:
            self.thread.join(timeout)

    def _body(self) -> None:  # the worker thread: nothing escapes, whatever the work raises
        try:
            result = self.work(self.report)
        except BaseException as exc:
            self.finished_with.emit(None, exc)
        else:
            self.finished_with.emit(result, None)

    @Slot(int, int, str)
    def _progress(self, done: int, total: int, text: str) -> None:
        if self.done:
            return
        dialog = self.dialog
        if dialog is not None and shiboken6.isValid(dialog):
            if total > 0:
                dialog.setMaximum(total)
                dialog.setValue(min(done, total))
            elif done == 0:  # a step of unknown length (e.g. rendering the document): a busy bar
                dialog.setRange(0, 0)
            if text:
                dialog.setLabelText(text)
        if self.on_progress is not None and self._owner_alive():
            self.on_progress(done, total, text)

    def _owner_alive(self) -> bool:
        return self.owner is None or shiboken6.isValid(self.owner)

    @Slot(object, object)
    def _finish(self, result: Any, exc: BaseException | None) -> None:
        try:
            self._conclude(result, exc)
        finally:
            self.ended.emit()

    def _conclude(self, result: Any, exc: BaseException | None) -> None:
        self.done = True
        _running.discard(self)
        try:
            if self.dialog is not None and shiboken6.isValid(self.dialog):  # first: closed whatever follows
                self.dialog.close()
                self.dialog.deleteLater()
        finally:
            self.wait()  # the worker returns right after emitting
        alive = self._owner_alive()
        if exc is None:
            if alive and self.on_success is not None:
                try:
                    self.on_success(result)
                except Exception as late:  # showing the result hit a refusal (a follow-up service call): say it
                    if explain(late) is None:
                        raise
                    exc = late
                else:
                    return
            else:
                return
        message = explain(exc)
        if alive and self.on_failure is not None:
            self.on_failure(message or internal_error_text())
        if message is None:
            raise exc  # a bug: on to the app's excepthook (log and box), with the worker's traceback


def run_in_background(parent: QObject | None, work: Callable[[Report], T], *, label: str | None,
                      title: str = "", cancellable: bool = False, min_duration_ms: int = 300,
                      on_success: Callable[[T], None] | None = None,
                      on_failure: Callable[[str], None] | None = None,
                      on_progress: Callable[[int, int, str], None] | None = None) -> BackgroundOperation:
    """Start ``work(report)`` on a worker thread; returns the running operation (``busy``, ``cancel``, ``wait``).

    ``label`` is the progress dialog's text (window-modal over the widget ``parent``, shown after
    ``min_duration_ms``, with 取消 when ``cancellable``); ``label=None`` shows no dialog (the caller shows progress
    through ``on_progress``). The callbacks are skipped once ``parent`` has been deleted."""
    dialog = None
    if label is not None:
        dialog = QProgressDialog(label, tr("取消") if cancellable else "", 0, 0, parent)
        dialog.setWindowTitle(title or tr("请稍候"))
        if not cancellable:
            dialog.setCancelButton(None)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(min_duration_ms)
        dialog.setAutoClose(False)  # the operation closes it when the work has returned, not at 100 %
        dialog.setAutoReset(False)
    op = BackgroundOperation(work, owner=parent, dialog=dialog, on_success=on_success, on_failure=on_failure,
                             on_progress=on_progress)
    if dialog is not None and cancellable:
        dialog.canceled.connect(op.cancel)
    return op.start()
