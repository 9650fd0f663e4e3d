"""The one clock (issue 16): Beijing's zone defined once, "now unless told" and "today in Beijing"."""

from __future__ import annotations

import datetime as dt

from dutyroom.domain import clock, incident_facts, warning_state
from dutyroom.domain.clock import BEIJING, now_or, today_or


def test_a_given_time_is_kept_and_no_time_means_now_in_utc():
    given = dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.UTC)
    assert now_or(given) is given
    before = dt.datetime.now(dt.UTC)
    now = now_or(None)
    assert now.tzinfo is dt.UTC and before <= now <= dt.datetime.now(dt.UTC)


def test_a_given_day_is_kept_and_no_day_means_today_in_beijing():
    assert today_or(dt.date(2026, 2, 1)) == dt.date(2026, 2, 1)
    assert today_or() == dt.datetime.now(BEIJING).date()


def test_the_zone_is_one_object_everywhere():
    assert incident_facts.BEIJING is clock.BEIJING and warning_state.BEIJING is clock.BEIJING
    assert BEIJING.key == "Asia/Shanghai"
