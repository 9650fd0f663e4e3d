"""打印预览 / 打印 / 另存为PDF / 另存为Excel for any page, in one line:

    add_print_actions(toolbar_or_layout, owner_widget, title="值班日志",
                      make_pdf=lambda path: svc.duty_log_pdf(actor, month, path),
                      make_xlsx=lambda path: svc.duty_log_xlsx(actor, month, path))

``make_pdf(path)`` / ``make_xlsx(path)`` write the file (a service call); they run on a worker thread
(ui/operations.run_in_background) while a progress dialog keeps the window alive. A callable that accepts a
``progress`` keyword gets ``progress(done, total, text="")``, the bar shows real progress and 取消 stops it;
otherwise it is a busy bar. The file is written under a hidden name and renamed when complete (a failure or a
cancel leaves nothing), and the four actions are disabled while one runs (a second click starts nothing).

Preview and print: PySide6-Essentials has no QtPdf, so the PDF our service wrote is rasterised page by page
with PDFium (pypdfium2, bundled in its wheel — works offline on Windows and Linux, no poppler) at the
printer's resolution (capped at 300 dpi) and painted with QPainter into QPrintPreviewDialog / QPrinter, full
page, so the document's own GB/T 9704 margins are kept. The printed output is therefore the same document as
the saved PDF. Printing checks that a printer exists first (ui/printing.check_printer).

Tests monkeypatch ``PrintActions.ask_save_path`` (file dialog) and ``PrintActions.show_preview`` /
``PrintActions.ask_printer``.
"""

from __future__ import annotations

import inspect
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import shiboken6
from PySide6.QtCore import QEventLoop, QObject, QRectF, QSizeF, Signal
from PySide6.QtGui import QAction, QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QBoxLayout,
    QPushButton,
    QToolBar,
    QWidget,
)

from ..services.errors import UserError
from ..services.exports import font_notice
from .file_dialogs import save_file
from .i18n import tr
from .operations import run, run_in_background, show_error_box, stopping

MAX_DPI = 300


# ------------------------------------------------------------------ off-thread rendering


def _takes_progress(fn: Callable) -> bool:
    try:
        return "progress" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def partial_path(path: Path) -> Path:
    """Where a file is written before it is complete: beside the target (same disk, so the final rename is atomic),
    hidden, with the target's suffix (a writer may go by it)."""
    return path.with_name(f".{path.stem}.partial{path.suffix}")


def render_with_progress(parent: QWidget | None, make: Callable, path: Path, label: str) -> tuple[bool, str]:
    """Run ``make(path[, progress=...])`` off the GUI thread with a progress dialog and wait for it (the window
    stays alive); (ok, path or the failure's explanation).

    The file is written beside ``path`` under another name and renamed to ``path`` only once complete: a failure or
    a cancel leaves no partial file, and a file already at ``path`` stays as it was. A ``make`` that takes
    ``progress`` gets a plain ``progress(done, total, text="")``, the bar moves, and the dialog offers 取消 (the
    work stops at its next step)."""
    takes = _takes_progress(make)
    part = partial_path(path)

    def work(report) -> str:
        try:
            if takes:
                make(part, progress=stopping(report))
            else:
                make(part)
            os.replace(part, path)
        except OSError as exc:
            part.unlink(missing_ok=True)
            if exc.filename is not None and Path(exc.filename) == part:  # the message names the file chosen
                raise OSError(exc.errno, exc.strerror, str(path)) from exc
            raise
        except BaseException:
            part.unlink(missing_ok=True)
            raise
        return str(path)

    outcome: list[tuple[bool, str]] = []
    loop = QEventLoop()
    op = run_in_background(parent, work, label=label, title=tr("正在生成"), cancellable=takes,
                           on_success=lambda text: outcome.append((True, text)),
                           on_failure=lambda text: outcome.append((False, text)))
    op.ended.connect(loop.quit)
    loop.exec()  # the worker's signals are queued to this thread, so they cannot arrive before the loop runs
    if op.cancelled and not (outcome and outcome[0][0]):
        return False, CANCELLED
    return outcome[0] if outcome else (False, "")


CANCELLED = "cancelled"  # render_with_progress's answer when the user pressed 取消 (nothing was written)


# ------------------------------------------------------------------ PDF pages → painter


class PdfPages:
    """A PDF read with PDFium: page count, page size in points, page images."""

    def __init__(self, path: Path):
        import pypdfium2 as pdfium

        self._doc = pdfium.PdfDocument(str(path))

    def __len__(self) -> int:
        return len(self._doc)

    def size_pt(self, index: int) -> tuple[float, float]:
        return tuple(self._doc[index].get_size())  # type: ignore[return-value]

    def image(self, index: int, dpi: float) -> QImage:
        page = self._doc[index]
        bitmap = page.render(scale=dpi / 72.0, rev_byteorder=True, prefer_bgrx=True)
        fmt = QImage.Format.Format_RGBX8888 if bitmap.n_channels == 4 else QImage.Format.Format_RGB888
        img = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, fmt).copy()
        bitmap.close()
        page.close()
        return img

    def close(self) -> None:
        self._doc.close()


def paint_pdf(printer: QPrinter, path: Path) -> int:
    """Paint every page of the PDF onto the printer (or preview); returns the number of pages."""
    pages = PdfPages(path)
    try:
        printer.setFullPage(True)
        if len(pages):  # the paper follows the document (A4 portrait or landscape), whatever the default was
            w_pt, h_pt = pages.size_pt(0)
            landscape = w_pt > h_pt
            size = QPageSize(QSizeF(min(w_pt, h_pt), max(w_pt, h_pt)), QPageSize.Unit.Point)
            printer.setPageSize(size)
            printer.setPageOrientation(QPageLayout.Orientation.Landscape if landscape
                                       else QPageLayout.Orientation.Portrait)
        painter = QPainter()
        if not painter.begin(printer):
            raise UserError("无法开始打印（打印机不可用）", "cannot start printing (printer unavailable)")
        try:
            dpi = min(MAX_DPI, max(96, printer.resolution()))
            for i in range(len(pages)):
                if i:
                    printer.newPage()
                img = pages.image(i, dpi)
                target = QRectF(painter.viewport())
                w_pt, h_pt = pages.size_pt(i)
                scale = min(target.width() / w_pt, target.height() / h_pt)
                rect = QRectF(0, 0, w_pt * scale, h_pt * scale)
                painter.drawImage(rect, img)
        finally:
            painter.end()
        return len(pages)
    finally:
        pages.close()


# ------------------------------------------------------------------ the actions


class PrintActions(QObject):
    """The four actions for one page; created by ``add_print_actions``.

    ``set_enabled(pdf, xlsx)`` follows the page's selection (nothing selected: nothing to print); ``saved``
    (kind "pdf"/"xlsx", path) lets a page say in its own message line what was written."""

    saved = Signal(str, str)

    def __init__(self, owner: QWidget, title: str, make_pdf: Callable | None, make_xlsx: Callable | None,
                 default_name: str | None = None):
        super().__init__(owner)
        self.owner, self.title = owner, title
        self.make_pdf, self.make_xlsx = make_pdf, make_xlsx
        self.default_name = default_name or title
        self.preview = QAction(self.tr("打印预览"), self)
        self.print = QAction(self.tr("打印"), self)
        self.save_pdf = QAction(self.tr("另存为PDF"), self)
        self.save_xlsx = QAction(self.tr("另存为Excel"), self)
        self.preview.triggered.connect(self.do_preview)
        self.print.triggered.connect(self.do_print)
        self.save_pdf.triggered.connect(self.do_save_pdf)
        self.save_xlsx.triggered.connect(self.do_save_xlsx)
        for a in (self.preview, self.print, self.save_pdf):
            a.setEnabled(make_pdf is not None)
        self.save_xlsx.setEnabled(make_xlsx is not None)
        notice = self._notice = font_notice() or ""
        if notice:
            for a in (self.preview, self.print, self.save_pdf):
                a.setToolTip(notice)
        self._tmp = tempfile.TemporaryDirectory(prefix="dutyroom-print-")
        self.last_pdf: Path | None = None
        self.busy = False  # a file is being generated: every action waits (nothing is written twice)
        self._enabled_before: dict[QAction, bool] = {}
        self.buttons: dict[str, QPushButton] = {}  # preview / print / pdf / xlsx, when added to a layout

    def set_enabled(self, pdf: bool, xlsx: bool | None = None, reason: str = "") -> None:
        """Enable the PDF actions (preview, print, save) and the Excel one (default: as the PDF ones); ``reason``
        is the tooltip of disabled actions (e.g. "请先选择一条预警")."""
        xlsx = pdf if xlsx is None else xlsx
        tip = self._notice
        wanted = {a: pdf and self.make_pdf is not None for a in (self.preview, self.print, self.save_pdf)}
        wanted[self.save_xlsx] = xlsx and self.make_xlsx is not None
        for a, on in wanted.items():
            if self.busy:  # applied when the running job ends
                self._enabled_before[a] = on
            else:
                a.setEnabled(on)
            a.setToolTip((tip if a is not self.save_xlsx else "") if on else reason)

    def set_visible(self, visible: bool) -> None:
        for a in self.actions:
            a.setVisible(visible)
        for b in self.buttons.values():
            b.setVisible(visible)

    @property
    def actions(self) -> list[QAction]:
        out = [self.preview, self.print, self.save_pdf]
        if self.make_xlsx is not None:
            out.append(self.save_xlsx)
        return out

    # --- factories tests monkeypatch
    @staticmethod
    def ask_save_path(parent: QWidget, caption: str, default: str, pattern: str) -> str | None:
        return save_file(parent, caption, default, pattern)

    @staticmethod
    def show_preview(parent: QWidget, paint: Callable[[QPrinter], None]) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintPreviewDialog(printer, parent)
        dialog.paintRequested.connect(paint)
        dialog.exec()

    @staticmethod
    def ask_printer(parent: QWidget) -> QPrinter | None:
        from .printing import check_printer

        info = check_printer()  # PrinterMissing (a UserError) when the system has none
        printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, parent)
        return printer if dialog.exec() == QPrintDialog.DialogCode.Accepted else None

    # --- behaviour
    def _message(self, text: str) -> None:
        show_error_box(self.owner, self.title, text)

    def _status(self, text: str) -> None:
        window = self.owner.window()
        bar = getattr(window, "statusBar", None)
        if callable(bar):
            bar().showMessage(text, 15_000)

    def _render(self, make: Callable, path: Path, label: str) -> tuple[bool, str]:
        """render_with_progress with every action disabled meanwhile; a click while one runs starts nothing."""
        if self.busy:
            return False, ""
        self.busy = True
        self._enabled_before = {a: a.isEnabled() for a in (self.preview, self.print, self.save_pdf, self.save_xlsx)}
        for a in self._enabled_before:
            a.setEnabled(False)
        try:
            return render_with_progress(self.owner, make, path, label)
        finally:
            self.busy = False
            for a, was in self._enabled_before.items():
                if shiboken6.isValid(a):
                    a.setEnabled(was)

    def _said(self, ok: bool, text: str, path: Path | None = None) -> bool:
        """A failure's explanation in a box; a cancel in the status bar (nothing was written)."""
        if ok:
            return True
        if text == CANCELLED:
            self._status(self.tr("已取消：没有写入文件") if path is None or not path.exists()
                         else self.tr("已取消：没有写入文件，原有的 {f} 保持原样").format(f=path.name))
        elif text:
            self._message(text)
        return False

    def render_pdf(self) -> Path | None:
        """Render to a temporary file (for preview/print); None (and a message) on failure."""
        if self.make_pdf is None or self.busy:
            return None
        path = Path(self._tmp.name) / f"{len(list(Path(self._tmp.name).iterdir()))}.pdf"
        ok, text = self._render(self.make_pdf, path, self.tr("正在生成PDF…"))
        if not self._said(ok, text):
            return None
        self.last_pdf = path
        return path

    def do_preview(self) -> None:
        path = self.render_pdf()
        if path is None:
            return
        errors: list[str] = []  # the preview paints inside its own dialog: say so once it is closed
        self.show_preview(self.owner, lambda printer: run(lambda: paint_pdf(printer, path), on_failure=errors.append))
        if errors:
            self._message(errors[0])

    def do_print(self) -> None:
        printer = run(lambda: self.ask_printer(self.owner), on_failure=self._message)
        if not isinstance(printer, QPrinter):  # refused (no printer), or the dialog was cancelled
            return
        path = self.render_pdf()
        if path is None:
            return
        n = run(lambda: paint_pdf(printer, path), on_failure=self._message)
        if n is not None:
            self._status(self.tr("已发送到打印机：") + f"{self.title}（{n}页）")

    def _save(self, make: Callable | None, suffix: str, pattern: str, label: str) -> Path | None:
        if make is None or self.busy:
            return None
        name = re.sub(r'[\\/:*?"<>|\s]+', "_", self.default_name).strip("_") or "report"  # a title is not a path
        chosen = self.ask_save_path(self.owner, label, f"{name}{suffix}", pattern)
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
        ok, text = self._render(make, path, self.tr("正在生成…"))
        if not self._said(ok, text, path):
            return None
        self._status(self.tr("已保存：") + str(path))
        self.saved.emit(suffix.lstrip("."), str(path))
        return path

    def do_save_pdf(self) -> Path | None:
        return self._save(self.make_pdf, ".pdf", "PDF (*.pdf)", self.tr("另存为PDF"))

    def do_save_xlsx(self) -> Path | None:
        return self._save(self.make_xlsx, ".xlsx", "Excel (*.xlsx)", self.tr("另存为Excel"))


def add_print_actions(container, owner: QWidget, *, title: str, make_pdf: Callable | None = None,
                      make_xlsx: Callable | None = None, default_name: str | None = None) -> PrintActions:
    """Add 打印预览 / 打印 / 另存为PDF (/ 另存为Excel when make_xlsx is given) to a QToolBar, a QBoxLayout or a
    QWidget (as buttons at the end of its layout). Returns the PrintActions (keep it if you need to swap
    ``make_pdf`` later, e.g. when the selection changes)."""
    actions = PrintActions(owner, title, make_pdf, make_xlsx, default_name)
    if isinstance(container, QToolBar):
        container.addSeparator()
        for a in actions.actions:
            container.addAction(a)
        return actions
    layout = container if isinstance(container, QBoxLayout) else container.layout()
    keys = {actions.preview: "preview", actions.print: "print", actions.save_pdf: "pdf", actions.save_xlsx: "xlsx"}
    for a in actions.actions:
        button = QPushButton(a.text(), owner)
        button.setToolTip(a.toolTip())
        button.setEnabled(a.isEnabled())
        button.clicked.connect(a.trigger)
        a.changed.connect(lambda b=button, act=a: (b.setEnabled(act.isEnabled()), b.setToolTip(act.toolTip())))
        actions.buttons[keys[a]] = button
        if layout is not None:
            layout.addWidget(button)
    return actions
