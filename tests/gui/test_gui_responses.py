"""应急响应 page (issue 4): activate, raise, lower and end a response level of an open incident per the
profile (Dongcheng 4.3: 三级 by the street, 二级 by the special HQ, 一级 by the district committee and
government; Pinggu's public-health plan: four levels), commander and executive commander from contacts."""

from __future__ import annotations

import datetime as dt

from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.incidents import IncidentService
from dutyroom.services.responses import ResponseService
from dutyroom.store.models import Incident
from dutyroom.ui import responses_page
from dutyroom.ui.responses_page import ResponseDialog, ResponseInput, ResponsesPage

T0 = dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.UTC)


def open_incident(desk, key="dongcheng", category="accident", grade="large", title="东直门燃气泄漏") -> int:
    profile = load_profile(key)
    with desk.db.write() as s:
        inc = Incident(profile_key=key, profile_version=profile.version, status="open", title=title,
                       category=category, received_at=T0, created_by_id=desk.users["zhouning"].id, grade_confirmed=grade)
        s.add(inc)
        s.flush()
        return inc.id


def make_page(qtbot, desk, username="zhouning", key="dongcheng") -> ResponsesPage:
    profile = load_profile(key)
    page = ResponsesPage(ResponseService(desk.db, profile), IncidentService(desk.db, profile), desk.users[username])
    qtbot.addWidget(page)
    page.show()
    return page


def shown(page: ResponsesPage) -> set[str]:
    return {a for a, b in page.buttons.items() if b.isVisible()}


def people(desk) -> dict[str, int]:
    svc = ResponseService(desk.db, load_profile("dongcheng"))
    return {p.name: p.id for p in svc.people()}


def test_activate_raise_lower_end_through_the_page(qtbot, desk, monkeypatch):
    wid = open_incident(desk)
    page = make_page(qtbot, desk)
    page.show_incident(wid)
    assert shown(page) == {"activate"} and "未启动应急响应" in page.state.text()
    assert page.level_model.rowCount() == 3  # Dongcheng 4.3: three levels
    p = people(desk)
    at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    monkeypatch.setattr(ResponseDialog, "ask", lambda *a, **k: ResponseInput("III", p["谢文"], p["唐军"], "", at, "先期处置"))
    page.step("activate")
    assert "当前响应：三级" in page.state.text() and "谢文" in page.state.text()
    assert shown(page) == {"raise", "end"}
    monkeypatch.setattr(ResponseDialog, "ask", lambda *a, **k: ResponseInput("II", None, None, "", at + dt.timedelta(minutes=20), ""))
    page.step("raise")
    assert "当前响应：二级" in page.state.text() and "谢文" in page.state.text()  # commander kept
    assert shown(page) == {"raise", "lower", "end"}
    monkeypatch.setattr(ResponseDialog, "ask", lambda *a, **k: ResponseInput("III", p["韩宇"], None, "", at + dt.timedelta(minutes=40), ""))
    page.step("lower")
    assert "三级" in page.state.text() and "韩宇" in page.state.text()
    end_at = at + dt.timedelta(minutes=50)
    monkeypatch.setattr(ResponseDialog, "ask", lambda *a, **k: ResponseInput(None, None, None, "", end_at, "处置完毕"))
    page.step("end")
    assert shown(page) == {"activate"}
    history = ResponseService(desk.db, load_profile("dongcheng")).history(wid)
    assert [h.action for h in history] == ["activate", "raise", "lower", "end"]
    assert history[0].body == "街道（地区）"  # the body the plan names when none is typed (Dongcheng 4.3)
    assert history[-1].body == "启动响应的应急指挥机构（街道（地区））"  # ended by the body that started it
    assert page.history_model.rowCount() == 4


def test_refusal_is_shown_and_nothing_recorded(qtbot, desk, monkeypatch):
    wid = open_incident(desk)
    page = make_page(qtbot, desk)
    page.show_incident(wid)
    p = people(desk)
    future = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    monkeypatch.setattr(ResponseDialog, "ask", lambda *a, **k: ResponseInput("III", p["谢文"], p["谢文"], "", future, ""))
    page.step("activate")
    assert "不能晚于现在" in page.message.text()
    assert ResponseService(desk.db, load_profile("dongcheng")).history(wid) == []


def test_dialog_fills_the_plan_body_and_needs_a_commander(qtbot, desk):
    wid = open_incident(desk, grade="ordinary")
    svc = ResponseService(desk.db, load_profile("dongcheng"))
    levels = svc.levels(wid)
    dialog = ResponseDialog("activate", levels, svc.people(), None, svc.suggested_level(wid))
    qtbot.addWidget(dialog)
    assert dialog.level.currentData() == "II"  # Dongcheng 4.3.2: 一般 → 二级 at first judgment
    assert dialog.body.text() == "相应专项应急指挥部" and "执行指挥" in dialog.plan_roles.text()
    dialog.level.setCurrentIndex(dialog.level.findData("III"))
    assert dialog.body.text() == "街道（地区）"
    dialog.try_accept()
    assert dialog.value is None and "总指挥" in dialog.error.text()
    dialog.commander.setCurrentIndex(1)
    dialog.try_accept()
    assert dialog.value is not None and dialog.value.level_key == "III" and dialog.value.commander_id


def test_people_are_contacts_with_their_posts(desk):
    choices = ResponseService(desk.db, load_profile("dongcheng")).people()
    xiewen = next(c for c in choices if c.name == "谢文")
    assert any("分管副区长" in post for post in xiewen.posts) and "分管副区长" in xiewen.label
    assert choices.index(xiewen) < len([c for c in choices if c.posts])  # people holding a post come first


def test_department_user_sees_no_response_buttons(qtbot, desk):
    wid = open_incident(desk)
    page = make_page(qtbot, desk, username="fengqing")
    assert page.incident_model.rowCount() == 0 and "无权查看事件" in page.message.text()
    page.show_incident(wid)
    assert shown(page) == set()


def test_pinggu_public_health_incident_has_four_levels(qtbot, desk):
    wid = open_incident(desk, key="pinggu", category="public_health", grade="ordinary", title="学校聚集性病例")
    page = make_page(qtbot, desk, key="pinggu")
    page.show_incident(wid)
    assert page.level_model.rowCount() == 4


def test_no_open_incident_shows_the_profile_levels(qtbot, desk):
    page = make_page(qtbot, desk)
    assert page.incident_model.rowCount() == 0 and "没有处置中的事件" in page.state.text()
    assert page.level_model.rowCount() == 3 and shown(page) == set()
    assert responses_page.ACTIONS == ("activate", "raise", "lower", "end")


def test_incident_names_are_readable_in_the_list(qtbot, desk):
    """QA A4: the 事件 column shows the incident's name, not just "…"."""
    wid = open_incident(desk, title="东直门燃气泄漏")
    page = make_page(qtbot, desk)
    page.resize(1300, 800)
    qtbot.waitUntil(lambda: page.incident_table.isVisible())
    row = next(r for r, inc in enumerate(page.incident_model.rows) if inc.id == wid)
    index = page.incident_model.index(row, 1)
    needed = page.incident_table.fontMetrics().horizontalAdvance(index.data())
    assert page.incident_table.columnWidth(1) > needed  # the whole name fits


def test_empty_list_says_so_and_english_level_names(qtbot, desk, monkeypatch, qapp):
    from dutyroom.ui.i18n import install_translator

    page = make_page(qtbot, desk)
    assert page.incident_table._empty_hint.label.isVisible() == (page.incident_model.rowCount() == 0)
    assert page.history_table._empty_hint.label.isVisible() == (page.history_model.rowCount() == 0)
    assert "暂无" in page.history_table._empty_hint.label.text()
    monkeypatch.setenv("DUTYROOM_LANG", "en")
    translator = install_translator(qapp)
    try:
        english = make_page(qtbot, desk)
        levels = [english.level_model.index(r, 0).data() for r in range(english.level_model.rowCount())]
        assert levels == ["Level I", "Level II", "Level III"]  # Dongcheng 4.3: three levels
    finally:
        qapp.removeTranslator(translator)
