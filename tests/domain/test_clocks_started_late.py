"""A clock a grade or flag brought in after receipt (IncidentFacts.clocks_started, migration 0011) cannot have
been late before the duty room knew of it: it keeps the plan's own time where that is still ahead when it
begins, and otherwise gets its full window from then. Dongcheng 4.1.4 (一般及以上: 立即报告, written report
within 1 hour of the event) with 4.1.5 (10 minutes from receipt) as the bound of its 立即."""

import dataclasses
import datetime as dt

from dutyroom.domain.incident_facts import BEIJING, IncidentFacts
from dutyroom.domain.profile_loader import load_profile
from dutyroom.domain.reporting_clock import compute_deadlines

OCCURRED = dt.datetime(2026, 7, 1, 8, 0, tzinfo=BEIJING)
RECEIVED = dt.datetime(2026, 7, 1, 8, 11, tzinfo=BEIJING)
MIN = dt.timedelta(minutes=1)


def deadlines(started: dict | None, **kw) -> dict:
    facts = IncidentFacts.from_mapping({"category": "accident", "occurred_at": OCCURRED.isoformat(),
                                        "received_at": RECEIVED.isoformat(), "grade": "large", **kw})
    facts = dataclasses.replace(facts, clocks_started=started or {})
    return {d.clock_id: d for d in compute_deadlines(load_profile("dongcheng"), facts)}


def test_graded_after_the_bound_ran_out_the_immediate_report_escalates_ten_minutes_later():
    """Received 08:11, confirmed 较大 at 08:30: 4.1.5's ten minutes from receipt ran out at 08:21, before anyone
    knew the grade; 立即报告 (4.1.4) escalates at 08:40. The written report stays due 09:00 (事件发生后1小时),
    still ahead at 08:30."""
    at = RECEIVED + 19 * MIN
    d = deadlines({"R1-verbal": at, "R2-written": at})
    assert d["R1-verbal"].due is None and d["R1-verbal"].escalation_due == at + 10 * MIN
    assert d["R2-written"].due == OCCURRED + 60 * MIN


def test_graded_while_the_plans_time_is_still_ahead_keeps_the_plans_time():
    """Confirmed at 08:15: receipt + 10 minutes (08:21) is still ahead, so it stands."""
    at = RECEIVED + 4 * MIN
    d = deadlines({"R1-verbal": at, "R2-written": at})
    assert d["R1-verbal"].escalation_due == RECEIVED + 10 * MIN and d["R2-written"].due == OCCURRED + 60 * MIN


def test_graded_after_the_written_reports_hour_it_gets_a_full_hour_from_then():
    """Confirmed at 09:30, after 事件发生后1小时 (09:00) had passed: the written report is owed by 10:30."""
    at = OCCURRED + 90 * MIN
    assert deadlines({"R1-verbal": at, "R2-written": at})["R2-written"].due == at + 60 * MIN


def test_clocks_from_the_intake_and_incidents_before_the_change_count_from_their_anchors():
    """None (applied from the intake) and no entry (an incident taken before migration 0011): as before."""
    for started in ({"R1-verbal": None, "R2-written": None}, None):
        d = deadlines(started)
        assert d["R1-verbal"].escalation_due == RECEIVED + 10 * MIN and d["R2-written"].due == OCCURRED + 60 * MIN


def test_a_later_start_never_moves_a_time_earlier():
    """Whatever the start, a deadline is never earlier than the plan's own time."""
    for minutes in range(0, 200, 7):
        at = RECEIVED + minutes * MIN
        d = deadlines({"R1-verbal": at, "R2-written": at})
        assert d["R1-verbal"].escalation_due >= RECEIVED + 10 * MIN
        assert d["R2-written"].due >= OCCURRED + 60 * MIN
        assert d["R1-verbal"].escalation_due >= at and d["R2-written"].due >= at
