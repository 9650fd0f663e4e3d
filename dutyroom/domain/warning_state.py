"""The warning (预警) state machine and the pure rules around it: approval chains, content hashes.

States (Warning.status):

    draft ──submit──▶ pending ──(every step approved)──▶ approved ──issue──▶ issued
      ▲                 │  ▲                                 │                 │
      └──edit── returned◀─┘  └──────────── edit ─────────────┘                 │
                        │ reject                                             │
                        ▼                                                    │
                     rejected                                                │
    issued ──(an adjustment of it is issued)──▶ superseded                   │
    issued ──request_lift──▶ lift_pending ──(every step approved)──▶ lift_approved ──lift──▶ lifted
    issued ──lift (when the colour's lift needs no approval)──▶ lifted
    lift_pending ──reject / return──▶ issued (the warning stays in force)

Decisions the issue left open, made here (services/warnings.py applies them):
- A colour with no steps (blue/yellow) passes `submit` straight to `approved`: the issuer decides alone.
- An adjustment (调整) is a new warning with previous_id. Its chain is the NEW colour's chain, with the
  adjusting body (warnings.adjust.by) and the profile's warnings.adjust.steps inserted before the first
  external decision (the district signs before asking the city); a role already in the chain is not
  asked twice. So Dongcheng's 区应急委 decides every adjustment, and lowering red to blue is never a
  department's decision alone.
- A colour's preconditions (Pinggu 公卫预案3.2.2(2): the 市指挥部办公室's expert risk assessment before an
  orange or red proposal) come first in the issue chain, adjustments to that colour included, as outside
  decisions recorded by hand. A public-health adjustment uses warnings.category_adjust (公卫预案3.2.2(5):
  approval by the 市指挥部总指挥 or city leaders, recorded by hand) instead of the general adjust rule.
- No shipped profile asks an approval to lift (issue 20: "批准后，由…发布和解除" names who lifts; 3.2.7 "应立即宣布
  解除" governs the lift in every plan); the issuer lifts at once. A profile may still set lift_needs_approval.
- A lift that needs approval (lift_needs_approval) goes through the colour's own chain (without the
  adjustment steps), as a lift request whose approvals are tied to `lift_hash(content_hash)` so they
  can never count as approvals to issue, and vice versa.

This module imports neither Qt nor SQLAlchemy: the services feed it plain values.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from .clock import BEIJING
from .profile_schema import ApprovalStep, ColourPolicy, Profile
from .rules import adjustment_policy, colour_policy
from .vocabulary import Category, Colour


class TransitionError(ValueError):
    """A transition the state machine does not allow; carries a Chinese and an English message."""

    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en
        super().__init__(zh)


class Status(StrEnum):
    draft = "draft"
    pending = "pending"
    approved = "approved"
    returned = "returned"
    rejected = "rejected"
    issued = "issued"
    superseded = "superseded"
    lift_pending = "lift_pending"
    lift_approved = "lift_approved"
    lifted = "lifted"
    withdrawn = "withdrawn"  # dropped before it was issued (its author's decision, with a reason)


class Event(StrEnum):
    submit = "submit"
    edit = "edit"
    approve = "approve"
    reject = "reject"
    return_ = "return"
    issue = "issue"
    supersede = "supersede"
    request_lift = "request_lift"
    lift = "lift"
    withdraw = "withdraw"


STATUS_LABELS: dict[Status, tuple[str, str]] = {
    Status.draft: ("草稿", "Draft"),
    Status.pending: ("审批中", "Pending approval"),
    Status.approved: ("已批准待发布", "Approved, not yet issued"),
    Status.returned: ("退回修改", "Returned for changes"),
    Status.rejected: ("不予批准", "Rejected"),
    Status.issued: ("已发布", "Issued"),
    Status.superseded: ("已调整（被新预警取代）", "Superseded by an adjustment"),
    Status.lift_pending: ("解除审批中", "Lift pending approval"),
    Status.lift_approved: ("已批准解除", "Lift approved"),
    Status.lifted: ("已解除", "Lifted"),
    Status.withdrawn: ("已撤销", "Withdrawn"),
}

# Warnings the public is under: shown on the dashboard, measures may be ticked.
IN_FORCE = frozenset({Status.issued, Status.lift_pending, Status.lift_approved})
# Statuses in which a chain of approvals is running (a step may be signed or recorded).
AWAITING_DECISION = frozenset({Status.pending, Status.lift_pending})

_TRANSITIONS: dict[tuple[Status, Event], Status] = {
    (Status.draft, Event.submit): Status.pending,
    (Status.returned, Event.submit): Status.pending,
    (Status.draft, Event.edit): Status.draft,
    (Status.returned, Event.edit): Status.draft,
    (Status.pending, Event.edit): Status.pending,  # approvals voided, the chain restarts
    (Status.approved, Event.edit): Status.pending,
    (Status.pending, Event.approve): Status.pending,
    (Status.pending, Event.reject): Status.rejected,
    (Status.pending, Event.return_): Status.returned,
    (Status.approved, Event.issue): Status.issued,
    (Status.issued, Event.supersede): Status.superseded,
    (Status.issued, Event.request_lift): Status.lift_pending,
    (Status.lift_pending, Event.approve): Status.lift_pending,
    (Status.lift_pending, Event.reject): Status.issued,
    (Status.lift_pending, Event.return_): Status.issued,
    (Status.issued, Event.lift): Status.lifted,
    (Status.lift_approved, Event.lift): Status.lifted,
    # a lift requested under a profile that has since dropped the lift approval (issue 20): the service
    # allows it only when the warning's lift chain is empty or complete
    (Status.lift_pending, Event.lift): Status.lifted,
    # not going out after all (the weather turned, drafted twice …): kept, audited, off every queue and handover
    (Status.draft, Event.withdraw): Status.withdrawn,
    (Status.returned, Event.withdraw): Status.withdrawn,
    (Status.pending, Event.withdraw): Status.withdrawn,
    (Status.approved, Event.withdraw): Status.withdrawn,
}

_EVENT_LABELS = {
    Event.submit: ("提交审批", "submit"), Event.edit: ("修改", "edit"), Event.approve: ("审批", "approve"),
    Event.reject: ("不予批准", "reject"), Event.return_: ("退回修改", "return"), Event.issue: ("发布", "issue"),
    Event.supersede: ("调整", "supersede"), Event.request_lift: ("申请解除", "request a lift"),
    Event.lift: ("解除", "lift"), Event.withdraw: ("撤销", "withdraw"),
}


def transition(status: Status | str, event: Event) -> Status:
    """The status after `event`, or TransitionError naming the state and the refused action."""
    current = Status(status)
    after = _TRANSITIONS.get((current, event))
    if after is None:
        zh_state, en_state = STATUS_LABELS[current]
        zh_ev, en_ev = _EVENT_LABELS[event]
        raise TransitionError(f"预警当前为“{zh_state}”，不能{zh_ev}", f"cannot {en_ev} a warning that is {en_state.lower()}")
    return after


def settle(status: Status, chain_complete: bool) -> Status:
    """After a decision: a chain whose every step is approved moves the warning on by itself."""
    if chain_complete and status == Status.pending:
        return Status.approved
    if chain_complete and status == Status.lift_pending:
        return Status.lift_approved
    return status


# ---------------------------------------------------------------- chains


def policy_for(profile: Profile, colour: Colour | str, category: Category | str | None) -> ColourPolicy:
    return colour_policy(profile, Colour(colour), Category(category) if category else None)


def approval_chain(profile: Profile, colour: Colour | str, category: Category | str | None,
                   *, adjustment: bool = False) -> tuple[ApprovalStep, ...]:
    """The ordered steps a warning needs before it may be issued (see the module docstring for adjustments)."""
    policy = policy_for(profile, colour, category)
    before, steps = list(policy.preconditions), list(policy.steps)
    if not adjustment:
        return tuple(before + steps)
    adjust = adjustment_policy(profile, category)
    extra = [ApprovalStep(role=adjust.by, kind="sign_off", label=adjust.by_label, basis=adjust.basis),
             *adjust.steps]
    seen = {s.role for s in steps}
    first_external = next((i for i, s in enumerate(steps) if s.kind == "external_decision"), len(steps))
    added = []
    for step in extra:
        if step.role not in seen:
            seen.add(step.role)
            added.append(step)
    return tuple(before + steps[:first_external] + added + steps[first_external:])


def lift_chain(profile: Profile, colour: Colour | str, category: Category | str | None) -> tuple[ApprovalStep, ...]:
    """The steps a lift needs: the colour's own chain where the plan puts 解除 after approval, else none.

    The preconditions (an expert assessment before a *proposal*) are not asked again to lift."""
    policy = policy_for(profile, colour, category)
    return tuple(policy.steps) if policy.lift_needs_approval else ()


def next_step(chain_length: int, approved_steps: Iterable[int]) -> int | None:
    """The 1-based step that must be decided next, or None when every step is approved.

    Steps are approved in order only, so the approved set must be 1..k; anything else is a bug
    upstream and is refused rather than guessed around.
    """
    done = sorted(approved_steps)
    if done != list(range(1, len(done) + 1)):
        raise TransitionError("审批记录顺序错乱", f"approvals out of order: {done}")
    return len(done) + 1 if len(done) < chain_length else None


# ---------------------------------------------------------------- content


# What an approval approves (Warning columns). Issue time and channels are chosen at issue, after approval.
CONTENT_FIELDS: tuple[str, ...] = (
    "origin", "source_org", "category", "event_type", "colour", "title", "start_at", "expected_duration",
    "area", "cautions", "measures_text", "issuing_unit", "situation", "public_advice", "hotline", "previous_id",
)


def _hashable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="seconds")
    return value


def content_hash(content: Mapping[str, Any]) -> str:
    """sha256 over the content fields in canonical JSON: the exact text an approver saw."""
    canonical = {f: _hashable(content.get(f)) for f in CONTENT_FIELDS}
    payload = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def lift_hash(issued_content_hash: str) -> str:
    """What lift approvals are tied to: the issued content, marked as a lift of it."""
    return hashlib.sha256(f"lift|{issued_content_hash}".encode()).hexdigest()


# The plans' content-field labels (profile warnings.content_fields) → Warning columns.
# 发布时间 is set when the warning is issued, so it is never asked of the drafter.
FIELD_COLUMNS: dict[str, str | None] = {
    "类别": "category", "预警级别": "colour", "起始时间": "start_at", "预计持续时间": "expected_duration",
    "可能影响范围": "area", "警示事项": "cautions", "应采取的措施": "measures_text", "发布单位": "issuing_unit",
    "发布机关": "issuing_unit", "发布时间": None, "事态发展": "situation", "公众预警响应建议": "public_advice",
    "咨询电话": "hotline",
}
# The public-health additions, required for a public-health warning in every profile (issue 4).
PUBLIC_HEALTH_FIELDS: tuple[str, ...] = ("事态发展", "公众预警响应建议", "咨询电话")


def required_fields(profile: Profile, category: Category | str) -> list[tuple[str, str]]:
    """(column, plan label) pairs a warning must fill before it is submitted, in the plan's order."""
    category = Category(category)
    labels = list(profile.warnings.category_content_fields.get(category) or profile.warnings.content_fields)
    if category == Category.public_health:
        labels += [f for f in PUBLIC_HEALTH_FIELDS if f not in labels]
    out: list[tuple[str, str]] = []
    for label in labels:
        column = FIELD_COLUMNS.get(label)
        if column and column not in {c for c, _ in out}:
            out.append((column, label))
    return out


# ---------------------------------------------------------------- expected duration and end time

# The schema has one text column for 预计持续时间; an end time, when given, is kept in it in this exact
# form so it can be read back (CAP <expires>, the form) without guessing at free text.
_END_MARK = re.compile(r"（至(\d{4}-\d{2}-\d{2} \d{2}:\d{2})）$")


def compose_duration(text: str | None, ends_at: dt.datetime | None) -> str | None:
    text = (text or "").strip()
    if ends_at is None:
        return text or None
    mark = f"（至{ends_at.astimezone(BEIJING):%Y-%m-%d %H:%M}）"
    return f"{text}{mark}"


def split_duration(stored: str | None) -> tuple[str | None, dt.datetime | None]:
    """(free text, end time) back from what compose_duration stored."""
    if not stored:
        return None, None
    match = _END_MARK.search(stored)
    if not match:
        return stored, None
    ends_at = dt.datetime.strptime(match.group(1), "%Y-%m-%d %H:%M").replace(tzinfo=BEIJING)
    return (stored[: match.start()] or None), ends_at
