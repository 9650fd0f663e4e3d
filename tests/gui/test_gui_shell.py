"""The GUI shell a duty officer sees: sign in, the status bar, the rules pages."""

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import QDialogButtonBox

from dutyroom.app import build_main_window
from dutyroom.domain.profile_loader import load_profile
from dutyroom.domain.vocabulary import Grade
from dutyroom.services.auth import AuthService
from dutyroom.services.demo import DEMO_PASSWORD
from dutyroom.ui.login_dialog import LoginDialog
from dutyroom.ui.rules_page import BEIJING_TZ, RulesPage


def _sign_in(qtbot, db, username, password):
    dialog = LoginDialog(AuthService(db), "东城区应急值班系统")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, username)  # ASCII only: keyClicks with Chinese aborts the run
    qtbot.keyClicks(dialog.password, password)
    qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    return dialog


def test_wrong_password_shows_message_and_keeps_dialog_open(qtbot, demo_db):
    dialog = _sign_in(qtbot, demo_db, "zhouning", "wrong-password")
    assert dialog.actor is None and dialog.isVisible()
    assert "用户名或密码错误" in dialog.error.text()


def test_a_long_sign_in_message_is_shown_whole(qtbot, demo_db, monkeypatch):
    """A refusal that needs four lines (a missing audit key names its file and what to do) makes the dialog grow:
    seen clipped top and bottom in a trial at 150 % display scaling."""
    from dutyroom.services.errors import UserError

    auth = AuthService(demo_db)
    long = "审计密钥文件缺失或损坏：/var/lib/dutyroom/dutyroom-audit.key。审计链已有记录，不能换用新密钥。" * 3

    def refuse(*_a, **_kw):
        raise UserError(long, "the audit key is missing")
    monkeypatch.setattr(auth, "login", refuse)
    dialog = LoginDialog(auth, "东城区应急值班系统")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "zhouning")
    qtbot.keyClicks(dialog.password, "x")
    dialog.try_login()
    label = dialog.error
    assert long in label.text()
    assert label.height() >= label.heightForWidth(label.width()) > 3 * label.fontMetrics().height()


def test_duty_officer_signs_in_and_sees_profile_user_and_shift(qtbot, demo_db):
    dialog = _sign_in(qtbot, demo_db, "zhouning", DEMO_PASSWORD)
    assert dialog.actor is not None and dialog.actor.display_name == "周宁"
    window = build_main_window(demo_db, load_profile("dongcheng"), dialog.actor)
    qtbot.addWidget(window)
    window.show()
    assert "东城区" in window.profile_label.text() and "2022" in window.profile_label.text()
    assert "周宁" in window.user_label.text() and "值班员" in window.user_label.text()
    assert "值班员" in window.shift_label.text() and "带班领导" in window.shift_label.text()
    assert "规则查询" in [window.nav.item(i).text() for i in range(window.nav.count())]  # areas add their pages


def test_lead_table_search_finds_gas_and_shows_duty_phones(qtbot, demo_db):
    page = RulesPage(_rules(demo_db))
    qtbot.addWidget(page)
    tab = page.lead
    assert tab.proxy.rowCount() == 36  # Dongcheng 2.3.6
    tab.search.setText("燃气")
    assert tab.proxy.rowCount() >= 1
    rows = [tab.proxy.index(r, 2).data() for r in range(tab.proxy.rowCount())]
    assert all("燃气" in r or "燃气" in tab.proxy.index(i, 3).data() for i, r in enumerate(rows))
    assert "010-5555" in tab.proxy.index(0, 4).data()  # demo duty phone of the lead unit
    tab.search.setText("")
    assert tab.proxy.rowCount() == 36


def test_clock_tab_shows_the_10_minute_deadline_for_an_unknown_grade(qtbot, demo_db):
    page = RulesPage(_rules(demo_db))
    qtbot.addWidget(page)
    clock = page.clock
    received = QDateTime(QDate(2026, 7, 1), QTime(8, 5), BEIJING_TZ)
    clock.occurred.setDateTime(received.addSecs(-300))
    clock.received.setDateTime(received)
    clock.grade.setCurrentIndex(clock.grade.findData(Grade.unknown.value))
    html = clock.result.toPlainText()
    assert "07-01 08:15" in html and "4.1.5" in html  # Dongcheng 4.1.5
    clock.grade.setCurrentIndex(clock.grade.findData(Grade.large.value))
    assert "续报：每 30 分钟" in clock.result.toPlainText()


def test_clock_tab_explains_bad_times_in_chinese(qtbot, demo_db):
    page = RulesPage(_rules(demo_db))
    qtbot.addWidget(page)
    clock = page.clock
    clock.received.setDateTime(QDateTime(QDate(2026, 7, 1), QTime(8, 5), BEIJING_TZ))
    clock.occurred.setDateTime(QDateTime(QDate(2026, 7, 1), QTime(9, 0), BEIJING_TZ))
    assert "发生时间：发生时间晚于接报时间" in clock.result.toPlainText()


def test_warning_tab_lists_the_red_chain(qtbot, demo_db):
    page = RulesPage(_rules(demo_db))
    qtbot.addWidget(page)
    tab = page.warning
    tab.colour.setCurrentIndex(tab.colour.findData("red"))
    text = tab.text.toPlainText()
    assert "区长" in text and "在系统内签批" in text


def _rules(db):
    from dutyroom.services.rules_service import RulesService

    return RulesService(db, load_profile("dongcheng"))


def test_table_model_passes_qt_model_tester(qtmodeltester, demo_db):
    page = RulesPage(_rules(demo_db))
    qtmodeltester.check(page.lead.model)
    qtmodeltester.check(page.lead.proxy)


def test_english_interface(qtbot, demo_db, monkeypatch, qapp):
    """DUTYROOM_LANG=en: the widgets speak English."""
    from dutyroom.ui.i18n import install_translator

    monkeypatch.setenv("DUTYROOM_LANG", "en")
    translator = install_translator(qapp)
    try:
        page = RulesPage(_rules(demo_db))
        qtbot.addWidget(page)
        assert page.tabText(0) == "Lead departments"
        assert page.lead.model.headerData(3, Qt.Orientation.Horizontal) == "Lead units"
    finally:
        qapp.removeTranslator(translator)


def test_qt_standard_buttons_speak_the_interface_language(qtbot, monkeypatch, qapp):
    """Qt's own texts (QDialogButtonBox, QMessageBox) follow the UI language: 确定/取消 in Chinese, OK in English."""
    from dutyroom.ui.i18n import install_translator

    def ok_cancel() -> tuple[str, str]:
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        qtbot.addWidget(box)
        return (box.button(QDialogButtonBox.StandardButton.Ok).text().replace("&", ""),
                box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", ""))

    monkeypatch.setenv("DUTYROOM_LANG", "zh_CN")
    translator = install_translator(qapp)
    assert translator is not None  # qtbase_zh_CN.qm ships with PySide6
    try:
        ok, cancel = ok_cancel()
        assert "确定" in ok and "取消" in cancel
    finally:
        qapp.removeTranslator(translator)
    monkeypatch.setenv("DUTYROOM_LANG", "en")
    translator = install_translator(qapp)
    try:
        assert ok_cancel()[0] == "OK"
    finally:
        qapp.removeTranslator(translator)


def test_the_unfinished_intake_notice_covers_the_status_bar_labels_instead_of_overlapping_them(qtbot, demo_db):
    """Seen on a screenshot: the notice, set before the window was shown, was painted over the user label."""
    from dutyroom.services.incidents import IncidentService

    actor = AuthService(demo_db).login("zhouning", DEMO_PASSWORD)
    IncidentService(demo_db, load_profile("dongcheng")).save_draft(actor, None, {"caller_name": "王先生"})
    window = build_main_window(demo_db, load_profile("dongcheng"), actor)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "未完成的接报" in window.statusBar().currentMessage())
    assert not window.user_label.isVisible() and not window.profile_label.isVisible()


def test_a_dialog_grows_for_a_message_only_by_what_it_lacks_and_never_past_the_screen(qtbot):
    """room_for: a one-line message in a dialog the user made small leaves it as it is; a message of many lines
    grows it, at most to the screen's free height (buttons stay on screen)."""
    from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QTableWidget, QVBoxLayout

    from dutyroom.ui.operations import show_message

    dialog = QDialog()
    qtbot.addWidget(dialog)
    lay = QVBoxLayout(dialog)
    lay.addWidget(QTableWidget(40, 3))
    line = QLabel(wordWrap=True)
    lay.addWidget(line)
    lay.addWidget(QPushButton("确定"))
    dialog.show()
    dialog.resize(dialog.width(), 250)
    qtbot.wait(10)
    show_message(line, "已保存", ok=True)
    assert dialog.height() == 250
    show_message(line, "很长的错误信息，" * 600, ok=False)
    free = dialog.screen().availableGeometry().height()
    assert 250 < dialog.height() <= free
