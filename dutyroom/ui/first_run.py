"""首次使用向导 (issue 18): on an empty database, choose the jurisdiction, the issuing organisation of the red
header and its 代字, the first administrator, and optionally the contacts workbook and the roster's 排班方式 (24-hour
or day/night shifts: the pattern the roster page starts with, since no officer exists yet). Nothing here decides: the
choice goes to services.installation, which checks it all and writes it in one go."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ..domain.profile_loader import load_profile
from ..domain.rotation import PATTERN_LABELS, PATTERNS
from ..services.installation import FirstRun, InstallationService, default_letterhead, profile_choices
from .file_dialogs import open_file
from .i18n import tr
from .operations import MessageLine, run


def _page(title: str, hint: str) -> tuple[QWizardPage, QVBoxLayout]:
    page = QWizardPage()
    page.setTitle(title)
    page.setSubTitle(hint)
    return page, QVBoxLayout(page)


class FirstRunWizard(QWizard):
    def __init__(self, installation: InstallationService, parent=None):
        super().__init__(parent)
        self.installation, self.admin = installation, None
        self.setWindowTitle(tr("首次使用 — 设置本值班系统"))
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        self.choices = profile_choices()

        page, layout = _page(tr("辖区与预案"), tr("选择本值班室所在的辖区：报告时限、分级标准、处置分工和预警审批都按所选预案执行。"))
        self.profile = QComboBox()
        for c in self.choices:
            self.profile.addItem(c.label, c.key)
        self.profile_detail = QLabel(wordWrap=True)
        layout.addWidget(self.profile)
        layout.addWidget(self.profile_detail)
        layout.addStretch(1)
        self.addPage(page)

        page, layout = _page(tr("发文机关"), tr("打印公文时红头的发文机关标志和发文字号用这里的名称；以后可由系统管理员修改。"))
        self.organisation, self.short = QLineEdit(), QLineEdit()
        self.number_preview = QLabel()
        form = QFormLayout()
        form.addRow(tr("发文机关名称"), self.organisation)
        form.addRow(tr("发文机关代字"), self.short)
        form.addRow(tr("发文字号示例"), self.number_preview)
        layout.addLayout(form)
        layout.addStretch(1)
        self.addPage(page)

        page, layout = _page(tr("系统管理员"), tr("创建第一个系统管理员，再由管理员添加值班人员和领导。"))
        self.username, self.name = QLineEdit("admin"), QLineEdit()
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.again = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(tr("用户名"), self.username)
        form.addRow(tr("姓名"), self.name)
        form.addRow(tr("密码"), self.password)
        form.addRow(tr("再次输入密码"), self.again)
        layout.addLayout(form)
        self.admin_error = MessageLine()
        layout.addWidget(self.admin_error)
        layout.addStretch(1)
        self.admin_page = self.addPage(page)

        page, layout = _page(tr("通讯录与排班方式（可选）"),
                             tr("可导入通讯录 Excel（导入格式见“通讯录”页的导出）；也可以以后在通讯录页导入。"
                                "排班方式是“排班表”页生成排班时默认的轮班方式，以后可在该页更改。"))
        self.contacts = QLineEdit(placeholderText=tr("不导入"))
        self.contacts.setReadOnly(True)
        choose, clear = QPushButton(tr("选择文件…")), QPushButton(tr("不导入"))
        choose.clicked.connect(self._choose_contacts)
        clear.clicked.connect(self.contacts.clear)
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.contacts, 1)
        box.addWidget(choose)
        box.addWidget(clear)
        layout.addWidget(QLabel(tr("通讯录 Excel")))
        layout.addWidget(row)
        self.roster_pattern = QComboBox()
        self.roster_pattern.addItem(tr("以后在排班表页选择"), None)
        for key in PATTERNS:
            self.roster_pattern.addItem(tr(PATTERN_LABELS[key][0]), key)
        layout.addWidget(QLabel(tr("排班方式")))
        layout.addWidget(self.roster_pattern)
        self.error = MessageLine()
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.addPage(page)

        self.profile.currentIndexChanged.connect(self._profile_changed)
        self.short.textChanged.connect(self._preview_number)
        proposed = self.profile.findData(installation.proposed_profile_key() or "dongcheng")
        self.profile.setCurrentIndex(max(proposed, 0))
        self._profile_changed()

    def _profile_changed(self) -> None:
        key = self.profile.currentData()
        choice = next(c for c in self.choices if c.key == key)
        self.profile_detail.setText(tr("预案：{title}\n版本：{version}　施行：{since}").format(
            title=choice.title, version=choice.version,
            since=f"{choice.effective_from:%Y-%m-%d}" if choice.effective_from else "—"))
        head = default_letterhead(load_profile(key))
        self.organisation.setText(head.name)
        self.short.setText(head.short)

    def _preview_number(self) -> None:
        self.number_preview.setText(f"{self.short.text().strip()}报〔{dt.date.today().year}〕1号")

    def _choose_contacts(self) -> None:
        path = open_file(self, tr("选择通讯录 Excel"), tr("Excel 工作簿 (*.xlsx)"))
        if path:
            self.contacts.setText(path)

    def choice(self) -> FirstRun:
        return FirstRun(profile=self.profile.currentData(), organisation=self.organisation.text(),
                        short=self.short.text(), admin_username=self.username.text(), admin_name=self.name.text(),
                        admin_password=self.password.text(),
                        contacts_workbook=Path(self.contacts.text()) if self.contacts.text() else None,
                        roster_pattern=self.roster_pattern.currentData())

    def validateCurrentPage(self) -> bool:
        """下一步 from the administrator page: a refused name or password, or a mistyped repeat, is said there, in red,
        with what was typed kept (at 完成 it would have meant going back a page to find it)."""
        if self.currentId() != self.admin_page:
            return super().validateCurrentPage()
        self.admin_error.clear()
        if self.password.text() != self.again.text():
            self.admin_error.show_error(tr("两次输入的密码不一致"))
            return False
        checked = run(lambda: self.installation.check_admin(self.username.text(), self.name.text(),
                                                            self.password.text()) or True, line=self.admin_error)
        return bool(checked) and super().validateCurrentPage()

    def accept(self) -> None:  # 完成: everything is checked and written by the service, or nothing is
        if self.password.text() != self.again.text():
            self.error.show_error(tr("两次输入的密码不一致（第 3 页）"))
            return
        admin = run(lambda: self.installation.setup(self.choice()), line=self.error)
        if admin is not None:
            self.admin = admin
            super().accept()
