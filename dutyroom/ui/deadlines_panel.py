"""报告时限 panel of the dashboard: every pending deadline of every open incident with a live countdown.

The countdown ticks every second from an injectable clock (tests pass their own and call `tick()`);
the deadlines themselves are reloaded from the service every `reload_every` ticks and when a row
changes state. Within 5 minutes a row turns amber, after its due time red. A deadline that becomes
due-soon or overdue raises a non-blocking alert (a banner above the table and a status-bar message,
never a modal dialog) and a sound the user can mute; the mute choice is kept in QSettings. On every
reload and whenever a row goes red, note_missed_deadlines writes the 超时未报 (late) record once.

A deadline the plan words without a number ("立即报告", "及时") shows the plan's words and the time elapsed
since receipt ("立即报告 · 已过 12:05"), and turns amber and red against its escalation bound (the same
plan's outer limit, or the district's setting): the bound's clause or 本区设定 is in the 条款 cell and the
tooltip. The helpers `elapsed_cell` and `bound_detail` are shared with the incident's clock table.

PySide6-Essentials ships no QtMultimedia, so the sound is QApplication.beep() (injectable).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.report_chain import deadline_state
from ..domain.reporting_clock import EscalationBound
from ..services.actor import Actor
from ..services.errors import PermissionDenied
from ..services.incident_reports import DashboardDeadline, ReportService
from . import theme
from .empty_hint import add_empty_hint
from .i18n import tr
from .incident_common import (
    AMBER,
    RED,
    Clock,
    bj,
    countdown,
    report_text,
    short_wording,
    system_clock,
    wording_text,
)
from .operations import run

MUTE_KEY = "deadlines/mute"  # the same key as window_state.MUTE_KEY (the status bar's indicator)


def elapsed_cell(wording: str, bound: EscalationBound | None, escalation_due: dt.datetime | None,
                 now: dt.datetime) -> str:
    """"立即报告 · 已过 12:05": the plan's words and the time since the bound's start (receipt, as a rule)."""
    if bound is None or escalation_due is None:
        return countdown(None, short_wording(wording))
    s = max(0, int((now - (escalation_due - dt.timedelta(minutes=bound.minutes))).total_seconds()))
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    clock = f"{h}:{m:02d}:{sec:02d}" if h else f"{m:02d}:{sec:02d}"
    if not wording:  # the words are in a cell of their own
        return tr("已过 {t}").format(t=clock)
    return tr("{wording} · 已过 {t}").format(wording=short_wording(wording), t=clock)


def bound_clause(bound: EscalationBound | None) -> str:
    """The short citation of the bound for a 条款 cell: its clause, or 本区设定."""
    if bound is None:
        return ""
    return bound.basis if bound.source == "plan" else tr("本区设定")


def bound_detail(wording: str, basis: str, bound: EscalationBound | None, escalation_due: dt.datetime | None) -> str:
    """Both clauses, for a tooltip: the plan's words and clause, then the bound and who sets it."""
    if bound is None:
        return ""
    plan = tr("预案：{wording}（{basis}）").format(wording=wording_text(wording), basis=basis)
    if bound.source == "plan":
        limit = tr("上报警戒：{basis} {wording}").format(basis=bound.basis, wording=wording_text(bound.wording))
    else:
        since = {"previous_report": tr("上次报送后"), "handling_ended": tr("处置结束后")}.get(bound.anchor, tr("接报后"))
        limit = tr("上报警戒：本区设定，{since} {m} 分钟（预案未规定时限，由系统管理员设定）").format(
            since=since, m=bound.minutes)
    at = tr("（{t}）").format(t=bj(escalation_due)) if escalation_due else ""
    return f"{plan}\n{limit}{at}"


class DeadlinesPanel(QWidget):
    open_incident = Signal(int)  # a row was clicked: the incident's id

    def __init__(self, reports: ReportService, actor: Actor, *, clock: Clock = system_clock,
                 settings: QSettings | None = None, sound: Callable[[], None] | None = None,
                 reload_every: int = 30, start: bool = True, parent=None):
        super().__init__(parent)
        self.reports, self.actor, self.clock = reports, actor, clock
        self.settings = settings if settings is not None else QSettings("dutyroom", "dutyroom")
        self.sound = sound or QApplication.beep
        self.reload_every = max(1, reload_every)
        self.rows: list[DashboardDeadline] = []
        self.states: dict[tuple[int, str], str] = {}
        self.alerted: set[tuple[int, str, str]] = set()
        self._banner_names: tuple[int, str, str] | None = None  # the deadline (incident, key, state) the banner names
        self.sounds = 0
        self._ticks = 0
        self.banner = QLabel()
        self.banner.setObjectName("deadlineBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.mute = QCheckBox(self.tr("静音"))
        self.mute.setToolTip(self.tr("到时提醒不发声（此选择会保存）"))
        self.mute.setChecked(self.settings.value(MUTE_KEY, False, type=bool))
        self.mute.toggled.connect(self._mute_changed)
        self.summary = QLabel()
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([self.tr("事件"), self.tr("报告"), self.tr("倒计时"), self.tr("应报时间"),
                                              self.tr("报送对象"), self.tr("条款")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)  # the full text is in the tooltip
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(40)
        # report, countdown and due time are never cut; the clause takes its text up to a quarter of the width
        # (_fit_clause: "北京市预案 4.1.4（警戒：北京市预案 4.1.5）" had left the incident's title two characters); the
        # title and the recipients share the room left (elided, whole in the tooltip), so nothing hides behind a
        # horizontal scrollbar
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Interactive)
        for col in (0, 4):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        self.table.cellClicked.connect(self._clicked)
        theme.compact_table(self.table)
        add_empty_hint(self.table, self.tr("没有待报的报告。接到突发事件时按 Ctrl+N 新接报，报告时限从这里开始倒计时。"))
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.mute)
        lay = QVBoxLayout(self)
        lay.addWidget(self.banner)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        self.timer = QTimer(self, interval=1000, timeout=self.tick)
        # overdue deadlines this panel has had noted in the log: a refresh writes (a write transaction, every open
        # incident's chain again) only when a new one is overdue, not every half minute (issue 21)
        self._noted: set[tuple[int, str, int]] = set()
        self.reload()
        if start:
            self.timer.start()

    # ------------------------------------------------------------ data

    def refresh(self) -> None:
        """The dashboard calls this when shown and every half minute."""
        self.reload()

    def reload(self) -> None:
        now = self.clock()
        rows = run(lambda: self.reports.open_deadlines(self.actor, now=now), line=self.summary)
        self.rows = [] if rows is None else rows
        overdue = {(d.incident_id, d.key, d.sequence) for d in self.rows if d.state == "overdue"}
        if overdue - self._noted:  # a deadline newly overdue: its 超时未报 line (once: the service skips noted ones)
            self._note_missed(now)
            self._noted |= overdue
        self._render(now)

    def _note_missed(self, now: dt.datetime) -> None:
        try:
            self.reports.note_missed_deadlines(self.actor, now=now)
        except PermissionDenied:
            pass  # someone who may not write the log (e.g. an administrator) still sees the countdowns

    def tick(self) -> None:
        """Every second: new countdowns; a state change reloads, writes late records and alerts."""
        self._ticks += 1
        if self._ticks % self.reload_every == 0:
            self.reload()
            return
        now = self.clock()
        if any(self._state(d, now) != d.state for d in self.rows):
            self.reload()
        else:
            self._render(now)

    @staticmethod
    def _state(d: DashboardDeadline, now: dt.datetime) -> str:
        return deadline_state(d.escalation_due, now)

    @staticmethod
    def _seconds(d: DashboardDeadline, now: dt.datetime) -> int | None:
        """Seconds to the due time, or to the escalation bound where the plan gives no number."""
        return None if d.escalation_due is None else int((d.escalation_due - now).total_seconds())

    # ------------------------------------------------------------ showing

    def _render(self, now: dt.datetime) -> None:
        t = self.table
        t.setRowCount(len(self.rows))
        fresh: list[tuple[DashboardDeadline, str]] = []
        states: dict[tuple[int, str], str] = {}
        for r, d in enumerate(self.rows):
            state = self._state(d, now)
            states[(d.incident_id, d.key)] = state
            if state in ("soon", "overdue") and (d.incident_id, d.key, state) not in self.alerted:
                fresh.append((d, state))
            cells = [d.title, report_text(d.label), countdown(self._seconds(d, now), short_wording(d.wording)),
                     bj(d.due) if d.due else self.tr("无具体时限"), "、".join(d.to), d.basis]
            detail = ""
            if d.due is None and d.bound is not None:  # the plan's words, time elapsed, escalation by the bound
                cells[2] = elapsed_cell(d.wording, d.bound, d.escalation_due, now)
                cells[3] = self.tr("警戒 {t}").format(t=bj(d.escalation_due)) if d.escalation_due else cells[3]
                cells[5] = self.tr("{basis}（警戒：{bound}）").format(basis=d.basis, bound=bound_clause(d.bound))
                detail = bound_detail(d.wording, d.basis, d.bound, d.escalation_due)
            for c, text in enumerate(cells):
                item = t.item(r, c)
                if item is None:
                    item = QTableWidgetItem()
                    t.setItem(r, c, item)
                item.setText(text)
                item.setToolTip(f"{text}\n{detail}" if detail else text)
                item.setData(Qt.ItemDataRole.UserRole, d.incident_id)
                look = theme.deadline_look(state)  # the colour never alone: the countdown cell has the icon
                if c == 2:
                    item.setIcon(theme.icon(look.icon, look.foreground))
                    item.setToolTip(f"{look.text}：{item.toolTip()}")
                if state in ("overdue", "soon"):
                    item.setBackground(QBrush(QColor(look.background)))
                    item.setForeground(QBrush(QColor(look.foreground)))
                else:
                    item.setData(Qt.ItemDataRole.BackgroundRole, None)
                    item.setData(Qt.ItemDataRole.ForegroundRole, None)
        self.states = states
        self._fit_clause()
        overdue = sum(1 for s in states.values() if s == "overdue")
        soon = sum(1 for s in states.values() if s == "soon")
        incidents = len({d.incident_id for d in self.rows})
        self.summary.setText(self.tr("处置中事件 {n} 起，待报 {m} 项：超时 {o} 项，5 分钟内到期 {s} 项").format(
            n=incidents, m=len(self.rows), o=overdue, s=soon))
        if fresh:
            self._alert(fresh, now)
        elif not overdue and not soon:
            self.banner.hide()
            self._banner_names = None
        elif self._banner_names is None or states.get(self._banner_names[:2]) != self._banner_names[2]:
            # the deadline the banner named was sent or stopped applying (a grade confirmed), or one already
            # announced is overdue again (a grade taken back and confirmed): the banner says what is overdue or due
            # soon now, quietly (no sound, no tray message: it was announced before)
            self._show_banner([(d, states[(d.incident_id, d.key)]) for d in self.rows
                               if states[(d.incident_id, d.key)] in ("overdue", "soon")], now)

    def _fit_clause(self) -> None:
        """The 条款 column: as wide as its text, at most a quarter of the table (the rest elided, whole in the tooltip)."""
        t = self.table
        wanted = t.sizeHintForColumn(5) if t.rowCount() else t.horizontalHeader().sectionSizeHint(5)
        t.setColumnWidth(5, max(t.horizontalHeader().sectionSizeHint(5), min(wanted, t.viewport().width() // 4)))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_clause()

    def row_state(self, row: int) -> str:
        d = self.rows[row]
        return self.states.get((d.incident_id, d.key), "ok")

    def _alert(self, fresh: list[tuple[DashboardDeadline, str]], now: dt.datetime) -> None:
        for d, state in fresh:
            self.alerted.add((d.incident_id, d.key, state))
        d, state, text = self._show_banner(fresh, now)
        window = self.window()
        if window is not self and hasattr(window, "statusBar"):
            window.statusBar().showMessage(text, 60_000)
        attention = getattr(window, "attention", None)
        if attention is not None:  # the window is behind another program: taskbar flash and a tray message
            incident_id = d.incident_id
            attention.notify(self.tr("报告时限：超时未报") if state == "overdue" else self.tr("报告时限：即将到期"),
                             text, state == "overdue", lambda: self.open_incident.emit(incident_id),
                             locked_text=self.alarm()[0])
        if not self.mute.isChecked():
            self.sounds += 1
            self.sound()

    def _show_banner(self, fresh: list[tuple[DashboardDeadline, str]], now: dt.datetime
                     ) -> tuple[DashboardDeadline, str, str]:
        """The banner names the worst of these (an overdue one first) and counts the rest."""
        worst = next(((d, s) for d, s in fresh if s == "overdue"), fresh[0])
        d, state = worst
        if state == "overdue" and d.due is None:
            text = self.tr("超时未报：{title} {label}（{wording}，已过上报警戒 {due}，报 {to}）").format(
                title=d.title, label=report_text(d.label), wording=wording_text(d.wording), due=bj(d.escalation_due),
                to="、".join(d.to))
            colour, fg = RED, theme.deadline_look("overdue").foreground
        elif state == "overdue":
            text = self.tr("超时未报：{title} {label}（应于 {due} 前报 {to}）").format(
                title=d.title, label=report_text(d.label), due=bj(d.due), to="、".join(d.to))
            colour, fg = RED, theme.deadline_look("overdue").foreground
        else:
            text = self.tr("即将到期：{title} {label}，{left}（报 {to}）").format(
                title=d.title, label=report_text(d.label), left=countdown(self._seconds(d, now)),
                to="、".join(d.to))
            colour, fg = AMBER, theme.deadline_look("amber").foreground
        if len(fresh) > 1:
            text += self.tr("（另有 {n} 项）").format(n=len(fresh) - 1)
        self.banner.setText(text)
        self.banner.setStyleSheet(f"background: {colour}; color: {fg}; padding: 6px; font-weight: bold;")
        self.banner.show()
        self._banner_names = (d.incident_id, d.key, state)
        return d, state, text

    def _mute_changed(self, muted: bool) -> None:
        self.settings.setValue(MUTE_KEY, muted)
        self.settings.sync()
        refresh_mute = getattr(self.window(), "refresh_mute", None)
        if refresh_mute is not None:  # the status bar says so on every page
            refresh_mute()

    def _clicked(self, row: int, _col: int) -> None:
        if 0 <= row < len(self.rows):
            self.table.clearSelection()  # a selected row would hide its amber/red state once the officer comes back
            self.open_incident.emit(self.rows[row].incident_id)

    def alarm(self) -> tuple[str, bool]:
        """The counts line and whether anything is overdue, for the lock screen (no incident details there)."""
        now = self.clock()
        return self.tr("报告时限：") + self.summary.text(), any(self._state(d, now) == "overdue" for d in self.rows)
