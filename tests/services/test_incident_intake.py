"""Incident intake (接报) through the service: drafts, submission, validation, grade and flags, closing, search.

Each test that checks a clock cites the plan clause. Times are explicit (`now=`) or frozen with time-machine.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
import time_machine
import yaml

from dutyroom.domain.profile_loader import PROFILE_DIR, load_profile
from dutyroom.services.errors import PermissionDenied, UserError
from dutyroom.services.incidents import IncidentQuery, IntakeInvalid
from dutyroom.store.database import Database
from tests.helpers.incidents import OCCURRED, RECEIVED, intake

pytestmark = pytest.mark.both_backends  # each test on SQLite and on PostgreSQL (tests/helpers/databases.py)

MIN = dt.timedelta(minutes=1)


def pending(desk, incident_id, now=RECEIVED):
    return [d for d in desk.reports().clock(desk["zhouning"], incident_id, now=now).deadlines if d.state != "met"]


# ---------------------------------------------------------------- one incident per profile clock shape


def test_dongcheng_4_1_5_unknown_grade_10_minutes_after_receipt(desk):
    """Dongcheng 4.1.5: grade unknown → report within 10 minutes of receipt to the three duty rooms."""
    officer = desk["zhouning"]
    v = desk.incidents().register(officer, intake(), now=RECEIVED)

    assert (v.status, v.profile_key, v.profile_version) == ("open", "dongcheng", "2022")
    assert v.received_at == RECEIVED and v.occurred_at == OCCURRED
    assert v.title == "东四街道危险化学品事故" and v.grade_confirmed == "unknown"
    assert v.created_by_name == "周宁" and v.workstation
    assert [u.name for u in v.lead_units] == ["区应急局"] and v.lead_units[0].duty_phone.startswith("010-5555")

    verbal, final = pending(desk, v.id)
    assert (verbal.clock_id, verbal.due, verbal.basis, verbal.anchor) == ("R3-unknown", RECEIVED + 10 * MIN, "4.1.5",
                                                                          "received_at")
    assert verbal.to == ("区委值班室", "区政府值班室", "区应急办")
    assert final.kind == "final" and final.due is None and final.source == "app"

    opened = desk.audit("incident.open", v.id)
    assert len(opened) == 1 and opened[0].user_id == officer.id
    assert opened[0].after["deadlines"][0]["key"] == "R3-unknown"
    assert opened[0].after["profile"] == "dongcheng@2022"
    log = desk.log_rows(v.id)
    assert len(log) == 1 and log[0].automatic and log[0].text.startswith("接报登记（110转警）")
    assert [d.kind for d in desk.duty_rows(v.id)] == ["incident"]


@pytest.mark.parametrize(("key", "basis"), [("beijing", "4.1.5"), ("shijingshan", "北京市预案 4.1.5")])
def test_municipal_4_1_5_unknown_grade_30_minutes(desk, key, basis):
    """Municipal plan 4.1.5 (Shijingshan takes the municipal clocks): unknown grade → 30 minutes after receipt."""
    v = desk.incidents(key).register(desk["zhouning"], intake(key), now=RECEIVED)
    assert v.profile_key == key
    verbal = next(d for d in pending(desk, v.id) if d.kind == "verbal")
    assert verbal.due == RECEIVED + 30 * MIN and verbal.basis == basis
    assert verbal.to == ("市委总值班室", "市应急办")


def test_tongzhou_4_1_3_no_number_shows_the_plans_words(desk):
    """Tongzhou 4.1.3: no minutes anywhere; the deadline has no due time and shows the plan's words (及时)."""
    v = desk.incidents("tongzhou").register(desk["zhouning"], intake("tongzhou"), now=RECEIVED)
    rows = pending(desk, v.id)
    assert all(d.due is None for d in rows)
    unknown = next(d for d in rows if d.clock_id == "R2-unknown")
    assert (unknown.wording, unknown.basis, unknown.state) == ("及时", "4.1.3", "ok")
    followup = next(d for d in rows if d.kind == "followup")  # 4.1.5 及时续报, no interval
    assert followup.sequence == 1 and followup.wording == "及时续报"


@pytest.mark.parametrize("category", ["natural", "accident", "public_health", "social"])
def test_one_incident_per_category_with_lead_units_from_the_table(desk, category):
    """Dongcheng 2.3.6 处置分工: the lead units of the event type, with their duty phones from the contacts."""
    row = next(r for r in load_profile("dongcheng").lead_departments if r.category.value == category)
    v = desk.incidents().register(desk["zhouning"], intake(category=category, event_type=row.event_type), now=RECEIVED)
    assert v.category == category and v.event_type == row.event_type and v.event_type_id is not None
    assert [u.name for u in v.lead_units] == list(row.lead_units)
    assert all(u.duty_phone for u in v.lead_units)
    assert desk.audit("incident.open", v.id)[0].after["category"] == category


def test_pinggu_public_health_facts_suggest_a_grade_and_start_the_health_clocks(desk):
    """Pinggu public-health plan 3.3.2: a public-health event also owes the 30-minute report to 区卫生健康委."""
    health = {"kind": "poisoning", "poisoned": 120, "deaths": 0}
    v = desk.incidents("pinggu").register(desk["zhouning"], intake("pinggu", "public_health", health=health),
                                          now=RECEIVED)
    assert v.health == health
    assert v.advice.suggested is not None and v.grade_suggested == v.advice.suggested
    assert v.advice.rules and v.advice.reasons
    clocks = {d.clock_id: d for d in pending(desk, v.id)}
    assert clocks["PH-unit-to-health-30min"].due == RECEIVED + 30 * MIN
    assert clocks["PH-unit-to-health-30min"].to == ("区卫生健康委",)


def test_received_at_defaults_to_now(desk):
    with time_machine.travel(RECEIVED + 2 * MIN, tick=False):
        fields = intake()
        del fields["received_at"]
        v = desk.incidents().register(desk["zhouning"], fields)
    assert v.received_at == RECEIVED + 2 * MIN


def test_incident_is_judged_by_the_profile_version_in_force_on_its_received_date(desk, tmp_path):
    """A revised plan does not rewrite history: an incident received in 2021 uses the 2016 version's 20 minutes."""
    for name in ("dongcheng.yaml", "beijing.yaml"):
        shutil.copy(PROFILE_DIR / name, tmp_path / name)
    data = yaml.safe_load((tmp_path / "dongcheng.yaml").read_text(encoding="utf-8"))
    data.update(version="2016", effective_from="2016-06-01")
    data["reporting"]["clocks"][2]["minutes"] = 20
    (tmp_path / "dongcheng@2016.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    svc = desk.incidents(profile_dir=tmp_path)
    old_received = dt.datetime(2021, 12, 31, 23, 0, tzinfo=RECEIVED.tzinfo)
    old = svc.register(desk["zhouning"], intake(occurred_at=old_received - 5 * MIN, received_at=old_received),
                       now=RECEIVED)
    new = svc.register(desk["zhouning"], intake(), now=RECEIVED)
    assert (old.profile_version, new.profile_version) == ("2016", "2022")
    reports = desk.reports(tmp_path)
    due = {i.id: next(d.due for d in reports.clock(desk["zhouning"], i.id, now=RECEIVED).deadlines
                      if d.clock_id == "R3-unknown") for i in (old, new)}
    assert due == {old.id: old_received + 20 * MIN, new.id: RECEIVED + 10 * MIN}


# ---------------------------------------------------------------- drafts


def test_draft_survives_a_new_database_object_and_is_resumed(desk):
    """A half-finished intake is kept as typed: a new Database on the same file (the app restarted) offers it."""
    svc = desk.incidents()
    first = svc.save_draft(desk["zhouning"], None, {"source": "12345", "caller_name": "李女士"}, now=RECEIVED)
    draft_id = first.incident.id
    svc.save_draft(desk["zhouning"], draft_id, {"place": "东四街道", "deaths": 2, "description": "楼房起火"},
                   now=RECEIVED + MIN)

    reopened = Database(desk.db.url)
    try:
        from tests.helpers.incidents import Desk

        again = Desk(reopened, desk.users).incidents()
        drafts = again.my_drafts(desk["zhouning"])
        assert [d.id for d in drafts] == [draft_id]
        v = again.get(desk["zhouning"], draft_id)
        assert (v.status, v.source, v.caller_name, v.place, v.deaths, v.description) == (
            "draft", "12345", "李女士", "东四街道", 2, "楼房起火")
        assert v.received_at == RECEIVED  # when the call came in, not when the draft was last saved
        fields = v.intake_fields()
        assert fields["caller_name"] == "李女士" and fields["grade"] == "unknown"
        done = again.submit(desk["zhouning"], draft_id, {"category": "accident", "event_type": "火灾事故",
                                                         "occurred_at": OCCURRED}, now=RECEIVED + 3 * MIN)
        assert done.status == "open" and done.caller_name == "李女士" and done.title == "东四街道火灾事故"
        assert again.my_drafts(desk["zhouning"]) == []
    finally:
        reopened.dispose()


def test_draft_keeps_good_fields_and_reports_bad_ones_without_losing_the_saved_value(desk):
    svc = desk.incidents()
    draft = svc.save_draft(desk["zhouning"], None, {"deaths": 1, "address": "东直门外"}, now=RECEIVED).incident
    saved = svc.save_draft(desk["zhouning"], draft.id, {"deaths": -3, "injured": 4, "address": "x" * 301},
                           now=RECEIVED + MIN)
    assert {p.field for p in saved.problems} == {"deaths", "address"}
    assert saved.saved == ("injured",)
    assert (saved.incident.deaths, saved.incident.injured, saved.incident.address) == (1, 4, "东直门外")
    assert [a.action for a in desk.audit(entity_id=draft.id)] == ["incident.draft.create", "incident.draft.save"]
    assert desk.audit("incident.draft.save")[0].before == {"injured": 0}


def test_saving_an_unchanged_draft_writes_nothing(desk):
    svc = desk.incidents()
    draft = svc.save_draft(desk["zhouning"], None, {"deaths": 1}, now=RECEIVED).incident
    before = desk.counts()
    svc.save_draft(desk["zhouning"], draft.id, {"deaths": 1}, now=RECEIVED + MIN)
    assert desk.counts() == before


def test_drafts_are_listed_per_author_and_can_be_discarded(desk):
    svc = desk.incidents()
    mine = svc.save_draft(desk["zhouning"], None, {"caller_name": "甲"}, now=RECEIVED).incident
    svc.save_draft(desk["sunhao"], None, {"caller_name": "乙"}, now=RECEIVED)
    assert [d.id for d in svc.my_drafts(desk["zhouning"])] == [mine.id]
    svc.discard_draft(desk["zhouning"], mine.id, now=RECEIVED)
    assert svc.my_drafts(desk["zhouning"]) == []
    assert desk.audit("incident.draft.discard")[0].before["caller_name"] == "甲"


def test_submitted_intake_is_no_longer_a_draft(desk):
    svc = desk.incidents()
    v = svc.register(desk["zhouning"], intake(), now=RECEIVED)
    with pytest.raises(UserError, match="已提交"):
        svc.save_draft(desk["zhouning"], v.id, {"deaths": 1}, now=RECEIVED)


# ---------------------------------------------------------------- invalid input writes nothing


@pytest.mark.parametrize(("change", "field", "zh"), [
    ({"occurred_at": RECEIVED + MIN}, "occurred_at", "不能晚于接报时间"),
    ({"deaths": -1}, "deaths", "不能为负数"),
    ({"injured": 2, "seriously_injured": 3}, "seriously_injured", "重伤人数不能多于"),
    ({"received_at": RECEIVED + 2 * dt.timedelta(hours=1)}, "received_at", "不能晚于当前时间"),
    ({"place": ""}, "place", "必填"),
    ({"place": "不存在街道"}, "place", "不在本区街道"),
    ({"place": "其他", "address": ""}, "address", "必须填写详细地址"),
    ({"description": "火" * 10_000}, "description", "过长"),
    ({"caller_name": "张\x00三"}, "caller_name", "控制字符"),
    ({"callback_phone": "call me"}, "callback_phone", "电话号码"),
    ({"event_type": "外星人入侵"}, "event_type", "处置分工表"),
    ({"source": "pigeon"}, "source", "未知的信息来源"),
    ({"category": None, "event_type": "火灾事故"}, "category", "必填"),
    ({"economic_loss_cny": float("nan")}, "economic_loss_cny", "非负数"),
    ({"sensitive": "yes"}, "sensitive", "必须是"),
    ({"colour": "red"}, "colour", "未知字段"),
])
def test_bad_intake_names_the_field_and_writes_nothing(desk, change, field, zh):
    svc = desk.incidents()
    draft = svc.save_draft(desk["zhouning"], None, {"caller_name": "王先生"}, now=RECEIVED).incident
    before = desk.counts()
    with pytest.raises(IntakeInvalid) as err:
        svc.submit(desk["zhouning"], draft.id, intake(**change), now=RECEIVED)
    assert [p.field for p in err.value.problems] == [field]
    assert zh in err.value.zh and err.value.en
    assert desk.counts() == before
    assert svc.get(desk["zhouning"], draft.id).status == "draft"
    with pytest.raises(IntakeInvalid):
        svc.register(desk["zhouning"], intake(**change), now=RECEIVED)
    assert desk.counts() == before


def test_every_missing_required_field_is_named_at_once(desk):
    svc = desk.incidents()
    draft = svc.save_draft(desk["zhouning"], None, {"caller_name": "王先生"}, now=RECEIVED).incident
    with pytest.raises(IntakeInvalid) as err:
        svc.submit(desk["zhouning"], draft.id, now=RECEIVED)
    assert {p.field for p in err.value.problems} == {"source", "occurred_at", "place", "category", "event_type",
                                                    "description"}
    assert "信息来源：必填" in err.value.zh and "Source: required" in err.value.en
    assert svc.check(desk["zhouning"], intake(), draft_id=draft.id, now=RECEIVED) == ()


def test_municipal_profile_lists_no_places_so_any_place_text_is_accepted(desk):
    v = desk.incidents("beijing").register(desk["zhouning"], intake("beijing", place="朝阳区望京街道"), now=RECEIVED)
    assert v.place == "朝阳区望京街道"


# ---------------------------------------------------------------- grade and flags


def test_dongcheng_4_1_4_grade_change_recomputes_the_deadlines_and_is_audited(desk):
    """Dongcheng: unknown (4.1.5, 10 min) → 较大 (4.1.4 immediately + written 1 h after occurrence; 4.1.5 follow-ups)."""
    svc = desk.incidents()
    v = svc.register(desk["zhouning"], intake(deaths=3), now=RECEIVED)
    assert (v.grade_confirmed, v.grade_suggested, v.advice.rules) == ("unknown", "large", ("accident.deaths.3-9",))
    assert [d.clock_id for d in pending(desk, v.id)] == ["R3-unknown", "app-final"]

    changed = svc.confirm_grade(desk["zhouning"], v.id, "large", now=RECEIVED + 5 * MIN)
    assert changed.grade_confirmed == "large"
    rows = {d.clock_id: d for d in pending(desk, v.id, RECEIVED + 5 * MIN)}
    assert set(rows) == {"R1-verbal", "R2-written", "R4-followup", "app-final"}
    assert rows["R1-verbal"].due is None and rows["R1-verbal"].wording == "立即报告"
    assert rows["R2-written"].due == OCCURRED + 60 * MIN and rows["R2-written"].basis == "4.1.4"
    assert rows["R4-followup"].due == RECEIVED + 30 * MIN  # no report yet: the interval runs from receipt

    graded = desk.audit("incident.grade", v.id)
    assert len(graded) == 1 and graded[0].user_id == desk["zhouning"].id
    assert graded[0].before["grade"] == "unknown" and graded[0].after["grade"] == "large"
    assert [d["key"] for d in graded[0].before["deadlines"]] == ["R3-unknown", "app-final"]
    assert "R2-written" in [d["key"] for d in graded[0].after["deadlines"]]
    line = desk.log_rows(v.id)[-1]
    assert line.automatic and "暂时无法判明 → 较大（III级）" in line.text and "报告时限已重新计算" in line.text
    assert desk.duty_rows(v.id)[-1].text.endswith(line.text)


def test_dongcheng_4_1_6_foreign_flag_adds_the_notice_to_the_foreign_and_taiwan_offices(desk):
    """Dongcheng 4.1.6: foreign/HK/Macao/Taiwan-related → notify 区外办 and 区台办 at the same time (同时)."""
    svc = desk.incidents()
    v = svc.register(desk["zhouning"], intake(), now=RECEIVED)
    svc.set_flags(desk["zhouning"], v.id, {"foreign_related": True}, now=RECEIVED + MIN)
    foreign = next(d for d in pending(desk, v.id) if d.clock_id == "R5-foreign")
    assert foreign.to == ("区外办", "区台办") and foreign.wording == "同时" and foreign.basis == "4.1.6"
    entry = desk.audit("incident.flags", v.id)[0]
    assert entry.before["foreign_related"] is False and entry.after["foreign_related"] is True
    with pytest.raises(UserError, match="未知的标记"):
        svc.set_flags(desk["zhouning"], v.id, {"vip": True}, now=RECEIVED)


def test_unknown_grade_value_is_refused(desk):
    svc = desk.incidents()
    v = svc.register(desk["zhouning"], intake(), now=RECEIVED)
    with pytest.raises(IntakeInvalid, match="未知的等级"):
        svc.confirm_grade(desk["zhouning"], v.id, "catastrophic", now=RECEIVED)


def test_update_of_casualties_is_logged_and_audited(desk):
    svc = desk.incidents()
    v = svc.register(desk["zhouning"], intake(deaths=1, injured=2), now=RECEIVED)
    after = svc.update(desk["zhouning"], v.id, {"deaths": 4, "trend": "火势已控制"}, now=RECEIVED + 20 * MIN)
    assert (after.deaths, after.trend, after.grade_suggested) == (4, "火势已控制", "large")
    edit = desk.audit("incident.edit", v.id)[0]
    assert edit.before["deaths"] == 1 and edit.after["deaths"] == 4
    assert "死亡人数：1 → 4" in desk.log_rows(v.id)[-1].text


# ---------------------------------------------------------------- closing


def test_close_is_refused_without_a_final_report_and_a_closed_incident_refuses_edits(desk):
    svc, reports = desk.incidents(), desk.reports()
    leader = desk["luomin"]
    v = svc.register(desk["zhouning"], intake(), now=RECEIVED)
    with pytest.raises(UserError, match="尚未报送终报"):
        svc.close(leader, v.id, now=RECEIVED + 60 * MIN)
    svc.end_handling(desk["zhouning"], v.id, at=RECEIVED + 50 * MIN, now=RECEIVED + 55 * MIN)
    draft = reports.compose(desk["zhouning"], v.id, "final", now=RECEIVED + 56 * MIN)
    reports.record_sent(desk["zhouning"], v.id, "final", body=draft.body, recipients=draft.recipients,
                        channel="fax", now=RECEIVED + 57 * MIN)
    closed = svc.close(leader, v.id, now=RECEIVED + 60 * MIN)
    assert closed.status == "closed" and closed.closed_at == RECEIVED + 60 * MIN
    assert desk.audit("incident.close", v.id)[0].after["status"] == "closed"
    before = desk.counts()
    with pytest.raises(PermissionDenied, match="当前状态"):
        svc.update(desk["zhouning"], v.id, {"deaths": 1}, now=RECEIVED + 61 * MIN)
    with pytest.raises(PermissionDenied):
        svc.confirm_grade(desk["zhouning"], v.id, "large", now=RECEIVED + 61 * MIN)
    with pytest.raises(PermissionDenied):
        desk.log.add(desk["zhouning"], v.id, "补记", now=RECEIVED + 61 * MIN)
    assert desk.counts() == before


# ---------------------------------------------------------------- permissions


def test_permission_refusals_come_from_the_service_and_write_nothing(desk):
    svc = desk.incidents()
    v = svc.register(desk["zhouning"], intake(), now=RECEIVED)
    before = desk.counts()
    with pytest.raises(PermissionDenied, match="无权登记接报"):
        svc.register(desk["fengqing"], intake(), now=RECEIVED)  # a department user
    with pytest.raises(PermissionDenied):
        svc.save_draft(desk["fengqing"], None, {"deaths": 1}, now=RECEIVED)
    with pytest.raises(PermissionDenied, match="无权结束事件"):
        svc.close(desk["zhouning"], v.id, now=RECEIVED)  # closing is for the shift leader or director
    with pytest.raises(PermissionDenied, match="无权确认事件等级"):
        svc.confirm_grade(desk["hanyu"], v.id, "major", now=RECEIVED)  # the mayor reads, the desk grades
    with pytest.raises(PermissionDenied, match="无权查看事件信息"):
        svc.get(desk["admin"], v.id)  # administrators hold no incident role
    assert desk.counts() == before
    assert svc.get(desk["hanyu"], v.id).id == v.id


# ---------------------------------------------------------------- the incident list


def _seed_list(desk):
    svc, officer = desk.incidents(), desk["zhouning"]
    a = svc.register(officer, intake(description="化工厂泄漏", deaths=3), now=RECEIVED)
    b = svc.register(officer, intake(category="natural", occurred_at=RECEIVED + 60 * MIN,
                                     received_at=RECEIVED + 65 * MIN, description="暴雨积水"), now=RECEIVED + 70 * MIN)
    svc.confirm_grade(officer, b.id, "ordinary", now=RECEIVED + 70 * MIN)
    c = svc.register(officer, intake(category="social", occurred_at=RECEIVED - dt.timedelta(days=3),
                                     received_at=RECEIVED - dt.timedelta(days=3), description="聚集"), now=RECEIVED)
    return a, b, c


def test_incident_list_searches_filters_and_sorts(desk):
    a, b, c = _seed_list(desk)
    svc, officer = desk.incidents(), desk["zhouning"]
    now = RECEIVED + 70 * MIN

    def ids(**kw):
        return [r.id for r in svc.search(officer, IncidentQuery(**kw), now=now)]

    assert ids() == [b.id, a.id, c.id]  # newest received first
    assert ids(descending=False) == [c.id, a.id, b.id]
    assert ids(text="泄漏") == [a.id]
    assert ids(text="东四") == [b.id, a.id, c.id]  # the place is searched too
    assert ids(category="natural") == [b.id]
    assert ids(grade="ordinary") == [b.id]
    assert ids(received_from=RECEIVED.date(), received_to=RECEIVED.date()) == [b.id, a.id]
    assert ids(received_to=(RECEIVED - dt.timedelta(days=1)).date()) == [c.id]
    # a's 10-minute report (Dongcheng 4.1.5) and c's are overdue; b is 一般: immediately, written 1 h after occurrence
    assert ids(overdue=True) == [a.id, c.id]
    assert ids(overdue=False) == [b.id]
    assert ids(sort="grade", descending=False)[0] == b.id
    assert ids(sort="next_due", descending=False) == [c.id, a.id, b.id]
    assert ids(statuses=("draft",)) == []
    assert ids(limit=1, offset=1) == [a.id]
    row = svc.search(officer, IncidentQuery(text="泄漏"), now=now)[0]
    assert (row.state, row.overdue_count, row.next_due_label, row.grade_suggested) == ("overdue", 1, "首报", "large")
    with pytest.raises(UserError, match="未知的排序字段"):
        svc.search(officer, IncidentQuery(sort="colour"), now=now)


def test_intake_choices_come_from_the_profile_in_force(desk):
    choices = desk.incidents().choices(desk["zhouning"], on=RECEIVED.date())
    assert choices.profile_version == "2022" and "东四街道" in choices.places and choices.place_other == "其他"
    assert {c.key for c in choices.sources} >= {"phone", "110", "119", "120", "12345", "monitoring", "media"}
    assert {e.category for e in choices.event_types} == {"natural", "accident", "public_health", "social"}
    units = desk.incidents().lead_units(desk["zhouning"], "accident", "火灾事故", on=RECEIVED.date())
    assert units and all(u.duty_phone for u in units)
    advice = desk.incidents().advise(desk["zhouning"], {"category": "accident", "deaths": 12}, now=RECEIVED)
    assert advice.suggested == "major" and advice.basis == ("国务院令第493号 第三条",)


def test_preview_deadlines_shows_what_the_typed_intake_would_owe_and_writes_nothing(desk):
    """Dongcheng 4.1.5: unknown grade → 10 minutes after receipt; 较大 → immediate report, written 1 h after
    occurrence (4.1.4) and follow-ups every 30 minutes."""
    svc, before = desk.incidents(), desk.counts()
    unknown = svc.preview_deadlines(desk["zhouning"], intake(), now=RECEIVED)
    assert [(d.clock_id, d.due) for d in unknown if d.kind == "verbal"] == [("R3-unknown", RECEIVED + 10 * MIN)]
    large = svc.preview_deadlines(desk["zhouning"], intake(grade="large", deaths=-1), now=RECEIVED)  # bad count: 0
    kinds = {d.clock_id: d for d in large}
    assert kinds["R2-written"].due == OCCURRED + 60 * MIN and kinds["R1-verbal"].due is None
    assert any(d.kind == "followup" for d in large)
    assert desk.counts() == before


def test_the_intake_line_gives_an_immediate_report_its_escalation_time(desk):
    """Beijing 4.1.4 / 4.1.5 (Shijingshan follows the city plan): a 较大 incident's 首报 is 立即报告, escalating 30
    minutes after receipt. The intake's log line (also in the duty log) said only 首报：立即报告."""
    v = desk.incidents("shijingshan").register(desk["zhouning"], intake("shijingshan", grade="large", deaths=3),
                                               now=RECEIVED)
    line = desk.log_rows(v.id)[0].text
    assert "首报：立即报告（警戒2026年7月1日08:35）" in line, line
