"""Beijing wall-clock time in Qt date-time editors, to the minute: the editor shows the Beijing date and
time fields whatever the workstation's own zone, and reads back an aware Beijing datetime."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QDateTime, QEvent, QObject, QTime, QTimeZone
from PySide6.QtWidgets import QDateTimeEdit

from ..domain.clock import BEIJING

BEIJING_TZ = QTimeZone(BEIJING.key.encode())  # the one Qt zone, built from the domain's


def beijing_qdt(t: dt.datetime) -> QDateTime:
    t = t.astimezone(BEIJING)
    return QDateTime(QDate(t.year, t.month, t.day), QTime(t.hour, t.minute))


def from_beijing_qdt(q: QDateTime) -> dt.datetime:
    d, t = q.date(), q.time()
    return dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=BEIJING)


class _SelectSectionOnClick(QObject):
    """Select the whole section under a click so that typed digits replace it. A plain QDateTimeEdit puts
    the cursor inside '05' and refuses every digit typed there (the section is full), so an officer who
    clicks the minutes and types 42 sees nothing happen."""

    def __init__(self, edit: QDateTimeEdit):
        super().__init__(edit)
        self._edit = edit

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseButtonRelease and not self._edit.lineEdit().hasSelectedText():
            section = self._edit.currentSection()
            if section != QDateTimeEdit.Section.NoSection:
                self._edit.setSelectedSection(section)
        return False


def select_section_on_click(edit: QDateTimeEdit) -> QDateTimeEdit:
    """Make a click into the date-time editor select the section clicked (year, month, day, hour, minute)."""
    edit.lineEdit().installEventFilter(_SelectSectionOnClick(edit))
    return edit
