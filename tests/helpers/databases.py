"""A Dongcheng demo database built once per session and copied for each test (building one — migrations,
reference data, scrypt-hashed demo users — takes seconds; copying a file takes milliseconds)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from dutyroom.domain.profile_loader import load_profile
from dutyroom.store.database import Database


def build_demo(path: Path, *, reference_profiles: tuple[str, ...] = ("dongcheng",),
               today: dt.date | None = None) -> None:
    """Migrate a SQLite file at `path`, load the reference data of `reference_profiles`, set the profile to
    dongcheng and install its demo district (dated from `today`, the real date by default)."""
    from dutyroom.services.demo import install_demo
    from dutyroom.services.reference_data import load_reference_data, set_setting

    db = Database(f"sqlite:///{path}")
    db.migrate()
    for key in reference_profiles:
        load_reference_data(db, load_profile(key))
    set_setting(db, "profile", "dongcheng")
    install_demo(db, load_profile("dongcheng"), today=today)
    db.dispose()


def copy_of(template: Path, path: Path) -> Database:
    """A database on a fresh copy of `template` (with its -wal/-shm files, if any) at `path`."""
    for suffix in ("", "-wal", "-shm"):
        src = Path(f"{template}{suffix}")
        if src.exists():
            shutil.copy(src, f"{path}{suffix}")
    return Database(f"sqlite:///{path}")
