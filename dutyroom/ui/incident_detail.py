"""One incident: the facts (更新事态 as they evolve), grade and flags (which move the reporting clock), the clock with recipients
and clauses, the report chain (首报/续报/终报: compose, prepare, leader's review, send; corrections as new
reports), the incident log (strike through with a reason, 领导批示 with follow-up), end of handling, closing.

`self.tabs` is the place where other areas add their own tabs later (e.g. response levels):
    detail.tabs.addTab(widget, title)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..domain.intake import FLAGS
from ..services.actor import Actor
from ..services.errors import UserError
from ..services.exports import ReportExporter
from ..services.incident_log import IncidentLogService, LogEntryView
from ..services.incident_reports import IncidentClock, ReportDraft, ReportService, ReportView
from ..services.incidents import IncidentService, IncidentView, needs_grade_decision
from ..services.row_version import EditConflict
from . import theme
from .beijing_time import select_section_on_click
from .deadlines_panel import bound_clause, bound_detail, elapsed_cell
from .facts_dialog import KEEP, FactsDialog, GradeDecisionDialog
from .incident_common import (
    BEIJING_TZ,
    CHANNEL_LABELS,
    RED,
    Clock,
    bj,
    category_text,
    channel_text,
    countdown,
    flag_text,
    from_qdt,
    grade_text,
    report_text,
    source_text,
    status_text,
    system_clock,
    to_qdt,
    wording_text,
)
from .operations import MessageLine, run
from .print_support import PrintActions, add_print_actions

REPORT_KINDS = (("verbal", "首报"), ("written", "书面报告"), ("followup", "续报"), ("final", "终报"),
                ("notice", "通报/发布"))


# ---------------------------------------------------------------- dialogs (tests replace their `ask`)


@dataclass(frozen=True)
class ReportChoice:
    action: str  # send | prepare
    body: str
    recipients: tuple[str, ...]
    channel: str
    sent_at: dt.datetime


class ReportDialog(QDialog):
    """The composed report, to edit and then record as sent (with channel and time) or keep for review."""

    def __init__(self, draft: ReportDraft, now: dt.datetime, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("报送{label}").format(label=report_text(draft.label)))
        self.body = QPlainTextEdit(draft.body)
        self.body.setTabChangesFocus(True)
        self.recipients = QLineEdit("、".join(draft.recipients))
        self.channel = QComboBox()
        for key in CHANNEL_LABELS:
            self.channel.addItem(channel_text(key), key)
        self.sent_at = QDateTimeEdit(to_qdt(now), displayFormat="yyyy-MM-dd HH:mm")
        self.sent_at.setTimeZone(BEIJING_TZ)
        form = QFormLayout()
        due = bj(draft.due_at) if draft.due_at else self.tr("（无具体时限）")
        if draft.due_at is None and draft.escalation_due is not None:  # "立即报告" has a clock all the same
            due = self.tr("{wording}（警戒 {t}，{bound}）").format(
                wording=wording_text(draft.wording), t=bj(draft.escalation_due), bound=bound_clause(draft.bound))
        self.due_label = QLabel(due)
        form.addRow(self.tr("时限"), self.due_label)
        form.addRow(self.tr("报送对象(&R)"), self.recipients)
        form.addRow(self.tr("报送方式(&M)"), self.channel)
        form.addRow(self.tr("报送时间(&T)"), self.sent_at)
        form.addRow(self.tr("正文(&B)"), self.body)
        self.choice: ReportChoice | None = None
        buttons = QDialogButtonBox()
        send = buttons.addButton(self.tr("记录已报送(&S)"), QDialogButtonBox.ButtonRole.AcceptRole)
        prepare = buttons.addButton(self.tr("保存待审核(&P)"), QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        if draft.needs_review:
            send.setEnabled(False)
            form.addRow(QLabel(self.tr("报市信息须经领导审核后报送：请先保存待审核")))
        (prepare if draft.needs_review else send).setDefault(True)
        send.clicked.connect(lambda: self._done("send"))
        prepare.clicked.connect(lambda: self._done("prepare"))
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(buttons)
        self.resize(640, 520)

    def _done(self, action: str) -> None:
        names = tuple(n.strip() for n in self.recipients.text().replace(",", "、").replace("，", "、").split("、")
                      if n.strip())
        self.choice = ReportChoice(action, self.body.toPlainText(), names, self.channel.currentData(),
                                   from_qdt(self.sent_at.dateTime()))
        self.accept()

    @classmethod
    def ask(cls, parent, draft: ReportDraft, now: dt.datetime) -> ReportChoice | None:
        dialog = cls(draft, now, parent)
        return dialog.choice if dialog.exec() == QDialog.DialogCode.Accepted else None


@dataclass(frozen=True)
class InstructionChoice:
    leader: str
    text: str
    given_at: dt.datetime  # 批示时间: stored as the log entry's happened_at


class InstructionDialog(QDialog):
    """领导批示: who gave it, when (批示时间, Beijing time, now unless changed: it is often relayed later)
    and what. The service refuses a time in the future."""

    def __init__(self, now: dt.datetime, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("领导批示"))
        self.leader = QLineEdit()
        self.given_at = select_section_on_click(QDateTimeEdit(displayFormat="yyyy-MM-dd HH:mm", calendarPopup=True))
        self.given_at.setTimeZone(BEIJING_TZ)  # before the value: set after it, the PC's own zone is shown
        self.given_at.setDateTime(to_qdt(now))
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        form = QFormLayout()
        form.addRow(self.tr("批示领导（职务或姓名）(&L)"), self.leader)
        form.addRow(self.tr("批示时间(&T)"), self.given_at)
        form.addRow(self.tr("批示内容(&C)"), self.text)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for signal in (self.leader.textChanged, self.text.textChanged):
            signal.connect(self._enable)
        self._enable()
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.buttons)
        self.resize(520, 320)

    def _enable(self, *args) -> None:
        ok = bool(self.leader.text().strip() and self.text.toPlainText().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def choice(self) -> InstructionChoice:
        return InstructionChoice(self.leader.text().strip(), self.text.toPlainText().strip(),
                                 from_qdt(self.given_at.dateTime()))


class Ask:
    """Small questions, each a classmethod that tests replace."""

    @classmethod
    def text(cls, parent, title: str, prompt: str) -> str | None:
        text, ok = QInputDialog.getMultiLineText(parent, title, prompt)
        return text if ok and text.strip() else None

    @classmethod
    def instruction(cls, parent, now: dt.datetime) -> InstructionChoice | None:
        dialog = InstructionDialog(now, parent)
        return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None

    @classmethod
    def channel(cls, parent) -> str | None:
        items = [channel_text(k) for k in CHANNEL_LABELS]
        item, ok = QInputDialog.getItem(parent, parent.tr("报送方式"), parent.tr("本报告以何种方式报送："), items, 0, False)
        return list(CHANNEL_LABELS)[items.index(item)] if ok else None

    @classmethod
    def confirm(cls, parent, title: str, text: str) -> bool:
        return QMessageBox.question(parent, title, text) == QMessageBox.StandardButton.Yes


# ---------------------------------------------------------------- the page


def _stacked(*parts: QWidget | QLayout) -> QWidget:
    """Widgets and layouts top to bottom in one widget (a splitter's pane)."""
    pane = QWidget()
    lay = QVBoxLayout(pane)
    lay.setContentsMargins(0, 0, 0, 0)
    for part in parts:
        if isinstance(part, QLayout):
            lay.addLayout(part)
        else:
            lay.addWidget(part)
    return pane


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    t.horizontalHeader().setStretchLastSection(True)
    t.setWordWrap(True)
    return t


def _item(text: str, data=None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setToolTip(text)
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    return item


RELOAD_EVERY = 30  # seconds between reads of an incident tab's clock while its countdowns run


class IncidentDetail(QWidget):
    changed = Signal()

    def __init__(self, incidents: IncidentService, reports: ReportService, log: IncidentLogService, actor: Actor,
                 incident_id: int, *, clock: Clock = system_clock, exporter: ReportExporter | None = None,
                 parent=None):
        super().__init__(parent)
        self.incidents, self.reports_service, self.log_service = incidents, reports, log
        self.actor, self.incident_id, self.clock = actor, incident_id, clock
        self.exporter = exporter  # 打印/另存为PDF of the selected report (None: no print buttons)
        self.print_actions: PrintActions | None = None
        self._print_report_id: int | None = None  # what the worker thread prints (never read from widgets there)
        self._print_slip = False
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.message = MessageLine()
        self.message.setObjectName("detailMessage")
        # -- the tabs: other areas add theirs here (detail.tabs.addTab(widget, title)), e.g. response levels
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_facts(), self.tr("概况"))
        self.tabs.addTab(self._build_reports(), self.tr("报告时限与报送"))
        self.tabs.addTab(self._build_log(), self.tr("事件日志"))
        self.refresh_button = QPushButton(self.tr("刷新(&R)"))
        self.refresh_button.setToolTip(self.tr("载入其他席位保存的最新内容"))
        self.refresh_button.clicked.connect(self.refresh)
        self.refresh_button.hide()  # offered when another seat's change refused a command here
        message_row = QHBoxLayout()
        message_row.addWidget(self.message, 1)
        message_row.addWidget(self.refresh_button)
        lay = QVBoxLayout(self)
        lay.addWidget(self.header)
        lay.addLayout(message_row)
        lay.addWidget(self.tabs, 1)
        self.clock_view: IncidentClock | None = None  # the clock last read (the countdown runs on it)
        self._seconds = 0  # since the last read
        self._timer = QTimer(self, interval=1000, timeout=self._tick_if_shown)
        self._timer.start()
        self.reload()

    # ------------------------------------------------------------ building

    def _build_facts(self) -> QWidget:
        box = QWidget()
        self.facts = QTextBrowser()
        self.grade = QComboBox()
        for key in ("unknown", "ordinary", "large", "major", "especially_major"):
            self.grade.addItem(grade_text(key), key)
        self.confirm_grade_button = QPushButton(self.tr("确认等级(&G)"))
        self.confirm_grade_button.clicked.connect(self.confirm_grade)
        self.advice = QLabel()
        self.advice.setWordWrap(True)
        self.flag_boxes = {f: QCheckBox(flag_text(f)) for f in FLAGS}
        self.save_flags_button = QPushButton(self.tr("保存情形标记(&F)"))
        self.save_flags_button.clicked.connect(self.save_flags)
        self.facts_button = QPushButton(self.tr("更新事态(&U)"))
        self.facts_button.setToolTip(self.tr("伤亡、损失、地点、措施、趋势、事件情况有变化时更新，记入事件日志"))
        self.facts_button.clicked.connect(self.update_facts)
        self.end_button = QPushButton(self.tr("登记处置结束(&E)"))
        self.end_button.clicked.connect(self.end_handling)
        self.close_button = QPushButton(self.tr("结案(&X)"))
        self.close_button.clicked.connect(self.close_incident)
        grade_row = QHBoxLayout()
        grade_row.addWidget(QLabel(self.tr("确认等级")))
        grade_row.addWidget(self.grade)
        grade_row.addWidget(self.confirm_grade_button)
        grade_row.addWidget(self.advice, 1)
        flag_row, conditions_row = QHBoxLayout(), QHBoxLayout()  # the four old flags, then issue 20's conditions
        for i, b in enumerate(self.flag_boxes.values()):
            (flag_row if i < 4 else conditions_row).addWidget(b)
        flag_row.addWidget(self.save_flags_button)
        flag_row.addStretch(1)
        conditions_row.addStretch(1)
        end_row = QHBoxLayout()
        end_row.addWidget(self.facts_button)
        end_row.addWidget(self.end_button)
        end_row.addWidget(self.close_button)
        end_row.addStretch(1)
        lay = QVBoxLayout(box)
        lay.addWidget(self.facts, 1)
        lay.addLayout(grade_row)
        lay.addLayout(flag_row)
        lay.addLayout(conditions_row)
        lay.addLayout(end_row)
        return box

    def _build_reports(self) -> QWidget:
        box = QWidget()
        self.clock_info = QLabel()
        self.clock_info.setWordWrap(True)
        self.clock_table = _table([self.tr("报告"), self.tr("应报时间"), self.tr("倒计时/状态"), self.tr("实报"),
                                   self.tr("条款"), self.tr("报送对象")])
        for col, width in enumerate((110, 190, 130, 90, 80)):
            self.clock_table.setColumnWidth(col, width)
        self.compose_buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for kind, text in REPORT_KINDS:
            b = QPushButton(self.tr("编写{label}").format(label=self.tr(text)))
            b.clicked.connect(lambda _c=False, k=kind: self.compose(k))
            self.compose_buttons[kind] = b
            row.addWidget(b)
        self.to_city = QCheckBox(self.tr("同时报市"))
        row.addWidget(self.to_city)
        row.addStretch(1)
        self.report_table = _table([self.tr("报告"), self.tr("状态"), self.tr("报送时间"), self.tr("方式"),
                                    self.tr("报送人"), self.tr("迟报"), self.tr("审核"), self.tr("报送对象")])
        for col, width in enumerate((130, 100, 100, 70, 80, 70, 130)):
            self.report_table.setColumnWidth(col, width)
        self.report_table.itemSelectionChanged.connect(self._show_report)
        self.report_body = QTextBrowser()
        actions = QHBoxLayout()
        self.review_button = QPushButton(self.tr("领导审核(&V)"))
        self.send_button = QPushButton(self.tr("报送(&S)"))
        self.correct_button = QPushButton(self.tr("更正(&C)"))
        self.review_button.clicked.connect(self.review_report)
        self.send_button.clicked.connect(self.send_prepared)
        self.correct_button.clicked.connect(self.correct_report)
        for b in (self.review_button, self.send_button, self.correct_button):
            actions.addWidget(b)
        actions.addStretch(1)
        if self.exporter is not None:
            self.print_choice = QComboBox()
            self.print_choice.addItem(self.tr("报告（公文）"), False)
            self.print_choice.addItem(self.tr("领导审核单"), True)
            self.print_choice.currentIndexChanged.connect(self._print_choice_changed)
            actions.addWidget(QLabel(self.tr("打印")))
            actions.addWidget(self.print_choice)
            self.print_actions = add_print_actions(actions, self, title=self.tr("突发事件信息报告"),
                                                   make_pdf=self._make_pdf)
        # the deadlines first and largest (a 较大 incident has five or more, two lines each), the reports and the
        # chosen report's text below; the officer moves the dividers (per tab: not kept, window_state skips it)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setProperty("remember", False)
        split.setChildrenCollapsible(False)
        for part, stretch in ((_stacked(self.clock_table, row), 5), (_stacked(self.report_table, actions), 3),
                              (self.report_body, 2)):
            split.addWidget(part)
            split.setStretchFactor(split.count() - 1, stretch)
        self.report_split = split
        lay = QVBoxLayout(box)
        lay.addWidget(self.clock_info)
        lay.addWidget(split, 1)
        return box

    def _build_log(self) -> QWidget:
        box = QWidget()
        self.log_table = _table([self.tr("发生时间"), self.tr("录入时间"), self.tr("录入人"), self.tr("工作站"),
                                 self.tr("类型"), self.tr("落实"), self.tr("内容")])
        for col, width in enumerate((90, 90, 70, 80, 70, 60)):
            self.log_table.setColumnWidth(col, width)
        self.note_button = QPushButton(self.tr("添加记录(&N)"))
        self.instruction_button = QPushButton(self.tr("领导批示(&L)"))
        self.strike_button = QPushButton(self.tr("划除(&D)"))
        self.follow_button = QPushButton(self.tr("标记已落实/未落实(&O)"))
        self.note_button.clicked.connect(self.add_note)
        self.instruction_button.clicked.connect(self.add_instruction)
        self.strike_button.clicked.connect(self.strike_entry)
        self.follow_button.clicked.connect(self.toggle_follow_up)
        row = QHBoxLayout()
        for b in (self.note_button, self.instruction_button, self.strike_button, self.follow_button):
            row.addWidget(b)
        row.addStretch(1)
        lay = QVBoxLayout(box)
        lay.addLayout(row)
        lay.addWidget(self.log_table, 1)
        return box

    # ------------------------------------------------------------ loading

    def reload(self) -> None:
        self.incident: IncidentView = self.incidents.get(self.actor, self.incident_id)
        self._show_facts()
        self.report_rows: list[ReportView] = self.reports_service.reports(self.actor, self.incident_id)
        self._show_reports()
        self.entries: list[LogEntryView] = self.log_service.entries(self.actor, self.incident_id)
        self._show_log()
        self.tick()

    def _show_facts(self) -> None:
        i = self.incident
        self.header.setText(self.tr("<b style='font-size:14pt'>{title}</b>　{status}　{grade}").format(
            title=i.title, status=status_text(i.status), grade=grade_text(i.grade_confirmed)))
        flags = "、".join(flag_text(f) for f in i.flags) or self.tr("无")
        units = "；".join(f"{u.name} {u.duty_phone}".strip() for u in i.lead_units) or self.tr("（未确定）")
        rows = [
            (self.tr("接报时间"), bj(i.received_at, "%Y-%m-%d %H:%M")), (self.tr("发生时间"), bj(i.occurred_at, "%Y-%m-%d %H:%M")),
            (self.tr("信息来源"), source_text(i.source)),
            (self.tr("报告人"), f"{i.caller_name or ''} {i.callback_phone or ''}".strip()),
            (self.tr("地点"), "　".join(x for x in (i.place, i.address) if x)),
            (self.tr("类别/类型"), f"{category_text(i.category)}　{i.event_type or ''}"),
            (self.tr("伤亡"), self.tr("死亡 {d}，受伤 {i}（重伤 {s}），失踪 {m}，被困 {t}").format(
                d=i.deaths, i=i.injured, s=i.seriously_injured, m=i.missing, t=i.trapped)),
            (self.tr("直接经济损失"), self.tr("{v:g} 万元").format(v=i.economic_loss_cny / 10_000)),
            (self.tr("情形"), flags), (self.tr("主责部门"), units),
            (self.tr("事件简要情况"), i.description or ""), (self.tr("已采取的措施"), i.measures_taken or ""),
            (self.tr("发展趋势"), i.trend or ""),
            (self.tr("接报人"), f"{i.created_by_name}（{i.workstation or ''}）"),
        ]
        if i.handling_ended_at:
            rows.append((self.tr("处置结束"), bj(i.handling_ended_at, "%Y-%m-%d %H:%M")))
        if i.closed_at:
            rows.append((self.tr("结案"), bj(i.closed_at, "%Y-%m-%d %H:%M")))
        html = "".join(f"<tr><td valign='top'><b>{k}</b></td><td>{_esc(v)}</td></tr>" for k, v in rows)
        self.facts.setHtml(f"<table cellpadding='3'>{html}</table>")
        self.grade.setCurrentIndex(self.grade.findData(i.grade_confirmed))
        a = i.advice
        if a.suggested:
            self.advice.setText(self.tr("系统建议：{g}（{r}）").format(g=grade_text(a.suggested),
                                                                 r="；".join(a.reasons) or "、".join(a.rules)))
        else:
            self.advice.setText(self.tr("系统建议：无可适用的数量标准，由值班人员研判"))
        differs = bool(a.suggested) and a.suggested != i.grade_confirmed
        if differs:
            self.advice.setText(self.advice.text() + self.tr("；与确认等级不一致，请研判"))
        self.advice.setStyleSheet(f"color: {RED};" if differs else "")
        for f, b in self.flag_boxes.items():
            b.setChecked(getattr(i, f))
            b.setVisible(f in i.flags_in_use or b.isChecked())  # the incident's plan's flags, and any set
        editable = i.status == "open"
        for w in (self.facts_button, self.grade, self.confirm_grade_button, self.save_flags_button,
                  *self.flag_boxes.values(),
                  self.end_button, self.close_button, *self.compose_buttons.values(), self.note_button,
                  self.instruction_button, self.strike_button, self.follow_button):
            w.setEnabled(editable)
        self.end_button.setEnabled(editable and i.handling_ended_at is None)

    def _tick_if_shown(self) -> None:
        # a tab in the background asks the database nothing; showEvent brings it up to date when it is opened
        if self.isVisible():
            self._second()

    def showEvent(self, event) -> None:
        self.tick()
        super().showEvent(event)

    def _second(self) -> None:
        """The timer's second: the countdowns from the clock last read, nothing read (issue 21: the tab had read
        the incident and its reports every second). The clock is read again every RELOAD_EVERY seconds and when
        a deadline changes state here (due soon, overdue), the dashboard's rule; a change saved at this or another
        seat reloads the tab at once (the change signal)."""
        held = self.clock_view
        self._seconds += 1
        if held is None or self._seconds >= RELOAD_EVERY:
            self.tick()
            return
        moved = held.at(self.clock())
        if any(a.state != b.state for a, b in zip(moved.deadlines, held.deadlines, strict=True)):
            self.tick()
        else:
            self._show_clock(moved)

    def tick(self) -> None:
        """The clock table read again: on a reload, when the tab is shown, and every RELOAD_EVERY seconds."""
        self._seconds = 0  # the next timed read RELOAD_EVERY seconds after this one, whether this one succeeds or
        # not (a lost server must not be asked every second: each try can wait for the connection timeout)
        clock: IncidentClock | None = run(lambda: self.reports_service.clock(self.actor, self.incident_id,
                                                                            now=self.clock()))
        if clock is None:  # refused (e.g. no longer visible to this user): the countdowns stay as they were
            return
        self._show_clock(clock)

    def _show_clock(self, clock: IncidentClock) -> None:
        self.clock_view = clock
        info = []
        if clock.followup_every_minutes:
            info.append(self.tr("续报：每 {m} 分钟一次，直至处置结束").format(m=clock.followup_every_minutes))
        if clock.city and clock.city.applies:
            review = self.tr("，须经领导审核") if clock.city.leader_review else ""
            info.append(self.tr("报市：{to}{review}（{basis}）").format(to="、".join(clock.city.to), review=review,
                                                                     basis=clock.city.basis))
        district = self.tr(clock.district) if clock.district else clock.profile_key
        info.append(self.tr("规则：{district} {version}版").format(district=district, version=clock.profile_version))
        self.clock_info.setText("；".join(info))
        t = self.clock_table
        t.setRowCount(len(clock.deadlines))
        for r, d in enumerate(clock.deadlines):
            if d.state == "met":
                state = self.tr("已报") + (self.tr("（迟报 {n} 分钟）").format(n=d.late_minutes) if d.late_minutes else "")
            elif d.due is None and d.bound is not None and d.escalation_due is not None:
                # the plan's words are in 应报时间; here the time since receipt and when, on whose word, it escalates
                state = elapsed_cell("", d.bound, d.escalation_due, clock.now) + "\n" + self.tr(
                    "警戒 {t}（{bound}）").format(t=bj(d.escalation_due), bound=bound_clause(d.bound))
            elif d.due is None:  # the plan's words are in 应报时间 already: do not repeat them here
                state = self.tr("待报")
            else:
                state = countdown(d.seconds_left, wording_text(d.wording))
            sent = bj(d.sent_at) if d.sent_at else ""
            to = "、".join(d.to) + (self.tr("；抄送 ") + "、".join(d.cc) if d.cc else "")
            cells = [report_text(d.label), bj(d.due) if d.due else wording_text(d.wording), state, sent,
                     d.basis or self.tr("系统要求"), to]
            detail = bound_detail(d.wording, d.basis, d.bound, d.escalation_due) if d.due is None else ""
            for c, text in enumerate(cells):
                item = _item(text, d.key)
                if detail:
                    item.setToolTip(f"{text}\n{detail}")
                look = theme.deadline_look(d.state)  # colour, icon and words together (theme.py)
                if c == 2:
                    item.setIcon(theme.icon(look.icon, look.foreground))
                if d.state in ("overdue", "soon"):
                    item.setBackground(QBrush(QColor(look.background)))
                    item.setForeground(QBrush(QColor(look.foreground)))
                t.setItem(r, c, item)
        t.resizeRowsToContents()  # wrapped wording (处置结束后报送…) is shown whole

    def _show_reports(self) -> None:
        t = self.report_table
        t.setRowCount(len(self.report_rows))
        states = {"prepared": self.tr("待审核"), "reviewed": self.tr("已审核待报送"), "sent": self.tr("已报送")}
        for r, rep in enumerate(self.report_rows):
            late = self.tr("{n} 分钟").format(n=rep.late_minutes) if rep.late_minutes else ""
            review = f"{rep.reviewed_by_name or ''} {bj(rep.reviewed_at)}".strip()
            cells = [report_text(rep.label), states[rep.status], bj(rep.sent_at), channel_text(rep.channel), rep.sent_by_name or "",
                     late, review, "、".join(rep.recipients)]
            for c, text in enumerate(cells):
                t.setItem(r, c, _item(text, rep.id))
        self._show_report()

    def selected_report(self) -> ReportView | None:
        rows = self.report_table.selectionModel().selectedRows()
        return self.report_rows[rows[0].row()] if rows else None

    def _show_report(self) -> None:
        rep = self.selected_report()
        self.report_body.setPlainText(rep.body if rep else "")
        open_ = self.incident.status == "open"
        self.review_button.setEnabled(bool(open_ and rep and rep.status != "sent" and rep.needs_review))
        self.send_button.setEnabled(bool(open_ and rep and rep.status != "sent"))
        self.correct_button.setEnabled(bool(open_ and rep and rep.status == "sent"))
        self._print_report_id = rep.id if rep else None
        if self.print_actions is not None:
            self.print_actions.set_enabled(rep is not None, reason=self.tr("请先在列表中选择一份报告"))
            self._print_choice_changed()

    def _print_choice_changed(self, *_args) -> None:
        self._print_slip = bool(self.print_choice.currentData())
        rep = self.selected_report()
        what = self.tr("领导审核单") if self._print_slip else self.tr("突发事件信息报告")
        self.print_actions.title = what
        self.print_actions.default_name = f"{self.incident.title}_{rep.label if rep else ''}_{what}"

    def _make_pdf(self, path) -> None:
        """Runs on the print worker: the report chosen when the button was pressed."""
        if self._print_report_id is None:
            raise UserError("请先选择一份报告", "select a report first")
        self.exporter.incident_report_pdf(self.actor, self.incident_id, path, report_id=self._print_report_id,
                                          slip=self._print_slip)

    def _show_log(self) -> None:
        t = self.log_table
        t.setRowCount(len(self.entries))
        kinds = {"note": self.tr("记录"), "instruction": self.tr("领导批示"), "system": self.tr("系统自动")}
        follow = {"open": self.tr("待落实"), "done": self.tr("已落实")}
        for r, e in enumerate(self.entries):
            text = e.text
            if e.stricken:
                text += self.tr("　〔已划除：{reason}，{who} {when}〕").format(reason=e.stricken_reason,
                                                                       who=e.stricken_by_name or "", when=bj(e.stricken_at))
            cells = [bj(e.happened_at), bj(e.entered_at), e.author_name, e.workstation or "", kinds.get(e.kind, e.kind),
                     follow.get(e.follow_up_state or "", ""), text]
            for c, value in enumerate(cells):
                item = _item(value, e.id)
                if e.stricken:
                    font = QFont(item.font())
                    font.setStrikeOut(True)
                    item.setFont(font)
                    item.setForeground(QBrush(QColor("#777777")))
                elif e.automatic:
                    item.setForeground(QBrush(QColor("#1a4f8b")))
                t.setItem(r, c, item)
        t.resizeRowsToContents()

    def selected_entry(self) -> LogEntryView | None:
        rows = self.log_table.selectionModel().selectedRows()
        return self.entries[rows[0].row()] if rows else None

    # ------------------------------------------------------------ commands

    def _run(self, fn, ok: str = "") -> bool:
        """A command on the incident; refused because another seat changed it meanwhile: 刷新 is offered."""
        conflict = []

        def command():
            try:
                return fn()
            except EditConflict:
                conflict.append(True)
                raise
        done = run(command, line=self.message, done=ok, on_success=self._changed) is not None
        self.refresh_button.setVisible(bool(conflict))
        return done

    def refresh(self) -> None:
        """刷新 after a refusal: the incident as the other seat left it (an unsaved grade or flag choice is reset)."""
        if run(self.reload, line=self.message) is not None:
            self.refresh_button.hide()
            self.message.show_info(self.tr("已载入最新内容，请核对后再操作"))

    def _changed(self, _result=None) -> None:
        self.reload()
        self.changed.emit()

    def confirm_grade(self) -> bool:
        grade, version = self.grade.currentData(), self.incident.row_version
        return self._run(lambda: self.incidents.confirm_grade(self.actor, self.incident_id, grade, now=self.clock(),
                                                    version=version),
                         self.tr("等级已确认为{g}，报告时限已重新计算").format(g=grade_text(grade)))

    def save_flags(self) -> bool:
        flags, version = {f: b.isChecked() for f, b in self.flag_boxes.items()}, self.incident.row_version
        return self._run(lambda: self.incidents.set_flags(self.actor, self.incident_id, flags, now=self.clock(),
                                                    version=version),
                         self.tr("情形标记已保存，报告时限已重新计算"))

    def update_facts(self) -> bool:
        """更新事态: the dialog saves through the service (and keeps what was typed on a refusal); a moved
        suggestion is then put to the officer at once, never applied by itself."""
        before = self.incident
        after = FactsDialog.ask(self, self.incidents, self.actor, before, self.clock)
        if after is None:
            return False
        self.message.show_ok(self.tr("事态已更新，已记入事件日志"))
        self._changed()
        if needs_grade_decision(before, after):
            self.decide_grade(after)
        return True

    def decide_grade(self, incident: IncidentView) -> bool:
        answer = GradeDecisionDialog.ask(self, incident)
        if answer is None:
            self.message.show_error(self.tr("系统建议等级为{s}，确认等级仍为{c}：请尽快研判确认").format(
                s=grade_text(incident.grade_suggested), c=grade_text(incident.grade_confirmed)))
            return False
        if answer == KEEP:
            return self._run(lambda: self.incidents.keep_grade(self.actor, self.incident_id, now=self.clock(),
                                                    version=incident.row_version),
                             self.tr("已记录：经研判维持确认等级{g}").format(g=grade_text(incident.grade_confirmed)))
        return self._run(lambda: self.incidents.confirm_grade(self.actor, self.incident_id, answer, now=self.clock(),
                                                    version=incident.row_version),
                         self.tr("等级已确认为{g}，报告时限已重新计算").format(g=grade_text(answer)))

    def end_handling(self) -> bool:
        if not Ask.confirm(self, self.tr("处置结束"), self.tr("登记处置结束（现在）？此后停止续报，须报送终报。")):
            return False
        version = self.incident.row_version
        return self._run(lambda: self.incidents.end_handling(self.actor, self.incident_id, now=self.clock(),
                                                    version=version),
                         self.tr("已登记处置结束，请报送终报"))

    def close_incident(self) -> bool:
        if not Ask.confirm(self, self.tr("结案"), self.tr("结束此事件？结案后不能再修改。")):
            return False
        version = self.incident.row_version
        return self._run(lambda: self.incidents.close(self.actor, self.incident_id, now=self.clock(),
                                                    version=version),
                         self.tr("事件已结案"))

    def _draft_and_choice(self, kind: str, **compose_options):
        """Compose a draft of `kind` and let the user edit it: (draft, choice), or None when refused or cancelled."""
        now = self.clock()
        draft = run(lambda: self.reports_service.compose(self.actor, self.incident_id, kind, now=now, **compose_options),
                    line=self.message)
        if draft is None:
            return None
        choice = ReportDialog.ask(self, draft, now)
        return None if choice is None else (draft, choice)

    def compose(self, kind: str) -> bool:
        asked = self._draft_and_choice(kind, to_city=self.to_city.isChecked())
        if asked is None:
            return False
        draft, choice = asked
        if choice.action == "prepare":
            return self._run(lambda: self.reports_service.prepare(
                self.actor, self.incident_id, kind, body=choice.body, recipients=choice.recipients,
                clock_id=draft.clock_id, now=self.clock()), self.tr("{label}已保存，待领导审核").format(label=report_text(draft.label)))
        return self._run(lambda: self.reports_service.record_sent(
            self.actor, self.incident_id, kind, body=choice.body, recipients=choice.recipients, channel=choice.channel,
            sent_at=choice.sent_at, clock_id=draft.clock_id, now=self.clock()),
            self.tr("{label}已记录报送").format(label=report_text(draft.label)))

    def review_report(self) -> bool:
        rep = self.selected_report()
        if rep is None:
            return False
        return self._run(lambda: self.reports_service.review(self.actor, rep.id, now=self.clock()),
                         self.tr("已审核"))

    def send_prepared(self) -> bool:
        rep = self.selected_report()
        if rep is None:
            return False
        channel = Ask.channel(self)
        if channel is None:
            return False
        return self._run(lambda: self.reports_service.send(self.actor, rep.id, channel=channel, now=self.clock()),
                         self.tr("{label}已记录报送").format(label=report_text(rep.label)))

    def correct_report(self) -> bool:
        rep = self.selected_report()
        if rep is None or rep.status != "sent":
            return False
        asked = self._draft_and_choice(rep.kind, corrects_report_id=rep.id)
        if asked is None:
            return False
        _, choice = asked
        return self._run(lambda: self.reports_service.correct(
            self.actor, rep.id, body=choice.body, channel=choice.channel, recipients=choice.recipients,
            sent_at=choice.sent_at, now=self.clock()), self.tr("更正已报送；原报告保持不变"))

    def add_note(self) -> bool:
        text = Ask.text(self, self.tr("添加记录"), self.tr("记录内容（发生时间为现在）："))
        if text is None:
            return False
        return self._run(lambda: self.log_service.add(self.actor, self.incident_id, text, now=self.clock()),
                         self.tr("已记录"))

    def add_instruction(self) -> bool:
        got = Ask.instruction(self, self.clock())
        if got is None:
            return False
        return self._run(lambda: self.log_service.add_instruction(
            self.actor, self.incident_id, got.text, instructed_by=got.leader, happened_at=got.given_at,
            now=self.clock()), self.tr("领导批示已记录，待落实"))

    def strike_entry(self) -> bool:
        e = self.selected_entry()
        if e is None:
            return False
        reason = Ask.text(self, self.tr("划除"), self.tr("划除理由（条目保留，显示为删除线）："))
        if reason is None:
            return False
        return self._run(lambda: self.log_service.strike(self.actor, e.id, reason, now=self.clock()),
                         self.tr("已划除"))

    def toggle_follow_up(self) -> bool:
        e = self.selected_entry()
        if e is None:
            return False
        state = "open" if e.follow_up_state == "done" else "done"
        return self._run(lambda: self.log_service.set_follow_up(self.actor, e.id, state, now=self.clock()),
                         self.tr("落实状态已更新"))


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")

