"""Regenerate docs/report_incident.png, docs/report_warning_approval.png and docs/report_statistics.png.

Run: .venv/bin/python scripts/render_report_pngs.py   (needs pdftoppm from poppler-utils)

Builds a throw-away demo database (made-up people), an incident with a late 首报 and a 续报, an orange warning
signed through its chain, 18 more incidents for the statistics, renders the documents and page 1 of each at 80 dpi.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select

from dutyroom.domain.profile_loader import load_profile
from dutyroom.reports import documents
from dutyroom.reports.statistics_report import statistics_pdf
from dutyroom.services.actor import Actor
from dutyroom.services.demo import install_demo
from dutyroom.services.reference_data import load_reference_data, set_setting
from dutyroom.services.statistics import StatisticsService
from dutyroom.store.database import Database
from dutyroom.store.models import User
from tests.helpers.samples import incident_with_reports, issued_warning, many_incidents

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = Database(f"sqlite:///{folder / 'samples.db'}")
        db.migrate()
        profile = load_profile("dongcheng")
        set_setting(db, "profile", "dongcheng")
        load_reference_data(db, profile)
        install_demo(db, profile)
        with db.read() as s:
            users = {u.username: Actor(u.id, u.username, u.display_name, frozenset(u.role_keys))
                     for u in s.scalars(select(User))}
        x = incident_with_reports(db, users)
        w = issued_warning(db, users)
        many_incidents(db, users)
        st = StatisticsService(db, profile).period(users["tangjun"], dt.date(2026, 1, 1), dt.date(2026, 12, 31))
        pdfs = {"report_incident": folder / "incident.pdf", "report_warning_approval": folder / "approval.pdf",
                "report_statistics": folder / "statistics.pdf"}
        documents.incident_report_pdf(pdfs["report_incident"], x.incident, x.first, district=profile.name)
        documents.warning_approval_pdf(pdfs["report_warning_approval"], w.warning, w.history, district=profile.name)
        statistics_pdf(pdfs["report_statistics"], st, district=profile.name)
        for name, pdf in pdfs.items():
            subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                            str(ROOT / "docs" / name)], check=True)
            print(ROOT / "docs" / f"{name}.png")
        db.dispose()


if __name__ == "__main__":
    main()
