"""The main window: navigation on the left, one page per working area, status bar with the
profile, the signed-in user and the shift on duty."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QMainWindow, QStackedWidget, QWidget

from ..domain.profile_schema import Profile
from ..domain.vocabulary import ROLE_LABELS, Role, label
from ..services.auth import Actor
from ..services.duty import ShiftOnDuty
from ..services.errors import lang


class MainWindow(QMainWindow):
    def __init__(self, profile: Profile, actor: Actor, shift_lookup, parent=None):
        super().__init__(parent)
        self.profile, self.actor, self.shift_lookup = profile, actor, shift_lookup
        self.setWindowTitle(self.tr("{name}应急值班系统").format(name=profile.name))
        self.nav = QListWidget()
        self.nav.setFixedWidth(150)
        self.pages = QStackedWidget()
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(self.nav)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        bar = self.statusBar()
        self.profile_label = QLabel(self.tr("规则：{name}（{version}版，{date}起施行）").format(
            name=profile.name, version=profile.version, date=profile.effective_from.isoformat()))
        roles = "、".join(label(ROLE_LABELS, Role(r), lang()) for r in sorted(actor.roles))
        self.user_label = QLabel(self.tr("当前用户：{name}（{roles}）").format(name=actor.display_name, roles=roles))
        self.shift_label = QLabel()
        for w in (self.profile_label, self.user_label):
            bar.addWidget(w)
        bar.addPermanentWidget(self.shift_label)
        self.refresh_shift()
        self._timer = QTimer(self, interval=60_000, timeout=self.refresh_shift)
        self._timer.start()
        self.resize(1280, 800)

    def add_page(self, title: str, widget: QWidget) -> None:
        self.nav.addItem(title)
        self.pages.addWidget(widget)
        if self.nav.currentRow() < 0:
            self.nav.setCurrentRow(0)

    def refresh_shift(self) -> None:
        shift: ShiftOnDuty | None = self.shift_lookup()
        if shift is None:
            self.shift_label.setText(self.tr("当前班次：排班表中无记录"))
            return
        self.shift_label.setText(self.tr("当前班次：{name} 值班员 {officers}，带班领导 {leaders}（至 {end}）").format(
            name=shift.name, officers="、".join(shift.officers) or "—", leaders="、".join(shift.leaders) or "—",
            end=shift.ends.strftime("%m-%d %H:%M")))
