"""Sample incident, reports and warning for the report tests and the docs/ renderings (made-up people)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.incident_reports import ReportService
from dutyroom.services.incidents import IncidentService
from dutyroom.services.warnings import WarningService
from tests.helpers.incidents import RECEIVED, intake
from tests.helpers.warnings import content, make_users

MIN = dt.timedelta(minutes=1)
DESCRIPTION = ("东四街道某小区3号楼6层一户居民家中起火，火势沿外窗向上蔓延，现场浓烟较大。区消防救援支队出动车辆12辆、"
               "指战员60名到场处置；公安、卫生健康、街道等单位已到场，疏散群众30余人，1名老人轻度吸入烟雾，已送医观察。")


def incident_with_reports(db, users) -> SimpleNamespace:
    """An incident in Dongcheng with a 首报 sent on time and a 续报 sent 12 minutes late."""
    incidents = IncidentService(db, load_profile("dongcheng"))
    reports = ReportService(db)
    duty = users["zhouning"]
    v = incidents.register(duty, intake("dongcheng", category="accident", event_type="火灾事故", description=DESCRIPTION,
                                        measures_taken="消防救援支队到场灭火，街道组织疏散群众",
                                        trend="火势已得到控制，正在清理余火", injured=1), now=RECEIVED)
    first_at = RECEIVED + 15 * MIN  # Dongcheng 4.1.5: due in 10 minutes, so 5 minutes late
    draft = reports.compose(duty, v.id, "verbal", now=first_at)
    first = reports.record_sent(duty, v.id, "verbal", body=draft.body, recipients=draft.recipients, channel="phone",
                                sent_at=first_at, now=first_at)
    later = first_at + 42 * MIN
    draft = reports.compose(duty, v.id, "followup", now=later)
    follow = reports.record_sent(duty, v.id, "followup", body=draft.body, recipients=draft.recipients,
                                 channel="fax", sent_at=later, now=later)
    return SimpleNamespace(incident=incidents.get(duty, v.id), first=first, followup=follow,
                           reports=reports.reports(duty, v.id))


PLACES = ("东四街道", "朝阳门街道", "和平里街道", "东华门街道", "景山街道", "建国门街道")
CATEGORY_TYPES = (("accident", "火灾事故"), ("accident", "道路交通事故"), ("natural", None), ("social", None),
                  ("public_health", None))


def many_incidents(db, users, n: int = 18) -> list[int]:
    """n incidents over January–June 2026 in several streets and categories; every third first report late."""
    incidents = IncidentService(db, load_profile("dongcheng"))
    reports = ReportService(db)
    duty = users["zhouning"]
    ids = []
    for i in range(n):
        received = dt.datetime(2026, 1 + i % 6, 3 + i, 9, 30, tzinfo=RECEIVED.tzinfo)
        category, event_type = CATEGORY_TYPES[i % len(CATEGORY_TYPES)]
        fields = intake("dongcheng", category=category, event_type=event_type, place=PLACES[i % len(PLACES)],
                        occurred_at=received - 5 * MIN, received_at=received, injured=i % 3)
        v = incidents.register(duty, fields, now=received)
        at = received + (22 if i % 3 == 0 else 8) * MIN
        draft = reports.compose(duty, v.id, "verbal", now=at)
        reports.record_sent(duty, v.id, "verbal", body=draft.body, recipients=draft.recipients, channel="phone",
                            sent_at=at, now=at)
        ids.append(v.id)
    return ids


def demo_signers(users) -> dict:
    """The warning helpers' role names mapped to the demo district's made-up people."""
    return {"author": users["zhouning"], "desk": users["zhouning"], "department": users["fengqing"],
            "office_director": users["tangjun"], "leader_in_charge": users["xiewen"],
            "committee_director": users["hanyu"]}


def issued_warning(db, users=None) -> SimpleNamespace:
    """An orange rainstorm warning in Dongcheng signed through its whole chain and issued."""
    profile = load_profile("dongcheng")
    users = demo_signers(users) if users else make_users(db)
    svc = WarningService(db, profile)
    t = dt.datetime(2026, 7, 1, 6, 40, tzinfo=RECEIVED.tzinfo)  # drafted at 06:40, each signature minutes later
    w = svc.draft(users["author"], content("orange", "natural", title="东城区暴雨橙色预警",
                                           area="东城区全区，重点为东四、朝阳门、和平里等低洼地区",
                                           start_at=t + 60 * MIN, ends_at=t + 13 * 60 * MIN), now=t)
    t += 5 * MIN
    view = svc.submit(users["author"], w.id, now=t)
    while view.next_step is not None:
        t += 7 * MIN
        step = view.steps[view.next_step - 1]
        if step.kind == "external_decision":
            view = svc.record_external(users["desk"], w.id, decider="市应急办值班领导", reference="京应急字〔2026〕18号",
                                       decided_at=t, comment="同意发布", now=t)
        else:
            view = svc.approve(users[step.role], w.id, comment="同意发布。", now=t)
    t += 3 * MIN
    view = svc.issue(users[view.issuer_role], w.id, [profile.warnings.channels[0]], now=t)
    return SimpleNamespace(warning=view, history=svc.history(w.id), svc=svc)


def activated_response(db, users, incident_id: int):
    """The lowest response level started for the incident, then raised one level (made-up commanders)."""
    from dutyroom.services.responses import ResponseService

    svc = ResponseService(db, load_profile("dongcheng"))
    levels = svc.levels(incident_id)
    people = svc.people()
    at = RECEIVED + 30 * MIN
    svc.activate(users["tangjun"], incident_id, levels[-1].key, people[0].id, people[1].id, at=at, now=at)
    at += 20 * MIN
    current = svc.raise_level(users["tangjun"], incident_id, levels[-2].key, at=at, now=at)
    return SimpleNamespace(current=current, history=svc.history(incident_id), levels=levels)
