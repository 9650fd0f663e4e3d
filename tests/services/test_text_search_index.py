"""Text search of the incident list and the audit page through FTS5 (issue 21): on SQLite the term is looked up
in the text indexes (migration 0010), which the write paths keep current; on PostgreSQL the columns are searched.
Either way the results are those of the substring search a user expects: two-character Chinese terms, a phone
number's last digits, edits and discarded drafts."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event

from dutyroom.services.audit_query import AuditFilter, AuditQueryService
from dutyroom.services.incidents import IncidentQuery
from tests.helpers.incidents import MIN, RECEIVED, intake

pytestmark = pytest.mark.both_backends


def _ids(desk, text, now=RECEIVED + 90 * MIN):
    return [r.id for r in desk.incidents().search(desk["zhouning"], IncidentQuery(text=text), now=now)]


def _statements(db):
    seen: list[str] = []

    def hear(_conn, _cursor, statement, *_args):
        seen.append(statement)
    event.listen(db.engine, "before_cursor_execute", hear)
    return seen


def test_two_character_terms_phone_digits_and_edits_are_found(desk):
    svc, officer = desk.incidents(), desk["zhouning"]
    gas = svc.register(officer, intake(description="居民楼燃气泄漏，已疏散", callback_phone="13912345678"), now=RECEIVED)
    fire = svc.register(officer, intake(description="仓库火灾", received_at=RECEIVED + 5 * MIN), now=RECEIVED + 6 * MIN)
    assert _ids(desk, "燃气") == [gas.id]
    assert _ids(desk, "5678") == [gas.id]  # the phone's last digits
    assert _ids(desk, "火") == [fire.id]  # one character
    assert _ids(desk, "燃气 泄漏") == []  # the space is part of the text searched, as before
    assert set(_ids(desk, "某某路1号")) == {gas.id, fire.id}  # the address
    svc.update(officer, fire.id, {"description": "仓库火灾，燃气罐爆炸"}, now=RECEIVED + 20 * MIN)
    assert _ids(desk, "燃气") == [fire.id, gas.id]  # an edit is found at once
    svc.update(officer, gas.id, {"description": "居民楼异味，已排除"}, now=RECEIVED + 21 * MIN)
    assert _ids(desk, "燃气") == [fire.id]  # and what an edit removed is no longer found
    assert _ids(desk, "燃气罐爆") == [fire.id]
    assert _ids(desk, "气罐炸") == []  # every bigram occurs, not as this phrase: not a hit


def test_a_discarded_draft_leaves_nothing_in_the_index(desk):
    svc, officer = desk.incidents(), desk["zhouning"]
    draft = svc.save_draft(officer, None, {"description": "待核实的塌方"}, now=RECEIVED)
    draft_id = draft.incident.id
    if desk.db.is_sqlite:
        assert _indexed(desk, draft_id)
    svc.discard_draft(officer, draft_id, now=RECEIVED + MIN)
    assert _ids(desk, "塌方") == []
    if desk.db.is_sqlite:
        assert not _indexed(desk, draft_id)


def _indexed(desk, incident_id: int) -> bool:
    from sqlalchemy import text

    with desk.db.read() as s:
        return bool(s.scalar(text("SELECT count(*) FROM incident_fts WHERE rowid = :id"), {"id": incident_id}))


def test_on_sqlite_the_list_looks_the_term_up_in_the_index(desk):
    svc, officer = desk.incidents(), desk["zhouning"]
    svc.register(officer, intake(description="地铁站积水"), now=RECEIVED)
    seen = _statements(desk.db)
    assert len(_ids(desk, "积水")) == 1
    assert any("incident_fts MATCH" in s for s in seen) == desk.db.is_sqlite


def test_the_audit_page_finds_chinese_text_in_the_changes_newest_first_page_by_page(desk):
    svc, officer, admin = desk.incidents(), desk["zhouning"], desk["admin"]
    made = [svc.register(officer, intake(description=f"第{i}处道路塌陷", received_at=RECEIVED + i * MIN),
                         now=RECEIVED + i * MIN + MIN) for i in range(5)]
    audit = AuditQueryService(desk.db)
    seen = _statements(desk.db)
    first = audit.page(admin, AuditFilter(text="塌陷", action="incident.open"), limit=3)
    assert [r.entity_id for r in first.rows] == [str(v.id) for v in reversed(made)][:3] and first.more
    assert any("audit_fts MATCH" in s for s in seen) == desk.db.is_sqlite
    assert first.rows[0].after["description"] == "第4处道路塌陷"  # the change, decoded when read (either backend)
    rest = audit.page(admin, AuditFilter(text="塌陷", action="incident.open"), offset=3, limit=3, count=True)
    assert [r.entity_id for r in rest.rows] == [str(made[1].id), str(made[0].id)] and rest.total == 5
    assert audit.count(admin, AuditFilter(text="道路塌陷")) >= 5
    assert audit.page(admin, AuditFilter(text="陷塌")).rows == ()
    day = RECEIVED.date()  # with dates: the same entries on their Beijing day, none the day before
    assert len(audit.page(admin, AuditFilter(text="塌陷", action="incident.open", date_from=day, date_to=day)).rows) == 5
    before = day - dt.timedelta(days=1)
    assert audit.page(admin, AuditFilter(text="塌陷", date_from=before, date_to=before)).rows == ()
