"""用户管理 (administrators): create users with several roles, change roles, deactivate/reactivate,
reset a password, lift a sign-in lockout. Users are never deleted: reports name who acted."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain.clock import BEIJING
from ..domain.vocabulary import EXTERNAL_ROLES, ROLE_LABELS, Role, label
from ..services.actor import Actor
from ..services.auth import AuthService, UserView
from ..services.errors import lang
from .operations import MessageLine, run
from .table_model import Column, RowsTableModel, TextFilterProxy

ASSIGNABLE = [r for r in Role if r not in EXTERNAL_ROLES]


def role_names(roles) -> str:
    return "、".join(label(ROLE_LABELS, Role(r), lang()) for r in roles)


@dataclass(frozen=True)
class UserForm:
    username: str
    display_name: str
    password: str
    roles: list[str]


class UserDialog(QDialog):
    """New user (username, name, password twice, roles) or, with `existing`, only the roles."""

    def __init__(self, existing: UserView | None = None, parent=None):
        super().__init__(parent)
        self.existing = existing
        self.setWindowTitle(self.tr("新建用户") if existing is None else self.tr("修改角色"))
        self.username, self.name = QLineEdit(), QLineEdit()
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.again = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.role_boxes = {r.value: QCheckBox(label(ROLE_LABELS, r, lang())) for r in ASSIGNABLE}
        self.error = QLabel(styleSheet="color: #b00020")
        form = QFormLayout()
        if existing is None:
            form.addRow(self.tr("用户名"), self.username)
            form.addRow(self.tr("姓名"), self.name)
            form.addRow(self.tr("初始密码（至少 10 位）"), self.password)
            form.addRow(self.tr("再次输入密码"), self.again)
        else:
            form.addRow(self.tr("用户"), QLabel(f"{existing.display_name}（{existing.username}）"))
            for r in existing.roles:
                if r in self.role_boxes:
                    self.role_boxes[r].setChecked(True)
        roles = QVBoxLayout()
        for box in self.role_boxes.values():
            roles.addWidget(box)
        form.addRow(self.tr("角色（可多选）"), roles)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def form(self) -> UserForm:
        return UserForm(self.username.text(), self.name.text(), self.password.text(),
                        [k for k, box in self.role_boxes.items() if box.isChecked()])

    def _check(self) -> None:
        if self.existing is None and self.password.text() != self.again.text():
            self.error.setText(self.tr("两次输入的密码不一致"))
            return
        if not self.form().roles:
            self.error.setText(self.tr("至少选择一个角色"))
            return
        self.accept()

    @classmethod
    def ask(cls, parent=None, existing: UserView | None = None) -> UserForm | None:
        dialog = cls(existing, parent)
        return dialog.form() if dialog.exec() == QDialog.DialogCode.Accepted else None


class PasswordDialog(QDialog):
    def __init__(self, who: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("重置密码"))
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.again = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.error = QLabel(styleSheet="color: #b00020")
        form = QFormLayout()
        form.addRow(self.tr("用户"), QLabel(who))
        form.addRow(self.tr("新密码（至少 10 位）"), self.password)
        form.addRow(self.tr("再次输入"), self.again)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _check(self) -> None:
        if self.password.text() != self.again.text():
            self.error.setText(self.tr("两次输入的密码不一致"))
            return
        self.accept()

    @classmethod
    def ask(cls, who: str, parent=None) -> str | None:
        dialog = cls(who, parent)
        return dialog.password.text() if dialog.exec() == QDialog.DialogCode.Accepted else None


class UsersPage(QWidget):
    def __init__(self, auth: AuthService, actor: Actor, parent=None):
        super().__init__(parent)
        self.auth, self.actor = auth, actor
        self.model = RowsTableModel([
            Column(self.tr("用户名"), lambda u: u.username),
            Column(self.tr("姓名"), lambda u: u.display_name),
            Column(self.tr("角色"), lambda u: role_names(u.roles)),
            Column(self.tr("状态"), lambda u: self.tr("在用") if u.active else self.tr("已停用")),
            Column(self.tr("登录锁定"), lambda u: (self.tr("锁定至 {t}").format(
                t=u.locked_until.astimezone(BEIJING).strftime("%m-%d %H:%M")) if u.locked() else "")),
            Column(self.tr("创建时间"), lambda u: u.created_at.astimezone(BEIJING).strftime("%Y-%m-%d")
                   if u.created_at else ""),
        ])
        self.proxy = TextFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.search = QLineEdit(placeholderText=self.tr("按用户名、姓名或角色筛选"))
        self.search.textChanged.connect(self.proxy.set_text)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.message = MessageLine()
        self.create_button = QPushButton(self.tr("新建用户…"))
        self.roles_button = QPushButton(self.tr("修改角色…"))
        self.active_button = QPushButton(self.tr("停用"))
        self.password_button = QPushButton(self.tr("重置密码…"))
        self.unlock_button = QPushButton(self.tr("解除登录锁定"))
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        for b in (self.create_button, self.roles_button, self.active_button, self.password_button, self.unlock_button):
            bar.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        self.create_button.clicked.connect(self.create_user)
        self.roles_button.clicked.connect(self.change_roles)
        self.active_button.clicked.connect(self.toggle_active)
        self.password_button.clicked.connect(self.reset_password)
        self.unlock_button.clicked.connect(self.unlock)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(self.auth.list_users(self.actor))
        self._update_buttons()

    def selected(self) -> UserView | None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid():
            return None
        return self.model.rows[self.proxy.mapToSource(index).row()]

    def select_username(self, username: str) -> None:
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 0).data() == username:
                self.table.selectRow(row)
                self.table.setCurrentIndex(self.proxy.index(row, 0))
                return

    def _update_buttons(self) -> None:
        user = self.selected()
        for b in (self.roles_button, self.active_button, self.password_button, self.unlock_button):
            b.setEnabled(user is not None)
        if user is not None:
            self.active_button.setText(self.tr("停用") if user.active else self.tr("重新启用"))
            self.unlock_button.setEnabled(user.locked() or user.failed_logins > 0)

    def _run(self, action, done: str) -> bool:
        return run(action, line=self.message, done=done, on_success=self._refresh_keeping_selection) is not None

    def _refresh_keeping_selection(self, _result=None) -> None:
        keep = self.selected()
        self.refresh()
        if keep is not None:
            self.select_username(keep.username)

    def create_user(self) -> None:
        form = UserDialog.ask(self)
        if form is None:
            return
        if self._run(lambda: self.auth.create_user(self.actor, form.username, form.display_name, form.password, form.roles),
                     self.tr("已创建用户 {u}").format(u=form.username.strip())):
            self.select_username(form.username.strip())

    def change_roles(self) -> None:
        user = self.selected()
        form = UserDialog.ask(self, user) if user else None
        if user is None or form is None:
            return
        self._run(lambda: self.auth.set_roles(self.actor, user.id, form.roles),
                  self.tr("已修改 {u} 的角色：{r}").format(u=user.username, r=role_names(sorted(form.roles))))

    def toggle_active(self) -> None:
        user = self.selected()
        if user is None:
            return
        self._run(lambda: self.auth.set_active(self.actor, user.id, not user.active),
                  (self.tr("已停用 {u}（记录保留）") if user.active else self.tr("已重新启用 {u}")).format(u=user.username))

    def reset_password(self) -> None:
        user = self.selected()
        password = PasswordDialog.ask(f"{user.display_name}（{user.username}）", self) if user else None
        if user is None or password is None:
            return
        self._run(lambda: self.auth.reset_password(self.actor, user.id, password),
                  self.tr("已重置 {u} 的密码，请当面告知本人").format(u=user.username))

    def unlock(self) -> None:
        user = self.selected()
        if user is None:
            return
        self._run(lambda: self.auth.unlock(self.actor, user.id), self.tr("已解除 {u} 的登录锁定").format(u=user.username))
