"""Issue 20 risk D: the Pinggu public-health chain was corrected (公卫预案3.2.2(2) expert assessment as a recorded first
step, 3.2.2(5) the city's approval of an adjustment) without a new version, so a warning drafted before would have met
steps it was never drafted under. The correction is version 2022.2; 2022 stays for what was recorded under it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from dutyroom.domain.profile_loader import profile_in_force, rules_version_of
from dutyroom.store.models import Warning
from tests.helpers.seeds import seed_lines
from tests.helpers.warnings import content


def drafted_under(w, colour: str, version: str) -> int:
    view = w.svc.draft(w.u["author"], content(colour, "public_health"))
    with w.db.write() as s:
        s.execute(update(Warning).where(Warning.id == view.id).values(profile_version=version))
    return view.id


def test_new_public_health_warnings_take_the_corrected_chain(world):
    """pinggu_2022_general_plan_and_public_health_plan.txt L3424: 在提出红色预警、橙色预警建议前，市指挥部办公室组织专家进行风险评估."""
    assert "市指挥部办公室组织专家进行风险评估" in "".join(
        seed_lines("pinggu_2022_general_plan_and_public_health_plan.txt")[3423:3426])
    assert profile_in_force("pinggu", dt.date(2026, 7, 1)).version == "2022.2"
    w = world("pinggu")
    view = w.svc.submit(w.u["author"], w.svc.draft(w.u["author"], content("orange", "public_health")).id)
    assert view.steps[0].role == "city_command_office"


def test_a_warning_drafted_under_2022_keeps_the_steps_it_was_drafted_under(world):
    w = world("pinggu")
    wid = drafted_under(w, "orange", "2022")
    view = w.svc.submit(w.u["author"], wid)
    assert view.steps and all(s.role != "city_command_office" for s in view.steps)
    assert view.steps[0].kind == "sign_off"  # the district signs first, as it did when drafted


def test_the_first_version_is_reachable_by_its_stored_version():
    class Rec:
        profile_key, profile_version, created_at = "pinggu", "2022", dt.datetime(2026, 7, 1, tzinfo=dt.UTC)

    old = rules_version_of(Rec())
    assert old.version == "2022" and "public_health" not in old.warnings.category_adjust
    assert old.warnings.category_overrides["public_health"]["orange"].preconditions == []


def test_public_health_warning_colour_is_suggested_from_the_expected_grade(world):
    """pinggu_2022_general_plan_and_public_health_plan.txt L3404-L3405 (公卫预案3.2.1(3)): 橙色预警：…预计将发生重大突发公共卫生事件."""
    lines = seed_lines("pinggu_2022_general_plan_and_public_health_plan.txt")
    assert "橙色预警" in lines[3401] and "预计将发生重大突发公共卫生事件" in lines[3403]
    w = world("pinggu")
    assert w.svc.suggest_colour("public_health", "major")[0] == "orange"
    assert w.svc.suggest_colour("public_health", "ordinary")[0] == "blue"
    assert w.svc.suggest_colour("natural", "major") == (None, "")
