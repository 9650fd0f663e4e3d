"""Property-based: arbitrary input to the rules gives a clear error or a correct answer, never a crash."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dutyroom.domain.incident_facts import FactsError, IncidentFacts
from dutyroom.domain.profile_loader import load_profile
from dutyroom.domain.rules import incident_rules

KEYS = ["category", "event_type", "occurred_at", "received_at", "grade", "deaths", "injured", "seriously_injured",
        "missing", "trapped", "economic_loss_cny", "sensitive", "key_area", "special_period", "foreign_related",
        "ongoing", "health"]
nasty_text = st.one_of(st.text(), st.just("'; DROP TABLE incident; --"), st.text(min_size=5000, max_size=20000),
                       st.sampled_from(["\x00", "\u202e", "2026-02-30T25:61:00", "accident", "unknown", "large"]))
values = st.one_of(st.none(), st.booleans(), st.integers(min_value=-10**12, max_value=10**12),
                   st.floats(allow_nan=True, allow_infinity=True), nasty_text, st.lists(st.integers(), max_size=3),
                   st.dictionaries(st.text(max_size=5), st.integers(), max_size=3))
incident_inputs = st.dictionaries(st.sampled_from([*KEYS, "surprise"]), values, max_size=12)

PROFILES = [load_profile(k) for k in ("beijing", "dongcheng", "tongzhou", "pinggu", "shijingshan")]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=incident_inputs, which=st.integers(min_value=0, max_value=4))
def test_rules_never_crash(data, which):
    try:
        facts = IncidentFacts.from_mapping(data)
    except FactsError as exc:
        assert exc.field and exc.zh and exc.en
        return
    try:
        answer = incident_rules(PROFILES[which], facts)
    except ValueError as exc:  # e.g. a malformed health block: refused with a message
        assert str(exc)
        return
    for d in answer["deadlines"]:
        if d["due"]:
            assert dt.datetime.fromisoformat(d["due"]).utcoffset() == dt.timedelta(hours=8)


@settings(max_examples=200, deadline=None)
@given(deaths=st.integers(0, 10**6), serious=st.integers(0, 10**6), loss=st.integers(0, 10**12))
def test_suggested_grade_never_decreases_when_harm_grows(deaths, serious, loss):
    from dutyroom.domain.grading import suggest_grade
    from dutyroom.domain.vocabulary import Category, grade_rank

    base = suggest_grade(Category.accident, {"deaths": deaths, "seriously_injured": serious, "economic_loss_cny": loss},
                         ["accident_decree_493"]).suggested
    more = suggest_grade(Category.accident, {"deaths": deaths + 1, "seriously_injured": serious,
                                             "economic_loss_cny": loss}, ["accident_decree_493"]).suggested
    assert more is not None
    if base is not None:
        assert grade_rank(more) <= grade_rank(base)


def test_not_a_number_loss_is_refused():
    import pytest

    for bad in (float("nan"), float("inf"), -1):
        with pytest.raises(FactsError) as err:
            IncidentFacts.from_mapping({"economic_loss_cny": bad})
        assert err.value.field == "economic_loss_cny"
