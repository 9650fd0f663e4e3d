"""The statistics report measured as a checker measures it (issue 19 items 5 and 12).

PDF: word boxes (PDFium, tests/helpers/pdf.py) against GB/T 9704-2012 (TECH_NOTES 3.3): the 版心 starts
28 mm from the left (订口) and 37 mm from the top (天头) and is 156 mm wide; the 公文 grid has 22 lines of
225/22 mm. Workbook: opened with openpyxl, the title against its merged row, the 合计 rows against the PDF.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from dutyroom.reports.pdf_common import cn_datetime
from dutyroom.reports.statistics_report import statistics_pdf, statistics_xlsx
from dutyroom.reports.xlsx import display_width
from tests.helpers.pdf import overlapping, pdf_text, word_boxes
from tests.helpers.statistics import sample_statistics

LEFT, TOP, WIDTH, HEIGHT = 28.0, 37.0, 156.0, 225.0
RIGHT, BOTTOM = LEFT + WIDTH, TOP + HEIGHT
PITCH = HEIGHT / 22
TOL = 0.3  # mm


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    st = sample_statistics(12)
    path = tmp_path_factory.mktemp("stats") / "stats.pdf"
    statistics_pdf(path, st, district="东城区")
    return st, path, word_boxes(path)


def body_words(words):
    """Everything but the page numbers ("— 3 —", below the 版心)."""
    return [w for w in words if w.top < BOTTOM]


def test_no_text_is_drawn_over_other_text(report):
    """Header cells (迟报合计 ran 1.6 mm into 最长迟报) and the times of 迟报明细 overlapped."""
    _, _, words = report
    assert overlapping(words) == []


def test_left_top_and_right_edges_are_those_of_the_type_area(report):
    """Every page starts at the 订口 (28 mm, was 30.1–30.4 mm), nothing passes the right edge of the 版心."""
    _, _, words = report
    body = body_words(words)
    for page in sorted({w.page for w in body}):
        on_page = [w for w in body if w.page == page]
        assert min(w.x0 for w in on_page) == pytest.approx(LEFT, abs=TOL), page
        assert max(w.x1 for w in on_page) <= RIGHT + TOL, page
        assert min(w.top for w in on_page) >= TOP, page
        assert max(w.bottom for w in on_page) <= BOTTOM, page
    title = next(w for w in body if w.text.startswith("东城区突发事件统计报表"))
    assert TOP <= title.top < TOP + PITCH / 2        # on the first grid line (was 40.4 mm)
    assert (title.x0 + title.x1) / 2 == pytest.approx(LEFT + WIDTH / 2, abs=TOL)


def test_paragraph_lines_are_on_the_grid_and_justified(report):
    """The summary's lines are one grid line apart (225/22 mm, was 9.9 mm) at the grid's offset, and every line but
    the last ends exactly at the right edge of the 版心 (was ragged)."""
    _, _, words = report
    summary = [w for w in words if w.page == 1 and 60 < w.top < 130 and w.bottom - w.top > 4.5
               and not w.text.startswith(("一、", "东城区突发"))]
    assert len(summary) >= 3
    tops = [w.top for w in summary]
    for a, b in itertools.pairwise(tops):
        assert b - a == pytest.approx(PITCH, abs=0.15)
    offset = (tops[0] - TOP) % PITCH
    heading = next(w for w in words if w.text.startswith("一、按事件类别"))
    assert (heading.top - TOP) % PITCH == pytest.approx(offset, abs=0.3)   # headings on the same grid
    for w in summary[:-1]:
        assert w.x1 == pytest.approx(RIGHT, abs=0.2), w.text
    assert summary[0].x0 == pytest.approx(LEFT + 2 * WIDTH / 28, abs=0.4)  # indented two characters


def test_sections_follow_one_another_without_leaving_pages_blank(report):
    """Each section used to start a new page, leaving 60 % of the one before blank; a heading never ends a page."""
    _, _, words = report
    body = body_words(words)
    pages = sorted({w.page for w in body})
    for page in pages[:-1]:
        lowest = max(w.bottom for w in body if w.page == page)
        assert lowest >= TOP + 0.75 * HEIGHT, (page, lowest)
    for w in body:
        if w.text.startswith(("一、", "二、", "三、", "四、", "五、", "（一）", "（二）")) and w.bottom - w.top > 4:
            below = [x for x in body if x.page == w.page and x.top > w.bottom]
            assert below, f"heading {w.text} alone at the foot of page {w.page}"


def test_every_late_report_is_printed_whole(report):
    st, path, _ = report
    text = pdf_text(path).replace("\n", "").replace(" ", "")
    for x in st.late_incidents:
        assert x.title in text
        assert cn_datetime(x.due_at).replace(" ", "") in text and cn_datetime(x.sent_at).replace(" ", "") in text
    assert "12345" in text and "94.4%" in text


def test_hostile_titles_and_many_rows_stay_inside_and_apart(tmp_path):
    """200-character titles (the intake's limit) with a long Latin run and closing marks, 60 late reports."""
    st = sample_statistics(60, n_places=17)
    hostile = ("，" + "。" * 3 + "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" * 2 + "：“测试”》）" + "应急" * 60)[:200]
    late = tuple(dataclasses.replace(x, title=hostile if i % 7 == 0 else x.title, late_minutes=10 ** (i % 6))
                 for i, x in enumerate(st.late_incidents))
    st = dataclasses.replace(st, late_incidents=late)
    path = tmp_path / "hostile.pdf"
    statistics_pdf(path, st, district="东城区")
    words = word_boxes(path)
    assert overlapping(words) == []
    body = body_words(words)
    assert min(w.x0 for w in body) >= LEFT - TOL and max(w.x1 for w in body) <= RIGHT + TOL
    # the title column read down its left edge (pdftotext interleaves the other cells of a tall row)
    column = "".join(w.text for w in sorted(body, key=lambda w: (w.page, w.top)) if w.x0 < LEFT + 2)
    assert column.count(hostile) == sum(1 for x in late if x.title == hostile)
    assert "100000" in pdf_text(path)


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    st = sample_statistics(12)
    path = tmp_path_factory.mktemp("stats") / "stats.xlsx"
    statistics_xlsx(path, st, district="东城区")
    return st, load_workbook(path)


def _merged_width(ws) -> float:
    rng = next(r for r in ws.merged_cells.ranges if r.min_row == 1)
    return sum(ws.column_dimensions[get_column_letter(c)].width for c in range(rng.min_col, rng.max_col + 1))


def test_workbook_titles_are_not_clipped(workbook):
    """A CJK character of an s-pt font is about 2·s/11 column units wide: the merged title row is at least as wide as
    the title, or the title wraps on a row tall enough for its lines (was 16 pt in a row too narrow)."""
    _, wb = workbook
    for ws in wb:
        cell = ws["A1"]
        needed = display_width(cell.value) * cell.font.sz / 11
        width = _merged_width(ws)
        if cell.alignment.wrap_text:
            lines = -(-needed // width)
            assert ws.row_dimensions[1].height >= lines * cell.font.sz * 1.2, ws.title
        else:
            assert width >= needed, (ws.title, width, needed)


def test_workbook_has_the_total_rows_and_the_overall_on_time_rate_of_the_pdf(workbook):
    st, wb = workbook
    for sheet, items in (("按类别", st.by_category), ("按等级", st.by_grade), ("按街道", st.by_place),
                         ("按月份", st.by_month)):
        ws = wb[sheet]
        row = [c.value for c in ws[3 + len(items)]]
        assert row[:4] == ["合计", sum(r.count for r in items), sum(r.deaths for r in items),
                           sum(r.injured for r in items)], sheet
        assert row[4] == pytest.approx(sum(r.loss_cny for r in items) / 10000)
        assert ws.auto_filter.ref.endswith(str(2 + len(items)))   # sorting never moves 合计
    ws = wb["报送及时性"]
    total = [c.value for c in ws[3 + len(st.lateness)]]
    assert total[:4] == ["合计", st.reports_sent, st.reports_late, st.reports_missed]
    assert total[4] == pytest.approx(st.on_time_rate) and ws.cell(3 + len(st.lateness), 5).number_format == "0.0%"
    assert f"{100 * st.on_time_rate:.1f}%" == "94.4%"


def test_empty_period_still_renders(tmp_path):
    st = dataclasses.replace(sample_statistics(0), late_incidents=(), missed_reports=(), by_place=(),
                             computed_at=dt.datetime(2027, 1, 2, 9, 5, tzinfo=dt.UTC))
    statistics_pdf(tmp_path / "empty.pdf", st, district="东城区")
    statistics_xlsx(tmp_path / "empty.xlsx", st, district="东城区")
    assert overlapping(word_boxes(tmp_path / "empty.pdf")) == []


def test_many_long_places_and_a_long_period_keep_the_charts_inside_and_legible(tmp_path):
    """The city profile has no place list: 60 free-text places up to 100 characters, and three years of months."""
    st = sample_statistics(3)
    places = tuple(dataclasses.replace(r, key=f"p{i}", label=f"{'朝阳区' if i % 2 else '海淀区'}第{i}号地块" + "东西南北" * (i % 25),
                                       count=200 - i) for i, r in enumerate(sample_statistics(3, n_places=17).by_place * 4))
    months = tuple(dataclasses.replace(st.by_month[0], key=f"{2024 + m // 12}-{m % 12 + 1:02d}",
                                       label=f"{2024 + m // 12}年{m % 12 + 1}月") for m in range(36))
    st = dataclasses.replace(st, by_place=places[:60], by_month=months, first=dt.date(2024, 1, 1))
    path = tmp_path / "city.pdf"
    statistics_pdf(path, st, district="北京市")
    words = word_boxes(path)
    assert overlapping(words) == []
    body = body_words(words)
    assert min(w.x0 for w in body) >= LEFT - TOL and max(w.x1 for w in body) <= RIGHT + TOL
    text = pdf_text(path).replace("\n", "").replace(" ", "")
    assert "其余41处" in text and places[59].label[:8] in text     # the chart sums the tail, the table lists all
