"""CAP 1.2 (OASIS Common Alerting Protocol) rendering of a warning; TECH_NOTES.md section 3.1.
`services/cap_export.py` fetches the warning and its chain and writes the file.

One warning gives one message: issued → Alert; an issued adjustment → Update referencing every
earlier issued message of its chain; lifted → Cancel referencing the lifted warning and its chain.
Elements are written in the order of the OASIS schema (tests validate against CAP-v1.2-schema.xsd).

Mappings (design choices; no official Chinese source gives one):
- colour → severity: red Extreme, orange Severe, yellow Moderate, blue Minor; urgency: red/orange
  Immediate, yellow/blue Expected (a Cancel is Past); certainty: Likely, blue Possible. The colour
  itself is kept in <parameter> valueName color_level.
- category → CAP category: public_health Health, social Security; natural and accident by keywords
  of the event type (or title): weather and floods Met, earthquakes and geological hazards Geo,
  fires Fire, biological and ecological Env; traffic Transport, utilities Infra, hazardous chemicals
  and radiation CBRNE; otherwise natural Other, accident Safety.
- responseType: red/orange Prepare, yellow/blue Monitor, a Cancel AllClear.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any

from ..domain.errors import UserError
from ..domain.incident_facts import BEIJING
from ..domain.profile_schema import Profile
from ..domain.warning_state import Status

# A warning as services.warnings.WarningView gives it (any object with its fields will do).
WarningView = Any

NS = "urn:oasis:names:tc:emergency:cap:1.2"
STATUSES = ("Actual", "Exercise", "System", "Test", "Draft")

# colour → (urgency, severity, certainty)
COLOUR_CAP: dict[str, tuple[str, str, str]] = {
    "red": ("Immediate", "Extreme", "Likely"),
    "orange": ("Immediate", "Severe", "Likely"),
    "yellow": ("Expected", "Moderate", "Likely"),
    "blue": ("Expected", "Minor", "Possible"),
}
RESPONSE_TYPE = {"red": "Prepare", "orange": "Prepare", "yellow": "Monitor", "blue": "Monitor"}

# (keywords, CAP category), first match wins, checked against event type then title.
_NATURAL_KEYWORDS: list[tuple[tuple[str, ...], str]] = [
    (("森林火", "草原火", "火灾"), "Fire"),
    (("地震", "地质", "滑坡", "泥石流", "崩塌", "塌陷", "地裂缝"), "Geo"),
    (("暴雨", "暴雪", "寒潮", "大风", "沙尘", "高温", "雷电", "冰雹", "霜冻", "大雾", "霾", "道路结冰", "低温",
      "干旱", "洪", "汛", "水旱", "台风", "气象", "雨", "雪"), "Met"),
    (("生物", "病虫", "疫", "生态"), "Env"),
]
_ACCIDENT_KEYWORDS: list[tuple[tuple[str, ...], str]] = [
    (("危险化学品", "危化", "核", "辐射", "放射", "毒"), "CBRNE"),
    (("火", "爆炸"), "Fire"),
    (("交通", "道路", "铁路", "轨道", "地铁", "航空", "民航", "公交", "桥梁"), "Transport"),
    (("供水", "排水", "供电", "电力", "燃气", "供气", "供热", "通信", "网络", "设施"), "Infra"),
    (("环境", "污染", "生态"), "Env"),
]


def sender_id(profile_key: str) -> str:
    """The fixed sender: one per jurisdiction, free of spaces, commas, < and &."""
    host = "beijing.gov.cn" if profile_key == "beijing" else f"{profile_key}.beijing.gov.cn"
    return f"dutyroom@{host}"


def message_id(profile_key: str, warning_id: int, cancel: bool = False) -> str:
    return f"CN-BJ-{profile_key}-W{warning_id}" + ("-lift" if cancel else "")


def cap_time(t: dt.datetime) -> str:
    """YYYY-MM-DDThh:mm:ss+08:00: Beijing time, seconds, an explicit offset (CAP forbids "Z")."""
    return t.astimezone(BEIJING).replace(microsecond=0).isoformat()


def cap_categories(category: str, event_type: str | None, title: str) -> list[str]:
    if category == "public_health":
        return ["Health"]
    if category == "social":
        return ["Security"]
    table, default = (_NATURAL_KEYWORDS, "Other") if category == "natural" else (_ACCIDENT_KEYWORDS, "Safety")
    for text in (event_type or "", title):
        for words, cap in table:
            if any(w in text for w in words):
                return [cap]
    return [default]


def message_type(w: WarningView) -> str:
    if w.issued_at is None:
        raise UserError("预警尚未发布，不能导出 CAP", "the warning has not been issued: nothing to export")
    if w.status == Status.lifted:
        return "Cancel"
    return "Update" if w.previous_id is not None else "Alert"


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, f"{{{NS}}}{tag}")
    if text is not None:
        el.text = text
    return el


def _references(w: WarningView, lineage: list[WarningView], msg_type: str) -> str | None:
    """sender,identifier,sent triplets of the earlier messages this one updates or cancels."""
    if msg_type == "Alert":
        return None
    earlier = [x for x in lineage if x.issued_at is not None and (x.id < w.id or (msg_type == "Cancel" and x.id == w.id))]
    return " ".join(f"{sender_id(x.profile_key)},{message_id(x.profile_key, x.id)},{cap_time(x.issued_at)}"
                    for x in earlier if x.issued_at is not None) or None


def _description(w: WarningView) -> str:
    parts = [w.cautions or ""]
    if w.situation:
        parts.append(f"事态发展：{w.situation}")
    if w.start_at:
        parts.append(f"起始时间：{w.start_at.astimezone(BEIJING):%Y-%m-%d %H:%M}")
    if w.expected_duration or w.ends_at:
        until = f"（至{w.ends_at.astimezone(BEIJING):%Y-%m-%d %H:%M}）" if w.ends_at else ""
        parts.append(f"预计持续时间：{w.expected_duration or ''}{until}")
    if w.origin == "forwarded" and w.source_org:
        parts.append(f"信息来源：{w.source_org}")
    return "\n".join(p for p in parts if p)


def _instruction(w: WarningView, cancel: bool) -> str | None:
    if cancel:
        return "预警已解除。"
    parts = [w.measures_text or "", f"公众预警响应建议：{w.public_advice}" if w.public_advice else ""]
    return "\n".join(p for p in parts if p) or None


def build_alert(w: WarningView, lineage: list[WarningView], profile: Profile, status: str = "Actual") -> str:
    """The CAP 1.2 XML (UTF-8 text with declaration) for one issued, adjusted or lifted warning."""
    if status not in STATUSES:
        raise UserError(f"未知的 CAP 状态：{status}", f"unknown CAP status: {status}")
    msg_type = message_type(w)
    cancel = msg_type == "Cancel"
    sent = w.lifted_at if cancel and w.lifted_at else w.issued_at
    assert sent is not None
    urgency, severity, certainty = COLOUR_CAP[w.colour]
    alert = ET.Element(f"{{{NS}}}alert")
    _sub(alert, "identifier", message_id(w.profile_key, w.id, cancel))
    _sub(alert, "sender", sender_id(w.profile_key))
    _sub(alert, "sent", cap_time(sent))
    _sub(alert, "status", status)
    _sub(alert, "msgType", msg_type)
    if w.origin == "forwarded" and w.source_org:
        _sub(alert, "source", w.source_org)
    _sub(alert, "scope", "Public")
    refs = _references(w, lineage, msg_type)
    if refs:
        _sub(alert, "references", refs)
    _sub(alert, "incidents", message_id(w.profile_key, lineage[0].id if lineage else w.id))
    info = _sub(alert, "info")
    _sub(info, "language", "zh-CN")
    for cat in cap_categories(w.category, w.event_type, w.title):
        _sub(info, "category", cat)
    _sub(info, "event", w.event_type or w.title)
    _sub(info, "responseType", "AllClear" if cancel else RESPONSE_TYPE[w.colour])
    _sub(info, "urgency", "Past" if cancel else urgency)
    _sub(info, "severity", severity)
    _sub(info, "certainty", certainty)
    _sub(info, "effective", cap_time(sent))
    if w.start_at and not cancel:
        _sub(info, "onset", cap_time(w.start_at))
    if w.ends_at and not cancel:
        _sub(info, "expires", cap_time(w.ends_at))
    _sub(info, "senderName", w.issuing_unit or profile.name)
    _sub(info, "headline", f"解除：{w.title}" if cancel else w.title)
    description = _description(w)
    if description:
        _sub(info, "description", description)
    instruction = _instruction(w, cancel)
    if instruction:
        _sub(info, "instruction", instruction)
    if w.hotline:
        _sub(info, "contact", w.hotline)
    param = _sub(info, "parameter")
    _sub(param, "valueName", "color_level")
    _sub(param, "value", w.colour)
    area = _sub(info, "area")
    _sub(area, "areaDesc", w.area or profile.name)
    ET.register_namespace("", NS)
    ET.indent(alert)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(alert, encoding="unicode") + "\n"

