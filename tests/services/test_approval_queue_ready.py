"""待我审批 as the issuer sees it: an approved warning waits there for them to issue (or lift) it, and every
row says who signed the step before and when. Clauses: Dongcheng 3.2.3 (orange: 区应急办 signs, 分管区领导
approves, 区应急办 issues and lifts), Tongzhou 3.2.3 (orange: 市应急办 decides)."""

from __future__ import annotations

import datetime as dt

import pytest

from dutyroom.ui.approval_queue import ApprovalQueuePage
from tests.helpers.warnings import T0, content, walk

pytestmark = pytest.mark.both_backends  # each test on SQLite and on PostgreSQL (tests/helpers/databases.py)


def _submitted(w, colour="orange"):
    view = w.svc.draft(w.u["author"], content(colour))
    return w.svc.submit(w.u["author"], view.id)


def test_approved_warning_waits_in_the_issuers_queue_until_issued(world):
    """Dongcheng 3.2.3 orange: after 分管区领导 approves, 区应急办 issues — the queue says so."""
    w = world("dongcheng")
    v = _submitted(w)
    signed_at = T0 + dt.timedelta(minutes=40)
    w.svc.approve(w.u["office_director"], v.id, "同意", now=T0 + dt.timedelta(minutes=10))
    w.svc.approve(w.u["leader_in_charge"], v.id, "同意发布", now=signed_at)
    assert w.svc.get(v.id).status == "approved"
    item = next(i for i in w.svc.approval_queue(w.u["office_director"]) if i.warning_id == v.id)
    assert (item.kind, item.ready, item.role, item.step_no) == ("issue", True, "office_director", 3)
    assert (item.last_decision_by, item.last_decision_at) == ("用户leader_in_charge", signed_at)
    assert v.id not in [i.warning_id for i in w.svc.approval_queue(w.u["leader_in_charge"])]  # not the issuer
    assert v.id not in [i.warning_id for i in w.svc.approval_queue(w.u["department"])]
    w.svc.issue(w.u["office_director"], v.id, [w.profile.warnings.channels[0]])
    assert v.id not in [i.warning_id for i in w.svc.approval_queue(w.u["office_director"])]


def test_lift_approved_waits_for_the_lifter(world):
    """A profile asking approval to lift (none shipped does, issue 20 item 6): approved first, then 区应急办 lifts it."""
    w = world("dongcheng", lift_approval=True)
    v = _submitted(w)
    walk(w, v.id)
    w.svc.issue(w.u["office_director"], v.id, [w.profile.warnings.channels[0]])
    w.svc.request_lift(w.u["author"], v.id, "降雨结束")
    walk(w, v.id)
    assert w.svc.get(v.id).status == "lift_approved"
    item = next(i for i in w.svc.approval_queue(w.u["office_director"]) if i.warning_id == v.id)
    assert (item.kind, item.phase, item.last_decision_by) == ("lift", "lift", "用户leader_in_charge")
    w.svc.lift(w.u["office_director"], v.id)
    assert v.id not in [i.warning_id for i in w.svc.approval_queue(w.u["office_director"])]


def test_the_step_being_signed_names_the_previous_signer(world):
    w = world("dongcheng")
    v = _submitted(w)
    first = next(i for i in w.svc.approval_queue(w.u["office_director"]) if i.warning_id == v.id)
    assert (first.last_decision_by, first.last_decision_at) == (None, None)
    w.svc.approve(w.u["office_director"], v.id, "同意", now=T0)
    second = w.svc.approval_queue(w.u["leader_in_charge"])[0]
    assert (second.step_no, second.last_decision_by, second.last_decision_at) == (2, "用户office_director", T0)


def test_outside_decision_names_who_decided(world):
    """Tongzhou 3.2.3 orange: 市应急办's decision is recorded by the desk; the issuer sees who decided."""
    w = world("tongzhou")
    v = _submitted(w)
    view = walk(w, v.id)
    assert view.status == "approved"
    item = next(i for i in w.svc.approval_queue(w.u[view.issuer_role]) if i.warning_id == v.id)
    assert item.kind == "issue" and item.last_decision_by == "市应急办值班领导"


@pytest.mark.gui
def test_queue_page_shows_ready_to_issue_with_signer_and_time(qtbot, world):
    w = world("dongcheng")
    v = _submitted(w)
    w.svc.approve(w.u["office_director"], v.id, "同意", now=T0)
    w.svc.approve(w.u["leader_in_charge"], v.id, "同意发布", now=T0 + dt.timedelta(minutes=30))
    page = ApprovalQueuePage(w.svc, w.u["office_director"])
    qtbot.addWidget(page)
    page.show()
    model = page.mine.model()
    row = next(r for r, i in enumerate(page.items(page.mine)) if i.warning_id == v.id)
    cells = [model.index(row, c).data() for c in range(model.columnCount())]
    assert "待发布" in cells and "已批准，请发布" in cells
    assert cells[-1] == "用户leader_in_charge 2026-07-01 16:30"  # T0 is 08:00 UTC: 16:30 in Beijing
    assert "待我签批 0 件；待我发布/解除 1 件" in page.summary.text()
    opened: list[int] = []
    page.open_requested.connect(opened.append)
    page.mine.selectRow(row)
    page.open_button.click()
    assert opened == [v.id]
