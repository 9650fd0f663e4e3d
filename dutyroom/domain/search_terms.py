"""Search terms for the FTS5 text indexes of incidents and the audit log (issue 21).

SQLite's tokenisers do not split Chinese into words, and the trigram tokeniser cannot find a term shorter than
three characters (燃气, 火灾). So the program writes the terms itself, and FTS5 (tokenize='unicode61') only
splits them on spaces:

- a run of CJK characters as its overlapping bigrams plus its last character (燃气泄漏 → 燃气 气泄 泄漏 漏);
- a run of Latin letters or digits lower-cased: as every suffix (`infix=True`, the incidents: a phone number's
  last digits find it) or as the word alone (the audit log: a million entries, words match from their start).

A query becomes an AND of its pieces: a CJK run of two or more characters as its bigrams, a lone CJK character
as a prefix (燃* : any bigram starting with it, or the last character of a run), a Latin/digit run as a prefix.
Every row whose text contains the query is then among the matches (a superset: the bigrams may occur apart);
the caller keeps its exact LIKE test on the few rows found, so the results are those of the plain substring
search. A query with no indexable character (punctuation only) gives None: the caller scans.
"""

from __future__ import annotations

import re

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PIECE = re.compile(f"([{_CJK}]+)|([0-9A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]+)")  # not × ÷
MAX_SUFFIX = 24  # characters of an indexed Latin/digit suffix (a longer query piece is cut to this: a superset)


def index_terms(text: str | None, *, infix: bool = False) -> list[str]:
    """The distinct terms of `text` (order kept, duplicates dropped)."""
    out: dict[str, None] = {}
    for m in _PIECE.finditer(text or ""):
        cjk, word = m.groups()
        if cjk:
            for i in range(len(cjk) - 1):
                out[cjk[i:i + 2]] = None
            out[cjk[-1]] = None
        elif infix:
            w = word.lower()
            for i in range(len(w)):
                out[w[i:i + MAX_SUFFIX]] = None
        else:
            out[word.lower()] = None
    return list(out)


def indexed_text(*texts: str | None, infix: bool = False) -> str:
    """The FTS5 document for several texts (terms never span two of them)."""
    seen: dict[str, None] = {}
    for t in texts:
        for term in index_terms(t, infix=infix):
            seen[term] = None
    return " ".join(seen)


_BIGRAM = re.compile(f"(?=([{_CJK}][{_CJK}]))")
_RUN_END = re.compile(f"[{_CJK}](?![{_CJK}])")
_CJK_RUN = re.compile(f"[{_CJK}]+")


def words_and_bigrams(text: str) -> str:
    """The FTS5 document for long texts (the audit log): the CJK bigrams and run ends, then the rest of the text with
    the CJK taken out, for unicode61 to split into words (case-folded) — the same terms as index_terms(infix=False),
    made by the regular-expression engine rather than a Python loop (a million entries are indexed at once)."""
    return " ".join(_BIGRAM.findall(text)) + " " + " ".join(_RUN_END.findall(text)) + " " + _CJK_RUN.sub(" ", text)


def match_query(query: str | None) -> str | None:
    """An FTS5 MATCH expression whose matches include every text containing `query`; None: nothing indexable."""
    pieces: dict[str, None] = {}
    for m in _PIECE.finditer(query or ""):
        cjk, word = m.groups()
        if cjk and len(cjk) > 1:
            for i in range(len(cjk) - 1):
                pieces[f'"{cjk[i:i + 2]}"'] = None
        else:
            pieces[f'"{(cjk or word.lower())[:MAX_SUFFIX]}"*'] = None
    return " AND ".join(pieces) if pieces else None
