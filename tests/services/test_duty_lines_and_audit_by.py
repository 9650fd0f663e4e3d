"""One writer of duty-log lines and one audit call that takes the actor (issue 16).

Before, the warning service wrote its duty-log line by hand and forgot `entered_at`, so an issue recorded
for 09:30 showed the clock time of the save instead; every service spelled out user id and username."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from dutyroom.services.auth import SYSTEM
from dutyroom.services.duty_lines import write_duty_line
from dutyroom.store import audit
from dutyroom.store.models import AuditEntry, DutyLogEntry
from tests.helpers.warnings import content, walk

AT = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.UTC)


def test_the_writer_stamps_author_workstation_and_both_times(db, people):
    _, _, officer = people
    with db.write() as s:
        entry = write_duty_line(s, officer, "换班：测试", kind="roster", now=AT)
        typed = write_duty_line(s, officer, "来电：东四街道", kind="call", now=AT + dt.timedelta(minutes=5),
                                happened_at=AT, automatic=False)
        s.flush()
        ids = entry.id, typed.id
    with db.read() as s:
        auto, manual = (s.get(DutyLogEntry, i) for i in ids)
        assert (auto.happened_at, auto.entered_at, auto.author_id, auto.automatic) == (AT, AT, officer.id, True)
        assert auto.workstation == audit.WORKSTATION
        assert (manual.happened_at, manual.entered_at, manual.automatic) == (AT, AT + dt.timedelta(minutes=5), False)


def test_an_issued_warning_line_is_entered_at_the_time_of_issue(world):
    w = world("dongcheng")
    draft = w.svc.draft(w.u["author"], content("blue"), now=AT - dt.timedelta(hours=1))
    w.svc.submit(w.u["author"], draft.id, now=AT - dt.timedelta(hours=1))
    view = walk(w, draft.id)
    w.svc.issue(w.u[view.issuer_role], draft.id, [w.profile.warnings.channels[0]], now=AT)
    with w.db.read() as s:
        line = s.scalars(select(DutyLogEntry).where(DutyLogEntry.warning_id == draft.id)).one()
    assert (line.kind, line.happened_at, line.entered_at) == ("warning", AT, AT)


def test_audit_by_records_the_actor_and_the_system_as_no_user(db, people):
    _, _, officer = people
    with db.write() as s:
        mine = audit.record_by(s, officer, action="test.mine", entity="test", entity_id=7, after={"x": 1}, at=AT)
        system = audit.record_by(s, SYSTEM, action="test.system", entity="test")
        ids = mine.id, system.id
    with db.read() as s:
        mine, system = (s.get(AuditEntry, i) for i in ids)
        assert (mine.user_id, mine.username, mine.entity_id, mine.after, mine.at) == (officer.id, "zhouning", "7",
                                                                                     {"x": 1}, AT)
        assert (system.user_id, system.username) == (None, "system")
        assert audit.verify_chain(s).ok
