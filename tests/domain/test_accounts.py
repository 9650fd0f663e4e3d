"""Account names and passwords as pure rules (domain/accounts.py; issue 17, finding 8), over arbitrary input."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dutyroom.domain.accounts import (
    MIN_PASSWORD_LENGTH,
    check_password,
    check_username,
    common_passwords,
    skeleton,
)
from dutyroom.domain.errors import UserError


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
@example("ADMIN")
@example("аdmin")
@example("ａｄｍｉｎ")
@example("a\u202edmin")
@example("\x00admin")
@example("x" * 65)
def test_a_username_is_refused_with_a_message_or_kept_in_one_stable_form(typed):
    try:
        name = check_username(typed)
    except UserError as exc:
        assert exc.zh and exc.en
        return
    assert check_username(name) == name  # already in its one form
    assert name == name.casefold() and name == name.strip() and 0 < len(name) <= 64
    if name.isascii():
        assert check_username(name.upper()) == name  # ADMIN and admin are one name


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300), st.text(max_size=20))
@example("        ", "")
@example("12345678", "")
@example("zhouning", "zhouning")
def test_a_password_is_refused_with_a_message_or_accepted(password, username):
    try:
        check_password(password, username)
    except UserError as exc:
        assert exc.zh and exc.en
        return
    assert len(password) >= MIN_PASSWORD_LENGTH and password.strip().casefold() not in common_passwords()


def test_the_shipped_list_is_loaded_and_large():
    assert len(common_passwords()) > 1000
    assert "1qaz2wsx3edc" in common_passwords() and "woaini1314" in common_passwords()


@pytest.mark.parametrize("a, b", [("admin", "аdmin"), ("oxana", "охапа"), ("pop", "рор")])
def test_lookalike_names_share_a_skeleton(a, b):
    assert skeleton(a) == skeleton(b)
