"""Issue 20, "Missing": public-information deadlines owed by named units, condition flags the rules react to,
the escalation steps the plans name, and the public-health warning colour suggested from the expected grade.

Each test cites the seed file and line it rests on and reads that line, so a wrong citation fails too.
"""

import datetime as dt

import pytest

from dutyroom.domain.incident_facts import BEIJING, IncidentFacts
from dutyroom.domain.profile_loader import load_profile
from dutyroom.domain.report_chain import build_chain
from dutyroom.domain.rules import incident_rules, suggest_colour, warning_rules
from dutyroom.domain.vocabulary import Category, Colour, Grade
from tests.helpers.seeds import seed_lines

OCCURRED = dt.datetime(2026, 7, 1, 8, 0, tzinfo=BEIJING)
RECEIVED = dt.datetime(2026, 7, 1, 8, 5, tzinfo=BEIJING)
MUNICIPAL = "beijing_municipal_2021_general_plan.txt"
TONGZHOU = "tongzhou_2022_general_plan.txt"
PINGGU = "pinggu_2022_general_plan_and_public_health_plan.txt"
DONGCHENG = "dongcheng_2022_general_plan.txt"


def line(seed: str, no: int) -> str:
    return seed_lines(seed)[no - 1]


def rules(key: str, **kw) -> dict:
    base = {"category": "accident", "occurred_at": OCCURRED.isoformat(), "received_at": RECEIVED.isoformat()}
    return incident_rules(load_profile(key), IncidentFacts.from_mapping({**base, **kw}))


def clock(answer: dict, clock_id: str) -> dict | None:
    return next((d for d in answer["deadlines"] if d["clock"] == clock_id), None)


# ---------------------------------------------------------------- public information (信息发布)


@pytest.mark.parametrize("key", ["beijing", "dongcheng", "tongzhou", "pinggu"])
def test_municipal_4_7_1_brief_release_within_5_hours_of_a_major_event(key):
    """beijing_municipal_2021_general_plan.txt L809: 相关区政府…遇有重大突发事件…最迟应在5小时内发布."""
    assert "最迟应在 5 小时内发布" in line(MUNICIPAL, 809) and "相关区政府" in line(MUNICIPAL, 809)
    d = clock(rules(key, grade="major"), "P-brief-5h")
    assert d is not None and d["kind"] == "notice"
    assert dt.datetime.fromisoformat(d["due"]) == OCCURRED + dt.timedelta(hours=5)
    assert d["by"] == (["相关区政府", "市级处置主责部门"] if key == "beijing" else ["区政府"])
    assert clock(rules(key, grade="large"), "P-brief-5h") is None  # 较大: no 5-hour duty


def test_municipal_4_7_1_news_release_centre_within_24_hours_for_major_and_especially_major():
    """beijing_municipal_2021_general_plan.txt L811-L813: 重大、特别重大…由市政府新闻办在24小时内牵头组建新闻发布中心."""
    assert "24 小时内牵头组建突发事件新闻发布中心" in line(MUNICIPAL, 813)
    for grade in ("major", "especially_major"):
        d = clock(rules("beijing", grade=grade), "P-press-24h")
        assert dt.datetime.fromisoformat(d["due"]) == OCCURRED + dt.timedelta(hours=24)
        assert d["by"] == ["市政府新闻办"]


@pytest.mark.parametrize(("key", "seed", "no", "clause"), [("tongzhou", TONGZHOU, 1945, "4.7.1"),
                                                            ("pinggu", PINGGU, 1804, "4.8.1")])
def test_emergency_office_informs_propaganda_department_with_the_leaders(key, seed, no, clause):
    """tongzhou L1945 / pinggu L1804: 区应急办在上报区应急委领导的同时，应（当）向区委宣传部通报相关情况 — every event."""
    assert "区应急办在上报区应急委领导的同时" in line(seed, no)
    d = clock(rules(key, grade="ordinary"), "P-propaganda")
    assert d["to"] == ["区委宣传部"] and d["by"] == ["区应急办"] and d["basis"] == clause and d["due"] is None


def test_tongzhou_4_7_1_propaganda_department_reports_to_city_at_once_for_large_and_above():
    """tongzhou_2022_general_plan.txt L1949: 较大、重大、特别重大…区委宣传部要立即向市委宣传部报告信息."""
    assert "区委宣传部要立即向市委宣传部报告信息" in line(TONGZHOU, 1949)
    d = clock(rules("tongzhou", grade="large"), "P-city-propaganda")
    assert d["to"] == ["市委宣传部"] and d["by"] == ["区委宣传部"] and d["wording"].endswith("立即向市委宣传部报告信息")
    assert clock(rules("tongzhou", grade="ordinary"), "P-city-propaganda") is None


def test_a_notice_is_met_by_recording_it_sent_like_a_first_report():
    """The chain shows the notice as a deadline (kind notice, label 通报/发布) and a sent one meets it."""
    from dutyroom.domain.report_chain import SentReport

    profile = load_profile("dongcheng")
    f = IncidentFacts.from_mapping({"category": "accident", "grade": "major", "occurred_at": OCCURRED.isoformat(),
                                    "received_at": RECEIVED.isoformat()})
    chain = build_chain(profile, f, [])
    notice = next(d for d in chain if d.clock_id == "P-brief-5h")
    assert notice.label == "通报/发布" and not notice.met and notice.by == ("区政府",)
    sent = SentReport(1, "notice", 0, "P-brief-5h", OCCURRED + dt.timedelta(hours=4), notice.due, 0)
    assert next(d for d in build_chain(profile, f, [sent]) if d.clock_id == "P-brief-5h").met


# ---------------------------------------------------------------- condition flags


@pytest.mark.parametrize(("key", "seed", "no"), [("beijing", MUNICIPAL, 607), ("dongcheng", DONGCHENG, 493)])
@pytest.mark.parametrize("flag", ["prominent", "major_impact"])
def test_4_1_4_prominent_situation_or_large_impact_must_be_reported_at_once(key, seed, no, flag):
    """municipal L607 / Dongcheng L493: 可能产生较大影响的突发事件或突出情况信息…要立即报告."""
    assert "可能产生较大影响的突发事件或突出情况信息" in line(seed, no)
    grade = "ordinary" if key == "beijing" else "unknown"  # below the grades that report at once anyway
    assert clock(rules(key, grade=grade), "R1-verbal") is None
    answer = rules(key, grade=grade, **{flag: True})
    assert clock(answer, "R1-verbal") is not None
    cond = next(c for c in answer["conditions"] if c["flag"] == flag)
    assert cond["set"] is True and "R1-verbal" in cond["clocks"]


def test_dongcheng_4_3_2_prominent_situation_opens_the_level_three_response():
    """dongcheng_2022_general_plan.txt L535: 针对实际不构成…突发事件的各类突出情况，由街道（地区）启动三级响应."""
    assert "各类突出情况，由街道（地区）启动三级响应" in line(DONGCHENG, 535)
    assert rules("dongcheng", grade="unknown")["response_level"] is None
    assert rules("dongcheng", grade="unknown", prominent=True)["response_level"] == "III"
    assert rules("dongcheng", grade="large", prominent=True)["response_level"] == "I"  # the grade's higher level wins


def test_tongzhou_4_1_4_may_escalate_is_reported_at_once_whatever_the_grade():
    """tongzhou_2022_general_plan.txt L1769: 可能演化为较大、重大、特别重大突发事件，不受分级标准限制，信息必须立即报告区应急办."""
    assert "可能演化为较大、重大、特别重大突发事件，不受分级标准限制" in line(TONGZHOU, 1769)
    assert clock(rules("tongzhou", grade="ordinary"), "R3-immediate") is None
    assert clock(rules("tongzhou", grade="ordinary", may_escalate=True), "R3-immediate")["to"] == ["区应急办"]


def test_tongzhou_4_1_7_events_endangering_the_sub_centre_are_notified_first_thing():
    """tongzhou_2022_general_plan.txt L1777: 可能危及北京城市副中心、行政办公区、京津冀临界地区的突发事件，第一时间向相关方面通报."""
    assert "可能危及北京城市副中心、行政办公区、京津冀临界地区" in line(TONGZHOU, 1777)
    assert clock(rules("tongzhou", grade="ordinary"), "R6-neighbours") is None
    d = clock(rules("tongzhou", grade="ordinary", endangers_neighbours=True), "R6-neighbours")
    assert d["kind"] == "notice" and d["wording"] == "第一时间向相关方面通报情况"


@pytest.mark.parametrize(("key", "seed", "no", "to"), [
    ("beijing", MUNICIPAL, 539, ["国家有关部门", "可能受到危害的相关地区"]),
    ("tongzhou", TONGZHOU, 1701, ["市应急办", "可能受到危害的相关地区"])])
def test_3_2_3_3_orange_and_red_warnings_that_may_affect_other_areas_notify_them(key, seed, no, to):
    """municipal L539 / Tongzhou L1701: 可能影响本市（本区）以外其他地区的橙色、红色预警信息…向可能受到危害的相关地区通报."""
    assert "橙色、红色预警信息" in line(seed, no) and "向可能受到危害的相关地区通报" in line(seed, no)
    profile = load_profile(key)
    assert warning_rules(profile, Colour.orange)["other_areas"][0]["to"] == to
    assert warning_rules(profile, Colour.red)["other_areas"][0]["basis"] == "3.2.3(3)"
    assert warning_rules(profile, Colour.yellow)["other_areas"] == []


def test_tongzhou_3_2_9_jingjinji_joint_warning_listed_for_orange_and_red():
    """tongzhou_2022_general_plan.txt L1745: 加强与京津冀周边区县相关职能部门间的沟通联系…建立联合预警行动机制."""
    assert "建立联合预警行动机制" in line(TONGZHOU, 1745)
    areas = warning_rules(load_profile("tongzhou"), Colour.red)["other_areas"]
    assert any(a["to"] == ["京津冀周边区县相关职能部门"] and a["basis"] == "3.2.9" for a in areas)


# ---------------------------------------------------------------- escalation steps


def test_unknown_grade_without_lead_unit_the_committee_names_one_dongcheng_and_pinggu():
    """dongcheng L553 (4.3.5), pinggu L1478 (4.3.6): 尚不能判定事件等级且未明确处置主责部门的…由区应急委指定主责部门."""
    assert "由区应急委指定主责部门" in line(DONGCHENG, 553)
    assert "尚不能判定事件等级且未明确处置主责部门的突" in line(PINGGU, 1478)
    for key, clause in (("dongcheng", "4.3.5"), ("pinggu", "4.3.6")):
        steps = {s["id"]: s for s in rules(key, grade="unknown")["steps"]}
        assert steps["lead"]["by"] == "区应急委" and steps["lead"]["basis"] == clause
        assert "lead" not in {s["id"] for s in rules(key, grade="ordinary")["steps"]}


def test_expansion_emergency_state_and_npc_filing_are_listed_steps():
    """municipal L695 紧急状态; dongcheng L559 紧急状态 and L853 (6.9.3) 报区人民代表大会常务委员会备案; tongzhou L1823 响应升级."""
    assert "需要本市部分地区进入紧急状态时" in line(MUNICIPAL, 695)
    assert "需要宣布全区进入紧急状态时" in line(DONGCHENG, 559)
    assert "报区人民代表大会常务委员会备案" in line(DONGCHENG, 853)
    assert "超出通州区自身控制能力时" in line(TONGZHOU, 1823)
    assert {s["id"] for s in rules("beijing", grade="major")["steps"]} == {"emerg"}
    assert {s["id"] for s in rules("dongcheng", grade="major")["steps"]} == {"emerg", "npc"}
    assert {s["id"] for s in rules("tongzhou", grade="major")["steps"]} == {"expand"}


def test_pinggu_public_health_4_5_expert_assessment_before_the_response_ends():
    """pinggu L3803: 经组织有关专家进行分析研判后，突发公共卫生事件应急响应终止 — public health only."""
    assert "有关专家进行分析研判后" in line(PINGGU, 3805)
    ph = {s["id"]: s for s in rules("pinggu", category="public_health", grade="ordinary")["steps"]}
    assert ph["ph-end"]["before_end"] is True and ph["ph-end"]["basis"] == "公卫预案4.5"
    assert "ph-end" not in {s["id"] for s in rules("pinggu", grade="ordinary")["steps"]}


def test_tongzhou_4_8_2_committee_approves_the_end_of_an_ordinary_event_response():
    """tongzhou_2022_general_plan.txt L1965: 一般突发事件…上报区应急委，经区应急委批准后宣布应急结束."""
    assert "经区应急委批准后宣布应急结束" in line(TONGZHOU, 1965)
    steps = {s["id"]: s for s in rules("tongzhou", grade="ordinary")["steps"]}
    assert steps["end-ok"]["by"] == "区应急委" and steps["end-ok"]["before_end"] is True
    assert "end-ok" not in {s["id"] for s in rules("tongzhou", grade="large")["steps"]}


# ---------------------------------------------------------------- public-health warning colour


@pytest.mark.parametrize(("grade", "colour"), [(Grade.ordinary, Colour.blue), (Grade.large, Colour.yellow),
                                               (Grade.major, Colour.orange), (Grade.especially_major, Colour.red)])
def test_pinggu_public_health_3_2_1_colour_suggested_from_the_expected_grade(grade, colour):
    """pinggu L3393-L3408: 预计将发生一般/较大/重大/特别重大突发公共卫生事件 → 蓝色/黄色/橙色/红色预警."""
    assert "蓝色预警" in line(PINGGU, 3394) and "生一般突发公共卫生事件" in line(PINGGU, 3396)
    assert "预计将发生特别重大突发公共卫生事件" in line(PINGGU, 3408)
    profile = load_profile("pinggu")
    assert suggest_colour(profile, Category.public_health, grade)[0] == colour
    assert suggest_colour(profile, Category.accident, grade) == (None, "")  # the general plan links none
    out = warning_rules(profile, Colour.blue, Category.public_health, grade)
    assert out["suggested_level"] == colour.value and out["colour_for_grade"]["basis"].startswith("公卫预案3.2.1")
