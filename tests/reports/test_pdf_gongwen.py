"""The 公文 renderer after GB/T 9704-2012: page, grid, fonts, 避头尾, nothing lost at line ends."""

from __future__ import annotations

import datetime as dt

import pytest

from dutyroom.reports import fonts
from dutyroom.reports.gongwen import Gongwen, body, render
from dutyroom.reports.linebreak import CANNOT_END, CANNOT_START, break_lines
from dutyroom.reports.pdf_common import CHAR_PITCH, is_wide
from tests.helpers.pdf import assert_fonts_embedded_subsets, pdf_info, pdf_text

CJK = "东城区应急管理局值班室接到群众报警称某小区发生火情现场有浓烟"


def _grid_measure(tok):
    return sum(1.0 if is_wide(c) else 0.5 for c in tok)


def _doc(paragraphs, **kw):
    base = dict(title="北京市东城区应急管理局关于某小区火灾情况的报告", issuer_mark="北京市东城区应急管理局文件",
                doc_number="东应急报〔2026〕3号", addressee="区委、区政府", signature="北京市东城区应急管理局",
                date=dt.date(2026, 7, 1), cc="区委办公室，区政府办公室", printed_by="北京市东城区应急管理局办公室",
                printed_on=dt.date(2026, 7, 1))
    base.update(kw)
    return Gongwen(paragraphs=paragraphs, **base)


def test_a4_fonts_embedded_as_subsets_and_every_field_extracted(tmp_path):
    path = tmp_path / "doc.pdf"
    render(_doc([body("现将有关情况报告如下。")], signer="某某某", urgency="特急"), path)
    assert pdf_info(path)["Page size"].startswith("595.276 x 841.89")  # GB/T 9704 5.1: A4
    assert_fonts_embedded_subsets(path)
    text = pdf_text(path)
    for field in ("北京市东城区应急管理局文件", "东应急报〔2026〕3号", "签发人", "某某某", "特急", "区委、区政府：",
                  "现将有关情况报告如下。", "2026年7月1日", "抄送：区委办公室，区政府办公室。", "2026年7月1日印发", "— 1 —"):
        assert field in text.replace(" ", "").replace("—1—", "— 1 —"), field


def test_full_body_lines_hold_28_characters(tmp_path):
    """GB/T 9704 5.2.2: 22 lines of 28 characters; a paragraph of pure CJK fills lines of exactly 28."""
    text = CJK * 6
    lines = render(_doc([body(text, indent=0)]), tmp_path / "grid.pdf")
    para = [t for _, t in lines if t and t in text]
    assert [len(x) for x in para[:-1]] == [28] * (len(para) - 1)
    assert "".join(para) == text
    # the pitch makes 28 characters fill the 156 mm 版心
    assert abs(28 * CHAR_PITCH - 156 * 72 / 25.4) < 0.01
    extracted = pdf_text(tmp_path / "grid.pdf").replace(" ", "").splitlines()
    assert text[:28] in extracted


def test_no_character_lost_over_long_texts_and_pages(tmp_path):
    text = "".join(f"第{i}项：区消防救援支队（出动车辆{i}辆、指战员{i * 5}名）到场，“ABC-{i}”已完成处置。" for i in range(160))
    path = tmp_path / "long.pdf"
    lines = render(_doc([body(text)]), path)
    body_lines = [t for _, t in lines if t.startswith("第") or not t.startswith(("区委", "北京", "2026", "抄送"))]
    assert "".join(body_lines).replace(" ", "").count("已完成处置。") == 160
    assert int(pdf_info(path)["Pages"]) >= 4
    extracted = pdf_text(path).replace("\n", "").replace(" ", "")
    for i in (0, 77, 159):
        assert f"第{i}项：区消防救援支队（出动车辆{i}辆、指战员{i * 5}名）到场，“ABC-{i}”已完成处置。" in extracted


@pytest.mark.parametrize("filler", range(0, 28))
def test_avoid_head_and_tail_punctuation_wherever_the_break_falls(filler):
    """避头尾: closing punctuation never starts a line, opening brackets never end one, at any offset."""
    text = "城" * filler + "接报，（东四）《通知》“火灾”。、；：！？" * 4 + "ABCDEFGHIJKL 2026年"
    lines = break_lines(text, 28, _grid_measure)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for i, line in enumerate(lines):
        assert line, lines
        if i:
            assert line[0] not in CANNOT_START, (i, lines)
        if i < len(lines) - 1:
            assert line[-1] not in CANNOT_END, (i, lines)
            assert _grid_measure(line) <= 28 + 1  # at most one hung mark past the edge


def test_latin_and_digit_runs_stay_together():
    text = "城" * 25 + "编号ABC123456；电话010-55550110。"
    lines = break_lines(text, 28, _grid_measure)
    assert any("ABC123456" in line for line in lines)
    assert any("010-55550110" in line for line in lines)


def test_a_closing_mark_hangs_instead_of_starting_a_line():
    text = "城" * 28 + "，后文"
    assert break_lines(text, 28, _grid_measure) == ["城" * 28 + "，", "后文"]


def test_a_configured_font_that_cannot_be_used_gives_a_message_not_a_traceback(tmp_path, monkeypatch):
    bad = tmp_path / "broken.ttf"
    bad.write_bytes(b"not a font")
    monkeypatch.setenv("DUTYROOM_FONT_FANGSONG", str(bad))
    fonts.configure({})
    try:
        with pytest.raises(fonts.FontError) as err:
            fonts.resolve("fangsong")
        assert "仿宋" in err.value.zh and str(bad) in err.value.zh
    finally:
        monkeypatch.delenv("DUTYROOM_FONT_FANGSONG")
        fonts.configure({})


def test_open_fonts_are_flagged_as_substitutes_for_the_app_notice():
    resolved = fonts.resolve("fangsong")
    if resolved.source == "open":
        assert resolved.substitute and "替代字体" in fonts.substitution_notice()


def test_a_configured_font_wins_and_is_not_flagged_as_substitute(monkeypatch):
    kai = fonts.resolve("kaiti")
    fonts.configure({"fangsong": kai.path})
    try:
        r = fonts.resolve("fangsong")
        assert (r.path, r.source, r.substitute) == (kai.path, "configured", False)
    finally:
        fonts.configure({"fangsong": None})
    assert fonts.resolve("fangsong").source != "configured"


def test_no_font_at_all_names_the_role_and_the_fix(monkeypatch):
    monkeypatch.setattr(fonts, "_candidates", lambda role: iter(()))
    fonts.configure({})
    try:
        with pytest.raises(fonts.FontError) as err:
            fonts.resolve("heiti")
        assert "黑体" in err.value.zh and "DUTYROOM_FONT_HEITI" in err.value.zh
    finally:
        monkeypatch.undo()
        fonts.configure({})


def test_rendering_with_a_bad_configured_font_is_a_user_error_not_a_traceback(tmp_path, monkeypatch):
    from dutyroom.services.errors import UserError

    bad = tmp_path / "x.otf"
    bad.write_bytes(b"OTTO" + b"\0" * 64)
    fonts.configure({"fangsong": str(bad)})
    try:
        with pytest.raises(UserError):
            render(_doc([body("正文")]), tmp_path / "x.pdf")
        assert not (tmp_path / "x.pdf").exists()
    finally:
        fonts.configure({"fangsong": None})


def test_a_justified_line_does_not_stretch_the_next_one(tmp_path):
    """Character spacing is PDF graphics state: the spread of a justified line must not leak into the Latin run
    that starts the next line (seen as "09:3接报" overprinted in a handover sheet)."""
    import re
    import subprocess

    from reportlab.pdfbase.pdfmetrics import stringWidth

    text = "2．东四街道道路交通事故（暂时无法判明，东四街道，2026-01-09 09:30接报）无待报事项"
    path = tmp_path / "j.pdf"
    lines = render(Gongwen(title="交接班单", paragraphs=[body(text)]), path)
    assert [t for _, t in lines][1].startswith("2026-01-09")
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    boxes = {m[2]: float(m[1]) - float(m[0]) for m in re.findall(r'xMin="([\d.]+)".*?xMax="([\d.]+)".*?>([^<]+)</word>', out)}
    expected = stringWidth("2026-01-09", fonts.resolve("fangsong").name, 16)
    assert abs(boxes["2026-01-09"] - expected) < 0.5
