"""The shared workbook writer reports its rows through a plain callback (issue 21: exports off the GUI thread with a
bar that moves); an exception the callback raises (the user's 取消) stops it and leaves the target as it was."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from dutyroom.domain.errors import Cancelled
from dutyroom.reports.xlsx import PROGRESS_EVERY, XlsxColumn, XlsxSheet, write_workbook

ROWS = 3 * PROGRESS_EVERY + 7


def _sheet() -> XlsxSheet:
    return XlsxSheet("值班日志", "值班日志", [XlsxColumn("序号", "int"), XlsxColumn("内容")],
                     [[i, f"第{i}条"] for i in range(ROWS)])


def test_rows_written_are_reported_up_to_the_save(tmp_path):
    calls = []
    target = tmp_path / "日志.xlsx"
    write_workbook(target, [_sheet()], progress=lambda done, total: calls.append((done, total)))
    assert load_workbook(target)["值班日志"].max_row >= ROWS
    assert [d for d, _ in calls] == [PROGRESS_EVERY, 2 * PROGRESS_EVERY, 3 * PROGRESS_EVERY, ROWS, ROWS + 1]
    assert {t for _, t in calls} == {ROWS + 1}


def test_a_raising_callback_stops_the_writing_and_keeps_the_old_file(tmp_path):
    target = tmp_path / "日志.xlsx"
    target.write_bytes(b"the file saved yesterday")

    def stop(done, total):
        if done >= 2 * PROGRESS_EVERY:
            raise Cancelled()

    with pytest.raises(Cancelled):
        write_workbook(target, [_sheet()], progress=stop)
    assert target.read_bytes() == b"the file saved yesterday"
    assert [p.name for p in tmp_path.iterdir()] == ["日志.xlsx"]
