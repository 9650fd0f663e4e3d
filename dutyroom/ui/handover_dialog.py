"""交接班: the outgoing officer's sheet (generated from what is open right now), notes, the outgoing
signature, then the incoming officer's sign-in with their own password. A signed sheet is shown as stored
and can be reprinted exactly (the shared print buttons: 打印预览 / 打印 / 另存为PDF of the stored sheet).
Opened from the main window, a handover signed in here hands the seat over too: when the dialog closes, the
window's `handed_over` signal names the incoming officer, who then signs in (session_controller)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from ..config import pick
from ..services.actor import Actor
from ..services.errors import UserError
from ..services.exports import ReportExporter
from ..services.handover import EarlyHandover, HandoverService, HandoverView, sheet_text
from .operations import run
from .print_support import PrintActions, add_print_actions


class HandoverDialog(QDialog):
    def __init__(self, service: HandoverService, actor: Actor, clock=None, parent=None, *,
                 exporter: ReportExporter | None = None):
        super().__init__(parent)
        self.svc, self.actor, self.clock = service, actor, clock
        self.exporter = exporter  # the signed sheet as a PDF (None: no print buttons)
        self.print_actions: PrintActions | None = None
        self.signed: HandoverView | None = None
        self.incoming_username: str | None = None  # who signed in here: they take over the seat on close
        self.setWindowTitle(self.tr("交接班"))
        self.resize(760, 720)
        self.sheet = QPlainTextEdit()
        self.sheet.setReadOnly(True)
        self.sheet.setFont(QFont(self.sheet.font().family(), 11))
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(self.tr("需要接班人注意的事项（交班备注）"))
        self.notes.setMaximumHeight(90)
        self.refresh_button = QPushButton(self.tr("重新生成"), clicked=self.refresh)
        self.sign_out_button = QPushButton(self.tr("交班人签名"), clicked=self.sign_out)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.sign_in_button = QPushButton(self.tr("接班人签名"), clicked=self.sign_in)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c62828")
        incoming = QGroupBox(self.tr("接班人签名（用本人账号和密码）"))
        form = QFormLayout(incoming)
        form.addRow(self.tr("用户名"), self.username)
        form.addRow(self.tr("密码"), self.password)
        form.addRow(self.sign_in_button)
        self.incoming_box = incoming
        buttons = QHBoxLayout()
        for b in (self.refresh_button, self.sign_out_button):
            buttons.addWidget(b)
        if exporter is not None:
            self.print_actions = add_print_actions(buttons, self, title=self.tr("交接班单"), make_pdf=self._make_pdf)
            self.print_actions.set_enabled(False, reason=self.tr("交班人签名后可打印交班单"))
        buttons.addStretch(1)
        buttons.addWidget(QPushButton(self.tr("关闭"), clicked=self.accept))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("交班单")))
        layout.addWidget(self.sheet, 1)
        layout.addWidget(QLabel(self.tr("交班备注")))
        layout.addWidget(self.notes)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(incoming)
        layout.addWidget(self.error)
        waiting = run(lambda: self.svc.awaiting_sign_in(actor), line=self.error)
        if isinstance(waiting, HandoverView):  # not None (nothing waiting: True) nor a refusal (None)
            self._show_signed(waiting)
        else:
            self.refresh()
        self.finished.connect(self._hand_over_seat)

    def _now(self) -> dt.datetime | None:
        return self.clock() if self.clock else None

    def refresh(self) -> None:
        if self.signed is not None:
            return
        preview = run(lambda: self.svc.preview(self.actor, self.notes.toPlainText(), now=self._now()), line=self.error)
        if preview is None:
            return
        self.sheet.setPlainText(sheet_text(preview))
        early = self.svc.early_handover(now=self._now())
        self.status.setText(self.tr("交班单按当前在办事项生成，签名后不可更改。") + (
            self.tr("注意：距本班结束还有 {n} 分钟，现在交班属于提前交班。").format(n=early.minutes_left) if early else ""))
        self.incoming_box.setEnabled(False)

    def _show_signed(self, view: HandoverView) -> None:
        self.signed = view
        if self.print_actions is not None:  # the stored, signed sheet: a reprint is the same document
            self.print_actions.set_enabled(True)
            self.print_actions.default_name = self.tr("交接班单第{id}号").format(id=view.id)
        self.sheet.setPlainText(sheet_text(view))
        self.notes.setPlainText(view.notes)
        self.notes.setReadOnly(True)
        self.refresh_button.setEnabled(False)
        self.sign_out_button.setEnabled(False)
        if view.status == "signed_in":
            self.status.setText(self.tr("交接完成：{out} 交班，{inc} 接班。").format(out=view.outgoing_name,
                                                                              inc=view.incoming_name))
            self.incoming_box.setEnabled(False)
        else:
            self.status.setText(self.tr("{out} 已签名交班（交班单第 {id} 号），等待接班人签名。").format(
                out=view.outgoing_name, id=view.id))
            self.incoming_box.setEnabled(True)
        if not view.intact:
            self.error.setText(self.tr("警告：该交班单的内容与签名时的校验码不符！"))

    @classmethod
    def confirm_early(cls, parent, early: EarlyHandover) -> bool:
        """Asked before an early handover is signed (tests replace this); No is the default."""
        answer = QMessageBox.warning(parent, parent.tr("提前交班"), pick(early.zh, early.en),
                                     QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                     QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def sign_out(self) -> None:
        early = self.svc.early_handover(now=self._now())
        if early is not None and not self.confirm_early(self, early):
            self.status.setText(self.tr("未交班：距本班结束还有 {n} 分钟。").format(n=early.minutes_left))
            return
        view = run(lambda: self.svc.sign_out(self.actor, self.notes.toPlainText(), now=self._now()), line=self.error,
                   done="")
        if view is not None:
            self._show_signed(view)

    def sign_in(self) -> None:
        if self.signed is None:
            return
        view = run(lambda: self.svc.sign_in(self.signed.id, self.username.text(), self.password.text(),
                                            now=self._now()), line=self.error, done="")
        self.password.clear()
        if view is None:
            return
        self._show_signed(view)
        self.incoming_username = self.username.text().strip()
        if self._main_window() is not None:
            self.status.setText(self.status.text() + self.tr("关闭本窗口后，请 {inc} 登录接管本席位。").format(
                inc=view.incoming_name))

    def _main_window(self):
        from .main_window import MainWindow

        parent = self.parentWidget()
        window = parent.window() if parent is not None else None
        return window if isinstance(window, MainWindow) else None

    def _hand_over_seat(self, _result: int) -> None:
        window = self._main_window()
        if window is not None and self.incoming_username and self.incoming_username != window.actor.username:
            window.handed_over.emit(self.incoming_username)

    def _make_pdf(self, path) -> None:
        """Runs on the print worker: the signed sheet as stored."""
        if self.signed is None:
            raise UserError("交班人签名后才能打印交班单", "the sheet can be printed once the outgoing officer has signed")
        self.exporter.handover_pdf(self.actor, self.signed.id, path)
