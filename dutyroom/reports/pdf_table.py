"""A4 listings in the official style — the shared table API every area calls.

    write_table_pdf("out.pdf", title="值班日志", subtitle="2026年7月", columns=["时间", "内容"], rows=rows)

Layout: GB/T 9704 margins (portrait: 天头 37 mm, 订口 28 mm, 版心 156 mm wide; landscape: the same
156 mm-wide-page margins turned, see ``_geometry``), the title in the heading face (小标宋 or its
substitute) centred, the subtitle in 楷体, a ruled table in 宋体 五号 with the header in 黑体 repeated on
every page, an optional note under the table, page numbers "— N —" in 4号 宋体 alternating right/left.
Cells wrap with our own 避头尾 line breaker (linebreak.py; no character is lost); a newline in a value
starts a new line in the cell. Fonts are TrueType subsets embedded in the file (fonts.py).

Drawn on the canvas rather than with platypus ``Table``: one pass, rows never re-measured when a page
splits, so a 1,000-entry duty log is about as fast as bare reportlab (tests/bench/bench_reports.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib.colors import CMYKColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape as to_landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from . import fonts
from .linebreak import break_lines
from .pdf_common import (
    BLACK,
    SIZE_4,
    SIZE_5,
    SIZE_XIAO2,
    cn_date,
    cn_datetime,
    draw_page_number,
    draw_text,
    measure_for,
    open_target,
    text_width,
)

CELL_SIZE = SIZE_5          # 五号
LEADING = CELL_SIZE * 1.4
PAD_X, PAD_Y = 3.0, 3.0
HEADER_FILL = CMYKColor(0, 0, 0, 0.10)
WIDTH_SAMPLE = 400
EMPTY_TEXT = "（无记录）"


def _geometry(is_landscape: bool) -> tuple[float, float, float, float, float, float]:
    """(page_w, page_h, left, bottom, frame_w, frame_h)."""
    if is_landscape:
        page_w, page_h = to_landscape(A4)
        left, right, top, bottom = 28 * mm, 26 * mm, 28 * mm, 30 * mm
    else:
        page_w, page_h = A4
        left, right, top, bottom = 28 * mm, 26 * mm, 37 * mm, 35 * mm
    return page_w, page_h, left, bottom, page_w - left - right, page_h - top - bottom


def cell_text(value: Any) -> str:
    """How a Python value appears in a listing cell (datetimes in Beijing time)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return cn_datetime(value)
    if isinstance(value, dt.date):
        return cn_date(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _column_widths(columns: Sequence[str], texts: list[list[str]], frame_w: float, measure, head_measure) -> list[float]:
    n = len(columns)
    natural = []
    minimum = []
    for i, h in enumerate(columns):
        longest = max([head_measure(part) for part in h.split("\n")]
                      + [measure(part) for row in texts[:WIDTH_SAMPLE] for part in row[i].split("\n")])
        natural.append(longest + 2 * PAD_X)
        minimum.append(min(longest, 2 * CELL_SIZE + head_measure(h[:2])) + 2 * PAD_X)
    total = sum(natural)
    if total <= frame_w:
        extra = frame_w - total
        return [w + extra * w / total for w in natural]
    # water-filling: narrow columns keep their natural width, wide ones share what is left
    widths = [0.0] * n
    free = list(range(n))
    budget = frame_w
    while free:
        share = budget / len(free)
        fixed = [i for i in free if natural[i] <= share]
        if not fixed:
            weight = sum(natural[i] for i in free)
            for i in free:
                widths[i] = max(minimum[i], budget * natural[i] / weight)
            break
        for i in fixed:
            widths[i] = natural[i]
            budget -= natural[i]
        free = [i for i in free if i not in fixed]
    scale = frame_w / sum(widths)
    return [w * scale for w in widths]


def _baseline(line_top: float) -> float:
    """Baseline of a text line whose LEADING-high box starts at ``line_top``."""
    return line_top - (LEADING - CELL_SIZE) / 2 - CELL_SIZE * 0.86


def _wrap(text: str, width: float, measure) -> list[str]:
    lines: list[str] = []
    for para in text.split("\n"):
        lines.extend(break_lines(para, width, measure, hang=False))  # a hung mark would cross the cell rule
    return lines


def write_table_pdf(target: str | Path | BinaryIO, *, title: str, subtitle: str | None, columns: Sequence[str],
                    rows: Sequence[Sequence[Any]], landscape: bool = False, footer_note: str | None = None,
                    progress=None) -> None:
    """Write an A4 listing. ``progress(done, total)`` is called every few rows (for a GUI progress bar)."""
    if not columns:
        raise ValueError("write_table_pdf needs at least one column")
    head_font = fonts.resolve("xiaobiaosong")
    kai = fonts.resolve("kaiti")
    hei = fonts.resolve("heiti")
    song = fonts.resolve("songti")
    page_w, page_h, left, bottom, frame_w, frame_h = _geometry(landscape)
    top = bottom + frame_h
    measure = measure_for(song.name, CELL_SIZE)
    head_measure = measure_for(hei.name, CELL_SIZE)
    ncols = len(columns)
    texts = []
    for r in rows:
        if len(r) != ncols:
            raise ValueError(f"a row has {len(r)} values for {ncols} columns")
        texts.append([cell_text(v) for v in r])
    empty = not texts
    if empty:
        texts = [[EMPTY_TEXT] + [""] * (ncols - 1)]
    widths = _column_widths(columns, texts, frame_w, measure, head_measure)
    xs = [left]
    for w in widths:
        xs.append(xs[-1] + w)

    stream, finish = open_target(target)
    c = Canvas(stream, pagesize=(page_w, page_h), pageCompression=1, initialFontName=song.name,
               initialFontSize=CELL_SIZE)
    c.setTitle(title)
    c.setSubject(subtitle or title)
    c.setCreator("dutyroom")
    c.setAuthor("dutyroom")
    page = 1

    head_lines = [_wrap(h, w - 2 * PAD_X, head_measure) for h, w in zip(columns, widths, strict=True)]
    head_h = max(len(x) for x in head_lines) * LEADING + 2 * PAD_Y

    def draw_header(y_top: float) -> float:
        c.setFillColor(HEADER_FILL)
        c.rect(left, y_top - head_h, frame_w, head_h, stroke=0, fill=1)
        c.setFillColor(BLACK)
        c.setFont(hei.name, CELL_SIZE)
        for i, lines in enumerate(head_lines):
            cx = (xs[i] + xs[i + 1]) / 2
            y0 = _baseline(y_top - (head_h - len(lines) * LEADING) / 2)
            for j, line in enumerate(lines):
                c.drawCentredString(cx, y0 - j * LEADING, line)
        _grid(y_top, y_top - head_h, [y_top, y_top - head_h])
        return y_top - head_h

    def _grid(y_top: float, y_bottom: float, hlines: list[float]) -> None:
        c.setStrokeColor(BLACK)
        c.setLineWidth(0.5)
        p = c.beginPath()
        for y in hlines:
            p.moveTo(left, y)
            p.lineTo(left + frame_w, y)
        for x in xs:
            p.moveTo(x, y_top)
            p.lineTo(x, y_bottom)
        c.drawPath(p, stroke=1, fill=0)

    # title block on the first page
    y = top
    head_size = SIZE_XIAO2
    for line in _wrap(title, frame_w - 2 * head_size, measure_for(head_font.name, head_size)):
        y -= head_size * 1.45
        draw_text(c, left + (frame_w - text_width(line, head_font, head_size)) / 2, y, line, head_font, head_size)
    if subtitle:
        for line in _wrap(subtitle, frame_w, measure_for(kai.name, SIZE_4)):
            y -= SIZE_4 * 1.5
            draw_text(c, left + (frame_w - text_width(line, kai, SIZE_4)) / 2, y, line, kai, SIZE_4)
    y -= SIZE_4 * 0.9
    y = draw_header(y)
    page_rows_top = y
    capacity = int((top - head_h - bottom - 2 * PAD_Y) // LEADING)  # lines on a continuation page
    hlines: list[float] = []
    total = len(texts)
    c.setFont(song.name, CELL_SIZE)
    for n, row in enumerate(texts):
        cells = [_wrap(t, w - 2 * PAD_X, measure) for t, w in zip(row, widths, strict=True)]
        nlines = max(len(x) for x in cells)
        while nlines:
            room = int((y - bottom - 2 * PAD_Y + 1e-6) // LEADING)
            fresh = y >= page_rows_top - 1e-6          # no row on this page yet
            if (room < nlines and not fresh and (nlines <= capacity or room < 2)) or room < 1:
                _grid(page_rows_top, y, hlines)
                draw_page_number(c, page, page_w=page_w, left=left, body_w=frame_w, bottom=bottom)
                c.showPage()
                page += 1
                y = draw_header(top)
                page_rows_top = y
                hlines = []
                c.setFont(song.name, CELL_SIZE)
                continue
            take = min(nlines, room)
            c.setFillColor(BLACK)
            for i, lines in enumerate(cells):
                tx = xs[i] + PAD_X
                ty = _baseline(y - PAD_Y)
                for line in lines[:take]:
                    c.drawString(tx, ty, line)
                    ty -= LEADING
                cells[i] = lines[take:]
            y -= take * LEADING + 2 * PAD_Y
            hlines.append(y)
            nlines -= take
        if progress is not None and n % 50 == 0:
            progress(n, total)
    _grid(page_rows_top, y, hlines)
    if footer_note:
        y -= CELL_SIZE
        nm = measure_for(kai.name, CELL_SIZE)
        for line in _wrap(footer_note, frame_w, nm):
            if y - LEADING < bottom:
                draw_page_number(c, page, page_w=page_w, left=left, body_w=frame_w, bottom=bottom)
                c.showPage()
                page += 1
                y = top
            y -= LEADING
            draw_text(c, left, y, line, kai, CELL_SIZE)
    draw_page_number(c, page, page_w=page_w, left=left, body_w=frame_w, bottom=bottom)
    c.showPage()
    c.save()
    finish()
    if progress is not None:
        progress(total, total)
