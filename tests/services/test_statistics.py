"""Period statistics (services/statistics.py) and the statistics report/workbook built from them."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from dutyroom.reports.statistics_report import statistics_pdf, statistics_xlsx
from dutyroom.services.errors import PermissionDenied, UserError
from dutyroom.services.statistics import StatisticsService
from tests.helpers.pdf import assert_fonts_embedded_subsets, pdf_text
from tests.helpers.samples import PLACES, many_incidents


@pytest.fixture
def stats(desk):
    many_incidents(desk.db, desk.users, 18)  # Jan–Jun 2026, 3 a month; first reports of i % 3 == 0 late
    return StatisticsService(desk.db).period(desk["tangjun"], dt.date(2026, 1, 1), dt.date(2026, 6, 30))


def test_counts_by_category_grade_place_and_month(stats):
    assert stats.total == 18
    by_cat = {r.key: r.count for r in stats.by_category}
    assert by_cat == {"accident": 8, "natural": 4, "social": 3, "public_health": 3}
    assert sum(r.count for r in stats.by_grade) == 18
    assert {r.key: r.count for r in stats.by_place} == {p: 3 for p in PLACES}
    assert [r.count for r in stats.by_month] == [3] * 6
    assert sum(r.injured for r in stats.by_month) == sum(i % 3 for i in range(18))


def test_lateness_dongcheng_4_1_5_first_report_in_10_minutes(stats):
    """Dongcheng 4.1.5: a 首报 22 minutes after receipt is 12 minutes late; 8 minutes is on time."""
    verbal = next(r for r in stats.lateness if r.kind == "verbal")
    assert (verbal.sent, verbal.late, verbal.late_minutes_max) == (18, 6, 12)
    assert verbal.late_minutes_total == 72
    assert len(stats.late_incidents) == 6 and all(x.late_minutes == 12 for x in stats.late_incidents)


def test_period_is_beijing_days_inclusive(desk):
    many_incidents(desk.db, desk.users, 18)
    svc = StatisticsService(desk.db)
    jan = svc.period(desk["tangjun"], dt.date(2026, 1, 3), dt.date(2026, 1, 3))  # incident 0: 3 Jan 09:30 Beijing
    assert jan.total == 1
    assert svc.period(desk["tangjun"], dt.date(2026, 1, 4), dt.date(2026, 1, 8)).total == 0


def test_bad_period_and_permission(desk):
    svc = StatisticsService(desk.db)
    with pytest.raises(UserError):
        svc.period(desk["tangjun"], dt.date(2026, 2, 1), dt.date(2026, 1, 1))
    with pytest.raises(PermissionDenied):
        svc.period(desk["fengqing"], dt.date(2026, 1, 1), dt.date(2026, 1, 31))


def test_statistics_pdf_and_workbook(stats, tmp_path):
    pdf = tmp_path / "s.pdf"
    statistics_pdf(pdf, stats, district="东城区")
    assert_fonts_embedded_subsets(pdf)
    text = pdf_text(pdf).replace("\n", "").replace(" ", "")
    for field in ("东城区突发事件统计报表", "2026年1月1日至2026年6月30日", "共接报突发事件18起", "迟报6次",
                  "按事件类别", "按事件等级", "按街道（乡镇）", "按月份", "信息报送及时性", "迟报明细", *PLACES):
        assert field in text, field
    xlsx = tmp_path / "s.xlsx"
    statistics_xlsx(xlsx, stats, district="东城区")
    wb = load_workbook(xlsx)
    ws = wb["按类别"]
    assert ws.freeze_panes == "A3" and [c.value for c in ws[2]][:2] == ["类别", "起数"]
    assert {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(3, 7)}["事故灾难"] == 8
    assert len(ws._charts) == 1
    detail = wb["迟报明细"]
    assert detail["C3"].is_date and detail["G3"].value == 12


def test_only_the_jurisdictions_own_incidents_are_counted(desk):
    from dutyroom.domain.profile_loader import load_profile

    many_incidents(desk.db, desk.users, 6)
    first, last = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    assert StatisticsService(desk.db, load_profile("dongcheng")).period(desk["tangjun"], first, last).total == 6
    assert StatisticsService(desk.db, load_profile("tongzhou")).period(desk["tangjun"], first, last).total == 0


def test_an_overdue_unsent_first_report_is_missed_and_lowers_the_on_time_rate(desk, tmp_path):
    """Dongcheng 4.1.5: the 首报 is due 10 minutes after receipt. One never sent is 超时未报: counted apart from
    the late ones and in the on-time rate's denominator (on time / (sent + missed))."""
    from dutyroom.domain.profile_loader import load_profile
    from dutyroom.services.incidents import IncidentService
    from tests.helpers.incidents import intake

    many_incidents(desk.db, desk.users, 2)  # 3 Jan: 首报 12 minutes late; 4 Feb: 首报 on time
    received = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
    IncidentService(desk.db, load_profile("dongcheng")).register(
        desk["zhouning"], intake("dongcheng", received_at=received, occurred_at=received - dt.timedelta(minutes=5)),
        now=received)
    svc = StatisticsService(desk.db)
    first, last = dt.date(2026, 1, 1), dt.date(2026, 3, 31)
    before = svc.period(desk["tangjun"], first, last, now=received + dt.timedelta(minutes=9))
    assert before.reports_missed == 0  # not yet due

    st = svc.period(desk["tangjun"], first, last, now=received + dt.timedelta(minutes=25))
    verbal = next(r for r in st.lateness if r.kind == "verbal")
    assert (verbal.sent, verbal.late, verbal.missed) == (2, 1, 1)
    assert verbal.on_time_rate == pytest.approx(1 / 3)
    missed = [m for m in st.missed_reports if m.report_label == "首报"]
    assert len(missed) == 1 and missed[0].sent_at is None and missed[0].late_minutes == 15
    assert st.reports_missed >= 1
    assert st.on_time_rate == pytest.approx((st.reports_sent - st.reports_late) / (st.reports_sent + st.reports_missed))
    assert st.on_time_rate < (st.reports_sent - st.reports_late) / st.reports_sent

    pdf = tmp_path / "s.pdf"
    statistics_pdf(pdf, st, district="东城区")
    text = pdf_text(pdf).replace("\n", "").replace(" ", "")
    assert f"超时未报{st.reports_missed}次" in text and "超时未报明细" in text
    xlsx = tmp_path / "s.xlsx"
    statistics_xlsx(xlsx, st, district="东城区")
    sheet = load_workbook(xlsx)["超时未报明细"]
    assert "首报" in [sheet.cell(r, 4).value for r in range(3, sheet.max_row + 1)]
