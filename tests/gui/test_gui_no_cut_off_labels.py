"""Rendered at 1366 × 768 (the duty room's laptops): the dashboard's 生效预警 panel and an empty 通讯录 show
their whole text — nothing cut off or hidden behind a sideways scroll bar."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QLabel

from dutyroom.app import build_main_window
from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.actor import SYSTEM
from dutyroom.services.auth import AuthService
from dutyroom.services.contacts import ContactsService
from dutyroom.services.contacts_excel import ContactsExcel
from dutyroom.services.demo import DEMO_PASSWORD
from dutyroom.services.warnings import WarningService
from dutyroom.ui.active_warnings_panel import ActiveWarningsPanel
from dutyroom.ui.contacts_page import ContactsPage
from dutyroom.ui.dashboard_page import DashboardPage
from tests.helpers.warnings import content

LONG_TITLE = "东城区暴雨橙色预警：预计今天夜间至明天白天东城区将出现大暴雨，局地特大暴雨并伴有雷电和短时大风"


def _labels_cut_off(root) -> list[str]:
    out = []
    for label in root.findChildren(QLabel):
        if not label.isVisible() or not label.text():
            continue
        size = label.size()
        needed = label.heightForWidth(size.width()) if label.wordWrap() else label.sizeHint().height()
        if (not label.wordWrap() and label.sizeHint().width() > size.width()) or needed > size.height():
            out.append(f"{label.text()!r}: needs {label.sizeHint().width()}×{needed}, has {size.width()}×{size.height()}")
    return out


def _issue_long(desk, now):
    svc = WarningService(desk.db, load_profile("dongcheng"))
    v = svc.draft(desk["fengqing"], content("blue", title=LONG_TITLE))
    svc.submit(desk["fengqing"], v.id)
    svc.issue(desk["fengqing"], v.id, ["手机短信"], now=now - dt.timedelta(hours=2))
    return svc


def test_dashboard_warning_panel_shows_long_titles_whole_at_1366(qtbot, desk):
    now = dt.datetime.now(dt.UTC)
    _issue_long(desk, now)
    actor = AuthService(desk.db).login("zhouning", DEMO_PASSWORD)
    window = build_main_window(desk.db, load_profile("dongcheng"), actor)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    panel = window.findChild(ActiveWarningsPanel)
    window.nav.setCurrentRow(window.pages.indexOf(window.findChild(DashboardPage)))
    QApplication.processEvents()
    assert panel.isVisible() and panel.list.count() == 1
    assert panel.list.horizontalScrollBar().maximum() == 0  # nothing to scroll sideways to
    item = panel.list.item(0)
    rect = panel.list.visualItemRect(item)
    assert rect.width() <= panel.list.viewport().width()
    needed = panel.list.fontMetrics().boundingRect(QRect(0, 0, rect.width(), 10_000),
                                                   int(Qt.TextFlag.TextWordWrap), item.text())
    assert rect.height() >= needed.height()  # every wrapped line of the title is inside the row
    assert _labels_cut_off(panel) == []


def test_empty_contacts_table_says_so_and_its_columns_are_readable(qtbot, db):
    admin = AuthService(db).create_user(SYSTEM, "admin", "管理员", "duty-pass-2026", ["admin", "duty_officer"])
    page = ContactsPage(ContactsService(db, load_profile("dongcheng")), ContactsExcel(db), admin)
    qtbot.addWidget(page)
    page.resize(1366 - 170, 768 - 60)  # the page beside the navigation list and under the status bar
    page.show()
    qtbot.waitExposed(page)
    hint = page.view._empty_hint.label
    assert hint.isVisible() and "通讯录为空" in hint.text()
    assert _labels_cut_off(page) == []
    fm = page.view.fontMetrics()
    for col, sample in ((3, "010-55550000"), (4, "13800000000")):
        assert page.view.columnWidth(col) >= fm.horizontalAdvance(sample), col
    page.search.setText("不存在的人")
    page.refresh()
    assert hint.isVisible() and hint.text() == "没有找到匹配的联系人"
