"""Copy a dutyroom SQLite database into an empty PostgreSQL database (issue 21: the benchmarks on PostgreSQL).

    .venv/bin/python scripts/generate_history.py --db /work/bench/history1.db --years 1 --per-year 10000
    DUTYROOM_AUDIT_KEY=/work/bench/dutyroom-audit.key \\
        .venv/bin/python scripts/copy_to_postgresql.py --from /work/bench/history1.db --to postgresql+psycopg://…/dutyroom
    DUTYROOM_AUDIT_KEY=/work/bench/dutyroom-audit.key QT_QPA_PLATFORM=offscreen \\
        .venv/bin/python tests/bench/bench_history.py --db postgresql+psycopg://…/dutyroom

The target is migrated to this program's schema (the source must be at the same revision), then every table of the
models is copied with COPY, in one transaction, the id sequences are moved past the copied ids, the rows with a seal
are sealed again (a seal covers the stored row in the driver's own representation, which differs between SQLite and
PostgreSQL; the content is the same) and the planner's statistics are gathered. The audit chain is copied as it
is: it stays valid under the same key, so point DUTYROOM_AUDIT_KEY at the source's key file (SQLite keeps it beside
the database; PostgreSQL seats read it from the user config folder otherwise).

A tool for measurements and for moving a one-seat room to a server; the app never runs it.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text

from dutyroom.store.audit_key import load_key
from dutyroom.store.database import Database
from dutyroom.store.models import Base
from dutyroom.store.row_seal import SEALED, row_mac


def copy(source: Path, url: str, *, batch: int = 5000) -> dict[str, int]:
    target = Database(url)
    if target.is_sqlite:
        raise SystemExit("--to must be a PostgreSQL URL")
    target.migrate()
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    (src_rev,), (dst_rev,) = (src.execute("SELECT version_num FROM alembic_version").fetchone(),
                              target.engine.connect().execute(text("SELECT version_num FROM alembic_version")).one())
    if src_rev != dst_rev:
        raise SystemExit(f"the source is at schema {src_rev}, this program at {dst_rev}: run `init --db` on it first")
    counts: dict[str, int] = {}
    raw = target.engine.raw_connection()
    try:
        conn = raw.driver_connection  # psycopg
        with conn.transaction():
            conn.execute("SET LOCAL session_replication_role = replica")  # rows in any order (self references)
            for table in Base.metadata.sorted_tables:
                if table.name == "alembic_version":
                    continue
                src_cols = [r[1] for r in src.execute(f"PRAGMA table_info({table.name})")]
                cols = [c.name for c in table.columns if c.name in src_cols]
                if conn.execute(f"SELECT 1 FROM {table.name} LIMIT 1").fetchone():  # e.g. a row the migration wrote
                    conn.execute(f"DELETE FROM {table.name}")
                quoted = ", ".join(f'"{c}"' for c in cols)
                n = 0
                with conn.cursor().copy(f"COPY {table.name} ({quoted}) FROM STDIN") as out:
                    for row in src.execute(f"SELECT {quoted} FROM {table.name}"):
                        out.write_row(row)
                        n += 1
                counts[table.name] = n
                if "id" in cols and n:
                    conn.execute(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                 f"(SELECT max(id) FROM {table.name}))")
                print(f"  {table.name:<28} {n:>9} rows", flush=True)
        raw.commit()
    finally:
        raw.close()
    reseal(target)
    with target.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("ANALYZE"))
    target.dispose()
    return counts


def reseal(db: Database, batch: int = 2000) -> None:
    """Every sealed row's seal, computed again from the row as PostgreSQL hands it back."""
    with db.engine.begin() as conn:
        key = load_key(db.engine.url, create=False)
        for table in SEALED:
            last, done = 0, 0
            while True:
                rows = conn.execute(text(f"SELECT * FROM {table} WHERE id > :last ORDER BY id LIMIT {batch}"),
                                    {"last": last}).mappings().all()
                if not rows:
                    break
                conn.execute(text(f"UPDATE {table} SET row_mac = :mac WHERE id = :id"),
                             [{"mac": row_mac(key, table, dict(r)), "id": r["id"]} for r in rows])
                last, done = rows[-1]["id"], done + len(rows)
            print(f"  sealed {table:<21} {done:>9} rows", flush=True)


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    args.add_argument("--from", dest="source", required=True, type=Path)
    args.add_argument("--to", dest="url", required=True)
    opts = args.parse_args()
    t0 = time.perf_counter()
    counts = copy(opts.source, opts.url)
    print(f"copied {sum(counts.values())} rows in {time.perf_counter() - t0:.1f} s", flush=True)


if __name__ == "__main__":
    main()
