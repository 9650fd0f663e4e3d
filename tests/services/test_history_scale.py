"""Ten years of history (issue 21): lists are paged in SQL, a page of warnings is read in a few statements,
the audit page neither counts nor rescans the whole log, statistics and report snapshots keep their indexes.

Each test counts or inspects the SQL a screen runs, because at a hundred thousand incidents that is what the
officer waits for (figures: tests/bench/bench_history.py over scripts/generate_history.py's database)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from contextlib import contextmanager

import pytest
from sqlalchemy import event, text

from dutyroom.services.audit_query import AuditFilter, AuditQueryService
from dutyroom.services.errors import UserError
from dutyroom.services.incidents import IncidentQuery
from dutyroom.services.statistics import StatisticsService
from dutyroom.services.warnings import WarningService
from tests.helpers.incidents import MIN, RECEIVED, intake
from tests.helpers.warnings import content


@contextmanager
def statements(db):
    """The SQL statements (text, parameters) run on db while the block runs."""
    seen: list[tuple[str, object]] = []

    def note(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))
    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def _register(desk, n: int) -> list[int]:
    svc, officer = desk.incidents(), desk["zhouning"]
    return [svc.register(officer, intake(received_at=RECEIVED + k * MIN, occurred_at=RECEIVED + k * MIN - MIN),
                         now=RECEIVED + k * MIN).id for k in range(n)]


def test_the_incident_list_is_a_page_fetched_in_sql(desk):
    ids = _register(desk, 6)
    svc, officer = desk.incidents(), desk["zhouning"]
    with statements(desk.db) as seen:
        rows = svc.search(officer, IncidentQuery(limit=2), now=RECEIVED + 30 * MIN)
    assert [r.id for r in rows] == ids[:-3:-1]  # the newest two, newest first
    listing = next(sql for sql, _ in seen if "FROM incident" in sql and "ORDER BY" in sql)
    assert "LIMIT" in listing  # not every match fetched and sorted in Python to keep two
    second = svc.search(officer, IncidentQuery(limit=2, offset=2), now=RECEIVED + 30 * MIN)
    assert [r.id for r in second] == ids[-3:-5:-1]
    by_grade = svc.search(officer, IncidentQuery(sort="grade", limit=None), now=RECEIVED + 30 * MIN)
    assert sorted(r.id for r in by_grade) == sorted(ids)


def test_sorting_by_deadline_and_the_overdue_filter_still_see_every_open_incident(desk):
    ids = _register(desk, 3)
    svc, officer = desk.incidents(), desk["zhouning"]
    late = RECEIVED + 3 * 60 * MIN  # every 首报 is overdue by now
    overdue = svc.search(officer, IncidentQuery(overdue=True), now=late)
    assert sorted(r.id for r in overdue) == sorted(ids) and all(r.overdue_count for r in overdue)
    by_due = svc.search(officer, IncidentQuery(sort="next_due", descending=False, limit=1), now=late)
    assert by_due[0].id == ids[0]  # the earliest received is due first


def test_a_changed_incident_gives_its_own_line(desk):
    first, _second = _register(desk, 2)
    svc, officer = desk.incidents(), desk["zhouning"]
    svc.confirm_grade(officer, first, "ordinary", now=RECEIVED + 5 * MIN)
    row = svc.row(officer, first, now=RECEIVED + 6 * MIN)
    listed = next(r for r in svc.search(officer, now=RECEIVED + 6 * MIN) if r.id == first)
    assert row == listed and row.grade_confirmed == "ordinary"


def test_a_page_of_warnings_is_read_in_a_few_statements(desk):
    svc = WarningService(desk.db, desk.incidents().profile)
    author = desk["zhouning"]

    def draft(n: int) -> None:
        for k in range(n):
            svc.draft(author, dataclasses.replace(content("blue"), title=f"大风蓝色预警{k}"))

    draft(3)
    with statements(desk.db) as few:
        assert len(svc.list_warnings()) == 3
    draft(12)
    with statements(desk.db) as many:
        assert len(svc.list_warnings()) == 15
    assert len(many) == len(few)  # not one statement more per warning (3,333 warnings: ~10k statements before)
    assert [w.title for w in svc.list_warnings(limit=2, offset=1)] == ["大风蓝色预警10", "大风蓝色预警9"]


def test_the_audit_page_does_not_count_or_rescan_the_whole_log(desk):
    _register(desk, 3)
    admin = desk["admin"]
    svc = AuditQueryService(desk.db)
    with statements(desk.db) as seen:
        first = svc.page(admin, AuditFilter(), limit=2)
    assert first.more and first.total is None and len(first.rows) == 2
    assert not any("count(" in sql.lower() for sql, _ in seen)
    every = svc.page(admin, AuditFilter(), limit=1000)
    assert not every.more and every.total == len(every.rows)  # the last page knows the total
    assert svc.page(admin, AuditFilter(), limit=2, count=True).total == every.total
    choices = svc.choices(admin)
    assert "incident.open" in choices.actions
    with statements(desk.db) as again:
        assert svc.choices(admin) == choices
    # besides the one indexed re-read of the acting user's rights (issue 17: every command re-checks them)
    selects = [sql for sql, _ in again if sql.startswith("SELECT") and "user_account.active" not in sql]
    assert len(selects) == 1 and "max(audit_log.seq)" in selects[0]  # nothing new: the lists are not read again
    _register_more = desk.incidents().register(desk["sunhao"], intake(), now=RECEIVED + 60 * MIN)
    assert _register_more.id
    assert "sunhao" in svc.choices(admin).usernames  # read from the new entries only


def _plan(db, statement: str, parameters) -> str:
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    return " ".join(str(r[-1]) for r in rows)


def test_statistics_for_a_year_use_the_received_index(desk):
    _register(desk, 2)
    stats = StatisticsService(desk.db, desk.incidents().profile)
    with statements(desk.db) as seen:
        period = stats.period(desk["luomin"], dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert period.total == 2
    sql, params = next((sql, p) for sql, p in seen if "FROM incident" in sql and "received_at" in sql)
    assert "USING INDEX" in _plan(desk.db, sql, params)  # `status != 'draft'` made it scan the table


def test_the_history_indexes_exist(desk):
    with desk.db.engine.connect() as conn:
        names = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'index'"))}
    assert {"ix_incident_report_incident_id", "ix_incident_log_incident_id", "ix_warning_approval_warning_id",
            "ix_warning_measure_check_warning_id", "ix_audit_log_entity", "ix_audit_log_action_at",
            "ix_audit_log_username_at", "ix_audit_log_at", "ix_incident_received_at"} <= names


@pytest.mark.both_backends  # the bound's UTC form and the row comparison on both
def test_the_next_page_starts_after_the_last_row_shown(desk):
    """The 事件 list's next page is the rows after its last line in 接报时间 order (keyset), not an offset: a call
    taken or an incident gone meanwhile neither repeats nor skips a line."""
    ids = _register(desk, 7)  # received a minute apart, oldest first
    svc, officer = desk.incidents(), desk["zhouning"]
    first = svc.search(officer, IncidentQuery(limit=3))
    assert [r.id for r in first] == ids[:-4:-1]
    edge = first[-1]
    svc.register(officer, intake(received_at=RECEIVED + 30 * MIN), now=RECEIVED + 30 * MIN)  # another seat, newer
    after = svc.search(officer, IncidentQuery(limit=3, after=(edge.received_at, edge.id)))
    assert [r.id for r in after] == [ids[3], ids[2], ids[1]]
    oldest = svc.search(officer, IncidentQuery(limit=3, descending=False))
    later = svc.search(officer, IncidentQuery(limit=3, descending=False, after=(oldest[-1].received_at, oldest[-1].id)))
    assert [r.id for r in oldest + later] == ids[:6]
    with pytest.raises(UserError):
        svc.search(officer, IncidentQuery(sort="grade", after=(edge.received_at, edge.id)))


def test_a_later_page_computes_its_clocks_with_the_district_bound(desk):
    """Tongzhou 4.1.3: 及时, escalating by the district's bound (30 minutes after receipt by default). A page after
    the first computes the same clocks as the first (the page's row bound had shadowed the district bound)."""
    svc, officer = desk.incidents("tongzhou"), desk["zhouning"]
    for k in range(3):
        svc.register(officer, intake("tongzhou", received_at=RECEIVED + k * MIN, occurred_at=RECEIVED + k * MIN - MIN),
                     now=RECEIVED + k * MIN)
    first = svc.search(officer, IncidentQuery(limit=1), now=RECEIVED + 5 * MIN)
    later = svc.search(officer, IncidentQuery(limit=2, after=(first[0].received_at, first[0].id)),
                       now=RECEIVED + 5 * MIN)
    assert [r.next_due - r.received_at for r in first + later] == [dt.timedelta(minutes=30)] * 3
