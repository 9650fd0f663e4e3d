"""Beijing wall-clock time in Qt date-time editors, to the minute: the editor shows the Beijing date and
time fields whatever the workstation's own zone, and reads back an aware Beijing datetime."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QDateTime, QTime

from ..domain.incident_facts import BEIJING


def beijing_qdt(t: dt.datetime) -> QDateTime:
    t = t.astimezone(BEIJING)
    return QDateTime(QDate(t.year, t.month, t.day), QTime(t.hour, t.minute))


def from_beijing_qdt(q: QDateTime) -> dt.datetime:
    d, t = q.date(), q.time()
    return dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=BEIJING)
