"""Benchmark: a year's 统计报表 over a generated history database (issue 21) — the count (service), the PDF and the
workbook, beside the plain SQL that reads the same incidents and reports, in the same run on the same file.

    .venv/bin/python tests/bench/bench_statistics.py --db /work/bench/history10.db [--year 2025] [--runs 5]

Read-only (the files are written to a temporary folder). The GUI runs all three on a worker thread with a bar
(ui/statistics_page.py, ui/print_support.py); this measures how long that bar runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.timing import median_ms

SQL = ("SELECT i.id, i.category, i.grade_confirmed, i.place, i.received_at, r.kind, r.sent_at, r.late_minutes"
       " FROM incident i LEFT JOIN incident_report r ON r.incident_id = i.id AND r.sent_at IS NOT NULL"
       " WHERE i.received_at >= ? AND i.received_at < ? AND i.status IN ('open', 'closed')")


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--db", required=True)
    args.add_argument("--year", type=int, default=dt.date.today().year - 1)
    args.add_argument("--runs", type=int, default=5)
    opts = args.parse_args()

    from dutyroom.domain.profile_loader import load_profile
    from dutyroom.services.auth import AuthService
    from dutyroom.services.demo import DEMO_PASSWORD
    from dutyroom.services.exports import ReportExporter
    from dutyroom.store.database import Database

    db = Database(opts.db)
    leader = AuthService(db).login("luomin", DEMO_PASSWORD)
    exporter = ReportExporter(db, load_profile("dongcheng"))
    first, last = dt.date(opts.year, 1, 1), dt.date(opts.year, 12, 31)
    conn = sqlite3.connect(opts.db)
    bounds = (f"{opts.year - 1}-12-31 16:00:00", f"{opts.year}-12-31 16:00:00")
    sql = median_ms(lambda: conn.execute(SQL, bounds).fetchall(), opts.runs)
    steps: list[float] = []

    def progress(done, total, text=""):
        steps.append(time.perf_counter())

    count = median_ms(lambda: exporter.statistics(leader, first, last, progress=progress), opts.runs)
    gaps = [b - a for a, b in itertools.pairwise(steps)]
    folder = tempfile.mkdtemp()
    pdf = median_ms(lambda: exporter.statistics_pdf(leader, first, last, os.path.join(folder, "s.pdf")), 1)
    xlsx = median_ms(lambda: exporter.statistics_xlsx(leader, first, last, os.path.join(folder, "s.xlsx")), 1)
    for name, ms in ((f"statistics {opts.year} (service)", count), ("  as PDF", pdf), ("  as XLSX", xlsx)):
        print(f"{name:<34} app {ms:9.1f} ms   sql {sql:7.1f} ms   ratio {ms / sql:6.1f}x", flush=True)
    print(f"longest gap between two progress calls: {1000 * max(gaps):.0f} ms", flush=True)
    db.dispose()


if __name__ == "__main__":
    main()
