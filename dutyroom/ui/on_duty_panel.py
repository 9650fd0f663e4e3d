"""值班人员 (dashboard panel): who sits at this seat (and since which handover), who is on duty now and who
comes next, from the roster. After an early handover the roster still names the outgoing officer until the
shift ends; the seat line names the incoming one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..domain.vocabulary import ROLE_LABELS, Role, label
from ..services.actor import Actor
from ..services.duty import ShiftOnDuty
from ..services.errors import lang
from ..services.handover import HandoverView
from ..services.roster import RosterService
from .incident_common import bj


class OnDutyPanel(QWidget):
    def __init__(self, service: RosterService, clock=None, parent=None,
                 seat: tuple[Actor, Callable[[], HandoverView | None]] | None = None):
        super().__init__(parent)
        self.svc, self.clock, self.seat = service, clock, seat
        self.seat_label = QLabel()
        self.now_label = QLabel()
        self.next_label = QLabel()
        for w in (self.seat_label, self.now_label, self.next_label):
            w.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.seat_label)
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

    def _seat_line(self, now: dt.datetime) -> str:
        actor, last_handover = self.seat
        roles = "、".join(label(ROLE_LABELS, Role(r), lang()) for r in sorted(actor.roles))
        text = self.tr("本席位：{name}（{roles}）").format(name=actor.display_name, roles=roles)
        h = last_handover()
        if (h is not None and h.status == "signed_in" and h.incoming_user_id == actor.id and h.signed_in_at
                and now - h.signed_in_at < dt.timedelta(hours=24)):
            text += self.tr("，{at} 接班（交班人 {out}）").format(at=bj(h.signed_in_at), out=h.outgoing_name)
        return text

    def refresh(self) -> None:
        now = self.clock() if self.clock else dt.datetime.now(dt.UTC)
        self.seat_label.setVisible(self.seat is not None)
        if self.seat is not None:
            self.seat_label.setText(self._seat_line(now))
        duty = self.svc.on_duty(now)
        self.now_label.setText(self._line(self.tr("当前班次"), duty.now))
        self.next_label.setText(self._line(self.tr("下一班次"), duty.next))
