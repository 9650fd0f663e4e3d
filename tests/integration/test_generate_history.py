"""scripts/generate_history.py (issue 21), small: the history the benchmarks stand on verifies as the app's own
(`python -m dutyroom verify`: chain and seals), has the incidents asked for spread over the years, four live ones
today, and signs in without a 版本说明 claiming an upgrade (it was made by this release)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from dutyroom import __version__
from dutyroom.config import SettingKey
from dutyroom.services.reference_data import get_setting
from dutyroom.store.database import Database

ROOT = Path(__file__).resolve().parents[2]


def test_a_small_history_verifies_and_spans_its_years(tmp_path):
    db_file = tmp_path / "history.db"
    env = {**os.environ, "DUTYROOM_AUDIT_KEY": str(tmp_path / "audit.key")}
    made = subprocess.run([sys.executable, "scripts/generate_history.py", "--db", str(db_file), "--years", "2",
                           "--per-year", "150", "--sample", "20"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert made.returncode == 0, made.stderr
    checked = subprocess.run([sys.executable, "-m", "dutyroom", "verify", "--db", str(db_file)], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0 and "审计链完整" in checked.stdout and "封印完整" in checked.stdout, checked.stdout
    db = Database(f"sqlite:///{db_file}")
    try:
        with db.engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT count(*), min(received_at), max(received_at),"
                                        " sum(status = 'open') FROM incident WHERE status != 'draft'").one()
        total, first, last, live = rows
        assert 290 <= total <= 310 and live >= 4
        span = dt.datetime.fromisoformat(str(last)) - dt.datetime.fromisoformat(str(first))
        assert span > dt.timedelta(days=365)
        assert get_setting(db, SettingKey.release_seen) == __version__
    finally:
        db.dispose()


def test_demo_incidents_keep_the_databases_district(tmp_path):
    """scripts/demo_incidents.py on a Tongzhou demo (`init --demo --profile tongzhou`) had switched the database to
    Dongcheng and written Dongcheng streets; it now keeps the district and uses its own streets and event types."""
    db_file = tmp_path / "tongzhou.db"
    env = {**os.environ, "DUTYROOM_DB": str(db_file)}
    for cmd in ([sys.executable, "-m", "dutyroom", "init", "--demo", "--profile", "tongzhou"],
                [sys.executable, "scripts/demo_incidents.py", "--db", str(db_file)]):
        done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    db = Database(f"sqlite:///{db_file}")
    try:
        assert get_setting(db, SettingKey.profile) == "tongzhou"
        with db.engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT place, event_type_text, profile_key FROM incident").all()
        from dutyroom.domain.profile_loader import load_profile

        tongzhou = load_profile("tongzhou")
        assert len(rows) == 4 and {r.profile_key for r in rows} == {"tongzhou"}
        assert {r.place for r in rows} <= set(tongzhou.places)
        assert "建设工程施工突发事件" in {r.event_type_text for r in rows}  # Tongzhou's name for it (2.3.6)
    finally:
        db.dispose()
