"""The shared workbook writer (reports/xlsx.py): what a supervisor sees when opening the file in Excel."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from dutyroom.domain.incident_facts import BEIJING
from dutyroom.reports.xlsx import XlsxChart, XlsxColumn, XlsxSheet, display_width, write_workbook

COLUMNS = [XlsxColumn("事件标题"), XlsxColumn("死亡人数", "int"), XlsxColumn("直接经济损失（万元）", "float"),
           XlsxColumn("发生日期", "date"), XlsxColumn("接报时间", "datetime")]


def _sheet(rows, **kw):
    return XlsxSheet(title="事件", heading="2026年7月突发事件统计", columns=COLUMNS, rows=rows, **kw)


def _load(rows, **kw):
    buf = io.BytesIO()
    write_workbook(buf, [_sheet(rows, **kw)])
    buf.seek(0)
    return load_workbook(buf)["事件"]


def test_title_header_frozen_panes_filter_and_print_setup(tmp_path):
    rows = [["东四街道居民楼火灾", 0, 12.5, dt.date(2026, 7, 1), dt.datetime(2026, 7, 1, 1, 30, tzinfo=dt.UTC)],
            ["和平里街道燃气泄漏", 1, 3.0, dt.date(2026, 7, 2), dt.datetime(2026, 7, 2, 9, 0, tzinfo=BEIJING)]]
    path = tmp_path / "stats.xlsx"
    write_workbook(path, [_sheet(rows)])
    ws = load_workbook(path)["事件"]
    assert ws["A1"].value == "2026年7月突发事件统计"
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:E1"]
    assert [c.value for c in ws[2]] == [c.header for c in COLUMNS]
    assert ws["A2"].font.b is True
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:E4"
    assert ws.print_title_rows == "$1:$2"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4  # "9" is A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert "&P" in ws.oddFooter.center.text
    assert not (tmp_path / "stats.xlsx.part").exists()


def test_dates_are_real_dates_and_aware_times_show_in_beijing():
    ws = _load([["x", 0, 0.0, dt.date(2026, 7, 1), dt.datetime(2026, 6, 30, 17, 5, tzinfo=dt.UTC)]])
    date_cell, time_cell = ws["D3"], ws["E3"]
    assert date_cell.is_date and time_cell.is_date
    assert date_cell.value == dt.datetime(2026, 7, 1)
    assert time_cell.value == dt.datetime(2026, 7, 1, 1, 5)  # 17:05 UTC is 01:05 next day in Beijing
    assert "年" in date_cell.number_format and "hh:mm" in time_cell.number_format


def test_numbers_stay_numbers_and_non_numbers_become_text():
    ws = _load([["x", 3, 2.25, None, None], ["y", "不详", float("nan"), "待核实", "待核实"]])
    assert ws["B3"].value == 3 and ws["B3"].data_type == "n"
    assert ws["C3"].value == 2.25
    assert ws["B4"].value == "不详" and ws["C4"].value == "nan" and ws["D4"].value == "待核实"
    assert ws["D3"].value is None


@pytest.mark.parametrize("payload", ["=HYPERLINK(\"http://x\",\"点此\")", "+1+1", "-2+3", "@SUM(A1:A2)",
                                     "\t=1+1", "=cmd|' /C calc'!A0"])
def test_formula_injection_is_written_as_text(payload):
    ws = _load([[payload, 0, 0.0, None, None]])
    cell = ws["A3"]
    assert cell.value == payload
    assert cell.data_type == "s"          # a string, not a formula ("f")
    assert cell.quotePrefix is True       # Excel shows it as typed text even after editing


def test_injection_inside_a_number_column_is_also_text():
    ws = _load([["x", "=1+1", "=2", "=3", "=4"]])
    assert [ws.cell(3, i).data_type for i in range(2, 6)] == ["s"] * 4


def test_widths_follow_content_counting_cjk_as_two():
    long_title = "东城区东四街道某小区居民楼发生火灾"
    ws = _load([[long_title, 0, 0.0, None, None]])
    assert display_width(long_title) == 2 * len(long_title)
    assert ws.column_dimensions["A"].width >= display_width(long_title)
    assert ws.column_dimensions["B"].width >= display_width("死亡人数")


def test_given_width_wins():
    buf = io.BytesIO()
    write_workbook(buf, [XlsxSheet("表", "标题", [XlsxColumn("备注", width=42)], [["很长的文字" * 20]])])
    buf.seek(0)
    assert load_workbook(buf)["表"].column_dimensions["A"].width == 42


def test_several_sheets_with_clashing_and_invalid_names_and_a_chart():
    buf = io.BytesIO()
    cols = [XlsxColumn("街道"), XlsxColumn("起数", "int")]
    rows = [["东四街道", 3], ["和平里街道", 5]]
    write_workbook(buf, [XlsxSheet("按街道/统计", "按街道", cols, rows, charts=[XlsxChart("各街道起数", 0, [1])]),
                         XlsxSheet("按街道/统计", "再来一张", cols, rows, note="数据来源：值班系统")])
    buf.seek(0)
    wb = load_workbook(buf)
    assert wb.sheetnames == ["按街道_统计", "按街道_统计(2)"]
    first, second = wb.worksheets
    assert len(first._charts) == 1
    assert second["A6"].value == "数据来源：值班系统"


def test_a_ragged_row_is_refused():
    with pytest.raises(ValueError, match="2 values for 5 columns"):
        write_workbook(io.BytesIO(), [_sheet([["x", 1]])])


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        XlsxColumn("x", "money")


def test_percent_column_keeps_the_fraction_and_shows_a_percentage():
    buf = io.BytesIO()
    write_workbook(buf, [XlsxSheet("表", "按时率", [XlsxColumn("类别"), XlsxColumn("按时率", "percent")], [["首报", 0.875]])])
    buf.seek(0)
    cell = load_workbook(buf)["表"]["B3"]
    assert cell.value == 0.875 and cell.number_format == "0.0%"
