"""Issue 19: every 公文 and form document measured with PDFium glyph boxes against GB/T 9704-2012.

Per document kind a short and a long, hostile sample (2,000-character fields, a 156-letter Latin run, a
90-digit run, every closing mark at a line start; tests/helpers/document_samples.py): nothing outside the
版心 (28–184 mm across, 37–262 mm down) but the page number, no two glyphs overlapping, no text lost, page
numbers below the 版心 and never inside a cell. The 署名 / 成文日期 positions are asserted in millimetres
(7.3.5.1 with a seal: date 右空四字, 署名 centred on it; 7.3.5.2 without: 署名 右空二字, date two characters right
of it; one blank line above the 署名; 7.3.5.5: never on a page without body text).
"""

from __future__ import annotations

import itertools
import re

import pytest

from tests.helpers import document_samples as S
from tests.helpers.layout import BOTTOM, CHAR_MM, LEFT, PAGE_NUMBER, RIGHT, TOP, outside_type_area, overlaps, read, squeeze

FORMS = ("review_slip", "warning_release", "warning_approval")
GONGWEN = ("report_first", "report_followup", "report_final", "response_notice", "handover")
VALUE_X = LEFT + 38 + 0.5          # the value column of a form (label cells are 38 mm wide)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docs")
    cache = {}

    def get(kind: str, long: bool):
        if (kind, long) not in cache:
            path = folder / f"{kind}_{'long' if long else 'short'}.pdf"
            S.render(kind, path, long=long)
            cache[kind, long] = read(path)
        return cache[kind, long]
    return get


CASES = [(k, long) for k in S.KINDS for long in (False, True)]
IDS = [f"{k}-{'long' if long else 'short'}" for k, long in CASES]


@pytest.mark.parametrize(("kind", "long"), CASES, ids=IDS)
def test_nothing_outside_the_type_area_but_the_page_number(rendered, kind, long):
    lay = rendered(kind, long)
    assert outside_type_area(lay) == []
    xs = [g.x0 for g in lay.glyphs if g.bottom <= BOTTOM]
    assert min(xs) >= LEFT - 0.3 and max(g.x1 for g in lay.glyphs) <= RIGHT + 0.3
    assert min(g.top for g in lay.glyphs) >= TOP - 0.3


@pytest.mark.parametrize(("kind", "long"), CASES, ids=IDS)
def test_no_two_glyphs_overlap(rendered, kind, long):
    assert overlaps(rendered(kind, long)) == []


@pytest.mark.parametrize(("kind", "long"), CASES, ids=IDS)
def test_no_text_lost_against_the_source(rendered, kind, long):
    lay = rendered(kind, long)
    everything = squeeze(lay.text())
    values = squeeze(lay.text(VALUE_X))   # a form's value column read alone (labels sit in the middle of a cell)
    for source in S.source_texts(kind, long=long):
        s = squeeze(source)
        assert s in (values if kind in FORMS else everything), source[:40]
    # every copy of the description is there (issue 19 item 1: one of four copies was missing)
    text = values if kind in FORMS else everything
    want = sum(squeeze(x).count(squeeze(S.DESCRIPTION)) for x in S.source_texts(kind, long=long))
    assert text.count(squeeze(S.DESCRIPTION)) >= want


@pytest.mark.parametrize(("kind", "long"), CASES, ids=IDS)
def test_page_numbers_below_the_type_area_never_inside_a_cell(rendered, kind, long):
    lay = rendered(kind, long)
    numbers = [ln for ln in lay.lines if PAGE_NUMBER.match(ln.text)]
    assert [int(ln.text.strip("—")) for ln in numbers] == list(range(1, lay.pages + 1))
    for ln in numbers:
        rules = [o for o in lay.objects if o[0] == ln.page and o[1] == "path"]
        assert all(ln.glyphs[0].top > o[5] for o in rules)  # below every rule and cell of its page
        assert ln.glyphs[0].top > BOTTOM
        # GB/T 9704 7.5: odd pages right, even pages left, one character in
        if ln.page % 2:
            assert abs(ln.right - (RIGHT - 14 * 25.4 / 72)) < 0.8
        else:
            assert abs(ln.left - (LEFT + 14 * 25.4 / 72)) < 0.8


# ------------------------------------------------------------------ 署名 and 成文日期 (items 2 and 3)


def _signature(lay, signature: str, date: str):
    """The 署名 and date lines (the last lines with exactly that text: the red 发文机关标志 may read the same)."""
    sig = [ln for ln in lay.lines if ln.text == signature]
    day = [ln for ln in lay.lines if ln.text == date]
    assert sig and day, (signature, date)
    return sig[-1], day[-1]


def _last_body_line(lay, sig):
    above = [ln for ln in lay.page_lines(sig.page) if ln.middle < sig.middle - 1]
    return max(above, key=lambda ln: ln.middle) if above else None


@pytest.mark.parametrize("kind", ["report_first", "report_followup", "report_final", "response_notice"])
@pytest.mark.parametrize("long", [False, True], ids=["short", "long"])
def test_sealed_signature_date_four_characters_in_and_signature_centred(rendered, kind, long):
    """GB/T 9704 7.3.5.1: 成文日期 右空四字 (its right end 22.3 mm inside the 版心's right edge, measured on the drawn
    string, digits half as wide), 署名 centred on the date, one blank line above the 署名."""
    lay = rendered(kind, long)
    sig, day = _signature(lay, "北京市东城区应急管理局", "2026年12月5日")
    assert abs((RIGHT - day.right) - 4 * CHAR_MM) < 0.6, RIGHT - day.right
    assert abs(sig.centre - day.centre) < 0.6
    pitch = day.middle - sig.middle                     # the page's line pitch (tightened or not)
    assert 8.0 < pitch < 10.6
    last = _last_body_line(lay, sig)
    assert last is not None, "the 署名 is alone on its page (7.3.5.5)"
    assert abs((sig.middle - last.middle) - 2 * pitch) < 0.8   # 空一行


def test_unsealed_signature_two_characters_in_and_date_two_characters_right(tmp_path):
    """GB/T 9704 7.3.5.2: 署名 右空二字, the date one line below starting 2 characters right of the 署名's first
    character; a date longer than that stays 右空二字 and the 署名 moves left."""
    import datetime as dt

    from dutyroom.reports.gongwen import Gongwen, body, render

    for signature, date in (("北京市东城区应急管理局值班室", dt.date(2026, 12, 5)), ("值班室", dt.date(2026, 12, 25))):
        path = tmp_path / "u.pdf"
        render(Gongwen(title="交接班单", paragraphs=[body("正文。" * 20)], signature=signature, date=date,
                       sealed=False), path)
        lay = read(path)
        sig, day = _signature(lay, signature, f"{date.year}年{date.month}月{date.day}日")
        if day.right - day.left <= sig.right - sig.left - 2 * CHAR_MM:
            assert abs((RIGHT - sig.right) - 2 * CHAR_MM) < 0.6
            assert abs((day.left - sig.left) - 2 * CHAR_MM) < 0.6
        else:
            assert abs((RIGHT - day.right) - 2 * CHAR_MM) < 0.6
            assert abs((day.left - sig.left) - 2 * CHAR_MM) < 0.6
        last = _last_body_line(lay, sig)
        assert abs((sig.middle - last.middle) - 2 * (day.middle - sig.middle)) < 0.8


def test_handover_sheet_signature_without_seal_two_characters_in(rendered):
    lay = rendered("handover", False)
    sig = [ln for ln in lay.lines if ln.text == "北京市东城区应急管理局值班室"]
    assert len(sig) == 1
    assert abs((RIGHT - sig[0].right) - 2 * CHAR_MM) < 0.6


@pytest.mark.parametrize("filled", range(0, 23))
def test_signature_never_alone_on_a_page_wherever_the_body_ends(tmp_path, filled):
    """GB/T 9704 7.3.5.5: whatever line the body ends on, the 署名/成文日期 (and the 版记) share a page with body
    text — the spacing is tightened, or the last body lines come along."""
    import datetime as dt

    from dutyroom.reports.gongwen import Gongwen, body, render

    paras = [body("城" * 26, indent=2) for _ in range(22 + filled)]   # one line each
    doc = Gongwen(title="关于某小区火灾情况的报告", issuer_mark="北京市东城区应急管理局", doc_number="东应急报〔2026〕3号",
                  signer="", paragraphs=paras, signature="北京市东城区应急管理局", date=dt.date(2026, 12, 5),
                  remark="联系人：周宁", printed_by="北京市东城区应急管理局值班室", printed_on=dt.date(2026, 12, 5))
    path = tmp_path / "s.pdf"
    lines = render(doc, path)
    assert sum(t == "城" * 26 for _, t in lines) == 22 + filled
    lay = read(path)
    sig, day = _signature(lay, "北京市东城区应急管理局", "2026年12月5日")
    body_on_page = [ln for ln in lay.page_lines(sig.page) if ln.text == "城" * 26]
    assert body_on_page, f"signature alone on page {sig.page}"
    assert outside_type_area(lay) == [] and overlaps(lay) == []
    pitch = day.middle - sig.middle
    assert pitch > 8.0  # at most 26 lines on a tightened page


# ------------------------------------------------------------------ forms (items 1, 4, 6, 11)


@pytest.mark.parametrize("kind", FORMS)
def test_a_tall_cell_is_split_and_continued_not_moved_whole(rendered, kind):
    """Item 1: a 2,000-character field starts on the page it belongs to (page 1 is not left blank), continues
    under its label marked （续）, and stays inside the 版心."""
    lay = rendered(kind, True)
    assert lay.pages >= 2
    page1 = lay.page_lines(1)
    assert max(g.bottom for ln in page1 for g in ln.glyphs if not PAGE_NUMBER.match(ln.text)) > BOTTOM - 15
    labels = squeeze(lay.text(0, VALUE_X - 1))
    assert "（续）" in labels
    rules = [o for o in lay.objects if o[1] == "path"]
    assert max(o[5] for o in rules) <= BOTTOM + 0.5


@pytest.mark.parametrize("kind", FORMS)
@pytest.mark.parametrize("long", [False, True], ids=["short", "long"])
def test_label_cells_never_wrap_a_single_character(rendered, kind, long):
    """Item 11: "区应急委/主任意见", never "区应急委主任意/见"."""
    lay = rendered(kind, long)
    labels = [ln for ln in lay.lines if ln.right < VALUE_X and not PAGE_NUMBER.match(ln.text)]
    assert labels
    assert all(len(ln.text) >= 2 for ln in labels), [ln.text for ln in labels]


@pytest.mark.parametrize("kind", FORMS)
@pytest.mark.parametrize("long", [False, True], ids=["short", "long"])
def test_names_and_dates_are_never_split_across_lines(rendered, kind, long):
    """Items 6 and 9: "周/宁", "2026年/12月5日", "12月5/日" never happen."""
    lay = rendered(kind, long)
    column = [ln for ln in lay.lines if ln.left >= VALUE_X - 1 and not PAGE_NUMBER.match(ln.text)]
    for a, b in itertools.pairwise(column):
        joined = a.text + b.text
        for name in ("周宁", "唐军", "韩宇"):
            for m in re.finditer(name, joined):
                assert not (m.start() < len(a.text) < m.end()), (a.text, b.text)
        for m in re.finditer(r"(\d{4}年)?\d{1,2}月\d{1,2}日|\d{1,2}时\d{2}分", joined):
            assert not (m.start() < len(a.text) < m.end()), (a.text, b.text)


# ------------------------------------------------------------------ dates and times (item 9)


@pytest.mark.parametrize(("kind", "long"), CASES, ids=IDS)
def test_one_chinese_date_time_style_per_document(rendered, kind, long):
    text = squeeze(rendered(kind, long).text())
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)              # no ISO dates (handover sheet)
    assert not re.search(r"日\d{1,2}:\d{2}", text)                 # no "23:52" next to "0时22分"
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日\d{1,2}时\d{2}分", text)


@pytest.mark.parametrize(("kind", "long"), [(k, x) for k in GONGWEN for x in (False, True)])
def test_no_date_broken_across_lines_in_the_gongwen(rendered, kind, long):
    lay = rendered(kind, long)
    lines = [ln for ln in lay.lines if not PAGE_NUMBER.match(ln.text)]
    for a, b in itertools.pairwise(lines):
        joined = a.text + b.text
        for m in re.finditer(r"(\d{4}年)?\d{1,2}月\d{1,2}日|\d{1,2}时\d{2}分", joined):
            assert not (m.start() < len(a.text) < m.end()), (a.text, b.text)
