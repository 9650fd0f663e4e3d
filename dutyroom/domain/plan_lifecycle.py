"""The life of a contingency plan (预案全生命周期), after Shijingshan's plan-management measures (2025).

A plan version moves through states; each step is recorded (who, when, supporting document):

    drafting ──(风险评估 + 资源调查 done)── consultation ──► review steps (专项 only) ──► pending_approval
        ▲                                                                                   │
        └──────────────── returned (退回修改, from any review step or from approval) ◄──────┤
                                                                                           ▼
    superseded ◄── (a newer version issued) ── issued (in force) ◄── approved ◄────────────┘
                                                  │  filing ≤ N working days, disclosure ≤ N working days,
                                                  │  drills every N years, evaluation every N years
                                                  ├── revision_required (第四十二条 triggers)
                                                  │      ├─ full revision: a new version starts at drafting
                                                  │      └─ simplified revision (资源目录/通讯录 only): a new
                                                  │         version issued at once (第四十三条)

Clauses (石景山区突发事件应急预案管理办法, 2025):
- 第十三条: drafting rests on 风险评估, 资源调查, 案例分析 (the first two are required here before the draft
  goes out for comments; 案例分析 is recorded when done).
- 第二十三条: consultation (书面征求意见 where other units' duties are involved).
- 第二十七条(一): a 区级专项 plan goes through 专家评审 → 征求区委编办意见 → 合法性审核 → 衔接性审核
  → "三重一大" 集体决策 → 指挥机构主要负责同志审阅, then approval.
- 第二十六条-第二十九条: who approves, by plan type (APPROVERS).
- 第三十条/第三十五条: issued, in force from the issue date.
- 第三十一条: filing by the approving unit within 20 working days of issue; 第三十三条: disclosure too.
- 第三十八条: drills every 3 years at least (专项, 部门); 第四十一条: evaluation every 3 years in principle
  (government and department plans).
- 第四十二条: revision triggers; 第四十三条: full revision for command/procedure/measures/grading changes,
  simplified for resource directories and contact lists.

The cadences come from the profile's plan_management section; this module holds only the rules.
Decisions where the measures are silent: a drill or evaluation cycle runs from the issue date until
the first one is recorded; a simplified revision creates a new issued version and a new filing
obligation (the filed text must be the one in force); 街道 plans are approved by the street office's
principal head (the measures name no approver, the profile may say otherwise later).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .profile_schema import PlanManagement
from .workdays import Calendar

# ---------------------------------------------------------------- states and steps

STATES: dict[str, tuple[str, str]] = {
    "drafting": ("编制中", "drafting"),
    "consultation": ("征求意见", "consultation"),
    "review": ("审核中", "under review"),
    "pending_approval": ("报批", "submitted for approval"),
    "approved": ("已批准", "approved"),
    "issued": ("已印发实施", "issued, in force"),
    "revision_required": ("待修订", "revision required"),
    "superseded": ("已废止", "superseded"),
}

# step kind → (中文, English, clause)
STEPS: dict[str, tuple[str, str, str]] = {
    "start_drafting": ("启动编制（成立编制工作小组）", "start drafting (working group)", "第十四条"),
    "risk_assessment": ("风险评估", "risk assessment", "第十三条"),
    "resource_survey": ("资源调查", "resource survey", "第十三条"),
    "case_analysis": ("案例分析", "case analysis", "第十三条"),
    "consultation": ("征求意见", "consultation", "第二十三条"),
    "expert_review": ("专家评审", "expert review", "第二十七条"),
    "staffing_opinion": ("征求区委编办意见", "staffing office opinion", "第二十七条"),
    "legal_review": ("合法性审核", "legality review", "第二十七条"),
    "coord_review": ("衔接性审核", "coordination review", "第二十七条"),
    "collective_decision": ("“三重一大”集体决策", "collective decision", "第二十七条"),
    "commander_read": ("指挥机构主要负责同志审阅", "read by the command body's head", "第二十七条"),
    "submit_approval": ("报批", "submit for approval", "第二十四条"),
    "approval": ("批准", "approval", "第二十六条"),
    "returned": ("退回修改", "returned for changes", "第二十五条"),
    "issue": ("印发", "issue", "第三十条"),
    "filing": ("备案", "filing", "第三十一条"),
    "disclosure": ("公开", "publication", "第三十三条"),
    "drill": ("演练", "drill", "第三十八条"),
    "evaluation": ("评估", "evaluation", "第四十一条"),
    "revision_required": ("提出修订", "revision required", "第四十二条"),
    "full_revision": ("全面修订（重新编制）", "full revision", "第四十三条"),
    "minor_revision": ("简化修订", "simplified revision", "第四十三条"),
}

# 第二十七条(一): the reviews a 区级专项 plan passes, in order, before it is submitted.
SPECIAL_REVIEWS = ("expert_review", "staffing_opinion", "legal_review", "coord_review", "collective_decision",
                   "commander_read")
SPECIAL_TYPES = frozenset({"special", "support", "catastrophe", "joint"})  # 联合 is managed like 专项 (第九条)
PREREQUISITES = ("risk_assessment", "resource_survey")  # 第十三条 (案例分析 recorded when done)

# 第四十三条: content whose change needs the full procedure; and what a simplified revision may touch.
MAJOR_CONTENT = ("组织指挥体系与职责", "应急处置程序", "主要处置措施", "突发事件分级标准")

# 第四十一条 applies to 区政府及其有关部门应急预案: government and department plans.
EVALUATED_TYPES = frozenset({"general", "special", "support", "catastrophe", "departmental", "street", "joint",
                             "major_event"})

PLAN_TYPE_LABELS: dict[str, tuple[str, str]] = {
    "general": ("总体应急预案", "general plan"),
    "special": ("专项应急预案", "special plan"),
    "departmental": ("部门应急预案", "department plan"),
    "support": ("保障类专项应急预案", "support plan"),
    "catastrophe": ("巨灾应急预案", "catastrophe plan"),
    "street": ("街道（乡镇）应急预案", "street/township plan"),
    "community": ("社区（村）应急预案", "community plan"),
    "unit": ("单位应急预案", "unit plan"),
    "major_event": ("重大活动保障应急预案", "major-event plan"),
    "joint": ("联合应急预案", "joint plan"),
}


def approver(plan_type: str, category: str | None) -> tuple[str, str]:
    """Who approves a plan of this type (第二十六条-第二十九条): (authority, clause)."""
    if plan_type == "general":
        return "区委、区政府", "第二十六条"
    if plan_type in SPECIAL_TYPES - {"joint"}:
        if category == "social":
            return "区委领导机制或指挥机构（必要时提请区委会议审议）", "第二十七条（二）"
        return "区政府（经区应急管理部门报请，必要时提请区政府会议审议）", "第二十七条（一）"
    if plan_type == "joint":
        return "所涉政府或其授权的有关部门协商确定", "第二十七条"
    if plan_type == "major_event":
        return "区政府或有关部门", "第二十七条"
    if plan_type == "departmental":
        return "部门或指挥机构主要负责同志", "第二十八条"
    if plan_type in ("unit", "community"):
        return "单位或基层组织主要负责人签发", "第二十九条"
    return "街道办事处主要负责同志（办法未规定，可由配置调整）", "—"


def required_reviews(plan_type: str) -> tuple[str, ...]:
    return SPECIAL_REVIEWS if plan_type in SPECIAL_TYPES else ()


class LifecycleError(ValueError):
    """A step that the rules do not allow now: Chinese and English text."""

    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en
        super().__init__(zh)


@dataclass(frozen=True)
class StepRecord:
    kind: str
    on: dt.date


@dataclass(frozen=True)
class Transition:
    new_state: str  # the version's state after the step
    new_version: str | None = None  # "drafting" or "issued": the step opens a new version in that state


def _done(history: Iterable[StepRecord], kind: str) -> bool:
    return any(h.kind == kind for h in history)


def _since_return(history: Sequence[StepRecord]) -> list[StepRecord]:
    """Steps after the last 退回修改: reviews must be done again on the corrected draft."""
    last = max((i for i, h in enumerate(history) if h.kind == "returned"), default=-1)
    return list(history[last + 1:])


def _label(kind: str) -> str:
    return STEPS[kind][0]


def next_steps(plan_type: str, state: str, history: Sequence[StepRecord]) -> tuple[str, ...]:
    """The steps allowed now, in the order a user would take them."""
    out = []
    for kind in STEPS:
        try:
            apply_step(plan_type, state, history, kind)
        except LifecycleError:
            continue
        out.append(kind)
    return tuple(out)


def apply_step(plan_type: str, state: str, history: Sequence[StepRecord], kind: str,
               changes: Sequence[str] = ()) -> Transition:
    """Check one step against the version's state and the steps done on it; return the new state.

    `history` holds the steps already recorded on this version, oldest first. `changes` is what a
    revision changes (第四十三条): any MAJOR_CONTENT needs the full procedure.
    """
    if kind not in STEPS:
        raise LifecycleError(f"未知的预案管理环节：{kind}", f"unknown lifecycle step: {kind}")
    recent = _since_return(history)

    def refuse(zh: str, en: str):
        raise LifecycleError(f"{_label(kind)}：{zh}", f"{STEPS[kind][1]}: {en}")

    if state == "superseded":
        refuse("该版本已废止", "this version is superseded")
    if kind in ("risk_assessment", "resource_survey", "case_analysis", "start_drafting"):
        if state != "drafting":
            refuse("只能在编制阶段登记（第十三条）", "only while drafting (art. 13)")
        return Transition("drafting")
    if kind == "consultation":
        if state != "drafting":
            refuse("只能在编制阶段之后征求意见", "only after drafting")
        missing = [_label(k) for k in PREREQUISITES if not _done(history, k)]
        if missing:
            refuse(f"须先完成{'、'.join(missing)}（第十三条）", f"first record {', '.join(missing)} (art. 13)")
        return Transition("consultation")
    if kind in SPECIAL_REVIEWS:
        reviews = required_reviews(plan_type)
        if kind not in reviews:
            refuse("此类预案无此审核环节（第二十七条适用于区级专项预案）", "not a step for this plan type (art. 27)")
        if state not in ("consultation", "review"):
            refuse("须在征求意见之后进行", "comes after the consultation")
        idx = reviews.index(kind)
        pending = [_label(k) for k in reviews[:idx] if not _done(recent, k)]
        if pending:
            refuse(f"须先完成{'、'.join(pending)}（第二十七条规定的顺序）", "earlier reviews first (art. 27 order)")
        if _done(recent, kind):
            refuse("已完成", "already done")
        return Transition("review")
    if kind == "submit_approval":
        if state not in ("consultation", "review"):
            refuse("须在征求意见和审核之后报批", "comes after consultation and reviews")
        pending = [_label(k) for k in required_reviews(plan_type) if not _done(recent, k)]
        if pending:
            refuse(f"尚未完成{'、'.join(pending)}（第二十七条）", f"reviews outstanding (art. 27): {len(pending)}")
        return Transition("pending_approval")
    if kind == "returned":
        if state not in ("consultation", "review", "pending_approval"):
            refuse("只能退回征求意见、审核或报批中的稿件", "only a draft under consultation, review or approval")
        return Transition("drafting")
    if kind == "approval":
        if state != "pending_approval":
            refuse("须先报批", "submit it for approval first")
        return Transition("approved")
    if kind == "issue":
        if state != "approved":
            refuse("须经批准后印发（第三十条）", "approve it first (art. 30)")
        return Transition("issued")
    if kind in ("filing", "disclosure", "drill", "evaluation"):
        if state not in ("issued", "revision_required"):
            refuse("预案印发实施后才能登记", "only once the plan is issued")
        if kind in ("filing", "disclosure") and _done(history, kind):
            refuse("本版本已登记", "already recorded for this version")
        return Transition(state)
    if kind == "revision_required":
        if state != "issued":
            refuse("只能对实施中的预案提出修订", "only a plan in force")
        return Transition("revision_required")
    if kind == "full_revision":
        if state not in ("issued", "revision_required"):
            refuse("只能修订实施中的预案", "only a plan in force")
        return Transition(state, new_version="drafting")
    if kind == "minor_revision":
        if state not in ("issued", "revision_required"):
            refuse("只能修订实施中的预案", "only a plan in force")
        major = [c for c in changes if c in MAJOR_CONTENT]
        if major:
            refuse(f"涉及{'、'.join(major)}，须按编制、审批、发布程序全面修订（第四十三条）",
                   "touches command, procedures, measures or grading: full revision needed (art. 43)")
        if not changes:
            refuse("请注明修订内容（如资源目录、通讯录）", "say what changes (e.g. resource directory, contacts)")
        return Transition("issued", new_version="issued")
    raise LifecycleError(f"未知的预案管理环节：{kind}", f"unknown lifecycle step: {kind}")  # pragma: no cover


# ---------------------------------------------------------------- due dates


@dataclass(frozen=True)
class Obligation:
    kind: str  # filing | disclosure | drill | evaluation
    due_on: dt.date
    done_on: dt.date | None
    basis: str
    calendar_covered: bool = True  # False: the year is beyond the holiday calendar (Monday-Friday assumed)

    def state(self, today: dt.date) -> str:
        if self.done_on is not None:
            return "done"
        if today > self.due_on:
            return "overdue"
        return "due"

    def days_left(self, today: dt.date) -> int:
        return (self.due_on - today).days


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def drill_cycle(plan_type: str, management: PlanManagement) -> int | None:
    """Years between drills: the profile's own key for the type, else the special-plan cycle for the types the
    measures treat as special plans (第三十八条 "区专项应急预案…每3年至少进行一次演练"): 保障类 (第八条 专项 covers
    "应急保障等重要专项工作"), 巨灾 (第八条 "应对某一类型或某几类类型突发事件") and 联合 (第九条 "参照区级专项应急预案管理")."""
    years = management.drill_cycle_years.get(plan_type)
    if years is None and plan_type in SPECIAL_TYPES:
        years = management.drill_cycle_years.get("special")
    return years


def obligations(plan_type: str, issued_on: dt.date | None, history: Sequence[StepRecord],
                management: PlanManagement, calendar: Calendar) -> tuple[Obligation, ...]:
    """The dated duties of an issued version: filing, disclosure, the next drill and evaluation.

    `history` is this version's steps (filing, disclosure) plus the plan's drills and evaluations
    across versions (a drill under the old text still counts until the new one is issued). Without an
    issue date (plans taken over from the catalogue) only the cycles of recorded drills/evaluations run.
    """
    basis = management.basis
    out: list[Obligation] = []
    for kind, n in (("filing", management.filing_deadline_working_days),
                    ("disclosure", management.disclosure_deadline_working_days)):
        if n and issued_on is not None:
            due = calendar.add_workdays(issued_on, n)
            done = next((h.on for h in history if h.kind == kind), None)
            out.append(Obligation(kind, due, done, basis.get(kind, ""), calendar.is_covered(due)))
    cycles = (("drill", drill_cycle(plan_type, management)),
              ("evaluation", management.evaluation_cycle_years if plan_type in EVALUATED_TYPES else None))
    for kind, years in cycles:
        if not years:
            continue
        last = max((h.on for h in history if h.kind == kind), default=None)
        start = last or issued_on
        if start is None:  # a plan taken over from the catalogue with no issue date and no record yet
            continue
        out.append(Obligation(kind, add_years(start, years), None, basis.get(kind + "s", basis.get(kind, ""))))
    return tuple(out)
