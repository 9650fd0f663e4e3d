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
- <expires>: the expected end (the end time given, else start + a 预计持续时间 such as "12小时").
- <area>: areaDesc names the profile's streets/townships found in the area text (the district's name for
  全区); <geocode> valueName "GB/T 2260" carries the profile's administrative division code.
- status other than Actual (Exercise, Test, ...): a message of its own, see ``build_alert``.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from typing import Any

from ..domain.errors import UserError
from ..domain.incident_facts import BEIJING
from ..domain.numbers import ascii_digits
from ..domain.profile_schema import Profile
from ..domain.warning_state import Status

# A warning as services.warnings.WarningView gives it (any object with its fields will do).
WarningView = Any

NS = "urn:oasis:names:tc:emergency:cap:1.2"
STATUSES = ("Actual", "Exercise", "System", "Test", "Draft")
GEOCODE_NAME = "GB/T 2260"   # <geocode> valueName: the administrative division code (profile.division_code)

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


def message_id(profile_key: str, warning_id: int, cancel: bool = False, status: str = "Actual",
               sent: dt.datetime | None = None) -> str:
    """CN-BJ-dongcheng-W12 (-lift for the Cancel): the one real message of a warning, the same on every export.
    A message of another status (Exercise, Test, ...) is a new message each time: its status and its own
    sent time are part of the identifier (CN-BJ-dongcheng-W12-Exercise-20260701T160500)."""
    base = f"CN-BJ-{profile_key}-W{warning_id}" + ("-lift" if cancel else "")
    if status == "Actual":
        return base
    if sent is None:
        raise ValueError("a message that is not Actual needs its own sent time")
    return f"{base}-{status}-{sent.astimezone(BEIJING):%Y%m%dT%H%M%S}"


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


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_DURATION = re.compile(r"^\s*(?:约|预计|持续)?\s*([0-9.]+|[零〇一二两三四五六七八九十]+|半)\s*(个)?\s*(半)?\s*"
                       r"(小时|钟头|h|天|日|昼夜|分钟|min)", re.I)
_UNIT = {"小时": 60, "钟头": 60, "h": 60, "天": 1440, "日": 1440, "昼夜": 1440, "分钟": 1, "min": 1}


def _cn_number(text: str) -> float | None:
    if text == "半":
        return 0.5
    try:
        return float(text)
    except ValueError:
        pass
    if "十" in text:
        tens, _, ones = text.partition("十")
        if len(tens) > 1 or len(ones) > 1 or (tens and tens not in _CN_DIGITS) or (ones and ones not in _CN_DIGITS):
            return None
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return float(_CN_DIGITS[text]) if len(text) == 1 and text in _CN_DIGITS else None


def duration_minutes(text: str | None) -> int | None:
    """Minutes of a typed 预计持续时间 that starts with an amount and a unit: "12小时", "3天", "约30分钟",
    "二十四小时", "1.5小时", "一个半小时"; None for anything else ("视降雨情况而定")."""
    if not text:
        return None
    m = _DURATION.match(ascii_digits(text))
    if not m:
        return None
    amount = _cn_number(m.group(1))
    if amount is None or amount <= 0:
        return None
    amount += 0.5 if m.group(3) else 0.0
    return round(amount * _UNIT[m.group(4).lower()])


def expected_end(w: WarningView) -> dt.datetime | None:
    """When the warning is expected to end: the end time given, else its start (or, without one, its issue
    time) plus a 预计持续时间 that reads as an amount of time."""
    if w.ends_at is not None:
        return w.ends_at
    minutes = duration_minutes(w.expected_duration)
    start = w.start_at or w.issued_at
    if minutes is None or start is None:
        return None
    return start + dt.timedelta(minutes=minutes)


def affected_places(area: str | None, profile: Profile) -> list[str]:
    """The profile's streets and townships named in the warning's area text, in the order the text names them."""
    text = area or ""
    found = [(text.find(p), p) for p in profile.places if p and p in text]
    return [p for _, p in sorted(found)]


def area_desc(area: str | None, profile: Profile) -> str:
    """<areaDesc>: the streets/townships of the affected area (东华门街道、景山街道); a whole-district area
    (全区, blank) is the district's name; other free text is kept as typed."""
    places = affected_places(area, profile)
    if places:
        return "、".join(places)
    text = (area or "").strip()
    if not text or text in ("全区", "全市", "全域", profile.name, f"{profile.name}全域", f"{profile.name}全境"):
        return profile.name
    return text


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


EXERCISE_NOTE = "演练信息，非真实预警。"


def build_alert(w: WarningView, lineage: list[WarningView], profile: Profile, status: str = "Actual",
                now: dt.datetime | None = None) -> str:
    """The CAP 1.2 XML (UTF-8 text with declaration) for one issued, adjusted or lifted warning.

    Actual: the warning's own message, sent when it was issued (or lifted), the same on every export.
    Any other status (Exercise for a drill, Test, ...) is a message of its own: sent ``now`` (the time of the
    export, to the second), an identifier of its own (``message_id``), a <note> for an Exercise, and no
    <references> to the real messages (a drill never updates or cancels a real alert)."""
    if status not in STATUSES:
        raise UserError(f"未知的 CAP 状态：{status}", f"unknown CAP status: {status}")
    msg_type = message_type(w)
    cancel = msg_type == "Cancel"
    real = status == "Actual"
    sent = (w.lifted_at if cancel and w.lifted_at else w.issued_at) if real else (now or dt.datetime.now(BEIJING))
    assert sent is not None
    sent = sent.replace(microsecond=0)
    urgency, severity, certainty = COLOUR_CAP[w.colour]
    alert = ET.Element(f"{{{NS}}}alert")
    _sub(alert, "identifier", message_id(w.profile_key, w.id, cancel, status, sent))
    _sub(alert, "sender", sender_id(w.profile_key))
    _sub(alert, "sent", cap_time(sent))
    _sub(alert, "status", status)
    _sub(alert, "msgType", msg_type)
    if w.origin == "forwarded" and w.source_org:
        _sub(alert, "source", w.source_org)
    _sub(alert, "scope", "Public")
    if status == "Exercise":
        _sub(alert, "note", EXERCISE_NOTE)
    refs = _references(w, lineage, msg_type) if real else None
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
    ends = expected_end(w)
    if ends is not None and not cancel:
        _sub(info, "expires", cap_time(ends))
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
    _sub(area, "areaDesc", area_desc(w.area, profile))
    if profile.division_code:
        code = _sub(area, "geocode")
        _sub(code, "valueName", GEOCODE_NAME)
        _sub(code, "value", profile.division_code)
    ET.register_namespace("", NS)
    ET.indent(alert)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(alert, encoding="unicode") + "\n"

