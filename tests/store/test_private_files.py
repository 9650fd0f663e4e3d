"""Issue 17, finding 8 (files): the database, its backups and their folders were world-readable (0644/0755).
Files the app makes are now 0600 and the folders it makes 0700: only the account that runs the duty room reads
the record. (POSIX modes; on Windows the user's profile folder is already private.)"""

from __future__ import annotations

import os
import stat

import pytest

from dutyroom.store.backup import backup_to
from dutyroom.store.database import Database, default_db_url

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(autouse=True)
def _loose_umask():
    old = os.umask(0o022)  # the usual desktop umask: files 0644 and folders 0755 unless the app says otherwise
    yield
    os.umask(old)


def test_a_new_database_is_private(tmp_path):
    path = tmp_path / "dutyroom.db"
    db = Database(f"sqlite:///{path}")
    db.migrate()
    try:
        assert mode(path) == 0o600
        for side in ("-wal", "-shm"):
            if os.path.exists(f"{path}{side}"):
                assert mode(f"{path}{side}") == 0o600
    finally:
        db.dispose()


def test_an_existing_world_readable_database_is_tightened(tmp_path):
    path = tmp_path / "old.db"
    Database(f"sqlite:///{path}").dispose()
    os.chmod(path, 0o644)
    Database(f"sqlite:///{path}").dispose()
    assert mode(path) == 0o600


def test_backups_and_the_folder_made_for_them_are_private(db, tmp_path):
    dest = tmp_path / "backups" / "nightly" / "dutyroom-1.db"
    backup_to(db, dest)
    assert mode(dest) == 0o600
    assert mode(dest.parent) == 0o700


def test_the_default_data_folder_is_private(tmp_path, monkeypatch):
    monkeypatch.delenv("DUTYROOM_DB", raising=False)
    data = tmp_path / "data" / "dutyroom"
    data.mkdir(parents=True)
    os.chmod(data, 0o755)
    url = default_db_url()
    assert url.endswith(f"{data}/dutyroom.db")
    assert mode(data) == 0o700
