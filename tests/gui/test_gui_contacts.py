"""通讯录 page: as-you-type search (pinyin initials, phone digits), click a number to copy it, the
detail with appointment history and supervising leaders, edits, Excel import with its report, export."""

import datetime as dt

from openpyxl import Workbook, load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from dutyroom.services.contacts import PersonInput, PostInput
from dutyroom.ui import contacts_page
from dutyroom.ui.contacts_page import (
    ContactsPage,
    EndAppointmentDialog,
    ImportReportDialog,
    PersonDialog,
    PostDialog,
)


def make_page(qtbot, directory, username="zhouning") -> ContactsPage:
    page = ContactsPage(directory.contacts, directory.excel, directory[username])
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


def rows(page):
    return [(h.organisation, h.post, h.person) for h in page.model.rows]


def search(qtbot, page, text, expect):
    page.search.setText(text)
    qtbot.waitUntil(lambda: expect(page.model.rows), timeout=15_000)


def click_cell(qtbot, page, row: int, col: int):
    index = page.model.index(row, col)
    page.view.scrollTo(index)
    qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=page.view.visualRect(index).center())


def test_typing_pinyin_initials_narrows_to_zhou_ning(qtbot, directory):
    page = make_page(qtbot, directory)
    assert len(page.model.rows) > 50  # the whole demo directory before typing
    qtbot.keyClicks(page.search, "zn")  # ASCII: safe with keyClicks
    qtbot.waitUntil(lambda: rows(page) == [("东城区应急办", "值班员", "周宁")], timeout=15_000)
    assert page.count.text() == f"共 {len(page.model.rows)} 条"


def test_phone_digits_with_separators_find_the_unit(qtbot, directory):
    page = make_page(qtbot, directory)
    search(qtbot, page, "010-5555 0110", lambda hits: len(hits) == 1)
    assert rows(page) == [("东城区应急办", "", "")]
    assert page.model.index(0, 5).data() == "010-55550110"


def test_clicking_a_number_copies_it_and_says_so(qtbot, directory):
    page = make_page(qtbot, directory)
    QGuiApplication.clipboard().clear()
    search(qtbot, page, "周宁", lambda hits: len(hits) == 1)
    mobile = page.model.rows[0].mobile
    assert mobile
    page._note_timer.setInterval(300)  # the note goes after a moment (2.5 s in use)
    click_cell(qtbot, page, 0, 4)  # 手机
    assert QGuiApplication.clipboard().text() == mobile
    assert page.note.text() == f"已复制 {mobile}"
    qtbot.waitUntil(lambda: page.note.text() == "", timeout=15_000)
    QGuiApplication.clipboard().clear()
    click_cell(qtbot, page, 0, 2)  # the name is not a number: nothing copied
    assert QGuiApplication.clipboard().text() == ""


def test_detail_shows_holders_history_and_supervising_leaders(qtbot, directory):
    c, officer = directory.contacts, directory["zhouning"]
    org = next(o for o in c.organisations(officer) if o.name == "区应急局")
    leader = next(p for p in c.leader_candidates(officer) if p.title == "分管副区长")
    c.set_supervising_leaders(officer, org.id, [leader.id])
    page = make_page(qtbot, directory)
    search(qtbot, page, "区应急局 主要负责人", lambda hits: len(hits) == 1)
    page.view.selectRow(0)
    text = page.detail.toPlainText()
    holder = page.model.rows[0].person
    assert "区应急局" in text and "主要负责人" in text and "任职记录" in text and holder in text
    assert "分管领导：东城区人民政府 分管副区长（谢文）" in text


def test_ending_an_appointment_keeps_the_post_and_its_phone(qtbot, directory, monkeypatch):
    page = make_page(qtbot, directory, "tangjun")
    search(qtbot, page, "区应急局 主要负责人", lambda hits: len(hits) == 1)
    page.view.selectRow(0)
    hit = page.model.rows[0]
    post = directory.contacts.post(directory["tangjun"], hit.post_id)
    monkeypatch.setattr(EndAppointmentDialog, "ask", classmethod(
        lambda cls, parent, p: (p.holders[0].appointment_id, dt.date.today() - dt.timedelta(days=1), "东任〔2026〕9号")))
    assert page.buttons["end"].isEnabled()
    qtbot.mouseClick(page.buttons["end"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rows and page.model.rows[0].person == "", timeout=15_000)
    assert page.model.rows[0].office_phone == post.office_phone  # the post keeps its contacts
    page.view.selectRow(0)
    assert "东任〔2026〕9号" in page.detail.toPlainText() and hit.person in page.detail.toPlainText()


def test_appointing_someone_who_moves_and_a_newcomer(qtbot, directory, monkeypatch):
    page = make_page(qtbot, directory, "tangjun")
    search(qtbot, page, "区城市管理委 值班室", lambda hits: len(hits) == 1)
    page.view.selectRow(0)
    offered = {}

    def existing(cls, parent, post, people):
        offered["people"] = people
        zhou = next(p for p, posts in people if p.name == "周宁")
        return zhou.id, dt.date.today(), "东任〔2026〕7号"

    monkeypatch.setattr(PersonDialog, "ask_appointment", classmethod(existing))
    qtbot.mouseClick(page.buttons["appoint"], Qt.MouseButton.LeftButton)
    assert ("东城区应急办 值班员",) in [posts for p, posts in offered["people"] if p.name == "周宁"]
    qtbot.waitUntil(lambda: "周宁" in [h.person for h in page.model.rows], timeout=15_000)
    monkeypatch.setattr(PersonDialog, "ask_appointment", classmethod(
        lambda cls, parent, post, people: (PersonInput("陆远", "13800005678"), dt.date.today(), "")))
    page.view.selectRow(0)
    qtbot.mouseClick(page.buttons["appoint"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "陆远" in [h.person for h in page.model.rows], timeout=15_000)
    search(qtbot, page, "zn", lambda hits: len(hits) == 2)  # 周宁 now holds two posts
    assert sorted(h.post for h in page.model.rows) == ["值班员", "值班室"]


def test_editing_a_post_phone_shows_at_once(qtbot, directory, monkeypatch):
    page = make_page(qtbot, directory)
    search(qtbot, page, "区应急局 值班室", lambda hits: len(hits) == 1)
    page.view.selectRow(0)
    hit = page.model.rows[0]
    monkeypatch.setattr(PostDialog, "ask", classmethod(
        lambda cls, parent, org_id, unit, initial: PostInput(org_id, initial.title, initial.office_phone,
                                                             "010-55559999", "010-55559998")))
    qtbot.mouseClick(page.buttons["edit_post"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rows and page.model.rows[0].duty_phone == "010-55559999", timeout=15_000)
    assert page.model.rows[0].post_id == hit.post_id
    search(qtbot, page, "55559998", lambda hits: len(hits) == 1)
    assert rows(page) == [("区应急局", "值班室", hit.person)]


def test_bad_phone_in_an_edit_is_shown_not_saved(qtbot, directory, monkeypatch):
    page = make_page(qtbot, directory)
    search(qtbot, page, "区应急局 值班室", lambda hits: len(hits) == 1)
    page.view.selectRow(0)
    before = page.model.rows[0].duty_phone
    monkeypatch.setattr(PostDialog, "ask", classmethod(
        lambda cls, parent, org_id, unit, initial: PostInput(org_id, initial.title, None, "phone")))
    qtbot.mouseClick(page.buttons["edit_post"], Qt.MouseButton.LeftButton)
    assert "值班电话" in page.note.text() and "非数字" in page.note.text()
    assert directory.contacts.post(directory["zhouning"], page.model.rows[0].post_id).duty_phone == before


def test_import_shows_the_report_then_imports_the_good_rows(qtbot, directory, monkeypatch, tmp_path):
    path = tmp_path / "in.xlsx"
    wb = Workbook()
    wb.active.append(["单位", "职务", "姓名", "手机"])
    wb.active.append(["区水务局", "局长", "王明远", "13800006001"])
    wb.active.append(["区水务局", "副局长", "李青", "1380000"])
    wb.save(path)
    seen = {}
    monkeypatch.setattr(contacts_page, "choose_import_file", lambda parent: str(path))

    def confirm(cls, parent, report):
        seen["report"] = report
        seen["html"] = contacts_page.report_html(report, lambda s: s)
        return True

    monkeypatch.setattr(ImportReportDialog, "confirm", classmethod(confirm))
    page = make_page(qtbot, directory, "tangjun")
    qtbot.mouseClick(page.buttons["import"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.last_import is not None and page.worker is None, timeout=10000)
    assert seen["report"].dry_run and seen["report"].bad_rows == (3,)
    assert "<td>3</td>" in seen["html"] and "位数不对" in seen["html"]
    assert page.note.text() == "已导入 1 行；1 行有问题未导入"
    search(qtbot, page, "wmy", lambda hits: len(hits) == 1)
    assert rows(page) == [("区水务局", "局长", "王明远")]


def test_a_file_that_is_not_excel_is_refused_and_a_declined_check_imports_nothing(qtbot, directory, monkeypatch,
                                                                                   tmp_path):
    text = tmp_path / "contacts.xlsx"
    text.write_text("单位,职务\n区水务局,局长\n", encoding="utf-8")
    monkeypatch.setattr(contacts_page, "choose_import_file", lambda parent: str(text))
    page = make_page(qtbot, directory, "tangjun")
    qtbot.mouseClick(page.buttons["import"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "不是 Excel" in page.note.text(), timeout=10000)
    good = tmp_path / "good.xlsx"
    wb = Workbook()
    wb.active.append(["单位", "职务", "姓名"])
    wb.active.append(["区水务局", "局长", "王明远"])
    wb.save(good)
    monkeypatch.setattr(contacts_page, "choose_import_file", lambda parent: str(good))
    asked = []
    monkeypatch.setattr(ImportReportDialog, "confirm", classmethod(lambda cls, parent, report: asked.append(report)))
    qtbot.mouseClick(page.buttons["import"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(asked) and page.worker is None, timeout=10000)
    assert asked[0].imported == 1 and page.last_import is None
    assert directory.contacts.search(directory["tangjun"], "王明远").total == 0


def test_export_writes_the_directory(qtbot, directory, monkeypatch, tmp_path):
    from dutyroom.ui.print_support import PrintActions

    path = tmp_path / "out.xlsx"
    monkeypatch.setattr(PrintActions, "ask_save_path", staticmethod(lambda *a: str(path)))  # the save dialog
    page = make_page(qtbot, directory)
    assert page.buttons["export"].text() == "另存为Excel"  # one set of print buttons on every page
    qtbot.mouseClick(page.buttons["export"], Qt.MouseButton.LeftButton)
    assert page.note.text().startswith("已导出")
    values = [c.value for c in load_workbook(path).active[2]]
    assert values[:5] == ["单位", "上级单位", "别名", "职务", "姓名"]


def test_department_user_sees_no_edit_buttons(qtbot, directory):
    page = make_page(qtbot, directory, "fengqing")
    assert not page.buttons["edit_post"].isVisible() and not page.buttons["import"].isVisible()
    assert not page.buttons["export"].isVisible()
    search(qtbot, page, "zn", lambda hits: len(hits) == 1)


def test_results_model_passes_qt_model_tester(qtbot, qtmodeltester, directory):
    page = make_page(qtbot, directory)
    qtmodeltester.check(page.model)


def test_english_interface(qtbot, directory, monkeypatch, qapp):
    from dutyroom.ui.i18n import install_translator

    monkeypatch.setenv("DUTYROOM_LANG", "en")
    translator = install_translator(qapp)
    try:
        page = make_page(qtbot, directory)
        assert page.model.headerData(0, Qt.Orientation.Horizontal) == "Unit"
        assert page.buttons["import"].text() == "Import Excel…"
        search(qtbot, page, "周宁", lambda hits: len(hits) == 1)
        click_cell(qtbot, page, 0, 4)
        assert page.note.text().startswith("Copied ")
    finally:
        qapp.removeTranslator(translator)


def test_dialogs_return_what_the_user_entered(qtbot, directory):
    from PySide6.QtCore import QTimer

    from dutyroom.ui.contacts_page import LeadersDialog, OrganisationDialog

    c, officer = directory.contacts, directory["tangjun"]
    units = c.organisations(officer)
    org_dialog = OrganisationDialog(None, units)
    qtbot.addWidget(org_dialog)
    org_dialog.name.setText("区水务局")
    org_dialog.aliases.setText("水务局，区水务")
    org_dialog.duty_phone.setText("010-55556001")
    org_dialog.parent_unit.setCurrentIndex(org_dialog.parent_unit.findText("东城区人民政府"))
    value = org_dialog.value()
    assert (value.name, value.aliases, value.duty_phone, value.kind) == ("区水务局", ("水务局", "区水务"),
                                                                        "010-55556001", "department")
    assert value.parent_id == next(u.id for u in units if u.name == "东城区人民政府")
    post = next(p for p in c.posts_of(officer, next(u.id for u in units if u.name == "区应急局")) if p.title == "值班室")
    end = EndAppointmentDialog(post)
    qtbot.addWidget(end)
    assert end.holder.currentData() == post.holders[0].appointment_id
    people = c.people(officer)
    appoint = PersonDialog("任职", None, True, None, people)
    qtbot.addWidget(appoint)
    appoint.existing.setCurrentIndex(appoint.existing.findData(people[0][0].id))
    assert not appoint.name.isEnabled()
    candidates = c.leader_candidates(officer)
    leaders = LeadersDialog(candidates, [candidates[-1].id])
    qtbot.addWidget(leaders)
    leaders.list.item(1).setCheckState(Qt.CheckState.Checked)
    assert leaders.value() == [candidates[-1].id, leaders.list.item(1).data(Qt.ItemDataRole.UserRole)]
    QTimer.singleShot(0, lambda: next(w for w in qapp_widgets() if isinstance(w, PostDialog)).reject())
    assert PostDialog.ask(None, post.organisation_id, post.organisation, post) is None


def qapp_widgets():
    from PySide6.QtWidgets import QApplication

    return QApplication.topLevelWidgets()


def test_unit_names_with_their_aliases_are_not_cut(qtbot, directory):
    """QA D: 东城交通支队（交通支队、…） was cut to "…" in the 单位 column."""
    page = make_page(qtbot, directory)
    page.resize(1300, 800)
    texts = [page.model.index(r, 0).data() for r in range(page.model.rowCount())]
    with_alias = [(r, t) for r, t in enumerate(texts) if "（" in t]
    assert with_alias  # the demo directory has units with aliases
    metrics = page.view.fontMetrics()
    longest = max(metrics.horizontalAdvance(t) for _, t in with_alias)
    assert page.view.columnWidth(0) >= min(longest, contacts_page.UNIT_COLUMN_MAX)
    assert longest + 16 <= contacts_page.UNIT_COLUMN_MAX  # every demo unit fits whole
