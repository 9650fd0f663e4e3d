"""Screenshots of the pages as a signed-in user sees them (for docs and visual checks).

One page (as before):

    xvfb-run -a -s "-screen 0 1440x900x24" .venv/bin/python scripts/screenshot.py OUT.png \
        [--user zhouning] [--page 规则查询] [--db /tmp/shot.db] [--profile dongcheng]

Every page at 1366 × 768 and at 200 % (a 2732 × 1536 screen with QT_SCALE_FACTOR=2), offscreen, no X needed:

    .venv/bin/python scripts/screenshot.py --all docs/screenshots/pages [--user admin] [--check report.json]

--all runs itself once per size in a child process (the scale is fixed when Qt starts), with the offscreen
platform given a screen of that size. The window opens as for a user (window_state.fit: maximised on
these screens). Each page is saved as NN_<page>_<1366|200pct>.png (dialogs as dialog_<name>_<size>.png), in 256 colours
(adaptive palette, no dithering) to keep the files small.
With --check the children also write what is cut off on each page (widgets outside the window or their
parent, labels and buttons narrower than their text, a window that cannot shrink to the screen) into a
JSON report; tests/gui/test_gui_screen_sizes.py asserts the report is empty.

Creates the demo database (with the demo incidents: one overdue, one amber) when missing, signs in with
the demo password.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = {"1366": (1366, 768, 1), "200pct": (2732, 1536, 2),
         "125pct": (1366, 768, 1.25)}  # a 1366 × 768 laptop at 125 %: 1093 × 614 to lay out in (check only)
DOC_SIZES = "1366,200pct"
SLUGS = {"DashboardPage": "dashboard", "IncidentsPage": "incidents", "DutyLogPage": "duty_log",
         "RosterPage": "roster", "WarningsPage": "warnings", "ApprovalQueuePage": "approval_queue",
         "ResponsesPage": "responses", "PlansPage": "plans", "ContactsPage": "contacts", "RulesPage": "rules",
         "StatisticsPage": "statistics", "BackupPage": "maintenance", "UsersPage": "users", "AuditPage": "audit"}


def _options():
    args = argparse.ArgumentParser()
    args.add_argument("out", nargs="?")
    args.add_argument("--all", metavar="DIR", help="every page at 1366×768 and at 200 % into DIR")
    args.add_argument("--size", choices=sorted(SIZES), help=argparse.SUPPRESS)  # the child of --all
    args.add_argument("--check", metavar="JSON", help="with --all: write what is cut off on each page")
    args.add_argument("--sizes", default=DOC_SIZES, help=f"with --all: of {','.join(SIZES)} (default {DOC_SIZES})")
    args.add_argument("--user", default="zhouning")
    args.add_argument("--page", default=None)
    args.add_argument("--db", default=None)
    args.add_argument("--profile", default="dongcheng")
    args.add_argument("--after-ms", type=int, default=1200)
    return args.parse_args()


def run_all(opts) -> int:
    """One child per size; their reports merged into --check."""
    out = Path(opts.all)
    out.mkdir(parents=True, exist_ok=True)
    report: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in opts.sizes.split(","):
            w, h, scale = SIZES[size]
            config = Path(tmp) / f"screen_{size}.json"
            config.write_text(json.dumps({"screens": [{"name": size, "x": 0, "y": 0, "width": w, "height": h,
                                                       "logicalDpi": 96, "dpr": 1}]}))
            env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}", "QT_SCALE_FACTOR": str(scale),
                   "XDG_CONFIG_HOME": str(Path(tmp) / "config")}  # no remembered window size from a real user
            part = Path(tmp) / f"report_{size}.json"
            cmd = [sys.executable, __file__, "--all", str(out), "--size", size, "--user", opts.user,
                   "--profile", opts.profile, "--check", str(part),
                   "--db", str(Path(opts.db).with_name(f"{Path(opts.db).stem}_{size}.db") if opts.db
                               else Path(tmp) / f"shot_{size}.db")]  # each size its own demo incidents
            subprocess.run(cmd, env=env, check=True)
            report[size] = json.loads(part.read_text(encoding="utf-8"))
    if opts.check:
        Path(opts.check).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def problems(window) -> list[str]:
    """What is cut off in the window as it is now shown."""
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QLabel, QTabBar

    out: list[str] = []
    screen = window.screen().availableGeometry()
    if not screen.contains(window.frameGeometry()) and not screen.contains(window.geometry()):
        out.append(f"{window.windowTitle()!r} at {window.geometry().getRect()} is not inside the screen "
                   f"{screen.getRect()}")
    hint = window.minimumSizeHint()
    if hint.width() > screen.width() or hint.height() > screen.height():
        out.append(f"window needs at least {hint.width()}×{hint.height()}, the screen has "
                   f"{screen.width()}×{screen.height()}")
    whole = window.rect()

    def scrolled(w) -> bool:  # inside a scroll area's viewport: reachable by scrolling, by design
        p = w.parentWidget()
        while p is not None and p is not window:
            if isinstance(p.parentWidget(), QAbstractScrollArea) and p is p.parentWidget().viewport():
                return True
            p = p.parentWidget()
        return False

    for w in window.findChildren(QLabel) + window.findChildren(QAbstractButton):
        if not w.isVisible() or isinstance(w.parentWidget(), QTabBar) or scrolled(w):
            continue
        name = getattr(w, "text", lambda: "")() or w.objectName() or type(w).__name__
        rect = QRect(w.mapTo(window, QPoint(0, 0)), w.size())
        if not whole.contains(rect):
            out.append(f"{name!r} at {rect.getRect()} lies outside the window {whole.width()}×{whole.height()}")
            continue
        parent = w.parentWidget()
        if parent is not None and not parent.rect().contains(w.geometry()):
            out.append(f"{name!r} {w.geometry().getRect()} is clipped by its parent {parent.size().toTuple()}")
            continue
        if isinstance(w, QLabel):
            if not w.text() or (w.pixmap() is not None and not w.pixmap().isNull()):
                continue
            size = w.size()
            needed = w.heightForWidth(size.width()) if w.wordWrap() else w.sizeHint().height()
            if (not w.wordWrap() and w.sizeHint().width() > size.width() + 1) or needed > size.height() + 1:
                out.append(f"label {w.text()!r} needs {w.sizeHint().width()}×{needed}, has {size.width()}×{size.height()}")
        elif w.text() and w.sizeHint().width() > w.width() + 1:
            out.append(f"button {w.text()!r} needs {w.sizeHint().width()} wide, has {w.width()}")
    return out


def save_png(pixmap, path: Path) -> None:
    """An adaptive palette of 256 colours without dithering (Pillow, which reportlab brings): the UI's flat colours
    stay exact — a yellow warning stays yellow — and the file is about a fifth of the full-colour one."""
    from PySide6.QtCore import QBuffer, QIODevice

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    pixmap.toImage().save(buffer, "PNG")
    try:
        import io

        from PIL import Image
    except ImportError:
        path.write_bytes(bytes(buffer.data()))
        return
    image = Image.open(io.BytesIO(bytes(buffer.data()))).convert("RGB")
    image.quantize(colors=256, dither=Image.Dither.NONE).save(path, optimize=True)


def dialogs(window, db, profile, officer):
    """The main dialogs, as an officer opens them: (file name, dialog), one at a time."""
    from dutyroom.services.handover import HandoverService
    from dutyroom.services.incidents import IncidentService
    from dutyroom.services.warnings import WarningService
    from dutyroom.ui.facts_dialog import FactsDialog
    from dutyroom.ui.handover_dialog import HandoverDialog
    from dutyroom.ui.help_dialog import HelpDialog, ShortcutsDialog
    from dutyroom.ui.incident_common import system_clock
    from dutyroom.ui.incidents_page import IncidentsPage
    from dutyroom.ui.main_window import GROUP_ROLE
    from dutyroom.ui.users_page import UserDialog
    from dutyroom.ui.warning_dialogs import WarningFormDialog

    incidents = window.findChild(IncidentsPage)
    wizard = incidents.new_intake()
    wizard.hide()
    yield "intake_wizard", wizard
    svc = IncidentService(db, profile)
    first = svc.get(officer, incidents.model.rows[0].id) if incidents.model.rows else None
    if first is not None:
        yield "facts", FactsDialog(svc, officer, first, system_clock, window)
    yield "handover", HandoverDialog(HandoverService(db, profile), officer, parent=window)
    yield "warning_form", WarningFormDialog(WarningService(db, profile), None, "新建预警", parent=window)
    yield "new_user", UserDialog(parent=window)
    yield "shortcuts", ShortcutsDialog(window.shortcut_list(), window)
    pages = [(window.nav.item(i).text(), type(window.pages.widget(i)).__name__, window.nav.item(i).data(GROUP_ROLE))
             for i in range(window.nav.count())]
    yield "help", HelpDialog(pages, window.shortcut_list(), window)


def run_size(opts) -> int:
    """In the child: the demo at this size, every page grabbed (and checked)."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from dutyroom.app import build_main_window, choose_cjk_font
    from dutyroom.ui.i18n import install_translator
    from scripts.demo_incidents import add_demo_incidents, open_demo

    app = QApplication(sys.argv)
    install_translator(app)
    choose_cjk_font(app)
    db, profile, officer = open_demo(opts.db, opts.profile, opts.user)
    add_demo_incidents(db, profile, officer)  # the dashboard with an overdue and an amber deadline

    def settle(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    report: dict[str, list[str]] = {}
    out = Path(opts.all)
    # the officer's pages, then those only the administrator has (系统维护, 用户管理, 审计日志)
    for username in (opts.user, "admin"):
        actor = open_demo(opts.db, opts.profile, username)[2]
        window = build_main_window(db, profile, actor)
        window.show_fitted()
        settle(800)
        for row in range(window.nav.count()):
            page = window.pages.widget(row)
            slug = SLUGS.get(type(page).__name__, type(page).__name__.lower())
            if window.nav.item(row).text() in report:
                continue
            window.nav.setCurrentRow(row)
            settle(400)
            order = list(SLUGS.values()).index(slug) if slug in SLUGS.values() else 99
            save_png(window.grab(), out / f"{order:02d}_{slug}_{opts.size}.png")
            report[window.nav.item(row).text()] = problems(window)
        if username == opts.user:
            for name, dialog in dialogs(window, db, profile, officer):
                dialog.show()
                settle(400)
                save_png(dialog.grab(), out / f"dialog_{name}_{opts.size}.png")
                report[f"dialog {name}"] = problems(dialog)
                dialog.close()
        window.close()
    if opts.check:
        Path(opts.check).write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    db.dispose()
    return 0


def run_one(opts) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from dutyroom.app import build_main_window, choose_cjk_font
    from dutyroom.ui.i18n import install_translator
    from scripts.demo_incidents import open_demo

    app = QApplication(sys.argv)
    install_translator(app)
    choose_cjk_font(app)
    db, profile, actor = open_demo(opts.db or "/tmp/dutyroom_screenshot.db", opts.profile, opts.user)
    window = build_main_window(db, profile, actor)
    window.show_fitted()
    if opts.page:
        titles = [window.nav.item(i).text() for i in range(window.nav.count())]
        if opts.page not in titles:
            sys.exit(f"no page {opts.page!r}; pages: {titles}")
        window.nav.setCurrentRow(titles.index(opts.page))
    QTimer.singleShot(opts.after_ms, lambda: (window.grab().save(opts.out), app.quit()))
    app.exec()
    db.dispose()
    print(opts.out)
    return 0


if __name__ == "__main__":
    options = _options()
    if options.all and options.size:
        sys.exit(run_size(options))
    if options.all:
        sys.exit(run_all(options))
    if not options.out:
        sys.exit("give OUT.png, or --all DIR")
    sys.exit(run_one(options))
