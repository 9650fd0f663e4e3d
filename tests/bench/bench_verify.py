"""Benchmark: `verify` against a plain streaming walk of the same chain and seals, in the same run (issue 21).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/bench_verify.py --db /work/bench/history10.db [--cli]

Prints, for the audit chain and for the row seals, the app's time (store/audit.verify_chain and
store/row_seal.verify_seals, what AuditQueryService.verify and `python -m dutyroom verify` run), the time of a
plain walk (a sqlite3 cursor over the rows in order, the same HMAC through the same entry_mac / row_mac) and the
ratio, each run in its own child process with that process's peak RSS. With --cli, the whole
command (`python -m dutyroom verify`, integrity check included) in a child process, against a child running the
walk plus the same integrity check. Read-only: nothing is written to the database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hmac
import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, os.environ.get("BENCH_CODE") or str(ROOT))
sys.path.insert(1, str(ROOT))


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def walk_chain(path: str, key: bytes) -> int:
    """The chain as a plain streaming walk: sqlite3 cursor iteration, the same HMAC."""
    from dutyroom.store.audit import GENESIS, entry_mac

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    prev, n = GENESIS, 0
    for (seq, at, user_id, username, workstation, action, entity, entity_id, before, after, prev_hash,
         mac) in con.execute("SELECT seq, at, user_id, username, workstation, action, entity, entity_id, before, after,"
                             " prev_hash, hash FROM audit_log ORDER BY seq"):
        when = dt.datetime.fromisoformat(at).replace(tzinfo=dt.UTC)
        digest = entry_mac(key, prev_hash, seq, when, user_id, username, workstation, action, entity, entity_id,
                           json.loads(before) if before is not None else None,
                           json.loads(after) if after is not None else None)
        if prev_hash != prev or not hmac.compare_digest(digest, mac or ""):
            raise SystemExit(f"walk: entry {seq} does not verify")
        prev, n = mac, n + 1
    con.close()
    return n


def walk_seals(path: str, key: bytes) -> int:
    """Every sealed row as a plain streaming walk, the same row_mac."""
    from dutyroom.store.row_seal import SEALED, row_mac

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    n = 0
    for table in SEALED:
        cur = con.execute(f"SELECT * FROM {table} ORDER BY id")
        names = [d[0] for d in cur.description]
        for values in cur:
            row = dict(zip(names, values, strict=True))
            if not hmac.compare_digest(row["row_mac"] or "", row_mac(key, table, row)):
                raise SystemExit(f"walk: {table} row {row['id']} does not verify")
            n += 1
    con.close()
    return n


def part(name: str, path: str) -> tuple[float, int]:
    """Run one part in this process: (seconds, rows checked)."""
    from dutyroom.store.audit_key import load_key

    key = load_key(f"sqlite:///{path}")
    if name.endswith("-walk"):
        t = time.perf_counter()
        n = walk_chain(path, key) if name == "chain-walk" else walk_seals(path, key)
        return time.perf_counter() - t, n
    from dutyroom.store.audit import verify_chain
    from dutyroom.store.database import Database
    from dutyroom.store.row_seal import verify_seals

    db = Database(path)
    t = time.perf_counter()
    if name == "chain-app":
        with db.read() as s:
            report = verify_chain(s)
        assert report.ok, report.problem_en
        n = report.entries
    else:
        with db.engine.connect() as conn:
            seals = verify_seals(conn)
        assert seals.ok, seals.problem_en
        n = seals.rows
    seconds = time.perf_counter() - t
    db.dispose()
    return seconds, n


def child(argv: list[str]) -> tuple[str, float]:
    """(stdout, peak RSS in MB) of a child process running this script or the command line."""
    done = subprocess.run([sys.executable, *argv], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    if done.returncode:
        raise SystemExit(done.stderr)
    return done.stdout, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--db", required=True)
    args.add_argument("--cli", action="store_true", help="also time the whole command in child processes")
    args.add_argument("--part", help=argparse.SUPPRESS)  # a child: chain-app, chain-walk, seals-app, seals-walk
    args.add_argument("--walk-only", action="store_true", help=argparse.SUPPRESS)  # the --cli baseline's child
    opts = args.parse_args()
    if opts.part:
        seconds, n = part(opts.part, opts.db)
        print(f"{seconds} {n} {_peak_rss_mb()}")
        return
    if opts.walk_only:
        from dutyroom.store.audit_key import load_key

        key = load_key(f"sqlite:///{opts.db}")
        con = sqlite3.connect(f"file:{opts.db}?mode=ro", uri=True)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        con.close()
        print(walk_chain(opts.db, key), walk_seals(opts.db, key))
        return
    for what in ("chain", "seals"):
        figures = {}
        for side in ("app", "walk"):  # each in its own process: its own time and its own peak memory
            out, _ = child([__file__, "--db", opts.db, "--part", f"{what}-{side}"])
            seconds, n, rss = out.split()
            figures[side] = (float(seconds), int(n), float(rss))
        (app_s, n, app_rss), (walk_s, walk_n, walk_rss) = figures["app"], figures["walk"]
        assert n == walk_n, (n, walk_n)
        name = f"audit chain ({n:,})" if what == "chain" else f"row seals ({n:,})"
        print(f"{name:<22} app {app_s:8.2f} s (peak RSS {app_rss:5.0f} MB)   walk {walk_s:8.2f} s (peak RSS"
              f" {walk_rss:5.0f} MB)   ratio {app_s / walk_s:5.2f}x", flush=True)
    if opts.cli:
        t = time.perf_counter()
        child(["-m", "dutyroom", "verify", "--db", opts.db])
        app_s = time.perf_counter() - t
        t = time.perf_counter()
        _, rss = child([__file__, "--db", opts.db, "--walk-only"])
        walk_s = time.perf_counter() - t
        print(f"{'verify (whole command)':<22} app {app_s:8.2f} s   walk {walk_s:8.2f} s   ratio {app_s / walk_s:5.2f}x"
              f"   (process start included; peak RSS of the children {rss:.0f} MB)", flush=True)


if __name__ == "__main__":
    main()
