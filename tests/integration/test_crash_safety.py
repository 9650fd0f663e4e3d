"""Killing the process at any moment loses no committed data and leaves no half-written record."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from dutyroom.services.actor import SYSTEM
from dutyroom.services.auth import AuthService
from dutyroom.store.audit import verify_chain
from dutyroom.store.database import Database
from dutyroom.store.models import AuditEntry, DutyLogEntry
from tests.helpers.children import CHILDREN

ROOT = Path(__file__).resolve().parents[2]
KILLS = 50


def test_kill_minus_9_writer_repeatedly(db):
    author = AuthService(db).create_user(SYSTEM, "writer", "写入进程", "duty-pass-2026", ["duty_officer"])
    rng = random.Random(9)
    committed: set[int] = set()
    for _ in range(KILLS):
        proc = subprocess.Popen([sys.executable, str(CHILDREN / "crash_writer.py"), db.url, str(author.id)],
                                cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        first = proc.stdout.readline()  # wait until it is writing
        assert first.strip().isdigit(), first
        committed.add(int(first))
        time.sleep(rng.uniform(0.0, 0.15))
        os.kill(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        committed |= {int(x) for x in out.split() if x.isdigit()}
    check = Database(db.url)
    with check.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    with check.read() as s:
        ids = set(s.scalars(select(DutyLogEntry.id)))
        assert committed <= ids, f"lost committed rows: {sorted(committed - ids)[:5]}"
        # no half-written record: every log row has its audit entry and the chain is whole
        audited = s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "dutylog.add"))
        assert audited == len(ids)
        assert verify_chain(s).ok
    check.dispose()
    print(f"{KILLS} kills, {len(committed)} committed rows seen, {len(ids)} rows in the database")


def test_two_seats_write_the_same_file_without_database_is_locked(db):
    """Two app instances on one SQLite file: writers queue (BEGIN IMMEDIATE + busy timeout), none fails."""
    author = AuthService(db).create_user(SYSTEM, "writer", "写入进程", "duty-pass-2026", ["duty_officer"])
    procs = [subprocess.Popen([sys.executable, str(CHILDREN / "crash_writer.py"), db.url, str(author.id), "300"],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}) for _ in range(2)]
    results = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in err
        assert len(out.split()) == 300
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(DutyLogEntry)) == 600
        assert verify_chain(s).ok
