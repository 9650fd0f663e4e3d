"""The 公文 renderer: canvas drawing after GB/T 9704-2012 (TECH_NOTES.md section 3.3).

Geometry: A4, 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm on a grid of 22 lines × 28 characters (pitch
15.79 pt × 28.99 pt). Body 3号 (16 pt) 仿宋 — each CJK character sits in its grid cell (character spacing
−0.21 pt, as Word's document grid does), Latin and digit runs take their own advance; paragraphs are
indented 2 characters; lines are broken by linebreak.py (避头尾, hanging punctuation, runs kept whole)
and full lines justified. Title 2号 in the heading face, centred, lines balanced. Heading levels "一、"
黑体, "（一）" 楷体 (a paragraph may mix runs: "一、时间：" in 黑体 then the text in 仿宋).

版头 (optional): 份号, 紧急程度 top-left; the red 发文机关标志 centred, its top edge 35 mm below the top of
the 版心; 发文字号 two lines below, centred (or left with 签发人 right for 上行文); the red rule 4 mm below
the 发文字号. 署名 and 成文日期 (2026年7月1日) right, the date 4 characters in from the right edge; 附件说明;
版记 on the last page's bottom (抄送, 印发机关 and 印发日期 between rules 0.35/0.25/0.35 mm); page numbers
"— N —" 4号, 7 mm below the 版心, odd pages right, even pages left.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from . import fonts
from .linebreak import break_ranges
from .pdf_common import (
    BLACK,
    BODY_H,
    BODY_W,
    CHAR_PITCH,
    LEFT_MARGIN,
    LINE_PITCH,
    LINES_PER_PAGE,
    PAGE_H,
    PAGE_W,
    RED,
    SIZE_2,
    SIZE_3,
    SIZE_4,
    TOP_MARGIN,
    cn_date,
    draw_page_number,
    draw_text,
    is_wide,
    measure_for,
    open_target,
    text_width,
)

BODY_TOP = PAGE_H - TOP_MARGIN          # top edge of the 版心 (pt from the page bottom)
BODY_BOTTOM = BODY_TOP - BODY_H
CJK_SPACE = CHAR_PITCH - SIZE_3         # −0.21 pt: 28 characters fill 156 mm exactly


@dataclass(frozen=True)
class Run:
    text: str
    role: str = "fangsong"


@dataclass(frozen=True)
class Para:
    """A paragraph of runs. ``indent`` in characters (first line), ``align`` left | center | right,
    ``right_chars`` space kept at the right for right-aligned lines (署名/日期)."""

    runs: tuple[Run, ...]
    indent: int = 2
    align: str = "left"
    right_chars: float = 0
    size: float = SIZE_3
    color: str = "black"

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


def body(text: str, indent: int = 2) -> Para:
    return Para((Run(text),), indent=indent)


def h1(text: str) -> Para:
    return Para((Run(text, "heiti"),))


def h2(text: str) -> Para:
    return Para((Run(text, "kaiti"),))


def labelled(label: str, text: str, label_role: str = "heiti") -> Para:
    """"一、时间：" in a heading face followed by its text in 仿宋, one paragraph."""
    return Para((Run(label, label_role), Run(text)))


def plain(text: str) -> Para:
    return Para((Run(text),), indent=0)


@dataclass(frozen=True)
class Gongwen:
    title: str
    paragraphs: Sequence[Para]
    issuer_mark: str | None = None        # 发文机关标志 (red); None: no 版头
    doc_number: str | None = None         # 发文字号, e.g. 东应急发〔2026〕3号
    signer: str | None = None             # 签发人 (上行文: number left, signer right)
    copy_no: str | None = None            # 份号 (6 digits)
    urgency: str | None = None            # 紧急程度: 特急 / 加急
    classification: str | None = None     # 密级和保密期限
    addressee: str | None = None          # 主送机关 (the colon is added)
    attachments: Sequence[str] = ()       # 附件说明
    signature: str | None = None          # 署名
    date: dt.date | None = None           # 成文日期
    cc: str | None = None                 # 抄送
    printed_by: str | None = None         # 印发机关
    printed_on: dt.date | None = None     # 印发日期
    remark: str | None = None             # 附注, in brackets under the date
    title_lines: Sequence[str] = field(default=())  # pre-broken title lines (otherwise balanced automatically)


class _Writer:
    def __init__(self, c: Canvas):
        self.c = c
        self.page = 1
        self.line = 0           # next free grid line on this page (0..21)
        self.f = {r: fonts.resolve(r) for r in fonts.ROLES}
        self.lines_drawn: list[tuple[int, str]] = []  # (page, text) of body lines, for tests and debugging

    # --- grid
    @staticmethod
    def baseline(line: float, size: float = SIZE_3) -> float:
        """Baseline of grid line ``line``: the glyph box centred in the line pitch."""
        top = BODY_TOP - line * LINE_PITCH
        return top - (LINE_PITCH - size) / 2 - size * 0.86

    def new_page(self) -> None:
        draw_page_number(self.c, self.page)
        self.c.showPage()
        self.page += 1
        self.line = 0

    def need(self, n: int) -> None:
        if self.line + n > LINES_PER_PAGE:
            self.new_page()

    # --- runs
    def _advance(self, ch: str, role: str, size: float) -> float:
        return CHAR_PITCH * size / SIZE_3 if is_wide(ch) else text_width(ch, self.f[role], size)

    def draw_line(self, x: float, y: float, chars: list[tuple[str, str]], size: float, color, stretch: float) -> None:
        """Draw (char, role) pairs from x; CJK on the grid, ``stretch`` extra points after each gap."""
        pitch = CHAR_PITCH * size / SIZE_3
        i = 0
        while i < len(chars):
            role = chars[i][1]
            wide = is_wide(chars[i][0])
            j = i
            while j < len(chars) and chars[j][1] == role and is_wide(chars[j][0]) == wide:
                j += 1
            seg = "".join(ch for ch, _ in chars[i:j])
            if wide:
                draw_text(self.c, x, y, seg, self.f[role], size, char_space=pitch - size + stretch, color=color,
                          bold=False)
                x += len(seg) * (pitch + stretch)
            else:
                draw_text(self.c, x, y, seg, self.f[role], size, char_space=stretch, color=color, bold=False)
                x += text_width(seg, self.f[role], size) + stretch * len(seg)
            i = j

    def paragraph(self, p: Para) -> None:
        chars = [(ch, r.role) for r in p.runs for ch in r.text]
        text = p.text
        size = p.size
        pitch = CHAR_PITCH * size / SIZE_3
        width = BODY_W - p.right_chars * pitch
        roles = [role for _, role in chars]

        def measure_at(tok: str) -> float:
            return sum(self._advance(ch, "fangsong", size) for ch in tok)

        ranges = break_ranges(text, width, measure_at, first_indent=p.indent * pitch)
        color = RED if p.color == "red" else BLACK
        for n, (a, b) in enumerate(ranges):
            self.need(1)
            seg = [(text[k], roles[k]) for k in range(a, b)]
            w = sum(self._advance(ch, role, size) for ch, role in seg)
            indent = p.indent * pitch if n == 0 else 0.0
            x = LEFT_MARGIN + indent
            stretch = 0.0
            if p.align == "center":
                x = LEFT_MARGIN + (BODY_W - w) / 2
            elif p.align == "right":
                x = LEFT_MARGIN + width - w
            elif n < len(ranges) - 1 and len(seg) > 1:
                slack = width - indent - w
                if 0 < slack < 3 * pitch:  # justify: spread what a Latin run left over (never a hung mark)
                    stretch = slack / (len(seg) - 1)
            self.draw_line(x, self.baseline(self.line, size), seg, size, color, stretch)
            self.lines_drawn.append((self.page, text[a:b]))
            self.line += 1


def _balanced_title(title: str, f: fonts.Resolved) -> list[str]:
    """Split a title into lines of similar length (梯形/菱形), never more than the 版心 allows."""
    pitch = SIZE_2 * CHAR_PITCH / SIZE_3
    max_chars = int(BODY_W // pitch) - 2
    measure = measure_for(f.name, SIZE_2, pitch)
    lines = [title[a:b] for a, b in break_ranges(title, max_chars * pitch, measure)]
    if len(lines) <= 1:
        return lines
    # rebalance: the narrowest width that still gives the same number of lines
    target = len(lines)
    lo, hi = math.ceil(len(title) / target) * pitch, max_chars * pitch
    best = lines
    while hi - lo > pitch / 2:
        mid = (lo + hi) / 2
        trial = [title[a:b] for a, b in break_ranges(title, mid, measure)]
        if len(trial) <= target:
            best, hi = trial, mid
        else:
            lo = mid
    return best


def render(doc: Gongwen, target: str | Path | BinaryIO) -> list[tuple[int, str]]:
    """Draw the document; returns the body lines as (page, text) (used by tests)."""
    stream, finish = open_target(target)
    c = Canvas(stream, pagesize=(PAGE_W, PAGE_H), pageCompression=1,
               initialFontName=fonts.resolve("fangsong").name, initialFontSize=SIZE_3)
    c.setTitle(doc.title)
    c.setAuthor(doc.signature or "dutyroom")
    c.setCreator("dutyroom")
    w = _Writer(c)
    f = w.f
    pitch = CHAR_PITCH

    # --- 版头
    depth = 0.0  # pt below the top of the 版心
    if doc.copy_no:
        draw_text(c, LEFT_MARGIN, w.baseline(0), doc.copy_no, f["fangsong"], SIZE_3)
    top_left = [x for x in (doc.classification, doc.urgency) if x]
    for i, item in enumerate(top_left, start=1 if doc.copy_no else 0):
        draw_text(c, LEFT_MARGIN, w.baseline(i), item, f["heiti"], SIZE_3, char_space=pitch - SIZE_3)
    if doc.issuer_mark:
        mark = doc.issuer_mark
        head = f["xiaobiaosong"]
        size = min(42.0, BODY_W * 0.94 / max(1, len(mark)))
        mark_top = 35 * mm
        # fit the mark's width into the 版心 (spacing between characters when short)
        natural = text_width(mark, head, size)
        space = 0.0 if len(mark) < 2 else min(size * 0.5, max(0.0, (BODY_W * 0.8 - natural) / (len(mark) - 1)))
        width = natural + space * (len(mark) - 1)
        y = BODY_TOP - mark_top - size * 0.86
        draw_text(c, LEFT_MARGIN + (BODY_W - width) / 2, y, mark, head, size, char_space=space, color=RED, bold=True)
        depth = mark_top + size
        if doc.doc_number or doc.signer:
            line = math.ceil((depth + 2 * LINE_PITCH) / LINE_PITCH)  # 空二行
            y = w.baseline(line)
            number = doc.doc_number or ""
            fs = f["fangsong"]
            if doc.signer:  # 上行文: 发文字号 left (空一字), 签发人 right (空一字)
                draw_text(c, LEFT_MARGIN + pitch, y, number, fs, SIZE_3)
                label = "签发人："
                name_w = text_width(doc.signer, f["kaiti"], SIZE_3)
                x = LEFT_MARGIN + BODY_W - pitch - name_w
                draw_text(c, x, y, doc.signer, f["kaiti"], SIZE_3)
                draw_text(c, x - text_width(label, fs, SIZE_3), y, label, fs, SIZE_3)
            else:
                draw_text(c, LEFT_MARGIN + (BODY_W - text_width(number, fs, SIZE_3)) / 2, y, number, fs, SIZE_3)
            depth = BODY_TOP - (y - SIZE_3 * 0.14)
        rule_y = BODY_TOP - depth - 4 * mm
        c.setStrokeColor(RED)
        c.setLineWidth(1.0)
        c.line(LEFT_MARGIN, rule_y, LEFT_MARGIN + BODY_W, rule_y)
        depth += 4 * mm
        w.line = math.ceil(depth / LINE_PITCH) + 2   # title two blank lines below the rule
    elif top_left or doc.copy_no:
        w.line = len(top_left) + (1 if doc.copy_no else 0) + 1

    # --- 标题
    title_lines = list(doc.title_lines) or _balanced_title(doc.title, f["xiaobiaosong"])
    tpitch = SIZE_2 * CHAR_PITCH / SIZE_3
    for line in title_lines:
        w.need(1)
        width = sum(tpitch if is_wide(ch) else text_width(ch, f["xiaobiaosong"], SIZE_2) for ch in line)
        draw_text(c, LEFT_MARGIN + (BODY_W - width) / 2, w.baseline(w.line, SIZE_2), line, f["xiaobiaosong"], SIZE_2,
                  char_space=tpitch - SIZE_2)
        w.line += 1
    w.line += 1  # 主送机关 one blank line below the title

    # --- 主送机关, 正文
    if doc.addressee:
        w.paragraph(Para((Run(doc.addressee + "："),), indent=0))
    for p in doc.paragraphs:
        w.paragraph(p)

    # --- 附件说明: one blank line below the body, 2 characters in, "附件：1.××"
    if doc.attachments:
        w.line += 1
        if len(doc.attachments) == 1:
            w.paragraph(body(f"附件：{doc.attachments[0]}"))
        else:
            for i, name in enumerate(doc.attachments, 1):
                w.paragraph(body(f"附件：{i}.{name}" if i == 1 else f"{'　' * 3}{i}.{name}"))

    # --- 署名 / 成文日期: the date 4 characters from the right, the signature centred over the date
    if doc.signature or doc.date:
        w.need(4)
        w.line += 2
        date_text = cn_date(doc.date) if doc.date else ""
        date_w = len(date_text) * pitch if date_text else 0.0
        date_right = LEFT_MARGIN + BODY_W - 4 * pitch
        if doc.signature:
            sig_w = sum(pitch if is_wide(ch) else text_width(ch, f["fangsong"], SIZE_3) for ch in doc.signature)
            centre = date_right - date_w / 2 if date_text else LEFT_MARGIN + BODY_W - 2 * pitch - sig_w / 2
            x = min(centre - sig_w / 2, LEFT_MARGIN + BODY_W - sig_w)
            w.draw_line(x, w.baseline(w.line), [(ch, "fangsong") for ch in doc.signature], SIZE_3, BLACK, 0.0)
            w.lines_drawn.append((w.page, doc.signature))
            w.line += 1
        if date_text:
            w.draw_line(date_right - date_w, w.baseline(w.line), [(ch, "fangsong") for ch in date_text], SIZE_3,
                        BLACK, 0.0)
            w.lines_drawn.append((w.page, date_text))
            w.line += 1
        if doc.remark:
            w.paragraph(body(f"（{doc.remark}）"))

    # --- 版记 at the bottom of the last page's 版心
    notes = []
    if doc.cc:
        notes.append(("cc", doc.cc))
    if doc.printed_by or doc.printed_on:
        notes.append(("print", ""))
    if notes:
        f4 = f["fangsong"]
        p4 = CHAR_PITCH * SIZE_4 / SIZE_3
        measure = measure_for(f4.name, SIZE_4, p4)
        cc_lines = []
        if doc.cc:
            text = f"抄送：{doc.cc}。" if not doc.cc.endswith("。") else f"抄送：{doc.cc}"
            cc_lines = [text[a:b] for a, b in break_ranges(text, BODY_W - 2 * p4, measure)]
        rows = len(cc_lines) + (1 if (doc.printed_by or doc.printed_on) else 0)
        row_h = LINE_PITCH
        block_h = rows * row_h
        used_depth = w.line * LINE_PITCH
        if used_depth + block_h + LINE_PITCH > BODY_H:
            w.new_page()
        y_bottom = BODY_BOTTOM
        c.setStrokeColor(BLACK)
        lines_y = [y_bottom + block_h]
        if cc_lines and rows > len(cc_lines):
            lines_y.append(y_bottom + row_h)
        lines_y.append(y_bottom)
        for i, ly in enumerate(lines_y):
            first_or_last = i in (0, len(lines_y) - 1)
            c.setLineWidth((0.35 if first_or_last else 0.25) * mm)
            c.line(LEFT_MARGIN, ly, LEFT_MARGIN + BODY_W, ly)
        y = y_bottom + block_h
        for line in cc_lines:
            y -= row_h
            base = y + (row_h - SIZE_4) / 2 + SIZE_4 * 0.14
            w.draw_line(LEFT_MARGIN + p4, base, [(ch, "fangsong") for ch in line], SIZE_4, BLACK, 0.0)
            w.lines_drawn.append((w.page, line))
        if doc.printed_by or doc.printed_on:
            y -= row_h
            base = y + (row_h - SIZE_4) / 2 + SIZE_4 * 0.14
            if doc.printed_by:
                w.draw_line(LEFT_MARGIN + p4, base, [(ch, "fangsong") for ch in doc.printed_by], SIZE_4, BLACK, 0.0)
                w.lines_drawn.append((w.page, doc.printed_by))
            if doc.printed_on:
                text = f"{cn_date(doc.printed_on)}印发"
                tw = sum(p4 if is_wide(ch) else text_width(ch, f4, SIZE_4) for ch in text)
                w.draw_line(LEFT_MARGIN + BODY_W - p4 - tw, base, [(ch, "fangsong") for ch in text], SIZE_4, BLACK,
                            0.0)
                w.lines_drawn.append((w.page, text))
    draw_page_number(c, w.page)
    c.showPage()
    c.save()
    finish()
    return w.lines_drawn


class GridParagraph(Flowable):
    """A platypus flowable drawing one paragraph the 公文 way (grid pitch, 避头尾, first-line indent) — for
    documents laid out with platypus (the statistics report) that still want our line breaker."""

    def __init__(self, text: str, role: str = "fangsong", size: float = SIZE_3, indent: int = 2,
                 leading: float | None = None):
        super().__init__()
        self.text, self.role, self.size, self.indent = text, role, size, indent
        self.leading = leading or size * 1.75
        self.lines: list[tuple[int, int]] = []

    def wrap(self, avail_w, avail_h):
        f = fonts.resolve(self.role)
        pitch = CHAR_PITCH * self.size / SIZE_3
        self.lines = break_ranges(self.text, avail_w, measure_for(f.name, self.size, pitch),
                                  first_indent=self.indent * pitch)
        return avail_w, len(self.lines) * self.leading

    def draw(self):
        f = fonts.resolve(self.role)
        pitch = CHAR_PITCH * self.size / SIZE_3
        y = len(self.lines) * self.leading - self.size * 1.1
        for n, (a, b) in enumerate(self.lines):
            draw_text(self.canv, self.indent * pitch if n == 0 else 0.0, y, self.text[a:b], f, self.size,
                      char_space=pitch - self.size, bold=False)
            y -= self.leading


class TitleFlowable(Flowable):
    """A centred title in the heading face (the 小标宋 fallback drawn with its synthetic bold), balanced lines."""

    def __init__(self, text: str, size: float = SIZE_2, leading: float | None = None):
        super().__init__()
        self.text, self.size = text, size
        self.leading = leading or size * 1.6
        self.rows: list[str] = []

    def wrap(self, avail_w, avail_h):
        f = fonts.resolve("xiaobiaosong")
        self.avail = avail_w
        self.rows = [self.text[a:b] for a, b in break_ranges(self.text, avail_w - 2 * self.size,
                                                                 measure_for(f.name, self.size))]
        return avail_w, len(self.rows) * self.leading

    def draw(self):
        f = fonts.resolve("xiaobiaosong")
        y = len(self.rows) * self.leading - self.size * 1.1
        for row in self.rows:
            draw_text(self.canv, (self.avail - text_width(row, f, self.size)) / 2, y, row, f, self.size)
            y -= self.leading
