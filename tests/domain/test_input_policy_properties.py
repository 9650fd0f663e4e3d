"""Issue 17: the one input policy as properties — domain/text.clean_text and domain/numbers read every string
either into a clean value or into a UserError/NumberError with a Chinese and an English message; the finding's
cases are explicit examples."""

from __future__ import annotations

import json
import math
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dutyroom.domain.errors import UserError
from dutyroom.domain.incident_facts import IncidentFacts, facts_from_json
from dutyroom.domain.numbers import NumberError, read_amount, read_count
from dutyroom.domain.text import MAX_TEXT, clean_text

SETTINGS = settings(max_examples=300, deadline=None)


@SETTINGS
@given(value=st.text(), multiline=st.booleans(), fold=st.booleans(), max_len=st.integers(1, 50))
@example(value="现场\ud800起火", multiline=True, fold=False, max_len=50)
@example(value="报警\u202e人", multiline=False, fold=False, max_len=50)
@example(value="\u2066隔离\u2069", multiline=False, fold=False, max_len=50)
@example(value="NUL\x00", multiline=True, fold=False, max_len=50)
@example(value="ＡＢＣ１２３", multiline=False, fold=True, max_len=50)
@example(value="第一行\u2028第二行", multiline=True, fold=False, max_len=50)
def test_clean_text_returns_clean_text_or_refuses(value, multiline, fold, max_len):
    try:
        out = clean_text(value, multiline=multiline, fold=fold, max_len=max_len)
    except UserError as exc:
        assert exc.zh and exc.en
        return
    if out is None:
        assert not value.strip() or not unicodedata.normalize("NFKC" if fold else "NFC", value).strip()
        return
    assert len(out) <= max_len and out == out.strip()
    assert unicodedata.is_normalized("NFKC" if fold else "NFC", out)
    allowed = "\n\t" if multiline else ""
    assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") and ch not in allowed for ch in out)
    out.encode("utf-8")  # storable


def test_text_without_a_named_limit_is_still_capped():
    with pytest.raises(UserError, match="过长"):
        clean_text("字" * (MAX_TEXT + 1))
    assert clean_text("字" * MAX_TEXT) == "字" * MAX_TEXT


@SETTINGS
@given(value=st.one_of(st.text(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.just(10**400)))
@example(value="①")
@example(value="²")
@example(value="10²")
@example(value="⑩")
@example(value="inf")
@example(value="1e400")
@example(value="NaN")
@example(value=float("nan"))
@example(value=10**400)
@example(value="１，２００人")
def test_numbers_are_read_once_or_refused(value):
    for read, kind in ((lambda v: read_count(v, maximum=10**6), int), (lambda v: read_amount(v, maximum=1e13), float)):
        try:
            got = read(value)
        except NumberError as exc:
            assert exc.zh and exc.en
            continue
        assert isinstance(got, kind) and got >= 0 and math.isfinite(got)
        if isinstance(value, str):
            assert not any(unicodedata.category(ch) == "No" for ch in value)  # ① and ² are never numbers


@pytest.mark.parametrize(("typed", "value"), [("１２", 12), ("３人", 3), ("٣", 3), ("1,200", 1200)])
def test_full_width_and_other_decimal_digits_are_read(typed, value):
    assert read_count(typed, maximum=10**6) == value


json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=10))
json_value = st.recursive(json_leaf, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.text(max_size=8), inner, max_size=3), max_leaves=10)


@settings(max_examples=150, deadline=None)
@given(text=st.one_of(st.text(max_size=200), json_value.map(json.dumps),
                      st.dictionaries(st.sampled_from(["category", "occurred_at", "received_at", "deaths", "health",
                                                       "grade", "economic_loss_cny"]), json_value).map(json.dumps)))
@example(text="[" * 100_000 + "]" * 100_000)
@example(text='{"a": ' * 100_000 + "1" + "}" * 100_000)
@example(text=json.dumps({"occurred_at": "9999-12-31T23:59:00-23:59", "received_at": "9999-12-31T23:59:00-23:59"}))
@example(text=json.dumps({"occurred_at": "0001-01-01T00:00:00+23:59"}))
@example(text=json.dumps({"deaths": "①"}))
@example(text="1" * 2_000_000)
def test_rules_input_is_facts_or_a_message(text):
    """`rules incident FILE`: what the command line reads, through the function it calls."""
    try:
        facts = facts_from_json(text, "in.json")
    except UserError as exc:
        assert exc.zh and exc.en
        return
    assert isinstance(facts, IncidentFacts)
    for t in (facts.occurred_at, facts.received_at):
        assert t is None or 1900 <= t.year <= 2199
