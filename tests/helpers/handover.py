"""Warnings and incidents for the handover and duty-log tests, driven by the Dongcheng demo users."""

from __future__ import annotations

import datetime as dt

from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.warnings import WarningService
from tests.helpers.incidents import RECEIVED, intake
from tests.helpers.warnings import content

ROLE_USER = {"office_director": "tangjun", "leader_in_charge": "xiewen", "committee_director": "hanyu",
             "shift_leader": "luomin", "department": "fengqing", "duty_officer": "zhouning"}


def warnings(desk) -> WarningService:
    return WarningService(desk.db, load_profile("dongcheng"))


def pending_warning(desk, colour="orange", title=None):
    svc = warnings(desk)
    w = svc.draft(desk["zhouning"], content(colour, title=title or f"大风{colour}预警"))
    return svc.submit(desk["zhouning"], w.id)


def issued_warning(desk, colour="blue", title=None, now: dt.datetime | None = None):
    svc = warnings(desk)
    view = pending_warning(desk, colour, title)
    while view.next_step is not None:
        step = view.steps[view.next_step - 1]
        view = svc.approve(desk[ROLE_USER[step.role]], view.id, comment="同意")
    return svc.issue(desk[ROLE_USER[view.issuer_role]], view.id, [svc.profile.warnings.channels[0]], now=now)


def closed_incident(desk, title="已结案的燃气泄漏"):
    svc, reports = desk.incidents(), desk.reports()
    minute = dt.timedelta(minutes=1)
    v = svc.register(desk["zhouning"], intake(title=title), now=RECEIVED)
    svc.end_handling(desk["zhouning"], v.id, at=RECEIVED + 50 * minute, now=RECEIVED + 55 * minute)
    draft = reports.compose(desk["zhouning"], v.id, "final", now=RECEIVED + 56 * minute)
    reports.record_sent(desk["zhouning"], v.id, "final", body=draft.body, recipients=draft.recipients,
                        channel="fax", now=RECEIVED + 57 * minute)
    return svc.close(desk["luomin"], v.id, now=RECEIVED + 60 * minute)
