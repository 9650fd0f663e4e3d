"""The program's log after a first start: the migrations it ran, not alembic's setup chatter (found in the bundled
app's trial: eleven plugin and context lines at every start before the first line that mattered)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import logging
from dutyroom import app
from dutyroom.store.database import Database
app._install_excepthook()
Database({db!r}).migrate()
logging.shutdown()
"""


def test_the_log_keeps_the_migrations_and_drops_alembics_chatter(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_STATE_HOME": str(tmp_path / "state"),
           "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", CHILD.format(db=f"sqlite:///{tmp_path / 'new.db'}")], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    log = (tmp_path / "state" / "dutyroom" / "log" / "dutyroom.log").read_text(encoding="utf-8")
    assert "Running upgrade  -> 0001, initial schema" in log
    assert "Running upgrade 0009 -> 0010" in log
    assert "setup plugin" not in log and "Context impl" not in log and "Will assume" not in log, log
