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
import io
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
    signer: str | None = None             # 签发人 (上行文: number left, signer right; "" leaves room to sign)
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
    sealed: bool = True                   # printed to be stamped (7.3.5.1) or not (7.3.5.2)


@dataclass(frozen=True)
class _Plan:
    """How one rendering pass lays the pages out (GB/T 9704 7.3.5.5): ``tight`` gives one page more lines
    (a smaller line pitch) so the body and the signature share it; ``break_before`` starts a new page before
    the body line with this number (0-based), when tightening alone cannot help."""

    tight: tuple[int, int] | None = None     # (page, lines on that page)
    break_before: int | None = None


@dataclass
class _Outcome:
    pages: int = 1
    last_body_page: int = 0                 # page of the last body (正文/附件说明) line; 0: no body
    signature_page: int = 0                 # page of the 署名/成文日期 block; 0: none
    body_lines: int = 0
    notes_page: int = 0                     # page of the 版记; 0: none


class _Writer:
    def __init__(self, c: Canvas, plan: _Plan | None = None):
        self.c = c
        self.plan = plan or _Plan()
        self.page = 1
        self.depth = 0.0        # pt below the top of the 版心 where the next line starts
        self.f = {r: fonts.resolve(r) for r in fonts.ROLES}
        self.lines_drawn: list[tuple[int, str]] = []  # (page, text) of body lines, for tests and debugging
        self.body_lines = 0
        self.last_body_page = 0

    # --- grid
    @property
    def pitch(self) -> float:
        """Line pitch of this page: 22 lines, or more on a page tightened after 7.3.5.5."""
        t = self.plan.tight
        return BODY_H / t[1] if t and t[0] == self.page else LINE_PITCH

    @property
    def line(self) -> int:
        return round(self.depth / self.pitch)

    def skip(self, n: float = 1) -> None:
        self.depth += n * self.pitch

    def baseline(self, line: float | None = None, size: float = SIZE_3) -> float:
        """Baseline of the line at ``line`` (grid line number; default the next free line): the glyph box
        centred in the line pitch."""
        top = BODY_TOP - (self.depth if line is None else line * self.pitch)
        return top - (self.pitch - size) / 2 - size * 0.86

    def fits(self, n: float) -> bool:
        return self.depth + n * self.pitch <= BODY_H + 0.01

    def new_page(self) -> None:
        draw_page_number(self.c, self.page)
        self.c.showPage()
        self.page += 1
        self.depth = 0.0

    def need(self, n: float) -> None:
        if not self.fits(n):
            self.new_page()

    # --- runs
    def _advance(self, ch: str, role: str, size: float) -> float:
        return CHAR_PITCH * size / SIZE_3 if is_wide(ch) else text_width(ch, self.f[role], size)

    def width(self, text: str, role: str = "fangsong", size: float = SIZE_3) -> float:
        """The drawn width of ``text``: CJK on the grid pitch, Latin and digits their own advance."""
        return sum(self._advance(ch, role, size) for ch in text)

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

    def paragraph(self, p: Para, *, body_text: bool = True) -> None:
        chars = [(ch, r.role) for r in p.runs for ch in r.text]
        text = p.text
        size = p.size
        pitch = CHAR_PITCH * size / SIZE_3
        width = BODY_W - p.right_chars * pitch
        roles = [role for _, role in chars]

        def measure_at(tok: str) -> float:
            return sum(self._advance(ch, "fangsong", size) for ch in tok)

        # no hanging punctuation: nothing may cross the right edge of the 版心 (a mark is pushed down with the
        # character before it and the line is justified instead)
        ranges = break_ranges(text, width, measure_at, first_indent=p.indent * pitch, hang=False)
        color = RED if p.color == "red" else BLACK
        for n, (a, b) in enumerate(ranges):
            if body_text and self.plan.break_before is not None and self.body_lines == self.plan.break_before \
                    and self.depth > 0:
                self.new_page()
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
                if 0 < slack < 8 * pitch:  # justify: spread what a Latin run or a date pushed down left over
                    stretch = slack / (len(seg) - 1)
            self.draw_line(x, self.baseline(None, size), seg, size, color, stretch)
            self.lines_drawn.append((self.page, text[a:b]))
            if body_text:
                self.body_lines += 1
                self.last_body_page = self.page
            self.skip()


def _balanced_title(title: str, f: fonts.Resolved) -> list[str]:
    """Split a title into lines of similar length (梯形/菱形), never more than the 版心 allows."""
    pitch = SIZE_2 * CHAR_PITCH / SIZE_3
    max_chars = int(BODY_W // pitch) - 2
    measure = measure_for(f.name, SIZE_2, pitch)
    lines = [title[a:b] for a, b in break_ranges(title, max_chars * pitch, measure, hang=False)]
    if len(lines) <= 1:
        return lines
    # rebalance: the narrowest width that still gives the same number of lines
    target = len(lines)
    lo, hi = math.ceil(len(title) / target) * pitch, max_chars * pitch
    best = lines
    while hi - lo > pitch / 2:
        mid = (lo + hi) / 2
        trial = [title[a:b] for a, b in break_ranges(title, mid, measure, hang=False)]
        if len(trial) <= target:
            best, hi = trial, mid
        else:
            lo = mid
    return best


MAX_TIGHT_LINES = 26    # 7.3.5.5: a page may take up to 4 more lines (pitch 8.7 mm instead of 10.2 mm)


def render(doc: Gongwen, target: str | Path | BinaryIO) -> list[tuple[int, str]]:
    """Draw the document; returns the body lines as (page, text) (used by tests).

    GB/T 9704 7.3.5.5: when the 署名/成文日期 (and the 版记) would stand alone on a page, the page before is
    tightened (smaller line pitch) so that the body and the signature share it; when even that cannot help,
    the last lines of the body are carried over to the signature's page."""
    stream, finish = open_target(target)
    buf, lines, out = _render_pass(doc, _Plan())
    if out.signature_page and out.last_body_page and out.signature_page != out.last_body_page:
        page = out.last_body_page
        plans = [_Plan(tight=(page, n)) for n in range(LINES_PER_PAGE + 1, MAX_TIGHT_LINES + 1)]
        plans += [_Plan(break_before=out.body_lines - k) for k in (2, 3, 4) if out.body_lines - k > 0]
        for plan in plans:
            b2, l2, o2 = _render_pass(doc, plan)
            if o2.signature_page == o2.last_body_page and (not o2.notes_page or o2.notes_page == o2.signature_page):
                buf, lines = b2, l2
                break
    stream.write(buf.getvalue())
    finish()
    return lines


def _signature_block(w: _Writer, doc: Gongwen) -> None:
    """署名 and 成文日期 (GB/T 9704 7.3.5): one blank line below the body.

    With a seal (7.3.5.1): the date right-aligned 4 characters in from the right edge, the 署名 centred on the
    date. Without (7.3.5.2): the 署名 2 characters in from the right, the date one line below starting 2
    characters right of the 署名's first character; a date longer than that stays 2 characters in and the
    署名 moves left with it. Widths are the drawn widths (digits are half as wide as a character)."""
    pitch = CHAR_PITCH
    right = LEFT_MARGIN + BODY_W
    date_text = cn_date(doc.date) if doc.date else ""
    date_w = w.width(date_text)
    sig = doc.signature or ""
    sig_w = w.width(sig)
    if doc.sealed:
        date_x = right - 4 * pitch - date_w
        sig_x = date_x + (date_w - sig_w) / 2 if date_text else right - 4 * pitch - sig_w
    else:
        sig_x = right - 2 * pitch - sig_w
        date_x = sig_x + 2 * pitch
        if date_x + date_w > right - 2 * pitch:
            date_x = right - 2 * pitch - date_w
            sig_x = date_x - 2 * pitch
    sig_x = max(LEFT_MARGIN, min(sig_x, right - sig_w))
    w.skip(1)  # 空一行
    if sig:
        w.draw_line(sig_x, w.baseline(), [(ch, "fangsong") for ch in sig], SIZE_3, BLACK, 0.0)
        w.lines_drawn.append((w.page, sig))
        w.skip()
    if date_text:
        w.draw_line(date_x, w.baseline(), [(ch, "fangsong") for ch in date_text], SIZE_3, BLACK, 0.0)
        w.lines_drawn.append((w.page, date_text))
        w.skip()
    if doc.remark:
        w.paragraph(body(f"（{doc.remark}）"), body_text=False)


def _signature_lines(w: _Writer, doc: Gongwen) -> int:
    if not (doc.signature or doc.date):
        return 0
    n = 1 + (1 if doc.signature else 0) + (1 if doc.date else 0)
    if doc.remark:
        pitch = CHAR_PITCH
        text = f"（{doc.remark}）"
        n += len(break_ranges(text, BODY_W, lambda t: w.width(t), first_indent=2 * pitch, hang=False))
    return n


def _render_pass(doc: Gongwen, plan: _Plan):
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(PAGE_W, PAGE_H), pageCompression=1,
               initialFontName=fonts.resolve("fangsong").name, initialFontSize=SIZE_3)
    c.setTitle(doc.title)
    c.setAuthor(doc.signature or "dutyroom")
    c.setCreator("dutyroom")
    w = _Writer(c, plan)
    f = w.f
    pitch = CHAR_PITCH
    out = _Outcome()

    # --- 版头 (positions in mm from the top of the 版心, independent of the page's line pitch)
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
        if doc.doc_number or doc.signer is not None:
            line = math.ceil((depth + 2 * LINE_PITCH) / LINE_PITCH)  # 空二行
            y = BODY_TOP - line * LINE_PITCH - (LINE_PITCH - SIZE_3) / 2 - SIZE_3 * 0.86
            number = doc.doc_number or ""
            if doc.signer is not None:  # 上行文 (7.2.4): 发文字号 left (空一字), 签发人 right (空一字)
                w.draw_line(LEFT_MARGIN + pitch, y, [(ch, "fangsong") for ch in number], SIZE_3, BLACK, 0.0)
                label = "签发人："
                name = doc.signer or "　" * 3   # not yet signed: room for the name by hand
                name_w = w.width(name, "kaiti")
                x = LEFT_MARGIN + BODY_W - pitch - name_w
                w.draw_line(x, y, [(ch, "kaiti") for ch in name], SIZE_3, BLACK, 0.0)
                w.draw_line(x - w.width(label), y, [(ch, "fangsong") for ch in label], SIZE_3, BLACK, 0.0)
            else:
                w.draw_line(LEFT_MARGIN + (BODY_W - w.width(number)) / 2, y, [(ch, "fangsong") for ch in number],
                            SIZE_3, BLACK, 0.0)
            depth = BODY_TOP - (y - SIZE_3 * 0.14)
        rule_y = BODY_TOP - depth - 4 * mm
        c.setStrokeColor(RED)
        c.setLineWidth(1.0)
        c.line(LEFT_MARGIN, rule_y, LEFT_MARGIN + BODY_W, rule_y)
        depth += 4 * mm
        w.depth = (math.ceil(depth / LINE_PITCH) + 2) * LINE_PITCH   # title two blank lines below the rule
    elif top_left or doc.copy_no:
        w.depth = (len(top_left) + (1 if doc.copy_no else 0) + 1) * LINE_PITCH

    # --- 标题
    title_lines = list(doc.title_lines) or _balanced_title(doc.title, f["xiaobiaosong"])
    tpitch = SIZE_2 * CHAR_PITCH / SIZE_3
    for line in title_lines:
        w.need(1)
        width = sum(tpitch if is_wide(ch) else text_width(ch, f["xiaobiaosong"], SIZE_2) for ch in line)
        draw_text(c, LEFT_MARGIN + (BODY_W - width) / 2, w.baseline(None, SIZE_2), line, f["xiaobiaosong"], SIZE_2,
                  char_space=tpitch - SIZE_2)
        w.skip()
    w.skip()  # 主送机关 one blank line below the title

    # --- 主送机关, 正文
    if doc.addressee:
        w.paragraph(Para((Run(doc.addressee + "："),), indent=0))
    for p in doc.paragraphs:
        w.paragraph(p)

    # --- 附件说明: one blank line below the body, 2 characters in, "附件：1.××"
    if doc.attachments:
        w.skip()
        if len(doc.attachments) == 1:
            w.paragraph(body(f"附件：{doc.attachments[0]}"))
        else:
            for i, name in enumerate(doc.attachments, 1):
                w.paragraph(body(f"附件：{i}.{name}" if i == 1 else f"{'　' * 3}{i}.{name}"))

    # --- 版记 geometry (needed to keep it with the signature)
    f4 = f["fangsong"]
    p4 = CHAR_PITCH * SIZE_4 / SIZE_3
    cc_lines: list[str] = []
    if doc.cc:
        text = f"抄送：{doc.cc}。" if not doc.cc.endswith("。") else f"抄送：{doc.cc}"
        cc_lines = [text[a:b] for a, b in break_ranges(text, BODY_W - 2 * p4, measure_for(f4.name, SIZE_4, p4),
                                                       hang=False)]
    rows = len(cc_lines) + (1 if (doc.printed_by or doc.printed_on) else 0)
    block_h = rows * LINE_PITCH

    # --- 署名 / 成文日期, kept on one page together (with the 版记 under them)
    sig_lines = _signature_lines(w, doc)
    if sig_lines:
        if w.depth + sig_lines * w.pitch + (block_h + 0.5 * LINE_PITCH if rows else 0) > BODY_H + 0.01:
            w.new_page()
        _signature_block(w, doc)
        out.signature_page = w.page

    # --- 版记 at the bottom of the last page's 版心
    if rows:
        if w.depth + block_h + 0.5 * LINE_PITCH > BODY_H + 0.01:
            w.new_page()
        out.notes_page = w.page
        y_bottom = BODY_BOTTOM
        c.setStrokeColor(BLACK)
        lines_y = [y_bottom + block_h]
        if cc_lines and rows > len(cc_lines):
            lines_y.append(y_bottom + LINE_PITCH)
        lines_y.append(y_bottom)
        for i, ly in enumerate(lines_y):
            first_or_last = i in (0, len(lines_y) - 1)
            c.setLineWidth((0.35 if first_or_last else 0.25) * mm)
            c.line(LEFT_MARGIN, ly, LEFT_MARGIN + BODY_W, ly)
        y = y_bottom + block_h
        for line in cc_lines:
            y -= LINE_PITCH
            base = y + (LINE_PITCH - SIZE_4) / 2 + SIZE_4 * 0.14
            w.draw_line(LEFT_MARGIN + p4, base, [(ch, "fangsong") for ch in line], SIZE_4, BLACK, 0.0)
            w.lines_drawn.append((w.page, line))
        if doc.printed_by or doc.printed_on:
            y -= LINE_PITCH
            base = y + (LINE_PITCH - SIZE_4) / 2 + SIZE_4 * 0.14
            if doc.printed_by:
                w.draw_line(LEFT_MARGIN + p4, base, [(ch, "fangsong") for ch in doc.printed_by], SIZE_4, BLACK, 0.0)
                w.lines_drawn.append((w.page, doc.printed_by))
            if doc.printed_on:
                text = f"{cn_date(doc.printed_on)}印发"
                tw = w.width(text, size=SIZE_4)
                w.draw_line(LEFT_MARGIN + BODY_W - p4 - tw, base, [(ch, "fangsong") for ch in text], SIZE_4, BLACK,
                            0.0)
                w.lines_drawn.append((w.page, text))
    draw_page_number(c, w.page)
    c.showPage()
    c.save()
    out.pages = w.page
    out.last_body_page = w.last_body_page
    out.body_lines = w.body_lines
    return buf, w.lines_drawn, out


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
