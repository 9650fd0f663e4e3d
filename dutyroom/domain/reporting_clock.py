"""The reporting clock: which reports an incident owes, to whom, and by when.

The confirmed grade drives the clocks; the suggestion from the grading rules is only shown
beside it. Where the plan gives no number the deadline has no due time and the app shows the
plan's own words ("立即", "及时"). Such a deadline is never silent all the same: it carries an
escalation bound (the clock's `bound` in the profile), either the same plan's outer limit (Dongcheng
4.1.5 "最迟不晚于接报后10分钟" for 4.1.4 "立即") or, where the plan has none, the district's own
setting (本区设定, `district_minutes`). `escalation_due` is when an unsent report turns red: the due
time where the plan gives a number, else the bound's time.

A bound from the district setting counts from receipt where the clock counts from the event itself
(the duty room cannot be late for a time before it knew), otherwise from the clock's own anchor
(the previous report for a follow-up, the end of handling for a final report).

For the same reason a clock that began to apply after receipt — its grade or flag was confirmed later
(`IncidentFacts.clocks_started`) — keeps the plan's own time where that is still ahead when it begins, and
otherwise gets its full window from that moment: Dongcheng 4.1.4 for an event at 08:00 received 08:11 and
confirmed 较大 at 08:30 escalates its 立即报告 at 08:40 (4.1.5's ten minutes had run out at 08:21) but owes the
written report by 09:00 as the plan says (事件发生后1小时); confirmed at 09:30, the written report is owed by 10:30.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .clock import BEIJING
from .incident_facts import IncidentFacts
from .profile_schema import Clock, Profile, Trigger

DEFAULT_DISTRICT_MINUTES = 30  # 本区设定 until an administrator sets one (the municipal plan's 4.1.5 limit)


@dataclass(frozen=True)
class EscalationBound:
    """When a deadline without a number escalates, and who says so."""

    minutes: int
    anchor: str  # received_at | occurred_at | previous_report | handling_ended
    basis: str  # the clause that supplies the bound ("4.1.5"); "" for the district setting
    wording: str  # the bound's own words: the plan's ("最迟不晚于接报后10分钟") or "" for the district setting
    source: str  # plan | district
    source_line: str | None = None


@dataclass(frozen=True)
class Deadline:
    clock_id: str
    kind: str  # verbal | written | followup | final
    due: dt.datetime | None
    anchor: str
    minutes: int | None
    wording: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    basis: str
    bound: EscalationBound | None = None  # only where due is None because the plan gives no number
    escalation_due: dt.datetime | None = None  # due, or the bound's time where the plan gives no number
    by: tuple[str, ...] = ()  # who owes it where the plan names a unit (信息发布: 区政府, 区委宣传部)

    def overdue_by(self, now: dt.datetime) -> dt.timedelta | None:
        """How late the report is at `now` (None when not due or not yet late)."""
        if self.due is None or now <= self.due:
            return None
        return now - self.due


def in_force(clock: Clock, facts: IncidentFacts) -> bool:
    """False for a clock whose plan was not yet issued on the day the incident was received."""
    if clock.in_force_from is None or facts.received_at is None:
        return True
    return facts.received_at.astimezone(BEIJING).date() >= clock.in_force_from


def trigger_matches(trigger: Trigger, facts: IncidentFacts) -> bool:
    if trigger.categories and facts.category not in trigger.categories:
        return False
    if trigger.requires_ongoing and not facts.ongoing:
        return False
    if not trigger.grades and not trigger.flags:
        return True
    return facts.grade in trigger.grades or bool(facts.flags & set(trigger.flags))


def _anchor_time(anchor: str, facts: IncidentFacts, last_report_at: dt.datetime | None,
                 handling_ended_at: dt.datetime | None) -> dt.datetime | None:
    if anchor == "received_at":
        return facts.received_at
    if anchor == "occurred_at":
        return facts.occurred_at
    if anchor == "previous_report":
        # Until the first report is sent, the follow-up interval runs from receipt.
        return last_report_at or facts.received_at
    return handling_ended_at


def escalation_bound(profile: Profile, clock: Clock, district_minutes: int) -> EscalationBound | None:
    """The bound of a clock the plan words without a number (None for a clock with minutes)."""
    if clock.bound is None:
        return None
    if clock.bound.clock is not None:
        by = next(c for c in profile.reporting.clocks if c.id == clock.bound.clock)
        return EscalationBound(minutes=by.minutes or 0, anchor=by.anchor, basis=clock.bound.basis or by.basis,
                               wording=by.wording, source="plan", source_line=clock.bound.source_line)
    anchor = "received_at" if clock.anchor == "occurred_at" else clock.anchor
    return EscalationBound(minutes=district_minutes, anchor=anchor, basis="", wording="", source="district")


def _plus(t: dt.datetime | None, minutes: int | None) -> dt.datetime | None:
    return t + dt.timedelta(minutes=minutes) if t is not None and minutes is not None else None


def _counted(anchor_at: dt.datetime | None, minutes: int | None, started: dt.datetime | None) -> dt.datetime | None:
    """The plan's time (anchor + minutes); for a clock that began later (`started`), that time where it was still
    ahead then, else the full window from `started`."""
    at = _plus(anchor_at, minutes)
    return _plus(started, minutes) if started is not None and at is not None and at <= started else at


_APPLYING: dict[int, tuple[Profile, dict[tuple, tuple[Clock, ...]]]] = {}


def applying_clocks(profile: Profile, facts: IncidentFacts) -> tuple[Clock, ...]:
    """The profile's clocks whose trigger matches the facts and which were in force on the day of receipt.

    Memoised on what decides it (category, grade, flags, ongoing, and the day of receipt where a clock has a
    start date), per profile object (profiles are frozen): the statistics of a year ask it for 10,000 incidents
    that fall into a few hundred such cases (issue 21)."""
    clocks = profile.reporting.clocks
    entry = _APPLYING.get(id(profile))
    if entry is None or entry[0] is not profile:
        if len(_APPLYING) > 64:
            _APPLYING.clear()
        entry = _APPLYING[id(profile)] = (profile, {})
    dated = any(c.in_force_from is not None for c in clocks) and facts.received_at is not None
    key = (facts.category, facts.grade, facts.flags, facts.ongoing,
           facts.received_at.astimezone(BEIJING).date() if dated else None)
    known = entry[1].get(key)
    if known is None:
        if len(entry[1]) > 50_000:
            entry[1].clear()
        known = entry[1][key] = tuple(c for c in clocks if trigger_matches(c.trigger, facts) and in_force(c, facts))
    return known


def compute_deadlines(profile: Profile, facts: IncidentFacts, *, last_report_at: dt.datetime | None = None,
                      handling_ended_at: dt.datetime | None = None,
                      district_minutes: int = DEFAULT_DISTRICT_MINUTES) -> list[Deadline]:
    deadlines = []
    for clock in applying_clocks(profile, facts):
        started = facts.clocks_started.get(clock.id)
        due = _counted(_anchor_time(clock.anchor, facts, last_report_at, handling_ended_at), clock.minutes, started)
        bound = escalation_bound(profile, clock, district_minutes)
        escalation_due = due if bound is None else _counted(
            _anchor_time(bound.anchor, facts, last_report_at, handling_ended_at), bound.minutes, started)
        deadlines.append(Deadline(
            clock_id=clock.id, kind=clock.kind, due=due, anchor=clock.anchor, minutes=clock.minutes,
            wording=clock.wording, to=tuple(clock.to), cc=tuple(clock.cc), basis=clock.basis,
            bound=bound, escalation_due=escalation_due, by=tuple(clock.by),
        ))
    return deadlines


def followup_interval(profile: Profile, facts: IncidentFacts) -> int | None:
    """Minutes between follow-up reports for this incident, or None where no numeric clock applies."""
    minutes = [c.minutes for c in profile.reporting.clocks
               if c.kind == "followup" and c.minutes is not None and trigger_matches(c.trigger, facts)
               and in_force(c, facts)]
    return min(minutes) if minutes else None


def city_clocks(profile: Profile, facts: IncidentFacts) -> list[Clock]:
    """Clocks that report to the city outside the `city` route and apply to this incident (Dongcheng 4.1.6)."""
    return [c for c in profile.reporting.clocks if c.to_city and trigger_matches(c.trigger, facts) and in_force(c, facts)]


def reports_to_city(profile: Profile, facts: IncidentFacts) -> bool:
    city = profile.reporting.city
    return bool(city and trigger_matches(city.trigger, facts)) or bool(city_clocks(profile, facts))


def reviewers_for(profile: Profile, recipients) -> tuple[str, ...] | None:
    """The roles of whom one must consent before a report to these recipients is sent; None: no review needed.

    The `city` route and any clock with `leader_review` each name their recipients and reviewers."""
    wanted = set(recipients)
    routes = [(c.to, c.reviewer_roles) for c in profile.reporting.clocks if c.leader_review]
    city = profile.reporting.city
    if city and city.leader_review:
        routes.append((city.to, city.reviewer_roles))
    hit = [roles for to, roles in routes if wanted & set(to)]
    return tuple(dict.fromkeys(r.value for roles in hit for r in roles)) if hit else None
