"""Reading our PDFs back the way a checker would: poppler's pdftotext / pdffonts / pdfinfo."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest


def _tool(name: str) -> str:
    exe = shutil.which(name)
    if exe is None:
        pytest.skip(f"{name} (poppler-utils) is not installed")
    return exe


def pdf_text(path: Path, *, layout: bool = False, page: int | None = None) -> str:
    args = [_tool("pdftotext"), "-enc", "UTF-8"]
    if layout:
        args.append("-layout")
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_fonts(path: Path) -> list[dict[str, str]]:
    out = subprocess.run([_tool("pdffonts"), str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name type... encoding emb sub uni objectID gen
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run([_tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True).stdout
    info = {}
    for line in out.splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


def assert_fonts_embedded_subsets(path: Path) -> None:
    fonts = pdf_fonts(path)
    assert fonts, "no fonts in the PDF"
    for f in fonts:
        assert (f["emb"], f["sub"], f["uni"]) == ("yes", "yes", "yes"), f
        assert f["name"][6] == "+", f  # subset tag ABCDEF+Name


# ---------------------------------------------------------------- geometry: word boxes (PDFium)

PT_MM = 25.4 / 72


@dataclass(frozen=True)
class Word:
    """A run of characters on one line without a space or a gap wider than half a character, in mm from the
    top-left corner of the page. x0/x1 are the advance box (where the pen started and ended), top/bottom
    the inked extent."""

    page: int
    text: str
    x0: float
    top: float
    x1: float
    bottom: float

    def overlaps(self, other: Word, tol: float = 0.05) -> bool:
        return (self.page == other.page and self.x0 < other.x1 - tol and other.x0 < self.x1 - tol
                and self.top < other.bottom - tol and other.top < self.bottom - tol)


def _word(page: int, height: float, chars: list) -> Word:
    """chars: (text, tight box, loose box) in PDF points, origin bottom-left."""
    x0, x1 = min(c[2][0] for c in chars), max(c[2][2] for c in chars)
    y0, y1 = min(c[1][1] for c in chars), max(c[1][3] for c in chars)
    return Word(page, "".join(c[0] for c in chars), x0 * PT_MM, (height - y1) * PT_MM, x1 * PT_MM,
                (height - y0) * PT_MM)


def word_boxes(path: Path) -> list[Word]:
    """Every word of every page, as PDFium places them (pypdfium2)."""
    import pypdfium2 as pdfium

    words: list[Word] = []
    doc = pdfium.PdfDocument(str(path))
    try:
        for n in range(len(doc)):
            page = doc[n]
            height = page.get_size()[1]
            tp = page.get_textpage()
            cur: list = []
            for i in range(tp.count_chars()):
                ch = tp.get_text_range(i, 1)
                if not ch or ch.isspace():
                    if cur:
                        words.append(_word(n + 1, height, cur))
                    cur = []
                    continue
                tight, loose = tp.get_charbox(i), tp.get_charbox(i, loose=True)
                if cur:
                    prev = cur[-1][2]
                    size = prev[3] - prev[1]
                    if abs(loose[1] - prev[1]) > size * 0.3 or loose[0] - prev[2] > size * 0.5 or loose[0] < prev[0]:
                        words.append(_word(n + 1, height, cur))
                        cur = []
                cur.append((ch, tight, loose))
            if cur:
                words.append(_word(n + 1, height, cur))
            tp.close()
            page.close()
    finally:
        doc.close()
    return words


def overlapping(words: list[Word]) -> list[tuple[Word, Word]]:
    """Pairs of words whose boxes intersect (text drawn over text)."""
    out = []
    by_page: dict[int, list[Word]] = {}
    for w in words:
        by_page.setdefault(w.page, []).append(w)
    for ws in by_page.values():
        ws.sort(key=lambda w: w.x0)
        for i, a in enumerate(ws):
            for b in ws[i + 1:]:
                if b.x0 >= a.x1:
                    break
                if a.overlaps(b):
                    out.append((a, b))
    return out
