"""A fatal error leaves a trace in the log folder, and the next start reports it with what was open."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dutyroom.crash_guard import FATAL_LOG, CrashGuard

ROOT = Path(__file__).resolve().parents[2]


def run_child(log_dir: Path, ending: str) -> subprocess.CompletedProcess:
    code = textwrap.dedent(f"""
        import os, sys
        from dutyroom.crash_guard import CrashGuard
        guard = CrashGuard({str(log_dir)!r})
        guard.start()
        guard.note_open(user="zhouning", open_items=["值班总览", "东四街道道路交通事故"])
        {ending}
    """)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_an_abort_leaves_a_trace_and_the_next_start_says_what_was_open(tmp_path):
    child = run_child(tmp_path, "os.abort()")
    assert child.returncode != 0
    trace = (tmp_path / FATAL_LOG).read_text(encoding="utf-8")
    assert "Fatal Python error: Aborted" in trace

    found = CrashGuard(tmp_path).start()
    assert len(found) == 1
    earlier = found[0]
    assert earlier.user == "zhouning"
    assert earlier.open == ["值班总览", "东四街道道路交通事故"]
    assert "Fatal Python error: Aborted" in earlier.trace
    assert "上次程序异常退出" in earlier.text() and "东四街道道路交通事故" in earlier.text()
    assert "ended abnormally" in earlier.text(en=True)


def test_it_is_reported_once(tmp_path):
    run_child(tmp_path, "os.abort()")
    first = CrashGuard(tmp_path, pid=10**7 + 1)
    assert len(first.start()) == 1
    first.stop()
    assert CrashGuard(tmp_path, pid=10**7 + 2).start() == []


def test_a_clean_exit_is_not_reported(tmp_path):
    child = run_child(tmp_path, "guard.stop(); sys.exit(0)")
    assert child.returncode == 0
    assert CrashGuard(tmp_path).start() == []


def test_an_exit_without_stop_through_the_interpreter_is_not_an_abort_but_is_noticed(tmp_path):
    # The app registers stop() with atexit; a process killed outright (power cut, kill -9) leaves its marker.
    child = run_child(tmp_path, "os._exit(1)")
    assert child.returncode == 1
    found = CrashGuard(tmp_path).start()
    assert [f.user for f in found] == ["zhouning"]
    assert found[0].trace == ""  # no fatal error: nothing but the marker


def test_a_second_copy_still_running_is_not_taken_for_a_crash(tmp_path):
    running = CrashGuard(tmp_path)  # this process: alive
    running.start()
    assert CrashGuard(tmp_path, pid=10**7 + 3).start() == []
    running.stop()


def test_the_app_says_so_at_start_after_an_abnormal_exit(qtbot, monkeypatch, caplog):
    import json

    from PySide6.QtWidgets import QMessageBox

    from dutyroom import app

    dead = subprocess.Popen(["true"])
    dead.wait()
    log_dir = app.log_dir()
    log_dir.mkdir(parents=True, exist_ok=True)
    (log_dir / f"running-{dead.pid}.json").write_text(json.dumps(
        {"pid": dead.pid, "started_at": "2026-12-04 02:10:00", "user": "zhouning", "open": ["事件", "和平里街道火灾事故"]},
        ensure_ascii=False), encoding="utf-8")
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append((box.windowTitle(), box.text())) or 0)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    guard = app._install_excepthook()
    try:
        assert shown and shown[0][0] == "上次程序异常退出"
        assert "和平里街道火灾事故" in shown[0][1] and "2026-12-04 02:10:00" in shown[0][1]
        assert "ended abnormally" in caplog.text  # and in the app's log
    finally:
        guard.stop()
    assert not list(log_dir.glob("running-*.json"))


@pytest.mark.parametrize("screen", ["signed-in", "locked"])
def test_a_terminate_signal_ends_the_program_cleanly(tmp_path, template_db, screen):
    """A desktop logout or shutdown sends SIGTERM: the user is signed out, the exit backup runs, and the next
    start does not report an abnormal exit (a kill -9 or a power cut still would). The same with the session
    locked (the unlock dialog refuses to close, which made Qt 6 ignore the request to quit)."""
    import json
    import os

    from sqlalchemy import select

    from dutyroom.store.database import Database
    from dutyroom.store.models import AuditEntry
    from tests.helpers.children import CHILDREN
    from tests.helpers.databases import build_demo

    template_db("demo", build_demo, file="seat.db").dispose()
    state = tmp_path / "state"
    env = {**os.environ, "DUTYROOM_DB": f"sqlite:///{tmp_path / 'seat.db'}", "QT_QPA_PLATFORM": "offscreen",
           "XDG_STATE_HOME": str(state), "PYTHONPATH": str(ROOT)}
    child = subprocess.run([sys.executable, str(CHILDREN / "term_child.py"), screen], env=env, capture_output=True,
                           text=True, timeout=120)
    assert child.returncode == 0, child.stderr
    said = [json.loads(line) for line in child.stdout.strip().splitlines() if line.startswith("{")]
    assert said[-1] == {"code": 0}
    assert ({"locked": True} in said) == (screen == "locked")
    db = Database(f"sqlite:///{tmp_path / 'seat.db'}")
    try:
        with db.read() as s:
            entries = list(s.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
        assert [(e.username, (e.after or {}).get("reason")) for e in entries if e.action == "logout"] == [
            ("zhouning", "exit")]
        assert "exit" in [e.after["reason"] for e in entries if e.action == "backup.run"]
    finally:
        db.dispose()
    log_dir = state / "dutyroom" / "log"
    assert not list(log_dir.glob("running-*.json"))
    assert CrashGuard(log_dir, pid=10**7 + 4).start() == []
