"""预案登记表, the duty-log workbook and the roster's titles (issue 19 items 7 and 12)."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.actor import SYSTEM
from dutyroom.services.exports import ReportExporter
from tests.helpers.actors import actors_by_username
from tests.helpers.pdf import pdf_text, word_boxes
from tests.helpers.roster import save_generated


@pytest.fixture
def library(desk):
    from dutyroom.services.plans import PlanService

    profile = load_profile("dongcheng")
    PlanService(desk.db, profile).seed_library(SYSTEM)
    plans = PlanService(desk.db, profile).library(desk["tangjun"])
    assert len(plans) > 40 and len({p.plan_type for p in plans}) > 1   # numbering used to restart per type
    return desk, profile, plans


def test_plan_register_pdf_numbers_its_rows_one_to_n(library, tmp_path):
    """序号 ran 1–4, 1–37, 42–58, 38–44 (the catalogue numbers); now 1..N down the pages."""
    desk, profile, plans = library
    path = tmp_path / "plans.pdf"
    ReportExporter(desk.db, profile).plan_register_pdf(desk["tangjun"], path, today=dt.date(2026, 7, 1))
    words = word_boxes(path)
    heads = [w for w in words if w.text == "序号"]
    assert heads
    edge = heads[0].x1 + 1.0      # the 序号 column: numbers left-aligned under a centred header
    numbers = [int(w.text) for w in sorted(words, key=lambda w: (w.page, w.top))
               if w.x0 < edge and w.text.isdigit() and w.top < 190]   # not the page numbers
    assert numbers == list(range(1, len(plans) + 1))
    text = pdf_text(path)
    assert "目录号" in text and f"共{len(plans)}件" in text.replace("\n", "")


def test_plan_register_workbook_numbers_its_rows_one_to_n_and_keeps_the_catalogue_number(library, tmp_path):
    desk, profile, plans = library
    path = tmp_path / "plans.xlsx"
    ReportExporter(desk.db, profile).plan_register_xlsx(desk["tangjun"], path, today=dt.date(2026, 7, 1))
    ws = load_workbook(path)["预案登记表"]
    assert [c.value for c in ws[2]][:3] == ["序号", "目录号", "预案名称"]
    rows = list(ws.iter_rows(min_row=3, max_row=2 + len(plans), values_only=True))
    assert [r[0] for r in rows] == list(range(1, len(plans) + 1))
    assert [(r[1], r[2]) for r in rows] == [(p.catalogue_no, p.name) for p in plans]


def test_duty_log_workbook_has_the_time_each_line_was_entered(desk, tmp_path):
    """The PDF shows 录入 under a late line's time; the workbook had no 录入时间 at all."""
    from dutyroom.services.duty_log import DutyLogService

    log = DutyLogService(desk.db)
    at = dt.datetime(2026, 7, 3, 1, 0, tzinfo=dt.UTC)  # 09:00 Beijing
    log.add(desk["zhouning"], "call", "朝阳门街道来电询问积水情况，已答复。", happened_at=at,
            now=at + dt.timedelta(minutes=40))
    path = tmp_path / "log.xlsx"
    ReportExporter(desk.db, load_profile("dongcheng")).month_duty_log_xlsx(desk["luomin"], 2026, 7, path)
    ws = load_workbook(path).active
    header = [c.value for c in ws[2]]
    assert header[:2] == ["发生时间", "录入时间"]
    row = next(r for r in ws.iter_rows(min_row=3, values_only=True) if r[3] and "朝阳门街道来电" in r[3])
    assert row[0] == dt.datetime(2026, 7, 3, 9, 0) and row[1] == dt.datetime(2026, 7, 3, 9, 40)
    assert ws.cell(3, 2).number_format == 'yyyy"年"m"月"d"日" hh:mm'


def test_roster_workbook_and_pdf_have_the_same_title(room, tmp_path):
    u = actors_by_username(room)
    save_generated(room, u["tangjun"], 2026, 9)
    exporter = ReportExporter(room, load_profile("dongcheng"))
    pdf, xlsx = tmp_path / "roster.pdf", tmp_path / "roster.xlsx"
    exporter.roster_month_pdf(u["tangjun"], 2026, 9, pdf)
    exporter.roster_month_xlsx(u["tangjun"], 2026, 9, xlsx)
    title = load_workbook(xlsx).active["A1"].value
    assert title == "北京市东城区应急管理局2026年9月值班表"
    assert pdf_text(pdf).splitlines()[0].replace(" ", "") == title
