"""Issue 17: every input of the commands that need no sign-in (`rules incident`, `rules warning`, `profiles`),
driven through the command line's own `main` with hypothesis: it prints JSON and returns 0, or prints a message
and returns 2 — never a traceback. The commands that will take --user are covered through the service functions
they call (tests/services/test_input_properties.py) and the file/limit cases by subprocess
(tests/services/test_hostile_input_policy.py)."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dutyroom.cli import main
from dutyroom.domain.vocabulary import Category, Colour

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

json_leaf = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=False),
                      st.text(max_size=12), st.sampled_from(["①", "²", "inf", "1e400", "NaN", "\ud800", "\u202e"]))
fact = st.fixed_dictionaries({}, optional={
    "category": st.one_of(st.sampled_from([c.value for c in Category]), st.text(max_size=5)),
    "occurred_at": st.one_of(st.datetimes().map(lambda t: t.isoformat()), st.text(max_size=25)),
    "received_at": st.one_of(st.datetimes().map(lambda t: t.isoformat()), st.text(max_size=25)),
    "deaths": json_leaf, "injured": json_leaf, "seriously_injured": json_leaf, "economic_loss_cny": json_leaf,
    "grade": json_leaf, "health": st.dictionaries(st.sampled_from(["cases", "deaths", "kind", "area_km2"]), json_leaf),
})


def run(monkeypatch, capsys, stdin: str, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse refuses an unknown choice with its usage message
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@SETTINGS
@given(text=st.one_of(fact.map(lambda d: json.dumps(d, ensure_ascii=False)), st.text(max_size=100)))
@example(text=json.dumps({"category": "accident", "occurred_at": "9999-12-31T23:59:00-23:59",
                          "received_at": "9999-12-31T23:59:00-23:59", "deaths": 3}))
@example(text=json.dumps({"category": "accident", "occurred_at": "0001-01-01T00:00:00+23:59",
                          "received_at": "0001-01-01T00:01:00+23:59"}))
@example(text="[" * 100_000 + "]" * 100_000)
@example(text=json.dumps({"category": "public_health", "health": {"cases": "1e400"}}))
@example(text=json.dumps({"deaths": "①", "injured": "²"}, ensure_ascii=False))
@example(text=json.dumps({"deaths": "３", "category": "accident"}, ensure_ascii=False))
def test_rules_incident_answers_json_or_a_message(monkeypatch, capsys, text):
    code, out, err = run(monkeypatch, capsys, text, "rules", "incident", "-")
    assert code in (0, 2), err
    if code == 0:
        assert isinstance(json.loads(out), dict)
    else:
        assert err.strip() and "Traceback" not in err


@SETTINGS
@given(level=st.one_of(st.sampled_from([c.value for c in Colour]), st.text(max_size=8)),
       category=st.one_of(st.none(), st.sampled_from([c.value for c in Category]), st.text(max_size=8)),
       profile=st.one_of(st.none(), st.sampled_from(["dongcheng", "pinggu", "tongzhou"]), st.text(max_size=12),
                         st.just("../../etc/evil")))
@example(level="red", category=None, profile="../../etc/passwd")
@example(level="red\x00", category=None, profile=None)
def test_rules_warning_answers_json_or_a_message(monkeypatch, capsys, level, category, profile):
    args = ["rules", "warning", "--level", level]
    if category is not None:
        args += ["--category", category]
    if profile is not None:
        args += ["--profile", profile]
    code, out, err = run(monkeypatch, capsys, "", *args)
    assert code in (0, 2), err
    if code == 0:
        assert isinstance(json.loads(out), dict)
    else:
        assert err.strip() and "Traceback" not in err


def test_profiles_lists_the_shipped_profiles(monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, "", "profiles")
    assert code == 0 and "dongcheng" in out


@pytest.mark.parametrize("nested", ["[" * 100_000, "{" * 100_000])
def test_unterminated_deep_json_is_a_message(monkeypatch, capsys, nested):
    code, _, err = run(monkeypatch, capsys, nested, "rules", "incident", "-")
    assert code == 2 and err.strip()
