"""The lead-department tables and plan catalogues match the seeds row for row."""

import re

import pytest

from dutyroom.domain.profile_loader import available_profiles, load_profile
from tests.helpers.seeds import seed_lines

# (profile, lead rows, catalogue plans): municipal 2.3.6 / 8.3, Dongcheng 2.3.6 (36) / 8.3,
# Tongzhou 2.3.6 (52) / 8.3 (38), Pinggu 2.3.6 (48) / 8.3.
# Rows whose seed line carries no event-type cell (none at present; add with a reason).
NO_TYPE_CELL: set[tuple[str, int]] = set()
COUNTS = [("beijing", 52, 48), ("dongcheng", 36, 44), ("tongzhou", 52, 38), ("pinggu", 48, 47)]


def _number(source_line: str) -> int:
    return int(re.search(r"L(\d+)", source_line).group(1))


def _blocks(profile, rows) -> list[tuple[object, str]]:
    """Each row with the seed text from its cited line up to the next row's line.

    Some gazettes were extracted from PDF with a table cell wrapped over several lines
    (Pinggu 2.3.6), so a row's text is the block, not the single line."""
    lines = seed_lines(profile.source.seed)
    starts = sorted({_number(r.source_line) for r in rows})
    out = []
    for row in rows:
        n = _number(row.source_line)
        later = [s for s in starts if s > n]
        end = min(later[0] if later else n + 12, n + 12)
        out.append((row, "".join(lines[n - 1:end - 1]) if end > n else lines[n - 1]))
    return out


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_all_profiles_load():
    assert set(available_profiles()) == {"beijing", "dongcheng", "tongzhou", "pinggu", "shijingshan"}
    for key in available_profiles():
        assert load_profile(key).key == key


@pytest.mark.parametrize(("key", "rows", "plans"), COUNTS)
def test_counts(key, rows, plans):
    profile = load_profile(key)
    assert len(profile.lead_departments) == rows
    assert [r.no for r in profile.lead_departments] == list(range(1, rows + 1))
    assert len(profile.plan_catalogue) == plans


@pytest.mark.parametrize(("key", "rows", "plans"), COUNTS)
def test_every_lead_row_is_on_its_seed_line(key, rows, plans):
    """Each row's event type and every lead unit are printed on the line the row cites."""
    profile = load_profile(key)
    for row, block in _blocks(profile, profile.lead_departments):
        line = _squash(block)
        assert _squash(row.event_type) in line or (key, row.no) in NO_TYPE_CELL, (row.no, row.event_type)
        for unit in row.lead_units:
            assert _squash(unit) in line, (key, row.no, unit, line)


@pytest.mark.parametrize(("key", "rows", "plans"), COUNTS)
def test_every_plan_is_on_its_seed_line(key, rows, plans):
    profile = load_profile(key)
    for plan, block in _blocks(profile, profile.plan_catalogue):
        line = _squash(block)
        assert _squash(plan.name) in line, (key, plan.no, plan.name)
        for unit in plan.drafting_units:
            assert _squash(unit) in line, (key, plan.no, unit)


def test_spot_checks():
    """A few rows read off the seeds by hand."""
    bj = load_profile("beijing")
    assert bj.lead_departments[0].event_type == "水灾"  # municipal 2.3.6, L425
    assert bj.lead_departments[0].lead_units == ["市应急局", "市水务局"]
    dc = load_profile("dongcheng")
    assert dc.lead_departments[35].event_type == "旅游突发事件"  # Dongcheng 2.3.6 row 36, D:L381
    assert dc.lead_departments[35].lead_units == ["区文化和旅游局", "东城公安分局"]
    tz = load_profile("tongzhou")
    assert tz.lead_departments[51].event_type == "旅游突发事件"  # Tongzhou 2.3.6 row 52, L1633
    assert tz.plan_catalogue[0].name == "通州区破坏性地震应急预案"
    pg = load_profile("pinggu")
    assert pg.lead_departments[0].lead_units == ["区应急管理局", "区水务局"]  # Pinggu 2.3.6 row 1, A:L839
    assert pg.plan_catalogue[-1].drafting_units == ["区公安分局"]


def test_shijingshan_takes_municipal_clocks_and_says_so():
    """Shijingshan's general plan is not among the seeds: its clocks are the municipal plan's (as a district under it)."""
    sjs, bj = load_profile("shijingshan"), load_profile("beijing")
    assert sjs.under == "beijing"
    # the 24-hour news release centre (4.7.1) is the 市政府新闻办's, not on a district's clock
    assert [c.minutes for c in sjs.reporting.clocks] == [c.minutes for c in bj.reporting.clocks if c.id != "P-press-24h"]
    assert all(c.basis.startswith("北京市预案 ") for c in sjs.reporting.clocks)
    assert any(("市" in n and "继承" in n) or "市级" in n or "北京市" in n for n in sjs.notes)
    # its own plan-management measures (2025): 第三十一条 / 第三十八条 / 第四十一条
    pm = sjs.plan_management
    assert pm.filing_deadline_working_days == 20
    assert pm.evaluation_cycle_years == 3
    assert 3 in pm.drill_cycle_years.values()


def test_no_numbers_invented_for_tongzhou():
    """Tongzhou 4.1: the plan sets no minute deadlines, so none are in the profile; the only number is the
    municipal plan's 5-hour release duty on the district government (北京市预案 4.7.1, issue 20)."""
    tz = load_profile("tongzhou")
    assert all(c.minutes is None for c in tz.reporting.clocks if not c.basis.startswith("北京市预案"))
    assert [c.id for c in tz.reporting.clocks if c.minutes is not None] == ["P-brief-5h"]
    assert {c.wording for c in tz.reporting.clocks} & {"立即", "及时", "及时续报"}


# ---------------------------------------------------------------- places

# (profile, place in the list, the form the seed prints, seed line): every place the profiles say comes from the
# seed. Dongcheng D:L1122-1124 (急救工作站 list) and D:L1289; Tongzhou L560-L4103; Pinggu A:L195-A:L4593;
# key areas by their 管委会 lines.
SEED_PLACES = [
    ("dongcheng", "东华门街道", "东华门", 1122), ("dongcheng", "景山街道", "景山", 1122),
    ("dongcheng", "交道口街道", "交道口", 1124), ("dongcheng", "安定门街道", "安定门", 1124),
    ("dongcheng", "北新桥街道", "北新桥街道", 1122), ("dongcheng", "东四街道", "东四", 1122),
    ("dongcheng", "朝阳门街道", "朝阳门", 1124), ("dongcheng", "建国门街道", "建国门", 1122),
    ("dongcheng", "和平里街道", "和平里", 1122), ("dongcheng", "前门街道", "前门", 1122),
    ("dongcheng", "崇文门外街道", "崇文门外街道", 1289), ("dongcheng", "东花市街道", "东花市街道", 1122),
    ("dongcheng", "龙潭街道", "龙潭", 1122), ("dongcheng", "体育馆路街道", "体育馆", 1124),
    ("dongcheng", "永定门外街道", "永外街道", 1122),
    ("dongcheng", "王府井地区", "王府井地区", 1251), ("dongcheng", "前门地区", "前门地区", 1265),
    ("tongzhou", "北苑街道", "北苑街道", 3195), ("tongzhou", "文景街道", "文景街道", 560),
    ("tongzhou", "临河里街道", "临河里街道", 3195), ("tongzhou", "潞邑街道", "潞邑街道", 3861),
    ("tongzhou", "宋庄镇", "宋庄镇", 3195), ("tongzhou", "张家湾镇", "张家湾镇", 3195),
    ("tongzhou", "漷县镇", "漷县镇", 4103), ("tongzhou", "马驹桥镇", "马驹桥镇", 4103),
    ("tongzhou", "西集镇", "西集镇", 4103), ("tongzhou", "台湖镇", "台湖镇", 3195),
    ("tongzhou", "永乐店镇", "永乐店镇", 4103), ("tongzhou", "潞城镇", "潞城镇", 3195),
    ("tongzhou", "永顺镇", "永顺镇", 3861), ("tongzhou", "梨园镇", "梨园镇", 3195),
    ("tongzhou", "于家务乡", "于家务乡", 4103),
    ("pinggu", "滨河街道", "滨河街道", 4593), ("pinggu", "峪口地区", "峪口地区", 4583),
    ("pinggu", "大华山镇", "大华山", 195), ("pinggu", "镇罗营镇", "镇罗营", 195),
    ("pinggu", "黄松峪乡", "黄松峪乡", 273), ("pinggu", "熊儿寨乡", "熊儿寨乡", 273),
]

# Places the profiles take from outside the seed: the seed must not print them (else it should be cited).
OUTSIDE_PLACES = {
    "dongcheng": ["东直门", "天坛", "体育馆路", "永定门外"],
    "tongzhou": ["中仓街道", "新华街道", "玉桥街道", "潞源街道", "通运街道", "九棵树街道", "杨庄街道"],
    "pinggu": ["兴谷", "渔阳地区", "马坊地区", "金海湖", "东高村", "山东庄", "南独乐河", "夏各庄", "马昌营镇",
               "王辛庄", "大兴庄", "刘家店"],
    "shijingshan": ["八宝山", "老山", "八角", "古城街道", "苹果园街道", "金顶街", "广宁", "五里坨", "鲁谷"],
}


@pytest.mark.parametrize(("key", "place", "printed", "line"), SEED_PLACES)
def test_places_from_the_seed_are_printed_on_the_cited_line(key, place, printed, line):
    profile = load_profile(key)
    assert place in profile.places
    assert printed in seed_lines(profile.source.seed)[line - 1], (key, place, line)


@pytest.mark.parametrize(("key", "names"), OUTSIDE_PLACES.items())
def test_places_cited_from_outside_are_really_absent_from_the_seed(key, names):
    """The notes say these come from 统计用区划代码 / the district's 概况 because the seed is silent."""
    profile = load_profile(key)
    text = "".join(seed_lines(profile.source.seed))
    assert [n for n in names if n in text] == []
    assert all(any(n in p for p in profile.places) for n in names)


def test_every_district_place_is_either_from_the_seed_or_cited_from_outside():
    seed = {(k, p) for k, p, _, _ in SEED_PLACES}
    for key, names in OUTSIDE_PLACES.items():
        for place in load_profile(key).places:
            assert (key, place) in seed or any(n in place for n in names), (key, place)
