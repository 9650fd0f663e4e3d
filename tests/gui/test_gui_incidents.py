"""事件 page and the incident detail as a duty officer and a shift leader use them: search and filters, sort,
one click to open, Ctrl+N for the wizard, grade and flags moving the clock, the report chain, the log."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QMainWindow

from dutyroom.ui import incident_detail, incidents_page
from dutyroom.ui.incident_detail import IncidentDetail, ReportChoice
from dutyroom.ui.incidents_page import DraftChoice, IncidentsPage
from tests.helpers.incidents import MIN, OCCURRED, RECEIVED, Clock, intake


def make_page(qtbot, desk, clock, user="zhouning"):
    page = IncidentsPage(desk.incidents(), desk.reports(), desk.log, desk[user], clock=clock)
    qtbot.addWidget(page)
    page.show()
    return page


def titles(page):
    return [page.row_at(r).title for r in range(page.proxy.rowCount())]


@pytest.fixture
def three(desk):
    """A fire (3 deaths, 较大), a gas leak in Dongsi, a public-health event a day earlier."""
    svc, officer = desk.incidents(), desk["zhouning"]
    fire = svc.register(officer, intake(category="accident", event_type="火灾事故", place="东华门街道", deaths=3,
                                        description="商场起火"), now=RECEIVED)
    svc.confirm_grade(officer, fire.id, "large", now=RECEIVED)
    gas = svc.register(officer, intake(description="燃气泄漏，已疏散", received_at=RECEIVED + MIN), now=RECEIVED + MIN)
    day = dt.timedelta(days=1)
    health = svc.register(officer, intake(category="public_health", occurred_at=OCCURRED - day,
                                          received_at=RECEIVED - day, description="学校多名学生腹泻"),
                          now=RECEIVED - day)
    return fire, gas, health


def test_list_searches_filters_and_sorts(qtbot, desk, three):
    fire, gas, health = three
    page = make_page(qtbot, desk, Clock(RECEIVED + 2 * MIN))
    assert len(titles(page)) == 3 and "共 3 起事件" in page.count.text()
    page.text.setText("腹泻")
    qtbot.waitUntil(lambda: titles(page) == [health.title])
    page.text.setText("")
    qtbot.waitUntil(lambda: len(titles(page)) == 3)
    page.category.setCurrentIndex(page.category.findData("accident"))
    assert set(titles(page)) == {fire.title, gas.title}
    page.grade.setCurrentIndex(page.grade.findData("large"))
    assert titles(page) == [fire.title]
    page.grade.setCurrentIndex(0)
    page.category.setCurrentIndex(0)
    page.use_dates.setChecked(True)
    page.date_from.setDate(RECEIVED.date())
    page.date_to.setDate(RECEIVED.date())
    assert set(titles(page)) == {fire.title, gas.title}
    page.use_dates.setChecked(False)
    page.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # received, oldest first
    assert titles(page) == [health.title, fire.title, gas.title]
    page.view.sortByColumn(3, Qt.SortOrder.AscendingOrder)  # grade, highest first
    assert titles(page)[0] == fire.title


def test_overdue_filter_shows_only_incidents_with_a_missed_deadline(qtbot, desk, three):
    """Dongcheng 4.1.5: the 10-minute first report; a day later every unreported incident is overdue."""
    fire, gas, health = three
    reports = desk.reports()
    at = RECEIVED + 5 * MIN
    for inc in (fire, gas):
        for kind in ("verbal", "written"):
            d = reports.compose(desk["zhouning"], inc.id, kind, now=at)
            reports.record_sent(desk["zhouning"], inc.id, kind, body=d.body, recipients=d.recipients,
                                channel="phone", now=at)
    page = make_page(qtbot, desk, Clock(at + MIN))
    page.overdue.setChecked(True)
    assert titles(page) == [health.title]


def test_one_click_opens_the_incident(qtbot, desk, three):
    fire, _gas, _health = three
    page = make_page(qtbot, desk, Clock(RECEIVED + 2 * MIN))
    row = titles(page).index(fire.title)
    rect = page.view.visualRect(page.proxy.index(row, 1))
    qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    detail = page.tabs.currentWidget()
    assert isinstance(detail, IncidentDetail) and detail.incident.id == fire.id
    assert fire.title in detail.header.text() and "较大" in detail.header.text()
    assert "商场起火" in detail.facts.toPlainText()
    assert page.tabs.count() == 2
    page.open_incident(fire.id)  # again: the same tab
    assert page.tabs.count() == 2


def test_ctrl_n_in_the_main_window_opens_the_wizard_and_the_new_incident_opens(qtbot, desk):
    window = QMainWindow()
    qtbot.addWidget(window)
    page = IncidentsPage(desk.incidents(), desk.reports(), desk.log, desk["zhouning"], clock=Clock(RECEIVED))
    window.setCentralWidget(page)
    page.install_shortcut(window)
    window.show()
    qtbot.waitExposed(window)
    window.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    page.text.setFocus()
    qtbot.keyClick(page.text, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.wizard is not None and page.wizard.isVisible())
    wizard = page.wizard
    assert not wizard.isModal()  # the dashboard keeps ticking beside it
    wizard.source.setCurrentIndex(wizard.source.findData("phone"))
    wizard.occurred_at.setDateTime(wizard.received_at.dateTime().addSecs(-600))
    wizard.next()
    wizard.place.setCurrentText("东四街道")
    wizard.category.setCurrentIndex(wizard.category.findData("natural"))
    wizard.event_type.setCurrentIndex(1)
    wizard.next()
    wizard.next()
    wizard.texts["description"].setPlainText("暴雨致道路积水")
    wizard.next()
    assert wizard.validateCurrentPage()
    assert page.tabs.currentWidget().incident.description == "暴雨致道路积水"
    assert titles(page) == [page.tabs.currentWidget().incident.title]


def test_ctrl_n_offers_the_unfinished_intake_first(qtbot, desk, monkeypatch):
    svc = desk.incidents()
    draft = svc.save_draft(desk["zhouning"], None, {"caller_name": "李女士", "place": "东四街道"}, now=RECEIVED).incident
    page = make_page(qtbot, desk, Clock(RECEIVED))
    assert page.drafts_banner.isVisible() and "未完成的接报：1 份" in page.drafts_banner.text()
    offered = []
    monkeypatch.setattr(incidents_page.DraftChoiceDialog, "ask",
                        classmethod(lambda cls, parent, drafts: offered.append(drafts) or DraftChoice("resume", draft.id)))
    wizard = page.new_intake()
    assert [d.id for d in offered[0]] == [draft.id]
    assert wizard.draft_id == draft.id and wizard.caller_name.text() == "李女士"
    wizard.close()


# ---------------------------------------------------------------- the incident detail


def make_detail(qtbot, desk, incident_id, clock, user="zhouning"):
    detail = IncidentDetail(desk.incidents(), desk.reports(), desk.log, desk[user], incident_id, clock=clock)
    qtbot.addWidget(detail)
    detail.show()
    return detail


def clock_rows(detail):
    t = detail.clock_table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def answer_report(monkeypatch, action="send", channel="phone", edit=None):
    seen = []

    def ask(cls, parent, draft, now):
        seen.append(draft)
        body = edit(draft.body) if edit else draft.body
        return ReportChoice(action, body, draft.recipients, channel, now)

    monkeypatch.setattr(incident_detail.ReportDialog, "ask", classmethod(ask))
    return seen


def test_confirming_the_grade_recomputes_the_clock_and_is_audited(qtbot, desk):
    """Dongcheng 4.1.5: 较大 and above, still being handled → follow-up every 30 minutes."""
    v = desk.incidents().register(desk["zhouning"], intake(deaths=3), now=RECEIVED)
    detail = make_detail(qtbot, desk, v.id, Clock(RECEIVED + MIN))
    assert "较大" in detail.advice.text()
    assert not any(r[0].startswith("续报") for r in clock_rows(detail))
    assert clock_rows(detail)[0][:3] == ["首报", "07-01 08:15", "还剩 09:00"]
    detail.grade.setCurrentIndex(detail.grade.findData("large"))
    qtbot.mouseClick(detail.confirm_grade_button, Qt.MouseButton.LeftButton)
    assert "已重新计算" in detail.message.text()
    assert any(r[0].startswith("续报") for r in clock_rows(detail))
    assert "续报：每 30 分钟" in detail.clock_info.text()
    audit = desk.audit("incident.grade", v.id)[-1]
    assert audit.before["grade"] == "unknown" and audit.after["grade"] == "large"


def test_flags_are_saved_and_move_the_clock(qtbot, desk):
    """Dongcheng 4.1.6: a foreign-related incident is also notified at once (同时) to 区外办 and 区台办."""
    v = desk.incidents().register(desk["zhouning"], intake(), now=RECEIVED)
    detail = make_detail(qtbot, desk, v.id, Clock(RECEIVED + MIN))
    assert not any("区外办" in r[5] for r in clock_rows(detail))
    detail.flag_boxes["foreign_related"].setChecked(True)
    qtbot.mouseClick(detail.save_flags_button, Qt.MouseButton.LeftButton)
    assert desk.incidents().get(desk["zhouning"], v.id).foreign_related
    audit = desk.audit("incident.flags", v.id)[-1]
    assert audit.after["foreign_related"] is True and any(d["basis"] == "4.1.6" for d in audit.after["deadlines"])
    row = next(r for r in clock_rows(detail) if "区外办" in r[5])
    assert row[1] == "同时" and row[4] == "4.1.6"


def test_first_report_is_composed_sent_and_read_only_and_a_correction_is_a_new_report(qtbot, desk, monkeypatch):
    """Municipal plan 4.1.8: the first report carries time, place, source, nature, harm, trend and measures."""
    v = desk.incidents().register(desk["zhouning"], intake(), now=RECEIVED)
    clock = Clock(RECEIVED + 12 * MIN)
    detail = make_detail(qtbot, desk, v.id, clock)
    assert clock_rows(detail)[0][2] == "超时 02:00"
    seen = answer_report(monkeypatch)
    qtbot.mouseClick(detail.compose_buttons["verbal"], Qt.MouseButton.LeftButton)
    assert "东四街道" in seen[0].body and seen[0].recipients == ("区委值班室", "区政府值班室", "区应急办")
    reports = desk.reports().reports(desk["zhouning"], v.id)
    assert [(r.kind, r.status, r.channel, r.late_minutes) for r in reports] == [("verbal", "sent", "phone", 2)]
    assert detail.report_table.item(0, 5).text() == "2 分钟"
    assert clock_rows(detail)[0][2] == "已报（迟报 2 分钟）"
    detail.report_table.selectRow(0)
    assert detail.report_body.isReadOnly() and not detail.send_button.isEnabled()
    assert detail.correct_button.isEnabled()
    answer_report(monkeypatch, channel="fax", edit=lambda body: body + "\n（更正受伤人数为3人）")
    qtbot.mouseClick(detail.correct_button, Qt.MouseButton.LeftButton)
    reports = desk.reports().reports(desk["zhouning"], v.id)
    assert len(reports) == 2 and reports[0].body == seen[0].body  # the sent one is unchanged
    assert reports[1].corrects_report_id == reports[0].id and reports[1].channel == "fax"
    assert "更正" in detail.report_table.item(1, 0).text()


def test_report_to_the_city_waits_for_the_leaders_review_in_tongzhou(qtbot, desk, monkeypatch):
    """Tongzhou 4.1.3: 较大 and above go to 市应急办 after the 区应急委主任 approves."""
    svc = desk.incidents("tongzhou")
    v = svc.register(desk["zhouning"], intake("tongzhou"), now=RECEIVED)
    svc.confirm_grade(desk["zhouning"], v.id, "large", now=RECEIVED)
    detail = IncidentDetail(svc, desk.reports(), desk.log, desk["zhouning"], v.id, clock=Clock(RECEIVED + MIN))
    qtbot.addWidget(detail)
    assert "须经领导审核" in detail.clock_info.text()
    detail.to_city.setChecked(True)
    seen = answer_report(monkeypatch, action="prepare")
    qtbot.mouseClick(detail.compose_buttons["verbal"], Qt.MouseButton.LeftButton)
    assert seen[0].needs_review and "市应急办" in seen[0].recipients
    detail.report_table.selectRow(0)
    assert detail.report_table.item(0, 1).text() == "待审核"
    monkeypatch.setattr(incident_detail.Ask, "channel", classmethod(lambda cls, parent: "system"))
    detail.send_prepared()
    assert "领导审核" in detail.message.text()  # refused: nothing sent
    assert desk.reports().reports(desk["zhouning"], v.id)[0].status == "prepared"
    leader = IncidentDetail(svc, desk.reports(), desk.log, desk["hanyu"], v.id, clock=Clock(RECEIVED + 2 * MIN))
    qtbot.addWidget(leader)
    leader.report_table.selectRow(0)
    assert leader.review_button.isEnabled()
    leader.review_report()
    detail.reload()
    detail.report_table.selectRow(0)
    detail.send_prepared()
    rep = desk.reports().reports(desk["zhouning"], v.id)[0]
    assert (rep.status, rep.reviewed_by_name, rep.channel) == ("sent", "韩宇", "system")


def test_log_notes_strike_through_with_reason_and_instructions_followed_up(qtbot, desk, monkeypatch):
    v = desk.incidents().register(desk["zhouning"], intake(), now=RECEIVED)
    detail = make_detail(qtbot, desk, v.id, Clock(RECEIVED + 3 * MIN))
    monkeypatch.setattr(incident_detail.Ask, "text", classmethod(lambda cls, parent, title, prompt: "消防到场"))
    detail.add_note()
    monkeypatch.setattr(incident_detail.Ask, "instruction", classmethod(
        lambda cls, parent, now: incident_detail.InstructionChoice("分管副区长", "全力救治伤员", now)))
    detail.add_instruction()
    texts = [e.text for e in detail.entries]
    assert "消防到场" in texts and "分管副区长批示：全力救治伤员" in texts
    note_row = texts.index("消防到场")
    detail.log_table.selectRow(note_row)
    monkeypatch.setattr(incident_detail.Ask, "text", classmethod(lambda cls, parent, title, prompt: "记错了事件"))
    detail.strike_entry()
    item = detail.log_table.item(note_row, 6)
    assert item.font().strikeOut() and "已划除：记错了事件" in item.text()
    assert any(e.text == "消防到场" and e.stricken for e in desk.log.entries(desk["zhouning"], v.id))  # kept
    row = [e.text for e in detail.entries].index("分管副区长批示：全力救治伤员")
    assert detail.log_table.item(row, 5).text() == "待落实"
    detail.log_table.selectRow(row)
    detail.toggle_follow_up()
    assert detail.log_table.item(row, 5).text() == "已落实"
    auto = next(r for r, e in enumerate(detail.entries) if e.automatic)
    detail.log_table.selectRow(auto)
    monkeypatch.setattr(incident_detail.Ask, "text", classmethod(lambda cls, parent, title, prompt: "不要"))
    detail.strike_entry()
    assert "不能划除" in detail.message.text()
    assert not QFont(detail.log_table.item(auto, 6).font()).strikeOut()


def test_close_requires_the_final_report(qtbot, desk, monkeypatch):
    v = desk.incidents().register(desk["zhouning"], intake(), now=RECEIVED)
    leader = make_detail(qtbot, desk, v.id, Clock(RECEIVED + 30 * MIN), user="luomin")
    monkeypatch.setattr(incident_detail.Ask, "confirm", classmethod(lambda cls, parent, title, text: True))
    leader.close_incident()
    assert "尚未报送终报" in leader.message.text()
    leader.end_handling()
    assert any(r[0] == "终报" for r in clock_rows(leader))
    answer_report(monkeypatch)
    qtbot.mouseClick(leader.compose_buttons["final"], Qt.MouseButton.LeftButton)
    leader.close_incident()
    assert desk.incidents().get(desk["luomin"], v.id).status == "closed"
    assert "已结案" in leader.header.text()
    assert not leader.compose_buttons["verbal"].isEnabled() and not leader.note_button.isEnabled()


def test_other_areas_can_add_tabs(qtbot, desk):
    v = desk.incidents().register(desk["zhouning"], intake(), now=RECEIVED)
    detail = make_detail(qtbot, desk, v.id, Clock(RECEIVED))
    from PySide6.QtWidgets import QLabel

    detail.tabs.addTab(QLabel("x"), "响应级别")
    assert [detail.tabs.tabText(i) for i in range(detail.tabs.count())] == ["概况", "报告时限与报送", "事件日志",
                                                                          "响应级别"]


def test_every_string_of_the_incident_widgets_has_an_english_entry():
    """DUTYROOM_LANG=en: no Chinese left on the incident screens (every tr() literal is in incidents.json)."""
    import json
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    table = json.loads((root / "resources/i18n/en.json").read_text(encoding="utf-8"))
    table |= json.loads((root / "resources/i18n/en/incidents.json").read_text(encoding="utf-8"))
    missing = []
    for name in ("intake_wizard", "incident_common", "incident_detail", "incidents_page", "deadlines_panel"):
        text = (root / "dutyroom/ui" / f"{name}.py").read_text(encoding="utf-8")
        for literal in re.findall(r'tr\(\s*"((?:[^"\\]|\\.)*)"\s*\)', text):
            source = literal.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
            if re.search(r"[\u4e00-\u9fff]", source) and source not in table:
                missing.append(f"{name}: {source}")
    assert missing == []


def test_main_window_has_the_incidents_page_and_the_deadlines_panel(qtbot, desk):
    """The composition root: 事件 page, 报告时限 on the dashboard, a dashboard row opens the incident."""
    from dutyroom.app import build_main_window
    from dutyroom.domain.profile_loader import load_profile

    svc = desk.incidents()
    v = svc.register(desk["zhouning"], intake(), now=dt.datetime.now(dt.UTC) - MIN)
    svc.save_draft(desk["zhouning"], None, {"caller_name": "李女士"})
    window = build_main_window(desk.db, load_profile("dongcheng"), desk["zhouning"])
    qtbot.addWidget(window)
    window.show()
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert "事件" in titles and titles[0] == "值班总览"
    qtbot.waitUntil(lambda: "未完成的接报" in window.statusBar().currentMessage())  # shown once the window is
    dashboard = window.pages.widget(0)
    panel = next(p for p in dashboard.panels if p.__class__.__name__ == "DeadlinesPanel")
    assert panel.parentWidget().title() == "报告时限"
    row = next(r for r, d in enumerate(panel.rows) if d.incident_id == v.id)
    panel.table.cellClicked.emit(row, 0)
    page = window.pages.currentWidget()
    assert isinstance(page, IncidentsPage) and page.tabs.currentWidget().incident.id == v.id


def test_clock_names_the_district_and_the_app_final_report_is_not_repeated(qtbot, desk):
    """The rules line names 东城区, not the profile key; the app's 终报 row states its words once, whole."""
    v = desk.incidents().register(desk["zhouning"], intake(), now=RECEIVED)
    desk.incidents().end_handling(desk["zhouning"], v.id, at=RECEIVED + 20 * MIN, now=RECEIVED + 21 * MIN)
    detail = make_detail(qtbot, desk, v.id, Clock(RECEIVED + 22 * MIN))
    assert "规则：东城区 2022版" in detail.clock_info.text() and "dongcheng" not in detail.clock_info.text()
    final = next(r for r in clock_rows(detail) if r[0] == "终报")
    assert final[1].startswith("处置结束后报送") and final[2] == "待报"
    t = detail.clock_table
    row = next(r for r in range(t.rowCount()) if t.item(r, 0).text() == "终报")
    needed = t.fontMetrics().boundingRect(0, 0, t.columnWidth(1) - 8, 2000, Qt.TextFlag.TextWordWrap,
                                          final[1]).height()
    assert t.rowHeight(row) >= needed  # wrapped, not cut


def test_the_report_dialog_gives_an_immediate_report_its_escalation_time(qtbot, desk):
    """Beijing 4.1.4 / 4.1.5 (Shijingshan follows the city plan): a 较大 incident's first report is 立即报告, escalating
    30 minutes after receipt. The compose dialog said （无具体时限） — the officer at the keyboard saw no clock at all."""
    v = desk.incidents("shijingshan").register(desk["zhouning"], intake("shijingshan", grade="large", deaths=3),
                                               now=RECEIVED)
    draft = desk.reports().compose(desk["zhouning"], v.id, "verbal", now=RECEIVED + MIN)
    assert draft.due_at is None and draft.wording == "立即报告"
    dialog = incident_detail.ReportDialog(draft, RECEIVED + MIN)
    qtbot.addWidget(dialog)
    assert dialog.due_label.text() == "立即报告（警戒 07-01 08:35，北京市预案 4.1.5）"


def test_a_larger_incidents_deadlines_show_without_scrolling_in_its_tab(qtbot, desk):
    """Dongcheng 4.1.4/4.1.5: a 较大 incident owes a 首报 (立即, three lines with its escalation), a 书面报告 and 续报
    every 30 minutes. On a 1366 × 768 screen (the tab is about 1215 × 640) the deadlines table showed two and a half
    rows behind a scrollbar while the empty sent-reports list below took as much room; the deadlines now come first
    and largest, in a splitter the officer can move (not kept between tabs: the window keeps the pages' own)."""
    from dutyroom.ui import window_state

    v = desk.incidents().register(desk["zhouning"], intake(grade="large", deaths=3), now=RECEIVED)
    detail = make_detail(qtbot, desk, v.id, Clock(RECEIVED + MIN))
    detail.resize(1215, 640)
    detail.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: detail.clock_table.isVisible())
    t = detail.clock_table
    assert t.rowCount() >= 3 and t.verticalScrollBar().maximum() == 0
    assert t.height() > detail.report_table.height() > detail.report_body.height() * 0.8

    class Window:  # window_state.splitters walks the pages of a window
        pages = type("Pages", (), {"count": lambda self: 1, "widget": lambda self, i: detail})()
    assert detail.report_split not in [s for _k, s in window_state.splitters(Window())]


def test_a_long_history_is_listed_a_page_at_a_time_and_says_so(qtbot, desk, monkeypatch):
    """Ten years hold 100,000 incidents; the list fetches the newest page and said 共 500 起事件 as if that were all,
    with no way to the older ones but a date filter. Now it says how many it shows and that older ones follow,
    and scrolling to the end loads the next page (here pages of 3; a call taken meanwhile is not listed twice)."""
    monkeypatch.setattr(incidents_page, "PAGE", 3)
    svc, officer = desk.incidents(), desk["zhouning"]
    ids = [svc.register(officer, intake(received_at=RECEIVED + k * MIN, occurred_at=RECEIVED + k * MIN - MIN),
                        now=RECEIVED + k * MIN).id for k in range(7)]
    page = make_page(qtbot, desk, Clock(RECEIVED + 10 * MIN))
    newest_first = list(reversed(ids))
    assert [r.id for r in page.model.rows] == newest_first[:3]
    assert page.count.text() == "已显示最近的 3 起事件，向下滚动查看更早的"
    late = svc.register(officer, intake(received_at=RECEIVED + 9 * MIN), now=RECEIVED + 9 * MIN)  # another seat

    def scrolled_to_the_end():
        page.view.scrollToBottom()  # the view asks for more at its end (and while it is not yet full)
        return not page.model.more
    qtbot.waitUntil(scrolled_to_the_end)
    # every older incident once, in order: the page shifted by the new call did not repeat its first line
    assert [r.id for r in page.model.rows] == newest_first and page.count.text() == "共 7 起事件"
    page.view.selectRow(4)
    chosen = page.row_at(4).id
    page.refresh()  # a change from another seat reloads what was shown, the new call included, the line kept
    assert [r.id for r in page.model.rows] == [late.id, *newest_first] and page.count.text() == "共 8 起事件"
    assert page.row_at(page.view.selectionModel().selectedRows()[0].row()).id == chosen
    page.category.setCurrentIndex(page.category.findData("accident"))  # a new search starts from the first page
    assert len(page.model.rows) == 3 and page.model.more


def test_sorting_by_time_received_the_other_way_pages_from_the_oldest(qtbot, desk, monkeypatch):
    """接报时间 ascending over ten years means the oldest calls first: the pages then come from that end (a sort of
    the loaded rows alone would have put each older page above, out of sight); another column orders what is loaded
    and the line says so."""
    monkeypatch.setattr(incidents_page, "PAGE", 3)
    svc, officer = desk.incidents(), desk["zhouning"]
    ids = [svc.register(officer, intake(received_at=RECEIVED + k * MIN, occurred_at=RECEIVED + k * MIN - MIN),
                        now=RECEIVED + k * MIN).id for k in range(7)]
    page = make_page(qtbot, desk, Clock(RECEIVED + 10 * MIN))
    page.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert [r.id for r in page.model.rows] == ids[:3] and page.count.text() == "已显示最早的 3 起事件，向下滚动查看更晚的"
    page.view.sortByColumn(3, Qt.SortOrder.AscendingOrder)  # 等级
    assert "排序仅限已显示的" in page.count.text() and sorted(r.id for r in page.model.rows) == ids[:3]
