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
    "warning.withdraw": Rule(frozenset({R.department, R.office_director, R.duty_officer}),
                             frozenset({"draft", "pending", "approved", "returned"}), "撤销预警", "withdraw a warning"),
    "warning.record_external": Rule(_DESK, frozenset({"pending"}), "登记上级决定", "record an external decision"),
    "warning.measure.tick": Rule(_DESK | frozenset({R.department}), frozenset({"issued"}), "勾选响应措施",
                                 "tick a response measure"),
    # responses
    "response.record": Rule(_DESK, None, "登记应急响应", "record a response level"),
    # contacts directory (everyone signed in looks numbers up; the duty room keeps the directory)
    "contacts.view": Rule(_DESK | _LEADERS | frozenset({R.department, R.admin}), None, "查看通讯录",
                          "view the contacts directory"),
    "contacts.edit": Rule(_DESK | frozenset({R.admin}), None, "修改通讯录", "edit the contacts directory"),
    "contacts.appoint": Rule(_DESK | frozenset({R.admin}), None, "办理任职和离任", "record appointments"),
    "contacts.import": Rule(frozenset({R.shift_leader, R.office_director, R.admin}), None, "导入通讯录",
                            "import contacts"),
    "contacts.export": Rule(_DESK | _LEADERS | frozenset({R.admin}), None, "导出通讯录", "export contacts"),
    # roster, duty log and handover (issue 6)
    "roster.view": Rule(_DESK | _LEADERS | frozenset({R.admin}), None, "查看排班表", "view the roster"),
    "roster.edit": Rule(frozenset({R.shift_leader, R.office_director}), None, "编排和调整排班",
                        "make or change the roster"),
    "roster.swap": Rule(_DESK, None, "登记换班", "record a shift swap"),
    "duty_log.view": Rule(_DESK | _LEADERS | frozenset({R.admin}), None, "查看值班日志", "view the duty log"),
    "duty_log.add": Rule(_DESK | _LEADERS, None, "记录值班日志", "add to the duty log"),
    "duty_log.strike": Rule(_DESK, None, "划除值班日志条目", "strike a duty log entry"),
    "handover.sign_out": Rule(_DESK, frozenset({"draft"}), "签名交班", "sign out at handover"),
    "handover.sign_in": Rule(_DESK, frozenset({"signed_out"}), "签名接班", "sign in at handover"),
    # reliability: system maintenance settings (idle lock minutes, backup schedule)
    "maintenance.settings": Rule(frozenset({R.admin}), None, "修改系统维护设置", "change the maintenance settings"),
    # plans and the lead-department table (石景山区应急预案管理办法: the duty room keeps the library;
    # drafting units and the office record the lifecycle steps; the office maintains the 处置分工 table)
    "plan.view": Rule(_DESK | _LEADERS | frozenset({R.department, R.admin}), None, "查看预案库",
                      "view the plan library"),
    "plan.manage": Rule(frozenset({R.office_director, R.admin}), None, "维护预案库", "maintain the plan library"),
    "plan.document.import": Rule(_DESK | frozenset({R.department, R.admin}), None, "导入预案文件",
                                 "import plan documents"),
    "plan.step.record": Rule(frozenset({R.shift_leader, R.office_director, R.department}),
                             frozenset({"drafting", "consultation", "review", "pending_approval", "approved",
                                        "issued", "revision_required"}), "登记预案管理环节",
                             "record a plan lifecycle step"),
    "lead_table.edit": Rule(frozenset({R.office_director, R.admin}), None, "修改处置分工表",
                            "edit the lead-department table"),
    # reports (issue 7)
    "statistics.view": Rule(_DESK | _LEADERS | frozenset({R.admin}), None, "查看统计报表", "view the statistics"),
    "report.print": Rule(_DESK | _LEADERS | frozenset({R.department, R.admin}), None, "打印/导出公文报表",
                         "print or export official reports"),
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
