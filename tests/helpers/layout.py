"""Measuring a PDF the way a checker with a ruler would: PDFium (pypdfium2) glyph boxes and page objects in
millimetres from the top-left corner of the page.

- ``read(path)`` → ``Layout``: every glyph (tight ink box and loose advance box), the page objects' bounds,
  the lines (glyphs grouped by baseline, left to right).
- type-area checks for GB/T 9704: 版心 28–184 mm across, 37–262 mm down (156 × 225 mm on A4).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

PT = 25.4 / 72
LEFT, RIGHT, TOP, BOTTOM = 28.0, 184.0, 37.0, 262.0   # the 版心 in mm
CHAR_MM = 156 / 28                                      # one 字 (3号 on the 28-character grid)
LINE_MM = 225 / 22                                      # one 行
PAGE_NUMBER = re.compile(r"^—\d+—$")


@dataclass(frozen=True)
class Glyph:
    ch: str
    page: int
    x0: float      # tight (ink) box, mm from the left / top of the page
    top: float
    x1: float
    bottom: float
    lx0: float     # loose box (advance width, font ascent to descent), mm
    lx1: float
    ltop: float
    lbottom: float

    @property
    def cy(self) -> float:
        return (self.ltop + self.lbottom) / 2


@dataclass
class Line:
    page: int
    glyphs: list[Glyph] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(g.ch for g in self.glyphs)

    @property
    def left(self) -> float:
        return min(g.lx0 for g in self.glyphs)

    @property
    def right(self) -> float:
        return max(g.lx1 for g in self.glyphs)

    @property
    def centre(self) -> float:
        return (self.left + self.right) / 2

    @property
    def middle(self) -> float:
        """Vertical centre of the line's ink, mm from the top of the page."""
        return sum((g.top + g.bottom) / 2 for g in self.glyphs) / len(self.glyphs)


@dataclass
class Layout:
    pages: int
    glyphs: list[Glyph]
    objects: list[tuple[int, str, float, float, float, float]]  # (page, type, x0, top, x1, bottom)
    lines: list[Line]

    def text(self, x_min: float = 0, x_max: float = 1e9) -> str:
        """All glyphs whose centre lies between x_min and x_max, in reading order, without spaces (the page
        numbers left out)."""
        return "".join(g.ch for ln in self.lines if not PAGE_NUMBER.match(ln.text) for g in ln.glyphs
                       if x_min <= (g.x0 + g.x1) / 2 <= x_max)

    def find(self, text: str) -> list[Line]:
        return [ln for ln in self.lines if ln.text == text]

    def page_lines(self, page: int) -> list[Line]:
        return [ln for ln in self.lines if ln.page == page]


def read(path: Path) -> Layout:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    glyphs: list[Glyph] = []
    objects = []
    try:
        for p in range(len(pdf)):
            page = pdf[p]
            h = page.get_height()
            tp = page.get_textpage()
            for i in range(tp.count_chars()):
                ch = tp.get_text_range(i, 1)
                if not ch or ch.isspace() or ch == "\ufffe":
                    continue
                x0, b, r, t = tp.get_charbox(i)
                ll, lb, lr, lt = tp.get_charbox(i, loose=True)
                if r - x0 <= 0 and t - b <= 0:
                    continue
                glyphs.append(Glyph(ch, p + 1, x0 * PT, (h - t) * PT, r * PT, (h - b) * PT, ll * PT, lr * PT,
                                    (h - lt) * PT, (h - lb) * PT))
            for obj in page.get_objects():
                x0, b, r, t = obj.get_bounds()
                objects.append((p + 1, {1: "text", 2: "path", 3: "image"}.get(obj.type, str(obj.type)),
                                x0 * PT, (h - t) * PT, r * PT, (h - b) * PT))
            tp.close()
            page.close()
        n = len(pdf)
    finally:
        pdf.close()
    return Layout(n, glyphs, objects, _lines(glyphs))


def _lines(glyphs: list[Glyph]) -> list[Line]:
    """Glyphs on one baseline (centres of their loose boxes within 2 mm), sorted top to bottom, left to right."""
    out: list[Line] = []
    by_page: dict[int, list[Glyph]] = {}
    for g in glyphs:
        by_page.setdefault(g.page, []).append(g)
    for page in sorted(by_page):
        rows: list[tuple[float, list[Glyph]]] = []
        for g in sorted(by_page[page], key=lambda g: g.cy):
            cy = g.cy
            if rows and abs(cy - rows[-1][0]) < 2.0:
                rows[-1][1].append(g)
            else:
                rows.append((cy, [g]))
        for _, gs in rows:
            gs.sort(key=lambda g: g.x0)
            # glyphs on one baseline but far apart (label cell | value cell, 发文字号 | 签发人) are separate lines
            cur = Line(page, [gs[0]])
            for g in gs[1:]:
                if g.lx0 - cur.glyphs[-1].lx1 > 6.0:
                    out.append(cur)
                    cur = Line(page, [g])
                else:
                    cur.glyphs.append(g)
            out.append(cur)
    return out


# ------------------------------------------------------------------ checks


def outside_type_area(layout: Layout, tol: float = 0.3) -> list[str]:
    """What is printed outside the 版心 (ink boxes of glyphs and the bounds of rules and other objects) other
    than the page number "— N —" below it."""
    bad = []
    numbers = {ln.page: ln for ln in layout.lines if PAGE_NUMBER.match(ln.text)}
    for g in layout.glyphs:
        if g.x0 < LEFT - tol or g.x1 > RIGHT + tol or g.top < TOP - tol or g.bottom > BOTTOM + tol:
            num = numbers.get(g.page)
            if num is not None and g in num.glyphs and g.top > BOTTOM:
                continue
            bad.append(f"p{g.page} {g.ch!r} x {g.x0:.1f}–{g.x1:.1f} y {g.top:.1f}–{g.bottom:.1f}")
    for page, kind, x0, top, x1, bottom in layout.objects:
        if kind == "text":
            continue  # measured glyph by glyph above
        w = tol + 0.4  # a rule's bounds include half its line width
        if x0 < LEFT - w or x1 > RIGHT + w or top < TOP - w or bottom > BOTTOM + w:
            bad.append(f"p{page} {kind} x {x0:.1f}–{x1:.1f} y {top:.1f}–{bottom:.1f}")
    return bad


def overlaps(layout: Layout, tol: float = 0.1) -> list[str]:
    """Pairs of glyphs whose ink boxes overlap by more than ``tol`` mm both ways (a sweep over x)."""
    bad = []
    by_page: dict[int, list[Glyph]] = {}
    for g in layout.glyphs:
        by_page.setdefault(g.page, []).append(g)
    for gs in by_page.values():
        gs.sort(key=lambda g: g.x0)
        active: list[Glyph] = []
        for g in gs:
            active = [a for a in active if a.x1 - tol > g.x0]
            for a in active:
                if min(a.bottom, g.bottom) - max(a.top, g.top) > tol and min(a.x1, g.x1) - max(a.x0, g.x0) > tol:
                    bad.append(f"p{g.page} {a.ch!r}@{a.x0:.1f},{a.top:.1f} × {g.ch!r}@{g.x0:.1f},{g.top:.1f}")
            active.append(g)
    return bad


def squeeze(text: str) -> str:
    return "".join(text.split())
