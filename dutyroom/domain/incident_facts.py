"""The facts of an incident as the rules see them (docs/ARCHITECTURE.md section 4 input)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .clock import BEIJING
from .errors import UserError
from .numbers import MAX_COUNT, MAX_LOSS_CNY, NumberError, read_amount, read_count
from .vocabulary import Category, Flag, Grade

MIN_YEAR, MAX_YEAR = 1900, 2199  # of a time in the facts
MAX_JSON_CHARS = 1_000_000  # of a facts file for `rules incident`
_COUNTS = ("deaths", "injured", "seriously_injured", "missing", "trapped")
_FLAGS = tuple(f.value for f in Flag)
KNOWN_KEYS = frozenset(
    {"category", "event_type", "occurred_at", "received_at", "grade", "economic_loss_cny", "ongoing", "health",
     *_COUNTS, *_FLAGS}
)


class FactsError(ValueError):
    """Input that cannot be read; the message names the field (Chinese, then English)."""

    def __init__(self, field_name: str, zh: str, en: str):
        self.field = field_name
        self.zh = zh
        self.en = en
        super().__init__(f"{field_name}：{zh} / {en}")


def _number(field_name: str, read: Callable[..., Any], value: Any, maximum: float) -> Any:
    """A count or an amount read by the one number parser (domain/numbers), refused with the field named."""
    try:
        return read(value, maximum=maximum)
    except NumberError as exc:
        raise FactsError(field_name, exc.zh, exc.en) from None


def parse_time(value: Any, field_name: str) -> dt.datetime | None:
    """ISO 8601; a time without an offset is Beijing time."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise FactsError(field_name, "时间必须是 ISO 8601 字符串", "time must be an ISO 8601 string")
    try:
        t = dt.datetime.fromisoformat(value)
    except ValueError:
        raise FactsError(field_name, f"无法识别的时间：{value[:40]}", f"unreadable time: {value[:40]}") from None
    if not MIN_YEAR <= t.year <= MAX_YEAR:  # 0001 or 9999 at an extreme offset: deadlines overflow (issue 17)
        raise FactsError(field_name, f"时间不合理（应在 {MIN_YEAR}–{MAX_YEAR} 年之间）",
                         f"implausible time (years {MIN_YEAR}-{MAX_YEAR} only)")
    return t if t.tzinfo else t.replace(tzinfo=BEIJING)


def facts_from_json(raw: str, source: str = "-") -> IncidentFacts:
    """The facts in a JSON text (`rules incident`), refused with a UserError naming `source` when it is too big,
    too deeply nested (100,000 brackets) or not facts."""
    if len(raw) > MAX_JSON_CHARS:
        raise UserError(f"{source} 过大（最多 {MAX_JSON_CHARS // 1000} KB）",
                        f"{source} is too large ({MAX_JSON_CHARS // 1000} KB at most)")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise UserError(f"{source} 不是有效的 JSON（第 {exc.lineno} 行）", f"{source} is not valid JSON "
                        f"(line {exc.lineno})") from None
    except RecursionError:
        raise UserError(f"{source} 嵌套层数过多", f"{source} is nested too deeply") from None
    try:
        return IncidentFacts.from_mapping(data)
    except FactsError as exc:
        raise UserError(f"字段 {exc.field}：{exc.zh}", f"field {exc.field}: {exc.en}") from None


_FLAG_FIELDS = tuple((f, f.value) for f in Flag)  # (flag, field name), read without the enum's lookups


@dataclass(frozen=True)
class IncidentFacts:
    category: Category | None = None
    event_type: str | None = None
    occurred_at: dt.datetime | None = None
    received_at: dt.datetime | None = None
    grade: Grade = Grade.unknown
    deaths: int = 0
    injured: int = 0
    seriously_injured: int = 0
    missing: int = 0
    trapped: int = 0
    economic_loss_cny: float = 0
    sensitive: bool = False
    key_area: bool = False
    special_period: bool = False
    foreign_related: bool = False
    prominent: bool = False
    major_impact: bool = False
    may_escalate: bool = False
    endangers_neighbours: bool = False
    ongoing: bool = True
    health: Mapping[str, Any] = field(default_factory=dict)
    # clock id → when it began to apply, for a clock a grade or flag confirmed after receipt brought in (a clock
    # not named, or named with None, counts from its anchor): reporting_clock.compute_deadlines
    clocks_started: Mapping[str, dt.datetime | None] = field(default_factory=dict)

    @cached_property
    def flags(self) -> frozenset[Flag]:
        """Computed once per facts (they are frozen): the clocks ask it for every trigger."""
        return frozenset(f for f, name in _FLAG_FIELDS if getattr(self, name))

    def grading_facts(self) -> dict[str, Any]:
        return {
            "deaths": self.deaths,
            "seriously_injured": self.seriously_injured,
            "economic_loss_cny": self.economic_loss_cny,
            "health": dict(self.health),
        }

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> IncidentFacts:
        if not isinstance(data, Mapping):
            raise FactsError("(root)", "输入必须是 JSON 对象", "input must be a JSON object")
        unknown = sorted(set(data) - KNOWN_KEYS)
        if unknown:
            raise FactsError(unknown[0], "未知字段", "unknown field")
        kw: dict[str, Any] = {}
        if data.get("category") not in (None, ""):
            try:
                kw["category"] = Category(data["category"])
            except ValueError:
                raise FactsError("category", f"未知类别 {data['category']!r}（可选：{', '.join(c.value for c in Category)}）",
                                 "unknown category") from None
        if data.get("event_type") not in (None, ""):
            if not isinstance(data["event_type"], str):
                raise FactsError("event_type", "必须是文字", "must be text")
            kw["event_type"] = data["event_type"].strip()
        if data.get("grade") not in (None, ""):
            try:
                kw["grade"] = Grade(data["grade"])
            except ValueError:
                raise FactsError("grade", f"未知等级 {data['grade']!r}（可选：{', '.join(g.value for g in Grade)}）",
                                 "unknown grade") from None
        for name in ("occurred_at", "received_at"):
            kw[name] = parse_time(data.get(name), name)
        if kw["occurred_at"] and kw["received_at"] and kw["occurred_at"] > kw["received_at"]:
            raise FactsError("occurred_at", "发生时间晚于接报时间", "occurred_at is after received_at")
        for name in _COUNTS:
            kw[name] = _number(name, read_count, data.get(name), MAX_COUNT)
        if kw["seriously_injured"] > kw["injured"] and "injured" in data:
            raise FactsError("seriously_injured", "重伤人数不能多于受伤总人数", "more seriously injured than injured")
        kw["economic_loss_cny"] = _number("economic_loss_cny", read_amount, data.get("economic_loss_cny"), MAX_LOSS_CNY)
        for name in (*_FLAGS, "ongoing"):
            if name in data and data[name] is not None:
                if not isinstance(data[name], bool):
                    raise FactsError(name, "必须是 true 或 false", "must be true or false")
                kw[name] = data[name]
        health = data.get("health") or {}
        if not isinstance(health, Mapping):
            raise FactsError("health", "必须是 JSON 对象", "must be a JSON object")
        kw["health"] = dict(health)
        return cls(**kw)
