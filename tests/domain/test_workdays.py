"""Working days with China's holiday calendar and make-up days (Shijingshan 第三十一条: filing within 20 working days)."""

import datetime as dt

import pytest

from dutyroom.domain.workdays import Calendar

D = dt.date


def test_spring_festival_2026_with_make_up_saturdays():
    """2026 Spring Festival: 2-15..2-23 off; Sat 2-14 and Sat 2-28 are make-up working days."""
    cal = Calendar.load()
    assert cal.is_workday(D(2026, 2, 14))  # Saturday, 调休上班
    assert not cal.is_workday(D(2026, 2, 16))  # Monday, holiday
    assert cal.is_workday(D(2026, 2, 28))  # Saturday, 调休上班
    assert not cal.is_workday(D(2026, 2, 21))  # Saturday, holiday


def test_filing_deadline_20_working_days_across_spring_festival():
    """A plan issued Fri 2026-02-06: count 20 working days, skipping the festival, counting make-up Saturdays."""
    cal = Calendar.load()
    deadline = cal.add_workdays(D(2026, 2, 6), 20)
    # Feb 9-13 (5), Sat 14 (6), festival 15-23 off, 24-27 (10), Sat 28 (11), Mar 2-6 (16), Mar 9-12 (20)
    assert deadline == D(2026, 3, 12)
    assert cal.workdays_between(D(2026, 2, 6), deadline) == 20


def test_national_day_2026():
    cal = Calendar.load()
    assert not cal.is_workday(D(2026, 10, 5))
    assert cal.is_workday(D(2026, 10, 10))  # Saturday make-up day


def test_uncovered_year_falls_back_to_weekdays_and_says_so():
    cal = Calendar.load()
    assert not cal.is_covered(D(2027, 2, 8))
    assert cal.is_workday(D(2027, 2, 8)) and not cal.is_workday(D(2027, 2, 6))


def test_override_file_covers_a_new_year(tmp_path):
    path = tmp_path / "overrides.yaml"
    path.write_text("2027:\n  holidays: [2027-02-08]\n  workdays: [2027-02-06]\n", encoding="utf-8")
    cal = Calendar.load(path)
    assert cal.is_covered(D(2027, 2, 8))
    assert not cal.is_workday(D(2027, 2, 8)) and cal.is_workday(D(2027, 2, 6))


def test_override_day_both_off_and_on_is_refused(tmp_path):
    path = tmp_path / "overrides.yaml"
    path.write_text("2027:\n  holidays: [2027-02-08]\n  workdays: [2027-02-08]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="both"):
        Calendar.load(path)
