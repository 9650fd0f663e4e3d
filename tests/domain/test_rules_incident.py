"""Reporting clocks per profile, each test citing the plan clause it checks."""

import datetime as dt

import pytest

from dutyroom.domain.incident_facts import BEIJING, IncidentFacts
from dutyroom.domain.profile_loader import load_profile
from dutyroom.domain.reporting_clock import compute_deadlines
from dutyroom.domain.rules import incident_rules

OCCURRED = dt.datetime(2026, 7, 1, 8, 0, tzinfo=BEIJING)
RECEIVED = dt.datetime(2026, 7, 1, 8, 5, tzinfo=BEIJING)


def facts(**kw) -> IncidentFacts:
    base = {"category": "accident", "occurred_at": OCCURRED.isoformat(), "received_at": RECEIVED.isoformat()}
    return IncidentFacts.from_mapping({**base, **kw})


def rules(key: str, **kw) -> dict:
    return incident_rules(load_profile(key), facts(**kw))


def by_kind(answer: dict, kind: str) -> list[dict]:
    return [d for d in answer["deadlines"] if d["kind"] == kind]


def due(answer: dict, kind: str) -> list[dt.datetime | None]:
    return [dt.datetime.fromisoformat(d["due"]) if d["due"] else None for d in by_kind(answer, kind)]


# ---------------------------------------------------------------- Dongcheng


def test_dongcheng_4_1_5_unknown_grade_10_minutes_after_receipt():
    a = rules("dongcheng", grade="unknown")
    assert due(a, "verbal") == [RECEIVED + dt.timedelta(minutes=10)]
    d = by_kind(a, "verbal")[0]
    assert d["anchor"] == "received_at" and d["basis"] == "4.1.5"
    assert d["to"] == ["区委值班室", "区政府值班室", "区应急办"]


def test_dongcheng_4_1_4_ordinary_immediate_and_written_within_1_hour_of_occurrence():
    a = rules("dongcheng", grade="ordinary")
    verbal = by_kind(a, "verbal")
    assert [d["due"] for d in verbal] == [None] and verbal[0]["wording"].startswith("立即")
    assert set(verbal[0]["cc"]) == {"区委宣传部", "区委网信办"}
    assert due(a, "written") == [OCCURRED + dt.timedelta(minutes=60)]
    assert by_kind(a, "written")[0]["anchor"] == "occurred_at"


def test_dongcheng_4_1_4_sensitive_unknown_gets_both_clocks():
    """Dongcheng 4.1.4 (sensitive → immediately) and 4.1.5 (unknown → 10 min) apply together."""
    a = rules("dongcheng", grade="unknown", sensitive=True)
    assert due(a, "verbal") == [None, RECEIVED + dt.timedelta(minutes=10)]


@pytest.mark.parametrize(("grade", "ongoing", "expected"), [
    ("ordinary", True, None),  # 一般: no follow-up clock
    ("large", True, 30),  # Dongcheng 4.1.5: 较大 and above still being handled, every 30 min
    ("major", True, 30),
    ("large", False, None),  # handling ended: no more follow-ups
])
def test_dongcheng_4_1_5_followup_every_30_minutes(grade, ongoing, expected):
    a = rules("dongcheng", grade=grade, ongoing=ongoing)
    assert a["followup_every_minutes"] == expected


def test_dongcheng_4_1_7_major_reported_to_city_large_not():
    assert rules("dongcheng", grade="major")["report_to_city"] is True
    assert rules("dongcheng", grade="large")["report_to_city"] is False


@pytest.mark.parametrize(("minutes_after_receipt", "late"), [(9, None), (10, None), (11, 1)])
def test_dongcheng_4_1_5_boundary_of_the_10_minute_clock(minutes_after_receipt, late):
    """Reported at minute 10 is on time; at minute 11 it is 1 minute late (迟报)."""
    d = next(d for d in compute_deadlines(load_profile("dongcheng"), facts(grade="unknown")) if d.minutes == 10)
    lateness = d.overdue_by(RECEIVED + dt.timedelta(minutes=minutes_after_receipt))
    assert (lateness.total_seconds() / 60 if lateness else None) == late


@pytest.mark.parametrize(("minutes_after_occurrence", "late"), [(59, None), (60, None), (61, 1)])
def test_dongcheng_4_1_4_boundary_of_the_1_hour_written_report(minutes_after_occurrence, late):
    d = next(d for d in compute_deadlines(load_profile("dongcheng"), facts(grade="ordinary")) if d.kind == "written")
    lateness = d.overdue_by(OCCURRED + dt.timedelta(minutes=minutes_after_occurrence))
    assert (lateness.total_seconds() / 60 if lateness else None) == late


# ---------------------------------------------------------------- municipal plan


def test_beijing_4_1_5_unknown_grade_30_minutes_after_receipt():
    a = rules("beijing", grade="unknown")
    assert due(a, "verbal") == [RECEIVED + dt.timedelta(minutes=30)]
    assert by_kind(a, "verbal")[0]["to"] == ["市委总值班室", "市应急办"]


def test_beijing_4_1_4_large_immediate_and_written_within_2_hours_of_occurrence():
    a = rules("beijing", grade="large")
    assert due(a, "verbal") == [None]
    assert due(a, "written") == [OCCURRED + dt.timedelta(minutes=120)]


def test_beijing_4_1_4_ordinary_alone_triggers_nothing():
    """Municipal 4.1.4 starts at 较大: an ordinary, unflagged event has no municipal clock."""
    assert rules("beijing", grade="ordinary")["deadlines"] == []


@pytest.mark.parametrize(("grade", "expected"), [("large", None), ("major", 30), ("especially_major", 30)])
def test_beijing_4_1_5_followup_for_major_and_above(grade, expected):
    assert rules("beijing", grade=grade)["followup_every_minutes"] == expected


def test_beijing_4_1_6_foreign_related_notifies_taiwan_and_foreign_affairs_offices():
    a = rules("beijing", grade="ordinary", foreign_related=True)
    recipients = {u for d in by_kind(a, "verbal") for u in d["to"]}
    assert any("台办" in u for u in recipients) and any("外办" in u for u in recipients)


# ---------------------------------------------------------------- Shijingshan (municipal clocks)


def test_shijingshan_uses_municipal_30_minute_clock_and_cites_it():
    a = rules("shijingshan", grade="unknown")
    assert due(a, "verbal") == [RECEIVED + dt.timedelta(minutes=30)]
    assert by_kind(a, "verbal")[0]["basis"] == "北京市预案 4.1.5"


# ---------------------------------------------------------------- Tongzhou (no numbers)


@pytest.mark.parametrize("grade", ["unknown", "ordinary", "large", "major"])
def test_tongzhou_4_1_no_numeric_deadlines(grade):
    """Tongzhou 4.1.3/4.1.4: 及时 / 立即, no minutes: due is null, never invented."""
    a = rules("tongzhou", grade=grade)
    assert a["deadlines"], "a report is still owed"
    own = [d for d in a["deadlines"] if not d["basis"].startswith("北京市预案")]  # 4.7.1's 5 h is the city's number
    assert all(d["due"] is None and d["minutes"] is None for d in own)
    assert a["followup_every_minutes"] is None


def test_tongzhou_4_1_3_large_to_city_after_committee_director_approval():
    a = rules("tongzhou", grade="large")
    assert a["report_to_city"] is True
    assert a["city_report"]["leader_review"] is True
    assert "committee_director" in a["city_report"]["reviewer_roles"]
    assert rules("tongzhou", grade="ordinary")["report_to_city"] is False


def test_tongzhou_4_1_4_key_area_immediate_regardless_of_grade():
    """Tongzhou 4.1.4: 城市副中心、行政办公区、人员密集场所 → 立即, not bound by the grade."""
    a = rules("tongzhou", grade="unknown", key_area=True)
    assert any(d["wording"] == "立即" for d in by_kind(a, "verbal"))


# ---------------------------------------------------------------- Pinggu


def test_pinggu_4_1_5_unknown_10_minutes_and_4_1_4_written_60_minutes():
    a = rules("pinggu", grade="unknown")
    assert RECEIVED + dt.timedelta(minutes=10) in due(a, "verbal")
    b = rules("pinggu", grade="ordinary")
    assert due(b, "written") == [OCCURRED + dt.timedelta(minutes=60)]


@pytest.mark.parametrize(("grade", "expected"), [("large", None), ("major", 30)])
def test_pinggu_4_1_5_followup_for_major_and_above(grade, expected):
    assert rules("pinggu", grade=grade)["followup_every_minutes"] == expected


def test_pinggu_4_1_7_and_4_1_8_large_to_city_with_district_leader_review():
    a = rules("pinggu", grade="large")
    assert a["report_to_city"] is True and a["city_report"]["leader_review"] is True


def test_pinggu_public_health_plan_3_3_reporting_unit_30_minutes_to_health_commission():
    """Pinggu PH plan 3.3: reporting unit → 区卫健委 within 30 min; only for public-health events."""
    ph = rules("pinggu", category="public_health", grade="unknown")
    assert RECEIVED + dt.timedelta(minutes=30) in due(ph, "verbal")
    assert any("卫" in u for d in by_kind(ph, "verbal") for u in d["to"])
    acc = rules("pinggu", category="accident", grade="unknown")
    assert RECEIVED + dt.timedelta(minutes=30) not in due(acc, "verbal")


def test_pinggu_public_health_unknown_grade_followups_every_30_minutes():
    """Pinggu PH plan 3.3: unclear nature or grade → follow up every 30 min (stricter than the general plan)."""
    assert rules("pinggu", category="public_health", grade="unknown")["followup_every_minutes"] == 30
    assert rules("pinggu", category="accident", grade="unknown")["followup_every_minutes"] is None


# ---------------------------------------------------------------- the shape outside checks read


def test_output_shape_matches_design_section_4():
    a = rules("dongcheng", grade="unknown", event_type="道路交通事故", deaths=3)
    assert set(a) >= {"profile", "profile_version", "grade", "lead_units", "deadlines", "followup_every_minutes",
                      "report_to_city"}
    assert a["grade"] == {"effective": "unknown", "suggested": "large", "rules": ["accident.deaths.3-9"],
                          "needs_judgment": False}
    assert a["lead_units"] == ["东城交通支队"]
    for d in a["deadlines"]:
        assert d["kind"] in ("verbal", "written", "followup")
        assert set(d) >= {"kind", "due", "anchor", "to", "basis"}


def test_confirmed_grade_drives_clocks_not_the_suggestion():
    """DESIGN 4: 3 deaths suggest 较大 but, while the officer leaves the grade unknown, the unknown clock runs."""
    a = rules("dongcheng", grade="unknown", deaths=3)
    assert a["grade"]["suggested"] == "large"
    assert a["followup_every_minutes"] is None
    assert due(a, "verbal") == [RECEIVED + dt.timedelta(minutes=10)]
