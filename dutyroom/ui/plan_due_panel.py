"""Dashboard panel 预案到期与逾期: plan filing, publication, drills and evaluations overdue or due soon."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from ..domain.clock import BEIJING
from ..services.actor import Actor
from ..services.plans import PlanService


class PlanDuePanel(QWidget):
    open_plan = Signal(int)  # double-click: the plans page shows that plan

    def __init__(self, plans: PlanService, actor: Actor, horizon_days: int = 60, today=None, parent=None):
        super().__init__(parent)
        self.plans, self.actor, self.horizon_days = plans, actor, horizon_days
        self._today = today  # tests fix the day; None = today in Beijing
        self.summary = QLabel()
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([self.tr("期限"), self.tr("状态"), self.tr("事项"), self.tr("预案")])
        header = self.table.horizontalHeader()
        for col in (0, 1, 2):  # due date, state and step are never cut; the plan name takes the rest
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.cellDoubleClicked.connect(lambda r, _c: self.open_plan.emit(self.items[r].plan_id))
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        self.items = []
        self.refresh()

    def refresh(self) -> None:
        today = self._today or dt.datetime.now(BEIJING).date()
        self.items = self.plans.due_list(self.actor, today=today, horizon_days=self.horizon_days)
        self.table.setRowCount(len(self.items))
        overdue = 0
        for r, d in enumerate(self.items):
            if d.state == "overdue":
                overdue += 1
                state = self.tr("逾期 %n 天").replace("%n", str(-d.days_left))
            else:
                state = self.tr("还剩 %n 天").replace("%n", str(d.days_left))
            if not d.calendar_covered:
                state += self.tr("（节假日未覆盖）")
            cells = [d.due_on.isoformat(), state, f"{self.tr(d.kind_label)}（{d.basis}）", d.plan_name]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if d.state == "overdue":
                    item.setForeground(QBrush(QColor("#b00020")))
                item.setData(Qt.ItemDataRole.UserRole, d.plan_id)
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        self.summary.setText(self.tr("逾期 %1 项，%2 天内到期 %3 项").replace("%1", str(overdue))
                             .replace("%2", str(self.horizon_days)).replace("%3", str(len(self.items) - overdue)))
