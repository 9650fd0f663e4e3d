"""Facts evolve after intake (更新事态): casualties, loss, place, measures, trend and what happened change with the
time they became known; each change is logged with both times and its author, audited, and a new grade
suggestion is never applied by itself. Follow-up and final reports list what changed since the last report.

No test sleeps: every call takes an explicit `now`.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dutyroom.services.errors import UserError
from dutyroom.services.incidents import IntakeInvalid, needs_grade_decision
from tests.helpers.incidents import MIN, RECEIVED, intake

pytestmark = pytest.mark.both_backends  # each test on SQLite and on PostgreSQL (tests/helpers/databases.py)


def opened(desk, grade=None, **kw):
    svc = desk.incidents()
    v = svc.register(desk["zhouning"], intake(**kw), now=RECEIVED)
    if grade:
        v = svc.confirm_grade(desk["zhouning"], v.id, grade, now=RECEIVED)
    return v


# ---------------------------------------------------------------- the "became known" time


def test_update_logs_when_the_facts_became_known_when_entered_and_by_whom(desk):
    v = opened(desk, deaths=1, injured=2)
    known, entered = RECEIVED + 20 * MIN, RECEIVED + 32 * MIN
    after = desk.incidents().update(desk["zhouning"], v.id, {"deaths": 2, "measures_taken": "消防、120已到场"},
                                    known_at=known, now=entered)
    assert (after.deaths, after.measures_taken) == (2, "消防、120已到场")
    line = desk.log_rows(v.id)[-1]
    assert line.text.startswith("死亡人数：1 → 2；已采取的措施：（空） → 消防、120已到场")
    assert (line.happened_at, line.entered_at) == (known, entered)
    assert line.author_id == desk["zhouning"].id and line.automatic
    edit = desk.audit("incident.edit", v.id)[-1]
    assert edit.username == "zhouning" and edit.before["deaths"] == 1 and edit.after["deaths"] == 2
    assert dt.datetime.fromisoformat(edit.after["known_at"]) == known


def test_known_time_defaults_to_now(desk):
    v = opened(desk)
    desk.incidents().update(desk["zhouning"], v.id, {"trend": "火势已控制"}, now=RECEIVED + 9 * MIN)
    line = desk.log_rows(v.id)[-1]
    assert line.happened_at == line.entered_at == RECEIVED + 9 * MIN


def test_known_time_in_the_future_is_refused_under_its_field_and_nothing_is_written(desk):
    v = opened(desk, deaths=1)
    before = desk.counts()
    with pytest.raises(IntakeInvalid) as refused:
        desk.incidents().update(desk["zhouning"], v.id, {"deaths": 5, "injured": -1},
                                known_at=RECEIVED + 40 * MIN, now=RECEIVED + 30 * MIN)
    assert [p.text() for p in refused.value.for_field("known_at")] == ["事态获知时间：不能晚于当前时间"]
    assert refused.value.for_field("injured")  # every bad field is named at once
    assert desk.counts() == before and desk.incidents().get(desk["zhouning"], v.id).deaths == 1


def test_known_time_before_receipt_is_refused_but_the_minute_of_receipt_is_accepted(desk):
    svc = desk.incidents()
    v = svc.register(desk["zhouning"], intake(received_at=RECEIVED + dt.timedelta(seconds=40)), now=RECEIVED + MIN)
    with pytest.raises(IntakeInvalid, match="事态获知时间：不能早于接报时间（2026年7月1日08:05）"):
        svc.update(desk["zhouning"], v.id, {"deaths": 1}, known_at=RECEIVED - MIN, now=RECEIVED + 5 * MIN)
    svc.update(desk["zhouning"], v.id, {"deaths": 1}, known_at=RECEIVED, now=RECEIVED + 5 * MIN)  # typed to the minute
    assert desk.log_rows(v.id)[-1].happened_at == RECEIVED


# ---------------------------------------------------------------- the grade follows only the officer


def test_deaths_past_a_threshold_change_the_suggestion_not_the_confirmed_grade(desk):
    """国务院令第493号 第三条 (the accident grading the Dongcheng profile applies, Dongcheng plan 1.4.2):
    3 deaths or more → 较大. The confirmed grade stays 一般 until the officer decides."""
    v = opened(desk, grade="ordinary", deaths=1)
    assert v.grade_suggested == "ordinary"
    after = desk.incidents().update(desk["zhouning"], v.id, {"deaths": 3}, known_at=RECEIVED + 10 * MIN,
                                    now=RECEIVED + 12 * MIN)
    assert (after.grade_confirmed, after.grade_suggested) == ("ordinary", "large")
    assert "accident.deaths.3-9" in after.advice.rules
    assert needs_grade_decision(v, after)
    line = desk.log_rows(v.id)[-1].text
    assert "死亡人数：1 → 3" in line
    assert "系统建议等级：一般（IV级） → 较大（III级），与确认等级一般（IV级）不一致，待值班人员研判确认" in line
    assert any("系统建议等级：一般（IV级） → 较大（III级）" in d.text for d in desk.duty_rows(v.id))  # the handover sees it
    edit = desk.audit("incident.edit", v.id)[-1]
    assert (edit.before["grade_suggested"], edit.after["grade_suggested"]) == ("ordinary", "large")
    assert "grade" not in edit.after


def test_no_decision_is_asked_when_the_suggestion_stays_or_already_matches(desk):
    svc = desk.incidents()
    v = opened(desk, grade="large", deaths=3)
    more = svc.update(desk["zhouning"], v.id, {"deaths": 5}, now=RECEIVED + 10 * MIN)  # still 3-9: 较大
    assert not needs_grade_decision(v, more)
    fewer = svc.update(desk["zhouning"], v.id, {"deaths": 0}, now=RECEIVED + 11 * MIN)  # no rule applies
    assert fewer.grade_suggested is None and not needs_grade_decision(more, fewer)
    assert "系统建议等级：较大（III级） → 无（由值班人员研判）" in desk.log_rows(v.id)[-1].text


def test_adopting_the_suggestion_goes_through_confirm_grade_and_moves_the_clocks(desk):
    """Dongcheng 4.1.5: 较大 and above, still being handled → 续报 every 30 minutes."""
    svc = desk.incidents()
    v = opened(desk, grade="ordinary", deaths=1)
    after = svc.update(desk["zhouning"], v.id, {"deaths": 3}, now=RECEIVED + 10 * MIN)
    svc.confirm_grade(desk["zhouning"], v.id, after.grade_suggested, now=RECEIVED + 11 * MIN)
    grade = desk.audit("incident.grade", v.id)[-1]
    assert (grade.before["grade"], grade.after["grade"]) == ("ordinary", "large")
    assert not any(d["basis"] == "4.1.5" for d in grade.before["deadlines"])
    assert any(d["key"] == "R4-followup#1" and d["basis"] == "4.1.5" for d in grade.after["deadlines"])
    assert "事件等级变更：一般（IV级） → 较大（III级）" in desk.log_rows(v.id)[-1].text


def test_keeping_the_confirmed_grade_is_logged_and_audited(desk):
    svc = desk.incidents()
    v = opened(desk, grade="ordinary", deaths=1)
    svc.update(desk["zhouning"], v.id, {"deaths": 4}, now=RECEIVED + 10 * MIN)
    kept = svc.keep_grade(desk["zhouning"], v.id, now=RECEIVED + 11 * MIN)
    assert kept.grade_confirmed == "ordinary"
    assert desk.log_rows(v.id)[-1].text == "经研判维持确认等级一般（IV级），系统建议为较大（III级）"
    audit = desk.audit("incident.grade.kept", v.id)[-1]
    assert audit.after == {"grade": "ordinary", "grade_suggested": "large"} and audit.username == "zhouning"
    svc.confirm_grade(desk["zhouning"], v.id, "large", now=RECEIVED + 12 * MIN)
    with pytest.raises(UserError, match="无需研判"):
        svc.keep_grade(desk["zhouning"], v.id, now=RECEIVED + 13 * MIN)


# ---------------------------------------------------------------- what the next report says


def _send(desk, incident_id, kind, at):
    reports = desk.reports()
    draft = reports.compose(desk["zhouning"], incident_id, kind, now=at)
    reports.record_sent(desk["zhouning"], incident_id, kind, body=draft.body, recipients=draft.recipients,
                        channel="phone", sent_at=at, now=at)
    return draft


def test_followup_after_a_casualty_update_names_the_change_and_one_without_change_says_none(desk):
    """Dongcheng 4.1.5: 续报 reports 人员伤亡、处置进展、发展趋势; what changed since the last report is listed."""
    v = opened(desk, grade="large", deaths=3, trend="火势蔓延")
    _send(desk, v.id, "verbal", RECEIVED + 5 * MIN)
    desk.incidents().update(desk["zhouning"], v.id, {"deaths": 5, "trend": "明火已扑灭，正在搜救"},
                            known_at=RECEIVED + 15 * MIN, now=RECEIVED + 20 * MIN)
    first = _send(desk, v.id, "followup", RECEIVED + 30 * MIN).body
    changes = first[first.index("与上次报告（2026年7月1日08:10）相比的变化："):].splitlines()[1:]
    assert changes == ["  死亡人数：3 → 5", "  发展趋势有更新：明火已扑灭，正在搜救"]
    second = desk.reports().compose(desk["zhouning"], v.id, "followup", now=RECEIVED + 50 * MIN).body
    assert second.startswith("东城区突发事件信息续报（第2次）")
    assert second.endswith("与上次报告（2026年7月1日08:35）相比的变化：\n  无变化")


def test_final_report_lists_the_changes_since_the_last_followup(desk):
    svc = desk.incidents()
    v = opened(desk, grade="large", deaths=3, economic_loss_cny=200_000)
    _send(desk, v.id, "verbal", RECEIVED + 5 * MIN)
    svc.update(desk["zhouning"], v.id, {"economic_loss_cny": 1_250_000, "address": "某某路3号"},
               now=RECEIVED + 40 * MIN)
    svc.end_handling(desk["zhouning"], v.id, at=RECEIVED + 50 * MIN, now=RECEIVED + 50 * MIN)
    body = desk.reports().compose(desk["zhouning"], v.id, "final", now=RECEIVED + 55 * MIN).body
    assert "  直接经济损失：20万元 → 125万元" in body
    assert "  详细地址：某某路1号 → 某某路3号" in body and "  处置状态：仍在处置 → 处置结束" in body


def test_only_the_duty_room_updates_facts_or_decides_the_grade(desk):
    """Permission policy: incident.edit and incident.confirm_grade belong to the duty room (值班员、带班领导、应急办主任)."""
    from dutyroom.services.errors import PermissionDenied

    svc = desk.incidents()
    v = opened(desk, grade="ordinary", deaths=1)
    svc.update(desk["zhouning"], v.id, {"deaths": 3}, now=RECEIVED + 10 * MIN)
    before = desk.counts()
    with pytest.raises(PermissionDenied):
        svc.update(desk["fengqing"], v.id, {"deaths": 4}, now=RECEIVED + 11 * MIN)
    with pytest.raises(PermissionDenied):
        svc.keep_grade(desk["fengqing"], v.id, now=RECEIVED + 11 * MIN)
    assert desk.counts() == before
