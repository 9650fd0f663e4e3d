"""An incident's report chain: every deadline it owes, met or pending, from the profile and the reports sent.

Pure: the caller passes the facts (confirmed grade, flags, times) and the reports already sent.

- Verbal, written and final clocks are met by the first original report sent for that clock.
- Follow-ups (续报) are numbered 1, 2, 3 …; each sent one is a met row and, while the incident is still
  being handled, the next one is pending, due N minutes after the previous report (any original
  report: the plans count the interval from the last report, 4.1.5).
- Every incident owes a final report (终报) before it is closed. Where the profile's plan sets no final
  clock for it, the app adds one with no due time (source "app") that says so.
- A correction (corrects_report_id set) never meets a deadline and never restarts the follow-up interval.
- A deadline the plan words without a number keeps due None and carries its escalation bound
  (reporting_clock.EscalationBound); `escalation_due` is the time its state runs against.

Lateness (迟报): sent at or before the due time is on time (0); after it, late by the started minutes
(one second late counts as 1 minute), so a report sent exactly at the due minute is on time and one
minute after it is 1 minute late.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .incident_facts import IncidentFacts
from .profile_schema import Clock, Profile
from .reporting_clock import DEFAULT_DISTRICT_MINUTES, Deadline, EscalationBound, applying_clocks, compute_deadlines

SOON = dt.timedelta(minutes=5)
APP_FINAL_CLOCK = "app-final"
# Shown after the label "终报" ("终报：处置结束后报送（…）"), so it does not name the report again.
APP_FINAL_WORDING = "处置结束后报送（预案未规定时限；结案前须报终报）"
KIND_LABELS = {"verbal": ("首报", "First report"), "written": ("书面报告", "Written report"),
               "followup": ("续报", "Follow-up"), "final": ("终报", "Final report"),
               "notice": ("通报/发布", "Notice / release")}


def report_label(kind: str, sequence: int = 0, lang: str = "zh") -> str:
    """"首报", "续报（第2次）" … (English: "First report", "Follow-up no. 2" …); an unknown kind as it is."""
    zh, en = KIND_LABELS.get(kind, (kind, kind))
    if lang == "en":
        return f"{en} no. {sequence}" if kind == "followup" and sequence else en
    return f"{zh}（第{sequence}次）" if kind == "followup" and sequence else zh


_LABEL = re.compile(r"^(更正（)?(首报|书面报告|续报|终报|通报/发布)(?:（第(\d+)次）)?(）)?$")
_KIND_OF = {zh: kind for kind, (zh, _en) in KIND_LABELS.items()}


def translate_label(label: str, lang: str) -> str:
    """A composed Chinese label ("续报（第2次）", "更正（首报）") in `lang`; anything else unchanged."""
    m = _LABEL.match(label or "")
    if lang != "en" or not m or bool(m[1]) != bool(m[4]):
        return label
    text = report_label(_KIND_OF[m[2]], int(m[3] or 0), "en")
    return f"Correction ({text})" if m[1] else text


@dataclass(frozen=True)
class SentReport:
    id: int
    kind: str
    sequence: int
    clock_id: str | None
    sent_at: dt.datetime
    due_at: dt.datetime | None
    late_minutes: int | None
    corrects_report_id: int | None = None


@dataclass(frozen=True)
class ChainDeadline:
    key: str  # unique in the chain: clock id, with "#n" for follow-up n
    clock_id: str
    kind: str  # verbal | written | followup | final
    sequence: int  # follow-up number; 0 for the others
    due: dt.datetime | None  # None: the plan gives no number (wording says what it does say)
    anchor: str
    minutes: int | None
    wording: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    basis: str
    source: str  # "plan" | "app"
    report_id: int | None = None  # the report that met it
    sent_at: dt.datetime | None = None
    late_minutes: int | None = None
    bound: EscalationBound | None = None  # where due is None: when it escalates all the same, and on whose word
    escalation_due: dt.datetime | None = None  # due, else the bound's time; None: never escalates (app final)
    by: tuple[str, ...] = ()  # who owes it where the plan names a unit (信息发布: 区政府, 区委宣传部)

    @property
    def met(self) -> bool:
        return self.report_id is not None

    @property
    def label(self) -> str:
        return report_label(self.kind, self.sequence)


def late_minutes(due: dt.datetime | None, sent_at: dt.datetime) -> int | None:
    """None where there is no due time; 0 on time; otherwise the started minutes late."""
    if due is None:
        return None
    late = (sent_at - due).total_seconds()
    return 0 if late <= 0 else math.ceil(late / 60)


def deadline_state(due: dt.datetime | None, now: dt.datetime) -> str:
    """"overdue" after the due time, "soon" within 5 minutes of it, else "ok" (also when there is no due time)."""
    if due is None:
        return "ok"
    if now > due:
        return "overdue"
    return "soon" if due - now <= SOON else "ok"


def _row(d: Deadline | Clock, due: dt.datetime | None, *, sequence: int = 0, source: str = "plan",
         report: SentReport | None = None) -> ChainDeadline:
    clock_id = d.clock_id if isinstance(d, Deadline) else d.id
    key = f"{clock_id}#{sequence}" if d.kind == "followup" else clock_id
    pending_deadline = isinstance(d, Deadline) and report is None
    return ChainDeadline(
        key=key, clock_id=clock_id, kind=d.kind, sequence=sequence, due=due, anchor=d.anchor, minutes=d.minutes,
        wording=d.wording, to=tuple(d.to), cc=tuple(d.cc), basis=d.basis, source=source,
        report_id=report.id if report else None, sent_at=report.sent_at if report else None,
        late_minutes=report.late_minutes if report else None,
        bound=d.bound if isinstance(d, Deadline) else None,
        escalation_due=d.escalation_due if pending_deadline else due, by=tuple(d.by))


def _app_final(deadlines: Sequence[Deadline], profile: Profile) -> ChainDeadline:
    """The final report the app requires where the plan sets none: to whom the first report went."""
    first = next((d for d in deadlines if d.kind in ("verbal", "written")), None)
    to = first.to if first else tuple(profile.reporting.clocks[0].to)
    return ChainDeadline(key=APP_FINAL_CLOCK, clock_id=APP_FINAL_CLOCK, kind="final", sequence=0, due=None,
                         anchor="handling_ended", minutes=None, wording=APP_FINAL_WORDING, to=tuple(to), cc=(),
                         basis="", source="app")


def originals(reports: Sequence[SentReport]) -> list[SentReport]:
    return sorted((r for r in reports if r.corrects_report_id is None), key=lambda r: (r.sent_at, r.id))


def followup_clock(deadlines: Sequence[Deadline]) -> Deadline | None:
    """The follow-up series that applies: the shortest numeric interval, else the first one in words."""
    followups = [d for d in deadlines if d.kind == "followup"]
    timed = [d for d in followups if d.minutes is not None]
    if timed:
        return min(timed, key=lambda d: d.minutes or 0)
    return followups[0] if followups else None


def build_chain(profile: Profile, facts: IncidentFacts, reports: Sequence[SentReport], *,
                handling_ended_at: dt.datetime | None = None,
                district_minutes: int = DEFAULT_DISTRICT_MINUTES) -> list[ChainDeadline]:
    """Every deadline of the incident, met and pending, in the order verbal, written, follow-ups, final."""
    sent = originals(reports)
    last_at = sent[-1].sent_at if sent else None
    deadlines = compute_deadlines(profile, facts, last_report_at=last_at, handling_ended_at=handling_ended_at,
                                  district_minutes=district_minutes)
    clocks = {c.id: c for c in profile.reporting.clocks}
    by_clock: dict[str, SentReport] = {}
    for r in sent:
        if r.clock_id and r.kind != "followup":
            by_clock.setdefault(r.clock_id, r)

    rows: list[ChainDeadline] = []
    for d in deadlines:
        if d.kind in ("verbal", "written", "final", "notice"):
            met = by_clock.pop(d.clock_id, None)
            rows.append(_row(d, met.due_at if met else d.due, report=met))
    # Reports met clocks that no longer apply (the grade changed since): they stay in the chain.
    for clock_id, r in by_clock.items():
        if clock_id in clocks:
            rows.append(_row(clocks[clock_id], r.due_at, report=r))
        elif clock_id == APP_FINAL_CLOCK:
            rows.append(_met_app_final(deadlines, profile, r))

    series = followup_clock(deadlines)
    sent_followups = [r for r in sent if r.kind == "followup"]
    for n, r in enumerate(sent_followups, start=1):
        clock = clocks.get(r.clock_id or "") or (series if series else None)
        if clock is None:  # a voluntary follow-up where no follow-up clock applies
            rows.append(ChainDeadline(key=f"followup#{n}", clock_id=r.clock_id or "", kind="followup", sequence=n,
                                      due=r.due_at, anchor="previous_report", minutes=None, wording="", to=(), cc=(),
                                      basis="", source="app", report_id=r.id, sent_at=r.sent_at,
                                      late_minutes=r.late_minutes, escalation_due=r.due_at))
        else:
            rows.append(_row(clock, r.due_at, sequence=n, report=r))
    if series is not None and handling_ended_at is None:
        rows.append(_row(series, series.due, sequence=len(sent_followups) + 1))

    if not any(r.kind == "final" for r in rows):
        rows.append(_app_final(deadlines, profile))
    order = {"verbal": 0, "written": 1, "notice": 2, "followup": 3, "final": 4}
    return sorted(rows, key=lambda r: (order[r.kind], r.sequence))


def _met_app_final(deadlines: Sequence[Deadline], profile: Profile, r: SentReport) -> ChainDeadline:
    return replace(_app_final(deadlines, profile), report_id=r.id, sent_at=r.sent_at, late_minutes=r.late_minutes,
                   due=r.due_at)


def pending(chain: Sequence[ChainDeadline]) -> list[ChainDeadline]:
    return [d for d in chain if not d.met]


def nothing_owed(profile: Profile, facts: IncidentFacts, reports: Sequence[SentReport],
                 handling_ended_at: dt.datetime | None) -> bool:
    """True when build_chain would hold no pending deadline that can fall due: handling has ended (so no next
    follow-up is owed) and every applying clock of the plan other than the follow-up series has its report (the
    app's own final report has no due time). A shortcut for counting a whole period (统计报表) that skips
    building the chain of the many incidents that owe nothing; build_chain stays the rule, and
    tests/domain/test_nothing_owed.py checks the two agree. `reports`: the sent reports, as SentReports or any rows
    with their kind, clock_id and corrects_report_id."""
    if handling_ended_at is None:
        return False
    met = {r.clock_id for r in reports if r.corrects_report_id is None and r.clock_id and r.kind != "followup"}
    return all(c.id in met for c in applying_clocks(profile, facts)
               if c.kind in ("verbal", "written", "final", "notice"))
