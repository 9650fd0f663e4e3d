"""打印预览 / 打印 / 另存为PDF / 另存为Excel on every page where a report belongs (issue 7): a user selects what
to print, presses 另存为PDF (the save dialog answered with a temporary path), the document is written off the
GUI thread, and the PDF holds what the page showed. Buttons are disabled while there is nothing to print; a
refused permission is the service's message, never a traceback."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.actor import Actor
from dutyroom.services.errors import PermissionDenied
from dutyroom.services.exports import ReportExporter
from dutyroom.ui.print_support import PrintActions
from tests.helpers.incidents import RECEIVED, intake
from tests.helpers.pdf import pdf_text

MIN = dt.timedelta(minutes=1)


def flat(path) -> str:
    """pdftotext output without the line breaks and spaces of the layout (table cells wrap)."""
    return re.sub(r"\s+", "", pdf_text(path))


@pytest.fixture
def save_to(tmp_path, monkeypatch):
    """The save-file dialog answers with tmp_path/<name>; failures are collected instead of a message box."""
    state = {"name": "doc", "messages": []}
    monkeypatch.setattr(PrintActions, "ask_save_path", staticmethod(lambda *a: str(tmp_path / state["name"])))
    monkeypatch.setattr(PrintActions, "_message", lambda self, text: state["messages"].append(text))

    def press(qtbot, actions: PrintActions, button: str = "pdf", name: str = "doc"):
        state["name"] = name
        suffix = ".xlsx" if button == "xlsx" else ".pdf"
        target = tmp_path / f"{name}{suffix}"
        assert actions.buttons[button].isEnabled(), actions.buttons[button].toolTip()
        qtbot.mouseClick(actions.buttons[button], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: target.exists() or state["messages"], timeout=20_000)
        assert state["messages"] == [], state["messages"]
        return target

    press.messages = state["messages"]
    return press


def exporter_for(db) -> ReportExporter:
    return ReportExporter(db, load_profile("dongcheng"))


# ---------------------------------------------------------------- incidents, warnings, responses (the `desk` db)


def test_incident_detail_prints_the_selected_report_and_its_review_slip(qtbot, desk, save_to):
    from dutyroom.ui.incident_detail import IncidentDetail

    officer = desk["zhouning"]
    v = desk.incidents().register(officer, intake(place="东华门街道", address="王府井大街88号",
                                                  description="商场地下一层起火，已疏散"), now=RECEIVED)
    draft = desk.reports().compose(officer, v.id, "verbal", now=RECEIVED + 3 * MIN)
    desk.reports().record_sent(officer, v.id, "verbal", body=draft.body, recipients=draft.recipients, channel="phone",
                               now=RECEIVED + 4 * MIN)
    detail = IncidentDetail(desk.incidents(), desk.reports(), desk.log, officer, v.id, clock=lambda: RECEIVED + 5 * MIN,
                            exporter=exporter_for(desk.db))
    qtbot.addWidget(detail)
    actions = detail.print_actions
    assert not actions.buttons["pdf"].isEnabled()  # no report selected yet: nothing to print
    detail.report_table.selectRow(0)
    pdf = save_to(qtbot, actions, name="首报")
    text = flat(pdf)
    assert "突发事件信息首报" in text and "东华门街道" in text and "王府井大街88号" in text
    detail.print_choice.setCurrentIndex(1)  # 领导审核单
    slip = flat(save_to(qtbot, actions, name="审核单"))
    assert "领导审核单" in slip and v.title in slip


def test_warnings_page_prints_the_approval_slip_and_the_release_form(qtbot, desk, save_to):
    from dutyroom.services.warnings import WarningService
    from dutyroom.ui.warnings_page import WarningsPage
    from tests.helpers.warnings import content

    svc = WarningService(desk.db, load_profile("dongcheng"))
    w = svc.submit(desk["zhouning"], svc.draft(desk["zhouning"], content("orange", title="东城区暴雨橙色预警")).id)
    svc.approve(desk["tangjun"], w.id, comment="同意发布")  # Dongcheng 3.2.3: 区应急办 signs, then 分管区领导
    page = WarningsPage(svc, desk["tangjun"], exporter=exporter_for(desk.db))
    qtbot.addWidget(page)
    page.show_warning(w.id)
    approval = flat(save_to(qtbot, page.print_actions, name="审批单"))
    assert "东城区暴雨橙色预警" in approval and "预警信息发布审批单" in approval
    assert "唐军" in approval and "同意发布" in approval  # the signature and the comment of the signed step
    # issue 19 item 10: a warning never issued has no 发布单 — the user is told why, nothing is written
    page.print_choice.setCurrentIndex(page.print_choice.findData("release"))
    qtbot.mouseClick(page.print_actions.buttons["pdf"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(save_to.messages), timeout=20_000)
    assert "尚未发布" in save_to.messages[0]
    save_to.messages.clear()
    from tests.helpers.samples import issued_warning

    issued = issued_warning(desk.db, desk.users)
    page.show_warning(issued.warning.id)
    page.print_choice.setCurrentIndex(page.print_choice.findData("release"))
    release = flat(save_to(qtbot, page.print_actions, name="发布单"))
    assert "预警信息发布单" in release and "东城区暴雨橙色预警" in release and "强降雨，注意防范积水" in release


def test_no_warning_selected_means_nothing_to_print(qtbot, desk):
    from dutyroom.services.warnings import WarningService
    from dutyroom.ui.warnings_page import WarningsPage

    page = WarningsPage(WarningService(desk.db, load_profile("dongcheng")), desk["tangjun"],
                        exporter=exporter_for(desk.db))
    qtbot.addWidget(page)
    page.status_filter.setCurrentIndex(page.status_filter.findData("lifted"))  # the demo has no lifted warning
    assert page.current is None
    assert not any(b.isEnabled() for b in page.print_actions.buttons.values())
    assert page.print_actions.buttons["pdf"].toolTip() == "请先选择一条预警"


def test_a_refused_permission_is_the_services_message_not_a_traceback(qtbot, desk, save_to, tmp_path):
    """report.print (domain/permissions.py) is enforced by ReportExporter: a user holding no role that may print
    (here: only an external role) sees the policy's refusal in a message and no file is written."""
    from dutyroom.services.warnings import WarningService
    from dutyroom.ui.warnings_page import WarningsPage
    from tests.helpers.warnings import content

    svc = WarningService(desk.db, load_profile("dongcheng"))
    w = svc.draft(desk["zhouning"], content("blue", title="大风蓝色预警"))
    outsider = Actor(desk["zhouning"].id, "visitor", "来访人员", frozenset({"city_leader"}))
    page = WarningsPage(svc, outsider, exporter=exporter_for(desk.db))
    qtbot.addWidget(page)
    page.show_warning(w.id)
    qtbot.mouseClick(page.print_actions.buttons["pdf"], Qt.MouseButton.LeftButton)
    assert save_to.messages == ["来访人员 无权打印/导出公文报表"]
    assert not (tmp_path / "doc.pdf").exists()


def test_report_exporter_enforces_report_print(desk):
    from dutyroom.services.warnings import WarningService
    from tests.helpers.warnings import content

    w = WarningService(desk.db, load_profile("dongcheng")).draft(desk["zhouning"], content("blue"))
    exporter = exporter_for(desk.db)
    nobody = Actor(desk["zhouning"].id, "nobody", "无角色用户", frozenset())
    out = io.BytesIO()
    with pytest.raises(PermissionDenied, match="无权打印/导出公文报表"):
        exporter.warning_pdf(nobody, w.id, out)
    with pytest.raises(PermissionDenied):
        exporter.listing_pdf(nobody, out, title="通讯录", columns=["单位"], rows=[["区应急办"]])
    assert out.getvalue() == b""  # refused before anything was written
    exporter.warning_pdf(desk["fengqing"], w.id, out)  # a department user may print (and drafts warnings)
    assert out.getvalue().startswith(b"%PDF")


def test_responses_page_prints_the_activation_notice(qtbot, desk, save_to):
    from dutyroom.services.incidents import IncidentService
    from dutyroom.services.responses import ResponseService
    from dutyroom.ui.responses_page import ResponsesPage

    profile = load_profile("dongcheng")
    officer = desk["zhouning"]
    v = desk.incidents().register(officer, intake(place="北新桥街道", description="燃气管道泄漏，周边已疏散"),
                                  now=RECEIVED)
    svc = ResponseService(desk.db, profile)
    page = ResponsesPage(svc, IncidentService(desk.db, profile), officer, exporter=exporter_for(desk.db))
    qtbot.addWidget(page)
    page.show_incident(v.id)
    assert not page.print_actions.buttons["pdf"].isEnabled()  # no response activated: no notice
    commander = next(p for p in svc.people() if p.name == "谢文")
    svc.activate(officer, v.id, "III", commander.id, None, body="北新桥街道", at=RECEIVED + 20 * MIN)
    page.show_incident(v.id)
    text = flat(save_to(qtbot, page.print_actions, name="启动通知"))
    assert "启动三级应急响应的通知" in text and "北新桥街道" in text and "谢文" in text


# ---------------------------------------------------------------- plans and contacts (the `desk` db)


def test_plans_page_prints_the_register_and_saves_it_as_a_workbook(qtbot, desk, save_to):
    from dutyroom.services.lead_table import LeadTableService
    from dutyroom.services.plan_documents import PlanDocumentService
    from dutyroom.services.plans import PlanService
    from dutyroom.ui.plans_page import PlansPage

    profile = load_profile("dongcheng")
    plans = PlanService(desk.db, profile)
    page = PlansPage(plans, PlanDocumentService(desk.db, profile), LeadTableService(desk.db, profile),
                     desk["zhouning"], exporter=exporter_for(desk.db))
    qtbot.addWidget(page)
    library = plans.library(desk["zhouning"])
    assert library
    text = flat(save_to(qtbot, page.library.print_actions, name="预案登记表"))
    assert "应急预案登记表" in text and re.sub(r"\s+", "", library[0].name) in text
    book = load_workbook(save_to(qtbot, page.library.print_actions, "xlsx", name="预案登记表"))
    sheet = book["预案登记表"]
    assert [c.value for c in sheet[2]][:3] == ["序号", "目录号", "预案名称"]
    assert [r[2] for r in sheet.iter_rows(min_row=3, max_row=2 + len(library), values_only=True)] == \
        [p.name for p in library]  # one row per plan, in the library's order
    due = plans.due_list(desk["zhouning"], horizon_days=366)
    assert due and book["到期事项"].max_row >= 2 + len(due)
    first = min(due, key=lambda d: d.due_on)
    assert book["到期事项"]["D3"].value.date() == first.due_on  # a date, not text


def test_contacts_page_prints_the_directory(qtbot, desk, save_to):
    from dutyroom.services.contacts import ContactsService
    from dutyroom.services.contacts_excel import ContactsExcel
    from dutyroom.ui.contacts_page import ContactsPage

    page = ContactsPage(ContactsService(desk.db, load_profile("dongcheng")), ContactsExcel(desk.db), desk["zhouning"],
                        exporter=exporter_for(desk.db))
    qtbot.addWidget(page)
    assert [b.text() for b in page.print_actions.buttons.values()] == ["打印预览", "打印", "另存为PDF", "另存为Excel"]
    text = flat(save_to(qtbot, page.print_actions, name="通讯录"))
    assert "东城区应急值班通讯录" in text and "周宁" in text and "010-55550110" in text
    assert page.note.text().startswith("已保存通讯录PDF")


# ---------------------------------------------------------------- roster, duty log, handover (the `room` db)


def test_roster_page_prints_the_month_it_shows(qtbot, room, save_to):
    from dutyroom.services.roster import RosterService
    from dutyroom.ui.roster_page import RosterPage
    from tests.helpers.actors import actors_by_username

    page = RosterPage(RosterService(room), actors_by_username(room)["tangjun"], "东城区", today=dt.date(2026, 12, 1),
                      exporter=exporter_for(room))
    qtbot.addWidget(page)
    assert page.model.rows, "the demo roster covers December 2026"
    officer = page.model.shown(0, 3)
    text = flat(save_to(qtbot, page.print_actions, name="值班表"))
    assert "2026年12月值班表" in text and officer in text
    page.month_edit.setDate(page.month_edit.date().addMonths(-3))  # September: not rostered
    assert "尚未排班" in page.state.text() and not page.print_actions.buttons["pdf"].isEnabled()


def test_duty_log_page_prints_the_shift_and_the_month(qtbot, room, save_to):
    from dutyroom.services.duty_log import DutyLogService
    from dutyroom.ui.duty_log_page import DutyLogPage
    from tests.helpers.actors import actors_by_username
    from tests.helpers.roster import bj

    u = actors_by_username(room)
    svc = DutyLogService(room)
    svc.add(u["zhouning"], "call", "区水务局来电报告金宝街积水", happened_at=bj(2026, 12, 2, 9, 40), now=bj(2026, 12, 2, 9, 45))
    svc.add(u["zhouning"], "note", "十二月三日的设备检查", happened_at=bj(2026, 12, 3, 10, 0), now=bj(2026, 12, 3, 10, 5))
    page = DutyLogPage(svc, u["zhouning"], clock=lambda: bj(2026, 12, 2, 10, 0), exporter=exporter_for(room))
    qtbot.addWidget(page)
    shift = flat(save_to(qtbot, page.print_actions, name="本班"))
    assert "值班日志" in shift and "区水务局来电报告金宝街积水" in shift and "十二月三日" not in shift
    page.print_scope.setCurrentIndex(page.print_scope.findData("month"))
    month = flat(save_to(qtbot, page.print_actions, name="本月"))
    assert "2026年12月" in month and "区水务局来电报告金宝街积水" in month and "十二月三日的设备检查" in month


def test_handover_dialog_reprints_the_signed_sheet(qtbot, room, save_to):
    from dutyroom.services.handover import HandoverService
    from dutyroom.ui.handover_dialog import HandoverDialog
    from tests.helpers.actors import actors_by_username
    from tests.helpers.roster import bj

    u = actors_by_username(room)
    svc = HandoverService(room, load_profile("dongcheng"))
    dialog = HandoverDialog(svc, u["zhouning"], clock=lambda: bj(2026, 12, 2, 8, 20), exporter=exporter_for(room))
    qtbot.addWidget(dialog)
    assert not dialog.print_actions.buttons["pdf"].isEnabled()  # a preview is not a signed sheet
    dialog.notes.setPlainText("传真机缺纸，已报修")
    qtbot.mouseClick(dialog.sign_out_button, Qt.MouseButton.LeftButton)
    first = flat(save_to(qtbot, dialog.print_actions, name="交班单"))
    assert "传真机缺纸，已报修" in first and "周宁" in first
    again = HandoverDialog(svc, u["sunhao"], exporter=exporter_for(room))  # the incoming officer opens it later
    qtbot.addWidget(again)
    assert flat(save_to(qtbot, again.print_actions, name="重印")) == first  # reprinted exactly


# ---------------------------------------------------------------- the composition root


def test_main_window_gives_every_report_page_its_print_buttons(qtbot, desk):
    from dutyroom.app import build_main_window

    window = build_main_window(desk.db, load_profile("dongcheng"), desk["tangjun"])
    qtbot.addWidget(window)
    pages = {window.nav.item(i).text(): window.pages.widget(i) for i in range(window.nav.count())}
    for title in ("预警发布", "应急响应", "通讯录", "排班表", "值班日志", "统计报表"):
        actions = getattr(pages[title], "print_actions", None) or getattr(pages[title], "actions", None)
        assert isinstance(actions, PrintActions), title
    assert isinstance(pages["预案库"].library.print_actions, PrintActions)
    assert pages["事件"].exporter is pages["统计报表"].exporter  # one exporter, handed to the incident details
