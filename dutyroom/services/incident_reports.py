"""The reporting clock of each incident and its report chain (首报 / 续报 / 终报).

The deadlines are never stored: they are computed from the stored incident (confirmed grade, flags,
times) and the reports sent, with the profile version the incident was judged by, so every change
of grade or flag moves them at once. `open_deadlines` answers the dashboard across all open incidents.

A report is composed from the incident (the seven items of municipal plan 4.1.8, follow-ups adding
4.1.5's items and what changed since the previous report), then either sent at once (`record_sent`) or
prepared, reviewed by a leader and sent (`prepare` → `review` → `send`). A report whose recipients
include the city's, where the profile says a leader must review what goes to the city, cannot be sent
before that review. Sending records when, by whom, to whom and how; a late report gets its minutes
late (迟报) and a log line. Nothing sent is edited: a correction is a new report (corrects_report_id).

Decisions where issue 3 was silent:
- A report meets one deadline: the clock it names or, if it names none, the earliest pending one of
  its kind. A follow-up takes the next number when it is sent (not when it is prepared).
- "The previous report" for the follow-up interval and for "what changed" is the last original report
  sent (any kind); corrections count for neither. What changed is taken against the snapshot of the
  incident audited with that report.
- A final report can only be sent once handling has ended (the final clock runs from that moment).
- The reviewer must hold one of the profile's reviewer roles as well as the policy's review action.
- An unsent report may be changed; changing it voids an earlier review.
- Deadlines missed are written to the incident log once each by `note_missed_deadlines` (the dashboard
  calls it on its timer); reading deadlines never writes.

"立即" is never silent: a deadline the plan words without a number keeps due None (the plan's words are
shown) but runs its state (soon / overdue, 超时未报) against its escalation bound (`escalation_due`): the
same plan's outer limit where the profile names one, else the district's setting
`report.escalation_minutes` (本区设定, read by incidents.district_bound_minutes; 30 minutes until an
administrator sets one). Sending such a report after the bound is not 迟报: lateness needs the plan's number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from ..domain.clock import now_or
from ..domain.intake import FLAGS
from ..domain.numbers import NumberError, read_bounded
from ..domain.permissions import allowed
from ..domain.profile_loader import rules_version_of
from ..domain.profile_schema import Profile
from ..domain.report_chain import (
    KIND_LABELS,
    ChainDeadline,
    SentReport,
    deadline_state,
    late_minutes,
    originals,
    pending,
)
from ..domain.report_text import compose, when
from ..domain.reporting_clock import EscalationBound, followup_interval, reports_to_city, reviewers_for
from ..domain.text import clean_text
from ..store import audit
from ..store.database import Database
from ..store.models import AuditEntry, Incident, IncidentLogEntry, IncidentReport, table_columns
from .actor import Actor, rechecked
from .errors import NotFound, PermissionDenied, UserError
from .guard import require
from .incident_log import aware, locked_incident, require_view, utc, write_automatic
from .incidents import (
    BOUND_LIMITS,
    BOUND_SETTING,
    SENT_COLUMNS,
    chain_of,
    district_bound_minutes,
    facts_of,
    pending_summary,
    report_facts,
    sent_report,
    sent_reports,
)
from .reference_data import set_setting
from .users import user_names

KINDS = ("verbal", "written", "followup", "final", "notice")
CHANNELS = {"phone": ("电话", "phone"), "fax": ("传真", "fax"), "system": ("系统报送", "system")}
CLOCK_SKEW = dt.timedelta(minutes=5)
RECEIPT_SLACK = dt.timedelta(minutes=1)  # a send time typed to the minute may fall just before a receipt with seconds
MAX_BODY = 20_000
REPORT_TEXT = ("报告正文", "the report text")
MISSED_PREFIX = "超时未报："
_FAR = dt.datetime.max.replace(tzinfo=dt.UTC)


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class DeadlineView:
    key: str
    clock_id: str
    kind: str
    sequence: int
    label: str  # 首报, 续报（第2次）, …
    due: dt.datetime | None
    anchor: str
    minutes: int | None
    wording: str  # the plan's own words; what to show where due is None
    to: tuple[str, ...]
    cc: tuple[str, ...]
    basis: str  # the plan clause
    source: str  # plan | app
    report_id: int | None
    sent_at: dt.datetime | None
    late_minutes: int | None
    state: str  # met | ok | soon | overdue (against escalation_due)
    seconds_left: int | None  # negative when overdue; None where met or no due time
    bound: EscalationBound | None = None  # where due is None: the plan's outer limit or the district setting
    escalation_due: dt.datetime | None = None  # due, else the bound's time


@dataclass(frozen=True)
class CityDuty:
    applies: bool  # the confirmed grade/flags call for a report to the city
    to: tuple[str, ...]
    leader_review: bool
    reviewer_roles: tuple[str, ...]
    basis: str


@dataclass(frozen=True)
class IncidentClock:
    incident_id: int
    profile_key: str
    profile_version: str
    grade: str
    deadlines: tuple[DeadlineView, ...]
    followup_every_minutes: int | None
    city: CityDuty | None
    now: dt.datetime
    district: str = ""  # the profile's name (东城区), for "规则：东城区 2022版"

    @property
    def pending(self) -> tuple[DeadlineView, ...]:
        return tuple(d for d in self.deadlines if d.state != "met")

    def at(self, now: dt.datetime) -> IncidentClock:
        """The same deadlines at a later `now`: the pending ones' seconds and state again, nothing read. The tab's
        countdown runs on this between reads; a state that changes here (due soon, overdue) is its cue to read
        the clock again (a report sent meanwhile, the chain's next follow-up)."""
        return replace(self, now=now, deadlines=tuple(
            d if d.state == "met" else replace(d, seconds_left=_seconds_left(d.due, now),
                                               state=deadline_state(d.escalation_due, now))
            for d in self.deadlines))


@dataclass(frozen=True)
class DashboardDeadline:
    incident_id: int
    title: str
    category: str | None
    grade: str
    place: str | None
    key: str
    clock_id: str
    kind: str
    sequence: int
    label: str
    due: dt.datetime | None
    seconds_left: int | None
    state: str  # ok | soon | overdue (against escalation_due)
    wording: str
    to: tuple[str, ...]
    basis: str
    bound: EscalationBound | None = None
    escalation_due: dt.datetime | None = None  # due, else the bound's time; the dashboard sorts on it


@dataclass(frozen=True)
class ReportDraft:
    """A composed report, not yet saved: the officer edits body and recipients before preparing or sending it."""

    incident_id: int
    kind: str
    sequence: int
    label: str
    clock_id: str | None
    due_at: dt.datetime | None
    recipients: tuple[str, ...]
    body: str
    to_city: bool
    needs_review: bool
    corrects_report_id: int | None
    # where due_at is None: the plan's words ("立即报告") and when it escalates all the same, on whose word
    wording: str = ""
    escalation_due: dt.datetime | None = None
    bound: EscalationBound | None = None


@dataclass(frozen=True)
class ReportView:
    id: int
    incident_id: int
    kind: str
    sequence: int
    label: str
    status: str  # prepared | reviewed | sent
    clock_id: str | None
    due_at: dt.datetime | None
    sent_at: dt.datetime | None
    sent_by_id: int | None
    sent_by_name: str | None
    recipients: tuple[str, ...]
    channel: str | None
    body: str
    late_minutes: int | None
    reviewed_by_id: int | None
    reviewed_by_name: str | None
    reviewed_at: dt.datetime | None
    corrects_report_id: int | None
    needs_review: bool
    created_at: dt.datetime


# ---------------------------------------------------------------- helpers


def _label(kind: str, sequence: int, correction: bool = False) -> str:
    text = f"{KIND_LABELS[kind][0]}（第{sequence}次）" if kind == "followup" and sequence else KIND_LABELS[kind][0]
    return f"更正（{text}）" if correction else text


def _seconds_left(due: dt.datetime | None, now: dt.datetime) -> int | None:
    return None if due is None else int((due - now).total_seconds())


def _deadline_view(d: ChainDeadline, now: dt.datetime) -> DeadlineView:
    return DeadlineView(
        key=d.key, clock_id=d.clock_id, kind=d.kind, sequence=d.sequence, label=d.label, due=d.due, anchor=d.anchor,
        minutes=d.minutes, wording=d.wording, to=d.to, cc=d.cc, basis=d.basis, source=d.source,
        report_id=d.report_id, sent_at=d.sent_at, late_minutes=d.late_minutes,
        state="met" if d.met else deadline_state(d.escalation_due, now),
        seconds_left=None if d.met else _seconds_left(d.due, now), bound=d.bound, escalation_due=d.escalation_due)


def needs_review(profile: Profile, recipients: Sequence[str]) -> bool:
    return reviewers_for(profile, recipients) is not None


def _recipients(values: Sequence[str]) -> tuple[str, ...]:
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for v in values:
        name = clean_text(v, field=("报送对象", "a recipient"), max_len=200, required=True)
        if name not in out:
            out.append(name)
    if not out:
        raise UserError("至少需要一个报送对象", "at least one recipient is required")
    return tuple(out)


def _dashboard_order(x: DashboardDeadline) -> tuple:
    rank = {"overdue": 0, "soon": 1}.get(x.state, 2)
    return rank, x.escalation_due or _FAR, x.incident_id, x.key


def bound_text(bound: EscalationBound | None) -> str:
    """Where an unnumbered deadline escalates, on whose word: "4.1.5 最迟不晚于接报后10分钟" or the 本区设定."""
    if bound is None:
        return ""
    if bound.source == "plan":
        return f"{bound.basis} {bound.wording}".strip()
    since = {"previous_report": "上次报送后", "handling_ended": "处置结束后"}.get(bound.anchor, "接报后")
    return f"本区设定：{since}{bound.minutes}分钟（预案未规定时限）"


def _dashboard_row(r: Row, d: ChainDeadline, now: dt.datetime) -> DashboardDeadline:
    return DashboardDeadline(
        incident_id=r.id, title=r.title, category=r.category, grade=r.grade_confirmed, place=r.place, key=d.key,
        clock_id=d.clock_id, kind=d.kind, sequence=d.sequence, label=d.label, due=d.due,
        seconds_left=_seconds_left(d.due, now), state=deadline_state(d.escalation_due, now), wording=d.wording,
        to=d.to, basis=d.basis, bound=d.bound, escalation_due=d.escalation_due)


DASH_COLUMNS = table_columns(
    Incident.id, Incident.title, Incident.place, Incident.profile_key, Incident.profile_version, Incident.category,
    Incident.event_type_text, Incident.occurred_at, Incident.received_at, Incident.grade_confirmed, Incident.deaths,
    Incident.injured, Incident.seriously_injured, Incident.missing, Incident.trapped, Incident.economic_loss_cny,
    Incident.sensitive, Incident.key_area, *(getattr(Incident, f) for f in FLAGS[2:]), Incident.ongoing,
    Incident.handling_ended_at, Incident.clocks_started)


def _report_dict(r: IncidentReport) -> dict[str, Any]:
    return {"incident_id": r.incident_id, "kind": r.kind, "sequence": r.sequence, "clock_id": r.clock_id,
            "due_at": r.due_at, "sent_at": r.sent_at, "sent_by_id": r.sent_by_id, "recipients": list(r.recipients or []),
            "channel": r.channel, "body": r.body, "late_minutes": r.late_minutes, "reviewed_by_id": r.reviewed_by_id,
            "reviewed_at": r.reviewed_at, "corrects_report_id": r.corrects_report_id}


# ---------------------------------------------------------------- the service


@rechecked
class ReportService:
    def __init__(self, db: Database, profile_dir: Path | None = None):
        self.db = db
        self.profile_dir = profile_dir

    def _profile(self, incident: Incident | Row) -> Profile:
        return rules_version_of(incident, self.profile_dir)

    # ------------------------------------------------------------ the clock

    def clock(self, actor: Actor, incident_id: int, *, now: dt.datetime | None = None) -> IncidentClock:
        """Every deadline of one incident, met and pending, with recipients, clause and state at `now`."""
        require_view(actor)
        now = now_or(now)
        with self.db.read() as s:
            incident = _incident(s, incident_id)
            p = self._profile(incident)
            chain = chain_of(p, incident, sent_reports(s, incident.id), district_bound_minutes(s))
            facts = facts_of(incident)
            city = p.reporting.city
            return IncidentClock(
                incident_id=incident.id, profile_key=p.key, profile_version=p.version, grade=incident.grade_confirmed,
                deadlines=tuple(_deadline_view(d, now) for d in chain),
                followup_every_minutes=followup_interval(p, facts),
                city=CityDuty(reports_to_city(p, facts), tuple(city.to), city.leader_review,
                              tuple(r.value for r in city.reviewer_roles), city.basis) if city else None,
                now=now, district=p.name)

    def district_bound(self, actor: Actor) -> int:
        """The district's escalation bound in minutes (本区设定), for deadlines whose plan gives none."""
        if not allowed(actor.roles, "maintenance.settings"):  # the administrator may see what he sets
            require_view(actor)
        with self.db.read() as s:
            return district_bound_minutes(s)

    def set_district_bound(self, actor: Actor, minutes: int) -> int:
        """An administrator sets the district's escalation bound; audited (setting.set, before and after)."""
        require(actor, "maintenance.settings")
        low, high = BOUND_LIMITS
        try:
            minutes = read_bounded(minutes, low=low, high=high)
        except NumberError:
            raise UserError(f"本区上报警戒时限应为 {low}–{high} 的整数（分钟）",
                            f"the district escalation bound must be a whole number of minutes from {low} to {high}") from None
        set_setting(self.db, BOUND_SETTING, str(minutes), by=actor)
        return minutes

    def open_deadlines(self, actor: Actor, *, now: dt.datetime | None = None) -> list[DashboardDeadline]:
        """The dashboard: every pending deadline of every open incident.

        Order: overdue (most overdue first), due within 5 minutes, then the rest; each by the time it
        escalates (a deadline the plan words without a number, "立即报告", by its bound's time).
        The final report shows only once handling has ended (before that it is not yet owed).
        """
        require_view(actor)
        now = now_or(now)
        with self.db.read() as s:
            rows = s.connection().execute(select(*DASH_COLUMNS).where(Incident.status == "open")).all()
            reports = _sent_of_open(s)
            bound = district_bound_minutes(s)
        out = []
        for r in rows:
            for d in pending(chain_of(self._profile(r), r, reports.get(r.id, []), bound)):
                if d.kind == "final" and r.handling_ended_at is None:
                    continue
                out.append(_dashboard_row(r, d, now))
        out.sort(key=_dashboard_order)
        return out

    def note_missed_deadlines(self, actor: Actor, *, now: dt.datetime | None = None) -> int:
        """Write one automatic log line for each deadline that has passed unreported (once per deadline)."""
        require(actor, "incident.log.add", "open")
        now = now_or(now)
        written = 0
        with self.db.write() as s:
            incidents = list(s.scalars(select(Incident).where(Incident.status == "open")))
            reports = _sent_of_open(s)
            noted = {(i, t) for i, t in s.execute(
                select(IncidentLogEntry.incident_id, IncidentLogEntry.text).join(
                    Incident, Incident.id == IncidentLogEntry.incident_id)
                .where(Incident.status == "open", IncidentLogEntry.automatic.is_(True),
                       IncidentLogEntry.text.startswith(MISSED_PREFIX)))}
            bound = district_bound_minutes(s)
            for incident in incidents:
                chain = chain_of(self._profile(incident), incident, reports.get(incident.id, []), bound)
                for d in pending(chain):
                    if d.escalation_due is None or d.escalation_due >= now:
                        continue
                    text = _missed_text(d)
                    if (incident.id, text) in noted:
                        continue
                    write_automatic(s, actor, incident, text, happened_at=d.escalation_due, now=now,
                                    duty_kind="report")
                    audit.record_by(s, actor, action="incident.deadline.missed",
                                    entity="incident", entity_id=incident.id,
                                    after={"key": d.key, "due": d.due, "basis": d.basis,
                                        "escalation_due": d.escalation_due,
                                        "bound": bound_text(d.bound) or None}, at=now)
                    written += 1
        return written

    # ------------------------------------------------------------ composing

    def compose(self, actor: Actor, incident_id: int, kind: str, *, clock_id: str | None = None,
                to_city: bool = False, corrects_report_id: int | None = None,
                now: dt.datetime | None = None) -> ReportDraft:
        """A report pre-filled from the incident: heading, the plan's items, follow-up items, what changed."""
        require_view(actor)
        now = now_or(now)
        with self.db.read() as s:
            incident = _incident(s, incident_id)
            if corrects_report_id is not None:
                return self._compose_correction(s, incident, corrects_report_id)
            _check_kind(kind)
            p = self._profile(incident)
            sent = sent_reports(s, incident.id)
            chain = chain_of(p, incident, sent)
            target = _target(chain, kind, clock_id)
            earlier = originals(sent)
            sequence = sum(1 for r in earlier if r.kind == "followup") + 1 if kind == "followup" else 0
            recipients = list(dict.fromkeys([*(target.to if target else ()), *(target.cc if target else ())]))
            if to_city and p.reporting.city:
                recipients += [r for r in p.reporting.city.to if r not in recipients]
            if not recipients:  # no clock names anyone: address whoever the first report went to
                first = next((d for d in chain if d.kind in ("verbal", "written")), None)
                recipients = list(first.to) if first else []
            previous = earlier[-1] if earlier else None
            body = compose(
                kind, sequence, report_facts(incident, p), required=p.reporting.required_content,
                followup_items=p.reporting.followup_content or ["人员伤亡", "处置进展", "发展趋势"],
                first=not earlier, previous=_snapshot(s, previous.id) if previous else None,
                previous_sent_at=previous.sent_at if previous else None,
                progress=_progress(s, incident.id, previous.sent_at if previous else None, now),
                recipients=recipients)
            return ReportDraft(incident.id, kind, sequence, _label(kind, sequence), target.clock_id if target else None,
                               target.due if target else None, tuple(recipients), body, bool(to_city),
                               needs_review(p, recipients), None, wording=target.wording if target else "",
                               escalation_due=target.escalation_due if target else None,
                               bound=target.bound if target else None)

    def _compose_correction(self, s: Session, incident: Incident, report_id: int) -> ReportDraft:
        original = s.get(IncidentReport, report_id)
        if original is None or original.incident_id != incident.id or original.sent_at is None:
            raise UserError("只能更正本事件已报送的报告", "only a sent report of this incident can be corrected")
        label = _label(original.kind, original.sequence)
        body = f"更正：本报告更正{when(original.sent_at)}报送的{label}。\n{original.body}"
        p = self._profile(incident)
        recipients = tuple(original.recipients or [])
        return ReportDraft(incident.id, original.kind, original.sequence, _label(original.kind, original.sequence, True),
                           original.clock_id, None, recipients, body, False, needs_review(p, recipients), original.id)

    # ------------------------------------------------------------ the chain of reports

    def reports(self, actor: Actor, incident_id: int) -> list[ReportView]:
        require_view(actor)
        with self.db.read() as s:
            incident = _incident(s, incident_id)
            rows = list(s.scalars(select(IncidentReport).where(IncidentReport.incident_id == incident_id)
                                  .order_by(IncidentReport.id)))
            p = self._profile(incident)
            names = user_names(s, {r.sent_by_id for r in rows} | {r.reviewed_by_id for r in rows})
            return [_view(r, p, names) for r in rows]

    def prepare(self, actor: Actor, incident_id: int, kind: str, *, body: str, recipients: Sequence[str],
                clock_id: str | None = None, corrects_report_id: int | None = None,
                now: dt.datetime | None = None) -> ReportView:
        """Save a report to be reviewed and sent later (e.g. one that goes to the city after a leader's review)."""
        now = now_or(now)
        with self.db.write() as s:
            incident = locked_incident(s, incident_id)
            require(actor, "incident.report.send", incident.status)
            report = self._new_report(s, incident, kind, body, recipients, clock_id, corrects_report_id, now)
            audit.record_by(s, actor, action="incident.report.prepare",
                            entity="incident_report", entity_id=report.id, after=_report_dict(report), at=now)
            return _view(report, self._profile(incident), {})

    def update_prepared(self, actor: Actor, report_id: int, *, body: str | None = None,
                        recipients: Sequence[str] | None = None, now: dt.datetime | None = None) -> ReportView:
        """Change a report not yet sent; an earlier review no longer holds for the changed text."""
        now = now_or(now)
        with self.db.write() as s:
            report, incident = self._locked(s, report_id)
            require(actor, "incident.report.send", incident.status)
            _unsent(report)
            before = _report_dict(report)
            if body is not None:
                report.body = clean_text(body, field=REPORT_TEXT, max_len=MAX_BODY, required=True, multiline=True)
            if recipients is not None:
                report.recipients = list(_recipients(recipients))
            if _report_dict(report) != before:
                report.reviewed_by_id = report.reviewed_at = None
                audit.record_by(s, actor, action="incident.report.update",
                                entity="incident_report", entity_id=report.id, before=before,
                                after=_report_dict(report), at=now)
            return _view(report, self._profile(incident), user_names(s, {report.reviewed_by_id}))

    def review(self, actor: Actor, report_id: int, *, now: dt.datetime | None = None) -> ReportView:
        """A leader reviews (审核) a prepared report before it goes to the city."""
        now = now_or(now)
        with self.db.write() as s:
            report, incident = self._locked(s, report_id)
            require(actor, "incident.report.review", incident.status)
            p = self._profile(incident)
            roles = set(reviewers_for(p, report.recipients or []) or ())
            if needs_review(p, report.recipients or []) and roles and not roles & set(actor.roles):
                raise PermissionDenied(f"报市信息须由本预案规定的领导审核（{'、'.join(sorted(roles))}）",
                                       f"a report to the city must be reviewed by: {', '.join(sorted(roles))}")
            _unsent(report)
            before = _report_dict(report)
            report.reviewed_by_id, report.reviewed_at = actor.id, now
            audit.record_by(s, actor, action="incident.report.review",
                            entity="incident_report", entity_id=report.id, before=before, after=_report_dict(report),
                            at=now)
            write_automatic(s, actor, incident, f"{actor.display_name}审核同意报送{_label(report.kind, report.sequence)}",
                            happened_at=now, now=now, duty_kind="report")
            return _view(report, p, {actor.id: actor.display_name})

    def send(self, actor: Actor, report_id: int, *, channel: str, sent_at: dt.datetime | None = None,
             now: dt.datetime | None = None) -> ReportView:
        """Record that a prepared report was sent: when, by whom, how; lateness against its deadline."""
        now = now_or(now)
        with self.db.write() as s:
            report, incident = self._locked(s, report_id)
            require(actor, "incident.report.send", incident.status)
            _unsent(report)
            return self._send(s, actor, incident, report, channel, sent_at or now, now)

    def record_sent(self, actor: Actor, incident_id: int, kind: str, *, body: str, recipients: Sequence[str],
                    channel: str, sent_at: dt.datetime | None = None, clock_id: str | None = None,
                    corrects_report_id: int | None = None, now: dt.datetime | None = None) -> ReportView:
        """Record a report sent just now (or at `sent_at`) in one step: the common case, no review needed."""
        now = now_or(now)
        with self.db.write() as s:
            incident = locked_incident(s, incident_id)
            require(actor, "incident.report.send", incident.status)
            report = self._new_report(s, incident, kind, body, recipients, clock_id, corrects_report_id, now)
            return self._send(s, actor, incident, report, channel, sent_at or now, now)

    def correct(self, actor: Actor, report_id: int, *, body: str, channel: str,
                recipients: Sequence[str] | None = None, sent_at: dt.datetime | None = None,
                now: dt.datetime | None = None) -> ReportView:
        """Send a correction of a sent report: a new report pointing at it; the original stays as it was."""
        with self.db.read() as s:
            original = s.get(IncidentReport, report_id)
            if original is None:
                raise NotFound(f"报告 {report_id} 不存在", f"report {report_id} not found")
            incident_id, kind, to = original.incident_id, original.kind, list(original.recipients or [])
        return self.record_sent(actor, incident_id, kind, body=body, recipients=recipients or to, channel=channel,
                                sent_at=sent_at, corrects_report_id=report_id, now=now)

    # ------------------------------------------------------------ internals

    @staticmethod
    def _locked(s: Session, report_id: int) -> tuple[IncidentReport, Incident]:
        report = s.get(IncidentReport, report_id, with_for_update=True)
        if report is None:
            raise NotFound(f"报告 {report_id} 不存在", f"report {report_id} not found")
        return report, locked_incident(s, report.incident_id)

    def _new_report(self, s: Session, incident: Incident, kind: str, body: str, recipients: Sequence[str],
                    clock_id: str | None, corrects_report_id: int | None, now: dt.datetime) -> IncidentReport:
        _check_kind(kind)
        text = clean_text(body, field=REPORT_TEXT, max_len=MAX_BODY, required=True, multiline=True)
        to = _recipients(recipients)
        if corrects_report_id is not None:
            original = s.get(IncidentReport, corrects_report_id)
            if original is None or original.incident_id != incident.id or original.sent_at is None:
                raise UserError("只能更正本事件已报送的报告", "only a sent report of this incident can be corrected")
            kind, clock_id = original.kind, original.clock_id
        elif clock_id is not None:
            clock = next((c for c in self._profile(incident).reporting.clocks if c.id == clock_id), None)
            if clock is not None and clock.kind != kind:
                raise UserError(f"时限 {clock_id} 不是{KIND_LABELS[kind][0]}时限", f"clock {clock_id} is not a {kind} clock")
        report = IncidentReport(incident_id=incident.id, kind=kind, sequence=0, clock_id=clock_id, body=text,
                                recipients=list(to), corrects_report_id=corrects_report_id, created_at=now)
        s.add(report)
        s.flush()
        return report

    def _send(self, s: Session, actor: Actor, incident: Incident, report: IncidentReport, channel: str,
              sent_at: dt.datetime, now: dt.datetime) -> ReportView:
        if channel not in CHANNELS:
            raise UserError(f"未知的报送方式：{channel}（可选：phone、fax、system）", f"unknown channel: {channel}")
        aware(sent_at, "报送时间", "the time sent")
        if sent_at > now + CLOCK_SKEW:
            raise UserError("报送时间不能晚于现在", "the time sent cannot be in the future")
        if sent_at < incident.received_at - RECEIPT_SLACK:
            raise UserError("报送时间不能早于接报时间", "a report cannot be sent before the incident was received")
        p = self._profile(incident)
        if needs_review(p, report.recipients or []) and report.reviewed_at is None:
            raise UserError("报市信息须经领导审核后才能报送", "a report to the city must be reviewed by a leader before it is sent")
        if report.kind == "final" and report.corrects_report_id is None and incident.handling_ended_at is None:
            raise UserError("请先登记处置结束时间，再报送终报", "record the end of handling before sending the final report")
        before = _report_dict(report)
        sent = sent_reports(s, incident.id)
        if report.corrects_report_id is None:
            self._match_deadline(report, chain_of(p, incident, sent), sent, sent_at)
        else:
            original = s.get(IncidentReport, report.corrects_report_id)
            report.sequence = original.sequence if original else 0
        report.sent_at, report.sent_by_id, report.channel = sent_at, actor.id, channel
        s.flush()
        chain = chain_of(p, incident, sent_reports(s, incident.id))
        audit.record_by(s, actor, action="incident.report.send",
                        entity="incident_report", entity_id=report.id, before=before,
                        after=_report_dict(report) | {"snapshot": report_facts(incident, p).snapshot(),
                                                   "deadlines": pending_summary(chain)}, at=now)
        self._log_sent(s, actor, incident, report, now)
        return _view(report, p, {actor.id: actor.display_name} | user_names(s, {report.reviewed_by_id}))

    @staticmethod
    def _match_deadline(report: IncidentReport, chain: list[ChainDeadline], sent: list[SentReport],
                        sent_at: dt.datetime) -> None:
        """Which deadline this report meets, its number if a follow-up, and how late it is."""
        # A named clock that is already met (or no longer applies) finds no target: the report is an extra one.
        target = _target(chain, report.kind, None if report.kind == "followup" else report.clock_id)
        if report.kind == "followup":
            report.sequence = sum(1 for r in originals(sent) if r.kind == "followup") + 1
        report.clock_id = target.clock_id if target else report.clock_id
        report.due_at = target.due if target else None
        report.late_minutes = late_minutes(report.due_at, sent_at)

    @staticmethod
    def _log_sent(s: Session, actor: Actor, incident: Incident, report: IncidentReport, now: dt.datetime) -> None:
        label = _label(report.kind, report.sequence, report.corrects_report_id is not None)
        how = CHANNELS[report.channel or "system"][0]
        text = f"已报送{label}（{how}）：报{'、'.join(report.recipients or [])}"
        write_automatic(s, actor, incident, text, happened_at=report.sent_at or now, now=now, duty_kind="report")
        if report.late_minutes:
            write_automatic(s, actor, incident,
                            f"迟报：{label}应于{when(report.due_at)}前报送，{when(report.sent_at)}报送，迟报{report.late_minutes}分钟",
                            happened_at=report.sent_at or now, now=now, duty_kind="report")


# ---------------------------------------------------------------- module helpers


def _missed_text(d: ChainDeadline) -> str:
    """The 超时未报 log line; for a deadline without a number it names the bound that ran out."""
    to = "、".join(d.to)
    if d.due is not None:
        return f"{MISSED_PREFIX}{d.label}应于{when(d.due)}前报送（{d.wording}，{d.basis}），报{to}"
    return (f"{MISSED_PREFIX}{d.label}（{d.wording}，{d.basis}）至{when(d.escalation_due)}仍未报送"
            f"（上报警戒：{bound_text(d.bound)}），报{to}")


def _sent_of_open(s: Session) -> dict[int, list[SentReport]]:
    """The sent reports of every open incident, in one query."""
    out: dict[int, list[SentReport]] = {}
    for r in s.connection().execute(select(*SENT_COLUMNS).join(Incident, Incident.id == IncidentReport.incident_id)
                       .where(Incident.status == "open", IncidentReport.sent_at.is_not(None))):
        out.setdefault(r.incident_id, []).append(sent_report(r))
    return out


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise UserError(f"未知的报告类型：{kind}（可选：{'、'.join(KINDS)}）", f"unknown report kind: {kind}")


def _unsent(report: IncidentReport) -> None:
    if report.sent_at is not None:
        raise UserError("已报送的报告不能修改，请报送更正", "a sent report cannot be changed: send a correction")


def _incident(s: Session, incident_id: int) -> Incident:
    incident = s.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"事件 {incident_id} 不存在", f"incident {incident_id} not found")
    return incident


def _target(chain: Sequence[ChainDeadline], kind: str, clock_id: str | None) -> ChainDeadline | None:
    """The pending deadline a report of this kind meets: the named clock, else the earliest due of the kind."""
    rows = [d for d in pending(chain) if d.kind == kind and (clock_id is None or d.clock_id == clock_id)]
    return min(rows, key=lambda d: (d.due or _FAR, d.sequence), default=None)


def _snapshot(s: Session, report_id: int) -> dict[str, Any] | None:
    """The incident as it stood when a report was sent (kept in that send's audit entry)."""
    after = s.scalar(select(AuditEntry.after).where(AuditEntry.action == "incident.report.send",
                                                    AuditEntry.entity == "incident_report",
                                                    AuditEntry.entity_id == str(report_id)).order_by(AuditEntry.seq.desc()).limit(1))
    return (after or {}).get("snapshot")


def _progress(s: Session, incident_id: int, since: dt.datetime | None, now: dt.datetime) -> list[str]:
    """What the log says happened since the previous report (typed entries, not struck)."""
    stmt = select(IncidentLogEntry.happened_at, IncidentLogEntry.text).where(
        IncidentLogEntry.incident_id == incident_id, IncidentLogEntry.automatic.is_(False),
        IncidentLogEntry.stricken.is_(False), IncidentLogEntry.happened_at <= now)
    if since is not None:
        stmt = stmt.where(IncidentLogEntry.happened_at > since)
    return [f"{when(t)[-5:]} {text}" for t, text in s.execute(stmt.order_by(IncidentLogEntry.happened_at))]


def _view(r: IncidentReport, p: Profile, names: dict[int, str]) -> ReportView:
    status = "sent" if r.sent_at else "reviewed" if r.reviewed_at else "prepared"
    return ReportView(
        id=r.id, incident_id=r.incident_id, kind=r.kind, sequence=r.sequence,
        label=_label(r.kind, r.sequence, r.corrects_report_id is not None), status=status, clock_id=r.clock_id,
        due_at=utc(r.due_at), sent_at=utc(r.sent_at), sent_by_id=r.sent_by_id, sent_by_name=names.get(r.sent_by_id or 0),
        recipients=tuple(r.recipients or []), channel=r.channel, body=r.body, late_minutes=r.late_minutes,
        reviewed_by_id=r.reviewed_by_id, reviewed_by_name=names.get(r.reviewed_by_id or 0),
        reviewed_at=utc(r.reviewed_at), corrects_report_id=r.corrects_report_id,
        needs_review=needs_review(p, r.recipients or []), created_at=utc(r.created_at))
