"""Deadlines the plan words without a number, in the services: the 超时未报 log line once past the bound,
the dashboard order by escalation time, the statistics' missed count, and the district setting an
administrator changes (audited). No test sleeps: every call takes an explicit `now`."""

from __future__ import annotations

import datetime as dt

import pytest

from dutyroom.services.errors import PermissionDenied, UserError
from dutyroom.services.incident_reports import BOUND_SETTING
from dutyroom.services.statistics import StatisticsService
from tests.helpers.incidents import MIN, RECEIVED, intake

pytestmark = pytest.mark.both_backends  # each test on SQLite and on PostgreSQL (tests/helpers/databases.py)


def immediate_incident(desk, key="dongcheng", grade="ordinary", **kw):
    svc = desk.incidents(key)
    v = svc.register(desk["zhouning"], intake(key, **kw), now=RECEIVED)
    svc.confirm_grade(desk["zhouning"], v.id, grade, now=RECEIVED)
    return v


def missed_lines(desk, incident_id):
    return [e for e in desk.log_rows(incident_id) if e.text.startswith("超时未报")]


def test_note_missed_logs_an_immediate_first_report_once_past_its_bound(desk):
    """Dongcheng 4.1.4 立即报告, bound by 4.1.5 (接报后10分钟): silent before 08:15, one 超时未报 after it."""
    v = immediate_incident(desk)
    reports = desk.reports()
    assert reports.note_missed_deadlines(desk["zhouning"], now=RECEIVED + 10 * MIN) == 0
    assert missed_lines(desk, v.id) == []
    assert reports.note_missed_deadlines(desk["zhouning"], now=RECEIVED + 11 * MIN) == 1
    assert reports.note_missed_deadlines(desk["zhouning"], now=RECEIVED + 40 * MIN) == 0
    [line] = missed_lines(desk, v.id)
    assert line.automatic and line.happened_at.replace(tzinfo=dt.UTC) == RECEIVED + 10 * MIN
    assert "立即报告" in line.text and "4.1.4" in line.text and "4.1.5" in line.text
    assert "最迟不晚于接报后10分钟" in line.text
    [entry] = desk.audit("incident.deadline.missed", v.id)
    assert entry.after["due"] is None and entry.after["basis"] == "4.1.4"


def test_the_immediate_deadline_keeps_due_none_and_turns_soon_then_overdue_on_the_dashboard(desk):
    v = immediate_incident(desk)
    reports = desk.reports()

    def row(at):
        return next(d for d in reports.open_deadlines(desk["zhouning"], now=at)
                    if d.incident_id == v.id and d.clock_id == "R1-verbal")

    assert (row(RECEIVED + 4 * MIN).state, row(RECEIVED + 4 * MIN).due) == ("ok", None)
    assert row(RECEIVED + 5 * MIN).state == "soon"
    assert row(RECEIVED + 11 * MIN).state == "overdue"
    assert row(RECEIVED).escalation_due == RECEIVED + 10 * MIN and row(RECEIVED).bound.basis == "4.1.5"


def test_the_dashboard_sorts_an_immediate_deadline_by_its_escalation_time(desk):
    """An 立即 row (escalates 08:15) comes before a numeric deadline due later (Beijing 4.1.5: 08:36)."""
    later = desk.incidents("beijing").register(desk["zhouning"], intake("beijing", received_at=RECEIVED + 6 * MIN),
                                               now=RECEIVED + 6 * MIN)
    now_ = immediate_incident(desk)
    rows = [(r.incident_id, r.clock_id) for r in desk.reports().open_deadlines(desk["zhouning"], now=RECEIVED)]
    assert rows.index((now_.id, "R1-verbal")) < rows.index((later.id, "R3-unknown"))


def test_sending_the_report_ends_the_escalation(desk):
    v = immediate_incident(desk)
    reports = desk.reports()
    draft = reports.compose(desk["zhouning"], v.id, "verbal", now=RECEIVED + 20 * MIN)
    sent = reports.record_sent(desk["zhouning"], v.id, "verbal", body=draft.body, recipients=draft.recipients,
                               channel="phone", now=RECEIVED + 20 * MIN)
    assert sent.clock_id == "R1-verbal" and sent.late_minutes is None  # lateness needs the plan's number
    assert reports.note_missed_deadlines(desk["zhouning"], now=RECEIVED + 30 * MIN) == 0
    assert not [d for d in reports.open_deadlines(desk["zhouning"], now=RECEIVED + 30 * MIN)
                if d.incident_id == v.id and d.clock_id == "R1-verbal"]


def test_statistics_count_an_immediate_report_past_its_bound_as_missed(desk):
    """The 超时未报 count of the statistics follows the bound (Dongcheng 4.1.4 ← 4.1.5)."""
    immediate_incident(desk)
    svc, day = StatisticsService(desk.db), RECEIVED.date()

    def verbal_missed(at):
        st = svc.period(desk["tangjun"], day, day, now=at)
        return next((r.missed for r in st.lateness if r.kind == "verbal"), 0), st

    assert verbal_missed(RECEIVED + 9 * MIN)[0] == 0
    missed, st = verbal_missed(RECEIVED + 25 * MIN)
    assert missed == 1
    [row] = [m for m in st.missed_reports if m.report_label == "首报"]
    assert row.due_at == RECEIVED + 10 * MIN and row.late_minutes == 15


# ---------------------------------------------------------------- the district setting (本区设定)


def test_tongzhou_escalates_at_the_district_setting_an_administrator_changes(desk):
    """Tongzhou 4.1.3 及时: no number and no bound in the plan, so the 本区设定 applies (30 minutes by default)."""
    v = immediate_incident(desk, "tongzhou")
    reports = desk.reports()

    def verbal(at):
        return next(d for d in reports.open_deadlines(desk["zhouning"], now=at)
                    if d.incident_id == v.id and d.clock_id == "R1-standard")

    assert reports.district_bound(desk["zhouning"]) == 30
    assert verbal(RECEIVED + 20 * MIN).state == "ok" and verbal(RECEIVED).bound.source == "district"
    assert reports.set_district_bound(desk["admin"], 15) == 15
    assert verbal(RECEIVED + 20 * MIN).state == "overdue" and verbal(RECEIVED).escalation_due == RECEIVED + 15 * MIN
    assert reports.note_missed_deadlines(desk["zhouning"], now=RECEIVED + 20 * MIN) >= 1
    line = next(e.text for e in missed_lines(desk, v.id) if "及时，4.1.3" in e.text)
    assert "本区设定：接报后15分钟" in line
    [entry] = desk.audit("setting.set", BOUND_SETTING, entity="setting")
    assert entry.username == "admin" and entry.before == {"value": None} and entry.after == {"value": "15"}


def test_only_an_administrator_sets_the_district_bound_and_only_to_a_sensible_number(desk):
    reports = desk.reports()
    with pytest.raises(PermissionDenied):
        reports.set_district_bound(desk["zhouning"], 5)
    for bad in (0, 241, True, "10"):
        with pytest.raises(UserError, match="本区上报警戒时限"):
            reports.set_district_bound(desk["admin"], bad)
    assert reports.district_bound(desk["admin"]) == 30
    assert desk.audit("setting.set", BOUND_SETTING, entity="setting") == []


def test_the_district_setting_does_not_move_a_bound_the_plan_supplies(desk):
    """Dongcheng 4.1.5 bounds 4.1.4: a 本区设定 of 60 minutes leaves it at 10."""
    v = immediate_incident(desk)
    reports = desk.reports()
    reports.set_district_bound(desk["admin"], 60)
    row = next(d for d in reports.clock(desk["zhouning"], v.id, now=RECEIVED).deadlines if d.clock_id == "R1-verbal")
    assert row.escalation_due == RECEIVED + 10 * MIN and row.bound.source == "plan"


def test_the_incident_list_counts_an_immediate_report_past_its_bound_as_overdue(desk):
    """The 事件 list's 超时 column and its "仅超时未报" filter agree with the dashboard (Dongcheng 4.1.4 ← 4.1.5)."""
    from dutyroom.services.incidents import IncidentQuery

    v = immediate_incident(desk)
    svc = desk.incidents()

    def row(at):
        return next(r for r in svc.search(desk["zhouning"], IncidentQuery(statuses=("open",)), now=at) if r.id == v.id)

    early = row(RECEIVED + 4 * MIN)
    assert (early.overdue_count, early.next_due, early.next_due_label) == (0, RECEIVED + 10 * MIN, "首报")
    assert row(RECEIVED + 11 * MIN).overdue_count == 1
    overdue = svc.search(desk["zhouning"], IncidentQuery(statuses=("open",), overdue=True), now=RECEIVED + 11 * MIN)
    assert v.id in [r.id for r in overdue]
