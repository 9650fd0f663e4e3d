"""Benchmark: the fixed cost of one read in the app's stack, against the plain SQL of the same read (issue 21).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/bench_floor.py --db /work/bench/history10.db

Issue 21 asks every interactive action to stay within 3× the plain SQL that fetches what its screen shows. Where
that SQL is a few index lookups (an incident tab, a countdown tick, the dashboard, a search that finds one row) it
takes 0.01–0.06 ms on SQLite, and every step the app must take around it costs more than that on its own. This
prints those steps, each timed alone in the same run, beside a sqlite3 select of one row by its key:

- the rights re-check every service call makes first (`services/actor.current`: a connection and one query, so a
  right taken away mid-session refuses the next command),
- a SQLAlchemy session opened and closed around one Core select by key, and the same select on an open connection,
- an ORM `session.get` of the incident,
- Qt: one table cell set (QTableWidgetItem), one label's text, one rich-text box (the incident's facts),
- a whole service call the incident tab makes (`ReportService.clock`, the tick's read).

Medians of repeated runs (tests/bench/timing.py). Read-only.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.timing import median_ms


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--db", required=True)
    args.add_argument("--runs", type=int, default=200)
    opts = args.parse_args()
    os.environ["DUTYROOM_DB"] = opts.db
    from PySide6.QtWidgets import QApplication, QLabel, QTableWidget, QTableWidgetItem, QTextBrowser
    from sqlalchemy import select

    from dutyroom.domain.profile_loader import load_profile
    from dutyroom.services.actor import current
    from dutyroom.services.auth import AuthService
    from dutyroom.services.demo import DEMO_PASSWORD
    from dutyroom.services.incident_reports import ReportService
    from dutyroom.store.database import Database
    from dutyroom.store.models import Incident, table_columns

    app = QApplication.instance() or QApplication(sys.argv)
    db = Database(opts.db)
    load_profile("dongcheng")
    officer = AuthService(db).login("zhouning", DEMO_PASSWORD)
    conn = sqlite3.connect(opts.db)
    open_id = conn.execute("SELECT max(id) FROM incident WHERE status = 'open'").fetchone()[0]
    runs = opts.runs
    plain = median_ms(lambda: conn.execute("SELECT id, title FROM incident WHERE id = ?", (open_id,)).fetchall(), runs)

    def line(name: str, ms: float) -> None:
        print(f"{name:<66} {ms:8.3f} ms   {ms / plain:7.1f}x the plain select", flush=True)

    line("plain sqlite3: one incident by id", plain)
    line("rights re-check (services/actor.current)", median_ms(lambda: current(db, officer), runs))
    by_id = select(*table_columns(Incident.id, Incident.title)).where(Incident.id == open_id)

    def in_session():
        with db.read() as s:
            s.connection().execute(by_id).all()
    line("SQLAlchemy: session opened, one Core select, closed", median_ms(in_session, runs))
    with db.read() as s:
        c = s.connection()
        line("SQLAlchemy: one Core select on an open connection", median_ms(lambda: c.execute(by_id).all(), runs))
        line("SQLAlchemy ORM: session.get of the incident (identity map cleared)",
             median_ms(lambda: (s.expunge_all(), s.get(Incident, open_id)), runs))
    table = QTableWidget(40, 6)
    line("Qt: one table cell set (QTableWidgetItem)", median_ms(lambda: table.setItem(3, 2, QTableWidgetItem("首报")), runs))
    label = QLabel()
    texts = iter(range(10**9))
    line("Qt: one label's text", median_ms(lambda: label.setText(f"续报 {next(texts)}"), runs))
    facts = QTextBrowser()
    html = "<table>" + "".join(f"<tr><td><b>项目{k}</b></td><td>内容{k}</td></tr>" for k in range(14)) + "</table>"
    line("Qt: the facts box's rich text (14 rows)", median_ms(lambda: facts.setHtml(html), runs // 4))
    reports = ReportService(db)
    line("a whole service call: ReportService.clock (the tick's read)",
         median_ms(lambda: reports.clock(officer, open_id), runs // 4))
    app.processEvents()
    db.dispose()


if __name__ == "__main__":
    main()
