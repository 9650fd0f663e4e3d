"""Warning approval chains per profile and colour, and the accident grading thresholds."""

import pytest

from dutyroom.domain.grading import suggest_grade
from dutyroom.domain.profile_loader import load_profile
from dutyroom.domain.rules import warning_rules
from dutyroom.domain.vocabulary import Category, Colour, Grade

PROFILES = ["beijing", "dongcheng", "tongzhou", "pinggu", "shijingshan"]


def chain(key, colour, category=None):
    w = warning_rules(load_profile(key), Colour(colour), Category(category) if category else None)
    return [(s["role"], s["kind"]) for s in w["steps"]], w


@pytest.mark.parametrize("key", PROFILES)
@pytest.mark.parametrize("colour", ["blue", "yellow"])
def test_blue_and_yellow_issued_by_the_department_without_approval(key, colour):
    """3.2.3 in every plan: blue/yellow are issued and lifted by the department itself and filed."""
    steps, w = chain(key, colour)
    assert steps == []
    assert w["issuer"] == "department" and w["lifted_by"] == "department"
    assert w["filed_with"], "blue/yellow warnings are filed (备案)"
    assert len(w["measures"]) == 4  # 3.2.5: the four blue/yellow measures


def test_dongcheng_3_2_3_orange_office_then_leader_in_charge():
    assert chain("dongcheng", "orange")[0] == [("office_director", "sign_off"), ("leader_in_charge", "sign_off")]


def test_dongcheng_3_2_3_red_office_then_principal_leader():
    steps, w = chain("dongcheng", "red")
    assert steps == [("office_director", "sign_off"), ("committee_director", "sign_off")]
    assert load_profile("dongcheng").role_titles.get("committee_director") == "区长"
    assert len(w["measures"]) == 12  # 3.2.5: four plus eight


@pytest.mark.parametrize("colour", ["orange", "red"])
def test_tongzhou_3_2_3_district_leader_then_city_emergency_office_decision(colour):
    steps, w = chain("tongzhou", colour)
    assert steps == [("leader_in_charge", "sign_off"), ("city_emergency_office", "external_decision")]
    assert w["issuer"] == "office_director"


def test_pinggu_3_2_3_orange_leader_in_charge_red_committee_director():
    assert chain("pinggu", "orange")[0] == [("leader_in_charge", "sign_off")]
    assert chain("pinggu", "red")[0] == [("committee_director", "sign_off")]


def test_pinggu_public_health_plan_3_2_2_red_via_office_to_committee_director():
    steps, w = chain("pinggu", "red", "public_health")
    assert steps[-1] == ("committee_director", "sign_off")
    assert ("office_director", "sign_off") in steps
    assert w["category"] == "public_health"


def test_beijing_3_2_3_red_approved_by_committee_director_the_mayor():
    assert chain("beijing", "red")[0][-1] == ("committee_director", "sign_off")
    assert chain("beijing", "orange")[0][-1] == ("leader_in_charge", "sign_off")


def test_warning_output_shape_design_section_4():
    _, w = chain("tongzhou", "orange")
    assert set(w) >= {"profile", "profile_version", "level", "steps", "issuer", "lifted_by", "filed_with", "measures"}
    assert all(set(s) >= {"role", "kind", "basis"} for s in w["steps"])


# ---------------------------------------------------------------- 国务院令第493号 第三条


def grade_for(**facts):
    s = suggest_grade(Category.accident, facts, ["accident_decree_493"])
    return s.suggested, s.rule_ids


@pytest.mark.parametrize(("deaths", "grade", "rule"), [
    (1, Grade.ordinary, "accident.deaths.1-2"),
    (2, Grade.ordinary, "accident.deaths.1-2"),  # "3人以下" excludes 3
    (3, Grade.large, "accident.deaths.3-9"),  # "3人以上" includes 3
    (9, Grade.large, "accident.deaths.3-9"),
    (10, Grade.major, "accident.deaths.10-29"),
    (29, Grade.major, "accident.deaths.10-29"),
    (30, Grade.especially_major, "accident.deaths.30+"),
])
def test_decree_493_deaths_boundaries(deaths, grade, rule):
    assert grade_for(deaths=deaths) == (grade, [rule])


@pytest.mark.parametrize(("n", "grade"), [
    (9, Grade.ordinary), (10, Grade.large), (49, Grade.large), (50, Grade.major), (99, Grade.major),
    (100, Grade.especially_major),
])
def test_decree_493_seriously_injured_boundaries(n, grade):
    assert grade_for(seriously_injured=n)[0] == grade


@pytest.mark.parametrize(("cny", "grade"), [
    (9_999_999, Grade.ordinary), (10_000_000, Grade.large), (49_999_999, Grade.large), (50_000_000, Grade.major),
    (99_999_999, Grade.major), (100_000_000, Grade.especially_major),
])
def test_decree_493_direct_loss_boundaries(cny, grade):
    assert grade_for(economic_loss_cny=cny)[0] == grade


def test_decree_493_highest_metric_wins_and_only_its_rules_are_reported():
    assert grade_for(deaths=2, seriously_injured=55) == (Grade.major, ["accident.seriously_injured.50-99"])


def test_no_casualties_no_loss_means_no_suggestion_and_judgment():
    s = suggest_grade(Category.accident, {}, ["accident_decree_493"])
    assert s.suggested is None and s.needs_judgment is True


def test_grading_applies_only_where_the_profile_enables_it():
    """Public-health grading comes from Pinggu's PH plan; other profiles give no PH suggestion."""
    health = {"kind": "poisoning", "deaths": 3, "poisoned": 20}
    assert suggest_grade(Category.public_health, {"health": health}, ["public_health_pinggu"]).suggested == Grade.large
    assert suggest_grade(Category.public_health, {"health": health}, ["accident_decree_493"]).suggested is None
