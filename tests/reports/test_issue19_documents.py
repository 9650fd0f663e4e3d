"""Issue 19, the numbered defects of the 公文 and form documents one by one (items 1, 4, 6, 8, 9, 10, 11; the
measured layout of every kind is in test_document_layout.py)."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest

from dutyroom.domain.errors import UserError
from dutyroom.reports import documents as d
from dutyroom.reports.gongwen import Gongwen, body, render
from tests.helpers import document_samples as S
from tests.helpers.layout import BOTTOM, CHAR_MM, LEFT, RIGHT, outside_type_area, read, squeeze
from tests.helpers.pdf import pdf_text


def _text(path) -> str:
    return squeeze(pdf_text(path))


# ------------------------------------------------------------------ item 1


@pytest.mark.parametrize(("kind", "size"), [("review_slip", 668), ("warning_release", 686), ("warning_approval", 686)])
def test_item1_a_field_taller_than_the_page_stays_on_the_paper(tmp_path, kind, size):
    """领导审核单 with a 668-character body, 审批单/发布单 with a 686-character 警示事项: no baseline below the 版心
    (was 295–312 mm on a 297 mm page), every character there, page 1 used."""
    path = tmp_path / "f.pdf"
    long = S.hostile(size, "预计强降雨。")
    if kind == "review_slip":
        rep = S.report("verbal")
        rep.body = rep.body + "\n" + long
        d.leader_review_slip_pdf(path, S.incident(), rep, district=S.DISTRICT)
    else:
        w = S.warning()
        w.cautions = long
        if kind == "warning_release":
            d.warning_release_pdf(path, w, district=S.DISTRICT)
        else:
            d.warning_approval_pdf(path, w, S.history(), district=S.DISTRICT)
    lay = read(path)
    assert outside_type_area(lay) == []
    assert squeeze(long) in squeeze(lay.text(LEFT + 38.5))
    page1 = [g for g in lay.glyphs if g.page == 1 and g.bottom < BOTTOM]
    assert max(g.bottom for g in page1) > BOTTOM - 15  # page 1 filled, not left with 150 mm blank


# ------------------------------------------------------------------ item 4


def test_item4_a_superseded_warning_has_a_chinese_status(tmp_path):
    path = tmp_path / "a.pdf"
    d.warning_approval_pdf(path, S.warning(status="superseded"), S.history(), district=S.DISTRICT)
    text = _text(path)
    assert "superseded" not in text and "状态：已被调整替代" in text
    assert not re.search(r"状态：[A-Za-z_]", text)
    for status in ("draft", "pending", "approved", "returned", "rejected", "issued", "superseded", "lift_pending",
                   "lift_approved", "lifted"):
        assert status in d.STATUS_ZH and not re.search(r"[A-Za-z]", d.STATUS_ZH[status])


def test_item4_the_release_form_of_a_lifted_warning_says_issued_in_the_issue_row(tmp_path):
    path = tmp_path / "r.pdf"
    d.warning_release_pdf(path, S.warning(status="lifted", lifted=True), district=S.DISTRICT)
    lay = read(path)
    rows = {ln.text: ln for ln in lay.lines}
    issue_label, lift_label = rows["发布"], rows["解除"]
    beside = [ln.text for ln in lay.lines if ln.left > LEFT + 38 and abs(ln.middle - issue_label.middle) < 5]
    assert "已发布" in beside and "已解除" not in beside
    assert any(ln.text == "已解除" and abs(ln.middle - lift_label.middle) < 5 for ln in lay.lines)


def test_item4_the_lift_request_is_not_step_zero(tmp_path):
    path = tmp_path / "a.pdf"
    d.warning_approval_pdf(path, S.warning(status="lifted", lifted=True), S.history(lifted=True), district=S.DISTRICT)
    text = _text(path)
    assert "第0步" not in text and "申请解除" in text


# ------------------------------------------------------------------ item 6


def test_item6_names_under_name_labels_times_under_time_labels(tmp_path):
    path = tmp_path / "s.pdf"
    d.leader_review_slip_pdf(path, S.incident(), S.report("verbal"), district=S.DISTRICT)
    text = _text(path)
    assert "拟稿人：周宁" in text and "拟稿时间：2026年12月5日0时12分" in text
    assert not re.search(r"时间：[^0-9]", text)


def test_item6_an_unreviewed_slip_has_sign_and_date_lines_in_its_opinion_box(tmp_path):
    path = tmp_path / "s.pdf"
    d.leader_review_slip_pdf(path, S.incident(), S.report("verbal", reviewed=False), district=S.DISTRICT)
    lay = read(path)
    label = [ln for ln in lay.lines if ln.text in ("领导审核意见", "领导审核")]
    assert label
    box = [ln for ln in lay.lines if ln.left > LEFT + 38 and abs(ln.middle - label[0].middle) < 12]
    joined = "".join(ln.text for ln in box)
    assert "签字：" in joined and "日期：" in joined
    reviewed = tmp_path / "r.pdf"
    d.leader_review_slip_pdf(reviewed, S.incident(), S.report("verbal", reviewed=True), district=S.DISTRICT)
    assert "签字：唐军" in _text(reviewed)


def test_item6_a_usual_report_slip_is_one_page(tmp_path, desk):
    from tests.helpers.samples import incident_with_reports

    x = incident_with_reports(desk.db, desk.users)
    path = tmp_path / "slip.pdf"
    d.leader_review_slip_pdf(path, x.incident, x.first, district="东城区")   # the demo 首报, 11 lines of text
    assert read(path).pages == 1
    path = tmp_path / "sample.pdf"
    d.leader_review_slip_pdf(path, S.incident(), S.report("verbal"), district=S.DISTRICT)
    assert read(path).pages == 1


# ------------------------------------------------------------------ item 8


@pytest.mark.parametrize("reviewed", [False, True])
def test_item8_an_upward_report_has_its_number_left_and_a_signer_right(tmp_path, reviewed):
    """GB/T 9704 7.2.4: 上行文 — 发文字号 居左空一字, 签发人 居右空一字, reviewed in the app or not (then room is
    left to sign by hand)."""
    path = tmp_path / "r.pdf"
    d.incident_report_pdf(path, S.incident(), S.report("verbal", reviewed=reviewed), district=S.DISTRICT)
    lay = read(path)
    number = [ln for ln in lay.lines if ln.text.startswith("东应急报〔")]
    assert len(number) == 1
    assert abs(number[0].left - (LEFT + CHAR_MM)) < 0.6   # 居左空一字, not centred
    signer = [ln for ln in lay.lines if ln.text.startswith("签发人：") and abs(ln.middle - number[0].middle) < 2]
    assert len(signer) == 1
    if reviewed:
        assert signer[0].text == "签发人：唐军"
        assert abs((RIGHT - signer[0].right) - CHAR_MM) < 0.6   # 居右空一字


# ------------------------------------------------------------------ item 9


def test_item9_the_final_report_writes_changes_as_prose(tmp_path):
    path = tmp_path / "f.pdf"
    d.incident_report_pdf(path, S.incident(), S.report("final"), district=S.DISTRICT)
    text = _text(path)
    assert "→" not in text
    assert "处置状态由“仍在处置”变为“处置结束”" in text
    assert "2026年12月5日2时10分结束" in text


def test_item9_times_in_one_style_and_handover_dates_in_chinese():
    assert d.cn_times("生成时间：2026-12-05 04:57") == "生成时间：2026年12月5日4时57分"
    assert d.cn_times("2026年12月4日23:52接报，0时22分续报") == "2026年12月4日23时52分接报，0时22分续报"
    assert d.cn_times("比例 3:1") == "比例 3:1"


@pytest.mark.parametrize("filler", range(0, 29))
def test_item9_a_date_is_never_broken_wherever_the_line_ends(filler):
    from dutyroom.reports.linebreak import break_lines

    text = "城" * filler + "于2026年12月5日0时22分接报，12月5日1时05分续报。" * 2
    lines = break_lines(text, 28, lambda t: sum(1.0 if ord(c) > 0x2E80 else 0.5 for c in t), hang=False)
    assert "".join(lines) == text
    for a, b in itertools.pairwise(lines):
        for m in re.finditer(r"(\d{4}年)?\d{1,2}月\d{1,2}日|\d{1,2}时\d{2}分", a + b):
            assert not (m.start() < len(a) < m.end()), (a, b)


# ------------------------------------------------------------------ item 10


def test_item10_no_release_form_for_a_draft_never_issued(tmp_path):
    path = tmp_path / "r.pdf"
    with pytest.raises(UserError) as e:
        d.warning_release_pdf(path, S.warning(status="draft"), district=S.DISTRICT)
    assert "尚未发布" in e.value.zh and "审批单" in e.value.zh
    assert not path.exists()


def test_item10_the_export_service_refuses_too(desk, tmp_path):
    from dutyroom.domain.profile_loader import load_profile
    from dutyroom.services.exports import warning_document
    from dutyroom.services.warnings import WarningService
    from tests.helpers.warnings import content

    profile = load_profile("dongcheng")
    w = WarningService(desk.db, profile).draft(desk["zhouning"], content("orange", "natural", title="东城区暴雨橙色预警"))
    with pytest.raises(UserError):
        warning_document(desk.db, profile, w.id, tmp_path / "r.pdf", kind="release")
    warning_document(desk.db, profile, w.id, tmp_path / "a.pdf", kind="approval")  # the 审批单 still prints
    assert "草稿" in _text(tmp_path / "a.pdf")


# ------------------------------------------------------------------ item 11


def test_item11_no_punctuation_hung_past_the_type_area(tmp_path):
    """A "，" that falls on the 29th position is not hung 5.6 mm into the margin: the line breaks earlier."""
    path = tmp_path / "h.pdf"
    paras = [body("城" * k + "，" + "城" * 40 + "。" + "“火灾”，（东四）。", indent=0) for k in range(24, 29)]
    render(Gongwen(title="标题", paragraphs=paras, signature="北京市东城区应急管理局", date=dt.date(2026, 7, 1)), path)
    lay = read(path)
    assert max(g.x1 for g in lay.glyphs) <= RIGHT + 0.3
    assert outside_type_area(lay) == []


def test_item11_no_lone_character_on_the_last_line():
    from dutyroom.reports.linebreak import break_lines

    measure = lambda t: float(len(t))  # noqa: E731
    lines = break_lines("城" * 57, 28, measure)
    assert [len(x) for x in lines] == [28, 27, 2]
    lines = break_lines("城" * 55 + "。", 28, measure, hang=False)
    assert len(lines[-1]) >= 2


def test_item11_the_followup_heading_is_in_the_body_font(tmp_path):
    import pypdfium2 as pdfium

    path = tmp_path / "f.pdf"
    d.incident_report_pdf(path, S.incident(), S.report("followup"), district=S.DISTRICT)
    pdf = pdfium.PdfDocument(str(path))
    fonts = {}
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            for obj in page.get_objects(textpage=tp):
                if obj.type == 1:
                    text = obj.extract()
                    for key in ("续报内容", "人员伤亡", "简要情况"):
                        if text and key in text:
                            fonts[key] = obj.get_font().get_base_name()
            tp.close()
            page.close()
    finally:
        pdf.close()
    assert fonts.keys() == {"续报内容", "人员伤亡", "简要情况"}
    assert len(set(fonts.values())) == 1, fonts
