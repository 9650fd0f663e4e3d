"""CAP 1.2 export of a warning: fetch it and its adjustment chain, render with reports/cap.py."""

from __future__ import annotations

from pathlib import Path

from ..reports.cap import build_alert
from .warnings import WarningService


def export_warning(service: WarningService, warning_id: int, status: str = "Actual") -> str:
    """CAP XML for a warning, with the references its adjustment chain needs."""
    w = service.get(warning_id)
    lineage = service.lineage(warning_id)
    return build_alert(w, lineage, service.profile, status)


def write_warning(service: WarningService, warning_id: int, path: Path | str, status: str = "Actual") -> Path:
    path = Path(path)
    path.write_text(export_warning(service, warning_id, status), encoding="utf-8")
    return path
