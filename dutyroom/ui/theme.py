"""The one look of the program: a palette, a stylesheet, named semantic colours and the icons.

Colours never speak alone: every warning level and deadline state has its words and an icon beside the
colour, so a black-and-white print or a colour-blind officer reads the same thing.

- Warning levels (预警级别): 蓝 / 黄 / 橙 / 红 — `WARNING_LEVELS`.
- Deadline states (报告时限): pending (未到期) / amber (5 分钟内到期) / overdue (超时未报) / done (已报) —
  `DEADLINE_STATES`; the domain's "ok"/"soon" states map onto pending/amber by `deadline_look`.

Icons are Font Awesome 6 Free glyphs from the font qtawesome (MIT) bundles in its wheel (icons CC BY 4.0,
fonts SIL OFL 1.1); nothing is fetched at run time. The licence texts are in resources/licenses/. They are drawn
here from that one font file and its charmap, as qtawesome draws them (a glyph 7/8 of the icon's height, centred),
without importing qtawesome: importing it (and qtpy, which materialises every Qt class) and loading its twelve
icon fonts cost 0.2–0.5 s of every start (issue 21). When the font is missing (a bare checkout), `icon()` returns
an empty icon and the text still says it all.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

from ..config import resource_root
from .i18n import tr

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


# the Font Awesome 6 Free solid face (the "fa6s." names), as qtawesome ships it
_FA6S_FONT = "fontawesome6-solid-webfont-6.7.2.ttf"
_FA6S_CHARMAP = "fontawesome6-solid-webfont-charmap-6.7.2.json"


def _qtawesome_fonts() -> Path | None:
    """qtawesome's fonts folder, found without importing the package (None: not installed). The bundle carries
    the font as data in qtawesome/fonts (scripts/bundle_fonts.icon_font_datas) and need not carry the package,
    which nothing imports now."""
    try:
        spec = importlib.util.find_spec("qtawesome")
    except (ImportError, ValueError):
        spec = None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    locations.append(str(resource_root() / "qtawesome"))
    return next((Path(p) / "fonts" for p in locations if (Path(p) / "fonts" / _FA6S_FONT).is_file()), None)


@cache
def _fa6s() -> tuple[str, dict[str, int]] | None:
    """(font family, name → code point) of the solid face, loaded once; None when it cannot be."""
    folder = _qtawesome_fonts()
    if folder is None:
        return None
    font_id = QFontDatabase.addApplicationFont(str(folder / _FA6S_FONT))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        return None
    try:
        charmap = json.loads((folder / _FA6S_CHARMAP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return families[0], {name: int(code, 16) if isinstance(code, str) else int(code) for name, code in charmap.items()}


class GlyphIconEngine(QIconEngine):
    """One glyph of an icon font in one colour (greyed when disabled), drawn at whatever size and DPI is asked."""

    def __init__(self, family: str, char: str, colour: str):
        super().__init__()
        self.family, self.char, self.colour = family, char, colour

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        painter.save()
        if mode == QIcon.Mode.Disabled:
            app = QApplication.instance()
            colour = app.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text) if app else \
                QColor(150, 150, 150)
        else:
            colour = QColor(self.colour)
        painter.setPen(colour)
        font = QFont(self.family)
        font.setPixelSize(max(1, round(0.875 * rect.height())))  # as qtawesome: a 16 px icon, a 14 px glyph
        font.setStyleName("Solid")
        painter.setFont(font)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), self.char)
        painter.restore()

    def pixmap(self, size, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        self.paint(painter, QRect(QPoint(0, 0), size), mode, state)
        painter.end()
        return pixmap

    def clone(self) -> QIconEngine:
        return GlyphIconEngine(self.family, self.char, self.colour)


def icons_available() -> bool:
    return _fa6s() is not None


ICON_FONT = "fa6s"  # the one qtawesome font the program uses (Font Awesome 6 Free solid); the bundle carries only it


@cache
def icon(name: str, colour: str | None = None) -> QIcon:
    """A Font Awesome 6 solid icon by its qtawesome name (e.g. "fa6s.bell"), drawn from the bundled font at any
    DPI. Unknown names and a missing font give an empty icon: the text beside it carries the meaning."""
    prefix, _, glyph = (name or "").partition(".")
    face = _fa6s() if prefix == "fa6s" else None
    code = face[1].get(glyph) if face else None
    if code is None:
        return QIcon()
    return QIcon(GlyphIconEngine(face[0], chr(code), colour or INK))


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
