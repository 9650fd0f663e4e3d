"""Severity suggestion: which grade the facts point to, and which rules said so.

The suggestion is advice. The grade that drives the reporting clocks is the one the duty
officer confirms (docs/ARCHITECTURE.md section 4).

Accidents follow the State Council's 《生产安全事故报告和调查处理条例》 (国务院令第493号),
第三条: deaths 30 / 10 / 3, seriously injured (incl. acute industrial poisoning) 100 / 50 / 10,
direct economic loss 100 M / 50 M / 10 M CNY. 第三条第二款: "以上" includes the number,
"以下" excludes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .grading_types import RuleHit
from .vocabulary import Category, Grade, grade_rank

DECREE_493 = "国务院令第493号 第三条"

# (metric, unit label, [(lower bound inclusive, grade, id suffix)]) highest band first.
_ACCIDENT_BANDS: tuple[tuple[str, str, tuple[tuple[float, Grade, str], ...]], ...] = (
    ("deaths", "死亡{n}人", (
        (30, Grade.especially_major, "30+"),
        (10, Grade.major, "10-29"),
        (3, Grade.large, "3-9"),
        (1, Grade.ordinary, "1-2"),
    )),
    ("seriously_injured", "重伤{n}人", (
        (100, Grade.especially_major, "100+"),
        (50, Grade.major, "50-99"),
        (10, Grade.large, "10-49"),
        (1, Grade.ordinary, "1-9"),
    )),
    ("economic_loss_cny", "直接经济损失{n}元", (
        (100_000_000, Grade.especially_major, "100M+"),
        (50_000_000, Grade.major, "50M-100M"),
        (10_000_000, Grade.large, "10M-50M"),
        (0.01, Grade.ordinary, "below-10M"),
    )),
)
_METRIC_ID = {"deaths": "deaths", "seriously_injured": "seriously_injured", "economic_loss_cny": "loss"}
_BAND_TEXT = {
    Grade.especially_major: "特别重大",
    Grade.major: "重大",
    Grade.large: "较大",
    Grade.ordinary: "一般",
}


def _number(facts: Mapping[str, Any], key: str) -> float:
    value = facts.get(key) or 0
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{key} must be a number, got {value!r}")
    if value < 0:
        raise ValueError(f"{key} must not be negative, got {value!r}")
    return value


def evaluate_accident(facts: Mapping[str, Any]) -> list[RuleHit]:
    """Decree 493 bands for each metric that is above zero."""
    hits: list[RuleHit] = []
    for metric, unit, bands in _ACCIDENT_BANDS:
        n = _number(facts, metric)
        for lower, grade, suffix in bands:
            if n >= lower:
                shown = f"{n:,.0f}" if metric == "economic_loss_cny" else f"{n:g}"
                hits.append(RuleHit(
                    rule_id=f"accident.{_METRIC_ID[metric]}.{suffix}",
                    grade=grade,
                    basis=DECREE_493,
                    reason=f"{unit.format(n=shown)}，达到{_BAND_TEXT[grade]}事故标准",
                ))
                break
    return hits


@dataclass(frozen=True)
class Suggestion:
    suggested: Grade | None  # None: no rule applies; the officer judges
    hits: tuple[RuleHit, ...] = field(default_factory=tuple)
    needs_judgment: bool = True

    @property
    def rule_ids(self) -> list[str]:
        return [h.rule_id for h in self.hits]


def suggest_grade(category: Category | str | None, facts: Mapping[str, Any], rule_sets: list[str]) -> Suggestion:
    """Apply the grading rule sets the profile enables for this category.

    The highest grade any rule points to is suggested; only the rules at that grade are
    reported. needs_judgment is true when no rule applies or a fired rule needs a decision.
    """
    hits: list[RuleHit] = []
    category = Category(category) if category else None
    if category is Category.accident and "accident_decree_493" in rule_sets:
        hits = evaluate_accident(facts)
    elif category is Category.public_health and "public_health_pinggu" in rule_sets:
        from .grading_public_health import evaluate_public_health, evaluate_series

        series = facts.get("health_series")  # dated updates: counts within the rules' windows (issue 20 item 8)
        hits = evaluate_series(series) if series else evaluate_public_health(facts.get("health") or {})
    if not hits:
        return Suggestion(suggested=None, hits=(), needs_judgment=True)
    top = min(hits, key=lambda h: grade_rank(h.grade)).grade
    top_hits = tuple(h for h in hits if h.grade == top)
    return Suggestion(suggested=top, hits=top_hits, needs_judgment=any(h.needs_judgment for h in top_hits))
