"""Formatted Excel workbooks (openpyxl, TECH_NOTES.md section 4.3) — the shared table API every area calls.

    write_workbook("out.xlsx", [XlsxSheet("事件", "2026年7月事件统计", [XlsxColumn("标题"), ...], rows)])

Each sheet: a merged title row (row 1), a bold header row (row 2) with fill and borders, data from row 3,
an optional bold 合计 row under the data (outside the filter, so sorting never moves it; outside the charts);
panes frozen below the header, an auto-filter over header and data, print titles repeating rows 1–2,
A4 (landscape when wider than portrait fits), fit to one page wide, footer "第 &P 页，共 &N 页".
The title is never clipped: 16 pt when it fits the merged row, else 14 or 12 pt, else 12 pt wrapped on a
row tall enough for its lines (``title_fit``).

Values are Python values. Dates and datetimes are written as real Excel dates; an aware datetime is shown
in Beijing time (Excel has no time zones), a naive one is taken as Beijing time already. Text that begins
with = + - @ (or a tab / carriage return, OWASP "CSV injection") is written as a text cell with Excel's
quote prefix, never as a formula. Column widths are computed from the header and the first
``WIDTH_SAMPLE`` rows (a CJK character counts 2), unless the column gives one.

The writer streams (openpyxl write-only mode), so 100,000 rows need little memory; styles are shared
objects (no per-cell style-table growth).
"""

from __future__ import annotations

import datetime as dt
import errno
import math
import os
import unicodedata
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, LineChart, PieChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..domain.incident_facts import BEIJING
from .files import replace_atomically

KINDS = ("text", "int", "float", "percent", "date", "datetime")
INJECTION_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
WIDTH_SAMPLE = 2000
MAX_WIDTH = 60.0
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
DATETIME_FORMAT = 'yyyy"年"m"月"d"日" hh:mm'
FLOAT_FORMAT = "0.00"
HEADER_FONT_NAME = "黑体"
BODY_FONT_NAME = "宋体"
# Excel forbids these in sheet names; max 31 characters.
_BAD_TITLE_CHARS = str.maketrans({c: "_" for c in '[]:*?/\\'})


@dataclass(frozen=True)
class XlsxColumn:
    header: str                 # Chinese header
    kind: str = "text"          # text | int | float | date | datetime (| percent: a fraction shown as 12.5%)
    width: float | None = None  # None: computed from content (CJK counts 2)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"XlsxColumn kind must be one of {KINDS}, not {self.kind!r}")


@dataclass(frozen=True)
class XlsxChart:
    """A chart drawn from the sheet's own data: categories in column ``category_col`` (0-based),
    one series per column in ``value_cols`` (0-based, numeric columns), anchored at ``anchor``
    (e.g. "H3"; None: two columns right of the table)."""

    title: str
    category_col: int
    value_cols: Sequence[int]
    kind: str = "bar"           # bar | col | line | pie
    anchor: str | None = None
    y_title: str | None = None
    x_title: str | None = None


@dataclass(frozen=True)
class XlsxSheet:
    title: str                  # sheet tab name
    heading: str                # merged title row above the header
    columns: Sequence[XlsxColumn]
    rows: Sequence[Sequence[Any]]   # python values; datetimes aware → shown in Beijing time
    charts: Sequence[XlsxChart] = field(default=())
    note: str | None = None     # a line under the table (source, period, time of export)
    total: Sequence[Any] | None = None  # a 合计 row under the data (bold; outside the filter and the charts)


def display_width(text: str) -> int:
    """Width in Excel "0" units: East Asian wide/full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def neutralise(text: str) -> tuple[str, bool]:
    """(text, is_dangerous): a text that Excel or a CSV reader would take as a formula."""
    return text, text.startswith(INJECTION_PREFIXES)


def to_beijing_naive(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is not None:
        value = value.astimezone(BEIJING).replace(tzinfo=None)
    return value


def _as_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return to_beijing_naive(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _shown(value: Any, kind: str) -> str:
    """Roughly what Excel shows, for the width computation."""
    if value is None:
        return ""
    if kind == "datetime" and isinstance(value, dt.date):
        return "2026年12月31日 00:00"
    if kind == "date" and isinstance(value, dt.date):
        return "2026年12月31日"
    if kind == "float" and isinstance(value, (int, float)):
        return f"{value:.2f}"
    if kind == "percent" and isinstance(value, (int, float)):
        return f"{100 * value:.1f}%"
    return _as_text(value)


def _safe_title(title: str, used: set[str]) -> str:
    base = (title.translate(_BAD_TITLE_CHARS).strip("'") or "Sheet")[:31]
    name, n = base, 2
    while name.lower() in used:
        suffix = f"({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


TITLE_SIZES = (16.0, 14.0, 12.0)  # pt: the title shrinks to fit its merged row before it wraps
BODY_SIZE = 11.0                  # the default font the column width units are counted in
TITLE_LINE_H = 1.5                # row height a title line needs, in multiples of its size (pt)


def title_fit(heading: str, table_width: float) -> tuple[float, int]:
    """(font size, lines) for a sheet title over columns ``table_width`` units wide: the largest of
    TITLE_SIZES at which it fits on one line, else the smallest, wrapped on as many lines as it needs."""
    for size in TITLE_SIZES:
        if title_units(heading, size) <= table_width:
            return size, 1
    size = TITLE_SIZES[-1]
    return size, math.ceil(title_units(heading, size) / max(1.0, table_width))


def title_units(heading: str, size: float) -> float:
    """Width of the title in column units (a unit is a "0" of the 11-pt body font; CJK counts 2), plus a margin."""
    return display_width(heading) * size / BODY_SIZE * 1.05 + 2.0   # 5 %: a CJK glyph is a little over 2 units


class _Styles:
    """Shared style prototypes; each cell gets a copy of the prototype's style array (cheap)."""

    def __init__(self, ws, title_size: float = TITLE_SIZES[0], title_wraps: bool = False) -> None:
        thin = Side(style="thin", color="808080")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.title = self._proto(ws, font=Font(name=HEADER_FONT_NAME, size=title_size, bold=True),
                                 alignment=Alignment(horizontal="center", vertical="center", wrap_text=title_wraps))
        self.total = self._proto(ws, font=Font(name=HEADER_FONT_NAME, size=BODY_SIZE, bold=True), border=border)
        self.total_border = border
        self.header = self._proto(ws, font=Font(name=HEADER_FONT_NAME, size=11, bold=True),
                                  fill=PatternFill("solid", fgColor="D9E1F2"), border=border,
                                  alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
        self.note = self._proto(ws, font=Font(name=BODY_FONT_NAME, size=10, italic=True, color="595959"))
        self.date = self._proto(ws, number_format=DATE_FORMAT)
        self.datetime = self._proto(ws, number_format=DATETIME_FORMAT)
        self.float = self._proto(ws, number_format=FLOAT_FORMAT)
        self.percent = self._proto(ws, number_format="0.0%")
        self.quoted = self._proto(ws, number_format="@", quote=True)

    @staticmethod
    def _proto(ws, *, font=None, fill=None, border=None, alignment=None, number_format=None, quote=False):
        cell = WriteOnlyCell(ws)
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if border is not None:
            cell.border = border
        if alignment is not None:
            cell.alignment = alignment
        if number_format is not None:
            cell.number_format = number_format
        if quote:
            cell.quotePrefix = True
        return cell._style

    @staticmethod
    def cell(ws, value, style):
        cell = WriteOnlyCell(ws, value)
        cell._style = copy(style)
        return cell

    @staticmethod
    def typed(ws, value, data_type: str, style):
        """A styled cell without openpyxl's type inference and default-format lookup (the hot path: every
        date and number of a 100,000-row sheet); ``value`` is already what Excel stores for ``data_type``."""
        cell = WriteOnlyCell(ws)
        cell._value = value
        cell.data_type = data_type
        cell._style = copy(style)
        return cell


def _text_cell(ws, styles: _Styles, value: Any):
    text = value if isinstance(value, str) else _as_text(value)
    if text.startswith(INJECTION_PREFIXES):
        cell = _Styles.cell(ws, None, styles.quoted)
        cell._value = text          # bypass formula detection: stored as a plain string
        cell.data_type = "s"
        return cell
    return text


def _converter(kind: str, ws, styles: _Styles):
    """A function value → what to append for one column of this kind."""
    if kind == "text":
        return lambda v: None if v is None else _text_cell(ws, styles, v)
    if kind == "int":
        def conv_int(v):
            if v is None:
                return None
            if isinstance(v, bool):
                return int(v)
            if isinstance(v, int):
                return v
            if isinstance(v, (float, Decimal)) and math.isfinite(v) and v == int(v):
                return int(v)
            return _text_cell(ws, styles, v)
        return conv_int
    if kind in ("float", "percent"):
        style = styles.float if kind == "float" else styles.percent

        def conv_float(v):
            if v is None:
                return None
            if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) and math.isfinite(float(v)):
                return _Styles.typed(ws, float(v), "n", style)
            return _text_cell(ws, styles, v)
        return conv_float
    if kind == "date":
        def conv_date(v):
            if v is None:
                return None
            if isinstance(v, dt.datetime):
                v = to_beijing_naive(v).date()
            if isinstance(v, dt.date):
                return _Styles.typed(ws, v, "d", styles.date)
            return _text_cell(ws, styles, v)
        return conv_date

    def conv_datetime(v):
        if v is None:
            return None
        if isinstance(v, dt.datetime):
            return _Styles.typed(ws, to_beijing_naive(v), "d", styles.datetime)
        if isinstance(v, dt.date):
            return _Styles.typed(ws, dt.datetime(v.year, v.month, v.day), "d", styles.datetime)
        return _text_cell(ws, styles, v)
    return conv_datetime


def _widths(sheet: XlsxSheet) -> list[float]:
    widths = []
    sample = [*sheet.rows[:WIDTH_SAMPLE], *([sheet.total] if sheet.total is not None else [])]
    for i, col in enumerate(sheet.columns):
        if col.width is not None:
            widths.append(float(col.width))
            continue
        longest = max([display_width(col.header)] +
                      [display_width(_shown(row[i] if i < len(row) else None, col.kind)) for row in sample])
        widths.append(min(MAX_WIDTH, max(6.0, longest + 2.0)))
    return widths


def _add_chart(ws, sheet: XlsxSheet, chart: XlsxChart, n_rows: int) -> None:
    first, last = 3, 2 + n_rows  # data rows
    if n_rows == 0:
        return
    if chart.kind == "pie":
        ch = PieChart()
    elif chart.kind == "line":
        ch = LineChart()
    else:
        ch = BarChart()
        ch.type = "bar" if chart.kind == "bar" else "col"
    ch.title = chart.title
    ch.height, ch.width = 7.5, max(12.0, min(24.0, 1.2 * n_rows + 8))
    if chart.y_title and hasattr(ch, "y_axis"):
        ch.y_axis.title = chart.y_title
    if chart.x_title and hasattr(ch, "x_axis"):
        ch.x_axis.title = chart.x_title
    for vc in chart.value_cols:
        ch.add_data(Reference(ws, min_col=vc + 1, min_row=2, max_row=last), titles_from_data=True)
    ch.set_categories(Reference(ws, min_col=chart.category_col + 1, min_row=first, max_row=last))
    if hasattr(ch, "y_axis"):  # openpyxl ≥3.1 hides axes unless delete is cleared
        ch.x_axis.delete = False
        ch.y_axis.delete = False
    ws.add_chart(ch, chart.anchor or f"{get_column_letter(len(sheet.columns) + 2)}3")


def _write_sheet(wb: Workbook, sheet: XlsxSheet, used: set[str], tick=None) -> None:
    ws = wb.create_sheet(_safe_title(sheet.title, used))
    ncols = max(1, len(sheet.columns))
    last_col = get_column_letter(ncols)
    widths = _widths(sheet)
    title_size, title_lines = title_fit(sheet.heading, sum(widths))
    styles = _Styles(ws, title_size, title_lines > 1)
    for i, w in enumerate(widths, 1):           # column sizes must precede the rows (write-only)
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A3"
    ws.print_title_rows = "1:2"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = (Worksheet.ORIENTATION_LANDSCAPE if sum(widths) > 100
                                   else Worksheet.ORIENTATION_PORTRAIT)
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.evenFooter.center.text = "第 &P 页，共 &N 页"
    if ncols > 1:
        ws.merged_cells.add(f"A1:{last_col}1")
    n_rows = len(sheet.rows)
    ws.auto_filter.ref = f"A2:{last_col}{2 + n_rows}"
    ws.row_dimensions[1].height = max(30.0, title_lines * title_size * TITLE_LINE_H + 6)
    ws.row_dimensions[2].height = 22

    ws.append([_Styles.cell(ws, sheet.heading, styles.title)])
    ws.append([_Styles.cell(ws, _neutral_header(c.header), styles.header) for c in sheet.columns])
    convs = [_converter(c.kind, ws, styles) for c in sheet.columns]
    for n, row in enumerate(sheet.rows, 1):
        ws.append([conv(v) for conv, v in zip(convs, row, strict=True)])
        if tick is not None and n % PROGRESS_EVERY == 0:
            tick(PROGRESS_EVERY)
    if sheet.total is not None:
        ws.append([_total_cell(ws, styles, conv(v)) for conv, v in zip(convs, sheet.total, strict=True)])
    if sheet.note:
        ws.append([])
        ws.append([_Styles.cell(ws, sheet.note, styles.note)])
    for chart in sheet.charts:
        _add_chart(ws, sheet, chart, n_rows)


def _total_cell(ws, styles: _Styles, value):
    """A cell of the 合计 row: bold, ruled, keeping the number format the column's converter gave it."""
    if isinstance(value, Cell):
        value.font = Font(name=HEADER_FONT_NAME, size=BODY_SIZE, bold=True)
        value.border = styles.total_border
        return value
    return _Styles.cell(ws, value, styles.total)


def _neutral_header(header: str) -> str:
    return header if not header.startswith(INJECTION_PREFIXES) else "'" + header


PROGRESS_EVERY = 500  # rows between two progress calls


def _discard(wb: Workbook) -> None:
    """A workbook stopped half-way (取消, a failure): close its write-only sheets and remove their temporary files
    now rather than at the program's exit."""
    for ws in getattr(wb, "_sheets", []):
        writer = getattr(ws, "_writer", None)
        try:
            rows = getattr(ws, "_rows", None)
            if rows is not None:
                rows.close()
            if writer is not None:
                writer.close()
                writer.cleanup()
        except Exception:  # best effort: openpyxl removes what is left when the program exits
            pass


def write_workbook(target: str | Path | BinaryIO, sheets: Sequence[XlsxSheet], progress=None) -> None:
    """Write the sheets, in order, to a file path or a binary stream. ``progress(done, total)``: rows written so
    far, every PROGRESS_EVERY rows and once at the end (a plain callback; an exception it raises stops the
    writing, and a path is then left as it was)."""
    if not sheets:
        raise ValueError("write_workbook needs at least one sheet")
    for sheet in sheets:  # refuse bad input before anything is written
        width = len(sheet.columns)
        for row in [*sheet.rows, *([sheet.total] if sheet.total is not None else [])]:
            if len(row) != width:
                raise ValueError(f"sheet {sheet.title!r}: a row has {len(row)} values for {width} columns")
    try:
        wb = Workbook(write_only=True)
        used: set[str] = set()
        total = sum(len(sheet.rows) for sheet in sheets)
        done = [0]

        def tick(rows: int) -> None:
            done[0] += rows
            progress(done[0], total + 1)  # the last step is the save

        try:
            for sheet in sheets:
                _write_sheet(wb, sheet, used, tick if progress is not None else None)  # to temporary files
            if progress is not None:
                progress(total, total + 1)
        except BaseException:
            _discard(wb)
            raise
        if isinstance(target, (str, Path)):
            replace_atomically(Path(target), wb.save)
        else:
            wb.save(target)
        if progress is not None:
            progress(total + 1, total + 1)
    except Exception as exc:  # lxml reports a full disk or a file-size limit as SerialisationError('IO_ENOSPC')
        code = next((c for c in (errno.ENOSPC, errno.EFBIG) if f"IO_{errno.errorcode[c]}" in str(exc)), None)
        if type(exc).__name__ != "SerialisationError" or code is None:
            raise
        raise OSError(code, os.strerror(code), str(target)) from exc
