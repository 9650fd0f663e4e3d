"""Reference images of the documents (issue 19): rasterising with pdftoppm and comparing with a tolerance.

scripts/refresh_reference_pages.py writes them; tests/reports/test_reference_pages.py compares."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

from PIL import Image, ImageChops

FOLDER = Path(__file__).resolve().parent.parent / "data" / "reference_pages"
DPI = 50
LEVELS = 16
_STEP = 256 // LEVELS
_TABLE = [255 if v >= 255 - _STEP // 2 else min(255, (v // _STEP) * _STEP + _STEP // 2) for v in range(256)]


def rasterise(pdf: Path) -> list[Image.Image]:
    """Every page of ``pdf`` at DPI, grey, reduced to LEVELS grey levels (small PNGs, stable pixels)."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise FileNotFoundError("pdftoppm (poppler-utils) is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([exe, "-r", str(DPI), "-gray", "-png", str(pdf), str(Path(tmp) / "p")], check=True)
        pages = sorted(Path(tmp).glob("p-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        out = []
        for p in pages:
            with Image.open(p) as im:
                out.append(im.convert("L").point(_TABLE).quantize(LEVELS))
        return out


def font_manifest() -> dict[str, str]:
    """Which font file each role resolved to (file name and a short hash of its bytes)."""
    from dutyroom.reports import fonts

    out = {}
    for role in fonts.ROLES:
        r = fonts.resolve(role)
        digest = hashlib.sha256(Path(r.path).read_bytes()).hexdigest()[:12]
        out[role] = f"{Path(r.path).name}#{r.subfont}:{digest}"
    return out


def difference(a: Image.Image, b: Image.Image) -> tuple[float, float]:
    """(mean absolute grey difference 0–255, share of pixels differing by more than a quarter of the range)."""
    if a.size != b.size:
        return 255.0, 1.0
    diff = ImageChops.difference(a.convert("L"), b.convert("L"))
    hist = diff.histogram()
    total = a.size[0] * a.size[1]
    mean = sum(i * n for i, n in enumerate(hist)) / total
    strong = sum(hist[64:]) / total
    return mean, strong
