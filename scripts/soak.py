"""Soak: the signed-in main window on the dashboard with overdue, amber and pending deadlines, left running.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/soak.py --seconds 60 [--fast-ticks 10000] [--json OUT]

Samples sys.getrefcount(None/True/False) and the resident memory once a second while the 1 s countdown
ticks for real; with --fast-ticks it then drives that many countdown ticks and repaints as fast as it can
(a whole night's worth of ticks in seconds). Prints one JSON object; tests/integration/test_soak.py asserts on it.
The process dying (as with PySide6 6.12.0 on Python 3.11: "none_dealloc") is the failure it exists to catch.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import PySide6
from demo_incidents import add_demo_incidents, open_demo
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from dutyroom.app import build_main_window, choose_cjk_font
from dutyroom.ui.deadlines_panel import DeadlinesPanel


def rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def sample(t0: float) -> list[float]:
    return [round(time.monotonic() - t0, 1), sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False),
            round(rss_mib(), 1)]


def main() -> int:
    args = argparse.ArgumentParser()
    args.add_argument("--seconds", type=float, default=60)
    args.add_argument("--fast-ticks", type=int, default=0)
    args.add_argument("--json", default=None)
    opts = args.parse_args()
    app = QApplication(sys.argv)
    app.beep = lambda: None  # the overdue alarm would beep every minute; the sound is not under test
    choose_cjk_font(app)
    tmp = tempfile.TemporaryDirectory()
    db, profile, actor = open_demo(f"sqlite:///{tmp.name}/soak.db")
    add_demo_incidents(db, profile, actor)
    window = build_main_window(db, profile, actor)
    window.resize(1366, 768)
    window.show()
    window.nav.setCurrentRow(0)  # 值班总览
    panel = window.findChild(DeadlinesPanel)
    states = sorted({panel.row_state(r) for r in range(panel.table.rowCount())})
    t0 = time.monotonic()
    samples = [sample(t0)]
    sampler = QTimer(interval=1000, timeout=lambda: samples.append(sample(t0)))
    sampler.start()
    QTimer.singleShot(int(opts.seconds * 1000), app.quit)
    app.exec()
    sampler.stop()
    fast: list[list[float]] = []
    if opts.fast_ticks:
        t1 = time.monotonic()
        fast.append(sample(t1))
        for i in range(1, opts.fast_ticks + 1):
            panel.tick()
            if i % 10 == 0:
                window.repaint()  # a full paint of the window, as the screen would
            app.processEvents()
            if i % 1000 == 0:
                fast.append(sample(t1))
    result = {"pyside6": PySide6.__version__, "python": sys.version.split()[0], "states": states,
              "rows": panel.table.rowCount(), "samples": samples, "fast": fast}
    text = json.dumps(result)
    if opts.json:
        Path(opts.json).write_text(text, encoding="utf-8")
    print(text)
    window.close()
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
