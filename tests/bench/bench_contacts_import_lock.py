"""Benchmark (issue 17, finding 9): how long another seat's write waits while a large contacts import runs.

Run: .venv/bin/python tests/bench/bench_contacts_import_lock.py [ROWS]   (default 9000)

Seat A (a child process) imports ROWS new people; seat B (this process, its own connection) adds duty-log
entries in a loop. Prints the import's duration, how many writes B made and B's median and longest wait.
Never gates anything on time (tests/services/test_contacts_import_off_lock.py does, with 3,000 rows).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from dutyroom.store.database import Database
from tests.helpers.databases import build_demo
from tests.services.test_contacts_import_off_lock import contacts_file, seat_b_waits_during_import


def main(rows: int) -> None:
    folder = Path(tempfile.mkdtemp())
    db = Database(f"sqlite:///{folder / 'bench.db'}")
    db.migrate()
    build_demo(db)
    path = folder / "contacts.xlsx"
    path.write_bytes(contacts_file(rows))
    waits, out = seat_b_waits_during_import(db, path)
    print(out)
    print(f"seat B: {len(waits)} writes, median {statistics.median(waits) * 1000:.0f} ms, "
          f"longest {max(waits) * 1000:.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 9000)
