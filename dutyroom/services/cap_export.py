"""CAP 1.2 export of a warning: fetch it and its adjustment chain, render with reports/cap.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..reports.cap import build_alert
from .warnings import WarningService


def export_warning(service: WarningService, warning_id: int, status: str = "Actual",
                   now: dt.datetime | None = None) -> str:
    """CAP XML for a warning, with the references its adjustment chain needs. A status other than Actual
    (Exercise for a drill) is a new message sent ``now`` (default: the clock), with its own identifier."""
    w = service.get(warning_id)
    lineage = service.lineage(warning_id)
    return build_alert(w, lineage, service.profile, status, now=now)


def write_warning(service: WarningService, warning_id: int, path: Path | str, status: str = "Actual",
                  now: dt.datetime | None = None) -> Path:
    path = Path(path)
    path.write_text(export_warning(service, warning_id, status, now), encoding="utf-8")
    return path
