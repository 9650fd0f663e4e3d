"""Issue 20 item 5: a district with no general plan of its own (Shijingshan) is a district *under* the municipal plan,
not the city: it reports to the city, files its warnings with the city, and what the municipal plan leaves to it is
marked 待本区预案确认. The same template makes a profile for any district name (a made-up 海淀区 here)."""

import datetime as dt

import pytest

from dutyroom.domain.district_template import PENDING_MARK, write_district_profile
from dutyroom.domain.incident_facts import BEIJING, IncidentFacts
from dutyroom.domain.profile_loader import load_profile, load_profile_file, profile_in_force
from dutyroom.domain.rules import incident_rules, warning_rules
from dutyroom.domain.vocabulary import Colour
from tests.helpers.seeds import seed_lines

MUNICIPAL = "beijing_municipal_2021_general_plan.txt"
OCCURRED = dt.datetime(2026, 7, 1, 8, 0, tzinfo=BEIJING)


def line(no: int) -> str:
    return seed_lines(MUNICIPAL)[no - 1]


def major(profile) -> dict:
    return incident_rules(profile, IncidentFacts.from_mapping({
        "category": "accident", "grade": "major", "occurred_at": OCCURRED.isoformat(),
        "received_at": (OCCURRED + dt.timedelta(minutes=5)).isoformat()}))


def test_shijingshan_reports_a_major_incident_to_the_city_not_to_the_centre():
    """beijing_municipal_2021_general_plan.txt L607 (4.1.4): 事发地的区…要立即报告市委总值班室和市应急办;
    L613-L615 (4.1.7): 市委办公厅、市政府办公厅…向党中央、国务院报告 — the city's duty, not the district's."""
    assert "事发地的区、重点地区管委会要立即报告市委总值班室和市应急办" in line(607)
    assert "厅、市政府办公厅和市级处置主责部门分别按规定同时向党中央、国务院" in line(615)
    answer = major(load_profile("shijingshan"))
    assert answer["city_report"]["to"] == ["市委总值班室", "市应急办"]
    assert "党中央" not in answer["city_report"]["to"] and answer["city_report"]["basis"] == "北京市预案 4.1.4"
    assert major(load_profile("beijing"))["city_report"]["to"][0] == "党中央"  # the city itself still does


def test_shijingshan_files_its_warnings_with_the_city_emergency_office_and_city_departments():
    """beijing_municipal_2021_general_plan.txt L537 (3.2.3(2)): 各区…发布本地区预警信息，并同时报市应急办及市有关部门备案."""
    assert "并同时报市应急办及市有关部门备案" in line(537)
    profile = load_profile("shijingshan")
    for colour in Colour:
        assert warning_rules(profile, colour)["filed_with"] == ["市应急办", "市有关部门"]
    orange = warning_rules(profile, Colour.orange)
    assert [s["label"] for s in orange["steps"]] == ["区应急办报分管区领导", "分管区领导批准"]  # district counterparts


def test_shijingshan_lead_units_are_district_counterparts_marked_pending():
    """L651 (4.3.2): 区委、区政府启动响应时，调动区级处置主责部门 — the plan names the counterpart only generically."""
    assert "调动区级处置主责部门和相关部门开展应急处置" in line(651)
    rows = {r.event_type: r for r in load_profile("shijingshan").lead_departments}
    assert rows["水灾"].lead_units == ["区应急局", "区水务局"]
    assert PENDING_MARK in rows["水灾"].note and "市水务局" in rows["水灾"].note


def test_what_the_municipal_plan_leaves_to_the_district_is_shown_as_pending():
    answer = major(load_profile("shijingshan"))
    assert answer["under"] == "beijing"
    ids = {p["id"] for p in answer["pending"]}
    assert {"warnings.chain", "lead_departments", "reporting.city_review"} <= ids
    assert all(p["mark"] == PENDING_MARK for p in answer["pending"])
    assert "plan_management" not in ids  # Shijingshan has its own measures (2025)
    assert "pending" not in major(load_profile("dongcheng"))  # a district with its own plan has none


def test_the_citys_own_duties_are_not_put_on_the_district():
    """L695 (4.3.6): 以市政府名义提请国务院决定 紧急状态; L813 (4.7.1): 市政府新闻办在24小时内…新闻发布中心 — the city's."""
    assert "依法以市政府名义提请国务院决定" in line(695) and "由市政府新闻办在 24 小时内" in line(813)
    answer = major(load_profile("shijingshan"))
    assert answer["steps"] == [] and "P-press-24h" not in {d["clock"] for d in answer["deadlines"]}
    assert {s["id"] for s in major(load_profile("beijing"))["steps"]} == {"emerg"}


def test_shijingshan_keeps_its_own_plan_management_measures():
    """shijingshan_2025_plan_management_measures.txt 第三十八条: 每3年至少进行一次演练 (its own, not the city's)."""
    pm = load_profile("shijingshan").plan_management
    assert pm.drill_cycle_years == {"special": 3, "departmental": 3} and pm.filing_deadline_working_days == 20


def test_shijingshan_records_under_the_first_version_keep_it():
    """The change of model is a new version (2025.2); 2025 stays for what was recorded under it."""
    assert profile_in_force("shijingshan", dt.date(2026, 1, 1)).version == "2025.2"
    from dutyroom.domain.profile_loader import rules_version_of

    class Rec:
        profile_key, profile_version, created_at = "shijingshan", "2025", OCCURRED

    old = rules_version_of(Rec())
    assert old.version == "2025" and old.reporting.city.to == ["党中央", "国务院", "国家相关部门"]


def test_the_template_makes_a_profile_for_any_district(tmp_path):
    """A first-run setup for a made-up 海淀区: the same duties on districts, its own name and places."""
    import shutil

    from dutyroom.domain.profile_loader import PROFILE_DIR

    shutil.copy(PROFILE_DIR / "beijing.yaml", tmp_path / "beijing.yaml")
    path = write_district_profile(tmp_path, "haidian", "海淀区", places=["测试街道甲", "测试街道乙"])
    profile = load_profile_file(path)
    assert (profile.name, profile.level, profile.under, profile.places) == ("海淀区", "district", "beijing",
                                                                           ["测试街道甲", "测试街道乙"])
    answer = major(profile)
    assert answer["city_report"]["to"] == ["市委总值班室", "市应急办"]
    brief = next(d for d in answer["deadlines"] if d["clock"] == "P-brief-5h")
    assert brief["by"] == ["区政府"]  # 4.7.1 相关区政府
    assert warning_rules(profile, Colour.blue)["filed_with"] == ["市应急办", "市有关部门"]
    assert {p["id"] for p in answer["pending"]} >= {"warnings.chain", "plan_management"}  # no measures of its own
    with pytest.raises(FileExistsError):
        write_district_profile(tmp_path, "haidian", "海淀区")


def test_the_command_line_writes_a_district_profile_and_refuses_to_overwrite(tmp_path, capsys):
    """`dutyroom district-profile KEY NAME`: the first-run setup's step for a district without its own plan."""
    import shutil

    from dutyroom.cli import main
    from dutyroom.domain.profile_loader import PROFILE_DIR

    shutil.copy(PROFILE_DIR / "beijing.yaml", tmp_path / "beijing.yaml")
    assert main(["district-profile", "haidian", "海淀区", "--place", "测试街道甲", "--dir", str(tmp_path)]) == 0
    assert "待本区预案确认" in capsys.readouterr().out
    assert load_profile_file(tmp_path / "haidian.yaml").places == ["测试街道甲"]
    assert main(["district-profile", "haidian", "海淀区", "--dir", str(tmp_path)]) == 2
    assert main(["district-profile", "Hai Dian", "海淀区", "--dir", str(tmp_path)]) == 2
