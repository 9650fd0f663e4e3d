"""The long reads report progress through a plain callback (no Qt in the services; issue 21): statistics.period,
the statistics exports, verify and a backup's check. The callback is told how far the work has come, ends at
done == total, and an exception it raises (the GUI's 取消) stops the work there, with nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.audit_query import AuditQueryService
from dutyroom.services.errors import Cancelled
from dutyroom.services.exports import ReportExporter
from dutyroom.services.maintenance import MaintenanceService
from dutyroom.services.statistics import StatisticsService
from tests.helpers.samples import many_incidents

FIRST, LAST = dt.date(2026, 1, 1), dt.date(2026, 6, 30)


def _recorder():
    calls: list[tuple[int, int, str]] = []

    def progress(done: int, total: int, text: str = "") -> None:
        calls.append((done, total, text))
    return calls, progress


def _moves_forward_to_the_end(calls) -> None:
    sized = [(d, t) for d, t, _ in calls if t > 0]
    assert len(sized) >= 3, calls
    assert len({t for _, t in sized}) == 1  # one total throughout
    assert [d for d, _ in sized] == sorted(d for d, _ in sized)  # never backwards
    assert sized[-1][0] == sized[-1][1]  # ends at done == total


def test_statistics_period_reports_its_steps_and_ends_at_the_total(desk):
    many_incidents(desk.db, desk.users, 18)
    calls, progress = _recorder()
    st = StatisticsService(desk.db).period(desk["tangjun"], FIRST, LAST, progress=progress)
    assert st.total == 18
    _moves_forward_to_the_end(calls)
    texts = " ".join(t for _, _, t in calls)
    assert "读取事件" in texts and "读取报告" in texts and "核对报送时限" in texts


def test_a_progress_callback_that_raises_stops_the_count(desk):
    many_incidents(desk.db, desk.users, 6)
    seen = []

    def progress(done, total, text=""):
        seen.append(text)
        if "核对" in text:
            raise Cancelled()

    with pytest.raises(Cancelled):
        StatisticsService(desk.db).period(desk["tangjun"], FIRST, LAST, progress=progress)
    assert "正在汇总…" not in seen  # stopped before summing up


def test_the_statistics_workbook_reports_progress_then_the_writing_step(desk, tmp_path):
    many_incidents(desk.db, desk.users, 6)
    calls, progress = _recorder()
    target = tmp_path / "统计.xlsx"
    ReportExporter(desk.db, load_profile("dongcheng")).statistics_xlsx(desk["tangjun"], FIRST, LAST, target,
                                                                       progress=progress)
    assert load_workbook(target)["按月份"]["B3"].value == 1
    assert calls[-1][2] == "正在生成文件…"
    _moves_forward_to_the_end(calls[:-1])


def test_verify_reports_the_entries_walked(people):
    auth, admin, _ = people
    calls, progress = _recorder()
    check = AuditQueryService(auth.db).verify(admin, progress=progress)
    assert check.ok
    assert (check.entries, check.entries) in [(d, t) for d, t, _ in calls]


def test_verify_stops_when_the_callback_raises(people):
    auth, admin, _ = people

    def progress(done, total, text=""):
        raise Cancelled()

    with pytest.raises(Cancelled):
        AuditQueryService(auth.db).verify(admin, progress=progress)


def test_a_backups_check_names_each_step(people):
    auth, admin, _ = people
    service = MaintenanceService(auth.db)
    backup = service.backup_now(admin)
    calls, progress = _recorder()
    result = service.check(admin, backup.path, progress=progress)
    assert result.ok
    texts = [t for _, _, t in calls]
    assert texts[0] == "正在检查文件完整性…" and "正在核对审计链…" in texts
    assert (result.audit_entries, result.audit_entries) in [(d, t) for d, t, _ in calls]
