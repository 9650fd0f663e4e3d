"""值班人员 (dashboard panel): who is on duty now and who comes next, from the roster."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..services.duty import ShiftOnDuty
from ..services.roster import RosterService
from .incident_common import bj


class OnDutyPanel(QWidget):
    def __init__(self, service: RosterService, clock=None, parent=None):
        super().__init__(parent)
        self.svc, self.clock = service, clock
        self.now_label = QLabel()
        self.next_label = QLabel()
        for w in (self.now_label, self.next_label):
            w.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.now_label)
        layout.addWidget(self.next_label)
        layout.addStretch(1)
        self.refresh()

    def _line(self, title: str, shift: ShiftOnDuty | None) -> str:
        if shift is None:
            return self.tr("{title}：排班表中无记录").format(title=title)
        return self.tr("{title}：{name}（{start}—{end}）\n值班员：{officers}\n带班领导：{leaders}").format(
            title=title, name=shift.name, start=bj(shift.starts),
            end=bj(shift.ends), officers="、".join(shift.officers) or "—",
            leaders="、".join(shift.leaders) or "—")

    def refresh(self) -> None:
        duty = self.svc.on_duty(self.clock() if self.clock else None)
        self.now_label.setText(self._line(self.tr("当前班次"), duty.now))
        self.next_label.setText(self._line(self.tr("下一班次"), duty.next))
