"""Pinggu's public-health plan (seeds/pinggu_2022_general_plan_and_public_health_plan.txt) was issued by
京平政发〔2022〕3号 on 2022-02-07 (line 2848) and is in force from its issue (6.2.4, line 4119 "本预案自印发之日起实施"),
while the general plan (and the profile) dates from 2022-01-11 (line 528): its 3.3.2 clocks start on 2022-02-07."""

import datetime as dt

from dutyroom.domain.incident_facts import BEIJING, IncidentFacts
from dutyroom.domain.profile_loader import load_profile
from dutyroom.domain.reporting_clock import compute_deadlines


def clock_ids(received: dt.datetime) -> set[str]:
    facts = IncidentFacts.from_mapping({"category": "public_health", "grade": "large", "ongoing": True,
                                        "occurred_at": (received - dt.timedelta(hours=1)).isoformat(),
                                        "received_at": received.isoformat()})
    return {d.clock_id for d in compute_deadlines(load_profile("pinggu"), facts)}


def test_pinggu_public_health_clocks_apply_from_the_plans_issue_on_2022_02_07():
    before = clock_ids(dt.datetime(2022, 2, 6, 23, 30, tzinfo=BEIJING))
    on_issue = clock_ids(dt.datetime(2022, 2, 7, 0, 30, tzinfo=BEIJING))
    ph = {c.id for c in load_profile("pinggu").reporting.clocks if c.id.startswith("PH-")}
    assert not before & ph and before  # the general plan's clocks still apply (2022-01-11)
    assert {"PH-unit-to-health-30min", "PH-health-to-district-1h"} <= on_issue
    assert all(c.in_force_from == dt.date(2022, 2, 7) for c in load_profile("pinggu").reporting.clocks
               if c.id.startswith("PH-"))
