"""The main window: navigation on the left, one page per working area, status bar with the
profile, the signed-in user and the shift on duty; the 系统 menu locks the screen (锁定, Ctrl+L), switches
the user (切换用户) or signs out (注销). One window per signed-in user: session_controller replaces it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QMainWindow, QSizePolicy, QStackedWidget, QToolBar, QWidget

from ..domain.profile_schema import Profile
from ..domain.vocabulary import ROLE_LABELS, Role, label
from ..services.actor import Actor
from ..services.duty import ShiftOnDuty
from ..services.errors import lang


class MainWindow(QMainWindow):
    sign_out_requested = Signal()  # 注销
    switch_requested = Signal()  # 切换用户
    handed_over = Signal(str)  # a handover signed in this window: the incoming officer's username

    def __init__(self, profile: Profile, actor: Actor, shift_lookup, parent=None):
        super().__init__(parent)
        self.profile, self.actor, self.shift_lookup = profile, actor, shift_lookup
        self.session_lock = None  # the SessionLock of this window's session (session_controller sets it)
        self.setWindowTitle(self.tr("{name}应急值班系统").format(name=profile.name))
        self.nav = QListWidget()
        self.nav.setFixedWidth(150)
        self.pages = QStackedWidget()
        self._factories: dict[QWidget, Callable[[], QWidget]] = {}  # placeholder → builds the page on first show
        self.nav.currentRowChanged.connect(self._show_row)
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
        self._session_menu()

    def _session_menu(self) -> None:
        menu = self.menuBar().addMenu(self.tr("系统"))
        self.lock_action = QAction(self.tr("锁定"), self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))  # window-wide: works on every page
        self.lock_action.triggered.connect(self.lock)
        self.switch_action = QAction(self.tr("切换用户…"), self)
        self.switch_action.triggered.connect(lambda: self.switch_requested.emit())
        self.sign_out_action = QAction(self.tr("注销"), self)
        self.sign_out_action.triggered.connect(lambda: self.sign_out_requested.emit())
        for action in (self.lock_action, self.switch_action, self.sign_out_action):
            menu.addAction(action)
            self.addAction(action)

    def show_demo_banner(self) -> None:
        """演示数据: the database is a demo one (init --demo), so nobody takes it for a duty room's record."""
        if getattr(self, "demo_banner", None) is not None:
            return
        self.demo_banner = QLabel(self.tr("演示数据：人员、电话均为虚构，请勿用于实际值班。"))
        self.demo_banner.setObjectName("demoBanner")
        self.demo_banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.demo_banner.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.demo_banner.setStyleSheet("#demoBanner { background: #fff3cd; color: #7a4b00; font-weight: bold; "
                                       "padding: 4px; }")
        bar = QToolBar(self.tr("演示数据"), self)
        bar.setMovable(False)
        bar.addWidget(self.demo_banner)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)

    def lock(self) -> None:
        """锁定 / Ctrl+L: the lock screen at once; the same user's password unlocks."""
        if self.session_lock is not None:
            self.session_lock.lock(manual=True)

    def current_page_title(self) -> str | None:
        item = self.nav.currentItem()
        return item.text() if item is not None else None

    def show_page(self, title: str) -> bool:
        """Open the page with this navigation title, if this user has it."""
        found = self.nav.findItems(title, Qt.MatchFlag.MatchExactly)
        if found:
            self.nav.setCurrentItem(found[0])
        return bool(found)

    def add_page(self, title: str, widget: QWidget | Callable[[], QWidget]) -> None:
        """A page, or a function that builds it when it is first shown (a fast start: issue 21)."""
        self.nav.addItem(title)
        if isinstance(widget, QWidget):
            self.pages.addWidget(widget)
        else:
            holder = QWidget()
            self._factories[holder] = widget
            self.pages.addWidget(holder)
        if self.nav.currentRow() < 0:
            self.nav.setCurrentRow(0)

    def page(self, title: str) -> QWidget | None:
        """The page with this navigation title, built now if it was not yet (None: this user has no such page)."""
        found = self.nav.findItems(title, Qt.MatchFlag.MatchExactly)
        return self._built(self.nav.row(found[0])) if found else None

    def _built(self, index: int) -> QWidget:
        holder = self.pages.widget(index)
        factory = self._factories.pop(holder, None)
        if factory is None:
            return holder
        widget = factory()
        current = self.pages.currentIndex() == index
        self.pages.insertWidget(index, widget)
        self.pages.removeWidget(holder)
        holder.deleteLater()
        if current:
            self.pages.setCurrentIndex(index)
        return widget

    def _show_row(self, row: int) -> None:
        if row >= 0:
            self._built(row)
        self.pages.setCurrentIndex(row)

    def refresh_shift(self) -> None:
        shift: ShiftOnDuty | None = self.shift_lookup()
        if shift is None:
            self.shift_label.setText(self.tr("当前班次：排班表中无记录"))
            return
        self.shift_label.setText(self.tr("当前班次：{name} 值班员 {officers}，带班领导 {leaders}（至 {end}）").format(
            name=shift.name, officers="、".join(shift.officers) or "—", leaders="、".join(shift.leaders) or "—",
            end=shift.ends.strftime("%m-%d %H:%M")))
