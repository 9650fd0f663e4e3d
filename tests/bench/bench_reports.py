"""Benchmark: a 1,000-entry monthly duty log PDF and a 100,000-row incident workbook.

Run: .venv/bin/python tests/bench/bench_reports.py [ENTRIES] [ROWS]

Each is timed against a bare baseline writing the same content in the same run:
- PDF: reportlab platypus ``Table`` of ``Paragraph(wordWrap='CJK')`` cells, same font, A4, no page numbers
  (what one writes with bare reportlab to get wrapped Chinese cells); also printed, the lower bound of drawing
  each cell's text as one canvas string (no wrapping, rules or layout — not the same document);
- Excel: openpyxl write-only workbook appending the same values (dates as datetimes), no styles.
Fonts are registered before timing. Medians of 3 runs; prints the figures and ratios, gates nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from openpyxl import Workbook
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from dutyroom.domain.incident_facts import BEIJING
from dutyroom.reports import fonts
from dutyroom.reports.pdf_table import cell_text, write_table_pdf
from dutyroom.reports.xlsx import XlsxColumn, XlsxSheet, write_workbook

T0 = dt.datetime(2026, 7, 1, 0, 0, tzinfo=BEIJING)
TEXTS = ["接东四街道报，某小区居民楼发生火情，已通知消防救援支队到场处置。", "区气象台发布暴雨蓝色预警，已转发各街道。",
         "交接班：在办事件2起，续报1次待报。", "市应急办来电询问朝阳门街道燃气泄漏处置进展，已答复。"]


def duty_rows(n: int) -> list[list]:
    rng = random.Random(7)
    return [[T0 + dt.timedelta(minutes=43 * i), rng.choice(["周宁", "罗敏", "唐军"]), rng.choice(TEXTS) * rng.randint(1, 3),
             rng.choice(["已办结", "跟踪中"])] for i in range(n)]


def incident_rows(n: int) -> list[list]:
    rng = random.Random(8)
    return [[i + 1, f"东四街道事件{i}", rng.choice(["事故灾难", "自然灾害", "社会安全事件"]), T0 + dt.timedelta(minutes=i),
             rng.randint(0, 3), rng.random() * 100, "=1+1" if i % 1000 == 0 else "已结案"] for i in range(n)]


def ours_pdf(rows):
    write_table_pdf(io.BytesIO(), title="东城区应急管理局值班日志", subtitle="2026年7月", columns=["时间", "值班员", "事项", "结果"],
                    rows=rows)


def bare_pdf(rows):
    song = fonts.resolve("songti").name
    style = ParagraphStyle("c", fontName=song, fontSize=10.5, leading=14.7, wordWrap="CJK")
    data = [["时间", "值班员", "事项", "结果"]] + [[Paragraph(cell_text(v), style) for v in r] for r in rows]
    t = Table(data, colWidths=[110, 50, 230, 52], repeatRows=1)
    t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), song, 10.5), ("GRID", (0, 0), (-1, -1), 0.5, "black")]))
    SimpleDocTemplate(io.BytesIO(), pagesize=A4).build([Paragraph("东城区应急管理局值班日志", style), t])


def raw_canvas_pdf(rows):
    """The lower bound: every cell's text drawn as one string (no wrapping, no rules, no layout)."""
    from reportlab.pdfgen.canvas import Canvas

    song = fonts.resolve("songti").name
    c = Canvas(io.BytesIO(), pagesize=A4, initialFontName=song)
    c.setFont(song, 10.5)
    y = 800
    for r in rows:
        for i, v in enumerate(r):
            c.drawString(40 + 130 * i, y, cell_text(v))
        y -= 15
        if y < 60:
            c.showPage()
            c.setFont(song, 10.5)
            y = 800
    c.save()


COLS = [XlsxColumn("编号", "int"), XlsxColumn("标题"), XlsxColumn("类别"), XlsxColumn("接报时间", "datetime"),
        XlsxColumn("受伤", "int"), XlsxColumn("损失（万元）", "float"), XlsxColumn("状态")]


def ours_xlsx(rows):
    write_workbook(io.BytesIO(), [XlsxSheet("事件", "事件清单", COLS, rows)])


def bare_xlsx(rows):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("事件")
    ws.append(["事件清单"])
    ws.append([c.header for c in COLS])
    for r in rows:
        ws.append([v.replace(tzinfo=None) if isinstance(v, dt.datetime) else v for v in r])
    wb.save(io.BytesIO())


def median(fn, rows, runs=3) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn(rows)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    entries = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    n_rows = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    fonts.resolve_all()
    log = duty_rows(entries)
    ours, bare, raw = median(ours_pdf, log), median(bare_pdf, log), median(raw_canvas_pdf, log)
    print(f"duty log PDF, {entries} entries: ours {ours:.2f} s, bare reportlab (platypus Table, CJK Paragraph cells) "
          f"{bare:.2f} s, ratio {ours / bare:.2f}x; raw canvas drawString without wrapping {raw:.2f} s, "
          f"ratio {ours / raw:.2f}x")
    rows = incident_rows(n_rows)
    ours, bare = median(ours_xlsx, rows, 1 if n_rows >= 50_000 else 3), median(bare_xlsx, rows, 1 if n_rows >= 50_000 else 3)
    print(f"incident workbook, {n_rows} rows: ours {ours:.2f} s, bare openpyxl {bare:.2f} s, ratio {ours / bare:.2f}x")


if __name__ == "__main__":
    main()
