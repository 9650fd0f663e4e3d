"""The dashboard's 报告时限 panel with a controllable clock: countdown, amber within 5 minutes, red when overdue,
the non-blocking alert, the sound and its persisted mute, and the late (超时未报) record. Nothing sleeps."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from dutyroom.services.auth import AuthService
from dutyroom.ui.deadlines_panel import DeadlinesPanel
from dutyroom.ui.incident_common import AMBER, RED
from tests.helpers.incidents import MIN, RECEIVED, Clock, intake


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def make_panel(qtbot, desk, clock, settings, user="zhouning"):
    beeps = []
    panel = DeadlinesPanel(desk.reports(), desk[user], clock=clock, settings=settings,
                           sound=lambda: beeps.append(clock()), start=False)
    qtbot.addWidget(panel)
    panel.show()
    return panel, beeps


def verbal_row(panel, incident_id):
    return next(r for r, d in enumerate(panel.rows) if d.incident_id == incident_id and d.kind == "verbal")


def colour(panel, row, col=3):
    return panel.table.item(row, col).background().color().name()


def test_countdown_turns_amber_within_5_minutes_then_red_and_the_late_record_is_written(qtbot, desk, settings):
    """Dongcheng 4.1.5: unknown grade, first report within 10 minutes of receipt (due 08:15)."""
    v = desk.incidents().register(desk["zhouning"], intake(), now=RECEIVED)
    clock = Clock(RECEIVED + 4 * MIN)
    panel, beeps = make_panel(qtbot, desk, clock, settings)
    row = verbal_row(panel, v.id)
    assert panel.table.item(row, 2).text() == "还剩 06:00"
    assert panel.table.item(row, 3).text() == "07-01 08:15"
    assert panel.table.item(row, 4).text() == "区委值班室、区政府值班室、区应急办"
    assert panel.row_state(row) == "ok" and not panel.banner.isVisible() and beeps == []

    clock.now = RECEIVED + 4 * MIN + dt.timedelta(seconds=1)
    panel.tick()
    assert panel.table.item(verbal_row(panel, v.id), 2).text() == "还剩 05:59"

    clock.now = RECEIVED + 5 * MIN  # exactly 5 minutes left
    panel.tick()
    row = verbal_row(panel, v.id)
    assert panel.row_state(row) == "soon" and colour(panel, row) == AMBER
    assert panel.banner.isVisible() and "即将到期" in panel.banner.text() and len(beeps) == 1
    assert not any(e.text.startswith("超时未报") for e in desk.log_rows(v.id))

    clock.now = RECEIVED + 10 * MIN + dt.timedelta(seconds=1)
    panel.tick()
    row = verbal_row(panel, v.id)
    assert panel.row_state(row) == "overdue" and colour(panel, row) == RED.lower()
    assert panel.table.item(row, 2).text() == "超时 00:01"
    assert "超时未报" in panel.banner.text() and len(beeps) == 2
    assert QApplication.activeModalWidget() is None  # the alert never blocks
    late = [e for e in desk.log_rows(v.id) if e.text.startswith("超时未报")]
    assert len(late) == 1 and late[0].automatic and "4.1.5" in late[0].text
    assert late[0].happened_at.replace(tzinfo=dt.UTC) == RECEIVED + 10 * MIN
    assert len(desk.audit("incident.deadline.missed", v.id)) == 1

    clock.now = RECEIVED + 13 * MIN
    for _ in range(3):
        panel.tick()
    assert panel.table.item(verbal_row(panel, v.id), 2).text() == "超时 03:00"
    assert len(beeps) == 2  # one alert per deadline and state, not one per second
    assert len([e for e in desk.log_rows(v.id) if e.text.startswith("超时未报")]) == 1


def test_report_sent_late_is_recorded_with_how_late_and_leaves_the_dashboard(qtbot, desk, settings):
    v = desk.incidents().register(desk["zhouning"], intake(), now=RECEIVED)
    clock = Clock(RECEIVED + 25 * MIN)
    panel, _ = make_panel(qtbot, desk, clock, settings)
    assert any(d.incident_id == v.id and d.kind == "verbal" for d in panel.rows)
    reports = desk.reports()
    draft = reports.compose(desk["zhouning"], v.id, "verbal", now=clock.now)
    sent = reports.record_sent(desk["zhouning"], v.id, "verbal", body=draft.body, recipients=draft.recipients,
                               channel="phone", now=clock.now)
    assert sent.late_minutes == 15
    panel.refresh()
    assert not any(d.incident_id == v.id and d.kind == "verbal" for d in panel.rows)
    assert any(e.text.endswith("迟报15分钟") for e in desk.log_rows(v.id))


def test_mute_silences_the_alert_and_is_remembered(qtbot, desk, settings):
    desk.incidents().register(desk["zhouning"], intake(), now=RECEIVED)
    clock = Clock(RECEIVED)
    panel, beeps = make_panel(qtbot, desk, clock, settings)
    panel.mute.setChecked(True)
    clock.now = RECEIVED + 6 * MIN
    panel.tick()
    assert panel.banner.isVisible() and beeps == []  # the banner still shows, silently

    again, beeps2 = make_panel(qtbot, desk, Clock(RECEIVED + 11 * MIN), settings)
    assert again.mute.isChecked()
    assert again.banner.isVisible() and beeps2 == []
    again.mute.setChecked(False)
    assert QSettings(settings.fileName(), QSettings.Format.IniFormat).value("deadlines/mute", type=bool) is False


def test_tongzhou_no_number_deadline_shows_the_plans_words_and_escalates_by_the_district_setting(qtbot, desk,
                                                                                                  settings):
    """Tongzhou 4.1.3: 及时 — no due time (the plan's words stay), but past the 本区设定 bound (30 minutes after
    receipt by default; the plan gives none) the row turns red and 超时未报 is written."""
    v = desk.incidents("tongzhou").register(desk["zhouning"], intake("tongzhou"), now=RECEIVED)
    clock = Clock(RECEIVED + 12 * MIN)
    panel, beeps = make_panel(qtbot, desk, clock, settings)
    rows = [r for r, d in enumerate(panel.rows) if d.incident_id == v.id]
    assert rows and all(panel.row_state(r) == "ok" and panel.rows[r].due is None for r in rows)
    assert "及时 · 已过 12:00" in [panel.table.item(r, 2).text() for r in rows]
    assert beeps == [] and not any(e.text.startswith("超时未报") for e in desk.log_rows(v.id))

    clock.now = RECEIVED + 600 * MIN
    panel.tick()
    rows = [r for r, d in enumerate(panel.rows) if d.incident_id == v.id]
    assert rows and all(panel.row_state(r) == "overdue" for r in rows)
    late = [e.text for e in desk.log_rows(v.id) if e.text.startswith("超时未报")]
    assert late and all("本区设定" in t for t in late)


def test_grade_change_moves_the_dashboard(qtbot, desk, settings):
    """Dongcheng 4.1.5: once the grade is confirmed 较大, follow-ups every 30 minutes join the dashboard."""
    svc = desk.incidents()
    v = svc.register(desk["zhouning"], intake(), now=RECEIVED)
    clock = Clock(RECEIVED + MIN)
    panel, _ = make_panel(qtbot, desk, clock, settings)
    before = {d.kind for d in panel.rows if d.incident_id == v.id}
    svc.confirm_grade(desk["zhouning"], v.id, "large", now=clock.now)
    panel.refresh()
    after = {d.kind for d in panel.rows if d.incident_id == v.id}
    assert "followup" not in before and "followup" in after


def test_clicking_a_row_asks_to_open_the_incident(qtbot, desk, settings):
    v = desk.incidents().register(desk["zhouning"], intake(), now=RECEIVED)
    panel, _ = make_panel(qtbot, desk, Clock(RECEIVED), settings)
    row = verbal_row(panel, v.id)
    with qtbot.waitSignal(panel.open_incident) as got:
        qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton,
                         pos=panel.table.visualRect(panel.table.model().index(row, 0)).center())
    assert got.args == [v.id]
    # back on the dashboard the row shows its state, not the selection colour that would hide amber or red
    assert panel.table.selectedItems() == []


def test_the_lock_screen_keeps_the_counts_of_overdue_reports(qtbot, desk, settings):
    """Locked at 3 a.m. with a report overdue: the lock screen says so (counts only, no incident details)."""
    from dutyroom.ui.session_lock import UnlockDialog

    desk.incidents().register(desk["zhouning"], intake(), now=RECEIVED)
    panel, _ = make_panel(qtbot, desk, Clock(RECEIVED + 11 * MIN), settings)  # Dongcheng 4.1.5: 10 minutes
    text, urgent = panel.alarm()
    assert urgent and "超时 1 项" in text
    dialog = UnlockDialog(AuthService(desk.db), desk["zhouning"], 15, lambda: None, alarm=panel.alarm)
    qtbot.addWidget(dialog)
    assert "报告时限" in dialog.alarm_label.text() and "超时 1 项" in dialog.alarm_label.text()
    assert "b00020" in dialog.alarm_label.styleSheet()


def test_one_second_timer_runs_the_countdown(qtbot, desk, settings):
    desk.incidents().register(desk["zhouning"], intake(), now=RECEIVED)
    panel = DeadlinesPanel(desk.reports(), desk["zhouning"], clock=Clock(RECEIVED), settings=settings,
                           sound=lambda: None)
    qtbot.addWidget(panel)
    assert panel.timer.isActive() and panel.timer.interval() == 1000


def test_english_dashboard_names_the_reports_and_the_plans_words_in_english(qtbot, desk, settings, monkeypatch,
                                                                             qapp):
    """DUTYROOM_LANG=en: 首报/续报（第N次） and the plan's "及时" (Tongzhou 4.1.3) are shown in English."""
    from dutyroom.ui.i18n import install_translator

    dongcheng = desk.incidents().register(desk["zhouning"], intake(), now=RECEIVED)
    tongzhou = desk.incidents("tongzhou").register(desk["zhouning"], intake("tongzhou"), now=RECEIVED)
    monkeypatch.setenv("DUTYROOM_LANG", "en")
    translator = install_translator(qapp)
    try:
        panel, _beeps = make_panel(qtbot, desk, Clock(RECEIVED + MIN), settings)
        assert panel.table.item(verbal_row(panel, dongcheng.id), 1).text() == "First report"
        tz = [r for r, d in enumerate(panel.rows) if d.incident_id == tongzhou.id]
        assert "Promptly · 01:00 elapsed" in [panel.table.item(r, 2).text() for r in tz]
        shown = [panel.table.item(r, c).text() for r in range(panel.table.rowCount()) for c in (1, 2, 3)]
        assert not [t for t in shown if any("\u4e00" <= ch <= "\u9fff" for ch in t)], shown
    finally:
        qapp.removeTranslator(translator)


def test_report_and_countdown_columns_are_not_cut(qtbot, desk, settings):
    """The title column takes what is left; 报告 and 倒计时 are sized to their text."""
    desk.incidents().register(desk["zhouning"], intake(), now=RECEIVED)
    panel, _beeps = make_panel(qtbot, desk, Clock(RECEIVED + MIN), settings)
    panel.resize(900, 300)
    t = panel.table
    for col in (1, 2, 3):
        for r in range(t.rowCount()):
            assert t.columnWidth(col) >= t.fontMetrics().horizontalAdvance(t.item(r, col).text())


def test_a_long_plan_sentence_keeps_its_time_word_and_nothing_scrolls_away(qtbot, desk, settings):
    """Tongzhou 4.7.1: "区应急办在上报区应急委领导的同时，应当向区委宣传部通报相关情况" has no number. Its countdown cell
    shows the time word ("同时 · 已过 01:00") with the whole sentence in the tooltip; before, the sentence widened the
    countdown column until 应报时间, 报送对象 and 条款 were behind a horizontal scrollbar on a 1366-pixel screen."""
    v = desk.incidents("tongzhou").register(desk["zhouning"], intake("tongzhou"), now=RECEIVED)
    panel, _beeps = make_panel(qtbot, desk, Clock(RECEIVED + MIN), settings)
    panel.resize(700, 300)  # the dashboard's left half at 1366 × 768
    qtbot.waitUntil(lambda: panel.table.isVisible())
    notice = next(r for r, d in enumerate(panel.rows) if d.incident_id == v.id and d.basis == "4.7.1")
    cell = panel.table.item(notice, 2)
    assert cell.text() == "同时 · 已过 01:00"
    assert "区应急办在上报区应急委领导的同时，应当向区委宣传部通报相关情况" in cell.toolTip()
    QApplication.processEvents()
    assert panel.table.horizontalScrollBar().maximum() == 0
    assert panel.table.columnWidth(2) >= panel.table.fontMetrics().horizontalAdvance(cell.text())


def test_a_long_clause_leaves_the_incident_title_readable(qtbot, desk, settings):
    """Shijingshan (under the city plan): a 较大 incident's 首报 cites "北京市预案 4.1.4（警戒：北京市预案 4.1.5）". The
    clause column takes at most a quarter of the table, elided with the whole clause in the tooltip; it had taken
    its full text and left the incident's title two characters on the dashboard of a 1366-pixel screen."""
    v = desk.incidents("shijingshan").register(desk["zhouning"], intake("shijingshan", grade="large", deaths=3),
                                               now=RECEIVED)
    panel, _beeps = make_panel(qtbot, desk, Clock(RECEIVED + MIN), settings)
    panel.resize(700, 300)
    QApplication.processEvents()
    t = panel.table
    row = next(r for r, d in enumerate(panel.rows) if d.incident_id == v.id and d.due is None)
    clause = t.item(row, 5)
    assert "警戒" in clause.text() and clause.text() in clause.toolTip()
    assert t.columnWidth(5) <= t.viewport().width() // 4
    title = t.item(row, 0).text()
    assert t.columnWidth(0) >= t.fontMetrics().horizontalAdvance(title[:6])  # six characters of the title at least
    assert t.horizontalScrollBar().maximum() == 0


def test_the_banner_stops_naming_a_deadline_that_is_no_longer_owed(qtbot, desk, settings):
    """Dongcheng 4.1.5: two unknown-grade calls, both 首报 overdue, the banner names the first. Confirming its grade
    (一般) ends its unknown-grade clock (4.1.4's 立即报告 begins then, not yet late): the banner must name the one
    still overdue, quietly (no second beep), instead of a report nobody owes any more."""
    svc = desk.incidents()
    first = svc.register(desk["zhouning"], intake(), now=RECEIVED)
    second = svc.register(desk["zhouning"], intake(received_at=RECEIVED + MIN), now=RECEIVED + MIN)
    clock = Clock(RECEIVED + 20 * MIN)
    panel, beeps = make_panel(qtbot, desk, clock, settings)
    assert "超时未报" in panel.banner.text() and "另有 1 项" in panel.banner.text()
    named = panel._banner_names[0]
    other = second.id if named == first.id else first.id
    svc.confirm_grade(desk["zhouning"], named, "ordinary", now=clock.now)
    beeps_before = len(beeps)
    panel.refresh()
    assert panel.banner.isVisible() and "另有" not in panel.banner.text()
    assert panel._banner_names[0] == other and len(beeps) == beeps_before


def test_a_deadline_overdue_again_after_the_banner_went_shows_it_again_quietly(qtbot, desk, settings):
    """Dongcheng 4.1.4: 较大 at intake, its 立即报告 overdue and announced; the grade taken back (the unknown-grade
    首报 then sent: nothing overdue, the banner goes) and confirmed again after 4.1.5's ten minutes had passed —
    the red row must have its banner again (announced before: no second beep)."""
    svc = desk.incidents()
    v = svc.register(desk["zhouning"], intake(grade="large"), now=RECEIVED)
    clock = Clock(RECEIVED + 12 * MIN)
    panel, beeps = make_panel(qtbot, desk, clock, settings)
    assert panel.banner.isVisible() and "超时未报" in panel.banner.text()
    svc.confirm_grade(desk["zhouning"], v.id, "unknown", now=clock.now)
    reports = desk.reports()
    draft = reports.compose(desk["zhouning"], v.id, "verbal", now=clock.now)
    reports.record_sent(desk["zhouning"], v.id, "verbal", body=draft.body, recipients=draft.recipients,
                        channel="phone", sent_at=clock.now, now=clock.now)
    clock.now += MIN
    panel.refresh()
    assert not panel.banner.isVisible()
    beeps_before = len(beeps)
    clock.now += 5 * MIN
    svc.confirm_grade(desk["zhouning"], v.id, "large", now=clock.now)
    panel.refresh()
    overdue = [d for d in panel.rows if d.incident_id == v.id and panel.states[(d.incident_id, d.key)] == "overdue"]
    assert overdue and panel.banner.isVisible() and "超时未报" in panel.banner.text()
    assert len(beeps) == beeps_before
