"""`dutyroom-cli selftest` (issue 18): the check a workstation runs after installing the bundle."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from reportlab.pdfgen import canvas

from dutyroom import selftest

ROOT = Path(__file__).resolve().parents[2]


def test_selftest_passes_and_leaves_the_files_a_person_can_look_at(tmp_path, qapp):
    lines: list[str] = []
    outcome = selftest.run(tmp_path, ["dongcheng"], say=lines.append)
    assert outcome.failed == []
    assert lines[-1] == f"selftest: {len(outcome.passed)} passed, 0 failed"
    names = {p.name for p in tmp_path.iterdir()}
    assert {"dongcheng-report.pdf", "dongcheng-statistics.xlsx", "dongcheng-warning.cap.xml",
            "dongcheng-main-window.png"} <= names
    # the report's Chinese is in the PDF's text layer and every font is embedded
    assert selftest.REPORT_PHRASE in selftest.pdf_text(tmp_path / "dongcheng-report.pdf")
    assert selftest.pdf_fonts_embedded(tmp_path / "dongcheng-report.pdf") == []


def test_a_failing_step_is_named_counted_and_the_run_goes_on(tmp_path, qapp, monkeypatch):
    monkeypatch.setattr(selftest, "pdf_text", lambda path: "")  # as if the PDF's fonts had no Unicode map
    lines: list[str] = []
    outcome = selftest.run(tmp_path, ["tongzhou"], say=lines.append)
    assert [name for name, _ in outcome.failed] == ["tongzhou: report PDF"]
    assert "tongzhou: verify" in outcome.passed  # later steps still ran
    assert lines[-1] == f"selftest: {len(outcome.passed)} passed, 1 failed"


def test_a_pdf_with_a_font_left_out_is_caught(tmp_path):
    path = tmp_path / "helvetica.pdf"
    c = canvas.Canvas(str(path))
    c.setFont("Helvetica", 12)  # one of the 14 standard fonts: reportlab never embeds it
    c.drawString(100, 700, "not embedded")
    c.save()
    assert selftest.pdf_fonts_embedded(path) == ["/Helvetica"]


def test_the_command_exits_nonzero_when_a_step_fails(tmp_path):
    """Exit code 0 only when all passed: a profile that does not exist fails its init."""
    done = subprocess.run([sys.executable, "-m", "dutyroom", "selftest", "--out", str(tmp_path), "--profile", "nowhere"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)})
    assert done.returncode == 1
    assert done.stdout.strip().splitlines()[-1] == "selftest: 0 passed, 1 failed"


def test_the_package_declares_what_the_readme_lists():
    """The .deb's Depends, the bare-machine root and the README's list are one list (packaging/debian-depends.txt)."""
    declared = [line for line in (ROOT / "packaging" / "debian-depends.txt").read_text().splitlines()
                if line and not line.startswith("#")]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "libgl1" in declared and "libc6" in declared
    assert [p for p in declared if f"`{p}`" not in readme] == []
    assert "@DEPENDS@" in (ROOT / "packaging" / "control.in").read_text()
    spec = (ROOT / "build.spec").read_text()
    assert 'name="dutyroom"' in spec and 'name="dutyroom-cli"' in spec
