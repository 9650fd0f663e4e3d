"""Dongcheng 4.1.6 (seeds/dongcheng_2022_general_plan.txt line 499): a foreign- or HK/Macao/Taiwan-related event
is notified to 区外办/区台办 and, with the consent of the 区应急委's leader in charge or principal leader, reported
to 市应急办 — whatever the grade."""

import pytest

from dutyroom.domain.profile_loader import load_profile
from dutyroom.domain.reporting_clock import reviewers_for
from tests.domain.test_rules_incident import rules


@pytest.mark.parametrize("grade", ["unknown", "ordinary", "large"])
def test_dongcheng_4_1_6_foreign_event_goes_to_the_city_after_the_leaders_consent(grade):
    a = rules("dongcheng", grade=grade, foreign_related=True)
    city = next(d for d in a["deadlines"] if d["to"] == ["市应急办"])
    assert city["basis"] == "4.1.6" and city["leader_review"] is True
    assert set(city["reviewer_roles"]) == {"leader_in_charge", "committee_director"}
    assert "同意后" in city["wording"] and city["due"] is None  # the plan gives no minutes
    assert a["report_to_city"] is True
    assert a["city_report"]["basis"] == "4.1.6" and a["city_report"]["to"] == ["市应急办"]
    assert a["city_report"]["leader_review"] is True
    notice = next(d for d in a["deadlines"] if d["to"] == ["区外办", "区台办"])
    assert "leader_review" not in notice  # the notification itself needs no consent


def test_dongcheng_4_1_6_no_city_report_without_the_foreign_flag():
    a = rules("dongcheng", grade="ordinary")
    assert a["report_to_city"] is False and a["city_report"] is None
    assert all(d["to"] != ["市应急办"] for d in a["deadlines"])


def test_dongcheng_4_1_7_major_foreign_event_keeps_the_unreviewed_city_route():
    """4.1.7 (line 501) still reports a major event to 市委/市政府 without review; 4.1.6 adds 市应急办 with it."""
    a = rules("dongcheng", grade="major", foreign_related=True)
    assert a["city_report"]["basis"] == "4.1.7" and a["city_report"]["leader_review"] is False
    assert any(d["to"] == ["市应急办"] and d["leader_review"] for d in a["deadlines"])
    p = load_profile("dongcheng")
    assert reviewers_for(p, ["市委", "市政府"]) is None
    assert set(reviewers_for(p, ["市应急办"])) == {"leader_in_charge", "committee_director"}
