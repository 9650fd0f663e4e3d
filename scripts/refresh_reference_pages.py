"""Refresh the reference images of the 公文 and form documents: tests/data/reference_pages/<kind>-<page>.png.

Run ON PURPOSE, after a layout change you have looked at and want to keep:

    .venv/bin/python scripts/refresh_reference_pages.py      (needs pdftoppm from poppler-utils)

Each document kind of tests/helpers/document_samples.py (short sample, fixed data and times) is rendered and
every page rasterised at 50 dpi in 16 grey levels, so the committed files stay small (a few kB each).
tests/reports/test_reference_pages.py renders them again and compares with a tolerance: a layout change shows
up as a failing test and, after this script, as a visible diff of the PNGs in review. fonts.json records the
font files used; the test is skipped on a machine that resolves other fonts (the pixels would differ anyway).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.helpers.reference_pages import DPI, FOLDER, font_manifest, rasterise


def main() -> None:
    from tests.helpers import document_samples as S

    FOLDER.mkdir(parents=True, exist_ok=True)
    for old in FOLDER.glob("*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        for kind in S.REFERENCE_KINDS:
            pdf = Path(tmp) / f"{kind}.pdf"
            S.render(kind, pdf)
            for n, image in enumerate(rasterise(pdf), 1):
                out = FOLDER / f"{kind}-{n}.png"
                image.save(out, optimize=True)
                print(out, out.stat().st_size, "bytes")
    (FOLDER / "fonts.json").write_text(json.dumps({"dpi": DPI, "fonts": font_manifest()}, ensure_ascii=False,
                                                  indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
