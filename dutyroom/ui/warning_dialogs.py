"""Dialogs of the 预警 page: the draft/edit form, a sign-off decision, an external decision, issuing
on channels, a reason, and where to save the CAP file.

Each dialog has a classmethod factory `ask(...) -> result | None` that the page calls and tests
monkeypatch. The dialogs check only what a user must fix before sending (empty reason, bad times);
the service decides everything else and the page shows its refusal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..domain.clock import BEIJING
from ..domain.vocabulary import CATEGORY_LABELS, COLOUR_LABELS, ROLE_LABELS, Category, Colour, Role, label
from ..domain.warning_state import STATUS_LABELS, Status, required_fields
from ..services.errors import lang
from ..services.warnings import StepView, WarningContent, WarningService, label_role, normalise_content
from .beijing_time import select_section_on_click
from .file_dialogs import save_file
from .incident_common import BEIJING_TZ, to_qdt
from .operations import run
from .theme import WARNING_LEVELS

COLOUR_CSS = {k: look.background for k, look in WARNING_LEVELS.items()}  # named in theme.py
COLOUR_TEXT = {k: look.foreground for k, look in WARNING_LEVELS.items()}


# ---------------------------------------------------------------- small shared helpers


def from_qt(value: QDateTime) -> dt.datetime:
    return dt.datetime.fromtimestamp(value.toSecsSinceEpoch(), tz=dt.UTC)


def beijing(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return value.astimezone(BEIJING).strftime(fmt) if value else ""


def status_name(status: str) -> str:
    return label(STATUS_LABELS, Status(status), lang())


def colour_name(colour: str) -> str:
    return label(COLOUR_LABELS, Colour(colour), lang())


def warning_status_text(svc: WarningService, w, short: bool = False) -> str:
    """The status as the list and the heading show it. Approved and waiting to be issued names who issues;
    a level with no in-app sign-off was approved by nobody, so it reads 待发布（由…发布） (QA A6).
    `short` (the list column): 待发布 without the issuer; the heading of the selected warning names it."""
    if w.status != Status.approved.value:
        return status_name(w.status)
    if short:
        if w.steps:
            return status_name(w.status)
        return "Awaiting issue" if lang() == "en" else "待发布"
    issuer = role_name(svc, w.issuer_role)
    if not w.steps:
        return (f"Awaiting issue (issued by {issuer})" if lang() == "en"
                else f"待发布（由{issuer}发布）")
    return (f"Approved, awaiting issue (issued by {issuer})" if lang() == "en"
            else f"已批准待发布（由{issuer}发布）")


def category_name(category: str) -> str:
    return label(CATEGORY_LABELS, Category(category), lang())


def role_name(svc: WarningService, role: str) -> str:
    """The role as this jurisdiction's plan calls it (区长 …); the generic English name in English."""
    return label(ROLE_LABELS, Role(role), "en") if lang() == "en" else label_role(svc.profile, role)


def age_text(age: dt.timedelta) -> str:
    minutes = max(0, int(age.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if lang() == "en":
        return f"{days}d {hours}h" if days else f"{hours}h {mins}min"
    return f"{days}天{hours}小时" if days else f"{hours}小时{mins}分"


def chip_css(colour: str) -> str:
    return (f"background:{COLOUR_CSS[colour]}; color:{COLOUR_TEXT[colour]}; border-radius:4px; "
            "padding:2px 8px; font-weight:bold")


def datetime_edit() -> QDateTimeEdit:
    """A minute-precision date-time field in Beijing time, set to now (the warning and response dialogs)."""
    edit = QDateTimeEdit(calendarPopup=True, displayFormat="yyyy-MM-dd HH:mm")
    edit.setTimeZone(BEIJING_TZ)  # Beijing time whatever the PC's zone
    edit.setDateTime(QDateTime.currentDateTime().toTimeZone(BEIJING_TZ))
    return select_section_on_click(edit)


def ok_cancel_buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(dialog.tr("取消"))
    box.rejected.connect(dialog.reject)
    return box


def error_label() -> QLabel:
    error = QLabel(styleSheet="color: #b00020")
    error.setWordWrap(True)
    return error


# ---------------------------------------------------------------- the draft / edit / adjust form


class WarningFormDialog(QDialog):
    """The plan's content fields (3.2.4); the public-health additions when the category needs them."""

    def __init__(self, svc: WarningService, initial: WarningContent | None, heading: str, adjustment: bool = False,
                 parent=None):
        super().__init__(parent)
        self.svc, self.adjustment = svc, adjustment
        self.result_content: WarningContent | None = None
        self.setWindowTitle(heading)
        self.title = QLineEdit()
        self.category = QComboBox()
        for c in Category:
            self.category.addItem(category_name(c.value), c.value)
        self.colour = QComboBox()
        self.colour.addItem(self.tr("（请选择预警级别）"), None)  # no default level: the drafter chooses it (QA A5)
        for c in Colour:
            self.colour.addItem(colour_name(c.value), c.value)
        self.event_type = QLineEdit()
        self.origin = QComboBox()
        self.origin.addItem(self.tr("本区发布"), "district")
        self.origin.addItem(self.tr("转发上级预警"), "forwarded")
        self.source_org = QLineEdit(placeholderText=self.tr("原发布单位，如：北京市气象台"))
        self.has_start = QCheckBox(self.tr("起始时间"))
        self.start_at = datetime_edit()
        self.has_end = QCheckBox(self.tr("预计结束时间"))
        self.ends_at = datetime_edit()
        self.expected_duration = QLineEdit(placeholderText=self.tr("如：12小时"))
        self.area, self.cautions, self.measures_text = QPlainTextEdit(), QPlainTextEdit(), QPlainTextEdit()
        for box in (self.area, self.cautions, self.measures_text):
            box.setFixedHeight(60)
        self.issuing_unit = QLineEdit()
        self.situation, self.public_advice = QPlainTextEdit(), QPlainTextEdit()
        for box in (self.situation, self.public_advice):
            box.setFixedHeight(60)
        self.hotline = QLineEdit()

        form = QFormLayout()
        form.addRow(self.tr("预警标题"), self.title)
        form.addRow(self.tr("类别"), self.category)
        form.addRow(self.tr("预警级别"), self.colour)
        form.addRow(self.tr("事件类型"), self.event_type)
        form.addRow(self.tr("预警来源"), self.origin)
        self.source_label = QLabel(self.tr("信息来源"))
        form.addRow(self.source_label, self.source_org)
        form.addRow(self.has_start, self.start_at)
        form.addRow(self.tr("预计持续时间"), self.expected_duration)
        form.addRow(self.has_end, self.ends_at)
        form.addRow(self.tr("可能影响范围"), self.area)
        form.addRow(self.tr("警示事项"), self.cautions)
        form.addRow(self.tr("应采取的措施"), self.measures_text)
        form.addRow(self.tr("发布单位"), self.issuing_unit)
        self.health_box = QGroupBox(self.tr("公共卫生事件预警补充内容"))
        health = QFormLayout(self.health_box)
        health.addRow(self.tr("事态发展"), self.situation)
        health.addRow(self.tr("公众预警响应建议"), self.public_advice)
        health.addRow(self.tr("咨询电话"), self.hotline)
        self.required = QLabel(wordWrap=True, styleSheet="color: #555")
        self.chain = QLabel(wordWrap=True)
        self.error = error_label()

        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.addLayout(form)
        inner_layout.addWidget(self.health_box)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(inner)
        buttons = ok_cancel_buttons(self, self.tr("保存"))
        buttons.accepted.connect(self.try_accept)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.required)
        layout.addWidget(self.chain)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(640, 760)

        for combo in (self.category, self.colour, self.origin):
            combo.currentIndexChanged.connect(self._update)
        self.has_start.toggled.connect(self.start_at.setEnabled)
        self.has_end.toggled.connect(self.ends_at.setEnabled)
        self.set_content(initial)
        self._update()

    # -- values in and out

    def set_content(self, c: WarningContent | None) -> None:
        if c is None:
            self.has_start.setChecked(False)
            self.has_end.setChecked(False)
            self.start_at.setEnabled(False)
            self.ends_at.setEnabled(False)
            return
        self.title.setText(c.title)
        self.category.setCurrentIndex(self.category.findData(c.category))
        self.colour.setCurrentIndex(self.colour.findData(c.colour))
        self.event_type.setText(c.event_type or "")
        self.origin.setCurrentIndex(self.origin.findData(c.origin))
        self.source_org.setText(c.source_org or "")
        for box, edit, value in ((self.has_start, self.start_at, c.start_at), (self.has_end, self.ends_at, c.ends_at)):
            box.setChecked(value is not None)
            edit.setEnabled(value is not None)
            if value is not None:
                edit.setDateTime(to_qdt(value))
        self.expected_duration.setText(c.expected_duration or "")
        self.area.setPlainText(c.area or "")
        self.cautions.setPlainText(c.cautions or "")
        self.measures_text.setPlainText(c.measures_text or "")
        self.issuing_unit.setText(c.issuing_unit or "")
        self.situation.setPlainText(c.situation or "")
        self.public_advice.setPlainText(c.public_advice or "")
        self.hotline.setText(c.hotline or "")

    def content(self) -> WarningContent:
        health = self.category.currentData() == Category.public_health.value
        return WarningContent(
            title=self.title.text(), category=self.category.currentData(), colour=self.colour.currentData(),
            event_type=self.event_type.text(),
            start_at=from_qt(self.start_at.dateTime()) if self.has_start.isChecked() else None,
            expected_duration=self.expected_duration.text(),
            ends_at=from_qt(self.ends_at.dateTime()) if self.has_end.isChecked() else None,
            area=self.area.toPlainText(), cautions=self.cautions.toPlainText(),
            measures_text=self.measures_text.toPlainText(), issuing_unit=self.issuing_unit.text(),
            origin=self.origin.currentData(),
            source_org=self.source_org.text() if self.origin.currentData() == "forwarded" else None,
            situation=self.situation.toPlainText() if health else None,
            public_advice=self.public_advice.toPlainText() if health else None,
            hotline=self.hotline.text() if health else None,
        )

    def _update(self) -> None:
        category, colour = self.category.currentData(), self.colour.currentData()
        health = category == Category.public_health.value
        self.health_box.setVisible(health)
        forwarded = self.origin.currentData() == "forwarded"
        self.source_label.setVisible(forwarded)
        self.source_org.setVisible(forwarded)
        labels = [lbl for _, lbl in required_fields(self.svc.profile, category)]
        self.required.setText(self.tr("提交审批前须填写：{fields}").format(fields="、".join(labels)))
        if colour is None:
            self.chain.setText(self.tr("审批流程：选择预警级别后显示"))
            return
        steps = self.svc.chain_preview(colour, category, adjustment=self.adjustment)
        self.chain.setText(chain_text(self, self.svc, steps))

    def try_accept(self) -> None:
        if self.colour.currentData() is None:
            self.error.setText(self.tr("请选择预警级别"))
            return
        content = self.content()
        # the service's own check: nothing typed is lost on a refusal
        if run(lambda: normalise_content(content), line=self.error) is None:
            return
        self.result_content = content
        self.accept()

    @classmethod
    def ask(cls, parent, svc: WarningService, initial: WarningContent | None, heading: str,
            adjustment: bool = False) -> WarningContent | None:
        dialog = cls(svc, initial, heading, adjustment, parent)
        return dialog.result_content if dialog.exec() == QDialog.DialogCode.Accepted else None


def chain_text(widget: QWidget, svc: WarningService, steps: list[StepView]) -> str:
    if not steps:
        return widget.tr("审批流程：本级别无需审批，由发布单位直接发布")
    parts = [f"{s.step_no}. {s.label}" + (widget.tr("（上级决定，手工登记）") if s.kind == "external_decision" else "")
             for s in steps]
    return widget.tr("审批流程：{steps}").format(steps=" → ".join(parts))


# ---------------------------------------------------------------- decisions


class DecisionDialog(QDialog):
    """Approve with a comment; reject, return, request a lift or undo a tick with a reason (required)."""

    def __init__(self, heading: str, prompt: str, required: bool, ok_text: str, parent=None):
        super().__init__(parent)
        self.required, self.text_value = required, None
        self.setWindowTitle(heading)
        self.text = QPlainTextEdit()
        self.error = error_label()
        buttons = ok_cancel_buttons(self, ok_text)
        buttons.accepted.connect(self.try_accept)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(prompt, wordWrap=True))
        layout.addWidget(self.text)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def try_accept(self) -> None:
        text = self.text.toPlainText().strip()
        if self.required and not text:
            self.error.setText(self.tr("请写明理由"))
            return
        self.text_value = text
        self.accept()

    @classmethod
    def ask(cls, parent, heading: str, prompt: str, required: bool, ok_text: str) -> str | None:
        dialog = cls(heading, prompt, required, ok_text, parent)
        return dialog.text_value if dialog.exec() == QDialog.DialogCode.Accepted else None


@dataclass(frozen=True)
class ExternalDecision:
    decider: str
    reference: str
    decided_at: dt.datetime
    decision: str  # approved | rejected | returned
    comment: str


class ExternalDecisionDialog(QDialog):
    """A decision taken outside the app (e.g. 市应急办), recorded by hand: who, reference number, when."""

    def __init__(self, step_label: str, parent=None):
        super().__init__(parent)
        self.value: ExternalDecision | None = None
        self.setWindowTitle(self.tr("登记上级决定"))
        self.decider = QLineEdit(placeholderText=self.tr("如：市应急办值班领导"))
        self.reference = QLineEdit(placeholderText=self.tr("如：京应急字〔2026〕18号"))
        self.decided_at = datetime_edit()
        self.decision = QComboBox()
        for key, text in (("approved", self.tr("同意")), ("returned", self.tr("退回修改")),
                          ("rejected", self.tr("不予批准"))):
            self.decision.addItem(text, key)
        self.comment = QPlainTextEdit()
        self.comment.setFixedHeight(70)
        self.error = error_label()
        form = QFormLayout()
        form.addRow(self.tr("审批步骤"), QLabel(step_label))
        form.addRow(self.tr("决定单位或人员"), self.decider)
        form.addRow(self.tr("文号/编号"), self.reference)
        form.addRow(self.tr("决定时间"), self.decided_at)
        form.addRow(self.tr("决定"), self.decision)
        form.addRow(self.tr("意见"), self.comment)
        buttons = ok_cancel_buttons(self, self.tr("登记"))
        buttons.accepted.connect(self.try_accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def try_accept(self) -> None:
        if not self.decider.text().strip() or not self.reference.text().strip():
            self.error.setText(self.tr("请填写作出决定的单位或人员及文号"))
            return
        if self.decision.currentData() != "approved" and not self.comment.toPlainText().strip():
            self.error.setText(self.tr("退回或不予批准须写明理由"))
            return
        self.value = ExternalDecision(self.decider.text().strip(), self.reference.text().strip(),
                                      from_qt(self.decided_at.dateTime()), self.decision.currentData(),
                                      self.comment.toPlainText().strip())
        self.accept()

    @classmethod
    def ask(cls, parent, step_label: str) -> ExternalDecision | None:
        dialog = cls(step_label, parent)
        return dialog.value if dialog.exec() == QDialog.DialogCode.Accepted else None


class IssueDialog(QDialog):
    """Issue on the profile's channels (3.2.8); shows where the warning is filed (备案)."""

    def __init__(self, channels: list[str], filed_with: list[str], parent=None):
        super().__init__(parent)
        self.value: list[str] | None = None
        self.setWindowTitle(self.tr("发布预警"))
        self.boxes = [QCheckBox(c) for c in channels]
        grid = QGridLayout()
        for i, box in enumerate(self.boxes):
            grid.addWidget(box, i // 3, i % 3)
        group = QGroupBox(self.tr("发布渠道（本辖区预案所列）"))
        group.setLayout(grid)
        self.error = error_label()
        buttons = ok_cancel_buttons(self, self.tr("发布"))
        buttons.accepted.connect(self.try_accept)
        layout = QVBoxLayout(self)
        layout.addWidget(group)
        if filed_with:
            layout.addWidget(QLabel(self.tr("发布后报备：{units}").format(units="、".join(filed_with)), wordWrap=True))
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def try_accept(self) -> None:
        chosen = [b.text() for b in self.boxes if b.isChecked()]
        if not chosen:
            self.error.setText(self.tr("请至少选择一个发布渠道"))
            return
        self.value = chosen
        self.accept()

    @classmethod
    def ask(cls, parent, channels: list[str], filed_with: list[str]) -> list[str] | None:
        dialog = cls(channels, filed_with, parent)
        return dialog.value if dialog.exec() == QDialog.DialogCode.Accepted else None


class CapSaveDialog:
    """Where to save the CAP XML (ui/file_dialogs: Qt's own dialog, in Chinese, in the last folder used)."""

    @classmethod
    def ask(cls, parent, suggested: str) -> Path | None:
        path = save_file(parent, parent.tr("导出CAP"), suggested, "CAP 1.2 XML (*.xml)")
        return Path(path) if path else None
