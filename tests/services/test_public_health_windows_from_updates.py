"""Issue 20 item 8 through the facts log (更新事态): the grade suggestion counts the public-health cases reported
within the windows the rules name, from the incident's dated updates (known_at).
pinggu_2022_general_plan_and_public_health_plan.txt L3072-L3074 (1.5.3(1)): 1个平均潜伏期内…肺鼠疫…1～4例 → 较大;
1.5.2(1): 6天内5例以上 → 重大."""

from __future__ import annotations

import datetime as dt

from tests.helpers.incidents import RECEIVED, intake
from tests.helpers.seeds import seed_lines

DAY = dt.timedelta(days=1)


def reported(desk, days_and_totals) -> str | None:
    svc = desk.incidents("pinggu")
    officer = desk["zhouning"]
    _day0, first = days_and_totals[0]
    v = svc.register(officer, intake("pinggu", "public_health", health={"kind": "plague_pneumonic", "cases": first}),
                     now=RECEIVED)
    for day, total in days_and_totals[1:]:
        at = RECEIVED + day * DAY
        v = svc.update(officer, v.id, {"health": {"kind": "plague_pneumonic", "cases": total}}, known_at=at,
                       now=at + dt.timedelta(minutes=5))
    assert v.advice.suggested == v.grade_suggested  # the detail view and the stored suggestion agree
    return v.grade_suggested


def test_five_pneumonic_plague_cases_reported_over_seven_days_suggest_large(desk):
    assert "血症鼠疫病例数 1～4例" in seed_lines("pinggu_2022_general_plan_and_public_health_plan.txt")[3073]
    assert reported(desk, [(0, 1), (2, 2), (4, 3), (6, 4), (7, 5)]) == "large"


def test_five_pneumonic_plague_cases_reported_within_six_days_suggest_major(desk):
    assert reported(desk, [(0, 1), (2, 2), (4, 3), (5, 4), (6, 5)]) == "major"
