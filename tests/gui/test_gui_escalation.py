""""立即" is never silent on screen: the dashboard row and the incident's clock table of a deadline the plan
words without a number show the plan's words and the time since receipt, turn amber within 5 minutes of the
escalation bound and red after it (with one 超时未报 in the log), and name both clauses. The administrator
changes the district bound on the maintenance page. A settable clock: nothing sleeps."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QSettings

from dutyroom.services.incident_reports import BOUND_SETTING
from dutyroom.services.maintenance import MaintenanceService
from dutyroom.ui.backup_page import BackupPage
from dutyroom.ui.deadlines_panel import DeadlinesPanel
from dutyroom.ui.incident_common import AMBER, RED
from dutyroom.ui.incident_detail import IncidentDetail
from tests.helpers.incidents import MIN, RECEIVED, Clock, intake

SECOND = dt.timedelta(seconds=1)


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def immediate_incident(desk, key="dongcheng", grade="ordinary"):
    svc = desk.incidents(key)
    v = svc.register(desk["zhouning"], intake(key), now=RECEIVED)
    svc.confirm_grade(desk["zhouning"], v.id, grade, now=RECEIVED)
    return v


def row_of(panel, incident_id, clock_id):
    return next(r for r, d in enumerate(panel.rows) if d.incident_id == incident_id and d.clock_id == clock_id)


def background(table, row, col=2):
    return table.item(row, col).background().color().name()


def test_dashboard_immediate_row_ticks_then_turns_amber_then_red_and_is_logged_once(qtbot, desk, settings):
    """Dongcheng 4.1.4 立即报告, bound by 4.1.5 接报后10分钟 (08:15): white, amber from 08:10, red after 08:15."""
    v = immediate_incident(desk)
    clock = Clock(RECEIVED + 4 * MIN)
    panel = DeadlinesPanel(desk.reports(), desk["zhouning"], clock=clock, settings=settings, sound=lambda: None,
                           start=False)
    qtbot.addWidget(panel)
    panel.show()
    r = row_of(panel, v.id, "R1-verbal")
    t = panel.table
    assert t.item(r, 2).text() == "立即报告 · 已过 04:00" and panel.row_state(r) == "ok"
    assert t.item(r, 3).text() == "警戒 07-01 08:15"
    assert t.item(r, 5).text() == "4.1.4（警戒：4.1.5）"
    tip = t.item(r, 2).toolTip()
    assert "预案：立即报告（4.1.4）" in tip and "上报警戒：4.1.5 最迟不晚于接报后10分钟" in tip

    clock.now += SECOND
    panel.tick()
    assert t.item(row_of(panel, v.id, "R1-verbal"), 2).text() == "立即报告 · 已过 04:01"  # ticks every second

    clock.now = RECEIVED + 5 * MIN
    panel.tick()
    r = row_of(panel, v.id, "R1-verbal")
    assert panel.row_state(r) == "soon" and background(t, r) == AMBER
    assert not [e for e in desk.log_rows(v.id) if e.text.startswith("超时未报")]

    clock.now = RECEIVED + 10 * MIN + SECOND
    panel.tick()
    r = row_of(panel, v.id, "R1-verbal")
    assert panel.row_state(r) == "overdue" and background(t, r) == RED.lower()
    assert t.item(r, 2).text() == "立即报告 · 已过 10:01"
    assert "超时未报" in panel.banner.text() and "立即报告" in panel.banner.text()

    clock.now = RECEIVED + 12 * MIN
    for _ in range(3):
        panel.tick()
    panel.reload()
    late = [e for e in desk.log_rows(v.id) if e.text.startswith("超时未报")]
    assert len(late) == 1 and "4.1.4" in late[0].text and "4.1.5" in late[0].text


def test_incident_clock_table_shows_elapsed_time_and_the_district_bound_for_tongzhou(qtbot, desk):
    """Tongzhou 4.1.3 及时: the plan gives no number and no bound, so 本区设定 (30 minutes from receipt)."""
    v = immediate_incident(desk, "tongzhou")
    clock = Clock(RECEIVED + 12 * MIN)
    detail = IncidentDetail(desk.incidents("tongzhou"), desk.reports(), desk.log, desk["zhouning"], v.id, clock=clock)
    qtbot.addWidget(detail)
    detail.show()
    t = detail.clock_table

    def verbal_row():
        return next(r for r in range(t.rowCount()) if t.item(r, 1).text() == "及时" and t.item(r, 4).text() == "4.1.3")

    r = verbal_row()
    assert t.item(r, 2).text() == "已过 12:00\n警戒 07-01 08:35（本区设定）"
    assert "本区设定，接报后 30 分钟" in t.item(r, 2).toolTip() and "预案：及时（4.1.3）" in t.item(r, 2).toolTip()
    assert background(t, r) != AMBER

    clock.now = RECEIVED + 26 * MIN
    detail.tick()
    assert background(t, verbal_row()) == AMBER
    clock.now = RECEIVED + 31 * MIN
    detail.tick()
    assert background(t, verbal_row()) == RED.lower()
    assert t.item(verbal_row(), 2).text().startswith("已过 31:00")


def test_administrator_changes_the_district_bound_on_the_maintenance_page(qtbot, desk):
    page = BackupPage(MaintenanceService(desk.db), desk["admin"], quit_app=lambda: pytest.fail("must not quit"))
    qtbot.addWidget(page)
    assert page.bound.value() == 30
    page.save_settings_button.click()
    assert desk.audit("setting.set", BOUND_SETTING, entity="setting") == []  # untouched: nothing written
    page.bound.setValue(20)
    page.save_settings_button.click()
    assert "已保存" in page.settings_message.text()
    assert desk.reports().district_bound(desk["zhouning"]) == 20
    [entry] = desk.audit("setting.set", BOUND_SETTING, entity="setting")
    assert entry.username == "admin" and entry.after == {"value": "20"}


def test_incident_tab_counts_down_without_reading_and_reads_when_a_deadline_turns(qtbot, desk):
    """Dongcheng 4.1.5 (first report within 10 minutes): the tab's countdown moves every second from the clock it
    read, asking the database nothing (issue 21); it reads again when the deadline turns amber (5 minutes before)
    and every 30 seconds, so a report sent at another seat is never hidden for longer than that."""
    v = immediate_incident(desk, grade="unknown")
    clock = Clock(RECEIVED + 2 * MIN)
    reports = desk.reports()
    reads = []
    real = reports.clock
    reports.clock = lambda *a, **kw: reads.append(1) or real(*a, **kw)
    detail = IncidentDetail(desk.incidents(), reports, desk.log, desk["zhouning"], v.id, clock=clock)
    qtbot.addWidget(detail)
    detail.show()
    t = detail.clock_table
    first = next(r for r in range(t.rowCount()) if t.item(r, 4).text() == "4.1.5")
    before, shown = len(reads), t.item(first, 2).text()
    for _ in range(3):
        clock.now += SECOND
        detail._second()
    assert len(reads) == before  # three seconds, nothing read
    assert t.item(first, 2).text() != shown and "07:57" in t.item(first, 2).text()  # 10:00 − 2:03
    assert background(t, first) != AMBER
    clock.now = RECEIVED + 5 * MIN + SECOND  # within 5 minutes of 08:10: amber, and the clock read again
    detail._second()
    assert len(reads) == before + 1 and background(t, first) == AMBER
    for _ in range(30):
        clock.now += SECOND
        detail._second()
    assert len(reads) == before + 2  # the half-minute read


def test_a_failed_clock_read_is_not_retried_every_second(qtbot, desk):
    """A read refused or unreachable (a lost server: each try can wait for the 5-second connection timeout) is
    tried again at the next half-minute read, not every second: the countdown keeps running from what it held."""
    from dutyroom.services.errors import UserError

    v = immediate_incident(desk, grade="unknown")
    clock = Clock(RECEIVED + 2 * MIN)
    reports = desk.reports()
    detail = IncidentDetail(desk.incidents(), reports, desk.log, desk["zhouning"], v.id, clock=clock)
    qtbot.addWidget(detail)
    detail.show()
    reads = []

    def refused(*_a, **_kw):
        reads.append(1)
        raise UserError("与数据库服务器的连接已断开", "the database server is lost")
    reports.clock = refused  # the server is lost from here on
    for _ in range(45):
        clock.now += SECOND
        detail._second()
    assert len(reads) == 1  # the half-minute read, failed; the next one is due at the 60th second
