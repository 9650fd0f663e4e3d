"""The month's roster as an Excel workbook, through the shared table writer (reports/xlsx.py).

The rows are `services.roster.month_table(view)`: the very rows the roster page shows.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from ..services.roster import MonthView, month_table
from .xlsx import XlsxColumn, XlsxSheet, write_workbook


def roster_sheet(view: MonthView, district: str | None = None) -> XlsxSheet:
    headers, rows = month_table(view)
    columns = [XlsxColumn(headers[0], "date"), *(XlsxColumn(h) for h in headers[1:])]
    heading = f"{district or ''}{view.year}年{view.month}月值班表"
    note = None if view.calendar_covered else "注意：本月节假日未被工作日历覆盖，按周一至周五计"
    return XlsxSheet(title=f"{view.year}年{view.month}月", heading=heading, columns=columns, rows=rows, note=note)


def write_roster(target: str | Path | BinaryIO, view: MonthView, district: str | None = None) -> None:
    write_workbook(target, [roster_sheet(view, district)])
