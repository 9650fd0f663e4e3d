"""Sign-in, and the first administrator on an empty database."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from ..config import SettingKey
from ..services.actor import SYSTEM, Actor
from ..services.auth import AuthService
from .i18n import tr
from .operations import run


def demo_hint(auth: AuthService) -> str:
    """The demo accounts, shown on the sign-in dialog only on the demo database (`init --demo`) and only those
    that still open with the published demo password: never on a real database, nor once an administrator
    has changed or deactivated the demo accounts (the demo data is then no longer in use as such)."""
    from ..services.demo import DEMO_PASSWORD
    from ..services.reference_data import get_setting

    if get_setting(auth.db, SettingKey.demo) != "1":
        return ""
    accounts = {"zhouning": tr("值班员 {user}"), "admin": tr("管理员 {user}")}
    still_open = auth.unchanged_password(list(accounts), DEMO_PASSWORD)
    if not still_open:
        return ""
    return tr("演示数据库：{accounts}，密码 {password}").format(
        accounts=tr("、").join(accounts[u].format(user=u) for u in still_open), password=DEMO_PASSWORD)


class LoginDialog(QDialog):
    """`username` pre-fills the user (after a handover: the incoming officer); `note` says why the dialog
    is shown; `cancel_text` names what cancelling does (退出 at start-up and after 注销, 取消 for 切换用户)."""

    def __init__(self, auth: AuthService, title: str, hint: str = "", parent=None, *, username: str = "",
                 note: str = "", cancel_text: str | None = None):
        super().__init__(parent)
        self.auth = auth
        self.actor: Actor | None = None
        self.setWindowTitle(self.tr("应急值班系统 — 登录"))
        self.username = QLineEdit(username)
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.error = QLabel(styleSheet="color: #b00020")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("登录"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text or self.tr("退出"))
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("用户名"), self.username)
        form.addRow(self.tr("密码"), self.password)
        layout = QVBoxLayout(self)
        heading = QLabel(f"<h2>{title}</h2>")
        layout.addWidget(heading)
        self.note = QLabel(note, wordWrap=True) if note else None
        if self.note is not None:
            layout.addWidget(self.note)
        layout.addLayout(form)
        self.hint = QLabel(hint, styleSheet="color: #555") if hint else None
        if self.hint is not None:
            layout.addWidget(self.hint)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)
        if username:
            self.password.setFocus()

    def try_login(self) -> None:
        if not self.username.text().strip() or not self.password.text():
            self.error.setText(self.tr("请输入用户名和密码"))
            return
        actor = run(lambda: self.auth.login(self.username.text(), self.password.text()), line=self.error)
        if actor is None:
            self.password.clear()
            self.password.setFocus()
            return
        self.actor = actor
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
        form.addRow(self.tr("密码（至少 10 位）"), self.password)
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
        if run(lambda: self.auth.create_user(SYSTEM, self.username.text(), self.name.text(), self.password.text(),
                                             ["admin"]), line=self.error) is not None:
            self.accept()
