"""Process-wide settings every layer may read: where resources are, which language to speak."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def resource_root() -> Path:
    """The checkout (or the PyInstaller bundle) that holds resources/ and db/."""
    frozen = getattr(sys, "_MEIPASS", None)
    return Path(frozen) if frozen else Path(__file__).resolve().parent.parent


def lang() -> str:
    """DUTYROOM_LANG: zh_CN (default) or en."""
    return "en" if os.environ.get("DUTYROOM_LANG", "zh_CN").lower().startswith("en") else "zh_CN"
