"""快捷键一览 (Ctrl+/) and 使用帮助 (F1): what each page of this user's navigation is for, and the keys."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from . import theme
from .i18n import tr

# one line per page class: what the officer does there
PAGE_HELP = {
    "DashboardPage": "一屏看全：报告时限倒计时、生效预警、预案到期、值班人员；新接报 (Ctrl+N) 从这里开始",
    "IncidentsPage": "接报登记、续报、处置记录和事件报告；搜索 (Ctrl+F) 标题、地点、报告人或电话",
    "DutyLogPage": "值班日志和交接班",
    "RosterPage": "排班表：生成、调整和打印月度排班",
    "WarningsPage": "预警信息的起草、审批、发布、调整和解除",
    "ApprovalQueuePage": "等待您签批、发布或解除的预警，以及待登记的上级决定",
    "ResponsesPage": "应急响应的启动、调整和终止",
    "PlansPage": "预案库、全文检索和处置分工表",
    "ContactsPage": "通讯录：单位、人员和值班电话；支持拼音首字母搜索",
    "RulesPage": "现行规则：报告时限、分级标准和处置分工的查询",
    "StatisticsPage": "统计报表的生成、打印和导出",
    "BackupPage": "备份、恢复和系统设置",
    "UsersPage": "用户和角色管理",
    "AuditPage": "审计日志：谁在何时做了什么",
}


def _table(headers: list[str], rows: list[tuple[str, ...]], icons: list[str] | None = None) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(True)
    table.setTabKeyNavigation(False)  # Tab leaves the table for the next control: nothing to edit in it
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if c == 0 and icons:
                item.setIcon(theme.icon(icons[r]))
            table.setItem(r, c, item)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
    table.resizeRowsToContents()
    return table


class ShortcutsDialog(QDialog):
    def __init__(self, shortcuts: list[tuple[str, str]], parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("快捷键一览"))
        self.table = _table([self.tr("按键"), self.tr("作用")], shortcuts)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(520, 420)


class HelpDialog(QDialog):
    """F1: the pages this user has, in the navigation's order, what each is for, and the keys."""

    def __init__(self, pages: list[tuple[str, str, str | None]], shortcuts: list[tuple[str, str]], parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("使用帮助"))
        intro = QLabel(self.tr("左侧导航按“值班、预警与响应、资料、系统”分组。每页的表格可按列排序，双击或按 Enter 打开所选行；"
                               "报告时限到期前 5 分钟变为黄色并提醒，超时变为红色。详细说明见“帮助 → 用户指南”。"))
        intro.setWordWrap(True)
        rows, icons = [], []
        for title, page_class, _group in pages:
            rows.append((title, tr(PAGE_HELP.get(page_class, ""))))
            icons.append(theme.PAGE_ICONS.get(page_class, ""))
        self.pages = _table([self.tr("页面"), self.tr("用途")], rows, icons)
        self.keys = _table([self.tr("按键"), self.tr("作用")], shortcuts)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.pages, 3)
        layout.addWidget(self.keys, 2)
        layout.addWidget(buttons)
        self.resize(720, 640)
        self.setSizeGripEnabled(True)
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
