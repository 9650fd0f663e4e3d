"""Shared PDF pieces: GB/T 9704-2012 page geometry, red ink, page numbers "— N —", font helpers.

Numbers from TECH_NOTES.md section 3.3: A4; 天头 37 mm, 订口 28 mm; 版心 156 × 225 mm (so right margin
26 mm, bottom 35 mm); 22 lines × 28 characters; 3号 = 16 pt, 2号 = 22 pt, 4号 = 14 pt; red Y80% M80%.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.colors import CMYKColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from ..domain.incident_facts import BEIJING
from . import fonts
from .files import replace_atomically

PAGE_W, PAGE_H = A4
TOP_MARGIN = 37 * mm
LEFT_MARGIN = 28 * mm
BODY_W = 156 * mm
BODY_H = 225 * mm
RIGHT_MARGIN = PAGE_W - LEFT_MARGIN - BODY_W     # 26 mm
BOTTOM_MARGIN = PAGE_H - TOP_MARGIN - BODY_H     # 35 mm
CHARS_PER_LINE = 28
LINES_PER_PAGE = 22
CHAR_PITCH = BODY_W / CHARS_PER_LINE             # 15.79 pt
LINE_PITCH = BODY_H / LINES_PER_PAGE             # 28.99 pt
SIZE_2 = 22.0
SIZE_XIAO2 = 18.0
SIZE_3 = 16.0
SIZE_4 = 14.0
SIZE_XIAO4 = 12.0
SIZE_5 = 10.5
RED = CMYKColor(0, 0.8, 0.8, 0)
BLACK = CMYKColor(0, 0, 0, 1)
PAGE_NUMBER_DROP = 7 * mm                        # the dash line sits 7 mm below the 版心
DASH = "—"


def is_wide(ch: str) -> bool:
    o = ord(ch)
    return (0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFE30 <= o <= 0xFE4F or 0xFF00 <= o <= 0xFF60
            or 0x3000 <= o <= 0x303F or 0x20000 <= o <= 0x2FA1F or ch in "“”‘’…—·")


def measure_for(font_name: str, size: float, pitch: float | None = None):
    """A width function for linebreak.break_lines: CJK glyphs take ``pitch`` (the grid) when given,
    others their font advance."""
    memo: dict[str, float] = {}

    def measure(tok: str) -> float:
        w = memo.get(tok)
        if w is None:
            if pitch is None:
                w = stringWidth(tok, font_name, size)
            else:
                w = sum(pitch if is_wide(c) else stringWidth(c, font_name, size) for c in tok)
            if len(memo) < 20000:
                memo[tok] = w
        return w
    return measure


def set_font(c, resolved: fonts.Resolved, size: float) -> None:
    c.setFont(resolved.name, size)


def draw_text(c, x: float, y: float, text: str, resolved: fonts.Resolved, size: float, *, char_space: float = 0.0,
              color=BLACK, bold: bool | None = None) -> None:
    """Draw one line; a 小标宋 fallback (``fake_bold``) gets a thin stroke like the heavier face."""
    stroke = bold if bold is not None else resolved.fake_bold
    # Tc (character spacing) and Tr (render mode) are graphics state in PDF and outlive the text object:
    # set both explicitly and keep them inside q/Q, so the next line never inherits a stretch.
    c.saveState()
    if stroke:
        c.setStrokeColor(color)
        c.setLineWidth(size * 0.028)
    t = c.beginText(x, y)
    t.setFont(resolved.name, size)
    t.setFillColor(color)
    t.setCharSpace(char_space)
    if stroke:
        t.setTextRenderMode(2)
    t.textOut(text)
    c.drawText(t)
    c.restoreState()


def text_width(text: str, resolved: fonts.Resolved, size: float, char_space: float = 0.0) -> float:
    return stringWidth(text, resolved.name, size) + char_space * len(text)


def draw_page_number(c, page: int, *, page_w: float = PAGE_W, left: float = LEFT_MARGIN, body_w: float = BODY_W,
                     bottom: float = BOTTOM_MARGIN) -> None:
    """GB/T 9704 7.5: 4号 half-width Song numerals between 一字线, 7 mm below the 版心; odd pages right,
    even pages left, one character in from the edge of the 版心."""
    song = fonts.resolve("songti")
    text = f"{DASH} {page} {DASH}"
    w = stringWidth(text, song.name, SIZE_4)
    x = left + body_w - SIZE_4 - w if page % 2 else left + SIZE_4
    y = bottom - PAGE_NUMBER_DROP - SIZE_4 * 0.35
    c.saveState()
    c.setFillColor(BLACK)
    c.setFont(song.name, SIZE_4)
    c.drawString(x, y, text)
    c.restoreState()


def cn_date(value: dt.date | dt.datetime) -> str:
    """2026年7月1日: year in full, no padding zeros (GB/T 9704 7.3.5.1)."""
    if isinstance(value, dt.datetime):
        value = value.astimezone(BEIJING) if value.tzinfo else value
    return f"{value.year}年{value.month}月{value.day}日"


def cn_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(BEIJING) if value.tzinfo else value
    return f"{local.year}年{local.month}月{local.day}日 {local.hour:02d}:{local.minute:02d}"


def open_target(target: str | Path | BinaryIO):
    """(stream, finish): a path is written to a .part file and moved into place only when complete."""
    if isinstance(target, (str, Path, os.PathLike)):
        path = Path(target)
        buf = io.BytesIO()

        def finish() -> None:
            replace_atomically(path, lambda tmp: tmp.write_bytes(buf.getvalue()))
        return buf, finish
    return target, lambda: None

