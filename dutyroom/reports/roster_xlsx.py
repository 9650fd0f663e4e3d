"""The month's roster as an Excel workbook, through the shared table writer (reports/xlsx.py).

The headers and rows are `services.roster.month_table(view)`: the very rows the roster page shows
(`services/exports.write_roster` passes them in). The title is the PDF's (``roster_title``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

from .documents import roster_title
from .xlsx import XlsxColumn, XlsxSheet, write_workbook


def roster_sheet(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, year: int, month: int,
                 calendar_covered: bool = True, district: str | None = None, issuer: str | None = None) -> XlsxSheet:
    columns = [XlsxColumn(headers[0], "date"), *(XlsxColumn(h) for h in headers[1:])]
    heading = roster_title(district, year, month, issuer)
    note = None if calendar_covered else "注意：本月节假日未被工作日历覆盖，按周一至周五计"
    return XlsxSheet(title=f"{year}年{month}月", heading=heading, columns=columns, rows=rows, note=note)


def roster_month_xlsx(target: str | Path | BinaryIO, headers: Sequence[str], rows: Sequence[Sequence[Any]], *,
                      year: int, month: int, calendar_covered: bool = True, district: str | None = None,
                      issuer: str | None = None) -> None:
    write_workbook(target, [roster_sheet(headers, rows, year=year, month=month, calendar_covered=calendar_covered,
                                         district=district, issuer=issuer)])
