"""Listings (reports/pdf_table.py) and the documents built from service views (reports/documents.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from dutyroom.reports.pdf_table import write_table_pdf
from tests.helpers.pdf import assert_fonts_embedded_subsets, pdf_info, pdf_text

LONG = "东城区东四街道某小区居民楼发生火灾，消防救援队伍已到场处置，疏散群众三十余人，无人员伤亡。"


def _rows(n):
    return [[dt.datetime(2026, 7, 1, 0, i % 60, tzinfo=dt.UTC), f"值班员{i}", LONG * (1 + i % 3), "已办结"]
            for i in range(n)]


def test_listing_is_a4_with_embedded_subset_fonts_and_every_cell_present(tmp_path):
    path = tmp_path / "log.pdf"
    write_table_pdf(path, title="东城区应急管理局值班日志", subtitle="2026年7月", columns=["时间", "值班员", "事项", "结果"],
                    rows=_rows(60), footer_note="注：本表由值班系统导出。")
    info = pdf_info(path)
    assert info["Page size"].startswith("595.276 x 841.89")
    pages = int(info["Pages"])
    assert pages > 2
    assert_fonts_embedded_subsets(path)
    text = pdf_text(path).replace("\n", "")
    for i in range(60):
        assert f"值班员{i}" in text
    assert "东城区应急管理局值班日志" in text and "注：本表由值班系统导出。" in text
    assert text.count("无人员伤亡。") == sum(1 + i % 3 for i in range(60))  # no text lost at line or page ends
    assert "2026年7月1日 08:05" in text  # 00:05 UTC shown in Beijing time
    # the header repeats on each page; page numbers "— N —"
    for p in range(1, pages + 1):
        page = pdf_text(path, page=p)
        assert "值班员" in "".join(page.splitlines()[:12])
        assert f"— {p} —" in page


def test_landscape_listing_and_empty_listing(tmp_path):
    path = tmp_path / "empty.pdf"
    write_table_pdf(path, title="预案登记表", subtitle=None, columns=["预案", "到期"], rows=[], landscape=True)
    assert pdf_info(path)["Page size"].startswith("841.89 x 595.276")
    assert "（无记录）" in pdf_text(path)


def test_a_cell_longer_than_a_page_is_continued_not_cut(tmp_path):
    path = tmp_path / "tall.pdf"
    body = "".join(f"第{i}句处置情况。" for i in range(600))
    write_table_pdf(path, title="交接班记录", subtitle=None, columns=["事项"], rows=[[body]])
    text = pdf_text(path).replace("\n", "")
    assert int(pdf_info(path)["Pages"]) >= 2
    for i in (0, 299, 599):
        assert f"第{i}句处置情况。" in text


def test_ragged_rows_are_refused(tmp_path):
    with pytest.raises(ValueError):
        write_table_pdf(tmp_path / "x.pdf", title="t", subtitle=None, columns=["a", "b"], rows=[["1"]])


# ---------------------------------------------------------------- documents from service views



def test_incident_first_report_carries_every_required_item(desk, tmp_path):
    from dutyroom.reports.documents import incident_report_pdf
    from tests.helpers.samples import incident_with_reports

    x = incident_with_reports(desk.db, desk.users)
    path = tmp_path / "first.pdf"
    incident_report_pdf(path, x.incident, x.first, district="东城区")
    assert_fonts_embedded_subsets(path)
    text = pdf_text(path).replace("\n", "").replace(" ", "")
    # municipal plan 4.1.8: 时间、地点、信息来源、事件性质、危害程度、发展趋势、已采取的措施
    for item in ("一、时间：", "二、地点：", "三、信息来源：", "四、事件性质：", "五、危害程度：", "六、发展趋势：",
                 "七、已采取的措施："):
        assert item in text, item
    for field in ("北京市东城区应急管理局", "东应急报〔2026〕", "东城区突发事件信息首报", "火灾事故", "东四街道某某路1号",
                  "报告人王先生", "13800001234", "区委值班室", "迟报5分钟", "周宁", "2026年7月1日"):
        assert field in text, field
    assert x.first.late_minutes == 5


def test_follow_up_report_and_leader_review_slip(desk, tmp_path):
    from dutyroom.reports.documents import incident_report_pdf, leader_review_slip_pdf
    from tests.helpers.samples import incident_with_reports

    x = incident_with_reports(desk.db, desk.users)
    incident_report_pdf(tmp_path / "f.pdf", x.incident, x.followup, district="东城区")
    text = pdf_text(tmp_path / "f.pdf").replace("\n", "").replace(" ", "")
    assert "续报（第1次）" in text and "与上次报告" in text and "传真" in text
    texts = leader_review_slip_pdf(tmp_path / "slip.pdf", x.incident, x.followup, district="东城区")
    slip = pdf_text(tmp_path / "slip.pdf").replace("\n", "").replace(" ", "")
    for field in ("突发事件信息报送领导审核单", "事件名称", x.incident.title, "领导审核意见", "报送情况", "传真"):
        assert field in slip, field
    assert "报告内容" in texts


def test_warning_approval_slip_has_every_signature_and_time(tmp_path, desk):
    from dutyroom.reports.documents import cn_clock, warning_approval_pdf, warning_release_pdf
    from tests.helpers.samples import issued_warning

    w = issued_warning(desk.db, desk.users)
    path = tmp_path / "approval.pdf"
    warning_approval_pdf(path, w.warning, w.history, district="东城区")
    text = pdf_text(path).replace("\n", "").replace(" ", "").replace("　", "")
    assert "东城区突发事件预警信息发布审批单" in text and "橙色（二级）" in text
    for step in w.warning.steps:
        assert step.approved
        assert step.label[:4] in text  # the label column wraps; its first line is whole
        assert step.by_name in text and cn_clock(step.at) in text
    assert w.warning.issued_by_name in text and cn_clock(w.warning.issued_at) in text
    assert w.warning.created_by_name in text
    assert len(w.history) >= len(w.warning.steps) and "审批记录" in text
    warning_release_pdf(tmp_path / "release.pdf", w.warning, district="东城区")
    release = pdf_text(tmp_path / "release.pdf").replace("\n", "").replace(" ", "")
    for field in ("预警信息发布单", w.warning.title, "强降雨，注意防范积水", "停止户外作业", "全区"):
        assert field in release, field


def test_cli_writes_incident_warning_and_statistics(desk, tmp_path):
    from openpyxl import load_workbook

    from dutyroom.cli import main
    from tests.helpers.cli import as_user
    from tests.helpers.samples import incident_with_reports

    x = incident_with_reports(desk.db, desk.users)
    url = str(desk.db.url)
    me = as_user("zhouning", folder=tmp_path)
    assert main(["report", "incident", str(x.incident.id), "-o", str(tmp_path / "i.pdf"), "--db", url, *me]) == 0
    assert "东城区突发事件信息续报" in pdf_text(tmp_path / "i.pdf")  # the last sent report by default
    assert main(["report", "stats", "--from", "2026-07-01", "--to", "2026-07-31", "-o", str(tmp_path / "s.xlsx"),
                 "--db", url, *me]) == 0
    wb = load_workbook(tmp_path / "s.xlsx")
    assert "按类别" in wb.sheetnames and "迟报明细" in wb.sheetnames
    assert main(["report", "incident", "9999", "-o", str(tmp_path / "x.pdf"), "--db", url, *me]) == 2
    assert not (tmp_path / "x.pdf").exists()


def test_month_duty_log_lists_every_line_and_keeps_stricken_ones_visible(desk, tmp_path):
    from dutyroom.domain.profile_loader import load_profile
    from dutyroom.services.duty_log import DutyLogService
    from dutyroom.services.exports import ReportExporter, month_window

    log = DutyLogService(desk.db)
    at = dt.datetime(2026, 7, 3, 9, 0, tzinfo=dt.UTC)
    for i in range(40):
        log.add(desk["zhouning"], "call", f"第{i}次来电：朝阳门街道询问积水情况，已答复。", happened_at=at + dt.timedelta(minutes=i),
                now=at + dt.timedelta(minutes=i))
    wrong = log.add(desk["zhouning"], "note", "误录的一行", happened_at=at, now=at)
    log.strike(desk["luomin"], wrong.id, "录入错误", now=at + dt.timedelta(hours=1))
    path = tmp_path / "log.pdf"
    ReportExporter(desk.db, load_profile("dongcheng")).month_duty_log_pdf(desk["luomin"], 2026, 7, path)
    text = pdf_text(path).replace("\n", "").replace(" ", "")
    assert "北京市东城区应急管理局值班日志" in text and "2026年7月" in text
    for i in range(40):
        assert f"第{i}次来电：朝阳门街道询问积水情况，已答复。" in text
    assert "【已划除：录入错误" in text and "误录的一行" in text
    entries = log.timeline(desk["luomin"], *month_window(2026, 7))
    assert f"共{len(entries)}条" in text


def test_plan_register_shows_each_plan_and_its_due_dates(desk, tmp_path):
    from dutyroom.domain.profile_loader import load_profile
    from dutyroom.services.actor import SYSTEM
    from dutyroom.services.exports import ReportExporter
    from dutyroom.services.plans import PlanService

    profile = load_profile("dongcheng")
    svc = PlanService(desk.db, profile)
    svc.seed_library(SYSTEM)
    plans = svc.library(desk["tangjun"])
    path = tmp_path / "plans.pdf"
    ReportExporter(desk.db, profile).plan_register_pdf(desk["tangjun"], path, today=dt.date(2026, 7, 1))
    assert pdf_info(path)["Page size"].startswith("841.89 x 595.276")  # landscape register
    text = pdf_text(path).replace("\n", "").replace(" ", "")
    assert "应急预案登记表" in text and "截至2026年7月1日" in text
    for p in plans[:5] + plans[-3:]:
        assert p.name[:8] in text, p.name
    assert f"共{len(plans)}件" in text


def test_response_activation_notice(desk, tmp_path):
    from dutyroom.reports.documents import response_notice_pdf
    from tests.helpers.samples import activated_response, incident_with_reports

    x = incident_with_reports(desk.db, desk.users)
    r = activated_response(desk.db, desk.users, x.incident.id)
    path = tmp_path / "notice.pdf"
    response_notice_pdf(path, x.incident, r.current, r.history, district="东城区")
    assert_fonts_embedded_subsets(path)
    text = pdf_text(path).replace("\n", "").replace(" ", "")
    for field in (f"关于启动{r.current.level_name}应急响应的通知", "北京市东城区应急管理局文件", "东应急发〔2026〕",
                  "特急", "各有关单位：", r.current.commander_name, "响应过程：", r.levels[-1].name, "2026年7月1日印发"):
        assert field.replace(" ", "") in text, field


def test_handover_sheet_prints_the_signed_sheet_with_both_names(desk, tmp_path):
    from dutyroom.domain.profile_loader import load_profile
    from dutyroom.reports.documents import cn_times
    from dutyroom.services.exports import ReportExporter
    from dutyroom.services.handover import HandoverService, sheet_text
    from tests.helpers.samples import incident_with_reports

    profile = load_profile("dongcheng")
    incident_with_reports(desk.db, desk.users)
    view = HandoverService(desk.db, profile).sign_out(desk["zhouning"], "空调故障已报修，明日9时维修")
    path = tmp_path / "handover.pdf"
    ReportExporter(desk.db, profile).handover_pdf(desk["zhouning"], view.id, path)
    text = pdf_text(path).replace("\n", "").replace(" ", "")
    for line in cn_times(sheet_text(view)).splitlines():  # times printed the Chinese way (issue 19, item 9)
        if line.strip():
            assert line.replace(" ", "") in text, line
    assert "北京市东城区应急管理局值班室" in text


def test_duty_log_shows_when_a_late_entry_was_entered(desk, tmp_path):
    """A line entered 40 minutes after it happened shows both times; 内容 keeps the room."""
    from dutyroom.domain.profile_loader import load_profile
    from dutyroom.services.duty_log import DutyLogService
    from dutyroom.services.exports import ReportExporter

    log = DutyLogService(desk.db)
    at = dt.datetime(2026, 7, 3, 1, 0, tzinfo=dt.UTC)  # 09:00 Beijing
    log.add(desk["zhouning"], "call", "朝阳门街道来电询问积水情况，已答复。", happened_at=at,
            now=at + dt.timedelta(minutes=40))
    path = tmp_path / "log.pdf"
    ReportExporter(desk.db, load_profile("dongcheng")).month_duty_log_pdf(desk["luomin"], 2026, 7, path)
    text = pdf_text(path).replace("\n", "").replace(" ", "")
    assert "7月3日09:00" in text and "录入09:40" in text
    assert "朝阳门街道来电询问积水情况，已答复。" in text  # on one line: the content column is wide enough
