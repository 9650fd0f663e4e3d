"""The main window's size on the screen it is on, and what each user left: window geometry and splitter
positions are kept in QSettings under users/<username>/ (per PC, per user), like the alert mute choice
(deadlines/mute, per PC for everyone).

A screen smaller than a comfortable window (1280 × 800 plus the frame — the 1366 × 768 laptops of the duty
room) gets the window maximised within its available area, so the status bar never lies below the taskbar;
a larger one gets the comfortable size, centred. A remembered geometry whose corner is on no screen any more
is dropped for the same rule."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QEvent, QObject, QRect, QSettings, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QPlainTextEdit, QSplitter, QTextEdit, QWidget

COMFORTABLE = QSize(1280, 800)
FRAME = QSize(16, 40)  # a title bar and borders, before the window manager has told us its real frame
MUTE_KEY = "deadlines/mute"  # the dashboard's 静音 (deadlines_panel.py): per PC


def settings() -> QSettings:
    return QSettings("dutyroom", "dutyroom")


def alerts_muted() -> bool:
    return settings().value(MUTE_KEY, False, type=bool)


def fitted(available: QRect, preferred: QSize = COMFORTABLE, frame: QSize = FRAME) -> tuple[QRect, bool]:
    """(the window's client geometry, whether to maximise) for a screen's available area."""
    if available.width() < preferred.width() + frame.width() or available.height() < preferred.height() + frame.height():
        inner = QRect(available.left() + frame.width() // 2, available.top() + frame.height() - frame.width() // 2,
                      available.width() - frame.width(), available.height() - frame.height())
        return inner, True
    rect = QRect(0, 0, preferred.width(), preferred.height())
    rect.moveCenter(available.center())
    return rect, False


def available(window: QWidget) -> QRect:
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fit(window: QWidget) -> None:
    rect, maximise = fitted(available(window))
    window.setGeometry(rect)
    window.setProperty("maximise", maximise)


def fit_dialog(dialog: QWidget) -> None:
    """A dialog taller or wider than the screen's available area (a 760 × 720 form on a 1366 × 768 laptop with
    its taskbar) is made to fit and moved inside it; its layout (or scroll area) takes up the difference."""
    area = available(dialog)
    limit = QSize(area.width() - FRAME.width(), area.height() - FRAME.height())
    size = dialog.size().boundedTo(limit).expandedTo(dialog.minimumSizeHint().boundedTo(limit))
    if size != dialog.size():
        dialog.resize(size)
    frame = dialog.frameGeometry()
    dx = min(0, area.right() - frame.right()) or max(0, area.left() - frame.left())
    dy = min(0, area.bottom() - frame.bottom()) or max(0, area.top() - frame.top())
    if dx or dy:
        dialog.move(dialog.x() + dx, dialog.y() + dy)


class DialogFitter(QObject):
    """Installed on the application (theme.apply_theme): every dialog is fitted to its screen when shown."""

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(obj, QDialog):
            fit_dialog(obj)
            for kind in (QTextEdit, QPlainTextEdit):  # Tab moves on to the next field, never types a tab
                for text in obj.findChildren(kind):
                    text.setTabChangesFocus(True)
        return False


def _prefix(window) -> str:
    return f"users/{window.actor.username}"


def splitters(window) -> Iterator[tuple[str, QSplitter]]:
    """Every splitter of every page, keyed by the page's class and its place in the page."""
    for i in range(window.pages.count()):
        page = window.pages.widget(i)
        kept = [s for s in page.findChildren(QSplitter) if s.property("remember") is not False]  # not per-tab ones
        for j, splitter in enumerate(kept):
            yield f"{type(page).__name__}/{j}", splitter


def restore(window) -> bool:
    """The user's last geometry and splitters; False when there was no geometry or it does not fit here."""
    s = settings()
    for key, splitter in splitters(window):
        state = s.value(f"{_prefix(window)}/splitters/{key}")
        if state:
            splitter.restoreState(state)
    geometry = s.value(f"{_prefix(window)}/geometry")
    if not geometry or not window.restoreGeometry(geometry):
        return False
    if window.isMaximized() or available(window).contains(window.geometry().topLeft()):
        window.setProperty("maximise", window.isMaximized())
        return True
    return False  # left on a screen that is not there any more


def save(window) -> None:
    s = settings()
    s.setValue(f"{_prefix(window)}/geometry", window.saveGeometry())
    for key, splitter in splitters(window):
        s.setValue(f"{_prefix(window)}/splitters/{key}", splitter.saveState())
    s.sync()
