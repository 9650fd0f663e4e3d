"""The schema of a jurisdiction rule profile (docs/ARCHITECTURE.md section 1).

A profile is a YAML file in resources/profiles/. Every number or authority comes from the
jurisdiction's plan and cites its clause (`basis`) and, where useful, the seed line
(`source_line`, e.g. "D:L495"). Where the plan gives no number the value is null: the app then
shows the plan's own wording ("立即", "及时") instead of inventing a minute count, and the clock's
`bound` says when an unsent report escalates all the same (see Bound).

Unknown keys are errors (extra="forbid") so a typo in a profile fails loudly at load.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, PositiveInt, model_validator

from .vocabulary import Category, Colour, Flag, Grade, Role

NonEmptyStr = Annotated[str, Field(min_length=1)]
Units = Annotated[list[NonEmptyStr], Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


# ---------------------------------------------------------------- reporting clocks


class Trigger(_Strict):
    """When a clock applies: the confirmed grade is one of `grades`, OR any of `flags` is set.

    `requires_ongoing` narrows it to incidents still being handled (续报 "仍在处置中").
    An empty trigger (no grades, no flags) applies to every incident.
    """

    grades: list[Grade] = []
    flags: list[Flag] = []
    requires_ongoing: bool = False
    categories: list[Category] = []  # empty = every category


class Bound(_Strict):
    """The escalation bound of a clock the plan words without a number ("立即", "及时", "同时").

    The wording stays the plan's; the bound only says when the duty room must escalate an unsent
    report. Either the same plan supplies it (`clock`: the id of one of this profile's numeric clocks,
    whose minutes and anchor are taken, with `basis` citing the clause that makes it the outer limit,
    e.g. Dongcheng 4.1.5 "最迟不晚于接报后10分钟" for 4.1.4 "立即"), or the plan has none and the
    district's own setting applies (`district_setting: true`), which the app shows as 本区设定.
    """

    clock: NonEmptyStr | None = None
    district_setting: bool = False
    basis: NonEmptyStr | None = None  # the clause that supplies the bound (required with `clock`)
    source_line: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Bound:
        if (self.clock is None) == (not self.district_setting):
            raise ValueError("bound needs exactly one of `clock` (the plan's) or `district_setting: true`")
        if self.clock is not None and self.basis is None:
            raise ValueError("a bound taken from the plan must cite its clause (basis)")
        return self


class Clock(_Strict):
    id: NonEmptyStr
    # notice = 通报/信息发布: informing a named unit or the public (municipal 4.7.1 信息发布; Tongzhou/Pinggu
    # 区应急办 informs 区委宣传部), owed by the units in `by`, met like a first report by recording it sent.
    kind: Literal["verbal", "written", "followup", "final", "notice"]
    # received_at = 接报后 / on knowledge; occurred_at = 事件发生后; previous_report = 续报 interval;
    # handling_ended = after 处置结束 (final report)
    anchor: Literal["received_at", "occurred_at", "previous_report", "handling_ended"]
    minutes: NonNegativeInt | None  # null: the plan gives no number
    wording: NonEmptyStr  # the plan's own time words, e.g. "立即", "接报后10分钟内", "每隔30分钟"
    trigger: Trigger
    to: Units
    cc: list[NonEmptyStr] = []  # 同时通报
    by: list[NonEmptyStr] = []  # who owes it, where the plan names someone other than the duty room (4.7.1 区政府)
    basis: NonEmptyStr  # plan clause, e.g. "4.1.5"
    source_line: str | None = None
    note: str | None = None
    bound: Bound | None = None  # required where minutes is null: "立即" must never be silent
    # A report to the city outside the `city` route (Dongcheng 4.1.6: foreign-related events go to 市应急办
    # whatever the grade), and whether a leader must consent before it is sent.
    to_city: bool = False
    leader_review: bool = False
    # A clock from a later plan than the profile's own (Pinggu's public-health plan, issued after the general
    # plan): it applies to incidents received on or after this date.
    in_force_from: dt.date | None = None
    reviewer_roles: list[Role] = []

    @model_validator(mode="after")
    def _bound_where_no_number(self) -> Clock:
        if self.leader_review and not self.reviewer_roles:
            raise ValueError(f"clock {self.id}: leader_review is true but reviewer_roles is empty")
        if self.minutes is None and self.bound is None:
            raise ValueError(f"clock {self.id}: minutes is null, so it needs a bound (the plan's clause or district_setting)")
        if self.minutes is not None and self.bound is not None:
            raise ValueError(f"clock {self.id}: has minutes, so it takes no bound")
        return self


class CityReport(_Strict):
    """Whether (and how) the district reports up to the city."""

    trigger: Trigger
    to: Units
    leader_review: bool  # a district leader must review/approve what goes to the city
    reviewer_roles: list[Role] = []
    basis: NonEmptyStr
    source_line: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _reviewers_when_review(self) -> CityReport:
        if self.leader_review and not self.reviewer_roles:
            raise ValueError("leader_review is true but reviewer_roles is empty")
        return self


class Reporting(_Strict):
    clocks: Annotated[list[Clock], Field(min_length=1)]
    city: CityReport | None = None
    required_content: Units  # 4.1.8: 时间、地点、信息来源、事件性质、危害程度、发展趋势、已采取的措施
    followup_content: list[NonEmptyStr] = []
    basis: NonEmptyStr
    note: str | None = None

    @model_validator(mode="after")
    def _unique_ids(self) -> Reporting:
        ids = [c.id for c in self.clocks]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"duplicate clock ids: {sorted(dup)}")
        minutes = {c.id: c.minutes for c in self.clocks}
        for c in self.clocks:
            ref = c.bound.clock if c.bound else None
            if ref is not None and minutes.get(ref) is None:
                raise ValueError(f"clock {c.id}: bound.clock {ref} is not a clock of this profile with minutes")
        return self


# ---------------------------------------------------------------- warnings


class ApprovalStep(_Strict):
    role: Role
    kind: Literal["sign_off", "external_decision"]
    label: NonEmptyStr  # who, in the plan's words: "分管区领导批准", "市应急办批准"
    basis: NonEmptyStr
    source_line: str | None = None


class Measure(_Strict):
    id: NonEmptyStr
    text: NonEmptyStr
    basis: NonEmptyStr


class ColourPolicy(_Strict):
    proposer: Role | None = None
    proposer_label: str | None = None
    steps: list[ApprovalStep] = []  # in order; empty = the issuer decides alone
    issuer: Role
    issuer_label: NonEmptyStr
    lifted_by: Role
    lift_needs_approval: bool = False
    filed_with: list[NonEmptyStr] = []
    measures: list[Measure] = []  # the checklist for this colour (includes inherited lower ones)
    # Done by others before the proposal (PH: 市指挥部办公室's expert risk assessment): recorded by hand as the
    # first steps of the issue chain, never of a lift.
    preconditions: list[ApprovalStep] = []
    basis: NonEmptyStr
    note: str | None = None

    @model_validator(mode="after")
    def _roles_sane(self) -> ColourPolicy:
        from .vocabulary import EXTERNAL_ROLES

        for step in [*self.preconditions, *self.steps]:
            if step.kind == "sign_off" and step.role in EXTERNAL_ROLES:
                raise ValueError(f"role {step.role.value} is external: its step must be external_decision")
        return self


class Adjustment(_Strict):
    by: Role
    by_label: NonEmptyStr
    steps: list[ApprovalStep] = []
    filed_with: list[NonEmptyStr] = []
    basis: NonEmptyStr


class OtherAreaNotice(_Strict):
    colours: Annotated[list[Colour], Field(min_length=1)]
    to: Units
    wording: NonEmptyStr
    by: NonEmptyStr
    basis: NonEmptyStr
    source_line: str | None = None


class WarningPolicy(_Strict):
    levels: dict[Colour, ColourPolicy]
    # A category whose plan sets its own chain (Pinggu's public-health plan) overrides per colour.
    category_overrides: dict[Category, dict[Colour, ColourPolicy]] = {}
    adjust: Adjustment
    # A category whose plan names its own approval for an adjustment (Pinggu 公卫预案3.2.2(5)).
    category_adjust: dict[Category, Adjustment] = {}
    channels: Units
    targeted_groups: list[NonEmptyStr] = []
    content_fields: Units
    category_content_fields: dict[Category, list[NonEmptyStr]] = {}
    # The colour a category's plan links to the grade expected (Pinggu 公卫预案3.2.1: 预计将发生一般 → 蓝色 …).
    category_colour_for_grade: dict[Category, dict[Grade, Colour]] = {}
    category_colour_basis: dict[Category, NonEmptyStr] = {}
    # Orange/red warnings that may affect areas outside the jurisdiction: whom to inform (municipal 3.2.3(3),
    # Tongzhou 3.2.3(3), 3.2.9 京津冀 联合预警).
    other_areas: list[OtherAreaNotice] = []
    basis: NonEmptyStr
    note: str | None = None

    @model_validator(mode="after")
    def _all_colours(self) -> WarningPolicy:
        missing = [c.value for c in Colour if c not in self.levels]
        if missing:
            raise ValueError(f"warning levels missing colours: {missing}")
        return self


# ---------------------------------------------------------------- response levels


class ResponseLevel(_Strict):
    key: NonEmptyStr  # "I", "II", "III", "IV"
    name: NonEmptyStr  # 一级 …
    rank: PositiveInt  # 1 = highest
    condition: NonEmptyStr
    default_grades: list[Grade] = []  # grades that point to this level at first judgment
    activated_by: NonEmptyStr
    activated_by_role: Role | None = None
    commander: NonEmptyStr
    executive_commander: str | None = None
    ended_by: NonEmptyStr
    basis: NonEmptyStr
    source_line: str | None = None
    # Conditions that point to this level whatever the grade (Dongcheng 4.3.2: 突出情况 → 三级响应).
    default_flags: list[Flag] = []


class ResponseStepRule(_Strict):
    """A step of the response the plan names and the duty room records (issue 20 escalation steps): who named the
    lead unit of an unknown-grade event, a 扩大响应 or 紧急状态 request, the expert assessment before ending a
    public-health response, the 区应急委's approval to end an ordinary event's response, 区人大常委会 filing.

    `before_end`: the response cannot be ended until this step is recorded (for incidents the trigger matches)."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,7}$")]  # stored in response_activation.level_key
    label: NonEmptyStr
    by: NonEmptyStr  # who decides or whom it goes to, in the plan's words
    trigger: Trigger = Trigger()
    before_end: bool = False
    basis: NonEmptyStr
    source_line: str | None = None
    note: str | None = None


class ResponsePolicy(_Strict):
    levels: Annotated[list[ResponseLevel], Field(min_length=3, max_length=4)]
    steps: list[ResponseStepRule] = []
    raise_if: list[NonEmptyStr] = []
    category_overrides: dict[Category, Annotated[list[ResponseLevel], Field(min_length=3, max_length=4)]] = {}
    basis: NonEmptyStr
    note: str | None = None

    @model_validator(mode="after")
    def _ranks(self) -> ResponsePolicy:
        for name, levels in [("levels", self.levels), *self.category_overrides.items()]:
            ranks = sorted(lv.rank for lv in levels)
            if ranks != list(range(1, len(levels) + 1)):
                raise ValueError(f"response {name}: ranks must be 1..{len(levels)}, got {ranks}")
        return self


# ---------------------------------------------------------------- tables


class LeadRow(_Strict):
    no: PositiveInt
    category: Category
    event_type: NonEmptyStr  # exact source text
    lead_units: Units  # ordered as in the source
    participants: list[NonEmptyStr] = []
    basis: NonEmptyStr
    source_line: str | None = None
    note: str | None = None


PlanType = Literal[
    "general", "special", "departmental", "support", "catastrophe", "street", "community",
    "unit", "major_event", "joint",
]


class CataloguePlan(_Strict):
    no: PositiveInt
    name: NonEmptyStr
    plan_type: PlanType
    category: Category | None = None  # None for support/catastrophe plans spanning categories
    drafting_units: Units
    basis: NonEmptyStr
    source_line: str | None = None
    note: str | None = None


class PlanManagement(_Strict):
    filing_deadline_working_days: PositiveInt | None
    disclosure_deadline_working_days: PositiveInt | None = None
    drill_cycle_years: dict[str, PositiveInt | None]  # plan type (or "district"/"street") → years
    evaluation_cycle_years: PositiveInt | None
    filing_targets: dict[str, list[NonEmptyStr]] = {}
    revision_triggers: list[NonEmptyStr] = []
    minor_revision_scope: list[NonEmptyStr] = []  # 简化程序: contact/resource lists only
    basis: dict[str, NonEmptyStr]  # item → clause
    note: str | None = None


class Source(_Strict):
    title: NonEmptyStr
    doc_no: str | None = None
    issued: dt.date | None = None
    seed: NonEmptyStr  # file name in shared/seeds


class PendingItem(_Strict):
    """What the municipal plan leaves to a district whose own general plan is not among the sources: shown as
    待本区预案确认 with the default the template assumes, until an administrator records the district's value."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_.-]*$")]
    what: NonEmptyStr  # the question, e.g. "区级橙色预警由谁批准"
    assumed: NonEmptyStr  # what the template uses meanwhile
    basis: NonEmptyStr  # the municipal clause that leaves it to the district


class Profile(_Strict):
    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    name: NonEmptyStr  # 北京市 / 东城区
    level: Literal["city", "district"]
    # GB/T 2260 administrative division code (6 digits, e.g. 110101 东城区): CAP <geocode>. Data with its source
    # in the profile; None where the profile does not give it.
    division_code: Annotated[str, Field(pattern=r"^\d{6}$")] | None = None
    version: NonEmptyStr
    effective_from: dt.date
    source: Source
    # Sections taken whole from another profile (Shijingshan takes the municipal clocks).
    inherits: dict[Literal["reporting", "warnings", "response", "lead_departments", "plan_catalogue"], str] = {}
    role_titles: dict[Role, NonEmptyStr] = {}  # what each role is called here, e.g. committee_director: 区长
    places: list[NonEmptyStr] = []  # streets / towns for the intake wizard
    grading: list[Literal["accident_decree_493", "public_health_pinggu"]] = []
    reporting: Reporting
    warnings: WarningPolicy
    response: ResponsePolicy
    lead_departments: Annotated[list[LeadRow], Field(min_length=1)]
    plan_catalogue: list[CataloguePlan] = []
    plan_management: PlanManagement
    # A district with no general plan of its own, modelled under the municipal plan (`under: beijing`): what the
    # municipal plan leaves to the district, marked 待本区预案确认 (domain/district_template.py).
    under: str | None = None
    pending: list[PendingItem] = []
    notes: list[NonEmptyStr] = []

    @model_validator(mode="after")
    def _numbering(self) -> Profile:
        for name, rows in (("lead_departments", self.lead_departments), ("plan_catalogue", self.plan_catalogue)):
            nos = [r.no for r in rows]
            if len(set(nos)) != len(nos):
                raise ValueError(f"{name}: duplicate row numbers")
        return self
