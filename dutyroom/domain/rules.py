"""What a profile says about an incident or a warning level: the `rules` CLI's answers as data.

The shapes are docs/ARCHITECTURE.md section 4; keep them stable, outside checks read them.
"""

from __future__ import annotations

from typing import Any

from .clock import BEIJING
from .district_template import PENDING_MARK
from .grading import suggest_grade
from .incident_facts import IncidentFacts
from .profile_schema import Adjustment, ApprovalStep, ColourPolicy, LeadRow, Profile, ResponseLevel, ResponseStepRule
from .reporting_clock import city_clocks, compute_deadlines, followup_interval, reports_to_city, trigger_matches
from .vocabulary import FLAG_LABELS, Category, Colour, Flag, Grade

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
             **({"by": list(d.by)} if d.by else {}), **_review(profile, d.clock_id)}
            for d in deadlines
        ],
        "conditions": conditions(profile, facts),
        "response_level": _level_key(suggested_response_level(profile, facts)),
        "steps": [_step_out(st) for st in response_steps(profile, facts)],
        "followup_every_minutes": followup_interval(profile, facts),
        "report_to_city": to_city,
        "city_report": (
            {"to": list(city.to), "leader_review": city.leader_review,
             "reviewer_roles": [r.value for r in city.reviewer_roles], "basis": city.basis}
            if to_city and city else None
        ),
        **_pending(profile),
    }


def _pending(profile: Profile) -> dict[str, Any]:
    """A district under the municipal plan: what its own plan must still settle (shown 待本区预案确认)."""
    if not profile.pending:
        return {}
    return {"under": profile.under, "pending": [
        {"id": p.id, "what": p.what, "assumed": p.assumed, "basis": p.basis, "mark": PENDING_MARK}
        for p in profile.pending]}


def conditions(profile: Profile, facts: IncidentFacts) -> list[dict[str, Any]]:
    """The condition flags this profile reacts to (a clock's or a response level's trigger), whether each is set,
    and what it opens: the officer's judgment beside the grade (突出情况, 可能产生较大影响, …)."""
    out = []
    for flag in Flag:
        clocks = [c.id for c in profile.reporting.clocks if flag in c.trigger.flags]
        levels = [lv.key for lv in _levels(profile, facts.category) if flag in lv.default_flags]
        if clocks or levels:
            out.append({"flag": flag.value, "label": FLAG_LABELS[flag][0], "set": flag in facts.flags,
                        "clocks": clocks, **({"response_levels": levels} if levels else {})})
    return out


def flags_in_use(profile: Profile) -> tuple[Flag, ...]:
    """The condition flags this profile's rules read, in any category (a reporting clock's trigger or a response
    level's default), in the vocabulary's order. The others change nothing under this plan: Tongzhou 4.1.7's
    可能危及副中心 means nothing in Dongcheng, Dongcheng 4.3.2's 突出情况 nothing in Tongzhou, so the screens offer
    only these (and show any other a record already has)."""
    used = {f for c in profile.reporting.clocks for f in c.trigger.flags}
    policy = profile.response
    for levels in (policy.levels, *policy.category_overrides.values()):
        used |= {f for lv in levels for f in lv.default_flags}
    return tuple(f for f in Flag if f in used)


def _levels(profile: Profile, category: Category | None) -> list[ResponseLevel]:
    policy = profile.response
    own = policy.category_overrides.get(category) if category else None
    return sorted(own or policy.levels, key=lambda lv: lv.rank)


def suggested_response_level(profile: Profile, facts: IncidentFacts) -> ResponseLevel | None:
    """The level the confirmed grade (or a set condition flag, Dongcheng 4.3.2 突出情况) points to at first judgment;
    the highest where several do. The officer still decides."""
    found = [lv for lv in _levels(profile, facts.category)
             if facts.grade in lv.default_grades or facts.flags & set(lv.default_flags)]
    return min(found, key=lambda lv: lv.rank) if found else None


def _level_key(level: ResponseLevel | None) -> str | None:
    return level.key if level else None


def response_steps(profile: Profile, facts: IncidentFacts) -> list[ResponseStepRule]:
    """The recorded response steps the plan names for this incident (issue 20 escalation steps)."""
    return [st for st in profile.response.steps if trigger_matches(st.trigger, facts)]


def _step_out(st: ResponseStepRule) -> dict[str, Any]:
    return {"id": st.id, "label": st.label, "by": st.by, "before_end": st.before_end, "basis": st.basis,
            "source_line": st.source_line}


def suggest_colour(profile: Profile, category: Category | None, expected: Grade) -> tuple[Colour | None, str]:
    """The warning colour a category's plan links to the grade expected (Pinggu 公卫预案3.2.1), with its clause;
    (None, "") where the plan links none."""
    table = profile.warnings.category_colour_for_grade.get(category) if category else None
    if not table or expected not in table:
        return None, ""
    return table[expected], profile.warnings.category_colour_basis.get(category, "")


def colour_policy(profile: Profile, colour: Colour, category: Category | None = None) -> ColourPolicy:
    overrides = profile.warnings.category_overrides.get(category) if category else None
    if overrides and colour in overrides:
        return overrides[colour]
    return profile.warnings.levels[colour]


def adjustment_policy(profile: Profile, category: Category | str | None) -> Adjustment:
    """Who adjusts a level: the category's own rule where its plan names one (Pinggu 公卫预案3.2.2(5)), else the general one."""
    own = profile.warnings.category_adjust.get(Category(category)) if category else None
    return own or profile.warnings.adjust


def warning_rules(profile: Profile, colour: Colour, category: Category | None = None,
                  expected: Grade | None = None) -> dict[str, Any]:
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
    out["lifting"] = {"by": policy.lifted_by.value, "needs_approval": policy.lift_needs_approval,
                      "steps": [_step_rule(s) for s in policy.steps] if policy.lift_needs_approval else [],
                      "outside_decisions": [_step_rule(s) for s in policy.steps
                                            if policy.lift_needs_approval and s.kind == "external_decision"]}
    out["other_areas"] = [{"to": list(n.to), "wording": n.wording, "by": n.by, "basis": n.basis,
                           "source_line": n.source_line} for n in profile.warnings.other_areas if colour in n.colours]
    table = profile.warnings.category_colour_for_grade.get(category) if category else None
    if table:
        out["colour_for_grade"] = {"table": {g.value: c.value for g, c in table.items()},
                                   "basis": profile.warnings.category_colour_basis.get(category, "")}
    if expected is not None:
        suggested, _basis = suggest_colour(profile, category, expected)
        out["suggested_level"] = suggested.value if suggested else None
    out["basis"] = policy.basis
    return out


def _step_rule(step: ApprovalStep) -> dict[str, Any]:
    return {"role": step.role.value, "kind": step.kind, "label": step.label, "basis": step.basis,
            "source_line": step.source_line}
