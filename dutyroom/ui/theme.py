"""The one look of the program: a palette, a stylesheet, named semantic colours and the icons.

Colours never speak alone: every warning level and deadline state has its words and an icon beside the
colour, so a black-and-white print or a colour-blind officer reads the same thing.

- Warning levels (预警级别): 蓝 / 黄 / 橙 / 红 — `WARNING_LEVELS`.
- Deadline states (报告时限): pending (未到期) / amber (5 分钟内到期) / overdue (超时未报) / done (已报) —
  `DEADLINE_STATES`; the domain's "ok"/"soon" states map onto pending/amber by `deadline_look`.

Icons come from qtawesome (MIT), which bundles the Font Awesome 6 Free fonts in its wheel (icons CC BY 4.0,
fonts SIL OFL 1.1); nothing is fetched at run time. The licence texts are in resources/licenses/. When
qtawesome is missing (a bare checkout), `icon()` returns an empty icon and the text still says it all.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from ..config import qt_api_for_qtpy
from .i18n import tr

qt_api_for_qtpy()  # before qtawesome (qtpy) is first imported

# ---------------------------------------------------------------- named colours

INK = "#1f2933"  # body text
MUTED = "#5f6b7a"  # secondary text, empty states (contrast 5.6:1 on white)
ACCENT = "#1a4f8b"  # selection, focus, links: the district's blue
SURFACE = "#f4f6f9"  # window background
PANEL = "#ffffff"  # tables, panels, inputs
BORDER = "#c9d1db"
NAV_BG = "#1f3a5f"
NAV_TEXT = "#e8eef6"
NAV_GROUP = "#9fb3cc"
OK = "#1b5e20"
NAV_GROUP_COLOUR = QColor(NAV_GROUP)
ERROR = "#b00020"


@dataclass(frozen=True)
class Look:
    """A semantic colour with what it must always be shown with: its words and an icon."""

    key: str
    background: str
    foreground: str
    zh: str
    icon: str  # a qtawesome name

    @property
    def text(self) -> str:
        return tr(self.zh)


# the national four-level warning colours (GB/T 27962 style); yellow takes dark text for contrast
WARNING_LEVELS: dict[str, Look] = {
    "red": Look("red", "#c62828", "#ffffff", "红色", "fa6s.circle-exclamation"),
    "orange": Look("orange", "#e65100", "#ffffff", "橙色", "fa6s.triangle-exclamation"),
    "yellow": Look("yellow", "#f9a825", "#000000", "黄色", "fa6s.circle-info"),
    "blue": Look("blue", "#1976d2", "#ffffff", "蓝色", "fa6s.circle-info"),
}

DEADLINE_STATES: dict[str, Look] = {
    "pending": Look("pending", "#ffffff", INK, "未到期", "fa6s.hourglass-half"),
    "amber": Look("amber", "#ffc107", "#000000", "即将到期", "fa6s.bell"),
    "overdue": Look("overdue", "#c62828", "#ffffff", "超时未报", "fa6s.circle-exclamation"),
    "done": Look("done", "#e8f5e9", OK, "已报", "fa6s.circle-check"),
}
_DOMAIN_STATE = {"ok": "pending", "soon": "amber", "overdue": "overdue", "done": "done", "met": "done", "reported": "done"}

# the two colours the incident widgets have used since the first release, now named here
AMBER = DEADLINE_STATES["amber"].background
RED = DEADLINE_STATES["overdue"].background


def deadline_look(state: str) -> Look:
    """The look of a domain deadline state ("ok", "soon", "overdue", "met"/"done"); any other is pending."""
    return DEADLINE_STATES.get(_DOMAIN_STATE.get(state, state), DEADLINE_STATES["pending"])


def warning_look(colour: str) -> Look:
    return WARNING_LEVELS[colour]


# ---------------------------------------------------------------- icons

# one icon per page of the navigation, by the page's class; unknown pages get none
PAGE_ICONS = {
    "DashboardPage": "fa6s.gauge-high",
    "IncidentsPage": "fa6s.phone-volume",
    "DutyLogPage": "fa6s.book",
    "RosterPage": "fa6s.calendar-days",
    "WarningsPage": "fa6s.bullhorn",
    "ApprovalQueuePage": "fa6s.signature",
    "ResponsesPage": "fa6s.truck-medical",
    "PlansPage": "fa6s.folder-open",
    "ContactsPage": "fa6s.address-book",
    "RulesPage": "fa6s.scale-balanced",
    "StatisticsPage": "fa6s.chart-column",
    "BackupPage": "fa6s.database",
    "UsersPage": "fa6s.users-gear",
    "AuditPage": "fa6s.clipboard-list",
}

# the navigation's groups, in order, and the page classes in each
NAV_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("值班", ("DashboardPage", "IncidentsPage", "DutyLogPage", "RosterPage")),
    ("预警与响应", ("WarningsPage", "ApprovalQueuePage", "ResponsesPage")),
    ("资料", ("PlansPage", "ContactsPage", "RulesPage", "StatisticsPage")),
    ("系统", ("BackupPage", "UsersPage", "AuditPage")),
)


def nav_group(page_class: str) -> tuple[int, str]:
    """(order, group title) of a page class; pages of no group go last, under 系统."""
    for i, (title, members) in enumerate(NAV_GROUPS):
        if page_class in members:
            return i, title
    return len(NAV_GROUPS) - 1, NAV_GROUPS[-1][0]


def icons_available() -> bool:
    try:
        import qtawesome  # noqa: F401
    except ImportError:
        return False
    return True


ICON_FONT = "fa6s"  # the one qtawesome font the program uses (Font Awesome 6 Free solid); the bundle carries only it


def only_our_icon_font(qtawesome) -> None:
    """qtawesome loads all twelve of its icon fonts (6 MB) on the first icon; the program uses one, and the bundle
    carries only that one (build.spec), so qtawesome is told to load only it (faster, and the same here and there)."""
    fonts = getattr(qtawesome, "_BUNDLED_FONTS", None)
    if fonts and any(f[0] == ICON_FONT for f in fonts):
        qtawesome._BUNDLED_FONTS = tuple(f for f in fonts if f[0] == ICON_FONT)


@cache
def icon(name: str, colour: str | None = None) -> QIcon:
    """A Font Awesome icon by qtawesome name (e.g. "fa6s.bell"), drawn from the bundled font at any DPI."""
    if not name or not icons_available():
        return QIcon()
    import qtawesome

    only_our_icon_font(qtawesome)

    try:
        return qtawesome.icon(name, color=colour or INK, color_active=colour or INK)
    except Exception:  # an icon name unknown to this qtawesome version: text still carries the meaning
        return QIcon()


# ---------------------------------------------------------------- palette and stylesheet

STYLESHEET = f"""
QMainWindow, QDialog {{ background: {SURFACE}; }}
QWidget {{ color: {INK}; }}
QListWidget#navigation {{
    background: {NAV_BG}; color: {NAV_TEXT}; border: none; outline: 0; padding: 4px 0;
}}
QListWidget#navigation::item {{ padding: 5px 8px; border-radius: 4px; margin: 1px 6px; }}
QListWidget#navigation::item:selected {{ background: {ACCENT}; color: white; font-weight: bold; }}
QListWidget#navigation::item:hover:!selected {{ background: #2c4c75; }}
QGroupBox {{
    background: {PANEL}; border: 1px solid {BORDER}; border-radius: 6px; margin-top: 14px; padding-top: 6px;
    font-weight: bold;
}}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; color: {ACCENT}; }}
QTableView, QTableWidget, QTreeView, QListView {{
    background: {PANEL}; alternate-background-color: #f7f9fc; gridline-color: #e3e8ee;
    border: 1px solid {BORDER}; selection-background-color: #cfe0f5; selection-color: {INK};
}}
QHeaderView::section {{
    background: #e9eef4; color: {INK}; padding: 3px 6px; border: none;
    border-right: 1px solid {BORDER}; border-bottom: 1px solid {BORDER}; font-weight: bold;
}}
QPushButton {{
    background: {PANEL}; border: 1px solid {BORDER}; border-radius: 4px; padding: 4px 10px; min-height: 20px;
}}
QPushButton:hover {{ border-color: {ACCENT}; }}
QPushButton:focus {{ border: 2px solid {ACCENT}; }}
QPushButton:default {{ background: {ACCENT}; color: white; border-color: {ACCENT}; }}
QPushButton:disabled {{ color: #9aa5b1; background: #eef1f5; }}
QPushButton#primary {{ background: {ACCENT}; color: white; border-color: {ACCENT}; font-weight: bold; }}
QLineEdit, QComboBox, QDateTimeEdit, QDateEdit, QSpinBox, QTextEdit, QPlainTextEdit {{
    background: {PANEL}; border: 1px solid {BORDER}; border-radius: 3px; padding: 2px 4px;
}}
QLineEdit:focus, QComboBox:focus, QDateTimeEdit:focus, QTextEdit:focus, QPlainTextEdit:focus {{
    border: 2px solid {ACCENT};
}}
QTabBar::tab {{ padding: 5px 12px; }}
QTabBar::tab:selected {{ font-weight: bold; color: {ACCENT}; }}
QStatusBar {{ background: #e9eef4; border-top: 1px solid {BORDER}; }}
QStatusBar QLabel {{ padding: 0 6px; }}
QLabel#emptyHint {{ color: {MUTED}; }}
QLabel#muteIndicator {{ color: #8a5a00; font-weight: bold; }}
"""


def apply_theme(app: QApplication) -> None:
    """The Fusion style (the same on Windows and Linux), a light palette and the stylesheet; once per app."""
    if app.property("dutyroom_theme"):
        return
    app.setStyle("Fusion")
    palette = QPalette()
    for role, colour in ((QPalette.ColorRole.Window, SURFACE), (QPalette.ColorRole.Base, PANEL),
                         (QPalette.ColorRole.AlternateBase, "#f7f9fc"), (QPalette.ColorRole.Text, INK),
                         (QPalette.ColorRole.WindowText, INK), (QPalette.ColorRole.ButtonText, INK),
                         (QPalette.ColorRole.Button, "#eef1f5"), (QPalette.ColorRole.Highlight, ACCENT),
                         (QPalette.ColorRole.HighlightedText, "#ffffff"), (QPalette.ColorRole.Link, ACCENT),
                         (QPalette.ColorRole.ToolTipBase, "#ffffe8"), (QPalette.ColorRole.ToolTipText, INK),
                         (QPalette.ColorRole.PlaceholderText, MUTED)):
        palette.setColor(role, QColor(colour))
    app.setPalette(palette)
    app.setStyleSheet(STYLESHEET)
    from .window_state import DialogFitter

    app._dialog_fitter = DialogFitter(app)  # every dialog within the screen's available area
    app.installEventFilter(app._dialog_fitter)
    app.setProperty("dutyroom_theme", True)


def compact_table(view) -> None:
    """Denser rows (the font's height plus a little), alternating shades, no row numbers."""
    view.setAlternatingRowColors(True)
    fm = view.fontMetrics()
    vh = view.verticalHeader()
    vh.setDefaultSectionSize(fm.height() + 6)
    vh.setMinimumSectionSize(fm.height() + 4)
