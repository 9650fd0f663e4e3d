"""Permission matrix (issue 8): every action of the policy × every role, performed THROUGH the services.

For each action, ACTIONS holds a callable that performs it with real objects of a demo district. Each
role's user calls it: the service must refuse with PermissionDenied exactly when the policy
(domain/permissions.py) refuses; otherwise it may succeed or refuse for another reason (a UserError
that is not PermissionDenied, e.g. a validation message). STATE_CASES exercise actions in a state the
policy excludes. A POLICY action with neither an entry here nor a stated reason in PENDING fails the
coverage test, so a new action cannot slip past the matrix.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from dutyroom.domain.permissions import POLICY, allowed
from dutyroom.domain.profile_loader import load_profile
from dutyroom.domain.vocabulary import EXTERNAL_ROLES, Role
from dutyroom.services.actor import SYSTEM
from dutyroom.services.auth import AuthService
from dutyroom.services.errors import PermissionDenied, UserError
from dutyroom.store.models import EventType
from tests.helpers.databases import build_demo
from tests.helpers.incidents import intake

ROLES = [r.value for r in Role if r not in EXTERNAL_ROLES]
TODAY = dt.datetime.now(dt.UTC).date()


def _world(db):
    from dutyroom.services.audit_query import AuditQueryService
    from dutyroom.services.contacts import ContactsService, PersonInput
    from dutyroom.services.contacts_excel import ContactsExcel
    from dutyroom.services.duty_log import DutyLogService
    from dutyroom.services.handover import HandoverService
    from dutyroom.services.incident_log import IncidentLogService
    from dutyroom.services.incident_reports import ReportService
    from dutyroom.services.incidents import IncidentService
    from dutyroom.services.lead_table import LeadTableService
    from dutyroom.services.maintenance import MaintenanceService
    from dutyroom.services.plan_documents import PlanDocumentService
    from dutyroom.services.plans import PlanService
    from dutyroom.services.responses import ResponseService
    from dutyroom.services.roster import RosterService
    from dutyroom.services.warnings import WarningService
    from tests.helpers.warnings import content

    profile = load_profile("dongcheng")
    auth = AuthService(db)
    users = {r: auth.create_user(SYSTEM, f"m_{r}", f"矩阵{r}", "duty-pass-2026", [r]) for r in ROLES}
    desk = users["duty_officer"]
    w = SimpleNamespace(db=db, profile=profile, users=users, auth=auth,
                        incidents=IncidentService(db, profile), log=IncidentLogService(db), reports=ReportService(db),
                        warnings=WarningService(db, profile), responses=ResponseService(db, profile),
                        contacts=ContactsService(db), excel=ContactsExcel(db), roster=RosterService(db, profile),
                        duty_log=DutyLogService(db), handover=HandoverService(db, profile),
                        plans=PlanService(db, profile), docs=PlanDocumentService(db, profile),
                        lead=LeadTableService(db, profile), maintenance=MaintenanceService(db, profile),
                        audit=AuditQueryService(db, profile), content=content)
    w.open_id = w.incidents.register(desk, intake()).id
    w.draft_id = w.incidents.save_draft(desk, None, {"description": "草稿"}).incident.id
    w.log_id = w.log.add(desk, w.open_id, "现场情况记录").id
    w.warning_id = w.warnings.draft(users["department"], content("blue")).id
    w.duty_entry_id = w.duty_log.add(desk, "note", "值班记事").id
    w.person_id = w.contacts.create_person(desk, PersonInput(name="测试人员甲")).id
    w.post_id = w.contacts.leader_candidates(desk)[0].id
    w.plan_id = w.plans.library(desk)[0].id
    with db.read() as s:
        w.event_type_id = s.scalar(select(EventType.id).where(EventType.profile_key == "dongcheng"))
    w.people = w.responses.people()
    w.report_id = w.reports.prepare(desk, w.open_id, "written", body="书面报告内容", recipients=["区委值班室"]).id
    # warnings: one issued (measure checks) in dongcheng; tongzhou has external decisions (city emergency office)
    from tests.helpers.warnings import issued

    signers = {**users, "author": desk, "desk": desk}
    w.dongcheng_warnings = SimpleNamespace(svc=w.warnings, u=signers, profile=profile)
    issued_view = issued(w.dongcheng_warnings, "blue")
    w.check_id = issued_view.measures[0].check_id
    w.issued_id = issued_view.id
    tongzhou = load_profile("tongzhou")
    w.tongzhou = SimpleNamespace(svc=WarningService(db, tongzhou), u=signers, profile=tongzhou)
    # roster: a saved future month to adjust and swap in
    from tests.helpers.roster import save_generated

    nxt = (TODAY.replace(day=1) + dt.timedelta(days=62)).replace(day=1)
    w.month = save_generated(db, users["shift_leader"], nxt.year, nxt.month)
    w.next_month = nxt
    from dutyroom.services.statistics import StatisticsService

    w.statistics = StatisticsService(db, profile)
    import io

    buf = io.BytesIO()
    w.excel.export_file(desk, buf)  # the directory as the import layout: a real workbook to import
    w.directory_xlsx = buf.getvalue()
    return w


def _pending_external(w):
    """A tongzhou orange warning whose next step is the city emergency office's decision."""
    from tests.helpers.warnings import sign

    t = w.tongzhou
    view = t.svc.draft(t.u["department"], w.content("orange"))
    t.svc.submit(t.u["department"], view.id)
    view = t.svc.get(view.id)
    while view.next_step is not None and view.steps[view.next_step - 1].kind != "external_decision":
        view = sign(t, view.id, view.steps[view.next_step - 1])
    assert view.next_step is not None, "tongzhou orange has no external step any more"
    return view.id


def _swap(w, a):
    entry = next(e for e in w.month.entries if e.role == "officer")
    other = next(p for p in w.roster.candidates(w.users["duty_officer"]).officers if p.person_id != entry.person_id)
    now = dt.datetime.now(dt.UTC)
    return w.roster.swap(a, entry.id, other.person_id, from_consent_at=now, to_consent_at=now, accept_conflicts=True)


def _adjust(w, a):
    from dutyroom.services.roster import EntryChange

    entry = next(e for e in w.month.entries if e.role == "leader")
    return w.roster.adjust(a, [EntryChange(entry.id, shift_date=entry.shift_date)], accept_conflicts=True)


def _handover_sign_in(w, a):
    desk = w.users["duty_officer"]
    sheet = w.handover.awaiting_sign_in(desk) or w.handover.sign_out(w.auth.login("zhouning", "dutyroom"), "")
    return w.handover.sign_in(sheet.id, a.username, "duty-pass-2026")


def _level(w):
    return w.responses.levels(w.open_id)[-1].key


ACTIONS = {
    "incident.create": lambda w, a: w.incidents.register(a, intake()),
    "incident.edit": lambda w, a: w.incidents.update(a, w.open_id, {"address": "某某路2号"}),
    "incident.confirm_grade": lambda w, a: w.incidents.confirm_grade(a, w.open_id, "ordinary"),
    "incident.report.send": lambda w, a: w.reports.prepare(a, w.open_id, "verbal", body="口头报告内容",
                                                          recipients=["区委值班室"]),
    "incident.log.add": lambda w, a: w.log.add(a, w.open_id, "补充情况"),
    "incident.log.strike": lambda w, a: w.log.strike(a, w.log_id, "记录有误"),
    "incident.close": lambda w, a: w.incidents.close(a, w.open_id),
    "warning.draft": lambda w, a: w.warnings.draft(a, w.content("yellow")),
    "warning.edit": lambda w, a: w.warnings.edit(a, w.warning_id, w.content("blue", area="东四街道")),
    "warning.submit": lambda w, a: w.warnings.submit(a, w.warnings.draft(w.users["department"], w.content("blue")).id),
    # a fresh draft by 部门: only its author withdraws it (other allowed roles: "other refusal")
    "warning.withdraw": lambda w, a: w.warnings.withdraw(
        a, w.warnings.draft(w.users["department"], w.content("blue")).id, "不再需要"),
    "response.record": lambda w, a: w.responses.activate(a, w.open_id, _level(w), w.people[0].id),
    "contacts.view": lambda w, a: w.contacts.search(a, "应急"),
    "contacts.edit": lambda w, a: w.contacts.create_person(a, __import__(
        "dutyroom.services.contacts", fromlist=["PersonInput"]).PersonInput(name="测试人员乙")),
    "contacts.appoint": lambda w, a: w.contacts.appoint(a, w.person_id, w.post_id, TODAY),
    "contacts.import": lambda w, a: w.excel.import_file(a, w.directory_xlsx, dry_run=True),
    "contacts.export": lambda w, a: w.excel.export_rows(a),
    "roster.view": lambda w, a: w.roster.month(a, TODAY.year, TODAY.month),
    "duty_log.view": lambda w, a: w.duty_log.open_instructions(a),
    "duty_log.add": lambda w, a: w.duty_log.add(a, "call", "来电登记"),
    "duty_log.strike": lambda w, a: w.duty_log.strike(a, w.duty_entry_id, "记录有误"),
    "handover.sign_out": lambda w, a: w.handover.open_items(a),
    "plan.view": lambda w, a: w.plans.library(a),
    "plan.manage": lambda w, a: w.plans.create_plan(a, f"测试部门应急预案（{a.username}）", "departmental", "区应急局"),
    "plan.document.import": lambda w, a: w.docs.import_file(a, w.plan_id, "预案.txt", "第一条 总则".encode()),
    "lead_table.edit": lambda w, a: w.lead.set_units(a, w.event_type_id, [("区应急局", "lead")]),
    "incident.report.review": lambda w, a: w.reports.review(a, w.report_id),
    "warning.record_external": lambda w, a: w.tongzhou.svc.record_external(
        a, _pending_external(w), decider="市应急办值班领导", reference="京应急字〔2026〕18号",
        decided_at=dt.datetime.now(dt.UTC), comment="同意发布"),
    "warning.measure.tick": lambda w, a: w.warnings.tick_measure(a, w.check_id, note="已落实"),
    "roster.edit": _adjust,
    "roster.swap": _swap,
    "handover.sign_in": _handover_sign_in,
    "plan.step.record": lambda w, a: w.plans.record_step(a, w.plan_id, "drill", TODAY, "区应急局"),
    "statistics.view": lambda w, a: w.statistics.period(a, TODAY.replace(day=1), TODAY),
    "report.print": lambda w, a: __import__("dutyroom.services.exports", fromlist=["ReportExporter"]).ReportExporter(
        w.db, w.profile).warning_pdf(a, w.warning_id, __import__("io").BytesIO()),
    "user.manage": lambda w, a: w.auth.list_users(a),
    "backup.run": lambda w, a: w.maintenance.backup_now(a),
    "backup.restore": lambda w, a: w.maintenance.check(a, w.db.url.removeprefix("sqlite:///")),
    "audit.view": lambda w, a: w.audit.page(a, limit=5),
    "maintenance.settings": lambda w, a: w.maintenance.update_settings(a, idle_minutes=15, backup_every_hours=4,
                                                                       backup_keep=10),
}

# Actions whose service path needs a multi-step set-up not yet built here, or that no service performs yet.
PENDING = {
    "profile.edit": "no service performs it yet (profiles are YAML files an administrator edits)",
}

# Actions whose callable is refused after the guard for every allowed role (a business rule), stated here;
# every other action must succeed for at least one allowed role, so a broken callable cannot pass unseen.
REFUSED_AFTER_THE_GUARD = {"incident.close": "closing needs the final report sent (终报) first"}

# (action, callable, state the policy excludes): an allowed role is refused because of the state
STATE_CASES = [
    ("incident.report.send", lambda w, a: w.reports.prepare(a, w.draft_id, "verbal", body="报告", recipients=["区委值班室"]),
     "draft"),
    ("incident.close", lambda w, a: w.incidents.close(a, w.draft_id), "draft"),
    ("warning.submit", lambda w, a: w.warnings.submit(a, w.issued_id), "issued"),
    ("warning.edit", lambda w, a: w.warnings.edit(a, w.issued_id, w.content("blue")), "issued"),
    ("warning.withdraw", lambda w, a: w.warnings.withdraw(a, w.issued_id, "不再需要"), "issued"),
    ("warning.record_external", lambda w, a: w.warnings.record_external(
        a, w.warning_id, decider="市应急办", reference="京应急字〔2026〕1号", decided_at=dt.datetime.now(dt.UTC)), "draft"),
]


@pytest.fixture(scope="module")
def world(database_templates, backend, tmp_path_factory):
    db = database_templates.copy(backend, "demo", build_demo, tmp_path_factory.mktemp("matrix") / "matrix.db")
    yield _world(db)
    backend.drop(db)


def test_every_policy_action_is_in_the_matrix():
    missing = sorted(set(POLICY) - set(ACTIONS) - set(PENDING))
    assert not missing, f"add these POLICY actions to ACTIONS in tests/services/test_permission_matrix.py: {missing}"
    assert not set(ACTIONS) & set(PENDING)
    assert not (set(ACTIONS) | set(PENDING)) - set(POLICY), "the matrix names actions the policy no longer has"


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_service_refuses_exactly_what_the_policy_refuses(world, action):
    outcomes = {}
    for role in ROLES:
        actor = world.users[role]
        try:
            ACTIONS[action](world, actor)
            outcomes[role] = "done"
        except PermissionDenied as exc:  # the guard's refusal names the policy's action; others are service rules
            outcomes[role] = "denied" if f"无权{POLICY[action].zh}" in exc.zh else "other refusal"
        except UserError:
            outcomes[role] = "other refusal"  # allowed by the policy, refused for another reason (input, state of data)
    expected_denied = {r for r in ROLES if not allowed({r}, action)}
    denied = {r for r, o in outcomes.items() if o == "denied"}
    assert denied == expected_denied, {"refused but allowed": sorted(denied - expected_denied),
                                       "not refused": sorted(expected_denied - denied), **outcomes}
    if action not in REFUSED_AFTER_THE_GUARD:
        assert "done" in outcomes.values(), outcomes


@pytest.mark.parametrize(("action", "call", "state"), STATE_CASES, ids=[c[0] for c in STATE_CASES])
def test_allowed_roles_are_refused_in_excluded_states(world, action, call, state):
    assert not allowed(ROLES, action, state)  # no role may do it in this state
    for role in ROLES:
        if not allowed({role}, action):
            continue
        with pytest.raises(UserError) as err:  # the guard's state refusal, or the service's own earlier check
            call(world, world.users[role])
        if isinstance(err.value, PermissionDenied) and "当前状态" in err.value.zh:
            assert f"当前状态（{state}）下不能{POLICY[action].zh}" in err.value.zh, err.value.zh


def test_admin_holds_no_approval_power_through_the_service(world):
    """An administrator cannot approve a warning step unless they also hold the approving role."""
    w = world
    warning = w.warnings.draft(w.users["duty_officer"], w.content("orange"))
    w.warnings.submit(w.users["duty_officer"], warning.id)
    with pytest.raises(PermissionDenied):
        w.warnings.approve(w.users["admin"], warning.id)
