"""版本说明 (issue 18, upgrade in place): after a newer program opens a database, the releases newer than the one it
last ran under are shown once, then recorded as seen (an audited setting)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import yaml

from .. import __version__
from ..config import SettingKey, resource_root
from ..store.database import Database
from .actor import Actor, rechecked
from .reference_data import get_setting, set_setting

FIRST_RELEASE = "0.1.0"  # it recorded nothing: a database without the setting last ran under it


@dataclass(frozen=True)
class Release:
    version: str
    date: dt.date
    notes: tuple[str, ...]


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def releases() -> list[Release]:
    raw = yaml.safe_load((resource_root() / "resources" / "release_notes.yaml").read_text(encoding="utf-8"))
    out = [Release(str(r["version"]), r["date"], tuple(r["notes"])) for r in raw]
    return sorted(out, key=lambda r: _key(r.version), reverse=True)


@rechecked
class ReleaseNotesService:
    def __init__(self, db: Database):
        self.db = db

    def unseen(self) -> list[Release]:
        """Releases newer than the one this database last ran under, up to this program's version; newest first."""
        seen = get_setting(self.db, SettingKey.release_seen) or FIRST_RELEASE
        return [r for r in releases() if _key(seen) < _key(r.version) <= _key(__version__)]

    def mark_seen(self, actor: Actor) -> None:
        set_setting(self.db, SettingKey.release_seen, __version__, by=actor)
