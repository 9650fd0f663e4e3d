"""Benchmark: start to the first painted, signed-in main window; resident memory with the incident list open.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/bench_start.py --db /work/bench/history10.db [--runs 3]
    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/bench_start.py --demo   # a fresh demo database

Each run starts a new process that runs dutyroom.app.main() with the sign-in dialog answered by the demo user
(zhouning / the demo password) and stops at the first paint of the main window; the parent times it from
just before the process starts. The child's own CPU time up to that paint is printed too: on a machine shared
with other work the wall time varies run to run, the CPU time much less. The baseline, in the same run: a process
that shows a bare QMainWindow and stops at its first paint. With --rss the child then opens the 事件 page and reports its resident memory.
No backup on exit (the child leaves by os._exit at once).

The sign-in is answered without showing its dialog (no typing time is counted), but the password check itself
runs: scrypt with the work factor of services/passwords.py, a fixed cost by design, printed on its own line
("of which the password check") so it can be told from the rest. Also printed: the time to the first thing a
user sees, the sign-in dialog painted (a run that stops there).

Run it with bytecode caching on (unset PYTHONDONTWRITEBYTECODE), as an installed program runs: the first
(warm-up) run writes the .pyc files.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def child(mode: str, t0: float) -> None:
    sys.path.insert(0, os.environ.get("BENCH_CODE") or str(ROOT))
    if mode != "bare":  # as main.py starts the program: the Qt-free modules before Qt (absent in older code)
        try:
            import dutyroom.services.startup  # noqa: F401
        except ImportError:
            pass
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    class FirstPaint(QObject):
        def __init__(self, window, then):
            super().__init__(window)
            self.then = then

        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint:
                watched.removeEventFilter(self)
                ms = (time.time() - t0) * 1000
                use = resource.getrusage(resource.RUSAGE_SELF)
                print(f"CPU {(use.ru_utime + use.ru_stime) * 1000:.1f}", flush=True)
                QTimer.singleShot(0, lambda: self.then(watched, ms))
            return False

    def leave() -> None:
        """At once (no backup on exit), but as a clean end for the crash guard: its marker is removed (atexit), so
        the next run does not spend time on the 上次程序异常退出 notice that no real start would show."""
        import atexit

        atexit._run_exitfuncs()
        os._exit(0)

    def done(_window, ms: float) -> None:
        print(f"PAINTED {ms:.1f}", flush=True)
        leave()

    from PySide6.QtWidgets import QMessageBox

    def no_dialog(*args, **_kw):  # a modal box would wait for a click that never comes: name it and go on
        print("DIALOG", *(a for a in args if isinstance(a, str)), file=sys.stderr, flush=True)
        return QMessageBox.StandardButton.Ok

    for name in ("warning", "critical", "information", "question"):
        setattr(QMessageBox, name, staticmethod(no_dialog))
    QMessageBox.exec = lambda self: no_dialog(self.text())

    if mode == "bare":
        app = QApplication(sys.argv)
        w = QMainWindow()
        w.resize(1280, 800)
        w.installEventFilter(FirstPaint(w, done))
        w.show()
        app.exec()
        return
    from dutyroom.services.demo import DEMO_PASSWORD
    from dutyroom.ui import session_controller

    def ask(self, parent=None, username="", note="", cancel_text=None):
        started = time.perf_counter()
        actor = self.auth.login("zhouning", DEMO_PASSWORD)
        print(f"SIGNIN {(time.perf_counter() - started) * 1000:.1f}", flush=True)
        return actor

    if mode == "dialog":  # stop at the sign-in dialog's first paint
        original_init = session_controller.LoginDialog.__init__

        def init(self, *args, **kw):
            original_init(self, *args, **kw)
            self.installEventFilter(FirstPaint(self, done))

        session_controller.LoginDialog.__init__ = init
        from dutyroom.app import main

        main(["dutyroom"])
        return

    def rss(window, ms: float) -> None:
        print(f"PAINTED {ms:.1f}", flush=True)
        window.show_page(window.tr("事件"))
        for _ in range(20):
            QApplication.processEvents()
        with open("/proc/self/status") as f:
            kb = next(int(line.split()[1]) for line in f if line.startswith("VmRSS"))
        print(f"RSS {kb / 1024:.0f}", flush=True)
        leave()

    original = session_controller.SessionController._open

    def _open(self, actor):
        original(self, actor)
        self.window.installEventFilter(FirstPaint(self.window, rss if mode == "rss" else done))

    session_controller.SessionController._ask = ask
    session_controller.SessionController._open = _open
    from dutyroom.app import main

    main(["dutyroom"])


def value(stdout: str, key: str) -> float | None:
    return next((float(line.split()[1]) for line in stdout.splitlines() if line.startswith(key + " ")), None)


def run(mode: str, env: dict) -> tuple[float, float, str]:
    t0 = time.time()
    out = subprocess.run([sys.executable, __file__, "--child", mode, "--t0", repr(t0)], env=env, capture_output=True,
                         text=True, timeout=600)
    wall = (time.time() - t0) * 1000
    painted = next((float(line.split()[1]) for line in out.stdout.splitlines() if line.startswith("PAINTED")), None)
    if painted is None:
        raise SystemExit(f"the child did not paint:\n{out.stdout}\n{out.stderr[-3000:]}")
    return painted, wall, out.stdout


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--db")
    args.add_argument("--demo", action="store_true")
    args.add_argument("--runs", type=int, default=3)
    args.add_argument("--rss", action="store_true")
    args.add_argument("--child")
    args.add_argument("--t0", type=float)
    opts = args.parse_args()
    if opts.child:
        child(opts.child, opts.t0)
        return
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    tmp = tempfile.mkdtemp(prefix="dutyroom_start_")
    env["XDG_DATA_HOME"] = env["XDG_STATE_HOME"] = env["XDG_CACHE_HOME"] = tmp  # logs, crash guard, font cache
    if opts.demo:
        db = Path(tmp) / "demo.db"
        code = os.environ.get("BENCH_CODE") or str(ROOT)
        subprocess.run([sys.executable, str(Path(code) / "scripts" / "demo_incidents.py"), "--db", str(db)], env=env,
                       check=True, capture_output=True)
        env["DUTYROOM_DB"] = str(db)
    else:
        env["DUTYROOM_DB"] = opts.db
    run("app", env)  # warm the file cache (and, for the app, its cross-run caches)
    bares = [run("bare", env) for _ in range(opts.runs)]
    bare = statistics.median(r[0] for r in bares)
    runs = [run("app", env) for _ in range(opts.runs)]
    app = statistics.median(r[0] for r in runs)
    signin = statistics.median(value(r[2], "SIGNIN") or 0.0 for r in runs)
    cpu, bare_cpu = (statistics.median(value(r[2], "CPU") or 0.0 for r in rs) for rs in (runs, bares))
    dialogs = [run("dialog", env) for _ in range(opts.runs)]
    dialog = statistics.median(r[0] for r in dialogs)
    dialog_cpu = statistics.median(value(r[2], "CPU") or 0.0 for r in dialogs)
    name = "demo" if opts.demo else Path(opts.db).name
    print(f"start to first painted signed-in window ({name}): app {app:8.0f} ms   bare Qt window {bare:6.0f} ms   "
          f"ratio {app / bare:5.1f}x", flush=True)
    print(f"  of which the password check (scrypt, fixed by design) {signin:6.0f} ms; without it {app - signin:6.0f} ms",
          flush=True)
    print(f"  start to the sign-in dialog painted (the first thing shown)  {dialog:6.0f} ms   (CPU {dialog_cpu:5.0f} ms)",
          flush=True)
    print(f"  CPU time of the process to that paint (steady on a busy machine): app {cpu:6.0f} ms   bare {bare_cpu:5.0f} ms",
          flush=True)
    if opts.rss:
        print(run("rss", env)[2].strip().splitlines()[-1] + " MB with the incident list open", flush=True)


if __name__ == "__main__":
    main()
