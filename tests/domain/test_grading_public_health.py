"""Pinggu public-health plan 1.5.1-1.5.4 severity grading (dutyroom.domain.grading_public_health).

Every test names the clause of 平谷区突发公共卫生事件应急预案（2021年修订版） it checks.
"""

from __future__ import annotations

import re

import pytest

from dutyroom.domain.grading_public_health import PLAN, RULES, evaluate_public_health
from dutyroom.domain.vocabulary import Grade

G1, G2, G3, G4 = Grade.especially_major, Grade.major, Grade.large, Grade.ordinary


def ids(**health) -> list[str]:
    return [h.rule_id for h in evaluate_public_health(health)]


def hit(rule_id: str, **health):
    found = [h for h in evaluate_public_health(health) if h.rule_id == rule_id]
    assert found, f"{rule_id} did not fire for {health}"
    return found[0]


# ---------------------------------------------------------------- the rule table


def test_rule_table_matches_canonical_ids_and_clauses():
    """Pinggu PH 1.5.1-1.5.4: 10 + 11 + 9 + 19 clauses; 1.5.4(3)(4)(5) split into their sub-items (58 records)."""
    got = [r.id for r in RULES]
    expected = (
        [f"PH-L1-{n:02}" for n in range(1, 11)]
        + [f"PH-L2-{n:02}" for n in range(1, 12)]
        + [f"PH-L3-{n:02}" for n in range(1, 10)]
        + ["PH-L4-01", "PH-L4-02"]
        + [f"PH-L4-03{c}" for c in "abcdef"]
        + [f"PH-L4-04{c}" for c in "abcd"]
        + ["PH-L4-05a", "PH-L4-05b"]
        + [f"PH-L4-{n:02}" for n in range(6, 20)]
    )
    assert got == expected
    level = {"1": G1, "2": G2, "3": G3, "4": G4}
    for r in RULES:
        assert r.grade == level[r.id[4]]
        assert r.clause.startswith(f"1.5.{r.id[4]}(")
        number = re.match(r"1\.5\.\d\((\d+)\)", r.clause).group(1)
        assert int(number) == int(r.id[6:8])


def test_empty_input_returns_nothing():
    """Pinggu PH 1.5: no facts, no suggestion."""
    assert evaluate_public_health({}) == []
    assert ids(kind=None, cases=None) == []
    assert ids(kind="poisoning") == []
    assert ids(kind="drinking_water") == []


def test_hits_are_sorted_highest_grade_first_with_basis_and_reason():
    """Pinggu PH 1.5.2(7) + 1.5.4(13): 100 poisoned, 2 dead → 重大 first, then 一般; basis names the sub-clause."""
    hits = evaluate_public_health({"kind": "poisoning", "poisoned": 100, "deaths": 2})
    assert [(h.rule_id, h.grade) for h in hits] == [("PH-L2-07", G2), ("PH-L4-13", G4)]
    assert hits[0].basis == f"{PLAN} 1.5.2(7)" == "平谷区突发公共卫生事件应急预案 1.5.2(7)"
    assert hits[0].reason == "中毒100人（≥100）且死亡2人（2≤死亡<10）"
    assert not hits[0].needs_judgment


def test_basis_names_the_sub_item():
    """Pinggu PH 1.5.4(4)②: mumps basis carries the circled sub-item."""
    assert hit("PH-L4-04b", kind="mumps", cases=10, unit="school", window_days=7).basis == f"{PLAN} 1.5.4(4)②"


# ---------------------------------------------------------------- poisoning, one event


@pytest.mark.parametrize(
    ("deaths", "expected"),
    [
        (1, ["PH-L4-13"]),  # 1.5.4(13) 死亡3人以下
        (2, ["PH-L4-13"]),
        (3, ["PH-L3-05"]),  # 1.5.3(5) 死亡3人以上10人以下
        (9, ["PH-L3-05"]),
        (10, ["PH-L2-07"]),  # 1.5.2(7) 死亡10人以上30人以下
        (29, ["PH-L2-07"]),
        (30, ["PH-L1-06"]),  # 1.5.1(6) 死亡30人以上
    ],
)
def test_poisoning_deaths_ladder(deaths, expected):
    """Pinggu PH 1.5.1(6)/1.5.2(7)/1.5.3(5)/1.5.4(13): deaths 2/3, 9/10, 29/30 (few poisoned)."""
    assert ids(kind="poisoning", poisoned=deaths, deaths=deaths) == expected


def test_poisoning_three_deaths_reason():
    """Pinggu PH 1.5.3(5): poisoning 3 deaths → 较大."""
    h = hit("PH-L3-05", kind="poisoning", deaths=3)
    assert h.grade == G3 and h.reason == "中毒死亡3人（3≤死亡<10）" and not h.needs_judgment


@pytest.mark.parametrize(
    ("exposed", "expected"),
    [
        (49, []),
        (50, ["PH-L4-13"]),  # 1.5.4(13) 暴露50人以上1000人以下
        (999, ["PH-L4-13"]),
        (1000, ["PH-L3-05"]),  # 1.5.3(5) 暴露1000人以上2000人以下
        (1999, ["PH-L3-05"]),
        (2000, ["PH-L2-07"]),  # 1.5.2(7) 暴露2000人以上
        (50000, ["PH-L2-07"]),
    ],
)
def test_poisoning_exposed_ladder(exposed, expected):
    """Pinggu PH 1.5.2(7)/1.5.3(5)/1.5.4(13): exposed 49/50, 999/1000, 1999/2000."""
    assert ids(kind="poisoning", exposed=exposed) == expected


@pytest.mark.parametrize(
    ("poisoned", "deaths", "expected"),
    [
        (9, 0, []),  # below 1.5.4(13): fewer than 10 poisoned, nobody dead
        (10, 0, ["PH-L4-13"]),  # 1.5.4(13) 中毒10人以上且无人员死亡
        (99, 0, ["PH-L4-13"]),
        (100, 0, ["PH-L4-13"]),  # 100 poisoned without deaths stays 一般
        (99, 1, ["PH-L4-13"]),  # 1.5.4(13) 死亡3人以下
        (100, 1, ["PH-L3-05", "PH-L4-13"]),  # 1.5.3(5) 中毒100人以上且死亡1人
        (99, 2, ["PH-L4-13"]),
        (100, 2, ["PH-L2-07", "PH-L4-13"]),  # 1.5.2(7) 中毒100人以上且死亡2人以上10人以下
        (100, 9, ["PH-L2-07", "PH-L3-05"]),
        (99, 9, ["PH-L3-05"]),
        (99, 10, ["PH-L2-07"]),
        (100, 10, ["PH-L1-06", "PH-L2-07"]),  # 1.5.1(6) 中毒100人以上且死亡10人以上
    ],
)
def test_poisoning_poisoned_and_deaths(poisoned, deaths, expected):
    """Pinggu PH 1.5.1(6)/1.5.2(7)/1.5.3(5)/1.5.4(13): poisoned 9/10 and 99/100 with the death combinations."""
    assert ids(kind="poisoning", poisoned=poisoned, deaths=deaths) == expected


# ---------------------------------------------------------------- poisoning clusters and linked districts


@pytest.mark.parametrize(
    ("poisoned", "deaths", "expected"),
    [
        (9, 0, []),
        (10, 0, ["PH-L4-14"]),  # 1.5.4(14) 累计中毒10人以上100人以下且无人员死亡
        (99, 0, ["PH-L4-14"]),
        (100, 0, []),  # the seed caps 1.5.4(14) at <100 and no higher clause covers 100+ without deaths
        (5, 2, ["PH-L4-14"]),  # 1.5.4(14) 死亡3人以下
        (100, 1, ["PH-L3-06", "PH-L4-14"]),  # 1.5.3(6)
        (5, 3, ["PH-L3-06"]),
        (100, 2, ["PH-L2-08", "PH-L4-14"]),  # 1.5.2(8)
        (5, 10, ["PH-L2-08"]),
        (100, 10, ["PH-L1-07", "PH-L2-08"]),  # 1.5.1(7)
        (5, 30, ["PH-L1-07"]),
    ],
)
def test_poisoning_cluster_cumulative(poisoned, deaths, expected):
    """Pinggu PH 1.5.1(7)/1.5.2(8)/1.5.3(6)/1.5.4(14): ≥2 related events in 24 h, cumulative counts."""
    assert ids(kind="poisoning_cluster", poisoned=poisoned, deaths=deaths) == expected


def test_poisoning_cluster_window_is_24_hours():
    """Pinggu PH 1.5.3(6): the kind asserts 24 h; window_days > 1 excludes, absent is not a judgment."""
    assert not hit("PH-L3-06", kind="poisoning_cluster", deaths=3).needs_judgment
    assert ids(kind="poisoning_cluster", deaths=3, window_days=1) == ["PH-L3-06"]
    assert ids(kind="poisoning_cluster", deaths=3, window_days=2) == []


@pytest.mark.parametrize(
    ("linked", "expected"),
    [("major", "PH-L1-08"), ("重大", "PH-L1-08"), ("large", "PH-L2-09"), ("ordinary", "PH-L3-07")],
)
def test_multidistrict_linked_poisoning(linked, expected):
    """Pinggu PH 1.5.1(8)/1.5.2(9)/1.5.3(7): same-type linked poisonings in ≥2 districts, one grade up."""
    hits = evaluate_public_health({"kind": "multidistrict_poisoning", "districts": 2, "linked_district_grade": linked})
    assert [h.rule_id for h in hits] == [expected]
    assert hits[0].needs_judgment


def test_multidistrict_poisoning_needs_the_linked_grade_and_two_districts():
    """Pinggu PH 1.5.3(7): without the districts' grade, or within one district, nothing fires."""
    assert ids(kind="multidistrict_poisoning", districts=2) == []
    assert ids(kind="multidistrict_poisoning", districts=1, linked_district_grade="ordinary") == []


# ---------------------------------------------------------------- drinking water


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"ill": 49}, "PH-L4-18"),  # 1.5.4(18)① 发病50人以下
        ({"ill": 50}, "PH-L3-08"),  # 1.5.3(8)① 50人以上100人以下
        ({"ill": 99}, "PH-L3-08"),
        ({"ill": 100}, "PH-L2-10"),  # 1.5.2(10)① 100人以上500人以下
        ({"ill": 499}, "PH-L2-10"),
        ({"ill": 500}, "PH-L1-09"),  # 1.5.1(9)① 500人以上
        ({"deaths": 1}, "PH-L2-10"),  # 1.5.2(10)① 死亡5人以下
        ({"deaths": 4}, "PH-L2-10"),
        ({"deaths": 5}, "PH-L1-09"),  # 1.5.1(9)① 死亡5人以上
        ({"households": 4999}, "PH-L4-18"),  # 1.5.4(18)② 5000户以下
        ({"households": 5000}, "PH-L3-08"),  # 1.5.3(8)② 5000户以上1万户以下
        ({"households": 9999}, "PH-L3-08"),
        ({"households": 10000}, "PH-L2-10"),  # 1.5.2(10)② 1万户以上5万户以下
        ({"households": 49999}, "PH-L2-10"),
        ({"households": 50000}, "PH-L1-09"),  # 1.5.1(9)② 5万户以上
        ({"area_km2": 0.9}, "PH-L4-18"),  # 1.5.4(18)③ 1平方公里以内
        ({"area_km2": 1}, "PH-L3-08"),  # 1.5.3(8)③ 1以上5以下
        ({"area_km2": 4.9}, "PH-L3-08"),
        ({"area_km2": 5}, "PH-L2-10"),  # 1.5.2(10)③ 5以上10以下
        ({"area_km2": 9.9}, "PH-L2-10"),
        ({"area_km2": 10}, "PH-L1-09"),  # 1.5.1(9)③ 10以上
    ],
)
def test_drinking_water_ladder(facts, expected):
    """Pinggu PH 1.5.1(9)/1.5.2(10)/1.5.3(8)/1.5.4(18): ill, deaths, households and area boundaries."""
    assert ids(kind="drinking_water", **facts) == [expected]


def test_drinking_water_reasons_and_several_criteria():
    """Pinggu PH 1.5.1(9) + 1.5.3(8): every criterion met is listed; the highest grade comes first."""
    hits = evaluate_public_health({"kind": "drinking_water", "ill": 60, "area_km2": 12})
    assert [h.rule_id for h in hits] == ["PH-L1-09", "PH-L3-08"]
    assert hits[0].reason == "饮用水污染影响12平方公里（≥10）"
    assert hits[1].reason == "饮用水污染发病60人（50≤发病<100）"


# ---------------------------------------------------------------- cholera


@pytest.mark.parametrize(
    ("cases", "expected"),
    [
        (9, ["PH-L4-02"]),  # 1.5.4(2) 一周内发病10人以下
        (10, ["PH-L3-03"]),  # 1.5.3(3) 10人以上30人以下
        (29, ["PH-L3-03"]),
        (30, ["PH-L2-03"]),  # 1.5.2(3) 30人以上
    ],
)
def test_cholera_within_a_week(cases, expected):
    """Pinggu PH 1.5.2(3)/1.5.3(3)/1.5.4(2): cholera 9/10, 29/30 cases within 7 days."""
    hits = evaluate_public_health({"kind": "cholera", "cases": cases, "window_days": 7})
    assert [h.rule_id for h in hits] == expected
    assert not hits[0].needs_judgment


@pytest.mark.parametrize("cases", [5, 10, 30, 100])
def test_cholera_counts_over_more_than_a_week_do_not_fire(cases):
    """Pinggu PH 1.5.2(3)/1.5.3(3)/1.5.4(2) 一周内: counts observed over 8 days fire no count rule."""
    assert ids(kind="cholera", cases=cases, window_days=8) == []


def test_cholera_without_window_needs_judgment():
    """Pinggu PH 1.5.3(3): window not given → taken as within 7 days, flagged for judgment."""
    h = hit("PH-L3-03", kind="cholera", cases=12)
    assert h.needs_judgment and "未说明观察天数" in h.reason


def test_cholera_districts_spread_and_first_occurrence():
    """Pinggu PH 1.5.2(3) 波及两个以上行政区并有扩散趋势 / 1.5.3(3) 波及两个以上行政区、首次发生."""
    assert ids(kind="cholera", cases=1, window_days=1, districts=2) == ["PH-L3-03", "PH-L4-02"]
    assert not hit("PH-L3-03", kind="cholera", districts=2).needs_judgment
    assert ids(kind="cholera", districts=2, spreading=True) == ["PH-L2-03", "PH-L3-03"]
    assert hit("PH-L2-03", kind="cholera", districts=2, spreading=True).needs_judgment
    assert ids(kind="cholera", spreading=True) == []
    assert ids(kind="cholera", first_occurrence=True) == ["PH-L3-03", "PH-L4-10"]


# ---------------------------------------------------------------- plague


@pytest.mark.parametrize(
    ("cases", "expected"),
    [
        (0, []),
        (1, ["PH-L4-01"]),  # 1.5.4(1) 1～9例
        (9, ["PH-L4-01"]),
        (10, ["PH-L3-02"]),  # 1.5.3(2) 10～19例
        (19, ["PH-L3-02"]),
        (20, ["PH-L2-02"]),  # 1.5.2(2) 20人以上
    ],
)
def test_bubonic_plague_within_one_incubation_period(cases, expected):
    """Pinggu PH 1.5.2(2)/1.5.3(2)/1.5.4(1): bubonic plague 9/10, 19/20 within 6 days."""
    assert ids(kind="plague_bubonic", cases=cases, window_days=6) == expected


def test_bubonic_plague_window_and_districts():
    """Pinggu PH 1.5.3(2): counts over 7 days do not fire; 波及2个以上行政区 fires without judgment."""
    assert ids(kind="plague_bubonic", cases=25, window_days=7) == []
    assert ids(kind="plague_bubonic", districts=2) == ["PH-L3-02"]
    assert not hit("PH-L3-02", kind="plague_bubonic", districts=2).needs_judgment


@pytest.mark.parametrize(
    ("kind", "cases", "expected"),
    [
        ("plague_pneumonic", 1, ["PH-L3-01"]),  # 1.5.3(1) 1～4例
        ("plague_pneumonic", 4, ["PH-L3-01"]),
        ("plague_pneumonic", 5, ["PH-L2-01"]),  # 1.5.2(1) 5例以上
        ("plague_septicemic", 4, ["PH-L3-01"]),
        ("plague_septicemic", 5, ["PH-L2-01"]),
    ],
)
def test_pneumonic_and_septicemic_plague(kind, cases, expected):
    """Pinggu PH 1.5.2(1)/1.5.3(1): pneumonic or septicemic plague 4/5 within 1 incubation period (6 days)."""
    assert ids(kind=kind, cases=cases, window_days=6) == expected
    assert ids(kind=kind, cases=cases, window_days=7) == []


def test_pneumonic_plague_spread_is_judgment():
    """Pinggu PH 1.5.1(1) / 1.5.2(1): 波及其他行政区并有扩散趋势 fires only when spreading is stated."""
    assert ids(kind="plague_pneumonic", districts=2) == []
    hits = evaluate_public_health({"kind": "plague_pneumonic", "districts": 2, "spreading": True})
    assert [h.rule_id for h in hits] == ["PH-L1-01", "PH-L2-01"]
    assert all(h.needs_judgment for h in hits)
    # 1.5.1(1) names 肺鼠疫 only; septicemic spread reaches 1.5.2(1)
    assert ids(kind="plague_septicemic", districts=2, spreading=True) == ["PH-L2-01"]
    assert ids(kind="plague_pneumonic", other_provinces=True, spreading=True) == ["PH-L1-01"]


def test_numbers_settle_a_rule_even_when_its_judgment_branch_also_fires():
    """Pinggu PH 1.5.2(1): 6 cases in 6 days is enough on its own, so the hit needs no judgment."""
    h = hit("PH-L2-01", kind="plague_pneumonic", cases=6, window_days=6, districts=2, spreading=True)
    assert not h.needs_judgment and "6例" in h.reason and "扩散趋势" in h.reason


def test_pulmonary_anthrax_spread():
    """Pinggu PH 1.5.1(1): 肺炭疽疫情波及两个及以上行政区并有扩散趋势; cutaneous anthrax does not qualify."""
    assert ids(kind="anthrax", form="pulmonary", districts=2, spreading=True) == ["PH-L1-01"]
    assert ids(kind="anthrax", form="cutaneous", districts=2, spreading=True) == []


def test_plague_strain_and_pathogen_loss():
    """Pinggu PH 1.5.1(1) 鼠疫菌强毒株丢失、被盗 / 1.5.1(4) 病原微生物菌（毒）种或样本丢失、被盗."""
    hits = evaluate_public_health({"kind": "plague_strain_loss"})
    assert [(h.rule_id, h.needs_judgment) for h in hits] == [("PH-L1-01", False), ("PH-L1-04", False)]
    assert ids(kind="pathogen_loss") == ["PH-L1-04"]


# ---------------------------------------------------------------- 1.5.4 infectious diseases in a unit


@pytest.mark.parametrize(
    ("facts", "fires"),
    [
        ({"cases": 29}, False),
        ({"cases": 30}, True),  # 30人以上流感样病例
        ({"hospitalised": 4}, False),
        ({"hospitalised": 5}, True),  # 5人以上因流感样症状住院
        ({"deaths": 1}, False),
        ({"deaths": 2}, True),  # 2人以上流感样病例死亡
    ],
)
def test_ili_in_a_school(facts, fires):
    """Pinggu PH 1.5.4(4)①: ILI 29/30 cases, 4/5 hospitalised, 1/2 deaths in one school within a week."""
    assert ids(kind="ili", unit="school", window_days=7, **facts) == (["PH-L4-04a"] if fires else [])


def test_ili_setting_and_window():
    """Pinggu PH 1.5.4(4) 一周内，同一学校、幼儿园等集体单位: village or 8 days excluded; no unit → judgment."""
    assert ids(kind="ili", cases=40, unit="kindergarten", window_days=7) == ["PH-L4-04a"]
    assert ids(kind="ili", cases=40, unit="village", window_days=7) == []
    assert ids(kind="ili", cases=40, unit="school", window_days=8) == []
    h = hit("PH-L4-04a", kind="ili", cases=40, window_days=7)
    assert h.needs_judgment and "未说明发生场所" in h.reason


@pytest.mark.parametrize(
    ("kind", "below", "at", "rule_id"),
    [
        ("mumps", 9, 10, "PH-L4-04b"),  # 1.5.4(4)②
        ("scarlet_fever", 9, 10, "PH-L4-04c"),  # 1.5.4(4)③
        ("varicella", 9, 10, "PH-L4-04d"),  # 1.5.4(4)④
        ("anthrax", 2, 3, "PH-L4-03a"),  # 1.5.4(3)① 皮肤炭疽或者肠炭疽
        ("hepatitis_a_e", 4, 5, "PH-L4-03b"),  # 1.5.4(3)②
        ("typhoid", 4, 5, "PH-L4-03c"),  # 1.5.4(3)③
        ("measles_rubella", 9, 10, "PH-L4-03d"),  # 1.5.4(3)④
        ("hfrs", 4, 5, "PH-L4-03e"),  # 1.5.4(3)⑤
        ("infectious_diarrhoea", 19, 20, "PH-L4-03f"),  # 1.5.4(3)⑥
    ],
)
def test_weekly_unit_case_thresholds(kind, below, at, rule_id):
    """Pinggu PH 1.5.4(3)(4): case thresholds within a week in one school."""
    assert ids(kind=kind, cases=below, unit="school", window_days=7) == []
    assert ids(kind=kind, cases=at, unit="school", window_days=7) == [rule_id]
    assert ids(kind=kind, cases=at, unit="school", window_days=8) == []


@pytest.mark.parametrize(
    ("kind", "below", "at", "rule_id"),
    [
        ("typhoid", 1, 2, "PH-L4-03c"),  # 1.5.4(3)③ 死亡2人以上
        ("hfrs", 0, 1, "PH-L4-03e"),  # 1.5.4(3)⑤ 死亡1人以上
        ("infectious_diarrhoea", 0, 1, "PH-L4-03f"),  # 1.5.4(3)⑥ 死亡1人以上
        ("meningococcal", 1, 2, "PH-L4-05a"),  # 1.5.4(5)① 死亡2人以上
        ("dysentery", 1, 2, "PH-L4-05b"),  # 1.5.4(5)② 死亡2人以上
    ],
)
def test_unit_death_thresholds(kind, below, at, rule_id):
    """Pinggu PH 1.5.4(3)(5): death thresholds in one village."""
    assert ids(kind=kind, deaths=below, unit="village", window_days=3) == []
    assert ids(kind=kind, deaths=at, unit="village", window_days=3) == [rule_id]


def test_village_counts_for_1_5_4_3_but_not_for_1_5_4_4():
    """Pinggu PH 1.5.4(3) lists 自然村、社区; 1.5.4(4) lists only 学校、幼儿园等."""
    assert ids(kind="measles_rubella", cases=10, unit="village", window_days=7) == ["PH-L4-03d"]
    assert ids(kind="mumps", cases=10, unit="village", window_days=7) == []


def test_occupational_anthrax():
    """Pinggu PH 1.5.4(3)① 1人以上职业性炭疽病例."""
    assert ids(kind="anthrax", cases=1, occupational=True, unit="collective_unit", window_days=7) == ["PH-L4-03a"]
    assert ids(kind="anthrax", cases=1, unit="collective_unit", window_days=7) == []


@pytest.mark.parametrize(
    ("kind", "below", "at", "rule_id"),
    [("meningococcal", 2, 3, "PH-L4-05a"), ("dysentery", 9, 10, "PH-L4-05b")],
)
def test_three_day_unit_rules(kind, below, at, rule_id):
    """Pinggu PH 1.5.4(5) 3天内: meningococcal 2/3, dysentery 9/10; 4 days excluded."""
    assert ids(kind=kind, cases=below, unit="community", window_days=3) == []
    assert ids(kind=kind, cases=at, unit="community", window_days=3) == [rule_id]
    assert ids(kind=kind, cases=at, unit="community", window_days=4) == []


def test_tuberculosis_half_year():
    """Pinggu PH 1.5.4(6) 半年内 10人以上或出现结核病死亡病例: 183 days in, 184 days out."""
    assert ids(kind="tuberculosis", cases=9, unit="school", window_days=183) == []
    assert ids(kind="tuberculosis", cases=10, unit="school", window_days=183) == ["PH-L4-06"]
    assert ids(kind="tuberculosis", cases=10, unit="school", window_days=184) == []
    assert ids(kind="tuberculosis", deaths=1, unit="construction_site", window_days=100) == ["PH-L4-06"]
    assert ids(kind="tuberculosis", cases=10, unit="community", window_days=100) == []


def test_japanese_encephalitis():
    """Pinggu PH 1.5.4(7) 一周内，同一乡镇街道 5人以上或死亡1人以上."""
    assert ids(kind="japanese_encephalitis", cases=4, unit="township", window_days=7) == []
    assert ids(kind="japanese_encephalitis", cases=5, unit="township", window_days=7) == ["PH-L4-07"]
    assert ids(kind="japanese_encephalitis", deaths=1, unit="subdistrict", window_days=7) == ["PH-L4-07"]
    assert ids(kind="japanese_encephalitis", cases=5, unit="township", window_days=8) == []


def test_malaria():
    """Pinggu PH 1.5.4(8) 以行政村为单位，一个月内5人以上当地感染 / 输入性恶性疟继发感染."""
    assert ids(kind="malaria", cases=4, unit="village", window_days=30) == []
    assert ids(kind="malaria", cases=5, unit="village", window_days=30) == ["PH-L4-08"]
    assert ids(kind="malaria", cases=5, unit="village", window_days=31) == []
    assert ids(kind="malaria", imported_falciparum_secondary=True) == ["PH-L4-08"]


def test_transfusion_environment_radiation_prophylaxis():
    """Pinggu PH 1.5.4(9)(15)(16)(17): 输血性 3人, 环境因素 3人, 辐射照射 1人, 预防服药不良反应 10人."""
    assert ids(kind="transfusion", cases=2) == []
    assert ids(kind="transfusion", cases=3) == ["PH-L4-09"]
    assert ids(kind="environmental", cases=2) == []
    assert ids(kind="environmental", cases=3) == ["PH-L4-15"]
    assert ids(kind="radiation", exposed=0) == []
    assert ids(kind="radiation", exposed=1) == ["PH-L4-16"]
    assert ids(kind="mass_prophylaxis", cases=9) == []
    assert ids(kind="mass_prophylaxis", cases=10) == ["PH-L4-17"]
    assert not hit("PH-L4-17", kind="mass_prophylaxis", cases=10).needs_judgment


def test_vaccination_group_reaction_is_judgment():
    """Pinggu PH 1.5.4(17) 群体性疑似异常反应: needs ≥2 persons, and 群体性 stays a judgment."""
    assert ids(kind="vaccination", cases=1) == []
    assert hit("PH-L4-17", kind="vaccination", cases=2).needs_judgment


def test_brucellosis():
    """Pinggu PH 1.5.4(12)① 三周内同一场所3人以上 / ② 既往5年无本地病例的区出现1人以上."""
    assert ids(kind="brucellosis", cases=2, unit="farm", window_days=21) == []
    assert ids(kind="brucellosis", cases=3, unit="farm", window_days=21) == ["PH-L4-12"]
    assert ids(kind="brucellosis", cases=3, unit="slaughterhouse", window_days=22) == []
    assert ids(kind="brucellosis", cases=3, unit="school", window_days=21) == []
    assert ids(kind="brucellosis", cases=1, not_seen_5_years=True) == ["PH-L4-10", "PH-L4-12"]


def test_new_to_the_district_and_unexplained_pneumonia():
    """Pinggu PH 1.5.4(10) 本区从未发生过/近5年从未报告的传染病; 1.5.4(11) 发现不明原因肺炎病例."""
    assert ids(kind="new_or_reemerging", first_occurrence=True) == ["PH-L4-10"]
    assert ids(kind="measles_rubella", not_seen_5_years=True) == ["PH-L4-10"]
    assert ids(kind="new_or_reemerging") == []
    assert ids(kind="poisoning", first_occurrence=True) == []
    assert ids(kind="unexplained_pneumonia") == ["PH-L4-11"]


# ---------------------------------------------------------------- unexplained clusters, new diseases, judgment


def test_unexplained_cluster_in_one_unit():
    """Pinggu PH 1.5.3(4): 两周内同一医疗机构或学校等 3人以上相同症状的不明原因疾病."""
    assert ids(kind="unexplained_cluster", cases=2, unit="school", window_days=14) == []
    assert ids(kind="unexplained_cluster", cases=3, unit="medical_institution", window_days=14) == ["PH-L3-04"]
    assert ids(kind="unexplained_cluster", cases=3, unit="school", window_days=15) == []


def test_unexplained_cluster_spread():
    """Pinggu PH 1.5.2(6) 扩散到其他行政区 (fact) / 1.5.1(2) 波及多个行政区并有扩散趋势 (judgment)."""
    assert ids(kind="unexplained_cluster", districts=2) == ["PH-L2-06"]
    hits = evaluate_public_health({"kind": "unexplained_cluster", "districts": 3, "spreading": True})
    assert [(h.rule_id, h.needs_judgment) for h in hits] == [("PH-L1-02", True), ("PH-L2-06", False)]


def test_new_disease_needs_spreading_or_risk_assessment():
    """Pinggu PH 1.5.1(3) 并有扩散趋势 / 重新流行; 1.5.2(5) 经风险评估需要启动Ⅱ级应急响应."""
    assert ids(kind="new_or_reemerging", novelty="new") == ["PH-L4-10"]
    assert ids(kind="new_or_reemerging", novelty="new", spreading=True) == ["PH-L1-03", "PH-L4-10"]
    assert ids(kind="new_or_reemerging", novelty="eliminated_in_china", spreading=True)[0] == "PH-L1-03"
    assert ids(kind="new_or_reemerging", novelty="not_in_china", risk_level=2) == ["PH-L2-05", "PH-L4-10"]
    assert ids(kind="new_or_reemerging", novelty="not_in_china", risk_level=3) == ["PH-L4-10"]
    assert hit("PH-L1-03", kind="new_or_reemerging", novelty="new", spreading=True).needs_judgment
    assert hit("PH-L2-05", kind="new_or_reemerging", novelty="new", risk_level=2).needs_judgment


def test_class_b_managed_as_a():
    """Pinggu PH 1.5.2(4): 乙类按甲类管理, fires only when a risk assessment calls for a Level II response."""
    assert ids(kind="class_b_as_a") == []
    assert ids(kind="class_b_as_a", risk_level=3) == []
    assert hit("PH-L2-04", kind="class_b_as_a", risk_level=2).needs_judgment


def test_imported_cases_of_an_especially_major_epidemic():
    """Pinggu PH 1.5.1(5): 发生特别重大传染病疫情，并在本市出现输入性病例."""
    assert ids(kind="imported") == []
    assert ids(kind="imported", source_grade="major") == []
    assert hit("PH-L1-05", kind="imported", source_grade="especially_major").needs_judgment


@pytest.mark.parametrize(
    ("by", "grade", "expected"),
    [
        ("国家卫生健康委", None, ["PH-L1-10"]),  # 1.5.1(10)
        ("市卫生健康委", None, ["PH-L2-11", "PH-L3-09"]),  # 1.5.2(11), 1.5.3(9): grade not stated
        ("市卫生健康委", "重大", ["PH-L2-11"]),
        ("北京市卫生健康委员会", "large", ["PH-L3-09"]),
        ("区卫生健康委", None, ["PH-L4-19"]),  # 1.5.4(19)
        ("北京市平谷区卫生健康委员会", None, ["PH-L4-19"]),
        ("district", "ordinary", ["PH-L4-19"]),
        ("区卫生健康委", "major", []),
    ],
)
def test_designations(by, grade, expected):
    """Pinggu PH 1.5.1(10)/1.5.2(11)/1.5.3(9)/1.5.4(19): 认定 by the health commissions, always judgment."""
    hits = evaluate_public_health({"kind": "designated", "designated_by": by, "designated_grade": grade})
    assert [h.rule_id for h in hits] == expected
    assert all(h.needs_judgment for h in hits)


def test_designation_applies_to_any_kind():
    """Pinggu PH 1.5.4(19): a designation stands beside the numeric rules of the event's own kind."""
    assert ids(kind="poisoning", deaths=1, designated_by="区卫生健康委") == ["PH-L4-13", "PH-L4-19"]


# ---------------------------------------------------------------- input checking


def test_string_values_from_a_form_are_accepted():
    """Pinggu PH 1.5.3(5): counts typed as text still grade."""
    assert ids(kind="poisoning", deaths="3", spreading="否") == ["PH-L3-05"]


@pytest.mark.parametrize(
    "health",
    [
        {"kind": "food_poisoning"},
        {"kind": "poisoning", "death": 3},
        {"kind": "poisoning", "deaths": -1},
        {"kind": "poisoning", "deaths": 2.5},
        {"kind": "poisoning", "spreading": "maybe"},
        {"kind": "anthrax", "form": "lung"},
        {"designated_by": "卫生局"},
        {"kind": "imported", "source_grade": "huge"},
    ],
)
def test_bad_input_raises(health):
    """Pinggu PH 1.5: a typo must not silently grade as zero."""
    with pytest.raises(ValueError):
        evaluate_public_health(health)
