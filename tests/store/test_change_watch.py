"""What changed, without Qt: the topics of this seat's writes and the watcher of other seats' writes
(SQLite PRAGMA data_version; PostgreSQL LISTEN/NOTIFY)."""

from __future__ import annotations

import sqlite3
import time

from sqlalchemy import text

from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.actor import SYSTEM
from dutyroom.services.auth import AuthService
from dutyroom.services.demo import DEMO_PASSWORD, install_demo
from dutyroom.services.incidents import IncidentService
from dutyroom.services.reference_data import load_reference_data, set_setting
from dutyroom.store.change_watch import ALL_TOPICS
from dutyroom.store.database import Database
from tests.helpers.incidents import RECEIVED, intake


def test_a_write_reports_the_areas_it_touched_and_a_write_that_changed_nothing_reports_none(desk):
    heard: list[frozenset[str]] = []
    desk.db.on_commit(heard.append)
    desk.incidents().register(desk["zhouning"], intake(), now=RECEIVED)
    assert heard and {"incidents", "audit"} <= set().union(*heard) and "warnings" not in set().union(*heard)
    heard.clear()
    with desk.db.write() as s:
        s.execute(text("SELECT 1"))  # a transaction that wrote nothing
    assert heard == []


def test_watch_is_quiet_until_another_connection_commits_and_fires_once(desk):
    watch = desk.db.open_change_watch()
    assert watch.poll() == frozenset() and watch.poll() == frozenset()  # its own polling changes nothing
    other = Database(desk.db.url)  # a second seat: another process's engine on the same file
    try:
        AuthService(other).create_user(SYSTEM, "second", "第二席位", "duty-pass-2026", ["duty_officer"])
    finally:
        other.dispose()
    assert watch.poll() == ALL_TOPICS  # SQLite cannot say which tables: every page refreshes
    assert watch.poll() == frozenset()


def test_watch_holds_no_lock_between_polls(desk):
    """A writer and a full checkpoint never wait for the watcher (no read transaction kept open)."""
    watch = desk.db.open_change_watch()
    watch.poll()
    desk.incidents().register(desk["zhouning"], intake(), now=RECEIVED)
    watch.poll()
    con = sqlite3.connect(desk.db.engine.url.database, isolation_level=None)
    try:
        busy, _log, _done = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        con.close()
    assert busy == 0


def test_poll_is_cheap_on_the_demo_database(desk):
    watch = desk.db.open_change_watch()
    n = 2000
    start = time.perf_counter()
    for _ in range(n):
        watch.poll()
    per_poll = (time.perf_counter() - start) / n
    print(f"change watch poll: {per_poll * 1e6:.1f} µs")
    assert per_poll < 0.005  # a 1-second timer spends well under 1 % of the GUI thread on it


def test_dispose_closes_the_watch_and_the_next_poll_reopens_reporting_everything(desk):
    watch = desk.db.open_change_watch()
    desk.db.dispose()  # what a restore does before it replaces the file
    assert watch.poll() == ALL_TOPICS and watch.poll() == frozenset()


# ------------------------------------------------------------------ PostgreSQL


def test_postgresql_seats_hear_each_others_topics_and_not_their_own(pg_server):
    url = pg_server.create_database("dutyroom_changes")
    first, second = Database(url), Database(url)
    try:
        first.migrate()
        profile = load_profile("dongcheng")
        load_reference_data(first, profile)
        set_setting(first, "profile", "dongcheng")
        install_demo(first, profile)
        watch_first, watch_second = first.open_change_watch(), second.open_change_watch()
        assert watch_first.poll() == frozenset() and watch_second.poll() == frozenset()
        officer = AuthService(first).login("zhouning", DEMO_PASSWORD)
        watch_first.poll(), watch_second.poll()  # the sign-in's own writes
        IncidentService(first, profile).register(officer, intake(), now=RECEIVED)
        deadline = time.monotonic() + 5
        heard: set[str] = set()
        while "incidents" not in heard and time.monotonic() < deadline:
            heard |= watch_second.poll()
            time.sleep(0.05)
        assert {"incidents", "audit"} <= heard and "warnings" not in heard
        assert watch_first.poll() == frozenset()  # the writing seat announced it at its commit already
        assert watch_second.poll() == frozenset()
        start = time.perf_counter()
        for _ in range(200):
            watch_second.poll()
        print(f"PostgreSQL change watch poll: {(time.perf_counter() - start) / 200 * 1e6:.1f} µs")
    finally:
        first.dispose()
        second.dispose()
