"""Issue 21: statistics, exports, verify and a backup's check run off the GUI thread with a bar that moves.

Each long step is slowed on purpose (a monkeypatched slow step that reports through the service's own progress
callback); meanwhile a 10 ms QTimer on the GUI thread must keep firing — on today's main the count and verify run
on the GUI thread and the timer does not fire at all until they return. Then: the bar moved, the result landed
(table filled / file written / verdict shown), a failure shows the usual explained message and leaves no partial
file, 取消 stops it and says what was kept, and a second click while it runs starts nothing."""

from __future__ import annotations

import datetime as dt
import errno
import sqlite3
import time

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QProgressDialog, QPushButton

import dutyroom.services.audit_query as audit_query
import dutyroom.services.statistics as statistics
import dutyroom.store.backup as backup_store
from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.audit_query import AuditQueryService
from dutyroom.services.exports import ReportExporter
from dutyroom.services.maintenance import MaintenanceService
from dutyroom.ui.audit_page import AuditPage
from dutyroom.ui.backup_page import BackupPage
from dutyroom.ui.print_support import PrintActions
from dutyroom.ui.statistics_page import StatisticsPage
from tests.helpers.samples import many_incidents

PAUSE, STEPS = 0.05, 12  # a 0.6 s step


def watch(busy, on_tick=None):
    """A 10 ms timer on the GUI thread; returns the list of ticks seen while `busy()` (and the timer)."""
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)

    def tick():
        if busy():
            ticks.append(time.monotonic())
            if on_tick is not None:
                on_tick(len(ticks))
    timer.timeout.connect(tick)
    timer.start()
    return ticks, timer


@pytest.fixture
def slow_count(monkeypatch):
    """The deadline check of statistics.period, slowed: it reports each step through the period's progress."""
    original = statistics._missed
    calls = []

    def slow(rows, reports, now, bound, step=None):
        calls.append(len(rows))
        for i in range(STEPS):
            time.sleep(PAUSE)
            if step is not None:
                step(i * max(len(rows), 1) // STEPS)
        return original(rows, reports, now, bound, step)
    monkeypatch.setattr(statistics, "_missed", slow)
    return calls


@pytest.fixture
def out(tmp_path):
    """A folder of its own for the files saved (the test database lies in tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def page(qtbot, desk):
    many_incidents(desk.db, desk.users, 6)
    p = StatisticsPage(ReportExporter(desk.db, load_profile("dongcheng")), desk["tangjun"], today=dt.date(2026, 6, 30))
    qtbot.addWidget(p)
    return p


# ------------------------------------------------------------------ statistics


def test_the_count_runs_while_the_window_keeps_turning_and_fills_the_tables(qtbot, page, slow_count):
    values, shown, clicks = [], [], []
    page.progress.valueChanged.connect(values.append)

    def during(n):
        shown.append(not page.progress.isHidden() and not page.run.isEnabled())
        if n == 3:
            page.run.click()  # a second click while counting
            clicks.append(page.busy)

    ticks, timer = watch(lambda: page.busy, during)
    page.this_year.click()
    assert page.busy and "正在统计" in page.summary.text()
    qtbot.waitUntil(lambda: not page.busy, timeout=20_000)
    timer.stop()
    assert len(ticks) >= 10  # the GUI thread kept turning during a 0.6 s count
    assert all(shown) and clicks == [True]
    assert len(set(values)) >= 3  # the bar moved
    assert slow_count == [6]  # one count: the second click started nothing
    assert "接报突发事件 6 起" in page.summary.text()
    months = page.models["month"]
    assert [months.index(r, 1).data() for r in range(months.rowCount())] == ["1"] * 6
    assert page.progress.isHidden() and page.run.isEnabled()


def test_a_failed_count_shows_the_explained_message_and_empties_the_tables(qtbot, page, monkeypatch):
    page.this_year.click()
    qtbot.waitUntil(lambda: not page.busy, timeout=20_000)
    assert page.models["month"].rowCount() == 6

    def locked(*_a, **_k):
        raise sqlite3.OperationalError("database is locked")
    monkeypatch.setattr(statistics, "_missed", locked)
    page.run.click()
    qtbot.waitUntil(lambda: not page.busy, timeout=20_000)
    assert "数据库正被另一席位长时间占用" in page.summary.text()
    assert page.models["month"].rowCount() == 0 and page.run.isEnabled()


def test_cancel_stops_the_count_and_keeps_the_last_figures(qtbot, page, slow_count):
    page.this_year.click()
    qtbot.waitUntil(lambda: not page.busy, timeout=20_000)
    page.last_month.click()
    ticks, timer = watch(lambda: page.busy, lambda n: n == 5 and page.cancel_button.click())
    qtbot.waitUntil(lambda: not page.busy, timeout=20_000)
    timer.stop()
    assert len(ticks) >= 5
    assert "已取消统计" in page.summary.text() and "2026年1月1日至2026年6月30日" in page.summary.text()
    assert page.models["month"].rowCount() == 6  # the year's table, as it was


# ------------------------------------------------------------------ an export


def test_saving_the_workbook_keeps_the_window_turning_and_a_second_click_starts_nothing(qtbot, page, slow_count,
                                                                                       out, monkeypatch):
    page.this_year.click()
    qtbot.waitUntil(lambda: not page.busy, timeout=20_000)
    slow_count.clear()
    target = out / "统计.xlsx"
    monkeypatch.setattr(PrintActions, "ask_save_path", staticmethod(lambda *a: str(target)))
    values, enabled = [], []

    def during(n):
        for dialog in page.findChildren(QProgressDialog):
            values.append(dialog.value())
        enabled.append(page.actions.save_xlsx.isEnabled() or page.actions.save_pdf.isEnabled())
        if n == 3:
            page.actions.save_xlsx.trigger()  # disabled: nothing happens
            enabled.append(page.actions.do_save_xlsx() is not None)  # even called directly: refused while busy

    ticks, timer = watch(lambda: page.actions.busy, during)
    saved = page.actions.do_save_xlsx()
    timer.stop()
    assert saved == target and load_workbook(target)["按月份"]["B3"].value == 1
    assert len(ticks) >= 10
    assert len({v for v in values if v > 0}) >= 3  # the dialog's bar moved
    assert not any(enabled) and slow_count == [6]  # one file, written once
    assert page.actions.save_xlsx.isEnabled()
    assert [p.name for p in out.iterdir()] == ["统计.xlsx"]


def test_a_failed_export_shows_the_message_and_leaves_no_partial_file(qtbot, page, out, monkeypatch):
    import dutyroom.reports.statistics_report as statistics_report

    page.this_year.click()
    qtbot.waitUntil(lambda: not page.busy, timeout=20_000)
    target = out / "统计.xlsx"
    target.write_bytes(b"last week's file")

    def full_disk(path, *_a, **_k):
        with open(path, "wb") as f:
            f.write(b"PK half a workbook")
        raise OSError(errno.ENOSPC, "No space left on device", str(path))
    monkeypatch.setattr(statistics_report, "statistics_xlsx", full_disk)
    monkeypatch.setattr(PrintActions, "ask_save_path", staticmethod(lambda *a: str(target)))
    messages = []
    monkeypatch.setattr(PrintActions, "_message", lambda self, text: messages.append(text))
    assert page.actions.do_save_xlsx() is None
    assert len(messages) == 1 and "磁盘已满" in messages[0] and "统计.xlsx" in messages[0]
    assert "partial" not in messages[0]
    assert target.read_bytes() == b"last week's file"  # the old file untouched
    assert [p.name for p in out.iterdir()] == ["统计.xlsx"]  # and nothing half-written beside it


def test_cancelling_an_export_writes_nothing_and_says_so(qtbot, page, slow_count, out, monkeypatch):
    target = out / "统计.pdf"
    monkeypatch.setattr(PrintActions, "ask_save_path", staticmethod(lambda *a: str(target)))
    said = []
    monkeypatch.setattr(PrintActions, "_status", lambda self, text: said.append(text))

    def during(n):
        if n == 5:
            for dialog in page.findChildren(QProgressDialog):
                next(b for b in dialog.findChildren(QPushButton) if b.text() == "取消").click()  # the user's 取消

    ticks, timer = watch(lambda: page.actions.busy, during)
    assert page.actions.do_save_pdf() is None
    timer.stop()
    assert len(ticks) >= 5
    assert said == ["已取消：没有写入文件"] and list(out.iterdir()) == []


# ------------------------------------------------------------------ verify (系统维护 → 校验审计链)


@pytest.fixture
def backup_page(qtbot, people):
    auth, admin, _ = people
    p = BackupPage(MaintenanceService(auth.db), admin)
    qtbot.addWidget(p)
    return p


@pytest.fixture
def slow_chain(monkeypatch):
    original = audit_query.verify_chain
    calls = []

    def slow(session, key=None, progress=None, batch=2000):
        calls.append(1)
        for i in range(STEPS):
            time.sleep(PAUSE)
            if progress is not None:
                progress(i, STEPS)
        return original(session, key, progress, batch)
    monkeypatch.setattr(audit_query, "verify_chain", slow)
    monkeypatch.setattr(backup_store, "verify_chain", slow)  # a backup's check: slow whatever ran before it
    return calls


def test_verify_runs_off_the_gui_thread_with_a_moving_bar(qtbot, backup_page, slow_chain):
    page = backup_page
    assert not page.verify_button.isHidden()
    values, states = [], []
    page.check_progress.valueChanged.connect(values.append)

    def during(n):
        states.append((page.verify_button.isEnabled(), page.check_progress.isHidden()))
        if n == 3:
            page.verify_button.click()

    ticks, timer = watch(lambda: page.checking, during)
    page.verify_button.click()
    qtbot.waitUntil(lambda: not page.checking, timeout=20_000)
    timer.stop()
    assert len(ticks) >= 10 and len(set(values)) >= 3
    assert set(states) == {(False, False)}  # disabled, bar shown, throughout
    assert slow_chain == [1]  # the second click started nothing
    assert "审计链完整" in page.status.text() and page.status.state == "ok"
    assert page.verify_button.isEnabled() and page.check_progress.isHidden()


def test_a_failed_verify_shows_the_explained_message(qtbot, backup_page, monkeypatch):
    def locked(*_a, **_k):
        raise sqlite3.OperationalError("database is locked")
    monkeypatch.setattr(audit_query, "verify_chain", locked)
    backup_page.verify_button.click()
    qtbot.waitUntil(lambda: not backup_page.checking, timeout=20_000)
    assert "数据库正被另一席位长时间占用" in backup_page.status.text() and backup_page.status.state == "error"


def test_cancelling_verify_concludes_nothing(qtbot, backup_page, slow_chain):
    page = backup_page
    ticks, timer = watch(lambda: page.checking, lambda n: n == 5 and page.cancel_check_button.click())
    page.verify_button.click()
    qtbot.waitUntil(lambda: not page.checking, timeout=20_000)
    timer.stop()
    assert len(ticks) >= 5
    assert "已取消校验" in page.status.text() and "审计链完整" not in page.status.text()


def test_a_backups_check_runs_off_the_gui_thread(qtbot, backup_page, slow_chain, people):
    page = backup_page
    page.backup_button.click()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=20_000)
    page.table.selectRow(0)
    ticks, timer = watch(lambda: page.checking)
    page.check_button.click()
    assert not page.restore_button.isEnabled()  # no restore while the check runs
    qtbot.waitUntil(lambda: not page.checking, timeout=20_000)
    timer.stop()
    assert len(ticks) >= 10 and "完整性正常" in page.status.text()


def test_the_audit_pages_verify_runs_off_the_gui_thread_and_a_second_click_starts_nothing(qtbot, people, slow_chain):
    auth, admin, _ = people
    page = AuditPage(AuditQueryService(auth.db), admin)
    qtbot.addWidget(page)
    enabled = []

    def during(n):
        enabled.append(page.verify_button.isEnabled())
        if n == 3:
            page.verify()  # what a second click would call
    ticks, timer = watch(lambda: not page.verify_button.isEnabled(), during)
    page.verify_button.click()
    qtbot.waitUntil(lambda: page.verify_button.isEnabled(), timeout=20_000)
    timer.stop()
    assert len(ticks) >= 10 and set(enabled) == {False}
    assert slow_chain == [1]
    assert "审计链完整" in page.chain_result.text()
