"""Process-wide settings every layer may read: where resources are, which language to speak, what the
environment says (every DUTYROOM_* variable is read here and nowhere else) and the keys of the settings
stored in the database (get_setting/set_setting)."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

DEFAULT_PROFILE = "dongcheng"
T = TypeVar("T")


def resource_root() -> Path:
    """The checkout (or the PyInstaller bundle) that holds resources/ and db/."""
    frozen = getattr(sys, "_MEIPASS", None)
    return Path(frozen) if frozen else Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- the environment


def process_environment():
    """The process's own environment, for the one caller that must set variables Qt reads when it starts
    (ui/input_method: QT_IM_MODULE, IBUS_USE_PORTAL on fcitx desktops)."""
    return os.environ



def lang() -> str:
    """DUTYROOM_LANG: zh_CN (default) or en."""
    return "en" if os.environ.get("DUTYROOM_LANG", "zh_CN").lower().startswith("en") else "zh_CN"


def pick(zh: T, en: T) -> T:
    """The text in the user's language: English when DUTYROOM_LANG=en, else Chinese."""
    return en if lang() == "en" else zh


def selftest_trace() -> bool:
    """DUTYROOM_SELFTEST_TRACE: `selftest` prints each failure's traceback too."""
    return bool(os.environ.get("DUTYROOM_SELFTEST_TRACE"))


def offscreen_unless_set() -> None:
    """Qt draws offscreen unless QT_QPA_PLATFORM says otherwise (the selftest's window on a machine without a screen)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def db_url_from_env() -> str | None:
    """DUTYROOM_DB: a SQLAlchemy URL or a bare SQLite path (the database layer resolves the default)."""
    return os.environ.get("DUTYROOM_DB") or None


def audit_key_path_from_env() -> str | None:
    """DUTYROOM_AUDIT_KEY: the file holding the installation's audit key (default: beside the SQLite database,
    or in the user config folder for PostgreSQL; see store/audit_key.py)."""
    return os.environ.get("DUTYROOM_AUDIT_KEY") or None


def password_file_from_env() -> str | None:
    """DUTYROOM_PASSWORD_FILE: a file whose first line is the password of the CLI's --user (for scripts)."""
    return os.environ.get("DUTYROOM_PASSWORD_FILE") or None


def default_profile() -> str:
    """DUTYROOM_PROFILE: the profile a new database starts with (Dongcheng unless set)."""
    return os.environ.get("DUTYROOM_PROFILE") or DEFAULT_PROFILE


def font_path_from_env(role: str) -> str | None:
    """DUTYROOM_FONT_<ROLE> (FANGSONG, XIAOBIAOSONG, HEITI, KAITI): a font file for that role of the layout."""
    return os.environ.get(f"DUTYROOM_FONT_{role.upper()}") or None


def windows_font_dirs() -> list[Path]:
    """Where Windows keeps fonts: the system folder (WINDIR) and the per-user one (LOCALAPPDATA)."""
    dirs = [Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"]
    local = os.environ.get("LOCALAPPDATA")
    if local:
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    return dirs


def cli_command() -> str:
    """How the officer runs the command line here: `dutyroom-cli` in the bundle (PyInstaller sets sys.frozen), else
    `python -m dutyroom` (a checkout). Messages that say which command to run use it."""
    return "dutyroom-cli" if getattr(sys, "frozen", False) else "python -m dutyroom"  # also from the window program


def screenshot_request() -> tuple[str, int] | None:
    """DUTYROOM_SCREENSHOT=FILE (and DUTYROOM_SCREENSHOT_AFTER_MS, default 1500): save the window, then quit."""
    path = os.environ.get("DUTYROOM_SCREENSHOT")
    if not path:
        return None
    return path, int(os.environ.get("DUTYROOM_SCREENSHOT_AFTER_MS", "1500"))


# ---------------------------------------------------------------- settings stored in the database


class SettingKey(StrEnum):
    """Keys of the `setting` table (services/reference_data.get_setting and set_setting)."""

    profile = "profile"  # the jurisdiction this database serves
    organisation = "organisation.name"  # 发文机关 printed in the red header (chosen at first start)
    release_seen = "release.seen"  # the newest release whose 版本说明 this database has shown
    organisation_short = "organisation.short"  # 发文机关代字 of document numbers: 东应急 → 东应急报〔2026〕12号
    demo = "demo"  # "1" once the demo data is installed
    roster_pattern = "roster.pattern"  # 排班方式 (domain/rotation.PATTERNS key) the roster page starts with (first start)
    backup_directory = "backup.directory"
    backup_every_hours = "backup.every_hours"
    backup_keep = "backup.keep"
    idle_minutes = "session.idle_minutes"
    password_min_length = "password.min_length"  # an administrator may raise the floor of 10 (domain/accounts.py)
    escalation_minutes = "report.escalation_minutes"  # 本区设定: the bound of deadlines whose plan gives none


def font_setting(role: str) -> str:
    """The setting that holds the administrator's font file for a role (font.fangsong …)."""
    return f"font.{role}"
