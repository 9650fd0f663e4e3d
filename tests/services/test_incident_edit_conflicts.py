"""Several seats edit one incident (issue 21, "Several seats"): each edit command takes the row_version the
screen showed; the second save from an older screen is refused with "已被某某于某时修改，请刷新" and nothing is
written (the first seat's change stands). Appending a note is not a conflict.

Two seats are two actors on one database here (each command is its own transaction, as from two PCs); the
PostgreSQL run of each test is the multi-seat configuration.
"""

from __future__ import annotations

import pytest

from dutyroom.services.row_version import EditConflict
from tests.helpers.incidents import MIN, RECEIVED, intake

pytestmark = pytest.mark.both_backends  # each test on SQLite and on PostgreSQL (tests/helpers/databases.py)


def opened(desk):
    return desk.incidents().register(desk["zhouning"], intake(deaths=1, injured=2), now=RECEIVED)


def test_the_second_save_of_facts_from_an_older_screen_is_refused_and_names_who_changed_it_when(desk):
    svc = desk.incidents()
    shown = opened(desk)  # both seats show this version
    first = svc.update(desk["sunhao"], shown.id, {"deaths": 2}, now=RECEIVED + 12 * MIN, version=shown.row_version)
    assert first.row_version > shown.row_version
    before = desk.counts()
    with pytest.raises(EditConflict) as refused:
        svc.update(desk["zhouning"], shown.id, {"deaths": 3, "trend": "仍在扩大"}, now=RECEIVED + 14 * MIN,
                   version=shown.row_version)
    assert refused.value.zh == "已被孙浩于08:17修改，请刷新"  # Beijing time of sunhao's save
    assert desk.counts() == before  # nothing written: no log line, no audit entry
    now = svc.get(desk["zhouning"], shown.id)
    assert (now.deaths, now.trend) == (2, None) and now.row_version == first.row_version
    # after 刷新 the seat sends the version it now shows, and its save goes through
    again = svc.update(desk["zhouning"], shown.id, {"deaths": 3}, now=RECEIVED + 15 * MIN, version=now.row_version)
    assert again.deaths == 3


@pytest.mark.parametrize("command", ["confirm_grade", "set_flags", "keep_grade", "end_handling", "close"])
def test_every_command_that_edits_the_incident_checks_the_version(desk, command):
    svc = desk.incidents()
    shown = opened(desk)
    svc.update(desk["sunhao"], shown.id, {"injured": 5}, now=RECEIVED + 3 * MIN, version=shown.row_version)
    calls = {
        "confirm_grade": lambda: svc.confirm_grade(desk["zhouning"], shown.id, "large", now=RECEIVED + 4 * MIN,
                                                   version=shown.row_version),
        "set_flags": lambda: svc.set_flags(desk["zhouning"], shown.id, {"sensitive": True}, now=RECEIVED + 4 * MIN,
                                           version=shown.row_version),
        "keep_grade": lambda: svc.keep_grade(desk["zhouning"], shown.id, now=RECEIVED + 4 * MIN,
                                             version=shown.row_version),
        "end_handling": lambda: svc.end_handling(desk["zhouning"], shown.id, now=RECEIVED + 4 * MIN,
                                                 version=shown.row_version),
        "close": lambda: svc.close(desk["luomin"], shown.id, now=RECEIVED + 4 * MIN, version=shown.row_version),
    }
    before = desk.counts()
    with pytest.raises(EditConflict, match="已被孙浩于08:08修改，请刷新"):
        calls[command]()
    assert desk.counts() == before


def test_every_change_moves_the_version_and_a_note_does_not(desk):
    svc = desk.incidents()
    v0 = opened(desk)
    v1 = svc.confirm_grade(desk["zhouning"], v0.id, "large", now=RECEIVED + MIN, version=v0.row_version)
    v2 = svc.set_flags(desk["zhouning"], v0.id, {"sensitive": True}, now=RECEIVED + 2 * MIN, version=v1.row_version)
    assert v0.row_version < v1.row_version < v2.row_version
    desk.log.add(desk["sunhao"], v0.id, "已通知属地街道", now=RECEIVED + 3 * MIN)  # appending is not editing
    v3 = svc.update(desk["zhouning"], v0.id, {"trend": "已控制"}, now=RECEIVED + 4 * MIN, version=v2.row_version)
    assert v3.trend == "已控制"


def test_english_message(desk, monkeypatch):
    monkeypatch.setenv("DUTYROOM_LANG", "en")
    svc = desk.incidents()
    shown = opened(desk)
    svc.update(desk["sunhao"], shown.id, {"deaths": 2}, now=RECEIVED + 12 * MIN)
    with pytest.raises(EditConflict) as refused:
        svc.update(desk["zhouning"], shown.id, {"deaths": 3}, now=RECEIVED + 14 * MIN, version=shown.row_version)
    assert refused.value.message == "changed by 孙浩 at 08:17 meanwhile: refresh first"


def test_a_caller_without_a_version_is_not_checked(desk):
    svc = desk.incidents()
    shown = opened(desk)
    svc.update(desk["sunhao"], shown.id, {"deaths": 2}, now=RECEIVED + MIN)
    assert svc.update(desk["zhouning"], shown.id, {"deaths": 3}, now=RECEIVED + 2 * MIN).deaths == 3
