"""The period statistics report: PDF with charts (reportlab.graphics) and the same figures as a workbook.

Both take a ``services.statistics.PeriodStatistics``. The PDF: title in the heading face, the period,
a summary paragraph, then for each breakdown (category, grade, street, month) a ruled table and a chart
(bars; months as a line), then the lateness of reports (迟报) by kind and the late reports one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from reportlab.graphics import shapes
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib.colors import CMYKColor
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..domain.incident_facts import BEIJING
from . import fonts
from .gongwen import GridParagraph, TitleFlowable
from .pdf_common import (
    BLACK,
    BODY_W,
    BOTTOM_MARGIN,
    LEFT_MARGIN,
    RIGHT_MARGIN,
    SIZE_3,
    SIZE_4,
    SIZE_5,
    SIZE_XIAO2,
    TOP_MARGIN,
    cn_datetime,
    draw_page_number,
    open_target,
)
from .xlsx import XlsxChart, XlsxColumn, XlsxSheet, write_workbook

BAR = CMYKColor(0.85, 0.45, 0, 0.15)
BAR2 = CMYKColor(0, 0.8, 0.8, 0)


def _styles():
    f = {r: fonts.resolve(r) for r in fonts.ROLES}
    return f, {
        "title": ParagraphStyle("t", fontName=f["xiaobiaosong"].name, fontSize=SIZE_XIAO2 + 2, leading=32,
                                alignment=TA_CENTER),
        "sub": ParagraphStyle("s", fontName=f["kaiti"].name, fontSize=SIZE_4, leading=22, alignment=TA_CENTER),
        "h1": ParagraphStyle("h1", fontName=f["heiti"].name, fontSize=SIZE_3, leading=26, spaceBefore=10,
                             spaceAfter=4),
        "body": ParagraphStyle("b", fontName=f["fangsong"].name, fontSize=SIZE_3, leading=28, firstLineIndent=32,
                               wordWrap="CJK", alignment=TA_JUSTIFY),
        "note": ParagraphStyle("n", fontName=f["kaiti"].name, fontSize=SIZE_5, leading=15),
    }


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float], f) -> Table:
    t = Table([list(header)] + [list(r) for r in rows], colWidths=list(widths), repeatRows=1)
    t.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, 0), f["heiti"].name, SIZE_5), ("FONT", (0, 1), (-1, -1), f["songti"].name, SIZE_5),
        ("GRID", (0, 0), (-1, -1), 0.5, BLACK), ("BACKGROUND", (0, 0), (-1, 0), CMYKColor(0, 0, 0, 0.1)),
        ("ALIGN", (1, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return t


def _axes(chart, labels: Sequence[str], top: int, f) -> None:
    """Category names (a dash when there are none), 8-pt Songti axis labels, a value axis from 0 with room above
    the highest value `top`."""
    chart.categoryAxis.categoryNames = list(labels) or ["—"]
    chart.categoryAxis.labels.fontName = f["songti"].name
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.labels.fontName = f["songti"].name
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(4, top + max(1, top // 5))


def _bar(title: str, labels: Sequence[str], values: Sequence[int], f, *, horizontal: bool = False) -> Drawing:
    n = max(1, len(labels))
    height = 40 + (n * 16 if horizontal else 150)
    d = Drawing(BODY_W, height + 20)
    chart = HorizontalBarChart() if horizontal else VerticalBarChart()
    chart.x, chart.y = (95 if horizontal else 40), 25
    chart.width, chart.height = BODY_W - chart.x - 20, height - 20
    chart.data = [list(values) or [0]]
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    _axes(chart, labels, max(values) if values else 0, f)
    chart.valueAxis.valueStep = max(1, (chart.valueAxis.valueMax + 4) // 5)
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = f["songti"].name
    chart.barLabels.fontSize = 8
    chart.barLabels.nudge = 7
    if horizontal:
        chart.categoryAxis.reverseDirection = 1
    else:
        chart.categoryAxis.labels.angle = 0 if n <= 6 else 30
        chart.categoryAxis.labels.boxAnchor = "n" if n <= 6 else "ne"
    d.add(chart)
    d.add(String(BODY_W / 2, height + 6, title, fontName=f["heiti"].name, fontSize=10, textAnchor="middle"))
    return d


def _line(title: str, labels: Sequence[str], values: Sequence[int], late: Sequence[int], f) -> Drawing:
    d = Drawing(BODY_W, 190)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 40, 30, BODY_W - 60, 130
    chart.data = [list(values) or [0], list(late) or [0]]
    chart.lines[0].strokeColor = BAR
    chart.lines[0].strokeWidth = 2
    chart.lines[1].strokeColor = BAR2
    chart.lines[1].strokeWidth = 1.5
    _axes(chart, labels, max([*values, *late, 0]), f)
    d.add(chart)
    d.add(String(BODY_W / 2, 176, title, fontName=f["heiti"].name, fontSize=10, textAnchor="middle"))
    d.add(String(BODY_W - 150, 8, "— 事件起数", fontName=f["songti"].name, fontSize=8, fillColor=BAR))
    d.add(String(BODY_W - 80, 8, "— 迟报次数", fontName=f["songti"].name, fontSize=8, fillColor=BAR2))
    return d


def _short_month(key: str, months) -> str:
    one_year = len({r.key[:4] for r in months}) == 1
    return f"{int(key[5:])}月" if one_year else f"{key[2:4]}.{int(key[5:])}"


def _money(cny: float) -> str:
    return f"{cny / 10000:.2f}" if cny else "0"


def _rate(rate: float | None) -> str:
    """The service's on-time rate (超时未报 counts against it), formatted as the statistics page shows it."""
    return "—" if rate is None else f"{100 * rate:.1f}%"


def statistics_pdf(target: str | Path | BinaryIO, st, *, district: str, issuer: str | None = None) -> None:
    from .documents import issuer_for

    f, S = _styles()
    organ = issuer or issuer_for(district)
    stream, finish = open_target(target)
    doc = SimpleDocTemplate(stream, pagesize=(BODY_W + LEFT_MARGIN + RIGHT_MARGIN, 841.89),
                            leftMargin=LEFT_MARGIN, rightMargin=RIGHT_MARGIN, topMargin=TOP_MARGIN,
                            bottomMargin=BOTTOM_MARGIN, title=f"{district}突发事件统计报表", author=organ,
                            creator="dutyroom")

    def on_page(c, d) -> None:
        draw_page_number(c, d.page)

    story = [TitleFlowable(f"{district}突发事件统计报表", size=SIZE_XIAO2 + 4),
             Paragraph(f"（{st.period_label}）", S["sub"]), Spacer(1, 10)]
    worst = max(st.by_category, key=lambda r: r.count, default=None)
    top_place = st.by_place[0] if st.by_place else None
    summary = (f"{st.period_label}，全{district[-1] if district else '区'}共接报突发事件{st.total}起"
               + (f"，其中{worst.label}最多，{worst.count}起" if worst and worst.count else "")
               + (f"；发生最多的是{top_place.label}，{top_place.count}起" if top_place and top_place.count else "")
               + f"。造成死亡{sum(r.deaths for r in st.by_category)}人、受伤{sum(r.injured for r in st.by_category)}人。"
               + f"共报送信息{st.reports_sent}次，其中迟报{st.reports_late}次"
               + (f"；超时未报{st.reports_missed}次" if st.reports_missed else "")
               + (f"，按时报送率{_rate(st.on_time_rate)}。"
                  if st.reports_sent + st.reports_missed else "。"))
    story.append(GridParagraph(summary))

    w4 = [BODY_W * 0.34, BODY_W * 0.14, BODY_W * 0.14, BODY_W * 0.14, BODY_W * 0.24]
    header = ["类别", "起数", "死亡（人）", "受伤（人）", "直接经济损失（万元）"]

    def rows(items):
        return [[r.label, str(r.count), str(r.deaths), str(r.injured), _money(r.loss_cny)] for r in items]

    def total_row(items):
        return ["合计", str(sum(r.count for r in items)), str(sum(r.deaths for r in items)),
                str(sum(r.injured for r in items)), _money(sum(r.loss_cny for r in items))]

    sections = [("一、按事件类别", "类别", st.by_category, False), ("二、按事件等级", "等级", st.by_grade, False),
                ("三、按街道（乡镇）", "街道（乡镇）", st.by_place, True)]
    for heading, first_col, items, horizontal in sections:
        items = list(items)
        block = [Paragraph(heading, S["h1"]),
                 _table([first_col, *header[1:]], [*rows(items), total_row(items)], w4, f), Spacer(1, 6)]
        if items:
            block.append(_bar(f"{heading[2:]}统计（起）", [r.label for r in items], [r.count for r in items], f,
                              horizontal=horizontal))
        story += [KeepTogether(block)] if len(items) < 12 else block
    late_by_month: dict[str, int] = {}
    for li in st.late_incidents:
        b = li.received_at.astimezone(BEIJING)
        key = f"{b.year}-{b.month:02d}"
        late_by_month[key] = late_by_month.get(key, 0) + 1
    months = list(st.by_month)
    story.append(KeepTogether([
        Paragraph("四、按月份", S["h1"]),
        _table(["月份", *header[1:]], [*rows(months), total_row(months)], w4, f), Spacer(1, 6),
        _line("各月事件起数与迟报次数", [_short_month(r.key, months) for r in months], [r.count for r in months],
              [late_by_month.get(r.key, 0) for r in months], f)]))
    lw = [BODY_W * 0.16, BODY_W * 0.12, BODY_W * 0.12, BODY_W * 0.14, BODY_W * 0.14, BODY_W * 0.16, BODY_W * 0.16]
    story.append(KeepTogether([
        Paragraph("五、信息报送及时性", S["h1"]),
        _table(["报告类别", "报送次数", "迟报次数", "超时未报", "按时率", "迟报合计（分钟）", "最长迟报（分钟）"],
               [[r.label, str(r.sent), str(r.late), str(r.missed), _rate(r.on_time_rate),
                 str(r.late_minutes_total), str(r.late_minutes_max)] for r in st.lateness]
               + [["合计", str(st.reports_sent), str(st.reports_late), str(st.reports_missed),
                   _rate(st.on_time_rate),
                   str(sum(r.late_minutes_total for r in st.lateness)),
                   str(max([r.late_minutes_max for r in st.lateness], default=0))]], lw, f)]))
    cell = ParagraphStyle("c", fontName=f["songti"].name, fontSize=SIZE_5, leading=13, wordWrap="CJK")
    if st.late_incidents:
        story.append(Spacer(1, 8))
        story.append(Paragraph("迟报明细", S["h1"]))
        dw = [BODY_W * 0.34, BODY_W * 0.14, BODY_W * 0.19, BODY_W * 0.19, BODY_W * 0.14]
        story.append(_table(["事件", "报告", "应报时间", "实报时间", "迟报（分钟）"],
                            [[Paragraph(x.title, cell), x.report_label, cn_datetime(x.due_at), cn_datetime(x.sent_at),
                              str(x.late_minutes)] for x in st.late_incidents], dw, f))
    if st.missed_reports:
        story.append(Spacer(1, 8))
        story.append(Paragraph("超时未报明细", S["h1"]))
        dw = [BODY_W * 0.4, BODY_W * 0.18, BODY_W * 0.24, BODY_W * 0.18]
        story.append(_table(["事件", "报告", "应报时间", "已超时（分钟）"],
                            [[Paragraph(x.title, cell), x.report_label, cn_datetime(x.due_at), str(x.late_minutes)]
                             for x in st.missed_reports], dw, f))
    story.append(Spacer(1, 14))
    story.append(Paragraph(f"统计口径：以接报时间计，不含草稿；迟报以各预案规定时限计；"
                           f"超时未报为截至制表时已过应报时间仍未报送的报告，计入按时率分母。"
                           f"制表单位：{organ}；制表时间：{cn_datetime(st.computed_at)}。", S["note"]))

    def canvas(*args, **kw):
        kw.update(initialFontName=f["fangsong"].name, initialFontSize=SIZE_3)
        return Canvas(*args, **kw)

    # renderPDF starts every Drawing with STATE_DEFAULTS' font (Helvetica, not embedded): use ours meanwhile
    saved = shapes.STATE_DEFAULTS["fontName"]
    shapes.STATE_DEFAULTS["fontName"] = f["songti"].name
    try:
        doc.build(story, onFirstPage=on_page, onLaterPages=on_page, canvasmaker=canvas)
    finally:
        shapes.STATE_DEFAULTS["fontName"] = saved
    finish()


def statistics_xlsx(target: str | Path | BinaryIO, st, *, district: str) -> None:
    count_cols = [XlsxColumn("起数", "int"), XlsxColumn("死亡（人）", "int"), XlsxColumn("受伤（人）", "int"),
                  XlsxColumn("直接经济损失（万元）", "float")]

    def sheet(title: str, first: str, items, chart_kind: str = "col") -> XlsxSheet:
        rows = [[r.label, r.count, r.deaths, r.injured, round(r.loss_cny / 10000, 2)] for r in items]
        return XlsxSheet(title, f"{district}突发事件统计（{title}）　{st.period_label}",
                         [XlsxColumn(first), *count_cols], rows,
                         charts=[XlsxChart(f"{title}统计（起）", 0, [1], kind=chart_kind)] if rows else (),
                         note=f"统计口径：以接报时间计，不含草稿。导出时间：{cn_datetime(st.computed_at)}")

    late_rows = [[r.label, r.sent, r.late, r.missed, r.on_time_rate, r.late_minutes_total, r.late_minutes_max]
                 for r in st.lateness]
    detail = [[x.incident_id, x.title, x.received_at, x.report_label, x.due_at, x.sent_at, x.late_minutes]
              for x in st.late_incidents]
    sheets = [
        sheet("按类别", "类别", st.by_category, "pie"), sheet("按等级", "等级", st.by_grade),
        sheet("按街道", "街道（乡镇）", st.by_place, "bar"), sheet("按月份", "月份", st.by_month, "line"),
        XlsxSheet("报送及时性", f"{district}信息报送及时性　{st.period_label}",
                  [XlsxColumn("报告类别"), XlsxColumn("报送次数", "int"), XlsxColumn("迟报次数", "int"),
                   XlsxColumn("超时未报", "int"), XlsxColumn("按时率", "percent"), XlsxColumn("迟报合计（分钟）", "int"),
                   XlsxColumn("最长迟报（分钟）", "int")], late_rows,
                  charts=[XlsxChart("报送、迟报与超时未报次数", 0, [1, 2, 3])]),
        XlsxSheet("迟报明细", f"迟报明细　{st.period_label}",
                  [XlsxColumn("事件编号", "int"), XlsxColumn("事件"), XlsxColumn("接报时间", "datetime"),
                   XlsxColumn("报告"), XlsxColumn("应报时间", "datetime"), XlsxColumn("实报时间", "datetime"),
                   XlsxColumn("迟报（分钟）", "int")], detail),
        XlsxSheet("超时未报明细", f"超时未报明细（截至{cn_datetime(st.computed_at)}）　{st.period_label}",
                  [XlsxColumn("事件编号", "int"), XlsxColumn("事件"), XlsxColumn("接报时间", "datetime"),
                   XlsxColumn("报告"), XlsxColumn("应报时间", "datetime"), XlsxColumn("已超时（分钟）", "int")],
                  [[x.incident_id, x.title, x.received_at, x.report_label, x.due_at, x.late_minutes]
                   for x in st.missed_reports]),
    ]
    write_workbook(target, sheets)
