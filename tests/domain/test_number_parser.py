"""One number parser (issue 16): the rules JSON, the stored settings and the administrator's bounds read
numbers with domain/numbers as the intake does (full-width digits, refusals in Chinese, the same limits).
The bounds come from spin boxes, which read the typing: a service refuses text there, as before."""

from __future__ import annotations

import pytest

from dutyroom.domain.incident_facts import FactsError, IncidentFacts
from dutyroom.domain.numbers import MAX_COUNT, NumberError, read_bounded, stored_count
from dutyroom.services.errors import UserError
from dutyroom.services.incident_reports import ReportService
from dutyroom.services.maintenance import MaintenanceService


def test_rules_input_reads_counts_and_amounts_like_the_intake():
    facts = IncidentFacts.from_mapping({"deaths": "３人", "injured": 12, "economic_loss_cny": "１，２００"})
    assert (facts.deaths, facts.injured, facts.economic_loss_cny) == (3, 12, 1200.0)
    assert IncidentFacts.from_mapping({"deaths": None, "economic_loss_cny": ""}).deaths == 0


@pytest.mark.parametrize(("field", "value", "zh"), [("deaths", -1, "不能为负数"), ("trapped", True, "必须是整数"),
                                                    ("missing", MAX_COUNT + 1, "数值过大"), ("injured", "约3人", "请填阿拉伯数字"),
                                                    ("economic_loss_cny", float("nan"), "非负数")])
def test_rules_input_refuses_what_the_intake_refuses_naming_the_field(field, value, zh):
    with pytest.raises(FactsError) as err:
        IncidentFacts.from_mapping({field: value})
    assert err.value.field == field and zh in err.value.zh


def test_a_bounded_setting_is_a_whole_number_in_range_and_never_text_or_blank():
    assert read_bounded(30, low=1, high=240) == 30
    for bad in ("", None, 0, 241, "30", 2.5, True):
        with pytest.raises(NumberError):
            read_bounded(bad, low=1, high=240)


def test_a_stored_setting_falls_back_to_its_default_and_is_kept_in_range():
    assert stored_count(None, default=15, low=0, high=240) == 15
    assert stored_count("garbled", default=15, low=0, high=240) == 15
    assert stored_count("500", default=15, low=0, high=240) == 240  # stored by an older, laxer program
    assert stored_count("10", default=15, low=0, high=240) == 10


def test_the_administrators_numbers_go_through_the_same_parser(people):
    auth, admin, _ = people
    m = MaintenanceService(auth.db)
    assert m.update_settings(admin, idle_minutes=10, backup_every_hours=2, backup_keep=3).idle_minutes == 10
    with pytest.raises(UserError, match="整数"):
        m.update_settings(admin, idle_minutes="", backup_every_hours=2, backup_keep=3)  # blank is not "never lock"
    reports = ReportService(auth.db)
    assert reports.set_district_bound(admin, 30) == 30 and reports.district_bound(admin) == 30
    for bad in (0, "30"):
        with pytest.raises(UserError, match="本区上报警戒时限"):
            reports.set_district_bound(admin, bad)
