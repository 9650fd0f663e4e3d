"""Every deadline has a clock: a deadline the plan words without a number ("立即", "及时", "同时") keeps
due = None and the plan's words, and escalates at a bound the profile names — the same plan's outer limit
(cited) or, where the plan has none, the district's own setting (本区设定). Each test cites its clause."""

import datetime as dt
import shutil

import pytest
import yaml

from dutyroom.domain.incident_facts import BEIJING, IncidentFacts
from dutyroom.domain.profile_loader import PROFILE_DIR, ProfileError, load_profile, load_profile_file
from dutyroom.domain.report_chain import SentReport, build_chain, deadline_state, pending
from dutyroom.domain.reporting_clock import DEFAULT_DISTRICT_MINUTES, compute_deadlines
from dutyroom.domain.rules import incident_rules

OCCURRED = dt.datetime(2026, 7, 1, 8, 0, tzinfo=BEIJING)
RECEIVED = dt.datetime(2026, 7, 1, 8, 5, tzinfo=BEIJING)
MIN = dt.timedelta(minutes=1)


def facts(**kw) -> IncidentFacts:
    base = {"category": "accident", "occurred_at": OCCURRED.isoformat(), "received_at": RECEIVED.isoformat()}
    return IncidentFacts.from_mapping({**base, **kw})


def clock(key: str, clock_id: str, district_minutes: int = DEFAULT_DISTRICT_MINUTES, **kw):
    return next(d for d in compute_deadlines(load_profile(key), facts(**kw), district_minutes=district_minutes)
                if d.clock_id == clock_id)


# ---------------------------------------------------------------- bounds the plan supplies


def test_dongcheng_4_1_5_ten_minutes_is_the_bound_for_4_1_4_immediate():
    """Dongcheng 4.1.4 "立即报告" (一般及以上) has no number; 4.1.5 "最迟不晚于接报后10分钟" (unknown grade)
    is the same plan's outer limit, so the 首报 escalates 10 minutes after receipt."""
    d = clock("dongcheng", "R1-verbal", grade="ordinary")
    assert (d.due, d.minutes, d.wording, d.basis) == (None, None, "立即报告", "4.1.4")
    b = d.bound
    assert (b.minutes, b.anchor, b.basis, b.source, b.source_line) == (10, "received_at", "4.1.5", "plan", "D:L495")
    assert b.wording == "最迟不晚于接报后10分钟"
    assert d.escalation_due == RECEIVED + 10 * MIN


def test_dongcheng_4_1_6_at_the_same_time_is_bound_like_the_first_report():
    """Dongcheng 4.1.6 "同时" (涉外 notice to 区外办、区台办): with the first report, so by 4.1.5's 10 minutes."""
    d = clock("dongcheng", "R5-foreign", grade="ordinary", foreign_related=True)
    assert d.due is None and d.bound.basis == "4.1.5" and d.escalation_due == RECEIVED + 10 * MIN


def test_dongcheng_district_setting_does_not_override_the_plans_bound():
    """Dongcheng 4.1.5 supplies the bound: an administrator's 本区设定 does not move it."""
    assert clock("dongcheng", "R1-verbal", district_minutes=45, grade="large").escalation_due == RECEIVED + 10 * MIN


def test_beijing_4_1_5_thirty_minutes_bounds_4_1_4_immediate():
    """Municipal 4.1.4 "立即报告" (较大及以上) is bound by 4.1.5 "最迟不晚于接报后30分钟"."""
    d = clock("beijing", "R1-verbal", grade="large")
    assert d.due is None and (d.bound.minutes, d.bound.basis, d.bound.source) == (30, "4.1.5", "plan")
    assert d.escalation_due == RECEIVED + 30 * MIN


def test_shijingshan_takes_the_municipal_bound_and_cites_it_as_the_municipal_plans():
    d = clock("shijingshan", "R1-verbal", grade="major")
    assert d.bound.basis == "北京市预案 4.1.5" and d.escalation_due == RECEIVED + 30 * MIN


def test_pinggu_4_1_5_bounds_4_1_4_and_public_health_3_3_2_3_bounds_3_3_2_1():
    """Pinggu 4.1.4 立即 ← 4.1.5 (10 minutes); public-health plan 3.3.2(1) 立即 ← 3.3.2(3) "接报后10分钟内"."""
    general = clock("pinggu", "G-verbal-immediate", grade="ordinary")
    assert (general.bound.basis, general.escalation_due) == ("4.1.5", RECEIVED + 10 * MIN)
    health = clock("pinggu", "PH-verbal-immediate", grade="large", category="public_health")
    assert (health.bound.basis, health.bound.source_line) == ("公卫预案3.3.2(3)", "A:L3543")
    assert health.escalation_due == RECEIVED + 10 * MIN


# ---------------------------------------------------------------- the district setting where the plan has none


def test_tongzhou_4_1_3_promptly_has_no_bound_in_the_plan_so_the_district_setting_applies_from_receipt():
    """Tongzhou 4.1.3 "及时" counts from the event (各类突发事件发生后) and no clause gives a limit: the bound
    is the 本区设定, counted from receipt (the duty room cannot be late for a time before it knew)."""
    d = clock("tongzhou", "R1-standard", grade="ordinary")
    assert (d.due, d.anchor, d.wording) == (None, "occurred_at", "及时")
    assert (d.bound.source, d.bound.basis, d.bound.anchor) == ("district", "", "received_at")
    assert d.bound.minutes == DEFAULT_DISTRICT_MINUTES and d.escalation_due == RECEIVED + DEFAULT_DISTRICT_MINUTES * MIN
    assert clock("tongzhou", "R3-immediate", district_minutes=15, sensitive=True).escalation_due == RECEIVED + 15 * MIN


def test_tongzhou_4_1_5_follow_up_promptly_is_bound_from_the_previous_report():
    """Tongzhou 4.1.5 "及时续报": the district bound runs from the last report sent."""
    sent = SentReport(id=1, kind="verbal", sequence=0, clock_id="R1-standard", sent_at=RECEIVED + 7 * MIN,
                      due_at=None, late_minutes=None)
    chain = build_chain(load_profile("tongzhou"), facts(grade="large", ongoing=True), [sent], district_minutes=20)
    follow = next(d for d in pending(chain) if d.kind == "followup")
    assert follow.due is None and follow.wording == "及时续报"
    assert follow.escalation_due == RECEIVED + 27 * MIN and follow.bound.anchor == "previous_report"


def test_pinggu_public_health_final_promptly_is_bound_from_the_end_of_handling():
    """Pinggu public-health plan 3.3.2(2): "处置结束后要及时汇报综合情况" — 本区设定, from the end of handling."""
    p, f = load_profile("pinggu"), facts(grade="major", category="public_health")
    before = next(d for d in compute_deadlines(p, f) if d.clock_id == "PH-final")
    assert before.escalation_due is None  # not owed while handling goes on
    ended = RECEIVED + 90 * MIN
    after = next(d for d in compute_deadlines(p, f, handling_ended_at=ended, district_minutes=60)
                 if d.clock_id == "PH-final")
    assert after.due is None and after.escalation_due == ended + 60 * MIN


# ---------------------------------------------------------------- states, JSON, numeric clocks unchanged


@pytest.mark.parametrize(("after", "state"), [(4 * MIN, "ok"), (5 * MIN, "soon"), (10 * MIN, "soon"),
                                              (10 * MIN + dt.timedelta(seconds=1), "overdue")])
def test_immediate_turns_soon_within_5_minutes_of_its_bound_and_overdue_after_it(after, state):
    """Dongcheng 4.1.4 立即 against 4.1.5's 10 minutes: the same 5-minute amber rule as numeric deadlines."""
    d = clock("dongcheng", "R1-verbal", grade="ordinary")
    assert deadline_state(d.escalation_due, RECEIVED + after) == state


def test_numeric_deadlines_escalate_at_their_due_time_and_have_no_bound():
    """Dongcheng 4.1.5: 10 minutes, so escalation_due is the due time itself."""
    d = clock("dongcheng", "R3-unknown", grade="unknown")
    assert d.bound is None and d.escalation_due == d.due == RECEIVED + 10 * MIN


def test_rules_json_keeps_due_null_where_the_plan_has_no_number():
    """DESIGN 4: `rules incident` shows the plan — Dongcheng 4.1.4 立即 stays due null."""
    a = incident_rules(load_profile("dongcheng"), facts(grade="ordinary"))
    verbal = next(d for d in a["deadlines"] if d["clock"] == "R1-verbal")
    assert verbal["due"] is None and verbal["minutes"] is None and verbal["wording"] == "立即报告"


def test_every_clock_without_a_number_in_every_profile_has_a_bound():
    from dutyroom.domain.profile_loader import available_profiles

    for key in available_profiles():
        for c in load_profile(key).reporting.clocks:
            assert (c.minutes is None) == (c.bound is not None), (key, c.id)


# ---------------------------------------------------------------- the profile refuses a silent clock


@pytest.fixture
def dongcheng_copy(tmp_path):
    for name in ("dongcheng.yaml", "beijing.yaml"):
        shutil.copy(PROFILE_DIR / name, tmp_path / name)
    return tmp_path / "dongcheng.yaml"


def _edit(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _clock(data, clock_id):
    return next(c for c in data["reporting"]["clocks"] if c["id"] == clock_id)


@pytest.mark.parametrize(("change", "field", "words"), [
    (lambda d: _clock(d, "R1-verbal").pop("bound"), "reporting.clocks[0]", "needs a bound"),
    (lambda d: _clock(d, "R1-verbal")["bound"].update(clock="R5-foreign"), "reporting", "not a clock of this profile"),
    (lambda d: _clock(d, "R1-verbal")["bound"].pop("basis"), "reporting.clocks[0].bound", "cite its clause"),
    (lambda d: _clock(d, "R1-verbal")["bound"].update(district_setting=True), "reporting.clocks[0].bound",
     "exactly one"),
    (lambda d: _clock(d, "R3-unknown").update(bound={"district_setting": True}), "reporting.clocks[2]",
     "takes no bound"),
])
def test_a_clock_without_a_number_must_name_its_bound(dongcheng_copy, change, field, words):
    _edit(dongcheng_copy, change)
    with pytest.raises(ProfileError) as err:
        load_profile_file(dongcheng_copy)
    assert err.value.field == field and words in str(err.value)
