"""Period statistics of incidents and their reports (统计报表), computed from the database.

The period is a range of Beijing calendar days, both ends included; an incident belongs to it by its
received time (接报时间). Drafts are not incidents and are not counted. Figures:
- counts by category, by confirmed grade, by street/town (the incident's place; "其他" and blank are
  shown as 其他/未填), by month;
- casualties (deaths, injured) and direct economic loss per category;
- lateness of reports (迟报): reports sent in the period's incidents, how many late, the total and the
  largest minutes late, by kind (首报/书面/续报/终报), and the incidents with a late report;
- missed reports (超时未报): deadlines of the chain whose due time (or, where the plan gives no number,
  its escalation bound: "立即" past the bound) has passed at the computing time with no report sent.
  They count against the on-time rate: on time / (sent + missed).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from ..config import pick
from ..domain.clock import BEIJING, now_or
from ..domain.profile_loader import rules_version_of
from ..domain.profile_schema import Profile
from ..domain.report_chain import KIND_LABELS, ChainDeadline, late_minutes, nothing_owed, pending
from ..domain.vocabulary import CATEGORY_LABELS, GRADE_LABELS, GRADE_ORDER, Category, Grade
from ..store.database import Database
from ..store.models import Incident, IncidentReport
from .actor import Actor, rechecked
from .errors import UserError
from .guard import require
from .incidents import _CLOCK_INPUTS as _CHAIN_INPUTS  # the incident columns chain_of reads by name
from .incidents import SENT_COLUMNS, chain_of, district_bound_minutes, facts_of, sent_report

GRADE_KEYS = [g.value for g in GRADE_ORDER] + ["unknown"]
CATEGORY_KEYS = [c.value for c in Category]
KIND_KEYS = ("verbal", "written", "followup", "final")
MAX_DAYS = 3660
CHUNK = 500  # incidents per read of their reports, and between two progress calls

Progress = Callable[..., object]  # progress(done, total, text="") — a plain callback, no Qt (issue 21)


@dataclass(frozen=True)
class CountRow:
    key: str
    label: str
    count: int
    deaths: int = 0
    injured: int = 0
    loss_cny: float = 0.0


@dataclass(frozen=True)
class LatenessRow:
    kind: str
    label: str
    sent: int
    late: int
    late_minutes_total: int
    late_minutes_max: int
    missed: int = 0  # 超时未报: due time passed, nothing sent

    @property
    def on_time_rate(self) -> float | None:
        owed = self.sent + self.missed
        return None if not owed else (self.sent - self.late) / owed


@dataclass(frozen=True)
class LateIncident:
    incident_id: int
    title: str
    received_at: dt.datetime
    report_label: str
    due_at: dt.datetime | None
    sent_at: dt.datetime | None  # None: 超时未报 (late_minutes counted up to the computing time)
    late_minutes: int

    @property
    def missed(self) -> bool:
        return self.sent_at is None


@dataclass(frozen=True)
class PeriodStatistics:
    first: dt.date
    last: dt.date
    total: int
    by_category: tuple[CountRow, ...]
    by_grade: tuple[CountRow, ...]
    by_place: tuple[CountRow, ...]
    by_month: tuple[CountRow, ...]
    lateness: tuple[LatenessRow, ...]
    late_incidents: tuple[LateIncident, ...]
    computed_at: dt.datetime
    missed_reports: tuple[LateIncident, ...] = ()  # 超时未报 at computed_at, most overdue first

    @property
    def period_label(self) -> str:
        f, t = self.first, self.last
        return f"{f.year}年{f.month}月{f.day}日至{t.year}年{t.month}月{t.day}日"

    @property
    def reports_sent(self) -> int:
        return sum(r.sent for r in self.lateness)

    @property
    def reports_late(self) -> int:
        return sum(r.late for r in self.lateness)

    @property
    def reports_missed(self) -> int:
        return sum(r.missed for r in self.lateness)

    @property
    def on_time_rate(self) -> float | None:
        """Reports sent on time over every report owed by now (sent + 超时未报); None when none was owed."""
        owed = self.reports_sent + self.reports_missed
        return None if not owed else (self.reports_sent - self.reports_late) / owed


def _bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    if last < first:
        raise UserError("统计期间的结束日期早于开始日期", "the period ends before it starts")
    if (last - first).days > MAX_DAYS:
        raise UserError("统计期间不能超过10年", "the period may not exceed 10 years")
    if first.year < 1900 or last.year > 2199:  # year 1 or 9999: the Beijing day's bounds overflow (issue 17)
        raise UserError("统计期间应在 1900–2199 年之间", "the period must lie within the years 1900-2199")
    start = dt.datetime.combine(first, dt.time(0), BEIJING).astimezone(dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), BEIJING).astimezone(dt.UTC)
    return start, end


def _months(first: dt.date, last: dt.date) -> list[str]:
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@rechecked
class StatisticsService:
    def __init__(self, db: Database, profile: Profile | None = None):
        self.db = db
        self.profile = profile

    def period(self, actor: Actor, first: dt.date, last: dt.date, *, now: dt.datetime | None = None,
               progress: Progress | None = None) -> PeriodStatistics:
        """The period's figures. ``progress(done, total, text)`` (a plain callback; optional) is told how far the
        reading and the deadline check have come, every few hundred incidents; an exception it raises (the user
        cancelled) stops the count there, with nothing written."""
        require(actor, "statistics.view")
        start, end = _bounds(first, last)
        step = progress or _silent
        step(0, 0, pick("正在读取事件…", "Reading incidents…"))
        stmt = (select(Incident.id, Incident.title, Incident.place, Incident.profile_key, Incident.profile_version,
                       *(getattr(Incident, name) for name in _CHAIN_INPUTS))
                .where(Incident.status.in_(("open", "closed")), Incident.received_at >= start, Incident.received_at < end)
                .order_by(Incident.received_at))
        if self.profile is not None:  # the jurisdiction's own incidents (every version of its profile)
            stmt = stmt.where(Incident.profile_key == self.profile.key)
        with self.db.read() as s:
            conn = s.connection()  # Core rows: the ORM's row machinery is not needed for plain columns
            rows = conn.execute(stmt).all()
            ids = [r.id for r in rows]
            total = 2 * len(ids) + 1  # the reports read, the deadlines checked, the figures summed
            reports = []
            for chunk in range(0, len(ids), CHUNK):
                step(chunk, total, pick("正在读取报告…", "Reading reports…"))
                part = ids[chunk:chunk + CHUNK]
                reports += conn.execute(select(*SENT_COLUMNS)
                                     .where(IncidentReport.incident_id.in_(part),
                                            IncidentReport.sent_at.is_not(None))).all()
            bound = district_bound_minutes(s)
        now = now_or(now)
        missed = _missed(rows, reports, now, bound, lambda done: step(len(ids) + done, total,
                                                                      pick("正在核对报送时限…", "Checking deadlines…")))
        step(total - 1, total, pick("正在汇总…", "Summing up…"))
        result = self._compute(first, last, rows, reports, now, missed=missed)
        step(total, total, "")
        return result

    @staticmethod
    def _compute(first, last, rows, reports, now, missed=()) -> PeriodStatistics:
        # one pass over the incidents for the four tables: [count, deaths, injured, loss] per key
        aggs: tuple[dict[str, list], ...] = ({}, {}, {}, {})
        for r in rows:
            deaths, injured, loss = r.deaths or 0, r.injured or 0, r.economic_loss_cny or 0.0
            b = r.received_at.astimezone(BEIJING)
            keys = (r.category or "none", r.grade_confirmed or "unknown",
                    r.place or "未填",  # a street, 其他 as entered, or 未填 when blank
                    f"{b.year}-{b.month:02d}")
            for agg, key in zip(aggs, keys, strict=True):
                a = agg.get(key)
                if a is None:
                    a = agg[key] = [0, 0, 0, 0.0]
                a[0] += 1
                a[1] += deaths
                a[2] += injured
                a[3] += loss

        def group(agg: dict[str, list], order: list[str] | None, labelf) -> tuple[CountRow, ...]:
            keys = order if order is not None else sorted(agg, key=lambda k: (-agg[k][0], k))
            return tuple(CountRow(k, labelf(k), *agg[k]) if k in agg else CountRow(k, labelf(k), 0) for k in keys)

        def cat_label(k: str) -> str:
            try:
                return CATEGORY_LABELS[Category(k)][0]
            except ValueError:
                return "未分类"

        def grade_label(k: str) -> str:
            try:
                return GRADE_LABELS[Grade(k)][0]
            except ValueError:
                return k

        by_category = group(aggs[0], CATEGORY_KEYS + (["none"] if "none" in aggs[0] else []), cat_label)
        by_grade = group(aggs[1], GRADE_KEYS, grade_label)
        by_place = group(aggs[2], None, lambda k: k)
        by_month = group(aggs[3], _months(first, last), lambda k: f"{int(k[:4])}年{int(k[5:])}月")
        titles = {r.id: r for r in rows}
        per_kind: dict[str, list[int]] = {k: [0, 0, 0, 0, 0] for k in KIND_KEYS}  # sent, late, total, max, missed
        late_list = []
        for rep in reports:
            if rep.corrects_report_id is not None:
                continue  # a correction is not a report against a deadline
            c = per_kind.get(rep.kind)
            if c is None:
                c = per_kind[rep.kind] = [0, 0, 0, 0, 0]
            c[0] += 1
            minutes = rep.late_minutes or 0
            if minutes > 0:
                c[1] += 1
                c[2] += minutes
                c[3] = max(c[3], minutes)
                inc = titles[rep.incident_id]
                label = KIND_LABELS.get(rep.kind, (rep.kind,))[0]
                if rep.kind == "followup" and rep.sequence:
                    label = f"{label}（第{rep.sequence}次）"
                late_list.append(LateIncident(inc.id, inc.title, inc.received_at, label, rep.due_at, rep.sent_at,
                                              minutes))
        missed_list = []
        for inc_id, d in missed:
            per_kind.setdefault(d.kind, [0, 0, 0, 0, 0])[4] += 1
            inc = titles[inc_id]
            missed_list.append(LateIncident(inc.id, inc.title, inc.received_at, d.label, d.escalation_due, None,
                                          late_minutes(d.escalation_due, now) or 0))
        lateness = tuple(LatenessRow(k, KIND_LABELS.get(k, (k,))[0], *c) for k, c in per_kind.items())
        late_list.sort(key=lambda x: (-x.late_minutes, x.incident_id))
        missed_list.sort(key=lambda x: (-x.late_minutes, x.incident_id))
        return PeriodStatistics(first, last, len(rows), by_category, by_grade, by_place, by_month, lateness,
                                tuple(late_list), now, tuple(missed_list))


def _missed(rows, reports, now: dt.datetime, bound: int,
            step: Callable[[int], None] | None = None) -> list[tuple[int, ChainDeadline]]:
    """Every deadline of the period's incidents whose due time passed before `now` with no report sent (超时未报).

    The final report is owed only once handling has ended (as on the dashboard). An incident whose handling has
    ended with every applying report sent owes nothing (report_chain.nothing_owed): its chain is not built.
    `step(done)` every CHUNK incidents.
    """
    sent: dict[int, list] = defaultdict(list)
    for r in reports:
        sent[r.incident_id].append(r)  # rows: nothing_owed reads their kind and clock; the chain gets SentReports
    out = []
    for n, r in enumerate(rows):
        if step is not None and n % CHUNK == 0:
            step(n)
        profile = rules_version_of(r)
        own = sent.get(r.id, [])
        if r.handling_ended_at is not None and nothing_owed(profile, facts_of(r), own, r.handling_ended_at):
            continue
        for d in pending(chain_of(profile, r, [sent_report(x) for x in own], bound)):
            if d.escalation_due is None or d.escalation_due >= now or (d.kind == "final" and r.handling_ended_at is None):
                continue
            out.append((r.id, d))
    return out


def _silent(_done: int, _total: int, _text: str = "") -> None:
    return None
