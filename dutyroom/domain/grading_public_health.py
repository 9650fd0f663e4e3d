"""Severity grading of public-health events: 平谷区突发公共卫生事件应急预案（2021年修订版）1.5.1-1.5.4.

The plan's grading clauses are written below as DATA (``RULES``), one record per clause or sub-clause, in the
plan's order, with the ids of the canonical rule list (PH-L1-01 … PH-L4-19, docs A2.2).  Every threshold was
checked against the seed text (seed lines 2948-3243).  ``evaluate_public_health`` returns every rule that fires,
highest grade first; the result is a *suggestion* for the duty officer, never a decision.

Food and drug safety events are graded under the municipal committee's plans, not here (1.5).

Semantics (plan 6.1(6)): "以上" includes the number (≥), "以下" excludes it (<); "1～4例" is inclusive;
"1平方公里以内" is read as < 1 km² because 较大 already covers ≥ 1.  "行政区" means a Beijing district.
"死亡N人以下" with no lower bound (1.5.2(10)①, 1.5.4(13)(14)) is read as 1 ≤ deaths < N: deaths occurred.

The ``health`` mapping (every key optional; absent / None means 0, false or unknown; unknown keys raise):

  kind            what happened, one of KINDS:
                    poisoning            one acute poisoning event (1.5.x 单起中毒)
                    poisoning_cluster    ≥2 possibly related same-type poisonings in one district within 24 h;
                                         poisoned/deaths are cumulative
                    multidistrict_poisoning  same-type poisonings in ≥2 districts with a clearly linked cause
                    drinking_water       drinking-water pollution
                    plague_pneumonic, plague_septicemic, plague_bubonic, plague_strain_loss (鼠疫菌强毒株丢失、被盗)
                    cholera, anthrax, hepatitis_a_e, typhoid (incl. paratyphoid), measles_rubella, hfrs (流行性出血热),
                    infectious_diarrhoea (other than cholera/dysentery/typhoid), ili (流感样病例), mumps,
                    scarlet_fever, varicella, meningococcal (流脑), dysentery (bacterial/amoebic), tuberculosis,
                    japanese_encephalitis, malaria, transfusion (输血性乙肝/丙肝/艾滋病), brucellosis,
                    new_or_reemerging, class_b_as_a (乙类按甲类管理), imported (输入性病例 of an epidemic elsewhere),
                    unexplained_cluster (群体性不明原因疾病), unexplained_pneumonia, pathogen_loss,
                    environmental, radiation, vaccination (群体性疑似预防接种异常反应),
                    mass_prophylaxis (预防服药不良反应), designated (only an 认定 is known)
  cases           cases (病例/发病人数); for vaccination / mass_prophylaxis: persons with reactions
  deaths          deaths
  hospitalised    hospitalised cases (ILI)
  exposed         persons exposed (poisoning); persons accidentally irradiated (radiation)
  poisoned        persons poisoned (cumulative for poisoning_cluster)
  ill             persons fallen ill (drinking_water)
  households      households affected (drinking_water)
  area_km2        area affected in km² (drinking_water)
  window_days     days over which the counts were observed (may be fractional)
  unit            setting of the counts, one of: school, kindergarten, village (村), community (社区),
                  construction_site, collective_unit (other 集体单位: factory, care home, barracks …),
                  medical_institution, blood_station, township, subdistrict (街道), farm, livestock_market,
                  slaughterhouse
  districts       number of Beijing districts affected
  form            anthrax form: pulmonary, cutaneous, intestinal
  novelty         for new_or_reemerging: new (新发, first found worldwide), not_in_china (国内尚未发现),
                  eliminated_in_china (国内已消灭)
  risk_level      response level 1-4 that a risk assessment called for (1.5.2(4)(5))
  source_grade    grade of the epidemic at the source of imported cases (1.5.1(5))
  designated_by   who designated the event (认定): 国家卫生健康委 / 市卫生健康委 / 区卫生健康委
                  (or national / city / district)
  designated_grade  the grade designated; needed to tell 市卫健委's 重大 (1.5.2(11)) from 较大 (1.5.3(9))
  linked_district_grade  grade each district's linked poisoning reaches (the lowest of them), multidistrict_poisoning
  spreading, other_provinces, first_occurrence (本区首次发生), not_seen_5_years (本区近5年未报告),
  imported_falciparum_secondary, occupational (职业性炭疽)   booleans

Time windows and settings: a count rule with a window (1 incubation period of plague = PLAGUE_INCUBATION_DAYS,
7 days, 3 days, 14 days, 21 days, half a year = 183 days, 1 month = 30 days) fires only if ``window_days`` ≤ the
window; if ``window_days`` is absent the counts are taken as within the window and the hit needs_judgment.  A rule
tied to settings fires only if ``unit`` is one of them; if ``unit`` is absent it fires and needs_judgment.  The
kind poisoning_cluster asserts its 24 h window by definition (window_days > 1 excludes it).
Counts are those of Pinggu (one district); ``districts`` only drives the "spans ≥2 districts" alternatives.

Rules that rest on 扩散趋势, 风险评估 or 认定 fire only when the caller states that fact, and carry needs_judgment.
A rule whose fired alternatives all need judgment is returned with needs_judgment=True.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from .grading_types import RuleHit
from .numbers import UNITS, NumberError, read_amount
from .vocabulary import Grade, grade_rank

PLAN = "平谷区突发公共卫生事件应急预案"
PLAGUE_INCUBATION_DAYS = 6  # "1 个平均潜伏期内（6 天）", stated in 1.5.2(1); used for every plague window

PLAGUE = frozenset({"plague_pneumonic", "plague_septicemic", "plague_bubonic"})
INFECTIOUS = PLAGUE | {
    "cholera", "anthrax", "hepatitis_a_e", "typhoid", "measles_rubella", "hfrs", "infectious_diarrhoea", "ili",
    "mumps", "scarlet_fever", "varicella", "meningococcal", "dysentery", "tuberculosis", "japanese_encephalitis",
    "malaria", "transfusion", "brucellosis", "new_or_reemerging", "class_b_as_a", "imported",
}  # fmt: skip
KINDS = INFECTIOUS | {
    "poisoning", "poisoning_cluster", "multidistrict_poisoning", "drinking_water", "plague_strain_loss",
    "unexplained_cluster", "unexplained_pneumonia", "pathogen_loss", "environmental", "radiation", "vaccination",
    "mass_prophylaxis", "designated",
}  # fmt: skip

FORMS = frozenset({"pulmonary", "cutaneous", "intestinal"})  # anthrax
NOVELTIES = frozenset({"new", "not_in_china", "eliminated_in_china"})

# Settings named by the clauses ("等" leaves the lists open; collective_unit stands for the rest)
COLLECTIVE = frozenset({"school", "kindergarten", "village", "community", "construction_site", "collective_unit"})
SCHOOLS = frozenset({"school", "kindergarten", "collective_unit"})  # 1.5.4(4) 同一学校、幼儿园等集体单位
UNEXPLAINED_UNITS = COLLECTIVE | {"medical_institution"}  # 1.5.3(4)
TB_UNITS = frozenset({"school", "kindergarten", "construction_site", "collective_unit"})  # 1.5.4(6)
TOWNSHIP = COLLECTIVE | {"township", "subdistrict"}  # 1.5.4(7) 同一乡镇街道等 (a smaller setting lies in one)
VILLAGE = frozenset({"village"})  # 1.5.4(8) 以行政村为单位
BRUCELLA_UNITS = frozenset({"village", "community", "farm", "livestock_market", "slaughterhouse", "collective_unit"})

G1, G2, G3, G4 = Grade.especially_major, Grade.major, Grade.large, Grade.ordinary


@dataclass
class Facts:
    """The normalised ``health`` mapping (see the module docstring)."""

    kind: str | None = None
    cases: int = 0
    deaths: int = 0
    hospitalised: int = 0
    exposed: int = 0
    poisoned: int = 0
    ill: int = 0
    households: int = 0
    area_km2: float = 0.0
    window_days: float | None = None
    unit: str | None = None
    districts: int = 0
    form: str | None = None
    novelty: str | None = None
    risk_level: int | None = None
    source_grade: Grade | None = None
    designated_by: str | None = None  # normalised: national / city / district
    designated_grade: Grade | None = None
    linked_district_grade: Grade | None = None
    spreading: bool = False
    other_provinces: bool = False
    first_occurrence: bool = False
    not_seen_5_years: bool = False
    imported_falciparum_secondary: bool = False
    occupational: bool = False


@dataclass(frozen=True)
class Alt:
    """One alternative of a clause ("或者"): a test on the facts and the reason shown when it holds."""

    test: Callable[[Facts], bool]
    reason: str  # str.format template over the Facts fields
    window: float | None = None  # days
    units: frozenset[str] | None = None
    judgment: bool = False
    window_implied: bool = False  # the kind itself asserts the window (poisoning_cluster)


@dataclass(frozen=True)
class Rule:
    id: str
    grade: Grade
    clause: str  # e.g. "1.5.3(5)"
    kinds: frozenset[str] | None  # None: any kind
    alts: tuple[Alt, ...]


def R(rule_id: str, grade: Grade, clause: str, kinds: str | frozenset[str] | None, *alts: Alt) -> Rule:
    return Rule(rule_id, grade, clause, frozenset({kinds}) if isinstance(kinds, str) else kinds, alts)


A = Alt
DAY = {"window": 1, "window_implied": True}  # poisoning_cluster: 24 h
W6 = {"window": PLAGUE_INCUBATION_DAYS}
W7 = {"window": 7}
W7C = {"window": 7, "units": COLLECTIVE}  # 1.5.4(3)
W7S = {"window": 7, "units": SCHOOLS}  # 1.5.4(4)
W3C = {"window": 3, "units": COLLECTIVE}  # 1.5.4(5)
W183 = {"window": 183, "units": TB_UNITS}  # 1.5.4(6) 半年内
JUDGE = {"judgment": True}


def _lung(f: Facts) -> bool:
    return f.kind == "plague_pneumonic" or (f.kind == "anthrax" and f.form == "pulmonary")


def _linked(f: Facts, *grades: Grade) -> bool:
    return f.districts != 1 and f.linked_district_grade in grades


def _designated(f: Facts, by: str, grade: Grade) -> bool:
    return f.designated_by == by and f.designated_grade in (None, grade)


POISON = frozenset({"poisoning"})
CLUSTER = frozenset({"poisoning_cluster"})
PNEU_SEPT = frozenset({"plague_pneumonic", "plague_septicemic"})

RULES: tuple[Rule, ...] = (
    # ---- 1.5.1 特别重大 ----
    R("PH-L1-01", G1, "1.5.1(1)", frozenset({"plague_pneumonic", "anthrax", "plague_strain_loss"}),
      A(lambda f: _lung(f) and f.districts >= 2 and f.spreading, "肺鼠疫/肺炭疽波及{districts}个区并有扩散趋势",
        **JUDGE),
      A(lambda f: _lung(f) and f.other_provinces and f.spreading, "相关联疫情波及其他省份并有进一步扩散趋势", **JUDGE),
      A(lambda f: f.kind == "plague_strain_loss", "鼠疫菌强毒株丢失、被盗")),
    R("PH-L1-02", G1, "1.5.1(2)", "unexplained_cluster",
      A(lambda f: f.districts >= 2 and f.spreading, "群体性不明原因疾病波及{districts}个区并有扩散趋势", **JUDGE)),
    R("PH-L1-03", G1, "1.5.1(3)", "new_or_reemerging",
      A(lambda f: f.novelty in ("new", "not_in_china") and f.spreading,
        "新发/国内尚未发现的传染病在本市发生或输入并有扩散趋势", **JUDGE),
      A(lambda f: f.novelty == "eliminated_in_china" and f.spreading, "国内已消灭的传染病在本市重新流行", **JUDGE)),
    R("PH-L1-04", G1, "1.5.1(4)", frozenset({"pathogen_loss", "plague_strain_loss"}),
      A(lambda f: True, "高致病性等病原微生物菌（毒）种或样本丢失、被盗")),
    R("PH-L1-05", G1, "1.5.1(5)", "imported",
      A(lambda f: f.source_grade == G1, "境外或国内其他地区特别重大传染病疫情，本市出现输入性病例", **JUDGE)),
    R("PH-L1-06", G1, "1.5.1(6)", POISON,
      A(lambda f: f.poisoned >= 100 and f.deaths >= 10, "中毒{poisoned}人（≥100）且死亡{deaths}人（≥10）"),
      A(lambda f: f.deaths >= 30, "中毒死亡{deaths}人（≥30）")),
    R("PH-L1-07", G1, "1.5.1(7)", CLUSTER,
      A(lambda f: f.poisoned >= 100 and f.deaths >= 10, "24小时内累计中毒{poisoned}人（≥100）且死亡{deaths}人（≥10）",
        **DAY),
      A(lambda f: f.deaths >= 30, "24小时内累计中毒死亡{deaths}人（≥30）", **DAY)),
    R("PH-L1-08", G1, "1.5.1(8)", "multidistrict_poisoning",
      A(lambda f: _linked(f, G1, G2), "两个以上区发生原因明确关联的同类重大（II级）中毒事件", **JUDGE)),
    R("PH-L1-09", G1, "1.5.1(9)", "drinking_water",
      A(lambda f: f.ill >= 500, "饮用水污染发病{ill}人（≥500）"),
      A(lambda f: f.deaths >= 5, "饮用水污染死亡{deaths}人（≥5）"),
      A(lambda f: f.households >= 50000, "饮用水污染影响{households}户（≥5万户）"),
      A(lambda f: f.area_km2 >= 10, "饮用水污染影响{area_km2:g}平方公里（≥10）")),
    R("PH-L1-10", G1, "1.5.1(10)", None,
      A(lambda f: _designated(f, "national", G1), "国家卫生健康委认定为特别重大", **JUDGE)),
    # ---- 1.5.2 重大 ----
    R("PH-L2-01", G2, "1.5.2(1)", PNEU_SEPT,
      A(lambda f: f.cases >= 5, "肺鼠疫/败血症鼠疫{cases}例（≥5，6天内）", **W6),
      A(lambda f: f.districts >= 2 and f.spreading, "相关联疫情波及其他区并有进一步扩散趋势", **JUDGE)),
    R("PH-L2-02", G2, "1.5.2(2)", "plague_bubonic",
      A(lambda f: f.cases >= 20, "腺鼠疫多点连续发病{cases}人（≥20，6天内）", **W6)),
    R("PH-L2-03", G2, "1.5.2(3)", "cholera",
      A(lambda f: f.cases >= 30, "霍乱一周内发病{cases}人（≥30）", **W7),
      A(lambda f: f.districts >= 2 and f.spreading, "霍乱波及{districts}个区并有扩散趋势", **JUDGE)),
    R("PH-L2-04", G2, "1.5.2(4)", "class_b_as_a",
      A(lambda f: f.risk_level is not None and f.risk_level <= 2, "乙类按甲类管理传染病，风险评估需启动II级及以上响应",
        **JUDGE)),
    R("PH-L2-05", G2, "1.5.2(5)", "new_or_reemerging",
      A(lambda f: f.novelty is not None and f.risk_level is not None and f.risk_level <= 2,
        "新发/国内尚未发现/国内已消灭的传染病在本市发生或输入，风险评估需启动II级及以上响应", **JUDGE)),
    R("PH-L2-06", G2, "1.5.2(6)", "unexplained_cluster",
      A(lambda f: f.districts >= 2, "群体性不明原因疾病扩散到其他区（波及{districts}个区）")),
    R("PH-L2-07", G2, "1.5.2(7)", POISON,
      A(lambda f: f.exposed >= 2000, "中毒事件暴露{exposed}人（≥2000）"),
      A(lambda f: f.poisoned >= 100 and 2 <= f.deaths < 10, "中毒{poisoned}人（≥100）且死亡{deaths}人（2≤死亡<10）"),
      A(lambda f: 10 <= f.deaths < 30, "中毒死亡{deaths}人（10≤死亡<30）")),
    R("PH-L2-08", G2, "1.5.2(8)", CLUSTER,
      A(lambda f: f.poisoned >= 100 and 2 <= f.deaths < 10,
        "24小时内累计中毒{poisoned}人（≥100）且死亡{deaths}人（2≤死亡<10）", **DAY),
      A(lambda f: 10 <= f.deaths < 30, "24小时内累计中毒死亡{deaths}人（10≤死亡<30）", **DAY)),
    R("PH-L2-09", G2, "1.5.2(9)", "multidistrict_poisoning",
      A(lambda f: _linked(f, G3), "两个以上区发生原因明确关联的同类较大（III级）中毒事件", **JUDGE)),
    R("PH-L2-10", G2, "1.5.2(10)", "drinking_water",
      A(lambda f: 100 <= f.ill < 500, "饮用水污染发病{ill}人（100≤发病<500）"),
      A(lambda f: 1 <= f.deaths < 5, "饮用水污染死亡{deaths}人（<5）"),
      A(lambda f: 10000 <= f.households < 50000, "饮用水污染影响{households}户（1万≤户数<5万）"),
      A(lambda f: 5 <= f.area_km2 < 10, "饮用水污染影响{area_km2:g}平方公里（5≤面积<10）")),
    R("PH-L2-11", G2, "1.5.2(11)", None,
      A(lambda f: _designated(f, "city", G2), "市卫生健康委认定为重大", **JUDGE)),
    # ---- 1.5.3 较大 ----
    R("PH-L3-01", G3, "1.5.3(1)", PNEU_SEPT,
      A(lambda f: 1 <= f.cases <= 4, "肺鼠疫/败血症鼠疫{cases}例（1～4例，6天内）", **W6)),
    R("PH-L3-02", G3, "1.5.3(2)", "plague_bubonic",
      A(lambda f: 10 <= f.cases <= 19, "腺鼠疫连续发病{cases}例（10～19例，6天内）", **W6),
      A(lambda f: f.districts >= 2, "腺鼠疫流行波及{districts}个区")),
    R("PH-L3-03", G3, "1.5.3(3)", "cholera",
      A(lambda f: 10 <= f.cases < 30, "霍乱一周内发病{cases}人（10≤发病<30）", **W7),
      A(lambda f: f.districts >= 2, "霍乱波及{districts}个区"),
      A(lambda f: f.first_occurrence, "霍乱为首次发生")),
    R("PH-L3-04", G3, "1.5.3(4)", "unexplained_cluster",
      A(lambda f: f.cases >= 3, "同一单位两周内相同症状不明原因疾病{cases}人（≥3）",
        window=14, units=UNEXPLAINED_UNITS)),
    R("PH-L3-05", G3, "1.5.3(5)", POISON,
      A(lambda f: 1000 <= f.exposed < 2000, "中毒事件暴露{exposed}人（1000≤暴露<2000）"),
      A(lambda f: f.poisoned >= 100 and f.deaths == 1, "中毒{poisoned}人（≥100）且死亡1人"),
      A(lambda f: 3 <= f.deaths < 10, "中毒死亡{deaths}人（3≤死亡<10）")),
    R("PH-L3-06", G3, "1.5.3(6)", CLUSTER,
      A(lambda f: f.poisoned >= 100 and f.deaths == 1, "24小时内累计中毒{poisoned}人（≥100）且死亡1人", **DAY),
      A(lambda f: 3 <= f.deaths < 10, "24小时内累计中毒死亡{deaths}人（3≤死亡<10）", **DAY)),
    R("PH-L3-07", G3, "1.5.3(7)", "multidistrict_poisoning",
      A(lambda f: _linked(f, G4), "两个以上区发生原因明确关联的同类一般（IV级）中毒事件", **JUDGE)),
    R("PH-L3-08", G3, "1.5.3(8)", "drinking_water",
      A(lambda f: 50 <= f.ill < 100, "饮用水污染发病{ill}人（50≤发病<100）"),
      A(lambda f: 5000 <= f.households < 10000, "饮用水污染影响{households}户（5000≤户数<1万）"),
      A(lambda f: 1 <= f.area_km2 < 5, "饮用水污染影响{area_km2:g}平方公里（1≤面积<5）")),
    R("PH-L3-09", G3, "1.5.3(9)", None,
      A(lambda f: _designated(f, "city", G3), "市卫生健康委认定为较大", **JUDGE)),
    # ---- 1.5.4 一般 ----
    R("PH-L4-01", G4, "1.5.4(1)", "plague_bubonic",
      A(lambda f: 1 <= f.cases <= 9, "腺鼠疫{cases}例（1～9例，6天内）", **W6)),
    R("PH-L4-02", G4, "1.5.4(2)", "cholera",
      A(lambda f: 1 <= f.cases < 10, "霍乱一周内发病{cases}人（<10）", **W7)),
    R("PH-L4-03a", G4, "1.5.4(3)①", "anthrax",
      A(lambda f: f.form != "pulmonary" and f.cases >= 3, "皮肤炭疽或肠炭疽{cases}例（≥3，7天内）", **W7C),
      A(lambda f: f.occupational and f.cases >= 1, "职业性炭疽{cases}例（≥1，7天内）", **W7C)),
    R("PH-L4-03b", G4, "1.5.4(3)②", "hepatitis_a_e",
      A(lambda f: f.cases >= 5, "甲肝/戊肝{cases}例（≥5，7天内）", **W7C)),
    R("PH-L4-03c", G4, "1.5.4(3)③", "typhoid",
      A(lambda f: f.cases >= 5, "伤寒（副伤寒）{cases}例（≥5，7天内）", **W7C),
      A(lambda f: f.deaths >= 2, "伤寒（副伤寒）死亡{deaths}人（≥2，7天内）", **W7C)),
    R("PH-L4-03d", G4, "1.5.4(3)④", "measles_rubella",
      A(lambda f: f.cases >= 10, "麻疹/风疹{cases}例（≥10，7天内）", **W7C)),
    R("PH-L4-03e", G4, "1.5.4(3)⑤", "hfrs",
      A(lambda f: f.cases >= 5, "流行性出血热{cases}例（≥5，7天内）", **W7C),
      A(lambda f: f.deaths >= 1, "流行性出血热死亡{deaths}人（≥1，7天内）", **W7C)),
    R("PH-L4-03f", G4, "1.5.4(3)⑥", "infectious_diarrhoea",
      A(lambda f: f.cases >= 20, "感染性腹泻{cases}例（≥20，7天内）", **W7C),
      A(lambda f: f.deaths >= 1, "感染性腹泻死亡{deaths}人（≥1，7天内）", **W7C)),
    R("PH-L4-04a", G4, "1.5.4(4)①", "ili",
      A(lambda f: f.cases >= 30, "流感样病例{cases}例（≥30，7天内）", **W7S),
      A(lambda f: f.hospitalised >= 5, "流感样症状住院{hospitalised}例（≥5，7天内）", **W7S),
      A(lambda f: f.deaths >= 2, "流感样病例死亡{deaths}人（≥2，7天内）", **W7S)),
    R("PH-L4-04b", G4, "1.5.4(4)②", "mumps",
      A(lambda f: f.cases >= 10, "流行性腮腺炎{cases}例（≥10，7天内）", **W7S)),
    R("PH-L4-04c", G4, "1.5.4(4)③", "scarlet_fever",
      A(lambda f: f.cases >= 10, "猩红热{cases}例（≥10，7天内）", **W7S)),
    R("PH-L4-04d", G4, "1.5.4(4)④", "varicella",
      A(lambda f: f.cases >= 10, "水痘{cases}例（≥10，7天内）", **W7S)),
    R("PH-L4-05a", G4, "1.5.4(5)①", "meningococcal",
      A(lambda f: f.cases >= 3, "流脑{cases}例（≥3，3天内）", **W3C),
      A(lambda f: f.deaths >= 2, "流脑死亡{deaths}人（≥2，3天内）", **W3C)),
    R("PH-L4-05b", G4, "1.5.4(5)②", "dysentery",
      A(lambda f: f.cases >= 10, "细菌性/阿米巴性痢疾{cases}例（≥10，3天内）", **W3C),
      A(lambda f: f.deaths >= 2, "痢疾死亡{deaths}人（≥2，3天内）", **W3C)),
    R("PH-L4-06", G4, "1.5.4(6)", "tuberculosis",
      A(lambda f: f.cases >= 10, "有流行病学关联的结核病{cases}例（≥10，半年内）", **W183),
      A(lambda f: f.deaths >= 1, "结核病死亡{deaths}例（半年内）", **W183)),
    R("PH-L4-07", G4, "1.5.4(7)", "japanese_encephalitis",
      A(lambda f: f.cases >= 5, "乙脑{cases}例（≥5，同一乡镇街道7天内）", window=7, units=TOWNSHIP),
      A(lambda f: f.deaths >= 1, "乙脑死亡{deaths}人（≥1，同一乡镇街道7天内）", window=7, units=TOWNSHIP)),
    R("PH-L4-08", G4, "1.5.4(8)", "malaria",
      A(lambda f: f.cases >= 5, "当地感染疟疾{cases}例（≥5，同一行政村一个月内）", window=30, units=VILLAGE),
      A(lambda f: f.imported_falciparum_secondary, "输入性恶性疟继发感染病例")),
    R("PH-L4-09", G4, "1.5.4(9)", "transfusion",
      A(lambda f: f.cases >= 3, "输血性乙肝/丙肝/艾滋病{cases}例（≥3）")),
    R("PH-L4-10", G4, "1.5.4(10)", INFECTIOUS,
      A(lambda f: f.first_occurrence or f.novelty is not None, "本区从未发生过的传染病"),
      A(lambda f: f.not_seen_5_years, "本区近5年从未报告的传染病")),
    R("PH-L4-11", G4, "1.5.4(11)", "unexplained_pneumonia",
      A(lambda f: True, "发现不明原因肺炎病例")),
    R("PH-L4-12", G4, "1.5.4(12)", "brucellosis",
      A(lambda f: f.cases >= 3, "布病急性期{cases}例（≥3，同一场所三周内）", window=21, units=BRUCELLA_UNITS),
      A(lambda f: f.not_seen_5_years and f.cases >= 1, "既往5年无本地布病的区出现本地急性期病例{cases}例（≥1）")),
    R("PH-L4-13", G4, "1.5.4(13)", POISON,
      A(lambda f: 50 <= f.exposed < 1000, "中毒事件暴露{exposed}人（50≤暴露<1000）"),
      A(lambda f: f.poisoned >= 10 and f.deaths == 0, "中毒{poisoned}人（≥10）且无死亡"),
      A(lambda f: 1 <= f.deaths < 3, "中毒死亡{deaths}人（<3）")),
    R("PH-L4-14", G4, "1.5.4(14)", CLUSTER,
      A(lambda f: 10 <= f.poisoned < 100 and f.deaths == 0, "24小时内累计中毒{poisoned}人（10≤中毒<100）且无死亡",
        **DAY),
      A(lambda f: 1 <= f.deaths < 3, "24小时内累计中毒死亡{deaths}人（<3）", **DAY)),
    R("PH-L4-15", G4, "1.5.4(15)", "environmental",
      A(lambda f: f.cases >= 3, "环境因素改变所致急性病例{cases}人（≥3）")),
    R("PH-L4-16", G4, "1.5.4(16)", "radiation",
      A(lambda f: f.exposed >= 1, "意外辐射照射{exposed}人（≥1）")),
    R("PH-L4-17", G4, "1.5.4(17)", frozenset({"vaccination", "mass_prophylaxis"}),
      A(lambda f: f.kind == "vaccination" and f.cases >= 2, "一次预防接种活动出现群体性疑似异常反应（{cases}人）",
        **JUDGE),
      A(lambda f: f.kind == "mass_prophylaxis" and f.cases >= 10, "一次预防服药活动出现不良反应{cases}人（≥10）")),
    R("PH-L4-18", G4, "1.5.4(18)", "drinking_water",
      A(lambda f: 1 <= f.ill < 50, "饮用水污染发病{ill}人（<50）"),
      A(lambda f: 1 <= f.households < 5000, "饮用水污染影响{households}户（<5000）"),
      A(lambda f: 0 < f.area_km2 < 1, "饮用水污染影响{area_km2:g}平方公里（<1）")),
    R("PH-L4-19", G4, "1.5.4(19)", None,
      A(lambda f: _designated(f, "district", G4), "区卫生健康委认定为一般", **JUDGE)),
)  # fmt: skip


# ---------------------------------------------------------------- input normalisation

_GRADE_WORDS = {"特别重大": G1, "重大": G2, "较大": G3, "一般": G4, "I": G1, "II": G2, "III": G3, "IV": G4}
_TRUE = {"true", "1", "yes", "y", "是"}
_FALSE = {"false", "0", "no", "n", "否", ""}


def _flag(key: str, v: Any) -> bool:
    if isinstance(v, str):
        if v.strip().lower() in _TRUE | _FALSE:
            return v.strip().lower() in _TRUE
        raise ValueError(f"{key}: not a yes/no value: {v!r}")
    return bool(v)


def _number(key: str, v: Any) -> float:
    if isinstance(v, bool) or (isinstance(v, str) and not v.strip()):
        raise ValueError(f"{key}: expected a number, got {v!r}")
    try:  # full-width and circled digits are read; inf, nan and words are refused (int(inf) used to escape)
        return read_amount(v, maximum=1e15, units=UNITS)
    except NumberError as exc:  # a ValueError carrying both languages, the typed value shortened
        raise NumberError(f"{key}：{exc.zh}", f"{key}: {exc.en}, got {str(v)[:40]!r}") from None


def _grade(key: str, v: Any) -> Grade:
    try:
        return Grade(_GRADE_WORDS.get(str(v).strip(), v))
    except ValueError:
        raise ValueError(f"{key}: not a grade: {v!r}") from None


def _authority(v: Any) -> str:
    s = str(v).strip()
    if s in ("national", "city", "district"):
        return s
    for word, code in (("国家", "national"), ("区", "district"), ("市", "city")):  # 北京市平谷区… is the district
        if word in s:
            return code
    raise ValueError(f"designated_by: unknown authority {v!r}")


_FIELDS = {f.name: f for f in fields(Facts)}


def normalise(health: Mapping[str, Any]) -> Facts:
    """Check and convert the ``health`` mapping; unknown keys or kinds raise ValueError."""
    unknown = set(health) - set(_FIELDS)
    if unknown:
        raise ValueError(f"unknown public-health fact(s): {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for key, v in health.items():
        if v is None:
            continue
        default = _FIELDS[key].default
        if isinstance(default, bool):
            values[key] = _flag(key, v)
        elif key in ("area_km2", "window_days"):
            values[key] = _number(key, v)
        elif isinstance(default, int) or key == "risk_level":
            n = _number(key, v)
            if n != int(n):
                raise ValueError(f"{key}: expected a whole number, got {v!r}")
            values[key] = int(n)
        elif key in ("source_grade", "designated_grade", "linked_district_grade"):
            values[key] = _grade(key, v)
        elif key == "designated_by":
            values[key] = _authority(v)
        else:
            values[key] = str(v).strip() or None
    facts = Facts(**values)
    for key, allowed in (("kind", KINDS), ("form", FORMS), ("novelty", NOVELTIES)):
        if getattr(facts, key) not in allowed | {None}:
            raise ValueError(f"{key}: unknown value {getattr(facts, key)!r}")
    return facts


# ---------------------------------------------------------------- evaluation


def _check(alt: Alt, f: Facts) -> tuple[str, bool] | None:
    """(reason, needs_judgment) if the alternative holds, else None."""
    if not alt.test(f):
        return None
    judgment, notes = alt.judgment, []
    if alt.window is not None:
        if f.window_days is None:
            if not alt.window_implied:
                judgment = True
                notes.append(f"未说明观察天数，按{alt.window:g}天内计")
        elif f.window_days > alt.window:
            return None
    if alt.units is not None:
        if f.unit is None:
            judgment = True
            notes.append("未说明发生场所，按符合条件的单位计")
        elif f.unit not in alt.units:
            return None
    reason = alt.reason.format(**vars(f))
    return (reason + (f"（{'；'.join(notes)}）" if notes else "")), judgment


def evaluate_public_health(health: Mapping[str, Any]) -> list[RuleHit]:
    """Every rule that fires for these facts, highest grade first."""
    f = normalise(health)
    hits = []
    for rule in RULES:
        if rule.kinds is not None and f.kind not in rule.kinds:
            continue
        fired = [r for r in (_check(alt, f) for alt in rule.alts) if r is not None]
        if fired:
            hits.append(
                RuleHit(
                    rule_id=rule.id,
                    grade=rule.grade,
                    basis=f"{PLAN} {rule.clause}",
                    needs_judgment=all(j for _, j in fired),
                    reason="；".join(r for r, _ in fired),
                )
            )
    return sorted(hits, key=lambda h: grade_rank(h.grade))


# ---------------------------------------------------------------- counts over the windows the rules name


def _windows() -> list[float]:
    return sorted({alt.window for rule in RULES for alt in rule.alts if alt.window is not None})


def _most_within(series: Sequence[tuple[dt.datetime, float]], days: float) -> float:
    """The most reported within any `days`-long window: a cumulative count at each dated update, so the cases
    reported from update i to update j are count_j - count_(i-1)."""
    best = 0.0
    for j, (tj, cj) in enumerate(series):
        for i, (ti, _ci) in enumerate(series[:j + 1]):
            if (tj - ti).total_seconds() <= days * 86400:
                base = series[i - 1][1] if i > 0 else 0.0
                best = max(best, cj - base)
                break
    return best


def evaluate_series(updates: Sequence[tuple[dt.datetime, Mapping[str, Any]]]) -> list[RuleHit]:
    """Grade on the cases counted over the windows the rules name (1.5.2(1)/1.5.3(1): 1个平均潜伏期内（6天）…),
    from the incident's dated updates: each (known_at, health) holds the cumulative counts known then.

    For each window the rules name, the most cases (and deaths) reported within any window of that length are
    graded as observed over that window; the totals as last known are graded as observed over the whole span of the
    updates. A single update (or one stating its own window_days) is graded as before.
    Five pneumonic-plague cases reported over 7 days, no 5 of them within 6 days, grade 较大 (1.5.3(1), 1～4 in 6 days);
    the same five within 6 days grade 重大 (1.5.2(1))."""
    dated = sorted(((t, dict(h)) for t, h in updates if h), key=lambda u: u[0])
    if not dated:
        return []
    last = dated[-1][1]
    if len(dated) == 1 or "window_days" in last:
        return evaluate_public_health(last)
    span = (dated[-1][0] - dated[0][0]).total_seconds() / 86400  # the totals were reported over this many days
    hits = {h.rule_id: h for h in evaluate_public_health({**last, "window_days": span})}
    counts = {key: [(t, _number(key, h.get(key, 0))) for t, h in dated] for key in ("cases", "deaths")}
    for days in _windows():
        within = {key: _most_within(series, days) for key, series in counts.items()}
        for h in evaluate_public_health({**last, **within, "window_days": days}):
            if h.rule_id not in hits or (hits[h.rule_id].needs_judgment and not h.needs_judgment):
                hits[h.rule_id] = h
    return sorted(hits.values(), key=lambda h: grade_rank(h.grade))
