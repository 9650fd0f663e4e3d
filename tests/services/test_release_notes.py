"""Upgrade in place (issue 18): a database made by an older release keeps its data, is migrated, and its users are
told once what changed (版本说明); a new installation has nothing to be told."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

from sqlalchemy import func, select

from dutyroom import __version__
from dutyroom.services.actor import SYSTEM
from dutyroom.services.installation import FirstRun, InstallationService
from dutyroom.services.release_notes import ReleaseNotesService, releases
from dutyroom.store.database import Database
from dutyroom.store.models import AuditEntry, User

ROOT = Path(__file__).resolve().parents[2]


def test_one_version_everywhere():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert pyproject == __version__ == releases()[0].version


def test_a_database_of_the_first_release_is_told_once_what_changed(tmp_path):
    old = tmp_path / "dutyroom.db"
    shutil.copy(ROOT / "tests" / "data" / "release_0001.db", old)
    db = Database(f"sqlite:///{old}")
    with db.engine.connect() as conn:
        users_before = conn.exec_driver_sql("SELECT count(*) FROM user_account").scalar()
    db.migrate()
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(User)) == users_before  # nothing lost in the upgrade
    notes = ReleaseNotesService(db)
    shown = notes.unseen()
    # every release after the first, newest first (0.1.0 is the one it was made under)
    assert [r.version for r in shown] == [__version__, "0.2.0"] and all(r.notes for r in shown)
    notes.mark_seen(SYSTEM)
    assert notes.unseen() == []
    with db.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.entity_id == "release.seen")).one()
    assert entry.after == {"value": __version__}
    db.dispose()


def test_a_new_installation_has_nothing_to_be_told(db):
    InstallationService(db).setup(FirstRun(profile="dongcheng", organisation="北京市东城区应急管理局", short="东应急",
                                           admin_username="admin", admin_name="管理员甲",
                                           admin_password="Zhiban-2026-anquan"))
    assert ReleaseNotesService(db).unseen() == []


def test_the_dialog_shows_once_without_blocking(qapp, tmp_path):
    from dutyroom.ui.release_notes_dialog import show_release_notes_once

    old = tmp_path / "dutyroom.db"
    shutil.copy(ROOT / "tests" / "data" / "release_0001.db", old)
    db = Database(f"sqlite:///{old}")
    db.migrate()
    box = show_release_notes_once(None, ReleaseNotesService(db), SYSTEM)
    assert box is not None and box.isVisible() and f"{__version__} 版" in box.informativeText()
    box.accept()  # the officer closes it
    assert show_release_notes_once(None, ReleaseNotesService(db), SYSTEM) is None
    db.dispose()


def test_a_database_made_by_init_has_nothing_to_be_told(tmp_path):
    from dutyroom.cli import main

    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert main(["init", "--db", url]) == 0
    db = Database(url)
    assert ReleaseNotesService(db).unseen() == []
    db.dispose()
