"""Sign-in, and the first administrator on an empty database."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from ..services.auth import SYSTEM, Actor, AuthService
from ..services.errors import UserError


class LoginDialog(QDialog):
    def __init__(self, auth: AuthService, title: str, hint: str = "", parent=None):
        super().__init__(parent)
        self.auth = auth
        self.actor: Actor | None = None
        self.setWindowTitle(self.tr("应急值班系统 — 登录"))
        self.username = QLineEdit()
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.error = QLabel(styleSheet="color: #b00020")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("登录"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("退出"))
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("用户名"), self.username)
        form.addRow(self.tr("密码"), self.password)
        layout = QVBoxLayout(self)
        heading = QLabel(f"<h2>{title}</h2>")
        layout.addWidget(heading)
        layout.addLayout(form)
        if hint:
            layout.addWidget(QLabel(hint, styleSheet="color: #555"))
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)

    def try_login(self) -> None:
        if not self.username.text().strip() or not self.password.text():
            self.error.setText(self.tr("请输入用户名和密码"))
            return
        try:
            self.actor = self.auth.login(self.username.text(), self.password.text())
        except UserError as exc:
            self.error.setText(exc.message)
            self.password.clear()
            self.password.setFocus()
            return
        self.accept()


class FirstAdminDialog(QDialog):
    """The database has no users yet: create the administrator who will create the others."""

    def __init__(self, auth: AuthService, parent=None):
        super().__init__(parent)
        self.auth = auth
        self.setWindowTitle(self.tr("首次使用 — 创建系统管理员"))
        self.username, self.name = QLineEdit("admin"), QLineEdit()
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.again = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.error = QLabel(styleSheet="color: #b00020")
        form = QFormLayout()
        form.addRow(self.tr("用户名"), self.username)
        form.addRow(self.tr("姓名"), self.name)
        form.addRow(self.tr("密码（至少 8 位）"), self.password)
        form.addRow(self.tr("再次输入密码"), self.again)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("数据库中还没有用户。请先创建系统管理员，再由管理员添加值班人员。")))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def create(self) -> None:
        if self.password.text() != self.again.text():
            self.error.setText(self.tr("两次输入的密码不一致"))
            return
        try:
            self.auth.create_user(SYSTEM, self.username.text(), self.name.text(), self.password.text(), ["admin"])
        except UserError as exc:
            self.error.setText(exc.message)
            return
        self.accept()
