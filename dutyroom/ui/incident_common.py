"""Small helpers the incident widgets share: Beijing time both ways, labels in the user's language,
countdown text, a field-error label."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from ..config import pick
from ..domain.clock import BEIJING
from ..domain.intake import SOURCES
from ..domain.report_chain import translate_label
from ..domain.vocabulary import CATEGORY_LABELS, FLAG_LABELS, GRADE_LABELS, Category, Flag, Grade, label
from ..services.errors import lang
from . import theme
from .beijing_time import BEIJING_TZ
from .i18n import tr

Clock = Callable[[], dt.datetime]
STATUS_LABELS = {"draft": ("草稿", "Draft"), "open": ("处置中", "Open"), "closed": ("已结案", "Closed")}
CHANNEL_LABELS = {"phone": ("电话", "Phone"), "fax": ("传真", "Fax"), "system": ("系统报送", "System")}
AMBER = theme.AMBER  # the deadline colours, named in theme.py
RED = theme.RED


def system_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def to_qdt(t: dt.datetime) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(t.timestamp()), BEIJING_TZ)


def from_qdt(q: QDateTime) -> dt.datetime:
    """A QDateTime as an aware datetime (to the minute shown, in Beijing time)."""
    secs = q.toSecsSinceEpoch()
    return dt.datetime.fromtimestamp(secs - secs % 60, BEIJING)


def bj(t: dt.datetime | None, fmt: str = "%m-%d %H:%M") -> str:
    return "" if t is None else t.astimezone(BEIJING).strftime(fmt)


def category_text(key: str | None) -> str:
    return label(CATEGORY_LABELS, Category(key), lang()) if key else ""


def grade_text(key: str | None) -> str:
    return label(GRADE_LABELS, Grade(key), lang()) if key else ""


def flag_text(key: str) -> str:
    return label(FLAG_LABELS, Flag(key), lang())


def source_text(key: str | None) -> str:
    if not key:
        return ""
    zh, en = SOURCES.get(key, (key, key))
    return pick(zh, en)


def report_text(label: str) -> str:
    """A report label from the services ("首报", "续报（第2次）", "更正（首报）") in the user's language."""
    return translate_label(label, lang())


def wording_text(wording: str) -> str:
    """The plan's words for a deadline with no number ("立即报告"): English where the catalogue has them."""
    return tr(wording) if wording else ""


# the time words of the plans' number-less deadlines, in the catalogue (Immediately, Promptly, At the same time)
TIME_WORDS = ("立即", "同时", "及时")
CELL_WORDS = 8  # characters of the plan's words a countdown cell shows before it falls back on the time word


def short_wording(wording: str) -> str:
    """The plan's words short enough for a countdown cell: a sentence such as Tongzhou 4.7.1's "区应急办在上报区应急委
    领导的同时，应当向区委宣传部通报相关情况" becomes its time word ("同时"); the whole sentence stays in the tooltip.
    Without a sized cell it had widened the countdown column until the due time and recipients scrolled away."""
    if len(wording) <= CELL_WORDS:
        return wording_text(wording)
    found = sorted((wording.find(w), w) for w in TIME_WORDS if w in wording)
    if found:
        return tr(found[0][1])
    text = wording_text(wording)
    limit = pick(CELL_WORDS, 3 * CELL_WORDS)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def status_text(key: str) -> str:
    zh, en = STATUS_LABELS.get(key, (key, key))
    return pick(zh, en)


def channel_text(key: str | None) -> str:
    if not key:
        return ""
    zh, en = CHANNEL_LABELS.get(key, (key, key))
    return pick(zh, en)


def countdown(seconds: int | None, wording: str = "") -> str:
    """"还剩 04:59", "超时 1:02:03", or the plan's words where it gives no number."""
    if seconds is None:
        return wording or tr("按预案要求")
    s = abs(seconds)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    clock = f"{h}:{m:02d}:{sec:02d}" if h else f"{m:02d}:{sec:02d}"
    return (tr("还剩 {t}") if seconds >= 0 else tr("超时 {t}")).format(t=clock)


class FieldError(QLabel):
    """The red line under a field that says what is wrong with it (empty and hidden when all is well)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setStyleSheet(f"color: {RED};")
        self.setWordWrap(True)
        self.hide()

    def show_text(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


def field_row(form: QFormLayout, name: str, caption: str, widget: QWidget) -> FieldError:
    """A form row whose widget has its FieldError line under it; the caption is its buddy (Alt+letter jumps)."""
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(1)
    lay.addWidget(widget)
    err = FieldError()
    err.setObjectName(f"error_{name}")
    lay.addWidget(err)
    label = QLabel(caption)
    label.setBuddy(widget)
    form.addRow(label, box)
    return err
