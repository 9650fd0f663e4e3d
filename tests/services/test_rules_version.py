"""Which profile version governs a record: one rule for incidents, their reports and responses, and warnings
(issue 16; before, warnings always took the newest file and responses ignored the stored version).

A revised plan does not rewrite what was decided under the old one (DESIGN section 1: "an incident is
evaluated with the profile in force when it was received"); a warning is held to the rules it was drafted
under. Dongcheng's 2022 plan, 3.2.3: a blue warning is issued by the department (区专项指挥部办公室、相关部门).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from types import SimpleNamespace

import yaml
from alembic import command
from sqlalchemy import text

from dutyroom.domain.profile_loader import PROFILE_DIR, load_profile, rules_version_of
from dutyroom.services.warnings import WarningService
from dutyroom.store.database import Database, alembic_config
from tests.helpers.warnings import content

BJ = dt.timezone(dt.timedelta(hours=8))
BEFORE_REVISION = dt.datetime(2025, 6, 1, 9, 0, tzinfo=BJ)
AFTER_REVISION = dt.datetime(2026, 7, 1, 9, 0, tzinfo=BJ)


def _plain(folder: Path) -> Path:
    folder.mkdir()
    for name in ("dongcheng.yaml", "beijing.yaml"):
        shutil.copy(PROFILE_DIR / name, folder / name)
    return folder


def _revised(folder: Path) -> Path:
    """Dongcheng as it would look after a (made-up) 2026 revision: the 2022 file kept as dongcheng@2022.yaml,
    and blue warnings issued by the office director from 2026-01-01."""
    _plain(folder)
    shutil.copy(folder / "dongcheng.yaml", folder / "dongcheng@2022.yaml")
    data = yaml.safe_load((folder / "dongcheng.yaml").read_text(encoding="utf-8"))
    data.update(version="2026", effective_from="2026-01-01")
    data["warnings"]["levels"]["blue"]["issuer"] = "office_director"
    (folder / "dongcheng.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def _record(version: str | None, **when) -> SimpleNamespace:
    return SimpleNamespace(profile_key="dongcheng", profile_version=version, **when)


def test_the_stored_version_wins_over_the_date(tmp_path):
    folder = _revised(tmp_path / "p")
    incident = _record("2022", received_at=AFTER_REVISION)  # judged under 2022 when it was opened
    assert rules_version_of(incident, folder).version == "2022"
    assert rules_version_of(_record("2026", received_at=BEFORE_REVISION), folder).version == "2026"


def test_without_a_known_version_the_version_in_force_on_the_records_date_applies(tmp_path):
    folder = _revised(tmp_path / "p")
    assert rules_version_of(_record(None, received_at=BEFORE_REVISION), folder).version == "2022"
    assert rules_version_of(_record("2016", received_at=AFTER_REVISION), folder).version == "2026"
    assert rules_version_of(_record("", created_at=BEFORE_REVISION), folder).version == "2022"  # a warning's date
    # 2025-12-31 16:30 UTC is already 2026-01-01 in Beijing: the revision is in force
    assert rules_version_of(_record(None, created_at=dt.datetime(2025, 12, 31, 16, 30, tzinfo=dt.UTC)),
                            folder).version == "2026"


def test_a_warning_keeps_the_rules_it_was_drafted_under_after_a_new_version_is_installed(world, tmp_path):
    w = world("dongcheng")
    old_dir = _plain(tmp_path / "old")
    before = WarningService(w.db, load_profile("dongcheng", old_dir), old_dir)
    drafted = before.draft(w.u["author"], content("blue"), now=BEFORE_REVISION)
    assert (drafted.profile_version, drafted.issuer_role) == ("2022", "department")

    new_dir = _revised(tmp_path / "new")  # the administrator installs the revised plan
    after = WarningService(w.db, load_profile("dongcheng", new_dir), new_dir)
    kept = after.get(drafted.id)
    assert (kept.profile_version, kept.issuer_role) == ("2022", "department")
    fresh = after.draft(w.u["author"], content("blue"), now=AFTER_REVISION)
    assert (fresh.profile_version, fresh.issuer_role) == ("2026", "office_director")


def test_migration_gives_existing_warnings_the_version_in_force_when_they_were_created(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    cfg = alembic_config(db.url)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004")
        conn.execute(text("INSERT INTO user_account (id, username, display_name, password_hash, active, "
                          "failed_logins, created_at) VALUES (1, 'a', '甲', 'x', 1, 0, '2025-01-01 00:00:00.000000')"))
        conn.execute(text("INSERT INTO warning (id, profile_key, status, origin, category, colour, title, "
                          "created_by_id, created_at, channels) VALUES (1, 'dongcheng', 'draft', 'district', "
                          "'natural', 'blue', '暴雨蓝色预警', 1, '2025-06-01 01:00:00.000000', '[]')"))
    db.migrate()
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT profile_version FROM warning WHERE id = 1")).scalar() == "2022"
    db.dispose()
