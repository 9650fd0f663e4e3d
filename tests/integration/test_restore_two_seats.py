"""Issue 17, finding 2 ("Restore loses data"): seat B keeps writing while seat A restores. Every write B was told
succeeded is in the live database (if it began after the restore) or in the safety copy of the replaced content (if
it was committed before the restore began) — and in one of the two whatever its timing; none goes to a file nobody
reads. A restore killed at random instants (≥ 30 runs) always leaves a working database, old or new, never none."""

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from dutyroom.services.actor import SYSTEM
from dutyroom.services.auth import AuthService
from dutyroom.services.maintenance import MaintenanceService
from dutyroom.store.audit import verify_chain
from dutyroom.store.backup import check_candidate, replace_in_place
from dutyroom.store.database import Database
from dutyroom.store.models import User
from tests.helpers.children import CHILDREN

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def _texts(path: Path) -> set[str]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {t for (t,) in con.execute("SELECT text FROM duty_log")}
    finally:
        con.close()


def test_seat_b_writes_through_a_restore_and_nothing_it_was_told_is_lost(people):
    auth, admin, _ = people
    m = MaintenanceService(auth.db)
    backup = m.backup_now(admin).path
    seat_b = subprocess.Popen([sys.executable, str(CHILDREN / "seat_writer.py"), auth.db.url, str(admin.id), "300"],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    lines = []
    while sum(line.startswith("ok") for line in lines) < 30:  # B is writing
        line = seat_b.stdout.readline()
        assert line, seat_b.stderr.read()
        lines.append(line)
    started = time.time()
    result = m.restore(admin, backup)  # seat A, while B goes on writing
    finished = time.time()
    out, err = seat_b.communicate(timeout=120)
    lines += out.splitlines()
    told = {int(p[1]): (float(p[2]), float(p[3])) for p in (line.split() for line in lines) if p[0] == "ok"}
    live, kept = _texts(Path(auth.db.url.removeprefix("sqlite:///"))), _texts(Path(result.replaced_kept_as))
    lost = sorted(n for n in told if f"seat-B #{n}" not in live | kept)
    assert not lost, f"writes reported as committed but in neither file: {lost[:10]}"
    before = [n for n, (_b, ended) in told.items() if ended < started]
    after = [n for n, (began, _e) in told.items() if began > finished]
    assert before and after, (len(before), len(after), err[-2000:])
    assert all(f"seat-B #{n}" in kept for n in before)  # committed before the restore: kept
    assert all(f"seat-B #{n}" in live for n in after)  # begun after it: in the live database, not a renamed file
    assert not list(Path(auth.db.url.removeprefix("sqlite:///")).parent.glob("*.replaced-*"))  # nothing renamed
    with auth.db.read() as s:
        assert verify_chain(s).ok
    print(f"{len(told)} writes told ok: {len(before)} before the restore (kept), {len(after)} after it (live), "
          f"restore took {finished - started:.2f} s")


RUNS = 30


def test_a_restore_killed_at_any_instant_leaves_the_old_or_the_new_database(demo_db, tmp_path):
    """SIGKILL at a random instant of the in-place replacement; the database always opens, passes the integrity
    check and the audit chain, and holds exactly the old or exactly the new users."""
    template = Path(demo_db.url.removeprefix("sqlite:///"))
    new = tmp_path / "backups" / "new.db"
    MaintenanceService(demo_db).backup_to_file(SYSTEM, new)
    assert check_candidate(new, live_url=demo_db.url).ok
    AuthService(demo_db).create_user(SYSTEM, "later", "后加用户", "duty-pass-2026", ["duty_officer"])
    demo_db.dispose()
    old_users, new_users = _users(template), _users(new)
    assert old_users != new_users
    # how long one replacement takes here: kill instants are drawn from a little more than that
    probe = tmp_path / "probe" / "live.db"
    probe.parent.mkdir()
    shutil.copy(template, probe)
    t0 = time.perf_counter()
    replace_in_place(new, probe, probe.parent / "safety.db", step_pages=1)
    span = time.perf_counter() - t0
    rng = random.Random(17)
    outcomes = {"old": 0, "new": 0}
    batch = 6  # children start (imports) side by side; each is then told "go" and killed alone
    for first in range(0, RUNS, batch):
        children = [_restore_child(tmp_path / f"run{run}", template, new) for run in range(first, first + batch)]
        for _folder, child in children:
            assert child.stdout.readline().strip() == "ready"
        for folder, child in children:
            child.stdin.write("go\n")
            child.stdin.flush()
            time.sleep(rng.uniform(0, span * 1.3))
            os.kill(child.pid, signal.SIGKILL)
            child.communicate()
            outcomes[_old_or_new(folder, old_users, new_users)] += 1
    print(f"{RUNS} kills within {span * 1000:.0f} ms restores: {outcomes}")
    assert outcomes["old"] and outcomes["new"], outcomes  # the kills fell both before and after the commit


def _restore_child(folder: Path, template: Path, new: Path):
    folder.mkdir()
    shutil.copy(template, folder / "live.db")
    return folder, subprocess.Popen([sys.executable, str(CHILDREN / "restore_child.py"), str(new),
                                     str(folder / "live.db"), str(folder / "safety.db"), "1"], cwd=ROOT,
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=ENV)


def _old_or_new(folder: Path, old_users: set[str], new_users: set[str]) -> str:
    live = folder / "live.db"
    assert live.exists()  # never none
    db = Database(f"sqlite:///{live}")
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        with db.read() as s:
            users = set(s.scalars(select(User.username)))
            assert verify_chain(s).ok
    finally:
        db.dispose()
    assert users in (old_users, new_users), f"{folder.name}: neither the old nor the new database"
    safety = folder / "safety.db"
    if safety.exists():  # a finished safety copy is the old database, whole
        assert _users(safety) == old_users
    return "old" if users == old_users else "new"


def _users(path: Path) -> set[str]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {u for (u,) in con.execute("SELECT username FROM user_account")}
    finally:
        con.close()
