"""Response levels (应急响应) of an incident: activate, raise, lower, end — per the profile's levels.

Each step is a ResponseActivation row (append-only: the current level is the replay of the rows),
audited with the level before and after, and written to the incident's log. The body that starts or
ends a level is recorded as the plan names it (`activated_by` / `ended_by`), unless the officer
names the actual body; the commander and the executive commander are people from the contacts.

Decisions where issue 4 was silent:
- Activating needs a commander; raising or lowering keeps the current commander unless a new one is
  named. The executive commander is optional (several plans name none) and is never the commander.
- Ranks: 1 is the highest level, so raising goes to a smaller rank. The end row carries the level
  that ended and, in `activated_by`, the body that ended it (the profile's ended_by).
- A public-health incident uses the profile's public-health levels where the profile has them.
- Times: a step may be recorded after the fact (`at`), never in the future and never before the
  previous step.

Recorded steps (issue 20): the profile's `response.steps` (区应急委 names the lead unit of an unknown-grade event,
扩大响应/紧急状态 requests, the expert assessment before a public-health response ends, Tongzhou's 区应急委 approval
to end an ordinary event's response, filing with the 区人大常委会) are rows with action "step" and the step's id in
level_key; they never change the level. A step marked `before_end` must be recorded before the response can end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.clock import now_or, today_or
from ..domain.profile_loader import rules_version_of
from ..domain.profile_schema import Profile, ResponseLevel, ResponseStepRule
from ..domain.rules import response_steps, suggested_response_level
from ..domain.text import clean_text
from ..domain.vocabulary import Category
from ..store import audit
from ..store.database import Database
from ..store.models import Appointment, Incident, IncidentLogEntry, Organisation, Person, Post, ResponseActivation
from .actor import Actor, rechecked
from .errors import NotFound, UserError
from .guard import require
from .incidents import facts_of
from .users import user_names

CLOCK_SKEW = dt.timedelta(minutes=5)
ACTION_LABELS = {"activate": ("启动", "activate"), "raise": ("提升", "raise"), "lower": ("降低", "lower"),
                 "end": ("结束", "end"), "step": ("记录", "record")}
STEP = "step"


@dataclass(frozen=True)
class StepInfo:
    """A response step the plan names for this incident, and whether (by whom, when) it was recorded."""

    id: str
    label: str
    by: str
    basis: str
    source_line: str | None
    before_end: bool
    recorded: tuple[tuple[dt.datetime, str], ...]  # (when, who/what was recorded) for each time it was


@dataclass(frozen=True)
class LevelInfo:
    key: str
    name: str
    rank: int  # 1 = highest
    condition: str
    activated_by: str
    commander: str
    executive_commander: str | None
    ended_by: str
    basis: str
    default_grades: tuple[str, ...]


@dataclass(frozen=True)
class ResponseStep:
    id: int
    action: str  # activate | raise | lower | end
    level_key: str | None
    level_name: str | None
    body: str | None  # who started (or ended) it, as the plan names it
    commander_person_id: int | None
    commander_name: str | None
    executive_commander_person_id: int | None
    executive_commander_name: str | None
    at: dt.datetime
    recorded_by_id: int
    recorded_by_name: str
    note: str | None


@dataclass(frozen=True)
class CurrentResponse:
    incident_id: int
    level_key: str
    level_name: str
    rank: int
    since: dt.datetime  # when this level took effect
    activated_at: dt.datetime  # when the response (at any level) was first started
    body: str | None
    commander_person_id: int | None
    commander_name: str | None
    executive_commander_person_id: int | None
    executive_commander_name: str | None


@dataclass(frozen=True)
class PersonChoice:
    """A contact who may be named commander or executive commander, with the posts they hold now."""

    id: int
    name: str
    posts: tuple[str, ...]  # "东城区人民政府 分管副区长", …

    @property
    def label(self) -> str:
        return f"{self.name}（{'；'.join(self.posts)}）" if self.posts else self.name


def _level_info(lv: ResponseLevel) -> LevelInfo:
    return LevelInfo(lv.key, lv.name, lv.rank, lv.condition, lv.activated_by, lv.commander, lv.executive_commander,
                     lv.ended_by, lv.basis, tuple(g.value for g in lv.default_grades))


@rechecked
class ResponseService:
    def __init__(self, db: Database, profile: Profile, profile_dir: Path | None = None):
        self.db = db
        self.profile = profile
        self.profile_dir = profile_dir

    # ------------------------------------------------------------ rules of one incident

    def _profile_for(self, incident: Incident) -> Profile:
        """The rules the incident is judged by (docs/ARCHITECTURE.md section 1)."""
        return rules_version_of(incident, self.profile_dir)

    def _levels(self, incident: Incident) -> list[ResponseLevel]:
        policy = self._profile_for(incident).response
        overrides = policy.category_overrides.get(Category(incident.category)) if incident.category else None
        return sorted(overrides or policy.levels, key=lambda lv: lv.rank)

    def _level(self, incident: Incident, key: str) -> ResponseLevel:
        levels = self._levels(incident)
        found = next((lv for lv in levels if lv.key == key), None)
        if found is None:
            keys = "、".join(lv.key for lv in levels)
            raise UserError(f"未知的响应级别：{key}（本预案为 {keys}）", f"unknown response level: {key} (this plan has {keys})")
        return found

    # ------------------------------------------------------------ queries

    def levels(self, incident_id: int) -> list[LevelInfo]:
        """The levels that apply to this incident, highest first."""
        with self.db.read() as s:
            return [_level_info(lv) for lv in self._levels(_incident(s, incident_id))]

    def profile_levels(self) -> list[LevelInfo]:
        """The profile's general levels, highest first (shown before an incident is chosen)."""
        return [_level_info(lv) for lv in sorted(self.profile.response.levels, key=lambda lv: lv.rank)]

    def people(self, on: dt.date | None = None) -> list[PersonChoice]:
        """Active contacts to choose the commander and executive commander from, with their current posts.

        People holding a post come first (a commander is named by post in the plans), then by name.
        """
        on = today_or(on)
        with self.db.read() as s:
            people = list(s.scalars(select(Person).where(Person.active.is_(True)).order_by(Person.name, Person.id)))
            posts: dict[int, list[str]] = {}
            q = (select(Appointment.person_id, Organisation.name, Post.title)
                 .join(Post, Post.id == Appointment.post_id).join(Organisation, Organisation.id == Post.organisation_id)
                 .where(Appointment.start_date <= on, (Appointment.end_date.is_(None)) | (Appointment.end_date >= on),
                        Post.active.is_(True))
                 .order_by(Appointment.person_id, Appointment.id))
            for pid, org, title in s.execute(q):
                posts.setdefault(pid, []).append(f"{org} {title}")
        out = [PersonChoice(p.id, p.name, tuple(posts.get(p.id, ()))) for p in people]
        return sorted(out, key=lambda c: (not c.posts, c.name, c.id))

    def suggested_level(self, incident_id: int) -> LevelInfo | None:
        """The level the confirmed grade (or a condition flag: Dongcheng 4.3.2 突出情况 → 三级) points to at first
        judgment (the officer still decides)."""
        with self.db.read() as s:
            incident = _incident(s, incident_id)
            found = suggested_response_level(self._profile_for(incident), facts_of(incident))
            return _level_info(found) if found else None

    def steps(self, incident_id: int) -> list[StepInfo]:
        """The steps the plan names for this incident (rules incident `steps`), each with what was recorded."""
        with self.db.read() as s:
            incident = _incident(s, incident_id)
            rows = [r for r in _all_rows(s, incident_id) if r.action == STEP]
            return [StepInfo(st.id, st.label, st.by, st.basis, st.source_line, st.before_end,
                             tuple((r.at, r.activated_by or "") for r in rows if r.level_key == st.id))
                    for st in self._step_rules(incident)]

    def _step_rules(self, incident: Incident) -> list[ResponseStepRule]:
        return response_steps(self._profile_for(incident), facts_of(incident))

    def record_step(self, actor: Actor, incident_id: int, step_id: str, *, by: str | None = None,
                    at: dt.datetime | None = None, note: str | None = None, now: dt.datetime | None = None) -> StepInfo:
        """Record a step the plan names (who was named lead unit, the request sent, the assessment held, the
        approval given), audited and logged with its clause. `by` is who decided or was named (default: the plan's)."""
        require(actor, "response.record")
        now, at = _moment(now, at, ("记录时间不能晚于现在", "the time cannot be in the future"))
        by = clean_text(by, field=("决定机关或指定的单位", "who decided"), max_len=200)
        note = clean_text(note, field=("备注", "the note"), max_len=2000, multiline=True)
        with self.db.write() as s:
            incident = _open_incident(s, incident_id, ("事件已结束，不能再记录", "the incident is closed"))
            rules = self._step_rules(incident)
            rule = next((st for st in rules if st.id == step_id), None)
            if rule is None:
                known = "、".join(st.id for st in rules) or "无"
                raise UserError(f"本事件没有此步骤：{step_id}（可记录：{known}）",
                                f"no such step for this incident: {step_id}")
            who = by or rule.by
            row = ResponseActivation(incident_id=incident.id, action=STEP, level_key=rule.id, activated_by=who,
                                     at=at, recorded_by_id=actor.id, note=note)
            s.add(row)
            s.flush()
            audit.record_by(s, actor, action="response.step", entity="incident", entity_id=incident.id,
                            before=None, after={"step": rule.id, "by": who, "at": at, "basis": rule.basis,
                                                "activation_id": row.id}, at=now)
            s.add(IncidentLogEntry(incident_id=incident.id, happened_at=at, author_id=actor.id,
                                   workstation=audit.WORKSTATION, automatic=True, kind="system",
                                   text=f"{rule.label.split('：')[0]}：{who}（{rule.basis}）"))
        return next(st for st in self.steps(incident_id) if st.id == step_id)

    def history(self, incident_id: int) -> list[ResponseStep]:
        with self.db.read() as s:
            incident = _incident(s, incident_id)
            rows = _rows(s, incident_id)
            names = _names(s, rows)
            levels = {lv.key: lv for lv in self._levels(incident)}
            return [self._step(r, levels, names) for r in rows]

    def current(self, incident_id: int) -> CurrentResponse | None:
        with self.db.read() as s:
            return self._current(s, _incident(s, incident_id))

    def _current(self, s: Session, incident: Incident) -> CurrentResponse | None:
        rows = _rows(s, incident.id)
        state: ResponseActivation | None = None
        started: dt.datetime | None = None
        commander = executive = None
        for r in rows:
            if r.action == "end":
                state, started, commander, executive = None, None, None, None
                continue
            started = started or r.at
            commander, executive = r.commander_person_id, r.executive_commander_person_id
            state = r
        if state is None or started is None:
            return None
        lv = self._level(incident, state.level_key or "")
        people = _people(s, [commander, executive])
        return CurrentResponse(incident.id, lv.key, lv.name, lv.rank, state.at, started, state.activated_by,
                               commander, people.get(commander), executive, people.get(executive))

    @staticmethod
    def _step(r: ResponseActivation, levels: dict[str, ResponseLevel], names: dict[str, dict[int, str]]) -> ResponseStep:
        lv = levels.get(r.level_key or "")
        return ResponseStep(
            id=r.id, action=r.action, level_key=r.level_key, level_name=lv.name if lv else None, body=r.activated_by,
            commander_person_id=r.commander_person_id, commander_name=names["person"].get(r.commander_person_id or 0),
            executive_commander_person_id=r.executive_commander_person_id,
            executive_commander_name=names["person"].get(r.executive_commander_person_id or 0),
            at=r.at, recorded_by_id=r.recorded_by_id, recorded_by_name=names["user"].get(r.recorded_by_id, ""),
            note=r.note)

    # ------------------------------------------------------------ commands

    def activate(self, actor: Actor, incident_id: int, level_key: str, commander_person_id: int,
                 executive_commander_person_id: int | None = None, *, body: str | None = None,
                 at: dt.datetime | None = None, note: str | None = None, now: dt.datetime | None = None) -> CurrentResponse:
        if not commander_person_id:
            raise UserError("启动响应须指定总指挥", "activating a response needs a commander")
        return _active(self._record(actor, incident_id, "activate", level_key, commander_person_id,
                                    executive_commander_person_id, body, at, note, now))

    def raise_level(self, actor: Actor, incident_id: int, level_key: str, commander_person_id: int | None = None,
                    executive_commander_person_id: int | None = None, *, body: str | None = None,
                    at: dt.datetime | None = None, note: str | None = None, now: dt.datetime | None = None) -> CurrentResponse:
        return _active(self._record(actor, incident_id, "raise", level_key, commander_person_id,
                                    executive_commander_person_id, body, at, note, now))

    def lower_level(self, actor: Actor, incident_id: int, level_key: str, commander_person_id: int | None = None,
                    executive_commander_person_id: int | None = None, *, body: str | None = None,
                    at: dt.datetime | None = None, note: str | None = None, now: dt.datetime | None = None) -> CurrentResponse:
        return _active(self._record(actor, incident_id, "lower", level_key, commander_person_id,
                                    executive_commander_person_id, body, at, note, now))

    def end(self, actor: Actor, incident_id: int, *, body: str | None = None, at: dt.datetime | None = None,
            note: str | None = None, now: dt.datetime | None = None) -> None:
        """End the response; the body that ends it defaults to the profile's ended_by for the level."""
        self._record(actor, incident_id, "end", None, None, None, body, at, note, now)

    def _record(self, actor: Actor, incident_id: int, action: str, level_key: str | None,
                commander_id: int | None, executive_id: int | None, body: str | None, at: dt.datetime | None,
                note: str | None, now: dt.datetime | None) -> CurrentResponse | None:
        """One step, audited; returns the response in force after it (None after an end)."""
        require(actor, "response.record")
        now, at = _moment(now, at, ("响应时间不能晚于现在", "the response time cannot be in the future"))
        body = clean_text(body, field=("决定依据", "the decision"), max_len=500, multiline=True)
        note = clean_text(note, field=("备注", "the note"), max_len=2000, multiline=True)
        with self.db.write() as s:
            incident = _open_incident(s, incident_id, ("事件已结束，不能再调整应急响应",
                                                       "the incident is closed: its response cannot change"))
            current = self._current(s, incident)
            level = self._check_move(incident, action, level_key, current)
            if action == "end":
                self._check_steps_before_end(s, incident)
            self._check_time(s, incident.id, at)
            commander_id, executive_id = self._people_for(s, action, current, commander_id, executive_id)
            default_body = level.ended_by if action == "end" else level.activated_by
            row = ResponseActivation(
                incident_id=incident.id, action=action, level_key=level.key,
                activated_by=body or default_body, commander_person_id=commander_id,
                executive_commander_person_id=executive_id, at=at, recorded_by_id=actor.id,
                note=note)
            s.add(row)
            s.flush()
            after = self._current(s, incident)
            audit.record_by(s, actor, action=f"response.{action}", entity="incident",
                            entity_id=incident.id, before={"response": _as_dict(current)},
                            after={"response": _as_dict(after), "activation_id": row.id, "body": row.activated_by},
                            at=now)
            s.add(IncidentLogEntry(incident_id=incident.id, happened_at=at, author_id=actor.id,
                                   workstation=audit.WORKSTATION, automatic=True, kind="system",
                                   text=f"{ACTION_LABELS[action][0]}{level.name}响应（{row.activated_by}）"))
            return after

    def _check_move(self, incident: Incident, action: str, level_key: str | None,
                    current: CurrentResponse | None) -> ResponseLevel:
        """Refuse the nonsense: a second activation, raising to a lower level, ending nothing."""
        if action == "end":
            if current is None:
                raise UserError("当前没有启动的应急响应，无需结束", "no response is active: nothing to end")
            return self._level(incident, current.level_key)
        level = self._level(incident, level_key or "")
        if action == "activate":
            if current is not None:
                raise UserError(f"已启动{current.level_name}响应，请提升或降低级别",
                                f"level {current.level_key} is already active: raise or lower it instead")
            return level
        if current is None:
            raise UserError("尚未启动应急响应，请先启动", "no response is active: activate one first")
        if action == "raise" and level.rank >= current.rank:
            raise UserError(f"提升后的级别须高于当前的{current.level_name}",
                            f"raising must go above the current level {current.level_key}")
        if action == "lower" and level.rank <= current.rank:
            raise UserError(f"降低后的级别须低于当前的{current.level_name}",
                            f"lowering must go below the current level {current.level_key}")
        return level

    def _check_steps_before_end(self, s: Session, incident: Incident) -> None:
        """A step the plan requires before the end (公卫预案4.5 专家分析研判, Tongzhou 4.8.2 区应急委批准) is recorded."""
        done = {r.level_key for r in _all_rows(s, incident.id) if r.action == STEP}
        missing = [st for st in self._step_rules(incident) if st.before_end and st.id not in done]
        if missing:
            st = missing[0]
            raise UserError(f"结束响应前须先记录：{st.label}（{st.basis}）",
                            f"record this step before ending the response: {st.id} ({st.basis})")

    @staticmethod
    def _check_time(s: Session, incident_id: int, at: dt.datetime) -> None:
        last = s.scalar(select(ResponseActivation.at).where(ResponseActivation.incident_id == incident_id,
                                                            ResponseActivation.action != STEP)
                        .order_by(ResponseActivation.at.desc()).limit(1))
        if last is not None and at < last:
            raise UserError("响应时间不能早于上一次响应调整", "the time cannot be before the previous response step")

    @staticmethod
    def _people_for(s: Session, action: str, current: CurrentResponse | None, commander_id: int | None,
                    executive_id: int | None) -> tuple[int | None, int | None]:
        if action == "end":
            return None, None
        if current is not None:  # raise/lower keep the people unless new ones are named
            commander_id = commander_id or current.commander_person_id
            executive_id = executive_id or current.executive_commander_person_id
        for pid, zh, en in ((commander_id, "总指挥", "commander"), (executive_id, "执行指挥", "executive commander")):
            if pid is None:
                continue
            person = s.get(Person, pid)
            if person is None or not person.active:
                raise UserError(f"{zh}不在通讯录中（或已停用）：{pid}", f"the {en} is not an active contact: {pid}")
        if commander_id is not None and commander_id == executive_id:
            raise UserError("总指挥和执行指挥不能是同一人", "the commander and the executive commander must differ")
        return commander_id, executive_id


# ---------------------------------------------------------------- module helpers


def _active(current: CurrentResponse | None) -> CurrentResponse:
    if current is None:  # activate/raise/lower always leave a level in force
        raise RuntimeError("no response level after activating one")
    return current


def _incident(s: Session, incident_id: int) -> Incident:
    incident = s.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"事件 {incident_id} 不存在", f"incident {incident_id} not found")
    return incident


def _all_rows(s: Session, incident_id: int) -> list[ResponseActivation]:
    return list(s.scalars(select(ResponseActivation).where(ResponseActivation.incident_id == incident_id)
                          .order_by(ResponseActivation.at, ResponseActivation.id)))


def _rows(s: Session, incident_id: int) -> list[ResponseActivation]:
    """The level moves (activate, raise, lower, end), without the recorded steps."""
    return [r for r in _all_rows(s, incident_id) if r.action != STEP]


def _people(s: Session, ids: list[int | None]) -> dict[int | None, str]:
    wanted = [i for i in ids if i]
    if not wanted:
        return {}
    return {pid: name for pid, name in s.execute(select(Person.id, Person.name).where(Person.id.in_(wanted)))}


def _names(s: Session, rows: list[ResponseActivation]) -> dict[str, dict[int, str]]:
    people = _people(s, [p for r in rows for p in (r.commander_person_id, r.executive_commander_person_id)])
    return {"person": {k: v for k, v in people.items() if k is not None},
            "user": user_names(s, [r.recorded_by_id for r in rows])}


def _as_dict(c: CurrentResponse | None) -> dict | None:
    if c is None:
        return None
    return {"level": c.level_key, "rank": c.rank, "since": c.since, "body": c.body,
            "commander_person_id": c.commander_person_id, "executive_commander_person_id": c.executive_commander_person_id}


def _moment(now: dt.datetime | None, at: dt.datetime | None, future: tuple[str, str]) -> tuple[dt.datetime, dt.datetime]:
    """(now, the moment recorded: `at`, else now); an aware time, not in the future (`future`: the refusal)."""
    now = now_or(now)
    at = at or now
    if at.tzinfo is None:
        raise UserError("时间必须带时区", "the time must carry a time zone")
    if at > now + CLOCK_SKEW:
        raise UserError(*future)
    return now, at


def _open_incident(s: Session, incident_id: int, closed: tuple[str, str]) -> Incident:
    """The incident, locked for this write; refused when missing or closed (`closed`: the refusal)."""
    incident = s.get(Incident, incident_id, with_for_update=True)
    if incident is None:
        raise NotFound(f"事件 {incident_id} 不存在", f"incident {incident_id} not found")
    if incident.status == "closed":
        raise UserError(*closed)
    return incident
