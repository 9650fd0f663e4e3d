"""The contacts directory as the duty officer uses it: quick search by every key, edits that are
audited and never delete, appointment history (a person leaves, the post keeps its contacts)."""

import datetime as dt

import pytest
from sqlalchemy import select

from dutyroom.domain.contact_search import phone_problem, query_terms, search_key
from dutyroom.services.contacts import OrganisationInput, PersonInput, PostInput
from dutyroom.services.errors import PermissionDenied, UserError
from dutyroom.store.models import Organisation, Person, Post

TODAY = dt.date(2026, 7, 1)


def people(result):
    return [h.person for h in result.hits if h.person]


def units(result):
    return [h.organisation for h in result.hits if h.kind == "organisation"]


def _post(directory, unit: str, title: str):
    with directory.db.read() as s:
        return s.scalar(select(Post).join(Organisation).where(Organisation.name == unit, Post.title == title))


# ---------------------------------------------------------------- search keys


def test_pinyin_initials_find_zhou_ning_and_only_names_with_those_initials(directory):
    c, officer = directory.contacts, directory["zhouning"]
    found = c.search(officer, "zn", today=TODAY)
    assert "周宁" in people(found)
    for hit in found.hits:  # every hit really has "zn" in its pinyin initials or spelling
        assert hit.person == "周宁" or "zn" in search_key([hit.organisation, hit.post, hit.person])
    assert people(c.search(officer, "zhouning", today=TODAY)) == ["周宁"]
    assert people(c.search(officer, "ZN", today=TODAY)) == people(found)  # case does not matter


def test_search_by_name_post_and_department(directory):
    c, officer = directory.contacts, directory["zhouning"]
    by_name = c.search(officer, "周宁", today=TODAY)
    assert [(h.organisation, h.post, h.person) for h in by_name.hits] == [("东城区应急办", "值班员", "周宁")]
    by_post = c.search(officer, "值班员", today=TODAY)
    assert sorted(people(by_post)) == sorted(["周宁", "孙浩", "何丽", "高鹏"])  # the four demo duty officers
    by_unit = c.search(officer, "区应急局", today=TODAY)
    assert units(by_unit)[0] == "区应急局"
    assert {h.post for h in by_unit.hits if h.kind == "post" and h.organisation == "区应急局"} == {"主要负责人", "值班室"}
    both = c.search(officer, "应急办 zn", today=TODAY)  # all terms must match one row
    assert [(h.post, h.person) for h in both.hits] == [("值班员", "周宁")]


def test_search_by_alias_finds_the_unit(directory):
    c, officer = directory.contacts, directory["zhouning"]
    with directory.db.read() as s:
        org = s.scalar(select(Organisation).where(Organisation.name == "区应急局"))
    view = c.organisation(officer, org.id)
    c.update_organisation(officer, org.id, OrganisationInput(view.name, view.kind, view.parent_id, view.duty_phone,
                                                             view.fax, ("应急管理局东城分局",)))
    found = c.search(officer, "东城分局", today=TODAY)
    assert units(found) == ["区应急局"] and found.hits[0].aliases == "应急管理局东城分局"
    assert "区应急局" in units(c.search(officer, "yjgljdcfj", today=TODAY))  # the alias's pinyin initials too


def test_phone_digits_ignore_separators(directory):
    c, officer = directory.contacts, directory["zhouning"]
    for query in ("01055550110", "010-5555-0110", "010 5555 0110", "(010)55550110", "55550110"):
        found = c.search(officer, query, today=TODAY)
        assert units(found) == ["东城区应急办"], query  # the office's duty phone 010-55550110 (demo)
        # the number belongs to the unit: its posts are not listed for it
        assert [h for h in found.hits if h.kind == "post"] == [], query
    with directory.db.read() as s:
        mobile = s.scalar(select(Person.mobile).where(Person.name == "周宁"))
    spaced = f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}"
    assert people(c.search(officer, spaced, today=TODAY)) == ["周宁"]


def test_surname_with_two_readings_is_found_by_either(directory):
    c, officer = directory.contacts, directory["tangjun"]
    post = _post(directory, "区应急局", "值班室")
    c.appoint_new_person(officer, post.id, PersonInput("单小明", "13800009999"), TODAY, today=TODAY)
    for query in ("sxm", "dxm", "shanxiaoming"):
        assert "单小明" in people(c.search(officer, query, today=TODAY)), query


def test_a_change_made_outside_the_service_is_searchable(directory):
    """Another area (or the demo loader) writes a row directly: the key follows the change."""
    c, officer = directory.contacts, directory["zhouning"]
    assert c.search(officer, "66667777", today=TODAY).total == 0
    with directory.db.write() as s:
        org = s.scalar(select(Organisation).where(Organisation.name == "区人防办"))
        org.duty_phone = "010-66667777"
        s.add(Organisation(name="区地震局", kind="department", duty_phone="010-66668888"))
    assert units(c.search(officer, "6666 7777", today=TODAY)) == ["区人防办"]
    assert units(c.search(officer, "qdzj", today=TODAY)) == ["区地震局"]


def test_among_thousands_of_entries_two_terms_find_the_one_post(directory):
    """Speed is measured in tests/bench/bench_contacts_search.py; here: the right row among 2,700 new ones."""
    c, officer = directory.contacts, directory["tangjun"]
    with directory.db.write() as s:
        for i in range(300):
            org = Organisation(name=f"测试单位{i:03d}", kind="department", duty_phone=f"010-6{i:03d}0000")
            s.add(org)
            s.flush()
            for j in range(8):
                s.add(Post(organisation_id=org.id, title=f"岗位{j}", office_phone=f"010-7{i:03d}{j:04d}"))
    everything = c.search(officer, "", limit=50)  # keys for the 2,700 new rows are computed here, once
    assert everything.truncated and everything.total > 2700 and len(everything.hits) == 50
    found = c.search(officer, "测试单位123 岗位7")
    assert [(h.organisation, h.post, h.office_phone) for h in found.hits] == [("测试单位123", "岗位7", "010-71230007")]
    assert [h.post for h in c.search(officer, "010 7123 0007").hits] == ["岗位7"]
    assert c.ensure_search_keys() == 0  # nothing left to compute


def test_query_terms_and_phone_rules():
    assert query_terms("010-5555 0110") == ["01055550110"]
    assert query_terms(" 应急  zn ") == ["应急", "zn"]
    assert query_terms("０１０－５５５５ ０１１０") == ["01055550110"]  # typed with a full-width input method
    assert phone_problem("010-55550110") is None
    assert phone_problem("13800001234") is None
    assert phone_problem("+86 138 0000 1234") is None
    assert phone_problem("12345") is None  # the citizens' hotline
    assert phone_problem("010-55550110转123") is None
    assert phone_problem("010-55550110、13800001234") is None
    assert "非数字" in phone_problem("010-5555abcd")[0]
    assert "位数" in phone_problem("1380000123")[0]
    assert "开头的 0" in phone_problem("1055550110")[0]  # Excel dropped the leading 0 of 010-55550110


# ---------------------------------------------------------------- edits, audit, deactivation


def test_edits_are_audited_and_an_unchanged_save_writes_nothing(directory):
    c, officer = directory.contacts, directory["zhouning"]
    org = c.create_organisation(officer, OrganisationInput("区气象局", "department", None, "010-55551234", None,
                                                           ("气象局",)))
    post = c.create_post(officer, PostInput(org.id, "值班室", duty_phone="010-55551235"))
    assert directory.audit_count("contacts.org.create") == 1 and directory.audit_count("contacts.post.create") == 1
    before = directory.audit_count("contacts.")
    c.update_post(officer, post.id, PostInput(org.id, "值班室", duty_phone="010-55551235"))
    assert directory.audit_count("contacts.") == before  # nothing changed, nothing audited
    c.update_post(officer, post.id, PostInput(org.id, "值班室", duty_phone="010-55551236", fax="010-55551237"))
    assert directory.audit_count("contacts.post.update") == 1
    assert c.search(officer, "55551236", today=TODAY).hits[0].post == "值班室"


def test_bad_input_names_the_field_and_saves_nothing(directory):
    c, officer = directory.contacts, directory["zhouning"]
    before = directory.audit_count()
    with pytest.raises(UserError, match="值班电话"):
        c.create_organisation(officer, OrganisationInput("区水务局", duty_phone="010-5555abcd"))
    with pytest.raises(UserError, match="单位名称不能为空"):
        c.create_organisation(officer, OrganisationInput("  "))
    with pytest.raises(UserError, match="另一个单位的名称"):
        c.create_organisation(officer, OrganisationInput("区水务局", aliases=("区应急局",)))
    assert directory.audit_count() == before
    assert c.search(officer, "区水务局", today=TODAY).total == 0


def test_department_user_may_look_up_but_not_edit(directory):
    c, dept = directory.contacts, directory["fengqing"]
    assert c.search(dept, "周宁", today=TODAY).total == 1
    with pytest.raises(PermissionDenied, match="无权修改通讯录"):
        c.create_organisation(dept, OrganisationInput("区水务局"))


def test_supervising_leaders_are_ordered_and_replaced(directory):
    c, officer = directory.contacts, directory["zhouning"]
    gov = next(o for o in c.organisations(officer) if o.name == "东城区人民政府")
    second = c.create_post(officer, PostInput(gov.id, "常务副区长"))
    candidates = {p.title: p.id for p in c.leader_candidates(officer)}
    assert {"分管副区长", "区长", "常务副区长"} <= set(candidates)
    dept = next(o for o in c.organisations(officer) if o.name == "区应急局")
    audits = directory.audit_count("contacts.org.leaders")
    view = c.set_supervising_leaders(officer, dept.id, [candidates["分管副区长"], second.id])
    assert [r.title for r in view.supervising_leaders] == ["分管副区长", "常务副区长"]
    assert view.supervising_leaders[0].holders == ("谢文",)  # the demo's leader in charge
    view = c.set_supervising_leaders(officer, dept.id, [second.id, candidates["分管副区长"]])
    assert [r.title for r in view.supervising_leaders] == ["常务副区长", "分管副区长"]
    assert directory.audit_count("contacts.org.leaders") == audits + 2
    assert c.set_supervising_leaders(officer, dept.id, [second.id, candidates["分管副区长"]]) == view  # unchanged
    assert directory.audit_count("contacts.org.leaders") == audits + 2  # ... and not audited


# ---------------------------------------------------------------- appointments


def test_a_person_leaves_the_post_keeps_its_phones_and_the_history_keeps_both(directory):
    c, officer = directory.contacts, directory["tangjun"]
    post = _post(directory, "区应急局", "主要负责人")
    view = c.post(officer, post.id, today=TODAY)
    (old,) = view.holders
    phones = (view.office_phone, view.duty_phone, view.fax)
    c.end_appointment(officer, old.appointment_id, dt.date(2026, 6, 30), "东任〔2026〕5号")
    new = c.appoint_new_person(officer, post.id, PersonInput("陆远", "13800005678"), dt.date(2026, 7, 1),
                               "东任〔2026〕6号", today=TODAY)
    view = c.post(officer, post.id, today=TODAY)
    assert [h.name for h in view.holders] == ["陆远"]
    assert (view.office_phone, view.duty_phone, view.fax) == phones  # the post keeps its contacts
    history = c.post_history(officer, post.id)
    assert [(a.person, a.start_date, a.end_date) for a in history] == [
        ("陆远", dt.date(2026, 7, 1), None), (old.name, old.start_date, dt.date(2026, 6, 30))]
    assert history[1].source_doc_no == "东任〔2026〕5号" and new.source_doc_no == "东任〔2026〕6号"
    # searching the post finds the new holder with the post's office phone; the old one stands alone now
    found = c.search(officer, "区应急局 主要负责人", today=TODAY)
    assert [(h.person, h.office_phone) for h in found.hits] == [("陆远", phones[0])]
    former = c.search(officer, old.name, today=TODAY)
    assert [(h.kind, h.person) for h in former.hits] == [("person", old.name)]
    assert [a.post for a in c.person_history(officer, old.person_id)] == ["主要负责人"]
    assert directory.audit_count("contacts.end_appointment") == 1 and directory.audit_count("contacts.appoint") == 1


def test_end_date_and_double_appointment_are_checked(directory):
    c, officer = directory.contacts, directory["tangjun"]
    post = _post(directory, "区应急局", "值班室")
    (holder,) = c.post(officer, post.id, today=TODAY).holders
    with pytest.raises(UserError, match="早于任职日期"):
        c.end_appointment(officer, holder.appointment_id, holder.start_date - dt.timedelta(days=1))
    with pytest.raises(UserError, match="已在任"):
        c.appoint(officer, holder.person_id, post.id, TODAY, today=TODAY)
    c.end_appointment(officer, holder.appointment_id, TODAY)
    with pytest.raises(UserError, match="已于"):
        c.end_appointment(officer, holder.appointment_id, TODAY)


def test_nothing_is_deleted_people_and_posts_are_deactivated(directory):
    c, officer = directory.contacts, directory["tangjun"]
    post = _post(directory, "区应急局", "值班室")
    (holder,) = c.post(officer, post.id, today=TODAY).holders
    with pytest.raises(UserError, match="请先办理离任"):
        c.set_person_active(officer, holder.person_id, False, today=TODAY)
    with pytest.raises(UserError, match="请先办理离任"):
        c.set_post_active(officer, post.id, False, today=TODAY)
    c.end_appointment(officer, holder.appointment_id, TODAY - dt.timedelta(days=1))
    c.set_person_active(officer, holder.person_id, False, today=TODAY)
    assert holder.name not in people(c.search(officer, holder.name, today=TODAY))
    assert holder.name in people(c.search(officer, holder.name, today=TODAY, include_inactive=True))
    with directory.db.read() as s:
        assert s.get(Person, holder.person_id) is not None  # still there for the reports
    assert [a.person for a in c.post_history(officer, post.id)] == [holder.name]
