"""A whole duty shift at one seat, without a restart, driven as the people at the seat drive it: the officer
signs in, takes a call in the intake wizard, reports (首报), updates the casualties, adopts the new grade,
reports again (续报), drafts an orange warning; each approver of the Dongcheng orange chain comes to the seat
(切换用户), approves from 待我审批, the issuer issues it; the officer hands over and the incoming officer takes
the seat.

The program's own main window is used (app.build_main_window): its pages run on the real clock, so the call
comes in "now" and every expected time is taken from what the pages show (receipt, the time a report was
recorded). Every modal dialog is answered from a timer, as a user at the keyboard would (buttons clicked,
fields filled with setText: keyClicks cannot type Chinese, TECH_NOTES 4.4)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from itertools import pairwise

import pytest
import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QPushButton, QWizard
from sqlalchemy import select

from dutyroom.app import build_main_window
from dutyroom.domain.incident_facts import BEIJING
from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.auth import AuthService
from dutyroom.services.demo import DEMO_PASSWORD
from dutyroom.services.incident_reports import ReportService
from dutyroom.services.roster import RosterService
from dutyroom.services.warnings import WarningService
from dutyroom.store.models import AuditEntry
from dutyroom.ui.approval_queue import ApprovalQueuePage
from dutyroom.ui.deadlines_panel import DeadlinesPanel
from dutyroom.ui.duty_log_page import DutyLogPage, EntryDialog
from dutyroom.ui.facts_dialog import FactsDialog, GradeDecisionDialog
from dutyroom.ui.handover_dialog import HandoverDialog
from dutyroom.ui.incident_common import bj, from_qdt, to_qdt
from dutyroom.ui.incident_detail import IncidentDetail, ReportDialog
from dutyroom.ui.incidents_page import IncidentsPage
from dutyroom.ui.login_dialog import LoginDialog, demo_hint
from dutyroom.ui.main_window import MainWindow
from dutyroom.ui.session_controller import SessionController
from dutyroom.ui.warning_dialogs import DecisionDialog, IssueDialog, WarningFormDialog
from dutyroom.ui.warnings_page import WarningsPage
from tests.helpers.actors import actors_by_username
from tests.helpers.handover import ROLE_USER

LEFT = Qt.MouseButton.LeftButton
MIN = dt.timedelta(minutes=1)
TITLE = "和平里街道燃气事故"  # the wizard's title from place and event type
WARNING_TITLE = "和平里街道燃气爆炸次生灾害橙色预警"


# ---------------------------------------------------------------- answering modal dialogs from a timer


class Answers:
    """Acts on modal dialogs once their exec() shows them. A failing assertion inside an answer closes the
    dialog (so the run never hangs on it) and is raised again by `check()`."""

    def __init__(self):
        self.errors: list[BaseException] = []
        self.answered: list[str] = []

    def on(self, cls: type, act: Callable, tries: int = 500) -> None:
        def poll(left=tries):
            shown = [w for w in QApplication.topLevelWidgets()
                     if isinstance(w, cls) and shiboken6.isValid(w) and w.isVisible()]
            if not shown:
                if left:
                    QTimer.singleShot(10, lambda: poll(left - 1))
                else:
                    self.errors.append(AssertionError(f"{cls.__name__} never appeared"))
                return
            dialog = shown[0]
            try:
                act(dialog)
                self.answered.append(cls.__name__)
            except BaseException as exc:  # re-raised by check(); the dialog must not stay open
                self.errors.append(exc)
                if isinstance(dialog, QDialog) and dialog.isVisible():
                    dialog.reject()

        QTimer.singleShot(0, poll)

    def check(self, *expected: str) -> None:
        if self.errors:
            raise self.errors[0]
        assert self.answered == list(expected), self.answered
        self.answered.clear()


def button(dialog, text: str) -> QPushButton:
    """The dialog's button with this caption (its shortcut, e.g. "(&S)", left out)."""
    found = [b for b in dialog.findChildren(QPushButton) if re.sub(r"\(&\w\)|&", "", b.text()) == text]
    assert len(found) == 1, [b.text() for b in dialog.findChildren(QPushButton)]
    return found[0]


def log_in(username: str | None, seen: list | None = None):
    """Type the user (None: keep what is pre-filled) and the demo password, press 登录."""
    def act(dialog: LoginDialog):
        if seen is not None:
            seen.append({"username": dialog.username.text(), "note": dialog.note.text() if dialog.note else ""})
        if username is not None:
            dialog.username.setText(username)
        dialog.password.setText(DEMO_PASSWORD)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    return act


# ---------------------------------------------------------------- the seat


@pytest.fixture
def seat(qtbot, room):
    """The program's session controller over the program's own main window, nobody signed in yet."""
    profile = load_profile("dongcheng")
    auth = AuthService(room)
    controller = SessionController(QApplication.instance(), auth, lambda actor: build_main_window(room, profile, actor),
                                   "东城区应急值班系统", hint=lambda: demo_hint(auth), idle_minutes=lambda: 0,
                                   on_end=lambda: None)
    yield controller
    controller.finish()
    qtbot.wait(1)


def page_of(window: MainWindow, title: str):
    assert window.show_page(title), title  # the user clicks the page in the navigation
    return window.pages.currentWidget()


def click(qtbot, widget) -> None:
    assert widget.isVisible() and widget.isEnabled(), widget.text()
    qtbot.mouseClick(widget, LEFT)


def click_row(qtbot, view, row: int, column: int = 2) -> None:
    index = view.model().index(row, column)
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), LEFT, pos=view.visualRect(index).center())


def rows(table) -> list[list[str]]:
    """A QTableWidget's cells as the user reads them."""
    return [[table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def switch_to(qtbot, seat, answers: Answers, username: str) -> MainWindow:
    """系统 → 切换用户…: the next user signs in over the lock screen and gets their own window."""
    before = seat.window
    answers.on(LoginDialog, log_in(username))
    before.switch_action.trigger()
    answers.check("LoginDialog")
    window = seat.window
    assert window is not before and window.actor.username == username
    qtbot.waitExposed(window)
    return window


def logouts(db) -> list[tuple[str, str, str | None]]:
    with db.read() as s:
        return [(e.username, e.after["reason"], e.after.get("next_user"))
                for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "logout").order_by(AuditEntry.seq))]


def incoming_officer(db) -> str:
    """Who takes over from zhouning by the demo roster: the officer of the shift after one of zhouning's."""
    users = actors_by_username(db)
    on_duty = RosterService(db, load_profile("dongcheng")).on_duty(dt.datetime(2026, 11, 30, 12, 0, tzinfo=BEIJING))
    assert tuple(on_duty.now.officers) == ("周宁",)
    name = on_duty.next.officers[0]
    return next(u for u, a in users.items() if a.display_name == name)


# ---------------------------------------------------------------- the shift


def test_a_whole_shift_at_one_seat_without_a_restart(qtbot, seat, room):
    answers = Answers()
    profile = load_profile("dongcheng")
    warnings = WarningService(room, profile)
    reports = ReportService(room)

    # -- 1. the duty officer signs in
    answers.on(LoginDialog, log_in("zhouning"))
    assert seat.start()
    answers.check("LoginDialog")
    officer = seat.window
    qtbot.waitExposed(officer)
    assert officer.user_label.text() == "当前用户：周宁（值班员）"

    # -- 2. a call: intake in the wizard (新接报)
    incidents = page_of(officer, "事件")
    assert isinstance(incidents, IncidentsPage)
    click(qtbot, incidents.new_button)
    wizard = incidents.wizard
    qtbot.waitExposed(wizard)
    received = from_qdt(wizard.received_at.dateTime())  # defaults to now: the call is coming in
    wizard.source.setCurrentIndex(wizard.source.findData("110"))
    wizard.caller_name.setText("李女士")
    qtbot.keyClicks(wizard.callback_phone, "13800005678")
    wizard.occurred_at.setDateTime(to_qdt(received - 5 * MIN))
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    click(qtbot, next_button)
    wizard.place.setCurrentText("和平里街道")
    wizard.address.setText("和平里某小区3号楼")
    wizard.category.setCurrentIndex(wizard.category.findData("accident"))
    wizard.event_type.setCurrentText("燃气事故")
    click(qtbot, next_button)
    assert "区城市管理委" in wizard.lead_label.text()  # Dongcheng 2.3.6: the lead unit of 燃气事故
    qtbot.keyClicks(wizard.counts["deaths"], "1")
    qtbot.keyClicks(wizard.counts["injured"], "4")
    click(qtbot, next_button)
    wizard.texts["description"].setPlainText("和平里某小区3号楼发生燃气爆炸，1人死亡，4人受伤")
    wizard.texts["measures_taken"].setPlainText("已通知区城市管理委、和平里街道赶赴现场")
    click(qtbot, next_button)
    assert wizard.currentId() == 4, {k: e.text() for k, e in wizard.errors.items() if e.text()}
    assert "一般" in wizard.advice.text()  # 1 death: advice only; the grade stays 暂时无法判明
    assert wizard.grade.currentData() == "unknown"
    preview = wizard.deadlines.text()
    assert "首报" in preview and bj(received + 10 * MIN) in preview and "4.1.5" in preview
    with qtbot.waitSignal(wizard.submitted, timeout=3000) as opened:
        click(qtbot, wizard.button(QWizard.WizardButton.FinishButton))
    incident_id = opened.args[0].id
    detail = incidents.tabs.currentWidget()
    assert isinstance(detail, IncidentDetail) and detail.incident_id == incident_id
    assert officer.statusBar().currentMessage() == f"已登记：{TITLE}"
    # Dongcheng 4.1.5: grade not yet known → 首报 within 10 minutes of receipt
    detail.tabs.setCurrentIndex(1)  # 报告时限与报送
    clock = rows(detail.clock_table)
    assert [r[0] for r in clock] == ["首报", "终报"]
    assert (clock[0][1], clock[0][4]) == (bj(received + 10 * MIN), "4.1.5")
    assert "续报：每" not in detail.clock_info.text()

    # -- 3. 首报 composed and recorded as sent
    def send_first(dialog: ReportDialog):
        body = dialog.body.toPlainText()
        assert body.startswith("东城区突发事件信息首报") and "死亡1人" in body and "燃气爆炸" in body
        dialog.channel.setCurrentIndex(dialog.channel.findData("phone"))
        click(qtbot, button(dialog, "记录已报送"))

    answers.on(ReportDialog, send_first)
    click(qtbot, detail.compose_buttons["verbal"])
    answers.check("ReportDialog")
    assert detail.message.text() == "首报已记录报送"
    first = reports.reports(officer.actor, incident_id)[0]
    assert rows(detail.report_table)[0][:5] == ["首报", "已报送", bj(first.sent_at), "电话", "周宁"]
    assert rows(detail.clock_table)[0][2] == "已报"

    # -- 4. casualties rise: 更新事态, deaths 1 → 3; the grade prompt; the officer adopts 较大
    prompts: list[str] = []

    def deaths_three(dialog: FactsDialog):
        assert dialog.counts["deaths"].text() == "1"
        dialog.counts["deaths"].setText("3")
        dialog.texts["trend"].setPlainText("现场仍有人员被困，正在搜救")
        answers.on(GradeDecisionDialog, adopt)
        click(qtbot, dialog.save_button)

    def adopt(dialog: GradeDecisionDialog):
        prompts.append(dialog.text.text())
        click(qtbot, dialog.adopt_button)

    detail.tabs.setCurrentIndex(0)  # 概况
    answers.on(FactsDialog, deaths_three)
    click(qtbot, detail.facts_button)
    answers.check("FactsDialog", "GradeDecisionDialog")
    # 国务院令第493号 第三条: 3 deaths make a 较大 accident; the prompt says so, the officer decides
    assert len(prompts) == 1 and "系统建议等级为较大（III级）" in prompts[0] and "死亡3人" in prompts[0]
    assert detail.message.text() == "等级已确认为较大（III级），报告时限已重新计算"
    assert "较大" in detail.header.text() and "死亡 3" in detail.facts.toPlainText()
    # Dongcheng 4.1.5: 较大 while still handled → 续报 every 30 minutes after the last report
    assert "续报：每 30 分钟一次，直至处置结束" in detail.clock_info.text()
    detail.tabs.setCurrentIndex(1)
    followup_row = next(r for r in rows(detail.clock_table) if r[0] == "续报（第1次）")
    assert (followup_row[1], followup_row[4]) == (bj(first.sent_at + 30 * MIN), "4.1.5")
    detail.tabs.setCurrentIndex(2)  # 事件日志: the update, by whom
    update = next(r for r in rows(detail.log_table) if r[6].startswith("死亡人数：1 → 3"))
    assert update[2] == "周宁"
    dashboard = page_of(officer, "值班总览")
    panel = next(p for p in dashboard.panels if isinstance(p, DeadlinesPanel))
    due_rows = rows(panel.table)
    assert [TITLE, "续报（第1次）", bj(first.sent_at + 30 * MIN), "4.1.5"] in [[r[0], r[1], r[3], r[5]]
                                                                             for r in due_rows]
    page_of(officer, "事件")

    # -- 5. 续报: the composition shows what changed since the 首报
    followups: list[str] = []

    def send_followup(dialog: ReportDialog):
        body = dialog.body.toPlainText()
        followups.append(body)
        click(qtbot, button(dialog, "记录已报送"))

    detail.tabs.setCurrentIndex(1)
    answers.on(ReportDialog, send_followup)
    click(qtbot, detail.compose_buttons["followup"])
    answers.check("ReportDialog")
    body = followups[0]
    assert body.startswith("东城区突发事件信息续报（第1次）")
    assert "死亡人数：1 → 3" in body and "事件等级：暂时无法判明 → 较大（III级）" in body
    assert detail.message.text() == "续报（第1次）已记录报送"
    report_rows = rows(detail.report_table)
    assert [[*r[:2], r[4]] for r in report_rows] == [["首报", "已报送", "周宁"], ["续报（第1次）", "已报送", "周宁"]]
    detail.report_table.selectRow(1)  # the sent report, as stored
    assert "死亡人数：1 → 3" in detail.report_body.toPlainText()

    # -- 6. an orange warning drafted and submitted
    chain = warnings.chain_preview("orange", "accident")
    assert [s.role for s in chain] == ["office_director", "leader_in_charge"]  # Dongcheng 3.2.3
    warnings_page = page_of(officer, "预警发布")
    assert isinstance(warnings_page, WarningsPage)

    def draft(dialog: WarningFormDialog):
        dialog.title.setText(WARNING_TITLE)
        dialog.category.setCurrentIndex(dialog.category.findData("accident"))
        dialog.colour.setCurrentIndex(dialog.colour.findData("orange"))
        assert "1. 区应急办履行审批程序 → 2. 分管区领导批准" in dialog.chain.text()
        dialog.event_type.setText("燃气事故")
        dialog.has_start.setChecked(True)
        dialog.start_at.setDateTime(to_qdt(dt.datetime.now(dt.UTC)))
        dialog.expected_duration.setText("12小时")
        dialog.area.setPlainText("和平里街道")
        dialog.cautions.setPlainText("燃气管线受损，可能再次泄漏")
        dialog.measures_text.setPlainText("疏散周边居民，禁止明火")
        dialog.issuing_unit.setText("区应急办")
        click(qtbot, dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok))

    answers.on(WarningFormDialog, draft)
    click(qtbot, warnings_page.new_button)
    answers.check("WarningFormDialog")
    assert warnings_page.message.text() == "草稿已保存"
    warning_id = warnings_page.current.id
    assert warnings_page.current.title == WARNING_TITLE and "草稿" in warnings_page.heading.text()
    click(qtbot, warnings_page.buttons["submit"])
    assert warnings_page.message.text() == "已提交审批" and "审批中" in warnings_page.heading.text()

    # -- 7. each approver of the chain comes to the seat and approves from 待我审批
    window = officer
    for step in chain:
        username = ROLE_USER[step.role]
        window = switch_to(qtbot, seat, answers, username)
        name = window.actor.display_name
        assert f"当前用户：{name}" in window.user_label.text()
        queue = page_of(window, "待我审批")
        assert isinstance(queue, ApprovalQueuePage)
        mine = queue.items(queue.mine)
        assert [(i.warning_id, i.step_no) for i in mine] == [(warning_id, step.step_no)]
        click_row(qtbot, queue.mine, 0)  # one click opens it on 预警发布
        page = window.pages.currentWidget()
        assert isinstance(page, WarningsPage) and page.current.id == warning_id
        assert {n for n, b in page.buttons.items() if b.isVisible()} == {"approve", "return", "reject"}

        def approve(dialog: DecisionDialog, who=name):
            dialog.text.setPlainText(f"同意（{who}）")
            click(qtbot, dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok))

        answers.on(DecisionDialog, approve)
        click(qtbot, page.buttons["approve"])
        answers.check("DecisionDialog")
        assert page.message.text() == "已批准"
        assert name in page.chain_view.toPlainText() and f"同意（{name}）" in page.history_view.toPlainText()
        assert queue.items(queue.mine) == []
        last = step.step_no == len(chain)
        assert ("已批准待发布（由区应急办" if last else "审批中") in page.heading.text()
    view = warnings.get(warning_id)
    assert view.status == "approved" and [s.by_name for s in view.steps] == ["唐军", "谢文"]

    # -- 8. the issuer issues it
    assert view.issuer_role == "office_director"  # Dongcheng 3.2.3: 区应急办 issues an orange warning
    issuer = ROLE_USER[view.issuer_role]
    window = switch_to(qtbot, seat, answers, issuer)
    page = page_of(window, "预警发布")
    row = next(r for r in range(page.proxy.rowCount())
               if page.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole) == warning_id)
    click_row(qtbot, page.table, row)
    assert page.current.id == warning_id
    assert "已批准待发布（由区应急办" in page.heading.text()

    def issue(dialog: IssueDialog):
        assert "发布后报备：市应急办、市相关部门" in " ".join(lbl.text() for lbl in dialog.findChildren(type(dialog.error)))
        dialog.boxes[0].setChecked(True)
        click(qtbot, dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok))

    answers.on(IssueDialog, issue)
    click(qtbot, page.buttons["issue"])
    answers.check("IssueDialog")
    assert page.message.text() == "已发布" and "已发布" in page.heading.text()
    issued = warnings.get(warning_id)
    assert (issued.status, issued.issued_by_name) == ("issued", "唐军")
    assert "唐军" in page.history_view.toPlainText()

    # -- 9. back to the officer, on the page they left
    officer = switch_to(qtbot, seat, answers, "zhouning")
    assert officer.user_label.text() == "当前用户：周宁（值班员）"
    assert officer.current_page_title() == "预警发布"
    page = officer.pages.currentWidget()
    row = next(r for r in range(page.proxy.rowCount())
               if page.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole) == warning_id)
    assert page.proxy.index(row, 3).data() == "已发布"  # the list's 状态 column
    click_row(qtbot, page.table, row)
    assert "已发布" in page.heading.text() and page.cap_button.isVisible()

    # -- 10. handover to the incoming officer of the roster
    incoming = incoming_officer(room)
    incoming_name = actors_by_username(room)[incoming].display_name
    duty_log = page_of(officer, "值班日志")
    assert isinstance(duty_log, DutyLogPage)
    seen: list = []

    def hand_over(dialog: HandoverDialog):
        sheet = dialog.sheet.toPlainText()
        assert TITLE in sheet and WARNING_TITLE in sheet  # the open incident and the warning in force
        dialog.notes.setPlainText("和平里燃气爆炸仍在搜救，续报每30分钟一次")
        click(qtbot, dialog.sign_out_button)
        assert "周宁 已签名交班" in dialog.status.text(), dialog.error.text()
        dialog.username.setText(incoming)
        dialog.password.setText(DEMO_PASSWORD)
        click(qtbot, dialog.sign_in_button)
        assert f"交接完成：周宁 交班，{incoming_name} 接班。" in dialog.status.text(), dialog.error.text()
        assert f"请 {incoming_name} 登录接管本席位" in dialog.status.text()
        answers.on(LoginDialog, log_in(None, seen))  # the incoming officer's user is pre-filled
        click(qtbot, button(dialog, "关闭"))

    answers.on(HandoverDialog, hand_over)
    click(qtbot, duty_log.handover_button)
    qtbot.waitUntil(lambda: seat.window is not None and seat.window is not officer, timeout=5000)
    answers.check("HandoverDialog", "LoginDialog")  # 提前交班? is answered yes by tests/gui/conftest.py
    assert seen[0]["username"] == incoming and "接班人登录" in seen[0]["note"]

    # -- 11. the incoming officer is the session
    new = seat.window
    qtbot.waitExposed(new)
    assert new.user_label.text() == f"当前用户：{incoming_name}（值班员）"
    assert [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()] == [new]
    duty_log = page_of(new, "值班日志")

    def note(dialog: EntryDialog):
        dialog.kind.setCurrentIndex(dialog.kind.findData("call"))
        dialog.text.setPlainText("区城市管理委来电：和平里燃气管线已关阀")
        click(qtbot, dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok))

    answers.on(EntryDialog, note)
    click(qtbot, duty_log.add_button)
    answers.check("EntryDialog")
    click(qtbot, duty_log.now_button)  # 本班
    model = duty_log.model
    log = [(model.index(r, 3).data(), model.index(r, 4).data()) for r in range(model.rowCount())]
    assert ("区城市管理委来电：和平里燃气管线已关阀", incoming_name) in log
    assert any(text.startswith("交班：周宁签名交班") for text, _ in log)
    assert any(text.startswith(f"接班：{incoming_name}签名接班") for text, _ in log)

    # the seat's sign-outs, in order: every change of user audited with its reason
    approvers = [ROLE_USER[s.role] for s in chain]
    trail = ["zhouning", *approvers, issuer, "zhouning"]
    assert logouts(room) == [*[(a, "switch_user", b) for a, b in pairwise(trail)],
                             ("zhouning", "handover", incoming)]
