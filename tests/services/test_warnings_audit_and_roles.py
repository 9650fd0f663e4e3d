"""Issue 4 "done when", beyond the chain walks of test_warnings_service.py: every command of a warning's
life is in the audit log with user, time and before/after state, and for every colour of every profile
the service itself refuses a user without the role (issue, lift, adjust, lift request, measures)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dutyroom.services.errors import PermissionDenied, UserError
from dutyroom.store.models import AuditEntry, Warning, WarningApproval
from tests.helpers.warnings import COLOURS, PROFILES, T0, audit_entries, content, walk

pytestmark = pytest.mark.both_backends  # each test on SQLite and on PostgreSQL (tests/helpers/databases.py)

CASES = [(k, c, "natural") for k in PROFILES for c in COLOURS] + [("pinggu", c, "public_health") for c in COLOURS]


def refused(exc_type, fn, *args, **kwargs):
    with pytest.raises(exc_type) as info:
        fn(*args, **kwargs)
    assert info.value.zh and info.value.en and info.value.zh != info.value.en
    return info.value


def submitted(w, colour, category="natural"):
    view = w.svc.draft(w.u["author"], content(colour, category))
    return w.svc.submit(w.u["author"], view.id)


def _counts(db):
    with db.read() as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) for m in (Warning, AuditEntry, WarningApproval))


def _lift_fully(w, view):
    """Lift as the profile says: straight away, or request → the colour's chain → lift."""
    lifter = w.u[view.lifted_by_role]
    if view.lift_needs_approval:
        w.svc.request_lift(w.u["author"], view.id, "危险已经消除")
        walk(w, view.id)
    return w.svc.lift(lifter, view.id, "危险已经消除")


@pytest.mark.parametrize("key", PROFILES)
def test_every_command_is_audited_with_user_time_and_before_after(world, key):
    """Every transition of a warning's life, not only issue: edit, return, resubmit, adjust, supersede,
    lift request and its rejection, lift, measure tick/untick — each an audit entry with the user, the
    time and the state before and after; a refused command writes no entry."""
    w = world(key)
    view = submitted(w, "orange")
    two_sign_offs = len(view.steps) > 1 and view.steps[0].kind == view.steps[1].kind == "sign_off"
    if two_sign_offs:  # step 1 approves, step 2 returns: the approval is voided, the author edits, resubmits
        w.svc.approve(w.u[view.steps[0].role], view.id, "同意")
        w.svc.return_for_changes(w.u[view.steps[1].role], view.id, "请补充影响范围")
        w.svc.edit(w.u["author"], view.id, content("orange", area="北部山区"))
        w.svc.submit(w.u["author"], view.id)
    walk(w, view.id)
    old = w.svc.issue(w.u[view.issuer_role], view.id, [w.profile.warnings.channels[0]])
    check = old.measures[0].check_id
    w.svc.tick_measure(w.u["desk"], check, "已落实")
    w.svc.untick_measure(w.u["desk"], check, "勾错了")
    new = w.svc.adjust(w.u["author"], old.id, content("red", title="暴雨红色预警"))
    w.svc.submit(w.u["author"], new.id)
    walk(w, new.id)
    new = w.svc.issue(w.u[new.issuer_role], new.id, [w.profile.warnings.channels[0]])
    assert w.svc.get(old.id).status == "superseded"
    if new.lift_needs_approval:
        w.svc.request_lift(w.u["author"], new.id, "雨势减弱")
        step = w.svc.get(new.id).steps[0]
        if step.kind == "sign_off":
            w.svc.reject(w.u[step.role], new.id, "仍有强降雨")
        else:
            w.svc.record_external(w.u["desk"], new.id, decider="市应急办", reference="否3号", decided_at=T0,
                                  decision="rejected", comment="仍有强降雨")
        assert w.svc.get(new.id).status == "issued"
    before_refusal = _counts(w.db)
    refused(PermissionDenied, w.svc.lift, w.u["committee_director"] if new.lifted_by_role != "committee_director"
            else w.u["department"], new.id)
    assert _counts(w.db) == before_refusal
    lifted = _lift_fully(w, new)
    assert lifted.status == "lifted"

    entries = audit_entries(w.db, old.id) + audit_entries(w.db, new.id)
    with w.db.read() as s:
        entries += list(s.scalars(select(AuditEntry).where(AuditEntry.entity == "warning_measure_check",
                                                           AuditEntry.entity_id == str(check))))
    actions = {e.action for e in entries}
    expected = {"warning.draft", "warning.submit", "warning.issue", "warning.measure.tick", "warning.measure.untick",
                "warning.adjust", "warning.supersede", "warning.lift"}
    if new.lift_needs_approval:
        expected |= {"warning.request_lift", "warning.rejected"}
    if two_sign_offs:
        expected |= {"warning.approved", "warning.returned", "warning.approvals_voided", "warning.edit"}
    assert expected <= actions
    for e in entries:
        assert e.user_id and e.username and e.at is not None and e.after is not None, e.action
        if e.action != "warning.draft":
            assert e.before is not None, e.action
    statuses = [(e.action, e.before.get("status"), e.after.get("status")) for e in audit_entries(w.db, new.id)
                if e.before and "status" in e.before]
    assert statuses[-1] == ("warning.lift", "lift_approved" if new.lift_needs_approval else "issued", "lifted")
    assert ("warning.issue", "approved", "issued") in statuses
    assert ("warning.supersede", "issued", "superseded") in [
        (e.action, e.before.get("status"), e.after.get("status")) for e in audit_entries(w.db, old.id) if e.before]


@pytest.mark.parametrize(("key", "colour", "category"), CASES, ids=[f"{k}-{c}-{g}" for k, c, g in CASES])
def test_users_without_the_role_are_refused_issue_lift_adjust_and_measures(world, key, colour, category):
    """For every colour of every profile the service itself refuses: issuing by a non-issuer, lifting by
    anyone but the lifter (谁发布、谁解除), adjusting or asking a lift without a drafting role, ticking a
    measure outside the duty room and the department, and submitting or editing someone else's draft."""
    w = world(key)
    draft = w.svc.draft(w.u["author"], content(colour, category))
    refused(PermissionDenied, w.svc.submit, w.u["desk"], draft.id)  # a duty officer, but not the author
    refused(PermissionDenied, w.svc.edit, w.u["desk"], draft.id, content(colour, category, area="别处"))
    w.svc.submit(w.u["author"], draft.id)
    view = walk(w, draft.id)
    outsiders = [u for u in ("department", "office_director", "committee_director") if u != view.issuer_role]
    for name in outsiders:
        refused(PermissionDenied, w.svc.issue, w.u[name], view.id, [w.profile.warnings.channels[0]])
    done = w.svc.issue(w.u[view.issuer_role], view.id, [w.profile.warnings.channels[0]])
    mayor = w.u["committee_director"]  # holds no drafting role and is no duty-room desk
    refused(PermissionDenied, w.svc.adjust, mayor, done.id, content("red", category))
    if done.measures:
        refused(PermissionDenied, w.svc.tick_measure, mayor, done.measures[0].check_id)
    if done.lift_needs_approval and done.lifted_by_role != "committee_director":
        refused(PermissionDenied, w.svc.request_lift, mayor, done.id, "危险已经消除")
    for name in [u for u in ("department", "office_director", "committee_director") if u != done.lifted_by_role]:
        refused(UserError, w.svc.lift, w.u[name], done.id)
    assert w.svc.get(done.id).status == "issued"
    assert _lift_fully(w, done).status == "lifted"
