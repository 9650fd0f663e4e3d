"""接报向导 (intake wizard): five short pages a duty officer fills from the keyboard while on the phone.

1 来源与时间 — source, caller, call-back number, occurred, received (defaults to now; the officer on duty is shown)
2 地点与类型 — the profile's street/town list (or 其他 + a free address), category → event type from the
  lead-department table; the lead units and their duty phones appear as soon as the type is chosen
3 伤亡与情形 — deaths, injured, seriously injured, missing, trapped, direct loss, the four flags
4 事件情况 — what happened, measures already taken, trend
5 等级 — the grade the rules suggest with the reasons; confirm it, pick another or leave it unknown

Everything typed is saved as a draft a moment after the last keystroke (IncidentService.save_draft), so
an accidental close or a crash loses nothing; the incidents page offers the draft again ("未完成的接报").
Each page checks its own fields with the service before moving on and the message appears under the
field; Finish submits the whole intake, and nothing is opened if any field is bad.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import shiboken6
from PySide6.QtCore import QDateTime, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateTimeEdit,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ..config import pick
from ..domain.intake import FLAGS, MAX_COUNT, PLACE_OTHER
from ..domain.numbers import NumberError, read_amount, read_count
from ..services.actor import Actor
from ..services.errors import UserError, explain, lang
from ..services.incidents import IncidentService, IncidentView, IntakeInvalid
from .beijing_time import select_section_on_click
from .deadlines_panel import bound_clause
from .incident_common import (
    BEIJING_TZ,
    Clock,
    FieldError,
    bj,
    field_row,
    flag_text,
    from_qdt,
    grade_text,
    report_text,
    system_clock,
    to_qdt,
    wording_text,
)
from .operations import run

COUNT_FIELDS = ("deaths", "injured", "seriously_injured", "missing", "trapped")
TEXT_FIELDS = ("description", "measures_taken", "trend")
PAGE_FIELDS: tuple[tuple[str, ...], ...] = (
    ("source", "caller_name", "callback_phone", "occurred_at", "received_at"),
    ("place", "address", "category", "event_type"),
    (*COUNT_FIELDS, "economic_loss_cny", *FLAGS, "ongoing"),
    TEXT_FIELDS,
    ("grade", "title", "health"),
)


def _page_of(field: str) -> int:
    return next((i for i, names in enumerate(PAGE_FIELDS) if field in names), 0)


class _Page(QWizardPage):
    def __init__(self, wizard: IntakeWizard, index: int, title: str, subtitle: str = ""):
        super().__init__()
        self._wizard, self.index = wizard, index
        self.setTitle(title)
        if subtitle:
            self.setSubTitle(subtitle)

    def validatePage(self) -> bool:  # programmatic next() also comes through here
        return self._wizard.validate_page(self.index)

    def initializePage(self) -> None:
        self._wizard.page_entered(self.index)


class _TimeEdit(QDateTimeEdit):
    """Beijing time to the minute; focus lands on the hour (Tab → minutes → next field), the usual correction."""

    def __init__(self, value: QDateTime):
        super().__init__(value, displayFormat="yyyy-MM-dd HH:mm", calendarPopup=True)
        self.setTimeZone(BEIJING_TZ)
        select_section_on_click(self)

    def focusInEvent(self, event) -> None:
        if not shiboken6.isValid(self):  # focus handed on while the wizard is being destroyed: nothing to select
            return
        super().focusInEvent(event)
        if event.reason() != Qt.FocusReason.BacktabFocusReason:
            self.setSelectedSection(QDateTimeEdit.Section.HourSection)


class IntakeWizard(QWizard):
    """New intake, or a draft resumed (`draft`). `clock` gives "now" (tests pass a fixed one)."""

    submitted = Signal(object)  # IncidentView of the opened incident
    draft_saved = Signal(int)

    def __init__(self, service: IncidentService, actor: Actor, *, draft: IncidentView | None = None,
                 clock: Clock = system_clock, debounce_ms: int = 700, parent=None):
        super().__init__(parent)
        self.service, self.actor, self.clock = service, actor, clock
        self.draft_id: int | None = draft.id if draft else None
        self.incident: IncidentView | None = None
        self._loading = False
        self.setWindowTitle(self.tr("接报登记"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.setButtonText(QWizard.WizardButton.CustomButton1, self.tr("放弃草稿"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("提交接报"))
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("下一步 >"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< 上一步"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("关闭（保留草稿）"))
        self.customButtonClicked.connect(self._custom)
        now = clock()
        self.choices = service.choices(actor, on=now.date())
        self.errors: dict[str, FieldError] = {}
        self._save_timer = QTimer(self, singleShot=True, interval=debounce_ms, timeout=self.save_now)
        self.status = QLabel()
        self.status.setObjectName("draftStatus")
        self._build_source_page(now)
        self._build_place_page()
        self._build_harm_page()
        self._build_text_page()
        self._build_grade_page()
        if draft is not None:
            self.load(draft.intake_fields())
        self._connect_changes()
        for keys in ("Ctrl+Return", "Ctrl+Enter"):  # next page (or submit) from inside a text box
            QShortcut(QKeySequence(keys), self, activated=self.advance)
        self.resize(760, 620)

    def advance(self) -> None:
        if self.currentId() == len(PAGE_FIELDS) - 1:
            self.button(QWizard.WizardButton.FinishButton).click()
        else:
            self.next()

    # ------------------------------------------------------------ building the pages

    def _form(self, page: _Page) -> QFormLayout:
        outer = QVBoxLayout(page)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        outer.addLayout(form)
        outer.addStretch(1)
        page.outer = outer
        return form

    def _row(self, form: QFormLayout, name: str, caption: str, widget: QWidget) -> QWidget:
        self.errors[name] = field_row(form, name, caption, widget)
        return widget

    def _build_source_page(self, now: dt.datetime) -> None:
        page = _Page(self, 0, self.tr("1 来源与时间"), self.tr("接报时间默认为现在（北京时间）"))
        form = self._form(page)
        self.source = QComboBox()
        self.source.addItem(self.tr("（请选择）"), None)
        for c in self.choices.sources:
            self.source.addItem(pick(c.zh, c.en), c.key)
        self.caller_name = QLineEdit()
        self.callback_phone = QLineEdit(placeholderText=self.tr("如 13800001234"))
        self.received_at = _TimeEdit(to_qdt(now))
        self.occurred_at = _TimeEdit(to_qdt(now))
        self._row(form, "source", self.tr("信息来源(&S)"), self.source)
        self._row(form, "caller_name", self.tr("报告人(&R)"), self.caller_name)
        self._row(form, "callback_phone", self.tr("回拨电话(&P)"), self.callback_phone)
        self._row(form, "occurred_at", self.tr("发生时间(&O)"), self.occurred_at)
        self._row(form, "received_at", self.tr("接报时间(&T)"), self.received_at)
        self.duty_label = QLabel(self.tr("接报人：{name}").format(name=self.actor.display_name))
        page.outer.insertWidget(1, self.duty_label)
        page.outer.addWidget(self.status)
        self.addPage(page)

    def _build_place_page(self) -> None:
        page = _Page(self, 1, self.tr("2 地点与类型"), self.tr("地点从本区街道（乡镇）名单选择，名单外选“其他”并填写详细地址"))
        form = self._form(page)
        self.place = QComboBox(editable=True)
        self.place.addItem("", None)
        for name in self.choices.places:
            self.place.addItem(name, name)
        if self.choices.places:
            self.place.addItem(self.tr(PLACE_OTHER), PLACE_OTHER)
        self.place.setCurrentIndex(0)
        self._contains_completer(self.place)
        self.address = QLineEdit()
        self.category = QComboBox()
        self.category.addItem(self.tr("（请选择）"), None)
        for c in self.choices.categories:
            self.category.addItem(pick(c.zh, c.en), c.key)
        self.event_type = QComboBox(editable=True)
        self._contains_completer(self.event_type)
        self._row(form, "place", self.tr("事发地点(&L)"), self.place)
        self._row(form, "address", self.tr("详细地址(&A)"), self.address)
        self._row(form, "category", self.tr("事件类别(&C)"), self.category)
        self._row(form, "event_type", self.tr("事件类型(&E)"), self.event_type)
        self.lead_label = QLabel()
        self.lead_label.setWordWrap(True)
        self.lead_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        page.outer.insertWidget(1, self.lead_label)
        self.category.currentIndexChanged.connect(self._fill_event_types)
        self.event_type.currentTextChanged.connect(self._show_lead_units)
        self._fill_event_types()
        self.addPage(page)

    @staticmethod
    def _contains_completer(combo: QComboBox) -> None:
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = combo.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)

    def _build_harm_page(self) -> None:
        page = _Page(self, 2, self.tr("3 伤亡与情形"), self.tr("不清楚的留空（按 0 计），以后可在事件中更新"))
        form = self._form(page)
        captions = {"deaths": self.tr("死亡（人）(&D)"), "injured": self.tr("受伤（人）(&I)"),
                    "seriously_injured": self.tr("其中重伤（人）(&Z)"), "missing": self.tr("失踪（人）(&M)"),
                    "trapped": self.tr("被困（人）(&K)")}
        self.counts: dict[str, QLineEdit] = {}
        for name in COUNT_FIELDS:
            edit = QLineEdit(placeholderText="0")
            edit.setMaxLength(12)
            self.counts[name] = edit
            self._row(form, name, captions[name], edit)
        self.loss = QLineEdit(placeholderText="0")
        self._row(form, "economic_loss_cny", self.tr("直接经济损失（万元）(&Y)"), self.loss)
        grid = QGridLayout()
        self.flags: dict[str, QCheckBox] = {}
        # the flags this district's plan reads come first; another plan's (Tongzhou's 可能危及副中心 in Dongcheng)
        # stays hidden unless a draft already has it set (_show_flags)
        self.flags_in_use = {c.key for c in self.choices.flags}
        order = [f for f in FLAGS if f in self.flags_in_use] + [f for f in FLAGS if f not in self.flags_in_use]
        for i, f in enumerate(order):
            box = QCheckBox(flag_text(f))
            self.flags[f] = box
            grid.addWidget(box, i // 2, i % 2)
        self.ongoing = QCheckBox(self.tr("仍在处置中"), checked=True)
        grid.addWidget(self.ongoing, (len(FLAGS) + 1) // 2, 0)
        holder = QWidget()
        holder.setLayout(grid)
        self._show_flags()  # once they have their parent (shown before, each box was a window of its own)
        self._row(form, "sensitive", self.tr("情形"), holder)
        for f in FLAGS[1:]:
            self.errors[f] = self.errors["sensitive"]
        self.errors["ongoing"] = self.errors["sensitive"]
        self.addPage(page)

    def _build_text_page(self) -> None:
        page = _Page(self, 3, self.tr("4 事件情况"), self.tr("Tab 键在各栏之间移动，Ctrl+Enter 下一步"))
        form = self._form(page)
        captions = {"description": self.tr("事件简要情况(&W)"), "measures_taken": self.tr("已采取的措施(&G)"),
                    "trend": self.tr("发展趋势(&Q)")}
        self.texts: dict[str, QPlainTextEdit] = {}
        for name in TEXT_FIELDS:
            edit = QPlainTextEdit()
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(90 if name == "description" else 60)
            self.texts[name] = edit
            self._row(form, name, captions[name], edit)
        self.addPage(page)
        self._show_lead_units()

    def _build_grade_page(self) -> None:
        page = _Page(self, 4, self.tr("5 等级与主责部门"), self.tr("等级由值班人员确认；不能判明时保持“暂时无法判明”"))
        form = self._form(page)
        self.advice = QLabel()
        self.advice.setWordWrap(True)
        self.advice.setObjectName("gradeAdvice")
        page.outer.insertWidget(0, self.advice)
        self.use_suggestion = QPushButton(self.tr("采用建议等级(&U)"))
        self.use_suggestion.clicked.connect(self._use_suggestion)
        self.grade = QComboBox()
        for c in self.choices.grades[::-1]:  # unknown first, then ordinary … especially major
            self.grade.addItem(pick(c.zh, c.en), c.key)
        row = QWidget()
        lay = QHBoxLayout(row)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.grade, 1)
        lay.addWidget(self.use_suggestion)
        self._row(form, "grade", self.tr("确认等级(&J)"), row)
        self.title_edit = QLineEdit(placeholderText=self.tr("留空则按地点和类型自动生成"))
        self._row(form, "title", self.tr("事件标题(&B)"), self.title_edit)
        self.errors["health"] = self.errors["grade"]
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        page.outer.insertWidget(2, self.summary)
        self.deadlines = QLabel()
        self.deadlines.setObjectName("deadlinePreview")
        self.deadlines.setWordWrap(True)
        self.deadlines.setTextFormat(Qt.TextFormat.RichText)
        page.outer.insertWidget(3, self.deadlines)
        self.grade.currentIndexChanged.connect(self._show_deadlines)
        self.setTabOrder(self.grade, self.use_suggestion)
        self.setTabOrder(self.use_suggestion, self.title_edit)
        self.addPage(page)

    # ------------------------------------------------------------ values

    def values(self) -> dict[str, Any]:
        """What the officer has typed, keyed as the service names the intake fields."""
        def text(edit: QLineEdit) -> str | None:
            return edit.text().strip() or None

        def number(raw: str, read) -> Any:
            if not raw.strip():
                return None
            try:
                return read(raw)  # ２, ①, ３人 and 1,200 are read as typed on a Chinese keyboard
            except NumberError:
                return raw  # the service says what is wrong with it

        place = self.place.currentText().strip()
        out: dict[str, Any] = {
            "source": self.source.currentData(),
            "caller_name": text(self.caller_name),
            "callback_phone": text(self.callback_phone),
            "occurred_at": from_qdt(self.occurred_at.dateTime()),
            "received_at": from_qdt(self.received_at.dateTime()),
            "place": (PLACE_OTHER if place == self.tr(PLACE_OTHER) else place) or None,
            "address": text(self.address),
            "category": self.category.currentData(),
            "event_type": self.event_type.currentText().strip() or None,
            "economic_loss_cny": (lambda v: v * 10_000 if isinstance(v, float) else v)(
                number(self.loss.text(), lambda t: read_amount(t, maximum=math.inf, units=("万元", "万")))),
            "ongoing": self.ongoing.isChecked(),
            "grade": self.grade.currentData(),
            "title": text(self.title_edit),
        }
        out.update({name: number(edit.text(), lambda t: read_count(t, maximum=MAX_COUNT))
                    for name, edit in self.counts.items()})
        out.update({f: box.isChecked() for f, box in self.flags.items()})
        out.update({name: edit.toPlainText().strip() or None for name, edit in self.texts.items()})
        return out

    def load(self, fields: dict[str, Any]) -> None:
        """Fill the pages from a saved draft."""
        self._loading = True
        try:
            self.source.setCurrentIndex(max(0, self.source.findData(fields.get("source"))))
            self.caller_name.setText(fields.get("caller_name") or "")
            self.callback_phone.setText(fields.get("callback_phone") or "")
            for name, edit in (("occurred_at", self.occurred_at), ("received_at", self.received_at)):
                if fields.get(name):
                    edit.setDateTime(to_qdt(fields[name]))
            place = fields.get("place") or ""
            self.place.setCurrentText(self.tr(PLACE_OTHER) if place == PLACE_OTHER else place)
            self.address.setText(fields.get("address") or "")
            self.category.setCurrentIndex(max(0, self.category.findData(fields.get("category"))))
            self._fill_event_types()
            self.event_type.setCurrentText(fields.get("event_type") or "")
            for name, edit in self.counts.items():
                value = fields.get(name) or 0
                edit.setText(str(value) if value else "")
            loss = fields.get("economic_loss_cny") or 0
            self.loss.setText(f"{loss / 10_000:g}" if loss else "")
            for f, box in self.flags.items():
                box.setChecked(bool(fields.get(f)))
            self._show_flags()
            self.ongoing.setChecked(fields.get("ongoing", True) is not False)
            for name, edit in self.texts.items():
                edit.setPlainText(fields.get(name) or "")
            self.grade.setCurrentIndex(max(0, self.grade.findData(fields.get("grade") or "unknown")))
        finally:
            self._loading = False
        self._show_lead_units()

    def _show_flags(self) -> None:
        """The plan's flags, and any other that is set (nothing typed or saved is ever hidden)."""
        for f, box in self.flags.items():
            box.setVisible(f in self.flags_in_use or box.isChecked())

    # ------------------------------------------------------------ the draft, saved as typed

    def _connect_changes(self) -> None:
        for combo in (self.source, self.category, self.grade):
            combo.currentIndexChanged.connect(self._changed)
        for combo in (self.place, self.event_type):
            combo.currentTextChanged.connect(self._changed)
        for edit in (self.caller_name, self.callback_phone, self.address, self.loss, self.title_edit,
                     *self.counts.values()):
            edit.textChanged.connect(self._changed)
        for edit in (self.occurred_at, self.received_at):
            edit.dateTimeChanged.connect(self._changed)
        for box in (*self.flags.values(), self.ongoing):
            box.toggled.connect(self._changed)
        for edit in self.texts.values():
            edit.textChanged.connect(self._changed)

    def _changed(self, *args) -> None:
        if not self._loading:
            self._save_timer.start()

    @property
    def save_pending(self) -> bool:
        return self._save_timer.isActive()

    def save_now(self) -> bool:
        """Save the draft at once (the debounce timer calls this; so do Next, Finish and closing)."""
        self._save_timer.stop()
        if self.incident is not None:
            return True
        saved = run(lambda: self.service.save_draft(self.actor, self.draft_id, self.values(), now=self.clock()),
                    on_failure=lambda message: self.status.setText(self.tr("草稿未能保存：{msg}").format(msg=message)))
        if saved is None:
            return False
        self.draft_id = saved.incident.id
        bad = {p.field for p in saved.problems}
        for name, err in self.errors.items():
            if name in bad:
                err.show_text("；".join(p.text(lang()) for p in saved.problems if p.field == name))
            elif err.isVisible() and name in saved.saved:
                err.show_text("")
        self.status.setText(self.tr("草稿已自动保存（{time}）").format(time=bj(self.clock(), "%H:%M:%S")))
        self.draft_saved.emit(self.draft_id)
        return True

    # ------------------------------------------------------------ checking pages, submitting

    def show_problems(self, problems, fields: tuple[str, ...] | None = None) -> list:
        shown = [p for p in problems if fields is None or p.field in fields]
        names = set(fields) if fields is not None else set(self.errors)
        for name in names:
            if name in self.errors:
                self.errors[name].show_text("；".join(p.text(lang()) for p in shown if p.field == name))
        return shown

    def validate_page(self, index: int) -> bool:
        self.save_now()
        if index == len(PAGE_FIELDS) - 1:
            return self.submit()
        fields = PAGE_FIELDS[index]
        problems = run(lambda: self.service.check(self.actor, self.values(), draft_id=self.draft_id, now=self.clock()),
                       on_failure=self.status.setText)  # e.g. the database server lost: said, the page kept
        if problems is None:
            return False
        shown = self.show_problems(problems, fields)
        if shown:
            self._focus(shown[0].field)
        return not shown

    def submit(self) -> bool:
        if self.incident is not None:
            return True
        try:
            if self.draft_id is None and not self.save_now():
                return False
            self.incident = self.service.submit(self.actor, self.draft_id, self.values(), now=self.clock())
        except IntakeInvalid as exc:
            self.show_problems(exc.problems)
            first = exc.problems[0].field
            QTimer.singleShot(0, lambda: self.go_to(_page_of(first), first))
            return False
        except UserError as exc:
            self.status.setText(exc.message)
            self.errors["grade"].show_text(exc.message)
            return False
        except Exception as exc:  # the database server lost, ...: said here; everything typed stays in the wizard
            message = explain(exc)
            if message is None:
                raise
            self.status.setText(message)
            return False
        self.status.setText(self.tr("已提交：{title}").format(title=self.incident.title))
        self.submitted.emit(self.incident)
        return True

    def go_to(self, index: int, field: str | None = None) -> None:
        while self.currentId() > index:
            self.back()
        if field:
            self._focus(field)

    def _focus(self, field: str) -> None:
        widget = {"source": self.source, "caller_name": self.caller_name, "callback_phone": self.callback_phone,
                  "occurred_at": self.occurred_at, "received_at": self.received_at, "place": self.place,
                  "address": self.address, "category": self.category, "event_type": self.event_type,
                  "economic_loss_cny": self.loss, "grade": self.grade, "title": self.title_edit,
                  **self.counts, **self.texts}.get(field)
        if widget is not None and widget.isVisible():
            widget.setFocus()

    def page_entered(self, index: int) -> None:
        if index == 4:
            self._show_advice()

    # ------------------------------------------------------------ what the rules say

    def _fill_event_types(self, *args) -> None:
        cat = self.category.currentData()
        current = self.event_type.currentText()
        self.event_type.blockSignals(True)
        self.event_type.clear()
        self.event_type.addItem("")
        for et in self.choices.event_types:
            if cat is None or et.category == cat:
                self.event_type.addItem(et.name)
        self.event_type.setCurrentText(current if self.event_type.findText(current) >= 0 else "")
        self.event_type.blockSignals(False)
        self._show_lead_units()

    def _show_lead_units(self, *args) -> None:
        units = self.service.lead_units(self.actor, self.category.currentData(), self.event_type.currentText() or None,
                                        on=self.clock().date())
        self.lead_units = units
        if not hasattr(self, "summary"):
            return
        if not units:
            self.lead_label.setText("")
            self.summary.setText("")
            return
        text = "；".join(f"{u.name} {u.duty_phone}".strip() for u in units if u.role == "lead")
        others = "、".join(u.name for u in units if u.role != "lead")
        html = self.tr("主责部门：{units}").format(units=text)
        if others:
            html += self.tr("；配合：{units}").format(units=others)
        self.lead_label.setText(html)
        self.summary.setText(html)

    def _show_advice(self) -> None:
        a = self.service.advise(self.actor, self.values(), now=self.clock())
        self._suggested = a.suggested
        self.use_suggestion.setEnabled(a.suggested is not None)
        if a.suggested:
            reasons = "；".join(a.reasons) or "、".join(a.rules)
            text = self.tr("系统建议：{grade}。理由：{reasons}").format(grade=grade_text(a.suggested), reasons=reasons)
            if a.needs_judgment:
                text += self.tr("（需值班人员研判）")
        else:
            text = self.tr("系统建议：无可适用的数量标准，由值班人员研判；不能判明时保持“暂时无法判明”。")
        self.advice.setText(text)
        self._show_lead_units()
        self._show_deadlines()

    def _show_deadlines(self, *args) -> None:
        """What this intake will owe once submitted, with the confirmed grade as chosen now."""
        if self.currentId() != len(PAGE_FIELDS) - 1:
            return
        rows = []
        for d in self.service.preview_deadlines(self.actor, self.values(), now=self.clock()):
            if d.kind == "final":
                continue
            due = bj(d.due) + "（" + wording_text(d.wording) + "）" if d.due else wording_text(d.wording)
            if d.due is None and d.escalation_due is not None:  # "立即" is never silent: when it turns red, on whose word
                due += self.tr("（警戒 {t}，{basis}）").format(t=bj(d.escalation_due), basis=bound_clause(d.bound))
            rows.append(f"<tr><td>{report_text(d.label)}</td><td><b>{due}</b></td><td>{'、'.join(d.to)}</td><td>{d.basis}</td></tr>")
        head = "".join(f"<th align='left'>{h}</th>" for h in (self.tr("报告"), self.tr("时限"), self.tr("报送"),
                                                               self.tr("条款")))
        self.deadlines.setText(self.tr("<b>提交后的报告时限：</b>") +
                               f"<table cellspacing='0' cellpadding='3' border='1'><tr>{head}</tr>{''.join(rows)}</table>"
                               if rows else self.tr("按本预案，此情形无报告时限。"))

    def _use_suggestion(self) -> None:
        if getattr(self, "_suggested", None):
            self.grade.setCurrentIndex(self.grade.findData(self._suggested))

    # ------------------------------------------------------------ closing

    @classmethod
    def confirm_discard(cls, parent) -> bool:
        """Asked before a draft is thrown away (tests replace this)."""
        answer = QMessageBox.question(parent, parent.tr("放弃草稿"), parent.tr("放弃这份接报草稿？已填写的内容将被删除。"))
        return answer == QMessageBox.StandardButton.Yes

    def _custom(self, which: int) -> None:
        if which != QWizard.WizardButton.CustomButton1.value:
            return
        if self.draft_id is None and not self.save_pending:  # untouched: nothing to lose, nothing to ask
            super().reject()
            return
        if not self.confirm_discard(self):
            return
        self._save_timer.stop()  # typed but not yet saved: never saved
        if self.draft_id is not None:
            if run(lambda: self.service.discard_draft(self.actor, self.draft_id, now=self.clock()),
                   line=self.status) is None:
                return
        self.draft_id = None
        self.incident = None
        super().reject()

    def reject(self) -> None:
        """Closing keeps the draft: it is offered again as 未完成的接报."""
        if self.incident is None and (self.save_pending or self.draft_id is not None):
            self.save_now()
        super().reject()
