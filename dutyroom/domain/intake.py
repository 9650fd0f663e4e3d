"""Checking what the duty officer typed at intake (接报), field by field, before anything is stored.

Pure: no database. `clean_intake` turns raw input (from the wizard, the CLI or a test) into column
values and a list of problems, each naming its field in Chinese and English. Two modes:

- draft (`complete=False`): every field is checked on its own; a field that passes is kept, a field
  that fails is reported and left out (so the draft keeps its last good value). Nothing is required.
- complete (`complete=True`, on submit): the whole record must hold together: required fields,
  place from the profile's list, event type from the profile's lead-department table, occurred
  not after received, public-health facts readable.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .clock import BEIJING
from .errors import UserError
from .incident_facts import FactsError, parse_time
from .numbers import MAX_COUNT, MAX_LOSS_CNY, NumberError, read_amount, read_count
from .profile_schema import LeadRow, Profile
from .text import clean_text
from .vocabulary import FLAG_LABELS, Category, Flag, Grade

FUTURE_TOLERANCE = dt.timedelta(minutes=5)  # workstation clocks drift; more than this is a typing error
PLACE_OTHER = "其他"  # a place not on the profile's list; the free address then says where

SOURCES: dict[str, tuple[str, str]] = {
    "phone": ("电话报告", "phone call"),
    "110": ("110转警", "110 transfer"),
    "119": ("119转警", "119 transfer"),
    "120": ("120转报", "120 transfer"),
    "12345": ("12345市民服务热线", "12345 hotline"),
    "street": ("街道（乡镇）报告", "street/town report"),
    "department": ("部门报告", "department report"),
    "monitoring": ("监测系统", "monitoring system"),
    "media": ("媒体/网络舆情", "media"),
}

FIELD_LABELS: dict[str, tuple[str, str]] = {
    "title": ("事件标题", "Title"),
    "source": ("信息来源", "Source"),
    "caller_name": ("报告人", "Caller"),
    "callback_phone": ("回拨电话", "Call-back number"),
    "occurred_at": ("发生时间", "Time of occurrence"),
    "received_at": ("接报时间", "Time received"),
    "place": ("事发地点（街道乡镇）", "Place (street/town)"),
    "address": ("详细地址", "Address"),
    "category": ("事件类别", "Category"),
    "event_type": ("事件类型", "Event type"),
    "deaths": ("死亡人数", "Deaths"),
    "injured": ("受伤人数", "Injured"),
    "seriously_injured": ("重伤人数", "Seriously injured"),
    "missing": ("失踪人数", "Missing"),
    "trapped": ("被困人数", "Trapped"),
    "economic_loss_cny": ("直接经济损失（元）", "Direct economic loss (CNY)"),
    "sensitive": ("事件敏感", "Sensitive"),
    "key_area": ("重点地区", "Key area"),
    "special_period": ("特殊时期", "Special period"),
    "foreign_related": ("涉外/涉港澳台", "Foreign/HK/Macao/Taiwan-related"),
    **{f.value: FLAG_LABELS[f] for f in (Flag.prominent, Flag.major_impact, Flag.may_escalate,
                                         Flag.endangers_neighbours)},
    "ongoing": ("仍在处置中", "Still being handled"),
    "health": ("公共卫生事件要素", "Public-health facts"),
    "grade": ("确认等级", "Confirmed grade"),
    "description": ("事件简要情况", "What happened"),
    "measures_taken": ("已采取的措施", "Measures taken"),
    "trend": ("发展趋势", "Trend"),
}

TEXT_LIMITS = {"title": 200, "caller_name": 100, "callback_phone": 40, "place": 100, "address": 300,
               "event_type": 200, "description": 5000, "measures_taken": 5000, "trend": 5000}
MULTILINE = frozenset({"description", "measures_taken", "trend"})
COUNTS = ("deaths", "injured", "seriously_injured", "missing", "trapped")
FLAGS = tuple(f.value for f in Flag)
REQUIRED = ("source", "occurred_at", "received_at", "place", "category", "event_type", "description")
KNOWN_FIELDS = frozenset(FIELD_LABELS)

_PHONE = re.compile(r"^[0-9+\-()（） #*/,，转]+$")


@dataclass(frozen=True)
class FieldProblem:
    field: str
    zh: str
    en: str

    @property
    def label(self) -> tuple[str, str]:
        return FIELD_LABELS.get(self.field, (self.field, self.field))

    def text(self, lang: str = "zh_CN") -> str:
        zh_label, en_label = self.label
        return f"{en_label}: {self.en}" if lang == "en" else f"{zh_label}：{self.zh}"


@dataclass(frozen=True)
class IntakeCheck:
    values: dict[str, Any]  # cleaned values of the fields that passed (keys as in FIELD_LABELS)
    problems: tuple[FieldProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


class _Bad(Exception):
    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en


# ---------------------------------------------------------------- one field at a time


def _text(name: str, value: Any) -> str | None:
    try:
        return clean_text(value, max_len=TEXT_LIMITS[name], multiline=name in MULTILINE)
    except UserError as exc:
        raise _Bad(exc.zh, exc.en) from None


def _time(name: str, value: Any, now: dt.datetime) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        t = value if value.tzinfo else value.replace(tzinfo=BEIJING)
    else:
        try:
            t = parse_time(value, name)
        except FactsError as exc:
            raise _Bad(exc.zh, exc.en) from None
    if t is not None and t > now + FUTURE_TOLERANCE:
        raise _Bad("不能晚于当前时间", "cannot be in the future")
    if t is not None and t.year < 2000:
        raise _Bad("时间不合理（早于 2000 年）", "implausible time (before 2000)")
    return t


def _count(value: Any) -> int:
    try:
        return read_count(value, maximum=MAX_COUNT)
    except NumberError as exc:
        raise _Bad(exc.zh, exc.en) from None


def _loss(value: Any) -> float:
    try:
        return read_amount(value, maximum=MAX_LOSS_CNY)
    except NumberError as exc:
        raise _Bad(exc.zh, exc.en) from None


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Bad("必须是“是”或“否”", "must be true or false")
    return value


def _enum(value: Any, choices: Mapping[str, Any] | type, zh: str, en: str) -> str | None:
    if value in (None, ""):
        return None
    keys = [c.value for c in choices] if isinstance(choices, type) else list(choices)
    if str(value) not in keys:
        raise _Bad(f"未知的{zh}：{value}（可选：{'、'.join(keys)}）", f"unknown {en}: {value}")
    return str(value)


def _health(value: Any) -> dict[str, Any]:
    if value in (None, ""):
        return {}
    if not isinstance(value, Mapping):
        raise _Bad("必须是键值对", "must be a mapping")
    out: dict[str, Any] = {}
    for key, v in value.items():
        if not isinstance(key, str) or not (v is None or isinstance(v, str | int | float | bool)):
            raise _Bad(f"无法保存的要素：{key}", f"unstorable fact: {key}")
        if isinstance(v, float) and not math.isfinite(v):
            raise _Bad(f"{key} 必须是有限数", f"{key} must be finite")
        out[key] = v
    from .grading_public_health import normalise

    try:  # read now, also in a draft: facts the grading can never read ("inf", 1e400) are not kept (issue 17)
        normalise(out)
    except ValueError as exc:
        raise _Bad(f"无法识别：{getattr(exc, 'zh', exc)}", f"unreadable: {getattr(exc, 'en', exc)}") from None
    return out


def _phone(value: Any) -> str | None:
    text = _text("callback_phone", value)
    if text is None:
        return None
    if not _PHONE.match(text) or sum(ch.isdigit() for ch in text) < 3:
        raise _Bad("不是有效的电话号码", "not a valid phone number")
    return text


def _one(name: str, value: Any, now: dt.datetime) -> Any:
    if name in ("occurred_at", "received_at"):
        return _time(name, value, now)
    if name in COUNTS:
        return _count(value)
    if name == "economic_loss_cny":
        return _loss(value)
    if name in (*FLAGS, "ongoing"):
        return _flag(value)
    if name == "source":
        return _enum(value, SOURCES, "信息来源", "source")
    if name == "category":
        return _enum(value, Category, "事件类别", "category")
    if name == "grade":
        return _enum(value, Grade, "等级", "grade") or Grade.unknown.value
    if name == "health":
        return _health(value)
    if name == "callback_phone":
        return _phone(value)
    return _text(name, value)


# ---------------------------------------------------------------- the whole record


def _normalise(text: str) -> str:
    return "".join(text.split()).replace("（", "(").replace("）", ")")


def lead_row(profile: Profile, category: str | None, event_type: str | None) -> LeadRow | None:
    """The lead-department row whose event type is exactly this one (spaces and bracket widths aside)."""
    if not event_type:
        return None
    wanted = _normalise(event_type)
    return next((r for r in profile.lead_departments
                 if _normalise(r.event_type) == wanted and (category is None or r.category.value == category)), None)


def _whole_record(values: dict[str, Any], profile: Profile) -> list[FieldProblem]:
    problems = [FieldProblem(f, "必填", "required") for f in REQUIRED if values.get(f) in (None, "")]
    missing = {p.field for p in problems}
    occurred, received = values.get("occurred_at"), values.get("received_at")
    if occurred and received and occurred > received:
        problems.append(FieldProblem("occurred_at", "发生时间不能晚于接报时间", "cannot be after the time received"))
    place = values.get("place")
    if place and profile.places and place not in profile.places and place != PLACE_OTHER:
        problems.append(FieldProblem("place", f"不在本区街道（乡镇）名单中，请从列表选择或选“{PLACE_OTHER}”",
                                     "not on this district's list of streets/towns"))
    if place == PLACE_OTHER and not values.get("address"):
        problems.append(FieldProblem("address", f"地点为“{PLACE_OTHER}”时必须填写详细地址",
                                     "required when the place is 'other'"))
    if "event_type" not in missing and "category" not in missing:
        if lead_row(profile, values.get("category"), values.get("event_type")) is None:
            problems.append(FieldProblem("event_type", "不在本预案处置分工表的该类别中，请从列表选择",
                                         "not in the plan's lead-department table for this category"))
    if values.get("seriously_injured", 0) > values.get("injured", 0):
        problems.append(FieldProblem("seriously_injured", "重伤人数不能多于受伤总人数",
                                     "more seriously injured than injured"))
    if values.get("category") == Category.public_health.value and values.get("health"):
        from .grading_public_health import normalise

        try:
            normalise(values["health"])
        except ValueError as exc:
            problems.append(FieldProblem("health", f"无法识别：{exc}", f"unreadable: {exc}"))
    return problems


def clean_intake(fields: Mapping[str, Any], profile: Profile, now: dt.datetime, *, complete: bool) -> IntakeCheck:
    """Check `fields`; in complete mode `fields` must be the whole record (stored values merged with new ones)."""
    values: dict[str, Any] = {}
    problems: list[FieldProblem] = []
    for name, raw in fields.items():
        if name not in KNOWN_FIELDS:
            problems.append(FieldProblem(name, "未知字段", "unknown field"))
            continue
        try:
            values[name] = _one(name, raw, now)
        except _Bad as bad:
            problems.append(FieldProblem(name, bad.zh, bad.en))
    if complete:
        bad_fields = {p.field for p in problems}
        problems += [p for p in _whole_record(values, profile) if p.field not in bad_fields]
    return IntakeCheck(values, tuple(problems))


def auto_title(place: str | None, address: str | None, event_type: str | None) -> str:
    """A short title for lists when the officer typed none: place + event type without its examples."""
    where = address if place in (None, "", PLACE_OTHER) else place
    what = re.sub(r"[（(].*?[）)]", "", event_type or "").strip() or "突发事件"
    return f"{(where or '')[:40]}{what}"[:200]
