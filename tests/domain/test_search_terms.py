"""The text indexes' terms (issue 21): whatever a text contains, the index query built from it finds it — the
FTS5 match is a superset of the substring search, which the services then keep exact with their LIKE test."""

from __future__ import annotations

import sqlite3

from hypothesis import example, given, settings
from hypothesis import strategies as st

from dutyroom.domain.search_terms import index_terms, indexed_text, match_query, words_and_bigrams

ALPHABET = "燃气泄漏火灾东四街道号楼aBc129 -（）"


def _found(doc: str, query: str, *, infix: bool, long: bool = False) -> bool:
    """Whether the index query finds `doc`; long: as the audit log writes its terms (words_and_bigrams)."""
    con = sqlite3.connect(":memory:")
    con.execute("CREATE VIRTUAL TABLE t USING fts5(terms, tokenize='unicode61', detail='none')")
    con.execute("INSERT INTO t(rowid, terms) VALUES (1, ?)",
                (words_and_bigrams(doc) if long else indexed_text(doc, infix=infix),))
    return bool(con.execute("SELECT count(*) FROM t WHERE t MATCH ?", (match_query(query),)).fetchone()[0])


def test_two_character_chinese_terms_are_indexed_which_the_trigram_tokeniser_cannot_find():
    assert index_terms("燃气泄漏") == ["燃气", "气泄", "泄漏", "漏"]
    assert _found("东四街道某小区燃气泄漏", "燃气", infix=False)
    assert _found("东四街道某小区燃气泄漏", "漏", infix=False)  # one character: a prefix of the bigrams or a run's end
    assert not _found("东四街道某小区燃气泄漏", "火灾", infix=False)


def test_a_phone_numbers_last_digits_find_the_incident_not_only_its_first():
    assert _found("回拨电话 13800004608", "4608", infix=True)
    assert not _found("回拨电话 13800004608", "4608", infix=False, long=True)  # the audit log: from a word's start
    assert _found("回拨电话 13800004608", "1380", infix=False, long=True)


def test_nothing_indexable_gives_no_query():
    assert match_query("-（）") is None and match_query("") is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, min_size=1, max_size=30), st.data())
@example("燃气泄漏", None)
def test_every_substring_of_a_text_is_found_through_the_index(doc, data):
    if data is None:
        query = "气泄"
    else:
        start = data.draw(st.integers(0, len(doc) - 1))
        query = doc[start:data.draw(st.integers(start + 1, len(doc)))]
    if match_query(query) is None:
        return  # punctuation only: the services scan instead
    assert _found(doc, query.upper(), infix=True)  # and the case of Latin letters does not matter
    words_whole = not any(c.isalnum() and c.isascii() for c in query[:1]) or doc.find(query) == 0 or \
        not (doc[doc.find(query) - 1].isascii() and doc[doc.find(query) - 1].isalnum())
    if words_whole:  # a query starting at a word's start is found without suffixes too
        assert _found(doc, query, infix=False)
        assert _found(doc, query.upper(), infix=False, long=True)
