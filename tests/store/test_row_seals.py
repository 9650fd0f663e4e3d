"""Issue 17, finding 3 ("Business rows are not covered"): rows with legal weight carry a seal that every write
through the program renews and that a change made around it breaks — on SQLite and on PostgreSQL."""

import pytest
from sqlalchemy import text

from dutyroom.store.audit import verify_chain
from dutyroom.store.row_seal import verify_seals
from tests.helpers.incidents import intake

pytestmark = pytest.mark.both_backends


def test_program_writes_keep_seals_whole_and_a_patched_row_breaks_its_seal(desk):
    incident = desk.incidents().register(desk["zhouning"], intake())
    with desk.db.read() as s:
        assert verify_seals(s.connection()).ok and verify_chain(s).ok
    with desk.db.engine.begin() as conn:  # around the program: a plain SQL UPDATE
        conn.execute(text("UPDATE incident SET title = 'nothing happened' WHERE id = :id"), {"id": incident.id})
    with desk.db.read() as s:
        report = verify_seals(s.connection())
    assert not report.ok and report.table == "incident" and report.row_id == incident.id
    assert "内容与封印不符" in report.problem
