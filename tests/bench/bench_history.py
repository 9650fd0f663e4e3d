"""Benchmark: every interactive action of issue 21 over a generated history database.

Build the database once (outside the repository), then run:

    .venv/bin/python scripts/generate_history.py --db /work/bench/history10.db --years 10 --per-year 10000
    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/bench_history.py --db /work/bench/history10.db [--only list,note]

Each line prints the app's time (the widget or service call a user waits for), the time of the plain SQL that
fetches what the screen shows, measured in the same run on the same file, and their ratio. The text filters are
measured for a common term (燃气), a rare one (脚手架: the live incident) and an absent one (地震), against the
faster of a newest-first LIKE walk and (with migration 0010's text indexes) the index query; without the indexes
the rare and absent terms are full scans, measured only with --all-terms. Medians of
repeated runs (tests/bench/timing.py). Writes (add a note) go to the database: run it on a copy if that
matters. The database is not migrated here (`python -m dutyroom init` does that), so the same script measures
an older checkout (PYTHONPATH=that checkout) on a database without the newer indexes.

On PostgreSQL (several seats): copy a generated history into an empty PostgreSQL database with
scripts/copy_to_postgresql.py and pass its URL as --db; the plain SQL then runs through psycopg on the same
server (the same statements, `?` as `%s`, SQLite's functions as PostgreSQL's).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, os.environ.get("BENCH_CODE") or str(Path(__file__).resolve().parents[2]))
sys.path.insert(1, str(Path(__file__).resolve().parents[2]))

from tests.bench.timing import median_ms

RESULTS: list[tuple[str, float, float | None]] = []


def report(name: str, app_ms: float, sql_ms: float | None) -> None:
    ratio = f"{app_ms / sql_ms:6.1f}x" if sql_ms else "      -"
    sql = f"{sql_ms:9.2f}" if sql_ms is not None else "        -"
    print(f"{name:<34} app {app_ms:9.2f} ms   sql {sql} ms   ratio {ratio}", flush=True)
    RESULTS.append((name, app_ms, sql_ms))


class PgPlain:
    """The plain-SQL side on PostgreSQL: sqlite3's execute(stmt, args).fetchall() over a psycopg connection."""

    def __init__(self, url: str):
        import psycopg
        from sqlalchemy import make_url
        from sqlalchemy.dialects import postgresql

        args, kwargs = postgresql.psycopg.dialect().create_connect_args(make_url(url))
        self.conn = psycopg.connect(*args, **kwargs, autocommit=True)

    def execute(self, stmt: str, args: tuple = ()):
        # `status || ''` is SQLite's planner trick (IncidentService.search); PostgreSQL gets the plain test, as there
        stmt = (stmt.replace("?", "%s").replace("status || '' IN", "status IN")
                .replace("datetime('now')", "now()").replace("BEGIN IMMEDIATE", "BEGIN")
                .replace("VALUES (%s, now(), now(), 2, 0, 'note', 'x', 0)", "VALUES (%s, now(), now(), 2, false, 'note', 'x', false)"))
        cur = self.conn.execute(stmt, args)
        return _Rows(cur.fetchall() if cur.description else [])

    def close(self) -> None:
        self.conn.close()


class _Rows(list):
    def fetchall(self):
        return list(self)

    def fetchone(self):
        return self[0] if self else None


def plain(db: str, **kw):
    return PgPlain(db) if db.startswith("postgresql") else sqlite3.connect(db, **kw)


def sql_ms(conn: sqlite3.Connection, *statements: tuple[str, tuple], runs: int = 20) -> float:
    def go():
        for stmt, args in statements:
            conn.execute(stmt, args).fetchall()
    return median_ms(go, runs)


# what the list shows of each line (IncidentService.SHOWN_COLUMNS), a page of 500 newest first; the open incidents'
# facts and sent reports, which their clocks (下一时限, 超时) are computed from
LIST_SQL = ("SELECT id, status, title, category, event_type_text, place, received_at, occurred_at, grade_confirmed,"
            " grade_suggested, deaths, injured FROM incident WHERE status || '' IN ('open', 'closed') {where}"
            " ORDER BY received_at DESC, id DESC LIMIT 500")
OPEN_FACTS_SQL = ("SELECT id, status, title, category, event_type_text, place, received_at, occurred_at, grade_confirmed,"
                  " grade_suggested, deaths, injured, seriously_injured, missing, trapped, economic_loss_cny, sensitive,"
                  " key_area, special_period, foreign_related, ongoing, handling_ended_at, closed_at, profile_key,"
                  " profile_version FROM incident WHERE status = 'open'")
OPEN_REPORTS_SQL = ("SELECT r.incident_id, r.id, r.kind, r.sequence, r.clock_id, r.sent_at, r.due_at FROM incident_report r"
                    " JOIN incident i ON i.id = r.incident_id WHERE i.status = 'open' AND r.sent_at IS NOT NULL")


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    if isinstance(conn, PgPlain):  # PostgreSQL searches with ILIKE: no text index tables
        return False
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone() is not None


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--db", required=True)
    args.add_argument("--only", default="")
    args.add_argument("--runs", type=int, default=10)
    args.add_argument("--all-terms", action="store_true",
                      help="the rare and absent search terms also without the text indexes (full scans)")
    opts = args.parse_args()
    only = set(filter(None, opts.only.split(",")))

    def want(name: str) -> bool:
        return not only or name in only

    os.environ["DUTYROOM_DB"] = opts.db
    from PySide6.QtWidgets import QApplication

    from dutyroom.domain.profile_loader import load_profile
    try:
        from dutyroom.domain.search_terms import match_query
    except ImportError:  # an older checkout (BENCH_CODE): no text indexes
        match_query = None
    from dutyroom.services.auth import AuthService
    from dutyroom.services.demo import DEMO_PASSWORD
    from dutyroom.services.incident_log import IncidentLogService
    from dutyroom.services.incident_reports import ReportService
    from dutyroom.services.incidents import IncidentService
    from dutyroom.store.database import Database

    app = QApplication.instance() or QApplication(sys.argv)
    db = Database(opts.db)
    profile = load_profile("dongcheng")
    auth = AuthService(db)
    officer = auth.login("zhouning", DEMO_PASSWORD)
    admin = auth.login("admin", DEMO_PASSWORD)
    leader = auth.login("luomin", DEMO_PASSWORD)
    conn = plain(opts.db)
    runs = opts.runs
    incidents, reports, log = IncidentService(db, profile), ReportService(db), IncidentLogService(db)
    open_id = conn.execute("SELECT max(id) FROM incident WHERE status = 'open'").fetchone()[0]

    def settle():
        for _ in range(3):
            app.processEvents()

    from dutyroom.ui.incidents_page import IncidentsPage

    page = None
    if only & {"list", "filter", "open", "note", "tick", "compose"} or not only:
        t = time.perf_counter()
        page = IncidentsPage(incidents, reports, log, officer)
        page.resize(1280, 800)
        page.show()
        settle()
        report("incident page first build+show", (time.perf_counter() - t) * 1000, None)
    if want("list"):
        report("incident list load", median_ms(page.refresh, runs), sql_ms(conn, (LIST_SQL.format(where=""), ()),
                                                                           (OPEN_FACTS_SQL, ()), (OPEN_REPORTS_SQL, ())))
    if want("filter"):
        def by(setter, reset):
            def go():
                setter()
                page.refresh()
                reset()
            return go
        idx = page.category.findData("accident")
        report("filter: category", median_ms(by(lambda: page.category.blockSignals(True) or page.category.setCurrentIndex(idx),
                                                 lambda: page.category.setCurrentIndex(0) or page.category.blockSignals(False)), runs),
               sql_ms(conn, (LIST_SQL.format(where="AND category = ?"), ("accident",)), (OPEN_FACTS_SQL, ()), (OPEN_REPORTS_SQL, ())))
        text_where = ("AND (title LIKE ? OR description LIKE ? OR address LIKE ? OR place LIKE ? OR caller_name LIKE ?"
                      " OR callback_phone LIKE ? OR event_type_text LIKE ? OR measures_taken LIKE ? OR trend LIKE ?)")
        fts = has_table(conn, "incident_fts") and match_query is not None
        for word, kind in (("燃气", "common"), ("脚手架", "rare"), ("地震", "absent")):
            if kind != "common" and not opts.all_terms and not fts:
                continue
            n = conn.execute(f"SELECT count(*) FROM incident WHERE TRUE {text_where}", (f"%{word}%",) * 9).fetchone()[0]
            # the plain SQL: the faster of a newest-first walk with LIKE and (with migration 0010) the text index
            walk = sql_ms(conn, (LIST_SQL.format(where=text_where), (f"%{word}%",) * 9), (OPEN_FACTS_SQL, ()), (OPEN_REPORTS_SQL, ()))
            best = walk if not fts else min(walk, sql_ms(conn, (LIST_SQL.format(
                where="AND id IN (SELECT rowid FROM incident_fts WHERE incident_fts MATCH ?) " + text_where),
                (match_query(word), *(f"%{word}%",) * 9)), (OPEN_FACTS_SQL, ()), (OPEN_REPORTS_SQL, ())))
            report(f"filter: text {word} ({n} {kind})", median_ms(by(
                lambda word=word: page.text.blockSignals(True) or page.text.setText(word),
                lambda: page.text.setText("") or page.text.blockSignals(False)), runs), best)
        since = (dt.datetime.now(dt.UTC) - dt.timedelta(days=31)).strftime("%Y-%m-%d %H:%M:%S")
        report("filter: last 30 days", median_ms(by(lambda: page.use_dates.blockSignals(True) or page.use_dates.setChecked(True),
                                                     lambda: page.use_dates.setChecked(False) or page.use_dates.blockSignals(False)), runs),
               sql_ms(conn, (LIST_SQL.format(where="AND received_at >= ?"), (since,)), (OPEN_FACTS_SQL, ()), (OPEN_REPORTS_SQL, ())))
    # what an incident tab shows: the incident and who took it, its lead units, its reports, its log lines with their
    # authors, and the district's reporting bound the deadlines need (issue 21: the baseline had been 3 bare SELECTs)
    event_type = conn.execute("SELECT event_type_text FROM incident WHERE id = ?", (open_id,)).fetchone()[0]
    detail_sql = (("SELECT i.*, u.display_name FROM incident i LEFT JOIN user_account u ON u.id = i.created_by_id"
                   " WHERE i.id = ?", (open_id,)),
                  ("SELECT o.name, o.duty_phone, a.role FROM organisation o JOIN lead_assignment a ON a.organisation_id"
                   " = o.id JOIN event_type e ON e.id = a.event_type_id WHERE e.profile_key = 'dongcheng' AND e.name = ?"
                   " AND a.valid_to IS NULL ORDER BY a.position", (event_type,)),
                  ("SELECT * FROM incident_report WHERE incident_id = ? ORDER BY id", (open_id,)),
                  ("SELECT l.*, u.display_name FROM incident_log l LEFT JOIN user_account u ON u.id = l.author_id"
                   " WHERE l.incident_id = ? ORDER BY l.id", (open_id,)),
                  ("SELECT value FROM setting WHERE key = 'report.escalation_minutes'", ()))
    if want("open"):
        from dutyroom.ui.incident_detail import IncidentDetail

        def open_once():
            d = IncidentDetail(incidents, reports, log, officer, open_id)
            d.deleteLater()
        report("open an incident", median_ms(open_once, runs), sql_ms(conn, *detail_sql))
    if want("compose"):
        report("compose a 续报", median_ms(lambda: reports.compose(officer, open_id, "followup"), runs),
               sql_ms(conn, *detail_sql))
    if want("tick") or want("note"):
        from dutyroom.ui.change_hub import ChangeHub

        hub = ChangeHub(db, page)
        hub.subscribe(page, {"incidents", "reports"}, page.refresh)
        detail = page.open_incident(open_id)
        detail.changed.connect(hub.flush)
        settle()
        if want("tick"):
            # the timer's second runs on the clock last read (no SQL); the read comes every 30 s and when a
            # deadline turns: both are timed, the read against the plain SQL of what it reads
            report("countdown tick (each second, no read)", median_ms(detail._second, runs * 3), None)
            report("countdown tick's read (every 30 s)", median_ms(detail.tick, runs * 3),
                   sql_ms(conn, ("SELECT * FROM incident WHERE id = ?", (open_id,)),
                          ("SELECT * FROM incident_report WHERE incident_id = ?", (open_id,))))
        if want("note"):
            def note():
                detail._run(lambda: log.add(officer, open_id, "基准测试：现场情况稳定"), "")
                settle()
            note_sql = (("BEGIN IMMEDIATE", ()), ("INSERT INTO incident_log (incident_id, happened_at, entered_at, author_id,"
                        " automatic, kind, text, stricken) VALUES (?, datetime('now'), datetime('now'), 2, 0, 'note', 'x', 0)",
                        (open_id,)), ("ROLLBACK", ()), *detail_sql, (LIST_SQL.format(where=""), ()))
            wconn = plain(opts.db, isolation_level=None)
            report("add a note (write, reload, list)", median_ms(note, max(3, runs // 2)), sql_ms(wconn, *note_sql))
            wconn.close()
        page.tabs.setCurrentIndex(0)
    if want("dashboard"):
        from dutyroom.services.warnings import WarningService
        from dutyroom.ui.active_warnings_panel import ActiveWarningsPanel
        from dutyroom.ui.deadlines_panel import DeadlinesPanel

        deadlines = DeadlinesPanel(reports, officer)
        warnings_panel = ActiveWarningsPanel(WarningService(db, profile))

        def dash():
            deadlines.refresh()
            warnings_panel.refresh()
        report("dashboard refresh", median_ms(dash, runs),
               sql_ms(conn, (OPEN_FACTS_SQL, ()), (OPEN_REPORTS_SQL, ()),
                      ("SELECT * FROM warning WHERE status = 'issued'", ())))
    if want("audit"):
        from dutyroom.services.audit_query import AuditQueryService
        from dutyroom.ui.audit_page import AuditPage

        svc = AuditQueryService(db, profile)
        t = time.perf_counter()
        audit_page = AuditPage(svc, admin)
        audit_page.resize(1280, 800)
        audit_page.show()
        settle()
        report("audit page first open", (time.perf_counter() - t) * 1000, sql_ms(conn, (
            "SELECT * FROM audit_log ORDER BY seq DESC LIMIT 201", ()), ("SELECT DISTINCT action FROM audit_log", ()),
            ("SELECT DISTINCT username FROM audit_log", ()), ("SELECT DISTINCT entity FROM audit_log", ()), runs=3))

        def add_entry():  # the page reloads on show when the log moved (another seat, a sign-in…)
            with db.write() as s:
                from dutyroom.store import audit
                audit.record(s, user_id=None, username="bench", action="bench.tick", entity="bench")

        def show_again() -> float:  # the entry is written before the clock starts: the page's reload is timed
            audit_page.hide()
            add_entry()
            t = time.perf_counter()
            audit_page.show()  # showEvent runs here: the newest number, the choices, the first page
            return (time.perf_counter() - t) * 1000
        page_sql = ("SELECT * FROM audit_log ORDER BY seq DESC LIMIT 201", ())
        again = sorted(show_again() for _ in range(runs))
        report("audit page open again (1 new entry)", again[len(again) // 2], sql_ms(conn, page_sql))
        week = (dt.date.today() - dt.timedelta(days=7))

        def filtered():
            audit_page.action.setCurrentIndex(max(audit_page.action.findData("incident.open"), 0))
            audit_page.use_from.setChecked(True)
            audit_page.date_from.setDate(week)
            audit_page.run_query()
            audit_page.action.setCurrentIndex(0)
            audit_page.use_from.setChecked(False)
        since = dt.datetime.combine(week, dt.time(0)).strftime("%Y-%m-%d %H:%M:%S")
        report("audit filter: action + week", median_ms(filtered, runs),
               sql_ms(conn, ("SELECT * FROM audit_log WHERE action = ? AND at >= ? ORDER BY seq DESC LIMIT 200",
                             ("incident.open", since))))
        audit_like = ("(entity_id LIKE ? OR username LIKE ? OR action LIKE ? OR CAST(before AS TEXT) LIKE ? OR"
                      " CAST(after AS TEXT) LIKE ? OR entity_id LIKE ? OR username LIKE ? OR action LIKE ? OR"
                      " CAST(before AS TEXT) LIKE ? OR CAST(after AS TEXT) LIKE ?)")
        fts = has_table(conn, "audit_fts") and match_query is not None
        for word, kind in (("燃气", "common"), ("脚手架", "rare"), ("地震", "absent")):
            if kind != "common" and not opts.all_terms and not fts:
                continue  # a full scan of a million entries, each time: only with --all-terms
            args_ = (*(f"%{word}%",) * 5, *(f"%{json.dumps(word)[1:-1]}%",) * 5)

            def searched(word=word):
                audit_page.text.setText(word)
                audit_page.run_query()
                audit_page.text.setText("")
            # a rare term's walk reads the whole log (seconds): with the index, the index query alone is the baseline
            walk = sql_ms(conn, (f"SELECT * FROM audit_log WHERE {audit_like} ORDER BY seq DESC LIMIT 201", args_),
                          runs=3) if kind == "common" or not fts else float("inf")
            best = walk if not fts else min(walk, sql_ms(conn, (
                f"SELECT a.* FROM audit_fts f JOIN audit_log a ON a.seq = f.rowid WHERE audit_fts MATCH ? AND {audit_like}"
                " ORDER BY f.rowid DESC LIMIT 201", (match_query(word), *args_)), runs=3))
            report(f"audit filter: text {word} ({kind})", median_ms(searched, max(3, runs // 2)), best)
    if want("statistics"):
        from dutyroom.services.statistics import StatisticsService

        stats = StatisticsService(db, profile)
        year = dt.date.today().year - 1
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        report(f"statistics for {year} (service)", median_ms(lambda: stats.period(leader, first, last), 3),
               sql_ms(conn, ("SELECT i.id, i.category, i.grade_confirmed, r.kind, r.sent_at, r.late_minutes FROM incident i"
                             " LEFT JOIN incident_report r ON r.incident_id = i.id WHERE i.received_at >= ? AND"
                             " i.received_at < ? AND i.status IN ('open', 'closed')", (f"{year - 1}-12-31 16:00:00",
                                                                                       f"{year}-12-31 16:00:00")), runs=3))
    if want("rss"):
        with open("/proc/self/status") as f:
            rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS"))
        print(f"{'RSS after the benches above':<34} {rss / 1024:9.0f} MB", flush=True)
    db.dispose()


if __name__ == "__main__":
    main()
