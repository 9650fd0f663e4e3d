"""The one lookup from user ids to display names (issue 16: five copies before)."""

from __future__ import annotations

from dutyroom.services.users import user_names


def test_names_of_the_given_ids_skipping_none_and_the_system_id(db, people):
    _, _, officer = people
    with db.read() as s:
        assert user_names(s, [officer.id, None, 0, officer.id]) == {officer.id: "周宁"}
        assert user_names(s, [None, 0]) == {}
        assert user_names(s, [officer.id + 999]) == {}  # an unknown id is simply absent


def test_every_user_when_no_ids_are_given(db, people):
    _, admin, officer = people
    with db.read() as s:
        assert user_names(s) == {admin.id: "管理员", officer.id: "周宁"}
