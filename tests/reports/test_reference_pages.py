"""Issue 19: each 公文 and form kind compared with its committed reference image (tests/data/reference_pages/),
so a layout change is a visible diff. The references are refreshed ON PURPOSE with
``scripts/refresh_reference_pages.py`` after a change that was looked at and kept; this test never rewrites them.

Tolerance: mean grey difference under 0.25 of 255 and under 0.08 % of the pixels (about 190) differing by more than a
quarter of the range (anti-aliasing and poppler versions move a few edge pixels; a 署名 moved by two characters
changes 0.3 %). Skipped where pdftoppm is missing or the fonts resolve to other files
than those recorded in fonts.json (the pixels would differ without any layout change)."""

from __future__ import annotations

import json
import shutil

import pytest
from PIL import Image

from tests.helpers import document_samples as S
from tests.helpers.reference_pages import DPI, FOLDER, difference, font_manifest, rasterise

MEAN_MAX = 0.25
STRONG_MAX = 0.0008


@pytest.fixture(scope="module")
def same_fonts():
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    recorded = json.loads((FOLDER / "fonts.json").read_text(encoding="utf-8"))
    assert recorded["dpi"] == DPI
    if recorded["fonts"] != font_manifest():
        pytest.skip("the fonts resolve to other files than when the references were made")


@pytest.mark.parametrize("kind", S.REFERENCE_KINDS)
def test_document_matches_its_reference_pages(same_fonts, tmp_path, kind):
    pdf = tmp_path / f"{kind}.pdf"
    S.render(kind, pdf)
    pages = rasterise(pdf)
    refs = sorted(FOLDER.glob(f"{kind}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    assert len(pages) == len(refs), f"{kind}: {len(pages)} pages now, {len(refs)} in the reference"
    for n, (page, ref) in enumerate(zip(pages, refs, strict=True), 1):
        with Image.open(ref) as im:
            mean, strong = difference(page, im)
        assert mean < MEAN_MAX and strong < STRONG_MAX, (
            f"{kind} page {n} differs from {ref.name} (mean {mean:.2f}, {strong:.2%} of pixels); if the change is "
            "wanted, run scripts/refresh_reference_pages.py and review the PNG diff")


def test_a_moved_signature_is_caught(same_fonts, tmp_path):
    """The tolerance is not so loose that moving the 署名/日期 block by one character passes."""
    import dataclasses

    from dutyroom.reports import documents as d
    from dutyroom.reports.gongwen import render

    doc = d.incident_report_document(S.incident(), S.report("verbal"), district=S.DISTRICT)
    render(dataclasses.replace(doc, sealed=False), tmp_path / "moved.pdf")
    pages = rasterise(tmp_path / "moved.pdf")
    with Image.open(FOLDER / "report_first-2.png") as im:
        mean, strong = difference(pages[1], im)
    assert mean >= MEAN_MAX or strong >= STRONG_MAX
