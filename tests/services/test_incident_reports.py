"""The reporting clock of each incident and its report chain (首报 / 续报 / 终报), with a controllable clock.

No test sleeps: every call takes an explicit `now`.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from dutyroom.services.errors import PermissionDenied, UserError
from tests.helpers.incidents import RECEIVED, intake

pytestmark = pytest.mark.both_backends  # each test on SQLite and on PostgreSQL (tests/helpers/databases.py)

MIN = dt.timedelta(minutes=1)


def open_incident(desk, key="dongcheng", grade=None, **kw):
    svc = desk.incidents(key)
    v = svc.register(desk["zhouning"], intake(key, **kw), now=RECEIVED)
    if grade:
        svc.confirm_grade(desk["zhouning"], v.id, grade, now=RECEIVED)
    return v


def send(desk, incident_id, kind, at, channel="phone", **kw):
    reports = desk.reports()
    draft = reports.compose(desk["zhouning"], incident_id, kind, now=at)
    return reports.record_sent(desk["zhouning"], incident_id, kind, body=draft.body, recipients=draft.recipients,
                               channel=channel, sent_at=at, now=at, **kw)


def chain(desk, incident_id, now):
    return desk.reports().clock(desk["zhouning"], incident_id, now=now).deadlines


# ---------------------------------------------------------------- lateness (迟报)


@pytest.mark.parametrize(("after_receipt", "late"), [
    (9 * MIN, 0), (10 * MIN, 0), (10 * MIN + dt.timedelta(seconds=1), 1), (11 * MIN, 1), (25 * MIN, 15)])
def test_dongcheng_4_1_5_report_at_the_10th_minute_is_on_time_one_minute_after_is_1_minute_late(desk, after_receipt,
                                                                                                late):
    """Dongcheng 4.1.5: unknown grade, 10 minutes after receipt; sent at the due minute is on time (迟报 0)."""
    v = open_incident(desk)
    report = send(desk, v.id, "verbal", RECEIVED + after_receipt)
    assert (report.clock_id, report.due_at, report.late_minutes) == ("R3-unknown", RECEIVED + 10 * MIN, late)
    assert report.sent_by_name == "周宁" and report.channel == "phone" and report.status == "sent"
    texts = [e.text for e in desk.log_rows(v.id) if e.automatic]
    assert any(t.startswith("已报送首报（电话）") for t in texts)
    late_lines = [t for t in texts if t.startswith("迟报")]
    assert late_lines == ([f"迟报：首报应于2026年7月1日08:15前报送，{_hhmm(RECEIVED + after_receipt)}报送，迟报{late}分钟"]
                          if late else [])
    sent = desk.audit("incident.report.send", report.id, entity="incident_report")[0]
    assert sent.after["late_minutes"] == late and sent.after["snapshot"]["grade"] == "unknown"
    assert [d.kind for d in desk.duty_rows(v.id)].count("report") == (2 if late else 1)


def _hhmm(t):
    from dutyroom.domain.report_text import when

    return when(t)


def test_municipal_4_1_5_thirty_minute_clock_late_report(desk):
    """Municipal plan 4.1.5: unknown grade, 30 minutes after receipt; 31 minutes is 1 minute late."""
    v = open_incident(desk, "beijing")
    assert send(desk, v.id, "verbal", RECEIVED + 31 * MIN).late_minutes == 1


def test_tongzhou_4_1_3_report_without_a_number_is_never_late(desk):
    """Tongzhou 4.1.3: 及时 — no due time, so no minutes late can be recorded."""
    v = open_incident(desk, "tongzhou")
    report = send(desk, v.id, "verbal", RECEIVED + 300 * MIN)
    assert report.due_at is None and report.late_minutes is None


# ---------------------------------------------------------------- follow-ups (续报)


def test_dongcheng_4_1_5_followups_are_numbered_every_30_minutes_from_the_previous_report(desk):
    """Dongcheng 4.1.5: 较大 and above still being handled → 续报 every 30 minutes from the previous report."""
    v = open_incident(desk, grade="large")
    first = send(desk, v.id, "verbal", RECEIVED + 5 * MIN)
    assert first.clock_id == "R1-verbal" and first.due_at is None and first.late_minutes is None
    f1_due = next(d for d in chain(desk, v.id, RECEIVED + 5 * MIN) if d.kind == "followup")
    assert (f1_due.sequence, f1_due.due, f1_due.label) == (1, RECEIVED + 35 * MIN, "续报（第1次）")

    f1 = send(desk, v.id, "followup", RECEIVED + 35 * MIN)
    assert (f1.sequence, f1.label, f1.late_minutes) == (1, "续报（第1次）", 0)
    f2 = send(desk, v.id, "followup", RECEIVED + 66 * MIN)
    assert (f2.sequence, f2.due_at, f2.late_minutes) == (2, RECEIVED + 65 * MIN, 1)
    rows = [d for d in chain(desk, v.id, RECEIVED + 70 * MIN) if d.kind == "followup"]
    assert [(d.sequence, d.state) for d in rows] == [(1, "met"), (2, "met"), (3, "ok")]
    assert rows[-1].due == RECEIVED + 96 * MIN and rows[-1].seconds_left == 26 * 60
    assert rows[-1].basis == "4.1.5" and rows[-1].to == ("区委值班室", "区政府值班室", "区应急办")


def test_handling_ended_stops_followups_and_the_final_report_becomes_due(desk):
    v = open_incident(desk, grade="large")
    send(desk, v.id, "verbal", RECEIVED + 5 * MIN)
    desk.incidents().end_handling(desk["zhouning"], v.id, at=RECEIVED + 20 * MIN, now=RECEIVED + 21 * MIN)
    rows = chain(desk, v.id, RECEIVED + 21 * MIN)
    assert not [d for d in rows if d.kind == "followup"]
    final = next(d for d in rows if d.kind == "final")
    assert final.state == "ok" and final.due is None and "终报" in final.wording
    dash = desk.reports().open_deadlines(desk["zhouning"], now=RECEIVED + 21 * MIN)
    assert "final" in [d.kind for d in dash if d.incident_id == v.id]
    with pytest.raises(UserError, match="已登记处置结束"):
        desk.incidents().end_handling(desk["zhouning"], v.id, now=RECEIVED + 22 * MIN)


def test_pinggu_public_health_3_3_2_final_clock_after_handling_ends(desk):
    """Pinggu public-health plan 3.3.2(2): 重大 public-health events report the whole picture after handling (及时)."""
    v = open_incident(desk, "pinggu", grade="major", category="public_health")
    desk.incidents("pinggu").end_handling(desk["zhouning"], v.id, at=RECEIVED + 60 * MIN, now=RECEIVED + 60 * MIN)
    final = next(d for d in chain(desk, v.id, RECEIVED + 60 * MIN) if d.kind == "final")
    assert (final.clock_id, final.source, final.basis) == ("PH-final", "plan", "公卫预案3.3.2(2)")
    report = send(desk, v.id, "final", RECEIVED + 70 * MIN, channel="system")
    assert report.clock_id == "PH-final" and report.late_minutes is None


def test_final_report_needs_handling_ended(desk):
    v = open_incident(desk)
    with pytest.raises(UserError, match="处置结束"):
        send(desk, v.id, "final", RECEIVED + 5 * MIN)


# ---------------------------------------------------------------- the dashboard


def test_open_deadlines_count_down_turn_soon_then_overdue(desk):
    """Dongcheng 4.1.5 (10 minutes): ok at 4 min, soon within 5 minutes of the due time, overdue after it."""
    v = open_incident(desk)
    reports = desk.reports()

    def state(at):
        row = next(d for d in reports.open_deadlines(desk["zhouning"], now=at) if d.incident_id == v.id)
        return row.state, row.seconds_left

    assert state(RECEIVED + 4 * MIN) == ("ok", 360)
    assert state(RECEIVED + 5 * MIN) == ("soon", 300)
    assert state(RECEIVED + 10 * MIN) == ("soon", 0)
    assert state(RECEIVED + 11 * MIN) == ("overdue", -60)
    send(desk, v.id, "verbal", RECEIVED + 12 * MIN)
    assert [d for d in reports.open_deadlines(desk["zhouning"], now=RECEIVED + 13 * MIN) if d.incident_id == v.id] == []


@pytest.mark.parametrize("key", ["dongcheng", "tongzhou"])
def test_a_clock_carried_forward_equals_the_clock_read_then(desk, key):
    """The tab's countdown runs on IncidentClock.at between reads: at any later minute (nothing sent meanwhile) it
    must say exactly what reading the clock then says — Dongcheng 4.1.5's 10 minutes (ok, soon, overdue), Tongzhou
    4.1.3's 及时 with the district bound — the sent 首报 staying met."""
    v = open_incident(desk, key)
    reports, officer = desk.reports(), desk["zhouning"]
    first = reports.clock(officer, v.id, now=RECEIVED + MIN)
    for minutes in (2, 5, 9, 10, 11, 29, 31, 61):
        at = RECEIVED + minutes * MIN
        assert first.at(at) == reports.clock(officer, v.id, now=at), minutes
    send(desk, v.id, "verbal", RECEIVED + 3 * MIN)
    sent = reports.clock(officer, v.id, now=RECEIVED + 4 * MIN)
    assert any(d.state == "met" for d in sent.deadlines)
    assert sent.at(RECEIVED + 45 * MIN) == reports.clock(officer, v.id, now=RECEIVED + 45 * MIN)


def test_open_deadlines_order_and_the_plans_words_where_there_is_no_number(desk):
    late = open_incident(desk)  # Dongcheng 10 min
    words = open_incident(desk, "tongzhou")  # Tongzhou 及时
    soon = desk.incidents().register(desk["zhouning"], intake(received_at=RECEIVED + 6 * MIN), now=RECEIVED + 6 * MIN)
    rows = desk.reports().open_deadlines(desk["zhouning"], now=RECEIVED + 12 * MIN)
    assert [(r.incident_id, r.state) for r in rows][:2] == [(late.id, "overdue"), (soon.id, "soon")]
    tongzhou = [r for r in rows if r.incident_id == words.id]
    assert tongzhou and all(r.due is None and r.state == "ok" and r.wording for r in tongzhou)
    assert {r.wording for r in tongzhou} >= {"及时", "及时续报"}
    assert all(r.kind != "final" for r in rows)  # not owed until handling ends


def test_missed_deadlines_are_logged_once(desk):
    v = open_incident(desk)
    reports = desk.reports()
    assert reports.note_missed_deadlines(desk["zhouning"], now=RECEIVED + 9 * MIN) == 0
    assert reports.note_missed_deadlines(desk["zhouning"], now=RECEIVED + 11 * MIN) == 1
    assert reports.note_missed_deadlines(desk["zhouning"], now=RECEIVED + 20 * MIN) == 0
    missed = [e for e in desk.log_rows(v.id) if e.text.startswith("超时未报")]
    assert len(missed) == 1 and missed[0].automatic and missed[0].happened_at == RECEIVED + 10 * MIN
    assert "4.1.5" in missed[0].text
    assert len(desk.audit("incident.deadline.missed")) == 1


# ---------------------------------------------------------------- composing


def test_first_report_carries_the_seven_items_of_4_1_8(desk):
    """Municipal plan 4.1.8 (Dongcheng 4.1.8): 时间、地点、信息来源、事件性质、危害程度、发展趋势、已采取的措施."""
    v = open_incident(desk, deaths=1, injured=3, seriously_injured=1, economic_loss_cny=125000,
                      measures_taken="消防已到场", trend="火势蔓延")
    draft = desk.reports().compose(desk["zhouning"], v.id, "verbal", now=RECEIVED + 2 * MIN)
    body = draft.body.splitlines()
    assert body[0] == "东城区突发事件信息首报"
    assert body[3:10] == [
        "一、时间：2026年7月1日08:00发生，2026年7月1日08:05接报",
        "二、地点：东四街道某某路1号",
        "三、信息来源：110转警（报告人王先生，联系电话13800001234）",
        "四、事件性质：事故灾难，危险化学品事故；事件等级：暂时无法判明",
        "五、危害程度：死亡1人，受伤3人（其中重伤1人）；直接经济损失约12.5万元",
        "六、发展趋势：火势蔓延",
        "七、已采取的措施：消防已到场",
    ]
    assert draft.recipients == ("区委值班室", "区政府值班室", "区应急办")
    assert (draft.clock_id, draft.due_at, draft.needs_review) == ("R3-unknown", RECEIVED + 10 * MIN, False)


def test_followup_adds_casualties_progress_trend_and_what_changed(desk):
    """Dongcheng 4.1.5: 续报 人员伤亡、处置进展、发展趋势; and what changed since the previous report."""
    v = open_incident(desk, grade="large", deaths=1)
    send(desk, v.id, "verbal", RECEIVED + 5 * MIN)
    desk.incidents().update(desk["zhouning"], v.id, {"deaths": 3, "trend": "已得到控制"}, now=RECEIVED + 20 * MIN)
    desk.log.add(desk["zhouning"], v.id, "区应急局到场处置", happened_at=RECEIVED + 15 * MIN, now=RECEIVED + 20 * MIN)
    draft = desk.reports().compose(desk["zhouning"], v.id, "followup", now=RECEIVED + 30 * MIN)
    assert draft.sequence == 1 and draft.body.startswith("东城区突发事件信息续报（第1次）")
    assert "  人员伤亡：死亡3人" in draft.body
    assert "  处置进展：08:20 区应急局到场处置" in draft.body
    assert "  发展趋势：已得到控制" in draft.body
    assert "与上次报告（2026年7月1日08:10）相比的变化：" in draft.body
    assert "  死亡人数：1 → 3" in draft.body and "  发展趋势有更新" in draft.body


def test_tongzhou_followup_uses_its_own_item_words(desk):
    """Tongzhou 4.1.5: 及时续报事件处置进展情况 — the only follow-up item the plan names."""
    v = open_incident(desk, "tongzhou")
    send(desk, v.id, "verbal", RECEIVED + 5 * MIN)
    body = desk.reports().compose(desk["zhouning"], v.id, "followup", now=RECEIVED + 30 * MIN).body
    assert "  事件处置进展情况：" in body and "三、信息来源" in body and "五、危害程度" in body


# ---------------------------------------------------------------- nothing sent is edited


def test_correction_is_a_new_report_and_the_original_stays(desk):
    v = open_incident(desk, grade="large")
    original = send(desk, v.id, "verbal", RECEIVED + 5 * MIN)
    followup_due = next(d.due for d in chain(desk, v.id, RECEIVED + 6 * MIN) if d.kind == "followup")
    reports = desk.reports()
    draft = reports.compose(desk["zhouning"], v.id, "verbal", corrects_report_id=original.id, now=RECEIVED + 8 * MIN)
    assert draft.corrects_report_id == original.id and draft.body.startswith("更正：本报告更正")
    fixed = reports.correct(desk["zhouning"], original.id, body=draft.body, channel="fax", sent_at=RECEIVED + 9 * MIN,
                            now=RECEIVED + 9 * MIN)
    assert fixed.id != original.id and fixed.corrects_report_id == original.id
    assert (fixed.kind, fixed.label, fixed.late_minutes) == ("verbal", "更正（首报）", None)
    chain_rows = reports.reports(desk["zhouning"], v.id)
    assert [r.id for r in chain_rows] == [original.id, fixed.id]
    assert chain_rows[0].body == original.body and chain_rows[0].sent_at == original.sent_at
    # a correction neither meets a deadline nor restarts the follow-up interval
    assert next(d.due for d in chain(desk, v.id, RECEIVED + 10 * MIN) if d.kind == "followup") == followup_due
    with pytest.raises(UserError, match="已报送的报告不能修改"):
        reports.update_prepared(desk["zhouning"], original.id, body="改过的", now=RECEIVED + 10 * MIN)
    with pytest.raises(UserError, match="已报送的报告不能修改"):
        reports.send(desk["zhouning"], original.id, channel="phone", now=RECEIVED + 10 * MIN)


# ---------------------------------------------------------------- leader's review before the city


def test_tongzhou_4_1_3_report_to_the_city_needs_the_committee_directors_review(desk):
    """Tongzhou 4.1.3: 较大 and above go to 市应急办 after 区应急委主任 approves (leader_review)."""
    v = open_incident(desk, "tongzhou", grade="large")
    reports = desk.reports()
    clock = reports.clock(desk["zhouning"], v.id, now=RECEIVED)
    assert clock.city is not None and clock.city.applies and clock.city.to == ("市应急办",)
    assert clock.city.leader_review and clock.city.reviewer_roles == ("committee_director",)
    draft = reports.compose(desk["zhouning"], v.id, "verbal", to_city=True, now=RECEIVED + 5 * MIN)
    assert "市应急办" in draft.recipients and draft.needs_review

    before = desk.counts()
    with pytest.raises(UserError, match="须经领导审核"):
        reports.record_sent(desk["zhouning"], v.id, "verbal", body=draft.body, recipients=draft.recipients,
                            channel="phone", now=RECEIVED + 6 * MIN)
    assert desk.counts() == before
    prepared = reports.prepare(desk["zhouning"], v.id, "verbal", body=draft.body, recipients=draft.recipients,
                               now=RECEIVED + 6 * MIN)
    assert prepared.status == "prepared" and prepared.needs_review
    with pytest.raises(UserError, match="须经领导审核"):
        reports.send(desk["zhouning"], prepared.id, channel="phone", now=RECEIVED + 7 * MIN)
    with pytest.raises(PermissionDenied, match="无权审核报市信息"):
        reports.review(desk["zhouning"], prepared.id, now=RECEIVED + 7 * MIN)  # a duty officer
    with pytest.raises(PermissionDenied, match="committee_director"):
        reports.review(desk["luomin"], prepared.id, now=RECEIVED + 7 * MIN)  # a shift leader, not the reviewer the plan names
    reviewed = reports.review(desk["hanyu"], prepared.id, now=RECEIVED + 8 * MIN)
    assert (reviewed.status, reviewed.reviewed_by_name) == ("reviewed", "韩宇")
    # changing the text voids the review
    changed = reports.update_prepared(desk["zhouning"], prepared.id, body=draft.body + "\n补充：道路已封闭",
                                      now=RECEIVED + 9 * MIN)
    assert changed.status == "prepared" and changed.reviewed_at is None
    reports.review(desk["hanyu"], prepared.id, now=RECEIVED + 10 * MIN)
    sent = reports.send(desk["zhouning"], prepared.id, channel="system", now=RECEIVED + 11 * MIN)
    assert sent.status == "sent" and sent.reviewed_by_name == "韩宇" and sent.sent_by_name == "周宁"
    assert [a.action for a in desk.audit(entity_id=prepared.id, entity="incident_report")] == [
        "incident.report.prepare", "incident.report.review", "incident.report.update", "incident.report.review",
        "incident.report.send"]


def test_dongcheng_4_1_7_city_report_needs_no_review(desk):
    """Dongcheng 4.1.7: 重大 and above go to the city at the same time, no district leader's review first."""
    v = open_incident(desk, grade="major")
    draft = desk.reports().compose(desk["zhouning"], v.id, "verbal", to_city=True, now=RECEIVED + 2 * MIN)
    assert "市委" in draft.recipients and not draft.needs_review
    assert desk.reports().record_sent(desk["zhouning"], v.id, "verbal", body=draft.body, recipients=draft.recipients,
                                      channel="phone", now=RECEIVED + 3 * MIN).status == "sent"


# ---------------------------------------------------------------- refusals


def test_reports_refused_for_drafts_closed_incidents_and_bad_input(desk):
    reports = desk.reports()
    draft = desk.incidents().save_draft(desk["zhouning"], None, {"caller_name": "王先生"}, now=RECEIVED).incident
    before = desk.counts()
    with pytest.raises(PermissionDenied, match="当前状态"):
        reports.record_sent(desk["zhouning"], draft.id, "verbal", body="x", recipients=["区应急办"], channel="phone",
                            now=RECEIVED)
    v = open_incident(desk)
    before = desk.counts()
    for kw, msg in [({"channel": "pigeon"}, "未知的报送方式"), ({"recipients": []}, "至少需要一个报送对象"),
                    ({"body": " "}, "报告正文不能为空"), ({"sent_at": RECEIVED + 60 * MIN}, "不能晚于现在"),
                    ({"sent_at": RECEIVED - 10 * MIN}, "不能早于接报时间")]:
        args = {"body": "正文", "recipients": ["区应急办"], "channel": "phone", **kw}
        with pytest.raises(UserError, match=msg):
            reports.record_sent(desk["zhouning"], v.id, "verbal", now=RECEIVED + MIN, **args)
    with pytest.raises(UserError, match="未知的报告类型"):
        reports.record_sent(desk["zhouning"], v.id, "telegram", body="x", recipients=["区应急办"], channel="phone",
                            now=RECEIVED)
    with pytest.raises(PermissionDenied, match="无权报送信息"):
        reports.record_sent(desk["fengqing"], v.id, "verbal", body="x", recipients=["区应急办"], channel="phone",
                            now=RECEIVED)
    assert desk.counts() == before


def test_the_app_final_report_is_worded_once_in_the_log(desk):
    """Dongcheng sets no 终报 clock: the app's own rule reads "终报：处置结束后报送（…）", never "终报…报送终报"."""
    from dutyroom.services.incident_log import IncidentLogService

    v = open_incident(desk)
    send(desk, v.id, "verbal", RECEIVED + 5 * MIN)
    desk.incidents().end_handling(desk["zhouning"], v.id, at=RECEIVED + 20 * MIN, now=RECEIVED + 21 * MIN)
    texts = [e.text for e in IncidentLogService(desk.db).entries(desk["zhouning"], v.id)]
    ended = next(t for t in texts if t.startswith("处置结束"))
    assert "终报：处置结束后报送（预案未规定时限" in ended, ended
    assert "报送终报" not in ended


def test_dongcheng_4_1_6_foreign_report_to_the_city_waits_for_the_leaders_consent(desk):
    """Dongcheng 4.1.6 (seeds/dongcheng_2022_general_plan.txt line 499): an ordinary foreign-related event goes
    to 市应急办 only after the 区应急委's leader in charge or principal leader (区长, committee_director) consents."""
    v = open_incident(desk, grade="ordinary")
    desk.incidents().set_flags(desk["zhouning"], v.id, {"foreign_related": True}, now=RECEIVED + MIN)
    reports = desk.reports()
    clock = reports.clock(desk["zhouning"], v.id, now=RECEIVED + MIN)
    assert clock.city.applies
    owed = next(d for d in clock.deadlines if d.clock_id == "R6-foreign-city")
    assert owed.to == ("市应急办",) and owed.basis == "4.1.6" and owed.state != "met"
    draft = reports.compose(desk["zhouning"], v.id, "verbal", clock_id="R6-foreign-city", now=RECEIVED + 2 * MIN)
    assert draft.recipients == ("市应急办",) and draft.needs_review
    prepared = reports.prepare(desk["zhouning"], v.id, "verbal", body=draft.body, recipients=draft.recipients,
                               clock_id="R6-foreign-city", now=RECEIVED + 3 * MIN)
    with pytest.raises(UserError, match="须经领导审核"):
        reports.send(desk["zhouning"], prepared.id, channel="phone", now=RECEIVED + 4 * MIN)
    with pytest.raises(PermissionDenied, match="committee_director"):
        reports.review(desk["luomin"], prepared.id, now=RECEIVED + 4 * MIN)
    reports.review(desk["hanyu"], prepared.id, now=RECEIVED + 5 * MIN)
    assert reports.send(desk["zhouning"], prepared.id, channel="phone", now=RECEIVED + 6 * MIN).status == "sent"


def test_a_grade_confirmed_after_the_bound_owes_its_immediate_report_from_then_not_from_receipt(desk):
    """Dongcheng 4.1.5 → 4.1.4: the unknown-grade 首报 sent at the 10th minute, the incident confirmed 较大 at
    the 12th. 4.1.4's 立即报告 (to 区委办、区政府办, cc 宣传部、网信办) is owed from the confirmation: it escalates
    ten minutes later (4.1.5's bound), not at receipt + 10 minutes, which had passed before anyone knew the grade —
    so no 超时未报 is written at the confirmation, one is if it is still unsent ten minutes on."""
    v = open_incident(desk)
    officer, reports = desk["zhouning"], desk.reports()
    send(desk, v.id, "verbal", RECEIVED + 10 * MIN)
    desk.incidents().confirm_grade(officer, v.id, "large", now=RECEIVED + 12 * MIN)
    row = next(d for d in reports.open_deadlines(officer, now=RECEIVED + 13 * MIN) if d.clock_id == "R1-verbal")
    assert row.escalation_due == RECEIVED + 22 * MIN and row.state == "ok"
    assert reports.note_missed_deadlines(officer, now=RECEIVED + 13 * MIN) == 0
    assert reports.note_missed_deadlines(officer, now=RECEIVED + 23 * MIN) == 1
    missed = [e.text for e in desk.log_rows(v.id) if e.text.startswith("超时未报")]
    assert len(missed) == 1 and "4.1.4" in missed[0]


def test_an_incident_taken_before_the_change_gets_its_start_at_the_next_confirmation(desk):
    """An incident stored before migration 0011 has no start times (NULL): its clocks count from their anchors
    as before, until a grade confirmed now brings in a clock, which starts then."""
    v = open_incident(desk)
    with desk.db.write() as s:
        s.execute(text("UPDATE incident SET clocks_started = NULL WHERE id = :id"), {"id": v.id})
    officer, reports = desk["zhouning"], desk.reports()
    desk.incidents().confirm_grade(officer, v.id, "large", now=RECEIVED + 30 * MIN)
    row = next(d for d in reports.open_deadlines(officer, now=RECEIVED + 31 * MIN) if d.clock_id == "R1-verbal")
    assert row.escalation_due == RECEIVED + 40 * MIN


def test_a_grade_taken_back_before_its_report_fell_due_starts_afresh_when_confirmed_again(desk):
    """Dongcheng 4.1.4/4.1.5: confirmed 较大 at 08:07 by mistake, taken back at 08:08, confirmed again at 09:00 —
    the 立即报告 counts from 09:00 (escalates 09:10), not from the retracted 08:07, and no 超时未报 is dated before
    09:00. A grade taken back after its report had fallen due keeps that lateness when confirmed again."""
    svc, officer, reports = desk.incidents(), desk["zhouning"], desk.reports()
    v = open_incident(desk)
    svc.confirm_grade(officer, v.id, "large", now=RECEIVED + 2 * MIN)
    svc.confirm_grade(officer, v.id, "unknown", now=RECEIVED + 3 * MIN)
    svc.confirm_grade(officer, v.id, "large", now=RECEIVED + 55 * MIN)
    row = next(d for d in reports.open_deadlines(officer, now=RECEIVED + 56 * MIN) if d.clock_id == "R1-verbal")
    assert row.escalation_due == RECEIVED + 65 * MIN and row.state == "ok"

    late = open_incident(desk)
    svc.confirm_grade(officer, late.id, "large", now=RECEIVED + 2 * MIN)  # 立即 escalates 08:15 (4.1.5)
    svc.confirm_grade(officer, late.id, "unknown", now=RECEIVED + 20 * MIN)  # after it had fallen due
    svc.confirm_grade(officer, late.id, "large", now=RECEIVED + 55 * MIN)
    row = next(d for d in reports.open_deadlines(officer, now=RECEIVED + 56 * MIN)
               if d.incident_id == late.id and d.clock_id == "R1-verbal")
    assert row.escalation_due == RECEIVED + 10 * MIN and row.state == "overdue"


def test_an_edit_under_a_newer_profile_version_brings_no_clock_in(desk):
    """Pinggu: an incident stored under the 2022 plan (no start times) is edited (its description) after the
    2022.2 version came into force. A clock the newer version applies from receipt is not taken for one the edit
    brought in: its time stays counted from its anchor."""
    svc, officer, reports = desk.incidents("pinggu"), desk["zhouning"], desk.reports()
    v = svc.register(officer, intake("pinggu", grade="ordinary"), now=RECEIVED)
    before = {d.clock_id: d.escalation_due for d in reports.open_deadlines(officer, now=RECEIVED + MIN)
              if d.incident_id == v.id}
    with desk.db.write() as s:
        s.execute(text("UPDATE incident SET profile_version = '2022', clocks_started = NULL WHERE id = :id"),
                  {"id": v.id})
    svc.update(officer, v.id, {"description": "补充：现场已控制"}, now=RECEIVED + 50 * MIN)
    with desk.db.read() as s:
        stored = s.execute(text("SELECT clocks_started FROM incident WHERE id = :id"), {"id": v.id}).scalar()
    assert not stored  # nothing was brought in
    after = {d.clock_id: d.escalation_due for d in reports.open_deadlines(officer, now=RECEIVED + 51 * MIN)
             if d.incident_id == v.id}
    assert {k: after[k] for k in before if k in after} == {k: before[k] for k in before if k in after}
