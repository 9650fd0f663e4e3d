"""The main window: navigation on the left (pages with icons, in the groups 值班 / 预警与响应 / 资料 / 系统),
one page per working area, status bar with the profile, the signed-in user, the shift on duty and whether
alerts are muted on this PC; the 系统 menu locks the screen (锁定, Ctrl+L), switches the user (切换用户) or signs
out (注销); the 帮助 menu has the shortcut overview (Ctrl+/) and the help (F1). Ctrl+F puts the cursor in the
current page's search box. One window per signed-in user: session_controller replaces it.

The window fits the screen it is on (window_state.py) and remembers its size and splitter positions for
each user; alerts.py reaches the officer when the window is behind another program."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSizePolicy,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolBar,
    QWidget,
)

from ..domain.profile_schema import Profile
from ..domain.vocabulary import ROLE_LABELS, Role, label
from ..services.actor import Actor
from ..services.duty import ShiftOnDuty
from ..services.errors import explain, lang
from . import theme, window_state
from .alerts import Attention

GROUP_ROLE = Qt.ItemDataRole.UserRole + 1  # the group title painted above the first page of a group
ORDER_ROLE = Qt.ItemDataRole.UserRole + 2  # the group's place in theme.NAV_GROUPS
CLASS_ROLE = Qt.ItemDataRole.UserRole + 3  # the page's class name (known before a lazily built page exists)
SEARCH_WORDS = ("搜索", "筛选", "search", "filter")  # a line edit whose placeholder says it searches the page


def lazy_page(page_class: str, build: Callable[[], QWidget]) -> Callable[[], QWidget]:
    """`build` marked with the class of the page it makes (its navigation group and icon)."""
    build.page_class = page_class
    return build


def _dense(page: QWidget) -> None:
    for view in page.findChildren(QAbstractItemView):  # denser rows on every page
        if isinstance(view, QTableView):
            theme.compact_table(view)


class NavDelegate(QStyledItemDelegate):
    """Draws a group caption (值班, 预警与响应, …) above the first page of each group: the pages stay one row
    each, so a navigation row is still its page's index."""

    def _caption_height(self, option) -> int:
        return option.fontMetrics.height() + 12

    def sizeHint(self, option, index) -> QSize:
        size = super().sizeHint(option, index)
        size.setHeight(max(size.height(), option.fontMetrics.height() + 12))
        if index.data(GROUP_ROLE):
            size.setHeight(size.height() + self._caption_height(option))
        return size

    def paint(self, painter: QPainter, option, index) -> None:
        caption = index.data(GROUP_ROLE)
        if not caption:
            super().paint(painter, option, index)
            return
        h = self._caption_height(option)
        painter.save()
        font = QFont(option.font)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(theme.NAV_GROUP_COLOUR)
        r = option.rect
        painter.drawText(QRect(r.left() + 10, r.top() + 4, r.width() - 14, h - 4),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), caption)
        painter.restore()
        rest = QStyleOptionViewItem(option)
        rest.rect = QRect(r.left(), r.top() + h, r.width(), r.height() - h)
        super().paint(painter, rest, index)


class MainWindow(QMainWindow):
    sign_out_requested = Signal()  # 注销
    switch_requested = Signal()  # 切换用户
    handed_over = Signal(str)  # a handover signed in this window: the incoming officer's username

    def __init__(self, profile: Profile, actor: Actor, shift_lookup, parent=None):
        super().__init__(parent)
        theme.apply_theme(QApplication.instance())  # once per program: the style, palette and stylesheet
        self.profile, self.actor, self.shift_lookup = profile, actor, shift_lookup
        self.session_lock = None  # the SessionLock of this window's session (session_controller sets it)
        self.setWindowTitle(self.tr("{name}应急值班系统").format(name=profile.name))
        self.setWindowIcon(theme.icon("fa6s.tower-broadcast", theme.ACCENT))
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setItemDelegate(NavDelegate(self.nav))
        self.nav.setIconSize(QSize(18, 18))
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setFixedWidth(self.nav.fontMetrics().horizontalAdvance("预警与响应") + 64)  # icon, 4-character titles
        self.pages = QStackedWidget()
        self._factories: dict[QWidget, Callable[[], QWidget]] = {}  # placeholder → builds the page on first show
        self.nav.currentRowChanged.connect(self._show_row)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.addWidget(self.nav)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        bar = self.statusBar()
        self.profile_label = QLabel(self.tr("规则：{name}（{version}版，{date}起施行）").format(
            name=profile.name, version=profile.version, date=profile.effective_from.isoformat()))
        roles = "、".join(label(ROLE_LABELS, Role(r), lang()) for r in sorted(actor.roles))
        self.user_label = QLabel(self.tr("当前用户：{name}（{roles}）").format(name=actor.display_name, roles=roles))
        self.shift_label = QLabel()
        self.mute_label = QLabel()
        self.mute_label.setObjectName("muteIndicator")
        for w in (self.profile_label, self.user_label):
            bar.addWidget(w)
        bar.addPermanentWidget(self.mute_label)
        bar.addPermanentWidget(self.shift_label)
        self.refresh_shift()
        self.refresh_mute()
        self._timer = QTimer(self, interval=60_000, timeout=self.refresh_shift)
        self._timer.start()
        self.resize(1280, 720)
        self.attention = Attention(self)  # taskbar flash and tray message when the window is behind
        self._layout_restored = False
        self._session_menu()
        self._help_menu()

    # ------------------------------------------------------------ menus and shortcuts

    def _session_menu(self) -> None:
        menu = self.menuBar().addMenu(self.tr("系统"))
        self.lock_action = QAction(theme.icon("fa6s.lock"), self.tr("锁定"), self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))  # window-wide: works on every page
        self.lock_action.triggered.connect(self.lock)
        self.switch_action = QAction(theme.icon("fa6s.user-group"), self.tr("切换用户…"), self)
        self.switch_action.triggered.connect(lambda: self.switch_requested.emit())
        self.sign_out_action = QAction(theme.icon("fa6s.right-from-bracket"), self.tr("注销"), self)
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

    def _help_menu(self) -> None:
        menu = self.menuBar().addMenu(self.tr("帮助"))
        self.search_action = QAction(theme.icon("fa6s.magnifying-glass"), self.tr("搜索本页"), self)
        self.search_action.setShortcut(QKeySequence("Ctrl+F"))
        self.search_action.triggered.connect(self.focus_search)
        self.shortcuts_action = QAction(theme.icon("fa6s.keyboard"), self.tr("快捷键一览"), self)
        self.shortcuts_action.setShortcut(QKeySequence("Ctrl+/"))
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        self.help_action = QAction(theme.icon("fa6s.circle-question"), self.tr("使用帮助"), self)
        self.help_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))  # F1
        self.help_action.triggered.connect(self.show_help)
        for action in (self.search_action, self.shortcuts_action, self.help_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            menu.addAction(action)
            self.addAction(action)
        self.guide_action = QAction(theme.icon("fa6s.book-open"), self.tr("用户指南"), self)
        self.guide_action.triggered.connect(self.show_guide)
        self.about_action = QAction(theme.icon("fa6s.circle-info"), self.tr("关于"), self)
        self.about_action.triggered.connect(self.show_about)
        menu.addSeparator()
        menu.addAction(self.guide_action)
        menu.addAction(self.about_action)

    def show_guide(self) -> None:
        from .guide_dialog import GuideDialog

        GuideDialog(self).exec()

    def show_about(self) -> None:
        from .guide_dialog import AboutDialog

        AboutDialog(self.profile, self).exec()

    def lock(self) -> None:
        """锁定 / Ctrl+L: the lock screen at once; the same user's password unlocks."""
        if self.session_lock is not None:
            self.session_lock.lock(manual=True)

    def focus_search(self) -> QLineEdit | None:
        """Ctrl+F: the cursor into the current page's search box (the first visible one), its text selected."""
        page = self.pages.currentWidget()
        boxes = [] if page is None else [
            e for e in page.findChildren(QLineEdit)
            if e.isVisible() and e.isEnabled() and any(w in e.placeholderText().lower() for w in SEARCH_WORDS)]
        if not boxes:
            self.statusBar().showMessage(self.tr("本页没有搜索框"), 5_000)
            return None
        box = boxes[0]
        box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        box.selectAll()
        return box

    def shortcut_list(self) -> list[tuple[str, str]]:
        """(keys, what they do) for the overview and the help, from the actions this window really has."""
        rows = []
        for action in self.actions():
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            if keys:
                rows.append((keys, action.text().replace("…", "").replace("&", "")))
        for shortcut in self.findChildren(QShortcut):  # the areas' own (新接报 Ctrl+N, from the incidents page)
            keys = shortcut.key().toString(QKeySequence.SequenceFormat.NativeText)
            if keys and shortcut.isEnabled():
                rows.insert(0, (keys, shortcut.whatsThis() or self.tr("新接报") if keys == "Ctrl+N" else keys))
        rows.append(("Tab / Shift+Tab", self.tr("在输入框和按钮间移动")))
        rows.append(("Enter", self.tr("确定 / 打开所选行")))
        rows.append(("Esc", self.tr("关闭对话框")))
        rows.append(("Ctrl+PgDown / Ctrl+PgUp", self.tr("切换页签")))
        return rows

    def show_shortcuts(self) -> None:
        from .help_dialog import ShortcutsDialog

        ShortcutsDialog(self.shortcut_list(), self).exec()

    def show_help(self) -> None:
        from .help_dialog import HelpDialog

        pages = [(self.nav.item(i).text(), self.nav.item(i).data(CLASS_ROLE), self.nav.item(i).data(GROUP_ROLE))
                 for i in range(self.nav.count())]
        HelpDialog(pages, self.shortcut_list(), self).exec()

    # ------------------------------------------------------------ pages

    def current_page_title(self) -> str | None:
        item = self.nav.currentItem()
        return item.text() if item is not None else None

    def show_page(self, title: str) -> bool:
        """Open the page with this navigation title, if this user has it."""
        found = self.nav.findItems(title, Qt.MatchFlag.MatchExactly)
        if found:
            self.nav.setCurrentItem(found[0])
        return bool(found)

    def add_page(self, title: str, widget: QWidget | Callable[[], QWidget], page_class: str | None = None) -> None:
        """A page, or a function that builds it when it is first shown (a fast start: issue 21), at the end of its
        navigation group (theme.NAV_GROUPS) with its icon. A function says which page it builds (`page_class`, or
        its own `page_class` attribute: ui.main_window.lazy_page), so group and icon are known before it exists."""
        if isinstance(widget, QWidget):
            page_class, page = type(widget).__name__, widget
            _dense(widget)
        else:
            page_class, page = page_class or getattr(widget, "page_class", ""), QWidget()
            self._factories[page] = widget
        order, _group = theme.nav_group(page_class)
        at = sum(1 for i in range(self.nav.count()) if self.nav.item(i).data(ORDER_ROLE) <= order)
        item = QListWidgetItem(theme.icon(theme.PAGE_ICONS.get(page_class, ""), theme.NAV_TEXT), title)
        item.setData(ORDER_ROLE, order)
        item.setData(CLASS_ROLE, page_class)
        item.setToolTip(title)
        self.pages.insertWidget(at, page)
        self.nav.insertItem(at, item)
        self._caption_groups()
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
        _dense(widget)
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

    def _caption_groups(self) -> None:
        previous = None
        for i in range(self.nav.count()):
            item = self.nav.item(i)
            order = item.data(ORDER_ROLE)
            item.setData(GROUP_ROLE, theme.tr(theme.NAV_GROUPS[order][0]) if order != previous else None)
            previous = order

    # ------------------------------------------------------------ status bar

    def refresh_shift(self) -> None:
        """Every minute: the shift on duty. A database that cannot answer now (a lost server, a locked file) leaves
        the line as it was, with the reason in its tooltip; the next minute tries again."""
        try:
            shift: ShiftOnDuty | None = self.shift_lookup()
        except Exception as exc:
            text = explain(exc)
            if text is None:
                raise
            self.shift_label.setToolTip(self.tr("未能刷新：{text}").format(text=text))
            return
        self.shift_label.setToolTip("")
        if shift is None:
            self.shift_label.setText(self.tr("当前班次：排班表中无记录"))
            return
        self.shift_label.setText(self.tr("当前班次：{name} 值班员 {officers}，带班领导 {leaders}（至 {end}）").format(
            name=shift.name, officers="、".join(shift.officers) or "—", leaders="、".join(shift.leaders) or "—",
            end=shift.ends.strftime("%m-%d %H:%M")))

    def refresh_mute(self) -> None:
        """本机提醒已静音: shown for as long as this PC's alert sound is off (the choice on 值班总览)."""
        muted = window_state.alerts_muted()
        self.mute_label.setText(self.tr("静音：本机提醒不发声") if muted else "")
        self.mute_label.setToolTip(self.tr("值班总览 › 报告时限 的“静音”已勾选：到时提醒不发声，仍闪烁任务栏并弹出通知"))
        self.mute_label.setVisible(muted)

    # ------------------------------------------------------------ size and layout, per user

    def show_fitted(self) -> None:
        """Show within the available area of the screen (maximised on a small one), or as this user left it."""
        if not window_state.restore(self):
            window_state.fit(self)
        self._layout_restored = True
        if self.property("maximise"):
            self.showMaximized()
        else:
            self.show()

    def save_layout(self) -> None:
        window_state.save(self)

    def closeEvent(self, event) -> None:
        self.save_layout()
        super().closeEvent(event)
