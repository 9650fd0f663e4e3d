"""统计报表 page and the shared print/save helper (ui/print_support.py) as a user drives them."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QPushButton, QToolBar, QWidget

from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.exports import ReportExporter
from dutyroom.ui.print_support import PdfPages, PrintActions, add_print_actions, paint_pdf
from dutyroom.ui.statistics_page import StatisticsPage
from tests.helpers.pdf import pdf_info, pdf_text
from tests.helpers.samples import many_incidents


def counted(page, timeout: float = 20.0) -> None:
    """The count runs on a worker thread (issue 21): wait, with the event loop turning, for its figures to land."""
    import time

    from PySide6.QtCore import QCoreApplication, QEventLoop

    deadline = time.monotonic() + timeout
    while page.busy:
        assert time.monotonic() < deadline, "the count did not finish"
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.005)  # leave the worker the processor


@pytest.fixture
def page(qtbot, desk):
    many_incidents(desk.db, desk.users, 6)  # Jan–Jun 2026, one a month
    p = StatisticsPage(ReportExporter(desk.db, load_profile("dongcheng")), desk["tangjun"], today=dt.date(2026, 6, 30))
    qtbot.addWidget(p)
    return p


def test_year_button_shows_the_figures(page):
    page.this_year.click()
    counted(page)
    assert page.period() == (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert "接报突发事件 6 起" in page.summary.text() and "迟报 2 次" in page.summary.text()
    months = page.models["month"]
    assert [months.index(r, 1).data() for r in range(months.rowCount())] == ["1"] * 6


def test_save_as_pdf_and_excel_run_off_the_gui_thread(page, tmp_path, monkeypatch):
    page.this_year.click()
    counted(page)
    target = tmp_path / "年度统计"
    monkeypatch.setattr(PrintActions, "ask_save_path", staticmethod(lambda *a: str(target)))
    pdf = page.actions.do_save_pdf()
    assert pdf == tmp_path / "年度统计.pdf"  # the suffix is added
    assert "共接报突发事件6起" in pdf_text(pdf).replace("\n", "").replace(" ", "")
    xlsx = page.actions.do_save_xlsx()
    assert load_workbook(xlsx)["按月份"]["B3"].value == 1


def test_preview_paints_every_pdf_page(page, tmp_path, monkeypatch):
    page.this_year.click()
    counted(page)
    painted = []

    def fake_preview(parent, paint):
        printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "preview.pdf"))
        paint(printer)
        painted.append(tmp_path / "preview.pdf")

    monkeypatch.setattr(PrintActions, "show_preview", staticmethod(fake_preview))
    page.actions.do_preview()
    assert painted and pdf_info(painted[0])["Pages"] == pdf_info(page.actions.last_pdf)["Pages"]


def test_pdf_pages_render_as_images(tmp_path):
    from dutyroom.reports.pdf_table import write_table_pdf

    path = tmp_path / "t.pdf"
    write_table_pdf(path, title="通讯录", subtitle=None, columns=["单位", "电话"], rows=[["区应急局", "010-55550110"]])
    pages = PdfPages(path)
    try:
        img = pages.image(0, 50)
    finally:
        pages.close()
    assert isinstance(img, QImage) and not img.isNull()
    assert abs(img.width() - 595.276 * 50 / 72) <= 1 and abs(img.height() - 841.89 * 50 / 72) <= 1  # A4 at 50 dpi
    assert img.pixelColor(img.width() // 2, 2).lightness() > 240  # white paper, not a black page
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert paint_pdf(printer, path) == 1


def test_one_line_for_other_pages_and_failures_are_messages(qtbot, tmp_path, monkeypatch):
    from dutyroom.services.errors import UserError

    owner = QWidget()
    qtbot.addWidget(owner)
    bar = QToolBar(owner)

    def broken(path):
        raise UserError("没有可打印的记录", "nothing to print")

    actions = add_print_actions(bar, owner, title="值班日志", make_pdf=broken)
    assert [a.text() for a in bar.actions() if a.text()] == ["打印预览", "打印", "另存为PDF"]
    messages = []
    monkeypatch.setattr(PrintActions, "_message", lambda self, text: messages.append(text))
    monkeypatch.setattr(PrintActions, "ask_save_path", staticmethod(lambda *a: str(tmp_path / "x.pdf")))
    assert actions.do_save_pdf() is None
    assert messages == ["没有可打印的记录"] and not (tmp_path / "x.pdf").exists()
    holder = QWidget()
    from PySide6.QtWidgets import QHBoxLayout

    QHBoxLayout(holder)
    add_print_actions(holder, holder, title="通讯录", make_pdf=lambda p: None, make_xlsx=lambda p: None)
    assert [b.text() for b in holder.findChildren(QPushButton)] == ["打印预览", "打印", "另存为PDF", "另存为Excel"]


def test_the_file_is_written_on_a_worker_thread_with_progress(qtbot, tmp_path, monkeypatch):
    import threading

    owner = QWidget()
    qtbot.addWidget(owner)
    seen = {}

    def make(path, progress):
        seen["thread"] = threading.current_thread()
        for i in range(3):
            progress(i, 3)
        path.write_bytes(b"%PDF-1.4 test")

    actions = add_print_actions(QToolBar(owner), owner, title="交接班单", make_pdf=make)
    monkeypatch.setattr(PrintActions, "ask_save_path", staticmethod(lambda *a: str(tmp_path / "h")))
    assert actions.do_save_pdf() == tmp_path / "h.pdf"
    assert seen["thread"] is not threading.main_thread()
    assert (tmp_path / "h.pdf").read_bytes().startswith(b"%PDF")


def test_printing_a_landscape_listing_turns_the_paper(tmp_path):
    from dutyroom.reports.pdf_table import write_table_pdf

    path = tmp_path / "wide.pdf"
    write_table_pdf(path, title="预案登记表", subtitle=None, columns=list("ABCDEFGH"), rows=[list("12345678")] * 3,
                    landscape=True)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "out.pdf"))
    assert paint_pdf(printer, path) == 1
    w, _, h = pdf_info(tmp_path / "out.pdf")["Page size"].split()[:3]
    assert (round(float(w)), round(float(h))) == (842, 595)  # A4 landscape


def _overdue_unsent_incident(desk) -> None:
    """An incident of 20 June 2026 whose 首报 (due 10 minutes after receipt, Dongcheng 4.1.5) was never sent."""
    from dutyroom.services.incidents import IncidentService
    from tests.helpers.incidents import intake

    received = dt.datetime(2026, 6, 20, 9, 0, tzinfo=dt.UTC)
    IncidentService(desk.db, load_profile("dongcheng")).register(
        desk["zhouning"], intake("dongcheng", received_at=received, occurred_at=received - dt.timedelta(minutes=5)),
        now=received)


def test_an_overdue_unsent_report_shows_as_missed_and_lowers_the_on_time_rate(page, desk):
    _overdue_unsent_incident(desk)
    page.this_year.click()
    counted(page)
    text = page.summary.text()
    # 6 首报 sent, 2 of them late, 1 never sent: 4 on time of 7 owed
    assert "报送信息 6 次，迟报 2 次，超时未报 1 次，按时率 57.1%" in text, text
    lateness = page.lateness_model
    verbal = next(r for r in range(lateness.rowCount()) if lateness.index(r, 0).data() == "首报")
    assert [lateness.index(verbal, c).data() for c in (1, 2, 3, 4)] == ["6", "2", "1", "57.1%"]


def test_statistics_in_english_use_the_incident_lists_labels(qtbot, desk, monkeypatch, qapp):
    from dutyroom.ui.i18n import install_translator
    from dutyroom.ui.incident_common import category_text

    monkeypatch.setenv("DUTYROOM_LANG", "en")
    translator = install_translator(qapp)
    try:
        many_incidents(desk.db, desk.users, 6)
        _overdue_unsent_incident(desk)
        p = StatisticsPage(ReportExporter(desk.db, load_profile("dongcheng")), desk["tangjun"],
                           today=dt.date(2026, 6, 30))
        qtbot.addWidget(p)
        p.this_year.click()
        counted(p)
        text = p.summary.text()
        assert text.startswith("1 Jan 2026 to 30 Jun 2026: 7 incidents received") and "1 missed" in text, text
        cats = p.models["category"]
        labels = [cats.index(r, 0).data() for r in range(cats.rowCount())]
        assert category_text("accident") in labels and "事故灾难" not in labels
        months = p.models["month"]
        assert months.index(0, 0).data() == "Jan 2026"
        lateness = p.lateness_model
        assert [lateness.index(r, 0).data() for r in range(lateness.rowCount())] == [
            "First report", "Written report", "Follow-up", "Final report"]
    finally:
        qapp.removeTranslator(translator)
