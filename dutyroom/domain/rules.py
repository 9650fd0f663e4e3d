"""What a profile says about an incident or a warning level: the `rules` CLI's answers as data.

The shapes are docs/ARCHITECTURE.md section 4; keep them stable, outside checks read them.
"""

from __future__ import annotations

from typing import Any

from .clock import BEIJING
from .grading import suggest_grade
from .incident_facts import IncidentFacts
from .profile_schema import Adjustment, ApprovalStep, ColourPolicy, LeadRow, Profile
from .reporting_clock import city_clocks, compute_deadlines, followup_interval, reports_to_city, trigger_matches
from .vocabulary import Category, Colour

RULES_KINDS = ("verbal", "written", "followup", "notice")  # the kinds `rules incident` lists


def _normalise(text: str) -> str:
    return "".join(text.split()).replace("（", "(").replace("）", ")")


def find_lead_row(profile: Profile, event_type: str | None, category: Category | None = None) -> LeadRow | None:
    """The 处置分工 row for an event type: exact text first, then a row that contains it or is contained in it."""
    if not event_type:
        return None
    wanted = _normalise(event_type)
    rows = [r for r in profile.lead_departments if category is None or r.category == category]
    for row in rows:
        if _normalise(row.event_type) == wanted:
            return row
    for row in rows:
        have = _normalise(row.event_type)
        if wanted in have or have in wanted:
            return row
    return None


def _iso(t) -> str | None:
    return t.astimezone(BEIJING).isoformat() if t is not None else None


def _review(profile: Profile, clock_id: str) -> dict[str, Any]:
    """A leader's consent a deadline waits for (Dongcheng 4.1.6), only where the clock asks for one."""
    clock = next(c for c in profile.reporting.clocks if c.id == clock_id)
    if not clock.leader_review:
        return {}
    return {"leader_review": True, "reviewer_roles": [r.value for r in clock.reviewer_roles]}


def incident_rules(profile: Profile, facts: IncidentFacts) -> dict[str, Any]:
    suggestion = suggest_grade(facts.category, facts.grading_facts(), list(profile.grading))
    row = find_lead_row(profile, facts.event_type, facts.category)
    deadlines = [d for d in compute_deadlines(profile, facts) if d.kind in RULES_KINDS]
    city = profile.reporting.city
    to_city = reports_to_city(profile, facts)
    if city is None or not trigger_matches(city.trigger, facts):
        city = next(iter(city_clocks(profile, facts)), None)  # the only route that applies (Dongcheng 4.1.6)
    return {
        "profile": profile.key,
        "profile_version": profile.version,
        "grade": {
            "effective": facts.grade.value,
            "suggested": suggestion.suggested.value if suggestion.suggested else None,
            "rules": suggestion.rule_ids,
            "needs_judgment": suggestion.needs_judgment,
        },
        "lead_units": list(row.lead_units) if row else [],
        "deadlines": [
            {"kind": d.kind, "due": _iso(d.due), "anchor": d.anchor, "to": list(d.to), "basis": d.basis,
             "minutes": d.minutes, "wording": d.wording, "cc": list(d.cc), "clock": d.clock_id,
             **_review(profile, d.clock_id)}
            for d in deadlines
        ],
        "followup_every_minutes": followup_interval(profile, facts),
        "report_to_city": to_city,
        "city_report": (
            {"to": list(city.to), "leader_review": city.leader_review,
             "reviewer_roles": [r.value for r in city.reviewer_roles], "basis": city.basis}
            if to_city and city else None
        ),
    }


def colour_policy(profile: Profile, colour: Colour, category: Category | None = None) -> ColourPolicy:
    overrides = profile.warnings.category_overrides.get(category) if category else None
    if overrides and colour in overrides:
        return overrides[colour]
    return profile.warnings.levels[colour]


def adjustment_policy(profile: Profile, category: Category | str | None) -> Adjustment:
    """Who adjusts a level: the category's own rule where its plan names one (Pinggu 公卫预案3.2.2(5)), else the general one."""
    own = profile.warnings.category_adjust.get(Category(category)) if category else None
    return own or profile.warnings.adjust


def warning_rules(profile: Profile, colour: Colour, category: Category | None = None) -> dict[str, Any]:
    policy = colour_policy(profile, colour, category)
    out: dict[str, Any] = {
        "profile": profile.key,
        "profile_version": profile.version,
        "level": colour.value,
        "steps": [{"role": s.role.value, "kind": s.kind, "basis": s.basis, "label": s.label} for s in policy.steps],
        "issuer": policy.issuer.value,
        "lifted_by": policy.lifted_by.value,
        "filed_with": list(policy.filed_with),
        "measures": [m.text for m in policy.measures],
    }
    if category:
        out["category"] = category.value
    out["preconditions"] = [_step_rule(s) for s in policy.preconditions]
    adjust = adjustment_policy(profile, category)
    out["adjustment"] = {"by": adjust.by.value, "by_label": adjust.by_label,
                         "steps": [_step_rule(s) for s in adjust.steps], "basis": adjust.basis,
                         "outside_decisions": [_step_rule(s) for s in adjust.steps if s.kind == "external_decision"]}
    out["lift_needs_approval"] = policy.lift_needs_approval
    out["basis"] = policy.basis
    return out


def _step_rule(step: ApprovalStep) -> dict[str, Any]:
    return {"role": step.role.value, "kind": step.kind, "label": step.label, "basis": step.basis,
            "source_line": step.source_line}
