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
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)

from ..domain.incident_facts import BEIJING
from . import fonts
from .linebreak import break_lines, break_ranges
from .pdf_common import (
    BLACK,
    BODY_H,
    BODY_W,
    BOTTOM_MARGIN,
    CHAR_PITCH,
    LEFT_MARGIN,
    LINE_PITCH,
    PAGE_H,
    PAGE_W,
    RIGHT_MARGIN,
    SIZE_2,
    SIZE_3,
    SIZE_4,
    SIZE_5,
    TOP_MARGIN,
    cn_datetime,
    draw_page_number,
    draw_text,
    measure_for,
    open_target,
)
from .xlsx import XlsxChart, XlsxColumn, XlsxSheet, write_workbook

BAR = CMYKColor(0.85, 0.45, 0, 0.15)
BAR2 = CMYKColor(0, 0.8, 0.8, 0)


CELL = SIZE_5                  # tables and chart labels: 五号
CELL_LEADING = 13.0
PAD_X, PAD_TOP, PAD_BOTTOM = 3.0, 3.0, 4.0
MIN_CHART_SHARE, MIN_CHART_H = 0.6, 120.0
FLEX_EASY_CHARS = 12           # ... and this many before a header is broken in two
FLEX_MIN_CHARS = 6             # a wrapping column (事件) keeps at least this many characters a line


class GridText(Flowable):
    """One paragraph on the 版心 grid of the 公文 (GB/T 9704: 22 lines of LINE_PITCH from the top of the 版心):
    every line one pitch high with its baseline where gongwen puts it; characters at the grid pitch scaled to
    the size; every line but the paragraph's last justified to the full width, so the right edge is even and
    nothing hangs past it (our 避头尾 breaker, no hanging). ``align="centre"`` for titles. A paragraph taller
    than what is left of the page continues on the next one, whole lines at a time."""

    def __init__(self, text: str, role: str = "fangsong", size: float = SIZE_3, *, indent: int = 0,
                 align: str = "justify", ranges: list[tuple[int, int]] | None = None, first: bool = True,
                 continues: bool = False):
        super().__init__()
        self.text, self.role, self.size, self.indent, self.align = text, role, size, indent, align
        self.pitch = CHAR_PITCH * size / SIZE_3
        self.preset, self.first, self.continues = ranges, first, continues
        self.lines: list[tuple[int, int]] = ranges or []

    def wrap(self, avail_w, avail_h):
        self.width = avail_w
        if self.preset is None:
            f = fonts.resolve(self.role)
            if self.align == "centre":
                measure, width = measure_for(f.name, self.size), avail_w - 2 * self.size
            else:
                measure, width = measure_for(f.name, self.size, self.pitch), avail_w
            self.lines = break_ranges(self.text, width, measure, first_indent=self.indent * self.pitch, hang=False)
        return avail_w, len(self.lines) * LINE_PITCH

    def split(self, avail_w, avail_h):
        self.wrap(avail_w, avail_h)
        n = int((avail_h + 1e-6) // LINE_PITCH)
        if n <= 0 or n >= len(self.lines):
            return []
        kw = {"role": self.role, "size": self.size, "indent": self.indent, "align": self.align}
        return [GridText(self.text, ranges=self.lines[:n], first=self.first, continues=True, **kw),
                GridText(self.text, ranges=self.lines[n:], first=False, continues=self.continues, **kw)]

    def draw(self):
        f = fonts.resolve(self.role)
        n = len(self.lines)
        for k, (a, b) in enumerate(self.lines):
            seg = self.text[a:b]
            y = (n - k) * LINE_PITCH - (LINE_PITCH - self.size) / 2 - self.size * 0.86
            natural = stringWidth(seg, f.name, self.size)
            if self.align == "centre":
                draw_text(self.canv, (self.width - natural) / 2, y, seg, f, self.size)
                continue
            x = self.indent * self.pitch if k == 0 and self.first else 0.0
            last = k == n - 1 and not self.continues
            if last or len(seg) < 2:
                space = self.pitch - self.size
            else:
                space = (self.width - x - natural) / (len(seg) - 1)
            draw_text(self.canv, x, y, seg, f, self.size, char_space=space)


class GridSnap(Flowable):
    """Empty space down to the next grid line, so what follows a table or a chart is on the grid again. The
    frame is the 版心 itself (no padding), so the height used on this page is BODY_H minus what is left."""

    def wrap(self, avail_w, avail_h):
        rest = (-(BODY_H - avail_h)) % LINE_PITCH
        self.height = 0.0 if rest < 0.01 or LINE_PITCH - rest < 0.01 else rest
        return avail_w, self.height

    def split(self, avail_w, avail_h):
        return []          # at the foot of a page: nothing to pad, the next page starts on the grid

    def draw(self):
        pass


class FitChart(Flowable):
    """A chart drawn at its natural height, or squeezed down to ``MIN_CHART_SHARE`` of it to use the rest of
    a page (rather than leave it blank); below that it moves to the next page. ``make(height)`` draws it."""

    def __init__(self, make, natural_h: float):
        super().__init__()
        self.make, self.natural_h = make, min(natural_h, BODY_H)

    def wrap(self, avail_w, avail_h):
        low = min(self.natural_h, max(MIN_CHART_H, MIN_CHART_SHARE * self.natural_h))
        self.height = self.natural_h if avail_h >= self.natural_h or avail_h < low else avail_h
        return avail_w, self.height

    def split(self, avail_w, avail_h):
        return []

    def draw(self):
        self.make(self.height).drawOn(self.canv, 0, 0)


def _width(text: str, font: str) -> float:
    return max(stringWidth(part, font, CELL) for part in text.split("\n"))


def _split_header(text: str) -> str:
    """"迟报合计（分钟）" → "迟报合计\\n（分钟）": a header may break before its bracketed unit."""
    cut = text.find("（")
    return text if cut <= 0 or "\n" in text else text[:cut] + "\n" + text[cut:]


def column_widths(header: Sequence[str], rows: Sequence[Sequence[str]], f, *, flex: int | None = None,
                  total: float = BODY_W) -> tuple[list[str], list[float]]:
    """(header texts, column widths) summing to ``total``, from the real widths of the strings in their fonts:
    every cell of a fixed column fits on one line (times, numbers never run into the next cell). When the
    columns do not fit, the headers break before their unit (the widest saving first), then the ``flex``
    column (wrapped text, e.g. the incident title) takes what is left. Spare width is shared out in
    proportion."""
    hei, song = f["heiti"].name, f["songti"].name
    heads = list(header)
    cell_w = [max([_width(r[i], song) for r in rows] or [0.0]) for i in range(len(heads))]

    def natural(i: int) -> float:
        return max(_width(heads[i], hei), cell_w[i] if i != flex else min(cell_w[i], FLEX_EASY_CHARS * CELL)) + 2 * PAD_X

    def needed(i: int) -> float:
        if i != flex:
            return natural(i)
        return max(_width(heads[i], hei), min(cell_w[i], FLEX_MIN_CHARS * CELL)) + 2 * PAD_X

    while sum(natural(i) for i in range(len(heads))) > total:
        savings = [(natural(i) - max(_width(_split_header(heads[i]), hei), cell_w[i]) - 2 * PAD_X, i)
                   for i in range(len(heads)) if i != flex]
        gain, i = max(savings, default=(0.0, -1))
        if gain <= 0.01:
            break
        heads[i] = _split_header(heads[i])
    widths = [natural(i) for i in range(len(heads))]
    if flex is not None:   # the wrapping column takes its full width if there is room, else what is left
        rest = total - (sum(widths) - widths[flex])
        widths[flex] = max(needed(flex), min(rest, max(_width(heads[flex], hei), cell_w[flex]) + 2 * PAD_X))
    if sum(widths) > total + 0.01:
        raise ValueError(f"columns need {sum(widths):.0f} pt, the 版心 has {total:.0f}")
    scale = total / sum(widths)
    return heads, [w * scale for w in widths]


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], f, *, flex: int | None = 0,
           total_row: bool = False) -> Table:
    """A ruled table exactly as wide as the 版心: 黑体 header repeated on each page, 宋体 五号 cells, the
    ``flex`` column left-aligned and wrapped with our 避头尾 breaker, the others centred on one line."""
    heads, widths = column_widths(header, rows, f, flex=flex)
    song = f["songti"].name
    body = [list(r) for r in rows]
    if flex is not None:
        measure = measure_for(song, CELL)
        for r in body:
            r[flex] = "\n".join(break_lines(r[flex], widths[flex] - 2 * PAD_X, measure, hang=False))
    t = Table([heads, *body], colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = [
        ("FONT", (0, 0), (-1, 0), f["heiti"].name, CELL, CELL_LEADING),
        ("FONT", (0, 1), (-1, -1), song, CELL, CELL_LEADING),
        ("GRID", (0, 0), (-1, -1), 0.5, BLACK), ("BACKGROUND", (0, 0), (-1, 0), CMYKColor(0, 0, 0, 0.1)),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD_X), ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
        ("TOPPADDING", (0, 0), (-1, -1), PAD_TOP), ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_BOTTOM),
    ]
    if flex is not None:
        style.append(("ALIGN", (flex, 1), (flex, -1), "LEFT"))
    if total_row:
        style.append(("FONT", (0, -1), (-1, -1), f["heiti"].name, CELL, CELL_LEADING))
    t.setStyle(TableStyle(style))
    return t


def _row_height(lines: int = 1) -> float:
    return lines * CELL_LEADING + PAD_TOP + PAD_BOTTOM


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


CHART_LABEL = 8           # pt, Songti: axis and bar labels
MAX_CHART_BARS = 20       # more places than this: the chart shows the first 19 and 其余N处 (the table lists all)
MAX_MONTH_LABELS = 12     # a longer period labels every k-th month


def chart_bars(labels: Sequence[str], values: Sequence[int]) -> tuple[list[str], list[int]]:
    """The bars a chart shows: all of them, or (items come most first) the first ones and the rest summed."""
    if len(labels) <= MAX_CHART_BARS:
        return list(labels), list(values)
    keep = MAX_CHART_BARS - 1
    return [*labels[:keep], f"其余{len(labels) - keep}处"], [*values[:keep], sum(values[keep:])]


def _fit_label(text: str, width: float, font: str) -> str:
    """A category label cut to ``width`` with an ellipsis, so it never runs off the drawing or into its neighbour."""
    if stringWidth(text, font, CHART_LABEL) <= width:
        return text
    while text and stringWidth(text + "…", font, CHART_LABEL) > width:
        text = text[:-1]
    return text + "…"


def bar_height(n: int, horizontal: bool) -> float:
    """The natural height of a bar chart drawing: 16 pt a bar lying down, 150 pt of bars standing up."""
    return 60 + (max(1, n) * 16 if horizontal else 150)


def _bar(title: str, labels: Sequence[str], values: Sequence[int], f, *, horizontal: bool = False,
         total_h: float | None = None) -> Drawing:
    n = max(1, len(labels))
    height = (total_h or bar_height(n, horizontal)) - 20
    d = Drawing(BODY_W, height + 20)
    chart = HorizontalBarChart() if horizontal else VerticalBarChart()
    chart.x, chart.y = (95 if horizontal else 40), 25
    chart.width, chart.height = BODY_W - chart.x - 20, height - 20
    chart.data = [list(values) or [0]]
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    room = chart.x - 6 if horizontal else (chart.width / n - 4 if n <= 6 else 70)
    labels = [_fit_label(x, room, f["songti"].name) for x in labels]
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


LINE_CHART_H = 190.0


def _line(title: str, labels: Sequence[str], values: Sequence[int], late: Sequence[int], f, *,
          total_h: float = LINE_CHART_H) -> Drawing:
    d = Drawing(BODY_W, total_h)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 40, 25, BODY_W - 60, total_h - 50
    chart.data = [list(values) or [0], list(late) or [0]]
    chart.lines[0].strokeColor = BAR
    chart.lines[0].strokeWidth = 2
    chart.lines[1].strokeColor = BAR2
    chart.lines[1].strokeWidth = 1.5
    _axes(chart, labels, max([*values, *late, 0]), f)
    d.add(chart)
    d.add(String(BODY_W / 2, total_h - 14, title, fontName=f["heiti"].name, fontSize=10, textAnchor="middle"))
    d.add(String(BODY_W - 110, total_h - 14, "— 事件起数", fontName=f["songti"].name, fontSize=8, fillColor=BAR))
    d.add(String(BODY_W - 50, total_h - 14, "— 迟报次数", fontName=f["songti"].name, fontSize=8, fillColor=BAR2))
    return d


def _short_month(key: str, months) -> str:
    one_year = len({r.key[:4] for r in months}) == 1
    return f"{int(key[5:])}月" if one_year else f"{key[2:4]}.{int(key[5:])}"


def _month_labels(months) -> list[str]:
    """One label a month, or every k-th month's when the period is longer than a year (the others blank)."""
    step = max(1, -(-len(months) // MAX_MONTH_LABELS))
    return [_short_month(r.key, months) if i % step == 0 else "" for i, r in enumerate(months)]


def _money(cny: float) -> str:
    return f"{cny / 10000:.2f}" if cny else "0"


def _rate(rate: float | None) -> str:
    """The service's on-time rate (超时未报 counts against it), formatted as the statistics page shows it."""
    return "—" if rate is None else f"{100 * rate:.1f}%"


def _summary(st, district: str) -> str:
    worst = max(st.by_category, key=lambda r: r.count, default=None)
    top_place = st.by_place[0] if st.by_place else None
    return (f"{st.period_label}，全{district[-1] if district else '区'}共接报突发事件{st.total}起"
            + (f"，其中{worst.label}最多，{worst.count}起" if worst and worst.count else "")
            + (f"；发生最多的是{top_place.label}，{top_place.count}起" if top_place and top_place.count else "")
            + f"。造成死亡{sum(r.deaths for r in st.by_category)}人、受伤{sum(r.injured for r in st.by_category)}人。"
            + f"共报送信息{st.reports_sent}次，其中迟报{st.reports_late}次"
            + (f"；超时未报{st.reports_missed}次" if st.reports_missed else "")
            + (f"，按时报送率{_rate(st.on_time_rate)}。" if st.reports_sent + st.reports_missed else "。"))


COUNT_HEADER = ["起数", "死亡（人）", "受伤（人）", "直接经济损失（万元）"]
LATENESS_HEADER = ["报告类别", "报送次数", "迟报次数", "超时未报", "按时率", "迟报合计（分钟）", "最长迟报（分钟）"]


def count_rows(items) -> list[list[str]]:
    return [[r.label, str(r.count), str(r.deaths), str(r.injured), _money(r.loss_cny)] for r in items]


def count_total(items) -> list[str]:
    return ["合计", str(sum(r.count for r in items)), str(sum(r.deaths for r in items)),
            str(sum(r.injured for r in items)), _money(sum(r.loss_cny for r in items))]


def lateness_rows(st) -> list[list[str]]:
    """The 及时性 table: one row a report kind, then 合计 with the overall on-time rate (the same in the workbook)."""
    return ([[r.label, str(r.sent), str(r.late), str(r.missed), _rate(r.on_time_rate), str(r.late_minutes_total),
              str(r.late_minutes_max)] for r in st.lateness]
            + [["合计", str(st.reports_sent), str(st.reports_late), str(st.reports_missed), _rate(st.on_time_rate),
                str(sum(r.late_minutes_total for r in st.lateness)),
                str(max([r.late_minutes_max for r in st.lateness], default=0))]])


def statistics_pdf(target: str | Path | BinaryIO, st, *, district: str, issuer: str | None = None) -> None:
    """The report on the GB/T 9704 版心 (订口 28 mm, 天头 37 mm, 156 × 225 mm): the frame is the 版心 itself
    with no padding; title, headings and paragraphs sit on the 22-line grid of the 公文 (GridText), tables
    and charts are exactly as wide as the 版心 and followed by the space down to the next grid line. The
    sections follow one another; a heading moves to the next page only with room for its first rows."""
    from .documents import issuer_for

    f = {r: fonts.resolve(r) for r in fonts.ROLES}
    organ = issuer or issuer_for(district)
    title = f"{district}突发事件统计报表"
    stream, finish = open_target(target)
    doc = BaseDocTemplate(stream, pagesize=(PAGE_W, PAGE_H), leftMargin=LEFT_MARGIN, rightMargin=RIGHT_MARGIN,
                          topMargin=TOP_MARGIN, bottomMargin=BOTTOM_MARGIN, title=title, author=organ,
                          creator="dutyroom")
    frame = Frame(LEFT_MARGIN, BOTTOM_MARGIN, BODY_W, BODY_H, leftPadding=0, rightPadding=0, topPadding=0,
                  bottomPadding=0, id="body")
    doc.addPageTemplates([PageTemplate("body", [frame], onPage=lambda c, d: draw_page_number(c, d.page))])

    def heading(text: str, role: str = "heiti", rows_after: int = 3) -> list:
        """A heading kept with the start of what it heads: with room for the table header and a few rows."""
        return [CondPageBreak(LINE_PITCH + _row_height(2) + rows_after * _row_height()),
                GridText(text, role, SIZE_3)]

    story: list = [GridText(title, "xiaobiaosong", SIZE_2, align="centre"),
                   GridText(f"（{st.period_label}）", "kaiti", SIZE_3, align="centre"),
                   Spacer(1, LINE_PITCH), GridText(_summary(st, district), indent=2)]
    sections = [("一、按事件类别", "类别", st.by_category, False), ("二、按事件等级", "等级", st.by_grade, False),
                ("三、按街道（乡镇）", "街道（乡镇）", st.by_place, True)]
    for head, first_col, items, horizontal in sections:
        items = list(items)
        story += heading(head)
        story += [_table([first_col, *COUNT_HEADER], [*count_rows(items), count_total(items)], f, total_row=True),
                  GridSnap()]
        if items:
            labels, values = chart_bars([r.label for r in items], [r.count for r in items])
            story += [FitChart(lambda h, t=f"{head[2:]}统计（起）", lb=labels, v=values, hz=horizontal:
                               _bar(t, lb, v, f, horizontal=hz, total_h=h), bar_height(len(labels), horizontal)),
                      GridSnap()]
    late_by_month: dict[str, int] = {}
    for li in st.late_incidents:
        b = li.received_at.astimezone(BEIJING)
        key = f"{b.year}-{b.month:02d}"
        late_by_month[key] = late_by_month.get(key, 0) + 1
    months = list(st.by_month)
    story += heading("四、按月份")
    story += [_table(["月份", *COUNT_HEADER], [*count_rows(months), count_total(months)], f, total_row=True),
              GridSnap(),
              FitChart(lambda h: _line("各月事件起数与迟报次数", _month_labels(months),
                                       [r.count for r in months], [late_by_month.get(r.key, 0) for r in months], f,
                                       total_h=h), LINE_CHART_H), GridSnap()]
    story += heading("五、信息报送及时性")
    story += [_table(LATENESS_HEADER, lateness_rows(st), f, total_row=True), GridSnap()]
    if st.late_incidents:
        story += heading("（一）迟报明细", "kaiti")
        story += [_table(["事件", "报告", "应报时间", "实报时间", "迟报（分钟）"],
                         [[x.title, x.report_label, cn_datetime(x.due_at), cn_datetime(x.sent_at), str(x.late_minutes)]
                          for x in st.late_incidents], f), GridSnap()]
    if st.missed_reports:
        story += heading(f"（{'二' if st.late_incidents else '一'}）超时未报明细", "kaiti")
        story += [_table(["事件", "报告", "应报时间", "已超时（分钟）"],
                         [[x.title, x.report_label, cn_datetime(x.due_at), str(x.late_minutes)]
                          for x in st.missed_reports], f), GridSnap()]
    story += [Spacer(1, LINE_PITCH),
              GridText("统计口径：以接报时间计，不含草稿；迟报以各预案规定时限计；超时未报为截至制表时已过应报时间"
                       f"仍未报送的报告，计入按时率分母。制表单位：{organ}；制表时间：{cn_datetime(st.computed_at)}。",
                       "kaiti", SIZE_4)]

    def canvas(*args, **kw):
        kw.update(initialFontName=f["fangsong"].name, initialFontSize=SIZE_3)
        return Canvas(*args, **kw)

    # renderPDF starts every Drawing with STATE_DEFAULTS' font (Helvetica, not embedded): use ours meanwhile
    saved = shapes.STATE_DEFAULTS["fontName"]
    shapes.STATE_DEFAULTS["fontName"] = f["songti"].name
    try:
        doc.build(story, canvasmaker=canvas)
    finally:
        shapes.STATE_DEFAULTS["fontName"] = saved
    finish()


def statistics_xlsx(target: str | Path | BinaryIO, st, *, district: str) -> None:
    """The same figures as the PDF: each breakdown with its 合计 row, the 及时性 sheet with the overall row
    (the on-time rate of the whole period, 超时未报 counted), then the late and the missed reports one by one."""
    count_cols = [XlsxColumn("起数", "int"), XlsxColumn("死亡（人）", "int"), XlsxColumn("受伤（人）", "int"),
                  XlsxColumn("直接经济损失（万元）", "float")]

    def money(cny: float) -> float:
        return round(cny / 10000, 2)

    def sheet(title: str, first: str, items, chart_kind: str = "col") -> XlsxSheet:
        rows = [[r.label, r.count, r.deaths, r.injured, money(r.loss_cny)] for r in items]
        total = ["合计", sum(r.count for r in items), sum(r.deaths for r in items), sum(r.injured for r in items),
                 money(sum(r.loss_cny for r in items))]
        return XlsxSheet(title, f"{district}突发事件统计（{title}）　{st.period_label}",
                         [XlsxColumn(first), *count_cols], rows,
                         charts=[XlsxChart(f"{title}统计（起）", 0, [1], kind=chart_kind)] if rows else (),
                         note=f"统计口径：以接报时间计，不含草稿。导出时间：{cn_datetime(st.computed_at)}", total=total)

    late_rows = [[r.label, r.sent, r.late, r.missed, r.on_time_rate, r.late_minutes_total, r.late_minutes_max]
                 for r in st.lateness]
    late_total = ["合计", st.reports_sent, st.reports_late, st.reports_missed, st.on_time_rate,
                  sum(r.late_minutes_total for r in st.lateness), max([r.late_minutes_max for r in st.lateness], default=0)]
    detail = [[x.incident_id, x.title, x.received_at, x.report_label, x.due_at, x.sent_at, x.late_minutes]
              for x in st.late_incidents]
    sheets = [
        sheet("按类别", "类别", st.by_category, "pie"), sheet("按等级", "等级", st.by_grade),
        sheet("按街道", "街道（乡镇）", st.by_place, "bar"), sheet("按月份", "月份", st.by_month, "line"),
        XlsxSheet("报送及时性", f"{district}信息报送及时性　{st.period_label}",
                  [XlsxColumn("报告类别"), XlsxColumn("报送次数", "int"), XlsxColumn("迟报次数", "int"),
                   XlsxColumn("超时未报", "int"), XlsxColumn("按时率", "percent"), XlsxColumn("迟报合计（分钟）", "int"),
                   XlsxColumn("最长迟报（分钟）", "int")], late_rows,
                  charts=[XlsxChart("报送、迟报与超时未报次数", 0, [1, 2, 3])], total=late_total,
                  note="按时率 =（报送次数 − 迟报次数）÷（报送次数 + 超时未报），合计行为全期按时报送率。"),
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
