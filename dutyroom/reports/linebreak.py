"""Chinese line breaking with 避头尾 (kinsoku) for our own renderers (TECH_NOTES.md section 4.1).

reportlab's ``wordWrap='CJK'`` lets "，" start a line and splits Latin words; this breaker:
- never starts a line with closing punctuation (。，、；：？！）》」』】〕”’…—% and the ASCII ones);
- never ends a line with an opening bracket or quote (（《「『【〔“‘ and ASCII ( [ {);
- keeps Latin letters / digits runs together (a run longer than a whole line is split by characters);
- may hang ONE closing punctuation mark past the right edge (悬挂) instead of pushing a character down;
- loses no character: ``"".join(lines) == text`` minus the spaces dropped at line ends (tested).

Tokens are measured by a caller-supplied function (grid pitch for the 公文 renderer, font metrics for
tables), so the same rules serve both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

CANNOT_START = frozenset("。．，、；：？！）)]｝}〕〗】》」』”’〉…—～·%％‰℃,.;:?!・ー")
CANNOT_END = frozenset("（([｛{〔〖【《「『“‘〈")
HANGABLE = frozenset("。．，、；：？！,.;:?!")
# a Latin/digit run: letters, digits and the joiners inside numbers, versions, times and codes
_TOKEN = re.compile(r"[A-Za-z0-9\u00C0-\u024F][A-Za-z0-9\u00C0-\u024F.,:/_\-+#&'%]*[A-Za-z0-9\u00C0-\u024F%]|"
                    r"[A-Za-z0-9\u00C0-\u024F]|\s|.", re.S)
# ellipsis and dash come in pairs (……, ——) and must not be split either; a Chinese date or clock time
# ("2026年12月5日", "12月5日", "8时05分", "23:52") is one unit too: never "2026年/12月5日" or "12月5/日"
_PAIRS = re.compile(r"……|——|\.\.\.|(?:\d{4}年)?\d{1,2}月\d{1,2}日|\d{4}年\d{1,2}月|\d{1,2}时\d{1,2}分|"
                    r"\d{1,2}:\d{2}(?::\d{2})?(?![0-9])")


def tokenize(text: str) -> list[str]:
    tokens: list[str] = []
    pos = 0
    while pos < len(text):
        m = _PAIRS.match(text, pos) or _TOKEN.match(text, pos)
        tokens.append(m.group(0))  # a run keeps only inner joiners: "1.5," gives "1.5" and ","
        pos = m.end()
    return tokens


def _first(tok: str) -> str:
    return tok[:1]


def _last(tok: str) -> str:
    return tok[-1:]


def break_lines(text: str, width: float, measure: Callable[[str], float], *, first_indent: float = 0.0,
                hang: bool = True) -> list[str]:
    """Split one paragraph (no newlines) into lines (see ``break_ranges``)."""
    return [text[a:b] for a, b in break_ranges(text, width, measure, first_indent=first_indent, hang=hang)]


def break_ranges(text: str, width: float, measure: Callable[[str], float], *, first_indent: float = 0.0,
                 hang: bool = True, avoid_orphan: bool = True) -> list[tuple[int, int]]:
    """Split one paragraph (no newlines) into lines not wider than ``width`` (first line ``width -
    first_indent``); a hung punctuation mark may exceed the width by its own advance. ``avoid_orphan``: a
    last line of one lone character takes one more token from the line above where 避头尾 allows."""
    ranges = _break(text, width, measure, first_indent, hang)
    if avoid_orphan and len(ranges) >= 2:
        (a, b), (c, d) = ranges[-2], ranges[-1]
        if len(text[c:d].strip()) == 1:
            toks = tokenize(text[a:b])
            if len(toks) >= 3:
                moved = toks[-1]
                if (not moved.isspace() and _first(moved) not in CANNOT_START and _last(toks[-2]) not in CANNOT_END
                        and not toks[-2].isspace()):
                    cut = b - len(moved)
                    ranges[-2:] = [(a, cut), (cut, d)]
    return ranges


def _break(text: str, width: float, measure: Callable[[str], float], first_indent: float,
           hang: bool) -> list[tuple[int, int]]:
    tokens = tokenize(text)
    ranges: list[tuple[int, int]] = []
    offsets = [0]
    for tok in tokens:
        offsets.append(offsets[-1] + len(tok))
    n = len(tokens)
    start = 0
    avail = width - first_indent
    while start < n:
        if ranges and tokens[start].isspace():  # no space at the start of a continuation line
            start += 1
            continue
        used = 0.0
        k = start
        while k < n:
            w = measure(tokens[k])
            if used + w > avail + 1e-6:
                break
            used += w
            k += 1
        if k == n:
            ranges.append((offsets[start], offsets[n]))
            break
        if k == start:  # a single token wider than the line: split it by characters
            tok = tokens[start]
            cut, used = 0, 0.0
            while cut < len(tok) and used + measure(tok[cut]) <= avail + 1e-6:
                used += measure(tok[cut])
                cut += 1
            cut = max(cut, 1)
            if cut < len(tok):
                tokens[start:start + 1] = [tok[:cut], tok[cut:]]
                offsets.insert(start + 1, offsets[start] + cut)
                n += 1
            ranges.append((offsets[start], offsets[start + 1]))
            start += 1
            avail = width
            continue
        # 悬挂: one closing mark hangs in the margin when the next token could then start the line
        if (hang and len(tokens[k]) == 1 and tokens[k] in HANGABLE
                and (k + 1 >= n or _first(tokens[k + 1]) not in CANNOT_START)):
            k += 1
        else:
            # push characters down until the break respects 避头尾
            while k > start + 1 and (_first(tokens[k]) in CANNOT_START or _last(tokens[k - 1]) in CANNOT_END):
                k -= 1
        end = k
        while end > start + 1 and tokens[end - 1].isspace():  # no trailing space
            end -= 1
        ranges.append((offsets[start], offsets[end]))
        start = k
        avail = width
    return ranges or [(0, 0)]


def char_class(ch: str) -> str:
    """'wide' for CJK ideographs and full-width forms, 'narrow' otherwise."""
    return "wide" if unicodedata.east_asian_width(ch) in "WF" else "narrow"
