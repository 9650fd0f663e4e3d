"""Issue 17: the audit chain is anchored outside the database — the signed handover sheet and the duty-log PDF
print the short anchor, and `verify --against CODE` checks the file against that paper."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.exports import ReportExporter
from dutyroom.services.handover import HandoverService
from dutyroom.store.audit import audit_anchor_short
from tests.helpers.pdf import pdf_text

ROOT = Path(__file__).resolve().parents[2]
CODE = re.compile(r"审计锚点：(\d+-[0-9a-f]{12})")


def _verify_against(db, code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dutyroom", "verify", "--db", db.url, "--against", code],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_the_handover_sheet_carries_the_anchor_and_paper_catches_a_cut_chain(desk, tmp_path):
    profile = load_profile("dongcheng")
    view = HandoverService(desk.db, profile).sign_out(desk["zhouning"], "空调故障已报修")
    path = tmp_path / "handover.pdf"
    ReportExporter(desk.db, profile).handover_pdf(desk["zhouning"], view.id, path)
    printed = CODE.search(pdf_text(path).replace("\n", "").replace(" ", ""))
    assert printed and printed.group(1) == audit_anchor_short(desk.db)
    assert _verify_against(desk.db, printed.group(1)).returncode == 0
    # someone cuts the newest entries and rewinds the head: the file alone cannot tell, the paper can
    seq = int(printed.group(1).split("-")[0])
    with desk.db.engine.begin() as conn:
        prev = conn.execute(text("SELECT prev_hash FROM audit_log WHERE seq = :s"), {"s": seq}).scalar()
        conn.execute(text("DELETE FROM audit_log WHERE seq >= :s"), {"s": seq})
        conn.execute(text("UPDATE audit_head SET last_seq = :s, last_hash = :h WHERE id = 1"), {"s": seq - 1, "h": prev})
    assert _verify_against(desk.db, printed.group(1)).returncode != 0


def test_the_duty_log_pdf_carries_the_anchor(desk, tmp_path):
    path = tmp_path / "log.pdf"
    ReportExporter(desk.db, load_profile("dongcheng")).shift_duty_log_pdf(desk["luomin"], None, path)
    printed = CODE.search(pdf_text(path).replace("\n", "").replace(" ", ""))
    assert printed and printed.group(1) == audit_anchor_short(desk.db)
