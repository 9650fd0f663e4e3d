"""The reporting clock: which reports an incident owes, to whom, and by when.

The confirmed grade drives the clocks; the suggestion from the grading rules is only shown
beside it. Where the plan gives no number the deadline has no due time and the app shows the
plan's own words ("立即", "及时").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .incident_facts import IncidentFacts
from .profile_schema import Clock, Profile, Trigger


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

    def overdue_by(self, now: dt.datetime) -> dt.timedelta | None:
        """How late the report is at `now` (None when not due or not yet late)."""
        if self.due is None or now <= self.due:
            return None
        return now - self.due


def trigger_matches(trigger: Trigger, facts: IncidentFacts) -> bool:
    if trigger.categories and facts.category not in trigger.categories:
        return False
    if trigger.requires_ongoing and not facts.ongoing:
        return False
    if not trigger.grades and not trigger.flags:
        return True
    return facts.grade in trigger.grades or bool(facts.flags & set(trigger.flags))


def _anchor_time(clock: Clock, facts: IncidentFacts, last_report_at: dt.datetime | None,
                 handling_ended_at: dt.datetime | None) -> dt.datetime | None:
    if clock.anchor == "received_at":
        return facts.received_at
    if clock.anchor == "occurred_at":
        return facts.occurred_at
    if clock.anchor == "previous_report":
        # Until the first report is sent, the follow-up interval runs from receipt.
        return last_report_at or facts.received_at
    return handling_ended_at


def compute_deadlines(profile: Profile, facts: IncidentFacts, *, last_report_at: dt.datetime | None = None,
                      handling_ended_at: dt.datetime | None = None) -> list[Deadline]:
    deadlines = []
    for clock in profile.reporting.clocks:
        if not trigger_matches(clock.trigger, facts):
            continue
        anchor = _anchor_time(clock, facts, last_report_at, handling_ended_at)
        due = anchor + dt.timedelta(minutes=clock.minutes) if anchor is not None and clock.minutes is not None else None
        deadlines.append(Deadline(
            clock_id=clock.id, kind=clock.kind, due=due, anchor=clock.anchor, minutes=clock.minutes,
            wording=clock.wording, to=tuple(clock.to), cc=tuple(clock.cc), basis=clock.basis,
        ))
    return deadlines


def followup_interval(profile: Profile, facts: IncidentFacts) -> int | None:
    """Minutes between follow-up reports for this incident, or None where no numeric clock applies."""
    minutes = [c.minutes for c in profile.reporting.clocks
               if c.kind == "followup" and c.minutes is not None and trigger_matches(c.trigger, facts)]
    return min(minutes) if minutes else None


def reports_to_city(profile: Profile, facts: IncidentFacts) -> bool:
    city = profile.reporting.city
    return bool(city and trigger_matches(city.trigger, facts))
