"""The permission policy: which roles may take which action, in which states.

One table for the whole app (services enforce it; the UI only hides what would be refused).
Approval steps are special: a step can be signed only by a user holding that step's role
(`can_sign`), and never by the author of the draft (checked by the warning service).
An administrator holds no approval power unless they also hold the approving role.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .vocabulary import EXTERNAL_ROLES, Role

R = Role
_DESK = frozenset({R.duty_officer, R.shift_leader, R.office_director})  # the duty room itself
_LEADERS = frozenset({R.shift_leader, R.office_director, R.leader_in_charge, R.committee_director})


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    states: frozenset[str] | None = None  # None: any state of the object
    zh: str = ""
    en: str = ""


POLICY: dict[str, Rule] = {
    # incidents
    "incident.create": Rule(_DESK, None, "登记接报", "register an incident"),
    "incident.edit": Rule(_DESK, frozenset({"draft", "open"}), "修改事件信息", "edit an incident"),
    "incident.confirm_grade": Rule(_DESK, frozenset({"draft", "open"}), "确认事件等级", "confirm the grade"),
    "incident.report.send": Rule(_DESK, frozenset({"open"}), "报送信息", "send a report"),
    "incident.report.review": Rule(_LEADERS, frozenset({"open"}), "审核报市信息", "review a report to the city"),
    "incident.log.add": Rule(_DESK | _LEADERS, frozenset({"draft", "open"}), "记录事件日志", "add a log entry"),
    "incident.log.strike": Rule(_DESK, frozenset({"draft", "open"}), "划除日志条目", "strike a log entry"),
    "incident.close": Rule(frozenset({R.shift_leader, R.office_director}), frozenset({"open"}), "结束事件",
                           "close an incident"),
    # warnings (sign-off of a step: can_sign)
    "warning.draft": Rule(frozenset({R.department, R.office_director, R.duty_officer}), None, "起草预警",
                          "draft a warning"),
    "warning.edit": Rule(frozenset({R.department, R.office_director, R.duty_officer}),
                         frozenset({"draft", "pending", "approved", "returned"}), "修改预警", "edit a warning"),
    "warning.submit": Rule(frozenset({R.department, R.office_director, R.duty_officer}),
                           frozenset({"draft", "returned"}), "提交审批", "submit for approval"),
    "warning.record_external": Rule(_DESK, frozenset({"pending"}), "登记上级决定", "record an external decision"),
    "warning.measure.tick": Rule(_DESK | frozenset({R.department}), frozenset({"issued"}), "勾选响应措施",
                                 "tick a response measure"),
    # responses
    "response.record": Rule(_DESK, None, "登记应急响应", "record a response level"),
    # administration
    "user.manage": Rule(frozenset({R.admin}), None, "管理用户", "manage users"),
    "profile.edit": Rule(frozenset({R.admin}), None, "修改规则配置", "edit a rule profile"),
    "backup.run": Rule(frozenset({R.admin, R.shift_leader, R.office_director}), None, "备份数据", "back up"),
    "backup.restore": Rule(frozenset({R.admin}), None, "恢复备份", "restore a backup"),
    "audit.view": Rule(frozenset({R.admin}), None, "查看审计日志", "view the audit trail"),
}


def _roles(roles: Iterable[str | Role]) -> set[Role]:
    out = set()
    for r in roles:
        try:
            out.add(Role(r))
        except ValueError:
            continue
    return out


def allowed(roles: Iterable[str | Role], action: str, state: str | None = None) -> bool:
    rule = POLICY[action]
    if state is not None and rule.states is not None and state not in rule.states:
        return False
    return bool(_roles(roles) & rule.roles)


def can_sign(roles: Iterable[str | Role], step_role: Role | str) -> bool:
    """An in-app sign-off needs the step's own role; external roles are never signed in the app."""
    step = Role(step_role)
    return step not in EXTERNAL_ROLES and step in _roles(roles)


def can_act_as(roles: Iterable[str | Role], role: Role | str) -> bool:
    """Issuing or lifting as the profile's issuer role (e.g. department, office_director)."""
    return Role(role) in _roles(roles)
