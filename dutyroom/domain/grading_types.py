"""Shared result types of the grading rules (severity suggestion)."""

from __future__ import annotations

from dataclasses import dataclass

from .vocabulary import Grade


@dataclass(frozen=True)
class RuleHit:
    """One grading rule that fired: its id, the grade it points to, the clause it rests on."""

    rule_id: str  # e.g. "accident.deaths.3-9", "PH-L4-13"
    grade: Grade
    basis: str  # e.g. "国务院令第493号 第三条", "平谷区突发公共卫生事件应急预案 1.5.4"
    needs_judgment: bool = False  # the rule cannot be settled from numbers alone
    reason: str = ""  # short Chinese explanation shown to the officer
