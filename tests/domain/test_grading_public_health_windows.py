"""Issue 20 item 8: public-health grading counts the cases within the windows the rules name, from the incident's
dated updates. pinggu_2022_general_plan_and_public_health_plan.txt L3072-L3074 (1.5.3(1)): 1个平均潜伏期内发生肺鼠疫或
败血症鼠疫病例数1～4例 → 较大; 1.5.2(1): 1个平均潜伏期内（6天）… 5例以上 → 重大."""

import datetime as dt

from dutyroom.domain.grading_public_health import evaluate_public_health, evaluate_series
from dutyroom.domain.vocabulary import Grade
from tests.helpers.seeds import seed_lines

T0 = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)
PINGGU = "pinggu_2022_general_plan_and_public_health_plan.txt"


def series(days_and_totals):
    return [(T0 + dt.timedelta(days=d), {"kind": "plague_pneumonic", "cases": n}) for d, n in days_and_totals]


def top(hits):
    return (hits[0].grade, hits[0].rule_id) if hits else (None, None)


def test_the_clause_counts_cases_within_one_incubation_period():
    lines = seed_lines(PINGGU)
    assert "1 个平均潜伏期内发生肺鼠疫或败" in lines[3071] and "血症鼠疫病例数 1～4例" in lines[3073]


def test_five_cases_over_seven_days_grade_large_not_nothing():
    """One case a day for five reports spread over 7 days: no 6-day window holds 5, one holds 4 → 1.5.3(1) 较大."""
    updates = series([(0, 1), (2, 2), (4, 3), (6, 4), (7, 5)])
    assert evaluate_public_health({"kind": "plague_pneumonic", "cases": 5, "window_days": 7}) == []  # today's gap
    grade, rule = top(evaluate_series(updates))
    assert (grade, rule) == (Grade.large, "PH-L3-01")
    assert not evaluate_series(updates)[0].needs_judgment


def test_five_cases_within_six_days_grade_major():
    """The same five reported within 6 days → 1.5.2(1) 重大."""
    grade, rule = top(evaluate_series(series([(0, 1), (2, 2), (4, 3), (5, 4), (6, 5)])))
    assert (grade, rule) == (Grade.major, "PH-L2-01")


def test_five_within_six_days_inside_a_longer_outbreak_still_grade_major():
    """Cases at days 0 and 10-15: the last 5 fall within 6 days (10→15) → 重大, though the span is 15 days."""
    grade, _rule = top(evaluate_series(series([(0, 1), (10, 2), (12, 4), (15, 6)])))
    assert grade == Grade.major


def test_a_single_update_is_graded_as_before():
    one = series([(0, 5)])
    assert [h.rule_id for h in evaluate_series(one)] == [h.rule_id for h in evaluate_public_health(one[0][1])]
