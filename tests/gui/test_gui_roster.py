"""The roster, duty log and handover as a user drives them (pytest-qt)."""

import datetime as dt

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QMessageBox

from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.demo import DEMO_PASSWORD
from dutyroom.services.duty_log import DutyLogService
from dutyroom.services.exports import ReportExporter
from dutyroom.services.handover import HandoverService
from dutyroom.services.roster import RosterService
from dutyroom.ui import duty_log_page, roster_page
from dutyroom.ui.duty_log_page import DutyLogPage, NewEntry
from dutyroom.ui.handover_dialog import HandoverDialog
from dutyroom.ui.on_duty_panel import OnDutyPanel
from dutyroom.ui.print_support import PrintActions
from dutyroom.ui.roster_page import GenerateRequest, RosterPage
from tests.helpers.actors import actors_by_username
from tests.helpers.roster import bj


@pytest.fixture(autouse=True)
def _no_message_boxes(monkeypatch):
    """A message box would block the run: fail with its text instead."""
    def fail(parent, title, text, *a, **k):
        raise AssertionError(f"unexpected message box: {title}: {text}")
    for name in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(fail))


def _page(qtbot, room, username="tangjun", day=dt.date(2026, 10, 1)):
    page = RosterPage(RosterService(room), actors_by_username(room)[username], "东城区", today=day,
                      exporter=ReportExporter(room, load_profile("dongcheng")))
    qtbot.addWidget(page)
    page.show()
    return page


def _request(room, pattern="24h", per_shift=1):
    cands = RosterService(room).candidates(actors_by_username(room)["tangjun"])
    return GenerateRequest(pattern, tuple(p.person_id for p in cands.officers), tuple(p.person_id for p in cands.leaders),
                           0, 0, per_shift)


def _shown(page):
    m = page.model
    return [[m.index(r, c).data() for c in range(m.columnCount())] for r in range(m.rowCount())]


def test_roster_page_shows_a_generated_month_with_the_holidays_and_exports_it(qtbot, room, monkeypatch, tmp_path):
    page = _page(qtbot, room)
    assert "尚未排班" in page.state.text() and page.conflicts.text() == ""  # not rostered yet: no conflicts
    monkeypatch.setattr(roster_page.GenerateDialog, "ask", classmethod(lambda cls, *a: _request(room, "day_night")))
    qtbot.mouseClick(page.generate_button, Qt.MouseButton.LeftButton)
    assert "预览（尚未保存）" in page.state.text() and page.save_button.isVisible()
    rows = _shown(page)
    assert len(rows) == 31 and rows[0][:3] == ["2026-10-01", "周四", "国庆节"]
    assert page.model.headers[3:7] == ["白班值班员", "白班带班领导", "夜班值班员", "夜班带班领导"]
    assert all(cell for row in rows for cell in row[3:7])  # every shift staffed
    holiday = page.model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole).color()
    assert holiday == QColor("#fde2e2")  # National Day highlighted
    assert page.model.index(9, 2).data() == "调休上班（国庆节）"
    assert page.model.index(11, 0).data(Qt.ItemDataRole.BackgroundRole) is None  # an ordinary Monday
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert "已保存，124 条" in page.state.text() and not page.save_button.isVisible()
    assert _shown(page) == rows
    target = tmp_path / "oct.xlsx"
    monkeypatch.setattr(PrintActions, "ask_save_path", staticmethod(lambda *a: str(target)))  # the save dialog
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)  # 另存为Excel (the shared print buttons)
    assert "已导出" in page.state.text()
    ws = load_workbook(target).active
    exported = [[c.value for c in r] for r in ws.iter_rows(min_row=3, max_row=33)]
    assert [[row[0].date().isoformat(), *(v or "" for v in row[1:])] for row in exported] == rows


def test_conflicts_are_flagged_before_saving(qtbot, room, monkeypatch):
    page = _page(qtbot, room, day=dt.date(2026, 9, 1))
    monkeypatch.setattr(roster_page.GenerateDialog, "ask", classmethod(lambda cls, *a: _request(room, "day_night")))
    qtbot.mouseClick(page.generate_button, Qt.MouseButton.LeftButton)
    assert page.conflicts.text() == ""
    day_officer = page.planned[0]
    assert (day_officer.shift_name, day_officer.role) == ("白班", "officer")
    # the adjust dialog moves Sep 1's day-shift officer to the night shift: the day shift has no officer left
    page.table.setCurrentIndex(page.model.index(0, 3))
    monkeypatch.setattr(roster_page.AdjustDialog, "ask", classmethod(
        lambda cls, *a: roster_page.AdjustRequest(0, day_officer.person_id, dt.date(2026, 9, 1), "夜班")))
    qtbot.mouseClick(page.adjust_button, Qt.MouseButton.LeftButton)
    assert "冲突 1 处" in page.conflicts.text() and "9月1日白班没有值班员" in page.conflicts.text()
    assert page.model.index(0, page.model.columnCount() - 1).data() == "9月1日白班没有值班员"
    assert page.model.index(0, 3).data() == ""
    asked = []
    monkeypatch.setattr(roster_page.ConflictPrompt, "confirm", staticmethod(lambda parent, c: asked.append(c) or False))
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and "预览" in page.state.text()  # declined: nothing saved
    assert RosterService(room).month(actors_by_username(room)["tangjun"], 2026, 9).entries == ()
    monkeypatch.setattr(roster_page.ConflictPrompt, "confirm", staticmethod(lambda parent, c: True))
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert "已保存" in page.state.text() and "冲突 1 处" in page.conflicts.text()


def test_dragging_a_cell_onto_another_exchanges_the_people(qtbot, room):
    page = _page(qtbot, room, day=dt.date(2026, 12, 1))
    before = _shown(page)
    m = page.model
    source = m.index(2, 3)  # Dec 3, officer
    data = m.mimeData([source])
    assert m.canDropMimeData(data, Qt.DropAction.CopyAction, -1, -1, m.index(4, 3))
    m.dropMimeData(data, Qt.DropAction.CopyAction, -1, -1, m.index(4, 3))
    after = _shown(page)
    assert (after[2][3], after[4][3]) == (before[4][3], before[2][3])
    assert not m.canDropMimeData(m.mimeData([m.index(0, 0)]), Qt.DropAction.CopyAction, -1, -1, m.index(4, 0))


def test_a_duty_officer_sees_the_roster_but_cannot_generate(qtbot, room):
    page = _page(qtbot, room, "zhouning", day=dt.date(2026, 12, 1))
    assert not page.generate_button.isVisible() and not page.adjust_button.isVisible()
    assert page.swap_button.isVisible() and page.model.rowCount() == 31


def test_on_duty_panel_shows_now_and_next(qtbot, room):
    panel = OnDutyPanel(RosterService(room), clock=lambda: bj(2026, 12, 2, 7, 0))
    qtbot.addWidget(panel)
    now = RosterService(room).on_duty(bj(2026, 12, 2, 7, 0))
    assert now.now.shift_date == dt.date(2026, 12, 1)  # 24 h from 08:30 covers the next early morning
    assert "当前班次：全天班（12-01 08:30—12-02 08:30）" in panel.now_label.text()
    assert now.now.officers[0] in panel.now_label.text() and now.next.leaders[0] in panel.next_label.text()


def test_incoming_officer_signs_in_at_handover_with_their_password(qtbot, room):
    u = actors_by_username(room)
    clock = lambda: bj(2026, 12, 2, 8, 20)  # noqa: E731
    svc = HandoverService(room, load_profile("dongcheng"))
    dialog = HandoverDialog(svc, u["zhouning"], clock=clock)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "一、在办事件（0 起）" in dialog.sheet.toPlainText() and not dialog.incoming_box.isEnabled()
    dialog.notes.setPlainText("传真机缺纸，已报修")
    qtbot.mouseClick(dialog.sign_out_button, Qt.MouseButton.LeftButton)
    assert "已签名交班" in dialog.status.text() and dialog.incoming_box.isEnabled()
    assert "传真机缺纸，已报修" in dialog.sheet.toPlainText() and dialog.notes.isReadOnly()
    qtbot.keyClicks(dialog.username, "sunhao")  # ASCII only
    qtbot.keyClicks(dialog.password, "wrong-password")
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert "用户名或密码错误" in dialog.error.text() and dialog.password.text() == ""
    assert svc.awaiting_sign_in(u["zhouning"]) is not None
    qtbot.keyClicks(dialog.password, DEMO_PASSWORD)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert "交接完成：周宁 交班，孙浩 接班" in dialog.status.text() and dialog.error.text() == ""
    assert "接班人：孙浩  签名时间：2026-12-02 08:20" in dialog.sheet.toPlainText()
    assert svc.awaiting_sign_in(u["zhouning"]) is None
    stored = svc.history(u["zhouning"])[0]
    assert stored.status == "signed_in" and stored.intact and stored.notes == "传真机缺纸，已报修"


def test_duty_log_page_adds_and_strikes_through(qtbot, room, monkeypatch):
    u = actors_by_username(room)
    clock = lambda: bj(2026, 12, 2, 10, 0)  # noqa: E731
    page = DutyLogPage(DutyLogService(room), u["zhouning"], clock=clock)
    qtbot.addWidget(page)
    assert "全天班 12-02 08:30 至 12-03 08:30" in page.shift_label.text()
    monkeypatch.setattr(duty_log_page.EntryDialog, "ask", classmethod(
        lambda cls, parent, now: NewEntry("call", "区水务局来电报告积水", bj(2026, 12, 2, 9, 40), None)))
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 1 and page.model.index(0, 2).data() == "来电"
    assert page.model.index(0, 0).data() == "12-02 09:40"
    page.table.setCurrentIndex(page.model.index(0, 3))
    monkeypatch.setattr(duty_log_page.StrikeDialog, "ask", classmethod(lambda cls, parent, entry: "重复记录"))
    qtbot.mouseClick(page.strike_button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 1  # struck, not gone
    assert page.model.index(0, 3).data(Qt.ItemDataRole.FontRole).strikeOut()
    assert "（已划除：重复记录）" in page.model.index(0, 3).data()


def test_every_roster_string_has_an_english_translation():
    """DUTYROOM_LANG=en: the roster, duty log and handover widgets speak English (resources/i18n/en/roster.json)."""
    import json
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    table = json.loads((root / "resources/i18n/en/roster.json").read_text(encoding="utf-8"))
    missing = []
    for name in ("roster_page", "duty_log_page", "handover_dialog", "on_duty_panel"):
        source = (root / "dutyroom/ui" / f"{name}.py").read_text(encoding="utf-8")
        for text in re.findall(r'\.tr\("((?:[^"\\]|\\.)*)"', source):
            text = text.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
            if text not in table:
                missing.append(text)
    assert missing == []


def test_roster_month_and_headers_in_english(qtbot, room, monkeypatch, qapp):
    """DUTYROOM_LANG=en: the month box reads 2026-10 (no 年/月) and the grid headers are capitalised English."""
    from dutyroom.ui.i18n import install_translator

    monkeypatch.setenv("DUTYROOM_LANG", "en")
    translator = install_translator(qapp)
    try:
        page = _page(qtbot, room)
        assert page.month_edit.text() == "2026-10"
        page.model.set_view(RosterService(room).month(actors_by_username(room)["tangjun"], 2026, 10))
        headers = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)]
        assert headers == ["Date", "Weekday", "Day type"]
    finally:
        qapp.removeTranslator(translator)
    monkeypatch.setenv("DUTYROOM_LANG", "zh_CN")
    chinese = _page(qtbot, room)
    assert chinese.month_edit.text() == "2026年10月"
