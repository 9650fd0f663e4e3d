"""更新事态: the facts of an open incident change after intake (casualties, loss, place, measures, trend,
what happened), with the time they became known (default now, Beijing time). The service rechecks the
whole record; a bad field is named under that field and the dialog stays open with everything typed.

Several seats (issue 21): the save carries the version the dialog loaded. When another seat changed the incident
meanwhile, the refusal ("已被某某于某时修改，请刷新") is shown, nothing is overwritten, and 刷新 loads the latest
facts into the fields the officer did not touch (what was typed stays). A lost database server is said in the
same line, and the dialog stays open with what was typed until a save goes through.

When the update moves the grade suggestion away from the confirmed grade, GradeDecisionDialog asks at
once: adopt the suggestion, keep the confirmed grade, or choose another. It only asks; the incident
detail carries the answer out through the service (confirm_grade / keep_grade).

Tests replace `FactsDialog.ask` / `GradeDecisionDialog.ask`, or drive the dialogs themselves.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.clock import BEIJING
from ..domain.intake import PLACE_OTHER
from ..services.actor import Actor
from ..services.errors import UserError, explain, lang
from ..services.incidents import KNOWN_AT, IncidentService, IncidentView, IntakeInvalid
from ..services.row_version import EditConflict
from .beijing_time import beijing_qdt, from_beijing_qdt
from .incident_common import RED, Clock, FieldError, field_row, grade_text
from .intake_wizard import COUNT_FIELDS, TEXT_FIELDS

KEEP = "keep"  # GradeDecisionDialog's answer: keep the confirmed grade


def _loss_text(cny: float) -> str:
    return f"{cny / 10_000:g}" if cny else ""


def _number(raw: str, convert) -> Any:
    raw = raw.strip().replace(",", "")
    if not raw:
        return None
    try:
        return convert(raw)
    except ValueError:
        return raw  # the service says what is wrong with it


class FactsDialog(QDialog):
    """Edit the facts that change while an incident is handled; `save` sends only the fields changed."""

    def __init__(self, service: IncidentService, actor: Actor, incident: IncidentView, clock: Clock, parent=None):
        super().__init__(parent)
        self.service, self.actor, self.incident, self.clock = service, actor, incident, clock
        self.result_view: IncidentView | None = None
        self.setWindowTitle(self.tr("更新事态：{title}").format(title=incident.title))
        self.errors: dict[str, FieldError] = {}
        self.widgets: dict[str, QWidget] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.known_at = QDateTimeEdit(beijing_qdt(clock()), displayFormat="yyyy-MM-dd HH:mm", calendarPopup=True)
        self._row(form, KNOWN_AT, self.tr("获知时间(&K)"), self.known_at)
        captions = {"deaths": self.tr("死亡（人）(&D)"), "injured": self.tr("受伤（人）(&I)"),
                    "seriously_injured": self.tr("其中重伤（人）(&Z)"), "missing": self.tr("失踪（人）(&M)"),
                    "trapped": self.tr("被困（人）(&T)")}
        self.counts: dict[str, QLineEdit] = {}
        for name in COUNT_FIELDS:
            edit = QLineEdit(str(getattr(incident, name) or ""), placeholderText="0")
            edit.setMaxLength(12)
            self.counts[name] = self._row(form, name, captions[name], edit)
        self.loss = self._row(form, "economic_loss_cny", self.tr("直接经济损失（万元）(&Y)"),
                              QLineEdit(_loss_text(incident.economic_loss_cny), placeholderText="0"))
        self.place = self._row(form, "place", self.tr("事发地点(&L)"), self._place_combo())
        self.address = self._row(form, "address", self.tr("详细地址(&A)"), QLineEdit(incident.address or ""))
        captions = {"description": self.tr("事件简要情况(&W)"), "measures_taken": self.tr("已采取的措施(&G)"),
                    "trend": self.tr("发展趋势(&Q)")}
        self.texts: dict[str, QPlainTextEdit] = {}
        for name in TEXT_FIELDS:
            edit = QPlainTextEdit(getattr(incident, name) or "")
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(70)
            self.texts[name] = self._row(form, name, captions[name], edit)
        self.status = QLabel()
        self.status.setObjectName("factsStatus")
        self.status.setWordWrap(True)
        self.status.setStyleSheet(f"color: {RED};")
        self.initial = self.values()
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(self.tr("保存并记入日志(&S)"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.refresh_button = buttons.addButton(self.tr("刷新(&R)"), QDialogButtonBox.ButtonRole.ActionRole)
        self.refresh_button.setToolTip(self.tr("载入其他席位保存的最新事态；您已输入的内容保留"))
        self.refresh_button.hide()  # offered after another seat's change refused a save
        self.refresh_button.clicked.connect(self.refresh)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        hint = QLabel(self.tr("获知时间：新情况是何时得知的（北京时间，默认为现在），记为日志的发生时间"))
        hint.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(hint)
        lay.addLayout(form)
        lay.addWidget(self.status)
        lay.addWidget(buttons)
        self.resize(620, 720)

    def _place_combo(self) -> QComboBox:
        on = self.incident.received_at.astimezone(BEIJING).date()
        places = self.service.choices(self.actor, on=on).places
        combo = QComboBox(editable=True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.addItem("")
        for name in places:
            combo.addItem(name)
        if places:
            combo.addItem(self.tr(PLACE_OTHER))
        place = self.incident.place or ""
        combo.setCurrentText(self.tr(PLACE_OTHER) if place == PLACE_OTHER else place)
        return combo

    def _row(self, form: QFormLayout, name: str, caption: str, widget: QWidget) -> Any:
        self.errors[name], self.widgets[name] = field_row(form, name, caption, widget), widget
        return widget

    # ------------------------------------------------------------ values

    def values(self) -> dict[str, Any]:
        """The facts as typed, keyed as the service names the intake fields."""
        place = self.place.currentText().strip()
        loss = _number(self.loss.text(), float)
        out: dict[str, Any] = {name: _number(edit.text(), int) or 0 for name, edit in self.counts.items()}
        out["economic_loss_cny"] = loss * 10_000 if isinstance(loss, float) else loss or 0.0
        out["place"] = (PLACE_OTHER if place == self.tr(PLACE_OTHER) else place) or None
        out["address"] = self.address.text().strip() or None
        out.update({name: edit.toPlainText().strip() or None for name, edit in self.texts.items()})
        return out

    def changed_fields(self) -> dict[str, Any]:
        """Only what the officer changed (a loss shown rounded is not rewritten unless edited)."""
        now = self.values()
        return {k: v for k, v in now.items() if v != self.initial[k]}

    def known_time(self) -> dt.datetime:
        return from_beijing_qdt(self.known_at.dateTime())

    # ------------------------------------------------------------ saving

    def show_problems(self, problems) -> None:
        for name, err in self.errors.items():
            err.show_text("；".join(p.text(lang()) for p in problems if p.field == name))
        unplaced = [p for p in problems if p.field not in self.errors]
        self.status.setText("；".join(p.text(lang()) for p in unplaced))
        first = next((p.field for p in problems if p.field in self.widgets), None)
        if first:
            self.widgets[first].setFocus()

    def save(self) -> bool:
        fields = self.changed_fields()
        if not fields:
            self.show_problems([])
            self.status.setText(self.tr("没有修改任何事态"))
            return False
        try:
            view = self.service.update(self.actor, self.incident.id, fields, known_at=self.known_time(),
                                       now=self.clock(), version=self.incident.row_version)
        except IntakeInvalid as exc:
            self.show_problems(exc.problems)
            return False
        except EditConflict as exc:
            self.show_problems([])
            self.status.setText(exc.message)
            self.refresh_button.show()
            self.refresh_button.setFocus()
            return False
        except UserError as exc:
            self.show_problems([])
            self.status.setText(exc.message)
            return False
        except Exception as exc:  # the server lost, the disk full...: said here, and everything typed stays
            message = explain(exc)
            if message is None:
                raise
            self.show_problems([])
            self.status.setText(message)
            return False
        self.result_view = view
        self.accept()
        return True

    def refresh(self) -> bool:
        """Load the incident as another seat left it: the fields the officer has not changed show the new values,
        what was typed stays; the next save is checked against this version."""
        try:
            latest = self.service.get(self.actor, self.incident.id)
        except Exception as exc:
            message = explain(exc)
            if message is None:
                raise
            self.status.setText(message)
            return False
        typed = {name: self._raw(name) for name in self.changed_fields()}
        self.incident = latest
        for name in self.initial:  # the latest facts as this dialog shows them are the new starting point...
            self._set(name, getattr(latest, name))
        self.initial = self.values()
        for name, raw in typed.items():  # ...and what the officer typed is put back
            self._set_raw(name, raw)
        self.refresh_button.hide()
        self.show_problems([])
        self.status.setText(self.tr("已载入最新事态；您输入的内容已保留，请核对后保存"))
        return True

    def _set(self, name: str, value: Any) -> None:
        if name in self.counts:
            value = str(value or "")
        elif name == "economic_loss_cny":
            value = _loss_text(value)
        elif name == "place":
            value = self.tr(PLACE_OTHER) if value == PLACE_OTHER else value or ""
        self._set_raw(name, value or "")

    def _raw(self, name: str) -> str:
        widget = self.widgets[name]
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        return widget.currentText() if isinstance(widget, QComboBox) else widget.text()

    def _set_raw(self, name: str, raw: str) -> None:
        widget = self.widgets[name]
        if isinstance(widget, QPlainTextEdit):
            widget.setPlainText(raw)
        elif isinstance(widget, QComboBox):
            widget.setCurrentText(raw)
        else:
            widget.setText(raw)

    @classmethod
    def ask(cls, parent, service: IncidentService, actor: Actor, incident: IncidentView,
            clock: Clock) -> IncidentView | None:
        """The incident as updated, or None when the officer cancelled (nothing was written)."""
        dialog = cls(service, actor, incident, clock, parent)
        return dialog.result_view if dialog.exec() == QDialog.DialogCode.Accepted else None


class GradeDecisionDialog(QDialog):
    """The suggestion now differs from the confirmed grade: adopt it, keep the confirmed one, or choose another."""

    GRADES = ("unknown", "ordinary", "large", "major", "especially_major")

    def __init__(self, incident: IncidentView, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("确认事件等级"))
        self.answer: str | None = None
        a = incident.advice
        reasons = "；".join(a.reasons) or "、".join(a.rules)
        basis = "、".join(dict.fromkeys(a.basis))
        lines = [self.tr("事态更新后，系统建议等级为{s}，与确认等级{c}不一致。").format(
                     s=grade_text(incident.grade_suggested), c=grade_text(incident.grade_confirmed)),
                 self.tr("理由：{reasons}（依据：{basis}）").format(reasons=reasons, basis=basis),
                 self.tr("确认等级决定报告时限，请选择：")]
        self.text = QLabel("\n".join(lines))
        self.text.setObjectName("gradeDecisionText")
        self.text.setWordWrap(True)
        self.adopt_button = QPushButton(self.tr("采用建议等级：{g}(&U)").format(g=grade_text(incident.grade_suggested)))
        self.keep_button = QPushButton(self.tr("维持当前等级：{g}(&K)").format(g=grade_text(incident.grade_confirmed)))
        self.other = QComboBox()
        for key in self.GRADES:
            if key not in (incident.grade_suggested, incident.grade_confirmed):
                self.other.addItem(grade_text(key), key)
        self.other_button = QPushButton(self.tr("改为其他等级(&O)"))
        self.later_button = QPushButton(self.tr("稍后研判"))
        self.adopt_button.clicked.connect(lambda: self._done(incident.grade_suggested))
        self.keep_button.clicked.connect(lambda: self._done(KEEP))
        self.other_button.clicked.connect(lambda: self._done(self.other.currentData()))
        self.later_button.clicked.connect(self.reject)
        self.adopt_button.setDefault(True)
        other_row = QHBoxLayout()
        other_row.addWidget(self.other, 1)
        other_row.addWidget(self.other_button)
        lay = QVBoxLayout(self)
        lay.addWidget(self.text)
        lay.addWidget(self.adopt_button)
        lay.addWidget(self.keep_button)
        lay.addLayout(other_row)
        lay.addWidget(self.later_button)
        self.resize(520, 260)

    def _done(self, answer: str | None) -> None:
        self.answer = answer
        self.accept()

    @classmethod
    def ask(cls, parent, incident: IncidentView) -> str | None:
        """A grade key to confirm, KEEP, or None when the officer decides later."""
        dialog = cls(incident, parent)
        return dialog.answer if dialog.exec() == QDialog.DialogCode.Accepted else None
