"""Warnings (预警): drafting, level-based approval, issue, adjustment, lifting, measure checklists.

Every command is one transaction that re-reads the warning under a row lock, checks the actor and
the state, writes, and audits the change with its before/after state; any refusal writes nothing.
The rules (states, chains, hashes) are in domain/warning_state.py; this module applies them.

Decisions where issue 4 was silent (see also the domain module's docstring):
- Only the author edits and submits a draft; nobody signs a step of their own draft (or of their
  own lift request), and one person signs at most one step of a round, so a user holding two roles
  cannot be both checks of a two-step chain.
- The author may record an external decision (the city's), since recording it is not approving.
- Return for changes and rejection void the round's approvals (a fresh round starts on resubmit);
  the decisions themselves stay in the history. A rejected warning is final.
- A forwarded warning (转发) goes through the same chain as a district one (the plans say 按程序).
- Issuing an adjustment carries over the ticks of measures the old level already had done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.clock import BEIJING, now_or
from ..domain.permissions import allowed, can_act_as, can_sign
from ..domain.profile_loader import profile_in_force, rules_version_of
from ..domain.profile_schema import ApprovalStep, ColourPolicy, Profile
from ..domain.rules import suggest_colour as colour_for_grade
from ..domain.text import clean_text
from ..domain.vocabulary import COLOUR_LABELS, COLOUR_ORDER, ROLE_LABELS, Category, Colour, Grade, Role
from ..domain.warning_state import (
    AWAITING_DECISION,
    CONTENT_FIELDS,
    IN_FORCE,
    Event,
    Status,
    TransitionError,
    approval_chain,
    compose_duration,
    content_hash,
    lift_chain,
    lift_hash,
    next_step,
    policy_for,
    required_fields,
    settle,
    split_duration,
    transition,
)
from ..store import audit
from ..store.database import Database
from ..store.models import Warning, WarningApproval, WarningMeasureCheck
from .actor import Actor, rechecked
from .duty_lines import write_duty_line
from .errors import NotFound, PermissionDenied, UserError
from .guard import require
from .row_version import EditConflict, audited_change
from .users import user_names

ORIGINS = {"district": ("本区发布", "district"), "forwarded": ("转发上级预警", "forwarded")}
DECISIONS = ("approved", "rejected", "returned")
LIFT_REQUEST = "lift_request"  # WarningApproval.kind of the row that opens a lift request (step 0)
CLOCK_SKEW = dt.timedelta(minutes=5)  # an external decision "in the future" beyond this is a typo


# ---------------------------------------------------------------- value objects


@dataclass(frozen=True)
class WarningContent:
    """What a drafter types. `ends_at` is kept inside expected_duration (see warning_state)."""

    title: str
    category: str
    colour: str
    event_type: str | None = None
    start_at: dt.datetime | None = None
    expected_duration: str | None = None
    ends_at: dt.datetime | None = None
    area: str | None = None
    cautions: str | None = None
    measures_text: str | None = None
    issuing_unit: str | None = None
    origin: str = "district"
    source_org: str | None = None
    situation: str | None = None
    public_advice: str | None = None
    hotline: str | None = None


@dataclass(frozen=True)
class StepView:
    step_no: int  # 1-based
    role: str
    kind: str  # sign_off | external_decision
    label: str
    basis: str
    approved: bool = False
    by_user_id: int | None = None
    by_name: str | None = None
    at: dt.datetime | None = None
    comment: str | None = None
    external_decider: str | None = None
    external_ref: str | None = None
    external_decided_at: dt.datetime | None = None


@dataclass(frozen=True)
class MeasureView:
    check_id: int | None  # None before issue: the checklist the colour will get
    measure_id: str
    text: str
    done_at: dt.datetime | None = None
    done_by_id: int | None = None
    done_by_name: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class ApprovalRecord:
    """One row of the approval history, voided ones included."""

    id: int
    phase: str  # issue | lift
    step_no: int  # 0 = the lift request itself
    role: str
    kind: str
    decision: str  # approved | rejected | returned | requested
    comment: str | None
    user_id: int
    user_name: str
    decided_at: dt.datetime
    content_hash: str
    external_decider: str | None
    external_ref: str | None
    external_decided_at: dt.datetime | None
    voided: bool
    voided_reason: str | None


@dataclass(frozen=True)
class WarningView:
    id: int
    profile_key: str
    profile_version: str  # the rules it was drafted under: its chain, issuer and measures come from them
    status: str
    origin: str
    source_org: str | None
    category: str
    event_type: str | None
    colour: str
    title: str
    start_at: dt.datetime | None
    expected_duration: str | None  # the free text, without the end time
    ends_at: dt.datetime | None
    area: str | None
    cautions: str | None
    measures_text: str | None
    issuing_unit: str | None
    situation: str | None
    public_advice: str | None
    hotline: str | None
    content_hash: str | None
    previous_id: int | None
    superseded_by_id: int | None
    created_by_id: int
    created_by_name: str
    created_at: dt.datetime
    issued_at: dt.datetime | None
    issued_by_id: int | None
    issued_by_name: str | None
    channels: tuple[str, ...]
    lifted_at: dt.datetime | None
    lifted_by_id: int | None
    lifted_by_name: str | None
    phase: str | None  # issue | lift while a chain is running, else None
    steps: tuple[StepView, ...]  # the running (or last) chain with this round's approvals
    next_step: int | None  # 1-based step awaiting a decision, None when none is
    issuer_role: str
    lifted_by_role: str
    lift_needs_approval: bool
    filed_with: tuple[str, ...]
    measures: tuple[MeasureView, ...] = field(default=())

    @property
    def is_adjustment(self) -> bool:
        return self.previous_id is not None

    @property
    def in_force(self) -> bool:
        return self.status in IN_FORCE


READY_KINDS = ("issue", "lift")  # queue items of warnings whose chain is complete
_READY = {Status.approved.value: "issue", Status.lift_approved.value: "lift"}


@dataclass(frozen=True)
class QueueItem:
    warning_id: int
    title: str
    colour: str
    category: str
    status: str
    phase: str  # issue | lift
    step_no: int  # for a warning ready to issue or lift: the chain's length + 1
    role: str
    kind: str  # sign_off | external_decision, or issue | lift once every step approved
    label: str
    author_id: int
    author_name: str
    created_at: dt.datetime
    last_decision_at: dt.datetime | None
    last_decision_by: str | None = None  # who signed the previous step (an outside decision: who decided)

    @property
    def ready(self) -> bool:
        """Approved at every step: waiting for the issuer (or lifter) to act."""
        return self.kind in READY_KINDS


@dataclass(frozen=True)
class ActiveWarning:
    id: int
    title: str
    colour: str
    category: str
    status: str
    area: str | None
    issued_at: dt.datetime
    age: dt.timedelta
    measures_done: int
    measures_total: int
    previous_id: int | None


# ---------------------------------------------------------------- validation


def _aware(value: dt.datetime | None, zh: str, en: str) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        raise UserError(f"{zh}必须带时区", f"{en} must carry a time zone")
    return value


def _enum(value: str, enum: type, zh: str, en: str, choices: str) -> str:
    try:
        return enum(value).value
    except ValueError:
        raise UserError(f"未知的{zh}：{value}（可选：{choices}）", f"unknown {en}: {value} (one of {choices})") from None


def normalise_content(content: WarningContent) -> dict[str, Any]:
    """Validate what the drafter typed and turn it into Warning column values (UserError on bad input)."""
    title = clean_text(content.title, field=("预警标题", "the title"), max_len=200)
    if not title:
        raise UserError("预警标题不能为空", "the warning title is required")
    category = _enum(content.category, Category, "事件类别", "event category", "natural, accident, public_health, social")
    colour = _enum(content.colour, Colour, "预警级别", "warning level", "red, orange, yellow, blue")
    if content.origin not in ORIGINS:
        raise UserError(f"未知的预警来源：{content.origin}（可选：district、forwarded）",
                        f"unknown origin: {content.origin} (district or forwarded)")
    source_org = clean_text(content.source_org, field=("信息来源", "the source"), max_len=200)
    if content.origin == "forwarded" and not source_org:
        raise UserError("转发上级预警必须注明信息来源（原发布单位）",
                        "a forwarded warning must name its source (the body that issued it)")
    start_at = _aware(content.start_at, "起始时间", "the start time")
    ends_at = _aware(content.ends_at, "预计结束时间", "the expected end")
    if start_at and ends_at and ends_at <= start_at:
        raise UserError("预计结束时间必须晚于起始时间", "the expected end must be after the start time")
    duration = compose_duration(clean_text(content.expected_duration, field=("预计持续时间", "the expected duration")),
                                ends_at)
    if duration and len(duration) > 100:
        raise UserError("预计持续时间过长（最多 100 字）", "the expected duration is too long (at most 100 characters)")
    return {
        "title": title, "category": category, "colour": colour, "origin": content.origin,
        "source_org": source_org, "start_at": start_at, "expected_duration": duration,
        "event_type": clean_text(content.event_type, field=("事件类型", "the event type"), max_len=200),
        "area": clean_text(content.area, field=("可能影响范围", "the affected area"), multiline=True),
        "cautions": clean_text(content.cautions, field=("警示事项", "the cautions"), multiline=True),
        "measures_text": clean_text(content.measures_text, field=("应采取的措施", "the measures"), multiline=True),
        "issuing_unit": clean_text(content.issuing_unit, field=("发布单位", "the issuing unit"), max_len=200),
        "situation": clean_text(content.situation, field=("事态发展", "the situation"), multiline=True),
        "public_advice": clean_text(content.public_advice, field=("公众预警响应建议", "the public advice"), multiline=True),
        "hotline": clean_text(content.hotline, field=("咨询电话", "the hotline"), max_len=40),
    }


def _content_of(w: Warning) -> dict[str, Any]:
    return {f: getattr(w, f) for f in CONTENT_FIELDS}


def _snapshot(w: Warning) -> dict[str, Any]:
    """The audit's before/after: the content plus the workflow columns."""
    return {"status": w.status, **_content_of(w), "content_hash": w.content_hash, "issued_at": w.issued_at,
            "issued_by_id": w.issued_by_id, "channels": list(w.channels or []), "lifted_at": w.lifted_at,
            "lifted_by_id": w.lifted_by_id}


def _approval_dict(a: WarningApproval) -> dict[str, Any]:
    return {"id": a.id, "step_no": a.step_no, "role": a.role, "kind": a.kind, "decision": a.decision,
            "comment": a.comment, "content_hash": a.content_hash, "external_decider": a.external_decider,
            "external_ref": a.external_ref, "external_decided_at": a.external_decided_at}


# ---------------------------------------------------------------- the service


@rechecked
class WarningService:
    def __init__(self, db: Database, profile: Profile, profile_dir: Path | None = None):
        self.db = db
        self.profile = profile  # the configured jurisdiction; each warning keeps the version it was drafted under
        self.profile_dir = profile_dir

    # ------------------------------------------------------------ rules of one warning

    def _profile_for(self, w: Warning) -> Profile:
        return rules_version_of(w, self.profile_dir)

    def suggest_colour(self, category: str | None, expected_grade: str,
                       now: dt.datetime | None = None) -> tuple[str | None, str]:
        """The colour the category's plan links to the grade expected (Pinggu 公卫预案3.2.1: 预计将发生重大… → 橙色),
        with its clause, as the grade is suggested for incidents; (None, "") where the plan links none."""
        try:
            grade = Grade(expected_grade)
            cat = Category(category) if category else None
        except ValueError:
            raise UserError(f"未知的等级或类别：{expected_grade} / {category}", "unknown grade or category") from None
        profile = profile_in_force(self.profile.key, now_or(now).astimezone(BEIJING).date(), self.profile_dir)
        colour, basis = colour_for_grade(profile, cat, grade)
        return (colour.value if colour else None), basis

    def _version_on(self, key: str, now: dt.datetime) -> str:
        """The version a warning drafted at `now` is held to: the one in force that day (Beijing time)."""
        return profile_in_force(key, now.astimezone(BEIJING).date(), self.profile_dir).version

    def _policy(self, w: Warning) -> ColourPolicy:
        return policy_for(self._profile_for(w), w.colour, w.category)

    def _issue_chain(self, w: Warning) -> tuple[ApprovalStep, ...]:
        return approval_chain(self._profile_for(w), w.colour, w.category, adjustment=w.previous_id is not None)

    def _lift_chain(self, w: Warning) -> tuple[ApprovalStep, ...]:
        return lift_chain(self._profile_for(w), w.colour, w.category)

    def _phase(self, w: Warning) -> tuple[str, tuple[ApprovalStep, ...], str | None]:
        """(phase, chain, hash the chain's approvals must carry) for the warning's current status."""
        if w.status in (Status.lift_pending, Status.lift_approved):
            return "lift", self._lift_chain(w), lift_hash(w.content_hash or "")
        return "issue", self._issue_chain(w), w.content_hash

    # ------------------------------------------------------------ session helpers

    @staticmethod
    def _lock(s: Session, warning_id: int) -> Warning:
        w = s.get(Warning, warning_id, with_for_update=True)
        if w is None:
            raise NotFound(f"预警 {warning_id} 不存在", f"warning {warning_id} not found")
        return w

    @staticmethod
    def _rows(s: Session, warning_id: int) -> list[WarningApproval]:
        return list(s.scalars(select(WarningApproval).where(WarningApproval.warning_id == warning_id)
                              .order_by(WarningApproval.id)))

    @staticmethod
    def _active(rows: Iterable[WarningApproval], chain_hash: str | None) -> list[WarningApproval]:
        """This round's approvals: approved, not voided, for exactly this content."""
        return [r for r in rows if not r.voided and r.decision == "approved" and r.step_no >= 1
                and r.content_hash == chain_hash]

    @staticmethod
    def _lift_request(rows: Iterable[WarningApproval], chain_hash: str) -> WarningApproval | None:
        return next((r for r in rows if r.kind == LIFT_REQUEST and not r.voided and r.content_hash == chain_hash), None)

    def _round_author(self, w: Warning, phase: str, rows: list[WarningApproval], chain_hash: str | None) -> int:
        """Who may not sign this round: the drafter, or for a lift the one who asked for it."""
        if phase == "lift":
            request = self._lift_request(rows, chain_hash or "")
            return request.user_id if request else w.created_by_id
        return w.created_by_id

    @staticmethod
    def _void(s: Session, actor: Actor, w: Warning, rows: list[WarningApproval], reason: str) -> None:
        if not rows:
            return
        before = [_approval_dict(r) | {"voided": r.voided} for r in rows]
        for r in rows:
            r.voided, r.voided_reason = True, reason
        audit.record_by(s, actor, action="warning.approvals_voided", entity="warning",
                        entity_id=w.id, before={"approvals": before},
                        after={"voided": [r.id for r in rows], "reason": reason})

    @staticmethod
    def _log(s: Session, actor: Actor, w: Warning, text: str, now: dt.datetime) -> None:
        """The shift's timeline gets an automatic line for what the public sees (issue, adjust, lift)."""
        write_duty_line(s, actor, text, kind="warning", now=now, warning_id=w.id)

    @staticmethod
    def _audit(s: Session, actor: Actor, action: str, w: Warning, before: dict | None, after: dict | None,
               now: dt.datetime) -> None:
        audit.record_by(s, actor, action=action, entity="warning", entity_id=w.id,
                        before=before, after=after, at=now)

    @staticmethod
    def _move(w: Warning, event: Event) -> Status:
        try:
            return transition(w.status, event)
        except TransitionError as exc:
            raise UserError(exc.zh, exc.en) from None

    @staticmethod
    def _only_author(actor: Actor, w: Warning, zh: str, en: str) -> None:
        if actor.id != w.created_by_id:
            raise PermissionDenied(f"只有起草人可以{zh}", f"only the author may {en}")

    # ------------------------------------------------------------ drafting

    def draft(self, actor: Actor, content: WarningContent, now: dt.datetime | None = None) -> WarningView:
        require(actor, "warning.draft")
        values = normalise_content(content)
        now = now_or(now)
        with self.db.write() as s:
            w = Warning(profile_key=self.profile.key, profile_version=self._version_on(self.profile.key, now),
                        status=Status.draft.value, created_by_id=actor.id, created_at=now, channels=[], **values)
            w.content_hash = content_hash(_content_of(w))
            s.add(w)
            s.flush()
            self._audit(s, actor, "warning.draft", w, None, _snapshot(w), now)
            return self._view(s, w)

    def edit(self, actor: Actor, warning_id: int, content: WarningContent, now: dt.datetime | None = None,
             seen_hash: str | None = None) -> WarningView:
        """Change the content. Approvals already given are voided and the chain starts again.

        `seen_hash`: the content_hash of the text the author's form was filled from. The author's edit made at another
        seat since is not overwritten: EditConflict ("已被…于…修改，请刷新"), nothing written (None: unchecked)."""
        values = normalise_content(content)
        now = now_or(now)
        with self.db.write() as s:
            w = self._lock(s, warning_id)
            require(actor, "warning.edit", w.status)
            self._only_author(actor, w, "修改预警", "edit the warning")
            if seen_hash is not None and seen_hash != w.content_hash:
                who, at = audited_change(s, "warning", w.id, ("warning.edit", "warning.draft"))
                raise EditConflict(who, at, 0, now)
            new_hash = content_hash(_content_of(w) | values)
            if new_hash == w.content_hash:
                return self._view(s, w)
            before = _snapshot(w)
            after_status = self._move(w, Event.edit)
            stale = [r for r in self._rows(s, w.id) if not r.voided and r.decision == "approved"]
            self._void(s, actor, w, stale, "内容已修改，审批作废，重新审批 / content edited: approvals void, chain restarts")
            for key, value in values.items():
                setattr(w, key, value)
            w.content_hash = new_hash
            w.status = settle(after_status, not self._issue_chain(w)).value
            self._audit(s, actor, "warning.edit", w, before, _snapshot(w), now)
            return self._view(s, w)

    def submit(self, actor: Actor, warning_id: int, now: dt.datetime | None = None) -> WarningView:
        """Send a draft into its chain; a colour without steps is approved at once (the issuer decides)."""
        now = now_or(now)
        with self.db.write() as s:
            w = self._lock(s, warning_id)
            require(actor, "warning.submit", w.status)
            self._only_author(actor, w, "提交审批", "submit the warning")
            self._check_complete(w)
            before = _snapshot(w)
            status = self._move(w, Event.submit)
            w.status = settle(status, not self._issue_chain(w)).value
            self._audit(s, actor, "warning.submit", w, before, _snapshot(w), now)
            return self._view(s, w)

    def withdraw(self, actor: Actor, warning_id: int, reason: str, now: dt.datetime | None = None) -> WarningView:
        """Its author drops a warning that was never issued (draft, in approval, returned or approved): kept with its
        approvals, audited with the reason, off the approval queues and the handover sheet."""
        reason = clean_text(reason, field=("撤销理由", "the reason"), required=True, multiline=True)
        now = now_or(now)
        with self.db.write() as s:
            w = self._lock(s, warning_id)
            require(actor, "warning.withdraw", w.status)
            self._only_author(actor, w, "撤销预警", "withdraw the warning")
            before = _snapshot(w)
            w.status = self._move(w, Event.withdraw).value
            self._audit(s, actor, "warning.withdraw", w, before, _snapshot(w) | {"reason": reason}, now)
            return self._view(s, w)

    def _check_complete(self, w: Warning) -> None:
        missing = [lbl for column, lbl in required_fields(self._profile_for(w), w.category) if not getattr(w, column)]
        if missing:
            raise UserError(f"预警内容不完整，请填写：{'、'.join(missing)}",
                            f"the warning is incomplete; fill in: {', '.join(missing)}")

    def adjust(self, actor: Actor, warning_id: int, content: WarningContent, now: dt.datetime | None = None) -> WarningView:
        """Raise or lower (or otherwise change) an issued warning: a new draft linked to it by previous_id.

        The new draft goes through the new level's chain plus the adjustment steps; the old warning stays
        in force until the new one is issued, then becomes superseded.
        """
        require(actor, "warning.draft")
        values = normalise_content(content)
        now = now_or(now)
        with self.db.write() as s:
            old = self._lock(s, warning_id)
            if old.status != Status.issued:
                raise UserError("只能调整已发布且未在解除中的预警", "only an issued warning (not being lifted) can be adjusted")
            if all(values[k] == getattr(old, k) for k in values):
                raise UserError("调整后的内容与原预警相同", "the adjustment changes nothing")
            w = Warning(profile_key=old.profile_key, profile_version=self._version_on(old.profile_key, now),
                        status=Status.draft.value, created_by_id=actor.id, created_at=now, channels=[],
                        previous_id=old.id, **values)
            w.content_hash = content_hash(_content_of(w))
            s.add(w)
            s.flush()
            self._audit(s, actor, "warning.adjust", w, _snapshot(old), _snapshot(w), now)
            return self._view(s, w)

    # ------------------------------------------------------------ decisions on steps

    def approve(self, actor: Actor, warning_id: int, comment: str | None = None, step_no: int | None = None,
                now: dt.datetime | None = None, seen_hash: str | None = None) -> WarningView:
        """`seen_hash` (here and in reject, return_for_changes, record_external): the content_hash of the warning
        the decider's screen showed. When its content was edited since (the author may edit while it is pending),
        EditConflict: nobody approves a text they have not seen (several seats, issue 21)."""
        return self._decide(actor, warning_id, "approved", comment, step_no, now, seen_hash=seen_hash)

    def reject(self, actor: Actor, warning_id: int, reason: str, step_no: int | None = None,
               now: dt.datetime | None = None, seen_hash: str | None = None) -> WarningView:
        return self._decide(actor, warning_id, "rejected", reason, step_no, now, seen_hash=seen_hash)

    def return_for_changes(self, actor: Actor, warning_id: int, reason: str, step_no: int | None = None,
                           now: dt.datetime | None = None, seen_hash: str | None = None) -> WarningView:
        return self._decide(actor, warning_id, "returned", reason, step_no, now, seen_hash=seen_hash)

    def record_external(self, actor: Actor, warning_id: int, *, decider: str, reference: str,
                        decided_at: dt.datetime, decision: str = "approved", comment: str | None = None,
                        step_no: int | None = None, now: dt.datetime | None = None,
                        seen_hash: str | None = None) -> WarningView:
        """Record by hand a decision taken outside the app (e.g. 市应急办): who, reference number, when."""
        now = now_or(now)
        decider_text = clean_text(decider, field=("决定人（单位）", "the decider"), max_len=200)
        ref = clean_text(reference, field=("文号/编号", "the reference number"), max_len=100)
        if not decider_text or not ref:
            raise UserError("请填写作出决定的单位或人员及文号", "the decider and the reference number are required")
        if decided_at is None or decided_at.tzinfo is None:
            raise UserError("请填写带时区的决定时间", "the decision time (with a time zone) is required")
        if decided_at > now + CLOCK_SKEW:
            raise UserError("决定时间不能晚于现在", "the decision time cannot be in the future")
        external = {"external_decider": decider_text, "external_ref": ref, "external_decided_at": decided_at}
        return self._decide(actor, warning_id, decision, comment, step_no, now, external, seen_hash=seen_hash)

    def _decide(self, actor: Actor, warning_id: int, decision: str, comment: str | None, step_no: int | None,
                now: dt.datetime | None, external: dict[str, Any] | None = None,
                seen_hash: str | None = None) -> WarningView:
        if decision not in DECISIONS:
            raise UserError(f"未知的审批意见：{decision}", f"unknown decision: {decision}")
        comment = clean_text(comment, field=("意见", "the comment"), multiline=True)
        if decision != "approved" and not comment:
            raise UserError("不予批准或退回修改必须写明理由", "a rejection or a return needs a reason")
        now = now_or(now)
        with self.db.write() as s:
            w = self._lock(s, warning_id)
            if seen_hash is not None and seen_hash != w.content_hash:
                who, at = audited_change(s, "warning", w.id, ("warning.edit",))
                raise EditConflict(who, at, 0, now)
            if w.status not in AWAITING_DECISION:
                raise UserError("该预警当前没有待审批的步骤", "the warning is not awaiting a decision")
            phase, chain, chain_hash = self._phase(w)
            rows = self._rows(s, w.id)
            active = self._active(rows, chain_hash)
            current = self._current_step(w, chain, active, step_no)
            step = chain[current - 1]
            self._check_decider(actor, w, step, external is not None, phase, rows, active, chain_hash)
            before = _snapshot(w)
            row = WarningApproval(warning_id=w.id, step_no=current, role=step.role.value, kind=step.kind,
                                  decision=decision, comment=comment, user_id=actor.id, decided_at=now,
                                  content_hash=chain_hash, **(external or {}))
            s.add(row)
            s.flush()
            self._apply_decision(s, actor, w, decision, chain, active, rows, phase, chain_hash, current)
            action = "warning.external_decision" if external else f"warning.{decision}"
            self._audit(s, actor, action, w, before, _snapshot(w) | {"phase": phase, "approval": _approval_dict(row)},
                        now)
            return self._view(s, w)

    @staticmethod
    def _current_step(w: Warning, chain: Sequence[ApprovalStep], active: list[WarningApproval],
                      step_no: int | None) -> int:
        try:
            current = next_step(len(chain), [r.step_no for r in active])
        except TransitionError as exc:
            raise UserError(exc.zh, exc.en) from None
        if current is None:
            raise UserError("各审批步骤均已批准", "every step is already approved")
        if step_no is not None and step_no != current:
            raise UserError(f"须按顺序审批：当前是第 {current} 步，不是第 {step_no} 步",
                            f"steps are decided in order: the current step is {current}, not {step_no}")
        return current

    def _check_decider(self, actor: Actor, w: Warning, step: ApprovalStep, external: bool, phase: str,
                       rows: list[WarningApproval], active: list[WarningApproval], chain_hash: str | None) -> None:
        role_zh = label_role(self._profile_for(w), step.role)
        if external:
            if step.kind != "external_decision":
                raise UserError(f"当前步骤须由{role_zh}在系统中签批，不能手工登记",
                                f"the current step is signed in the app by the {step.role.value}, not recorded by hand")
            require(actor, "warning.record_external", Status.pending.value)
            return
        if step.kind == "external_decision":
            raise UserError(f"当前步骤是{step.label}，请登记其决定（决定人、文号、时间）",
                            f"the current step is an outside decision ({step.role.value}): record it by hand")
        if not can_sign(actor.roles, step.role):
            raise PermissionDenied(f"{actor.display_name} 不是{role_zh}，无权审批当前步骤（{step.label}）",
                                   f"{actor.username} does not hold the role {step.role.value} this step needs")
        if actor.id == self._round_author(w, phase, rows, chain_hash):
            raise PermissionDenied("不能审批自己起草或申请的预警", "nobody may approve their own draft or request")
        if any(r.user_id == actor.id and r.kind == "sign_off" for r in active):
            raise PermissionDenied("同一人不能在同一审批链中签批两个步骤", "one person cannot sign two steps of the same chain")

    def _apply_decision(self, s: Session, actor: Actor, w: Warning, decision: str, chain: Sequence[ApprovalStep],
                        active: list[WarningApproval], rows: list[WarningApproval], phase: str,
                        chain_hash: str | None, current: int) -> None:
        if decision == "approved":
            status = self._move(w, Event.approve)
            w.status = settle(status, current == len(chain)).value
            return
        event = Event.reject if decision == "rejected" else Event.return_
        w.status = self._move(w, event).value
        closing = list(active)
        if phase == "lift":
            request = self._lift_request(rows, chain_hash or "")
            closing += [request] if request else []
        why = "不予批准" if decision == "rejected" else "退回修改"
        self._void(s, actor, w, closing, f"第 {current} 步{why}，本轮审批结束 / step {current} {decision}: round closed")

    # ------------------------------------------------------------ issue, lift

    def issue(self, actor: Actor, warning_id: int, channels: Sequence[str], now: dt.datetime | None = None) -> WarningView:
        """Issue an approved warning on the profile's channels; attach the colour's measure checklist."""
        now = now_or(now)
        with self.db.write() as s:
            w = self._lock(s, warning_id)
            policy = self._policy(w)
            self._require_role(actor, self._profile_for(w), policy.issuer, "发布", "issue")
            after_status = self._move(w, Event.issue)
            chosen = self._check_channels(self._profile_for(w), channels)
            self._check_approved_content(s, w)
            before = _snapshot(w)
            previous = self._supersede(s, actor, w, now)
            w.status, w.issued_at, w.issued_by_id, w.channels = after_status.value, now, actor.id, chosen
            self._attach_measures(s, w, policy, previous)
            self._audit(s, actor, "warning.issue", w, before,
                        _snapshot(w) | {"filed_with": list(policy.filed_with), "measures": [m.id for m in policy.measures]},
                        now)
            verb = "调整发布" if previous else "发布"
            self._log(s, actor, w, f"{verb}{COLOUR_LABELS[Colour(w.colour)][0]}预警：{w.title}", now)
            return self._view(s, w)

    @staticmethod
    def _check_channels(profile: Profile, channels: Sequence[str]) -> list[str]:
        chosen = list(dict.fromkeys(c.strip() for c in channels if c and c.strip()))
        if not chosen:
            raise UserError("请至少选择一个发布渠道", "choose at least one channel")
        unknown = [c for c in chosen if c not in profile.warnings.channels]
        if unknown:
            raise UserError(f"发布渠道不在本辖区预案所列范围内：{'、'.join(unknown)}",
                            f"channels not in the profile's list: {', '.join(unknown)}")
        return chosen

    @staticmethod
    def _require_role(actor: Actor, profile: Profile, role: Role, zh: str, en: str) -> None:
        if not can_act_as(actor.roles, role):
            raise PermissionDenied(f"{actor.display_name} 不是{label_role(profile, role)}，无权{zh}该预警",
                                   f"{actor.username} does not hold the role {role.value} needed to {en} this warning")

    def _check_approved_content(self, s: Session, w: Warning) -> None:
        """Issue only what was approved: the stored hash matches the content and every step approved it."""
        if content_hash(_content_of(w)) != w.content_hash:
            raise UserError("预警内容与审批时不一致，须重新审批", "the content differs from what was approved; approve it again")
        chain = self._issue_chain(w)
        active = self._active(self._rows(s, w.id), w.content_hash)
        if next_step(len(chain), [r.step_no for r in active]) is not None:
            raise UserError("尚有审批步骤未批准当前内容", "not every step has approved the current content")

    def _supersede(self, s: Session, actor: Actor, w: Warning, now: dt.datetime) -> Warning | None:
        if w.previous_id is None:
            return None
        old = self._lock(s, w.previous_id)
        if old.status != Status.issued:
            raise UserError(f"原预警（{old.id}）已不在发布状态（{old.status}），本调整不能发布",
                            f"the warning it adjusts ({old.id}) is no longer issued ({old.status})")
        before = _snapshot(old)
        old.status = self._move(old, Event.supersede).value
        self._audit(s, actor, "warning.supersede", old, before, _snapshot(old) | {"superseded_by": w.id}, now)
        return old

    @staticmethod
    def _attach_measures(s: Session, w: Warning, policy: ColourPolicy, previous: Warning | None) -> None:
        done: dict[tuple[str, str], WarningMeasureCheck] = {}
        if previous is not None:
            for c in s.scalars(select(WarningMeasureCheck).where(WarningMeasureCheck.warning_id == previous.id)):
                if c.done_at is not None:
                    done[(c.measure_id, c.text)] = c
        for m in policy.measures:
            carried = done.get((m.id, m.text))
            s.add(WarningMeasureCheck(
                warning_id=w.id, measure_id=m.id, text=m.text,
                done_at=carried.done_at if carried else None, done_by_id=carried.done_by_id if carried else None,
                note=f"沿用预警 {previous.id} 的勾选" if carried and previous else None))

    def request_lift(self, actor: Actor, warning_id: int, reason: str, now: dt.datetime | None = None) -> WarningView:
        """Ask for a lift where the plan puts 解除 after approval; the colour's chain then decides it."""
        reason_text = clean_text(reason, field=("解除理由", "the reason"), multiline=True)
        if not reason_text:
            raise UserError("请写明解除理由（如危险已经消除）", "give the reason for lifting (e.g. the danger has passed)")
        now = now_or(now)
        with self.db.write() as s:
            w = self._lock(s, warning_id)
            policy = self._policy(w)
            if not (allowed(actor.roles, "warning.draft") or can_act_as(actor.roles, policy.lifted_by)):
                raise PermissionDenied(f"{actor.display_name} 无权申请解除预警", f"{actor.username} may not request a lift")
            chain = self._lift_chain(w)
            if not chain:
                raise UserError("该级别预警解除无需审批，可直接解除", "lifting this level needs no approval: lift it directly")
            before = _snapshot(w)
            status = self._move(w, Event.request_lift)
            s.add(WarningApproval(warning_id=w.id, step_no=0, role=policy.lifted_by.value, kind=LIFT_REQUEST,
                                  decision="requested", comment=reason_text, user_id=actor.id, decided_at=now,
                                  content_hash=lift_hash(w.content_hash or "")))
            w.status = settle(status, False).value
            self._audit(s, actor, "warning.request_lift", w, before, _snapshot(w) | {"reason": reason_text}, now)
            return self._view(s, w)

    def lift(self, actor: Actor, warning_id: int, reason: str | None = None, now: dt.datetime | None = None) -> WarningView:
        """谁发布、谁解除: the profile's lifted_by role lifts, after the lift chain where one is needed."""
        now = now_or(now)
        with self.db.write() as s:
            w = self._lock(s, warning_id)
            policy = self._policy(w)
            self._require_role(actor, self._profile_for(w), policy.lifted_by, "解除", "lift")
            chain = self._lift_chain(w)
            if w.status == Status.issued and chain:
                raise UserError("该级别预警的解除须先经审批：请先申请解除",
                                "lifting this level needs approval first: request the lift")
            after_status = self._move(w, Event.lift)
            if chain:
                active = self._active(self._rows(s, w.id), lift_hash(w.content_hash or ""))
                if next_step(len(chain), [r.step_no for r in active]) is not None:
                    raise UserError("解除审批尚未完成", "the lift is not fully approved")
            before = _snapshot(w)
            w.status, w.lifted_at, w.lifted_by_id = after_status.value, now, actor.id
            reason_text = clean_text(reason, field=("理由", "reason"), multiline=True)
            self._audit(s, actor, "warning.lift", w, before, _snapshot(w) | {"reason": reason_text}, now)
            self._log(s, actor, w, f"解除{COLOUR_LABELS[Colour(w.colour)][0]}预警：{w.title}", now)
            return self._view(s, w)

    # ------------------------------------------------------------ measure checklist

    def tick_measure(self, actor: Actor, check_id: int, note: str | None = None,
                     now: dt.datetime | None = None) -> MeasureView:
        now = now_or(now)
        with self.db.write() as s:
            check, w = self._lock_check(s, actor, check_id)
            if check.done_at is not None:
                raise UserError("该措施已勾选", "this measure is already ticked")
            before = self._check_dict(check)
            check.done_at, check.done_by_id, check.note = now, actor.id, clean_text(note, field=("备注", "the note"), multiline=True)
            audit.record_by(s, actor, action="warning.measure.tick",
                            entity="warning_measure_check", entity_id=check.id, before=before,
                            after=self._check_dict(check) | {"warning_id": w.id}, at=now)
            return self._measure_view(check, user_names(s, [actor.id]))

    def untick_measure(self, actor: Actor, check_id: int, reason: str, now: dt.datetime | None = None) -> MeasureView:
        """Undo a tick made by mistake; the reason is kept and the old tick stays in the audit log."""
        reason_text = clean_text(reason, field=("撤销理由", "the reason"), multiline=True)
        if not reason_text:
            raise UserError("撤销勾选须写明理由", "undoing a tick needs a reason")
        now = now_or(now)
        with self.db.write() as s:
            check, w = self._lock_check(s, actor, check_id)
            if check.done_at is None:
                raise UserError("该措施尚未勾选", "this measure is not ticked")
            before = self._check_dict(check)
            check.done_at, check.done_by_id, check.note = None, None, f"撤销勾选：{reason_text}"
            audit.record_by(s, actor, action="warning.measure.untick",
                            entity="warning_measure_check", entity_id=check.id, before=before,
                            after=self._check_dict(check) | {"warning_id": w.id}, at=now)
            return self._measure_view(check, {})

    @staticmethod
    def _lock_check(s: Session, actor: Actor, check_id: int) -> tuple[WarningMeasureCheck, Warning]:
        check = s.get(WarningMeasureCheck, check_id, with_for_update=True)
        if check is None:
            raise NotFound(f"措施 {check_id} 不存在", f"measure {check_id} not found")
        w = s.get(Warning, check.warning_id)
        assert w is not None
        # A warning being lifted is still in force: its measures are still being taken.
        require(actor, "warning.measure.tick", Status.issued.value if w.status in IN_FORCE else w.status)
        return check, w

    @staticmethod
    def _check_dict(c: WarningMeasureCheck) -> dict[str, Any]:
        return {"measure_id": c.measure_id, "done_at": c.done_at, "done_by_id": c.done_by_id, "note": c.note}

    # ------------------------------------------------------------ queries

    def get(self, warning_id: int) -> WarningView:
        with self.db.read() as s:
            w = s.get(Warning, warning_id)
            if w is None:
                raise NotFound(f"预警 {warning_id} 不存在", f"warning {warning_id} not found")
            return self._view(s, w)

    def content_of(self, warning_id: int) -> WarningContent:
        """The form's starting values for editing or adjusting a warning."""
        return self.form_of(warning_id)[0]

    @staticmethod
    def changed_fields(shown: WarningContent, typed: WarningContent) -> set[str]:
        """The fields the author changed in the form (an empty box and no value are the same)."""
        return {f.name for f in fields(WarningContent)
                if (getattr(typed, f.name) or None) != (getattr(shown, f.name) or None)}

    @staticmethod
    def merge_edit(typed: WarningContent, stored: WarningContent, changed: set[str]) -> WarningContent:
        """After an edit was refused because another seat saved first: the fields the author changed (in any round)
        from the form, the others as now stored, to be checked and saved again — nothing typed is lost, and nothing
        the other seat saved is replaced unseen."""
        return WarningContent(**{f.name: getattr(typed if f.name in changed else stored, f.name)
                                 for f in fields(WarningContent)})

    def form_of(self, warning_id: int) -> tuple[WarningContent, str]:
        """The form's starting values and the content_hash they have (edit's seen_hash), from one read."""
        v = self.get(warning_id)
        return WarningContent(**{f.name: getattr(v, f.name) for f in fields(WarningContent)}), v.content_hash

    def list_warnings(self, statuses: Iterable[str] | None = None, *, limit: int | None = None,
                      offset: int = 0) -> list[WarningView]:
        """Newest first, a page at a time (limit/offset in SQL); approvals, measure checks, names and successors
        are fetched for the whole page in a few statements, not per warning."""
        with self.db.read() as s:
            q = select(Warning).where(Warning.profile_key == self.profile.key).order_by(Warning.id.desc())
            if statuses is not None:
                q = q.where(Warning.status.in_(list(statuses)))
            if offset:
                q = q.offset(offset)
            if limit is not None:
                q = q.limit(limit)
            warnings = list(s.scalars(q))
            pre = _Prefetched.load(s, warnings)
            return [self._view(s, w, pre) for w in warnings]

    def history(self, warning_id: int) -> list[ApprovalRecord]:
        """Every decision on the warning, oldest first, voided ones included (with why)."""
        with self.db.read() as s:
            w = s.get(Warning, warning_id)
            if w is None:
                raise NotFound(f"预警 {warning_id} 不存在", f"warning {warning_id} not found")
            rows = self._rows(s, warning_id)
            names = user_names(s, [r.user_id for r in rows])
            lifted = lift_hash(w.content_hash or "")
            return [ApprovalRecord(
                id=r.id, phase="lift" if r.content_hash == lifted else "issue", step_no=r.step_no, role=r.role,
                kind=r.kind, decision=r.decision, comment=r.comment, user_id=r.user_id,
                user_name=names.get(r.user_id, ""), decided_at=r.decided_at, content_hash=r.content_hash,
                external_decider=r.external_decider, external_ref=r.external_ref,
                external_decided_at=r.external_decided_at, voided=r.voided, voided_reason=r.voided_reason,
            ) for r in rows]

    def lineage(self, warning_id: int) -> list[WarningView]:
        """The adjustment chain this warning belongs to, from the first issue to the latest adjustment."""
        with self.db.read() as s:
            w = s.get(Warning, warning_id)
            if w is None:
                raise NotFound(f"预警 {warning_id} 不存在", f"warning {warning_id} not found")
            while w.previous_id is not None:
                w = s.get(Warning, w.previous_id)
            out = [w]
            while (nxt := self._successor(s, out[-1].id, issued_only=False)) is not None:
                out.append(nxt)
            return [self._view(s, x) for x in out]

    @staticmethod
    def _successor(s: Session, warning_id: int, issued_only: bool = True) -> Warning | None:
        q = select(Warning).where(Warning.previous_id == warning_id).order_by(Warning.id)
        if issued_only:
            q = q.where(Warning.issued_at.is_not(None))
        found = list(s.scalars(q))
        # Several drafts may adjust one warning; only one can ever be issued, prefer it.
        return next((x for x in found if x.issued_at is not None), found[-1] if found else None)

    def approval_queue(self, actor: Actor) -> list[QueueItem]:
        """Warnings whose current step this actor may sign now (their role, not their own, not signed twice),
        then the approved ones this actor may issue or lift: the last step of the chain is theirs too."""
        queue = self._queue()
        signable = [item for item, rows_ok in queue if item.kind == "sign_off"
                    and can_sign(actor.roles, item.role) and item.author_id != actor.id and actor.id not in rows_ok]
        ready = [item for item, _ in queue if item.ready and can_act_as(actor.roles, item.role)]
        return signable + ready

    def awaiting_external(self, actor: Actor) -> list[QueueItem]:
        """Warnings waiting for an outside decision (市应急办 …) that this actor may record."""
        if not allowed(actor.roles, "warning.record_external", Status.pending.value):
            return []
        return [item for item, _ in self._queue() if item.kind == "external_decision"]

    def _queue(self) -> list[tuple[QueueItem, set[int]]]:
        waiting = [st.value for st in AWAITING_DECISION] + list(_READY)
        with self.db.read() as s:
            warnings = list(s.scalars(select(Warning).where(Warning.profile_key == self.profile.key,
                                                            Warning.status.in_(waiting))
                                      .order_by(Warning.created_at)))
            out = []
            for w in warnings:
                phase, chain, chain_hash = self._phase(w)
                rows = self._rows(s, w.id)
                active = self._active(rows, chain_hash)
                current = next_step(len(chain), [r.step_no for r in active])
                ready = _READY.get(w.status)
                if (current is None) != (ready is not None):
                    continue
                if ready:
                    policy = self._policy(w)
                    role = policy.issuer if ready == "issue" else policy.lifted_by
                    step_no, kind, step_label = len(chain) + 1, ready, "发布" if ready == "issue" else "解除"
                else:
                    step = chain[current - 1]
                    role, step_no, kind, step_label = step.role, current, step.kind, step.label
                author = self._round_author(w, phase, rows, chain_hash)
                last = max(active, key=lambda r: (r.decided_at, r.id), default=None)
                names = user_names(s, [author, last.user_id if last else None])
                item = QueueItem(
                    warning_id=w.id, title=w.title, colour=w.colour, category=w.category, status=w.status,
                    phase=phase, step_no=step_no, role=Role(role).value, kind=kind, label=step_label,
                    author_id=author, author_name=names.get(author, ""), created_at=w.created_at,
                    last_decision_at=last.decided_at if last else None,
                    last_decision_by=None if last is None else (
                        last.external_decider if last.kind == "external_decision" else names.get(last.user_id)))
                out.append((item, {r.user_id for r in active if r.kind == "sign_off"}))
            return out

    def active_warnings(self, now: dt.datetime | None = None) -> list[ActiveWarning]:
        """Warnings in force, red first, oldest first within a colour, with their age (dashboard)."""
        now = now_or(now)
        with self.db.read() as s:
            warnings = list(s.scalars(select(Warning).where(Warning.profile_key == self.profile.key,
                                                            Warning.status.in_([st.value for st in IN_FORCE]))))
            checks = _checks_by_warning(s, [w.id for w in warnings])
            rank = {c.value: i for i, c in enumerate(COLOUR_ORDER)}
            warnings.sort(key=lambda w: (rank[w.colour], w.issued_at))
            return [ActiveWarning(
                id=w.id, title=w.title, colour=w.colour, category=w.category, status=w.status, area=w.area,
                issued_at=w.issued_at, age=now - w.issued_at,
                measures_done=sum(1 for c in checks.get(w.id, []) if c.done_at is not None),
                measures_total=len(checks.get(w.id, [])), previous_id=w.previous_id,
            ) for w in warnings if w.issued_at is not None]

    def active_by_colour(self, now: dt.datetime | None = None) -> dict[str, list[ActiveWarning]]:
        """The dashboard's tiles: every colour (red first) with its warnings in force, possibly none."""
        out: dict[str, list[ActiveWarning]] = {c.value: [] for c in COLOUR_ORDER}
        for a in self.active_warnings(now):
            out[a.colour].append(a)
        return out

    def actions_for(self, actor: Actor, warning_id: int) -> frozenset[str]:
        """What this actor may do to the warning now (the GUI enables exactly these buttons).

        Names: edit, submit, withdraw, approve, reject, return, record_external, issue, adjust, request_lift,
        lift, tick_measure. The sign-off checks are the commands' own, so the two never disagree.
        """
        with self.db.read() as s:
            w = s.get(Warning, warning_id)
            if w is None:
                raise NotFound(f"预警 {warning_id} 不存在", f"warning {warning_id} not found")
            status, policy, roles = Status(w.status), self._policy(w), actor.roles
            out: set[str] = set()
            if actor.id == w.created_by_id:
                out |= {name for name, action in (("edit", "warning.edit"), ("submit", "warning.submit"),
                                                  ("withdraw", "warning.withdraw"))
                        if allowed(roles, action, status.value)}
            if status in AWAITING_DECISION:
                out |= self._decisions_for(s, actor, w)
            if status == Status.approved and can_act_as(roles, policy.issuer):
                out.add("issue")
            needs_lift_approval = bool(self._lift_chain(w))
            if status == Status.issued and allowed(roles, "warning.draft"):
                out.add("adjust")
            if (status == Status.issued and needs_lift_approval
                    and (allowed(roles, "warning.draft") or can_act_as(roles, policy.lifted_by))):
                out.add("request_lift")
            lift_ready = status == Status.lift_approved or (status == Status.issued and not needs_lift_approval)
            if lift_ready and can_act_as(roles, policy.lifted_by):
                out.add("lift")
            if status in IN_FORCE and allowed(roles, "warning.measure.tick", Status.issued.value):
                out.add("tick_measure")
            return frozenset(out)

    def _decisions_for(self, s: Session, actor: Actor, w: Warning) -> set[str]:
        phase, chain, chain_hash = self._phase(w)
        rows = self._rows(s, w.id)
        active = self._active(rows, chain_hash)
        current = next_step(len(chain), [r.step_no for r in active])
        if current is None:
            return set()
        step = chain[current - 1]
        try:
            self._check_decider(actor, w, step, step.kind == "external_decision", phase, rows, active, chain_hash)
        except UserError:
            return set()
        return {"record_external"} if step.kind == "external_decision" else {"approve", "reject", "return"}

    def chain_preview(self, colour: str, category: str, adjustment: bool = False) -> list[StepView]:
        """The steps a new warning of this level would need (the form shows them before submitting)."""
        colour = _enum(colour, Colour, "预警级别", "warning level", "red, orange, yellow, blue")
        category = _enum(category, Category, "事件类别", "event category", "natural, accident, public_health, social")
        chain = approval_chain(self.profile, colour, category, adjustment=adjustment)
        return [StepView(i, st.role.value, st.kind, st.label, st.basis) for i, st in enumerate(chain, 1)]

    def channels(self) -> list[str]:
        return list(self.profile.warnings.channels)

    # ------------------------------------------------------------ views

    def _view(self, s: Session, w: Warning, pre: _Prefetched | None = None) -> WarningView:
        policy = self._policy(w)
        phase, chain, chain_hash = self._phase(w)
        rows = pre.approvals.get(w.id, []) if pre else self._rows(s, w.id)
        active = self._active(rows, chain_hash)
        checks = pre.checks.get(w.id, []) if pre else _checks_by_warning(s, [w.id]).get(w.id, [])
        names = pre.names if pre else user_names(s, [w.created_by_id, w.issued_by_id, w.lifted_by_id,
                                                     *(r.user_id for r in active), *(c.done_by_id for c in checks)])
        by_step = {r.step_no: r for r in active}
        steps = tuple(_step_view(i, st, by_step.get(i), names) for i, st in enumerate(chain, 1))
        running = w.status in AWAITING_DECISION
        duration, ends_at = split_duration(w.expected_duration)
        if w.status != Status.superseded:
            successor = None
        elif pre:
            found = pre.successors.get(w.id, [])
            successor = next((x for x in found if x.issued_at is not None), None)
        else:
            successor = self._successor(s, w.id)
        measures = (tuple(self._measure_view(c, names) for c in checks) if checks
                    else tuple(MeasureView(None, m.id, m.text) for m in policy.measures))
        return WarningView(
            id=w.id, profile_key=w.profile_key, profile_version=w.profile_version, status=w.status, origin=w.origin,
            source_org=w.source_org, category=w.category, event_type=w.event_type, colour=w.colour, title=w.title, start_at=w.start_at,
            expected_duration=duration, ends_at=ends_at, area=w.area, cautions=w.cautions,
            measures_text=w.measures_text, issuing_unit=w.issuing_unit, situation=w.situation,
            public_advice=w.public_advice, hotline=w.hotline, content_hash=w.content_hash, previous_id=w.previous_id,
            superseded_by_id=successor.id if successor else None, created_by_id=w.created_by_id,
            created_by_name=names.get(w.created_by_id, ""), created_at=w.created_at, issued_at=w.issued_at,
            issued_by_id=w.issued_by_id, issued_by_name=names.get(w.issued_by_id) if w.issued_by_id else None,
            channels=tuple(w.channels or ()), lifted_at=w.lifted_at, lifted_by_id=w.lifted_by_id,
            lifted_by_name=names.get(w.lifted_by_id) if w.lifted_by_id else None,
            phase=phase if running else None, steps=steps,
            next_step=next_step(len(chain), list(by_step)) if running else None,
            issuer_role=policy.issuer.value, lifted_by_role=policy.lifted_by.value,
            lift_needs_approval=policy.lift_needs_approval, filed_with=tuple(policy.filed_with), measures=measures,
        )

    @staticmethod
    def _measure_view(c: WarningMeasureCheck, names: dict[int, str]) -> MeasureView:
        return MeasureView(c.id, c.measure_id, c.text, c.done_at, c.done_by_id,
                           names.get(c.done_by_id) if c.done_by_id else None, c.note)


# ---------------------------------------------------------------- module helpers

def label_role(profile: Profile, role: Role | str) -> str:
    """What the role is called in this jurisdiction's plan (区长, 分管市领导 …), else the generic label."""
    return profile.role_titles.get(Role(role)) or ROLE_LABELS[Role(role)][0]


@dataclass
class _Prefetched:
    """What the views of a page of warnings need, read in a few statements for the whole page."""

    approvals: dict[int, list[WarningApproval]]
    checks: dict[int, list[WarningMeasureCheck]]
    names: dict[int, str]
    successors: dict[int, list[Warning]]

    @classmethod
    def load(cls, s: Session, warnings: list[Warning]) -> _Prefetched:
        ids = [w.id for w in warnings]
        approvals: dict[int, list[WarningApproval]] = {}
        successors: dict[int, list[Warning]] = {}
        checks: dict[int, list[WarningMeasureCheck]] = {}
        for k in range(0, len(ids), 500):
            chunk = ids[k:k + 500]
            for r in s.scalars(select(WarningApproval).where(WarningApproval.warning_id.in_(chunk))
                               .order_by(WarningApproval.id)):
                approvals.setdefault(r.warning_id, []).append(r)
            superseded = [w.id for w in warnings[k:k + 500] if w.status == Status.superseded]
            if superseded:
                for x in s.scalars(select(Warning).where(Warning.previous_id.in_(superseded)).order_by(Warning.id)):
                    successors.setdefault(x.previous_id, []).append(x)
            checks.update(_checks_by_warning(s, chunk))
        return cls(approvals, checks, user_names(s), successors)


def _checks_by_warning(s: Session, warning_ids: list[int]) -> dict[int, list[WarningMeasureCheck]]:
    out: dict[int, list[WarningMeasureCheck]] = {}
    if not warning_ids:
        return out
    q = select(WarningMeasureCheck).where(WarningMeasureCheck.warning_id.in_(warning_ids)).order_by(WarningMeasureCheck.id)
    for c in s.scalars(q):
        out.setdefault(c.warning_id, []).append(c)
    return out


def _step_view(no: int, step: ApprovalStep, row: WarningApproval | None, names: dict[int, str]) -> StepView:
    if row is None:
        return StepView(no, step.role.value, step.kind, step.label, step.basis)
    return StepView(no, step.role.value, step.kind, step.label, step.basis, approved=True, by_user_id=row.user_id,
                    by_name=names.get(row.user_id), at=row.decided_at, comment=row.comment,
                    external_decider=row.external_decider, external_ref=row.external_ref,
                    external_decided_at=row.external_decided_at)
