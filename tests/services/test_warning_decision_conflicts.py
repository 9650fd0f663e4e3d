"""Several seats and a warning (issue 21): the author may still edit a pending warning (the edit voids the approvals,
domain/warning_state.py), so a signer whose screen shows the older text must not approve the newer one unseen. A
decision carries the content_hash the screen showed; after an edit it is refused with "已被某某于某时修改，请刷新"
and no approval is written."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from dutyroom.services.row_version import EditConflict
from dutyroom.store.models import WarningApproval
from tests.helpers.actors import actors_by_username
from tests.helpers.warnings import T0, content, make_users, make_world

pytestmark = pytest.mark.both_backends

MIN = dt.timedelta(minutes=1)


def _approvals(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(WarningApproval))


@pytest.mark.parametrize("decision", ["approve", "reject", "return_for_changes"])
def test_a_decision_on_a_text_edited_since_the_screen_showed_it_is_refused(template_db, decision):
    db = template_db("warning_users", make_users)
    w = make_world(db, "dongcheng", actors_by_username(db))
    draft = w.svc.draft(w.u["author"], content("orange", "natural"), now=T0)
    shown = w.svc.submit(w.u["author"], draft.id, now=T0 + MIN)  # the signer's screen
    step = shown.steps[shown.next_step - 1]
    w.svc.edit(w.u["author"], draft.id, content("orange", "natural", cautions="雨势加强"), now=T0 + 5 * MIN)
    before = _approvals(w.db)
    call = {"approve": lambda h: w.svc.approve(w.u[step.role], draft.id, "同意", now=T0 + 6 * MIN, seen_hash=h),
            "reject": lambda h: w.svc.reject(w.u[step.role], draft.id, "不同意", now=T0 + 6 * MIN, seen_hash=h),
            "return_for_changes": lambda h: w.svc.return_for_changes(w.u[step.role], draft.id, "请修改",
                                                                     now=T0 + 6 * MIN, seen_hash=h)}[decision]
    with pytest.raises(EditConflict) as refused:
        call(shown.content_hash)
    assert refused.value.zh == "已被用户author于16:05修改，请刷新"  # T0 is 08:00 UTC, 16:00 Beijing
    assert _approvals(w.db) == before
    latest = w.svc.get(draft.id)
    assert call(latest.content_hash).id == draft.id  # after 刷新: the text now shown is decided on


def test_the_authors_edit_from_a_second_seat_is_not_overwritten_by_the_first(template_db):
    """The author has the draft open in the edit form at two seats; the second save from the older form is refused
    with the name and time of the first, and the first's text stays (before, it silently replaced it)."""
    db = template_db("warning_users", make_users)
    w = make_world(db, "dongcheng", actors_by_username(db))
    draft = w.svc.draft(w.u["author"], content("orange", "natural"), now=T0)
    form_a, hash_a = w.svc.form_of(draft.id)  # seat A opens the form
    form_b, hash_b = w.svc.form_of(draft.id)  # so does seat B
    assert hash_a == hash_b == draft.content_hash and form_a == form_b
    w.svc.edit(w.u["author"], draft.id, content("orange", "natural", cautions="雨势加强"), now=T0 + 5 * MIN,
               seen_hash=hash_b)
    with pytest.raises(EditConflict) as refused:
        w.svc.edit(w.u["author"], draft.id, content("orange", "natural", cautions="注意防范"), now=T0 + 6 * MIN,
                   seen_hash=hash_a)
    assert refused.value.zh == "已被用户author于16:05修改，请刷新"
    assert w.svc.get(draft.id).cautions == "雨势加强"
    again, seen = w.svc.form_of(draft.id)  # 刷新: the form is filled from the stored text
    assert again.cautions == "雨势加强"
    assert w.svc.edit(w.u["author"], draft.id, content("orange", "natural", cautions="注意防范"), now=T0 + 7 * MIN,
                      seen_hash=seen).cautions == "注意防范"
