"""Backup file names carry Beijing time whatever the PC's zone, and every file dialog is Qt's own, in Chinese,
opening in the folder used last on this PC or else in the documents folder."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QLabel, QToolButton

from dutyroom.domain.incident_facts import BEIJING
from dutyroom.services.maintenance import MaintenanceService
from dutyroom.store.backup import backup_generation
from dutyroom.ui import file_dialogs
from dutyroom.ui.i18n import qt_chinese_translator

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def new_york(monkeypatch):
    """A workstation whose own clock is in New York: 12 or 13 hours behind Beijing."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_backup_names_are_beijing_time_whatever_the_pc_zone(db, tmp_path, new_york):
    path = backup_generation(db, tmp_path / "gen", keep=0, reason="manual")
    stamp = re.search(r"dutyroom-(\d{8}-\d{6})-", path.name).group(1)
    named = dt.datetime.strptime(stamp, "%Y%m%d-%H%M%S").replace(tzinfo=BEIJING)
    assert abs(named - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=2)


def test_generations_read_the_name_as_beijing_time(db, tmp_path, new_york, monkeypatch):
    maintenance = MaintenanceService(db)
    monkeypatch.setattr(MaintenanceService, "backup_dir", lambda self: tmp_path / "gen")
    backup_generation(db, tmp_path / "gen", keep=0, reason="manual")
    taken = maintenance.generations_unchecked()[0].taken_at
    assert abs(taken - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=2)
    assert not maintenance.due()  # just taken: the schedule does not think it is 12 hours old


@pytest.fixture
def remembered(tmp_path, monkeypatch):
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    monkeypatch.setattr(file_dialogs, "settings", lambda: store)
    return store


@pytest.fixture
def chinese(qapp):
    translator = qt_chinese_translator(qapp)
    assert translator is not None, "qtbase_zh_CN.qm not found in QLibraryInfo.TranslationsPath"
    qapp.installTranslator(translator)
    yield
    qapp.removeTranslator(translator)


def _buttons(dialog: QFileDialog) -> list[str]:
    return [b.text() for b in dialog.findChild(QDialogButtonBox).buttons()]


def test_open_and_save_dialogs_are_in_chinese(qtbot, remembered, chinese):
    dialog = file_dialogs.make_dialog(None, "选择备份文件", "数据库备份 (*.db)")
    qtbot.addWidget(dialog)
    assert dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
    assert sorted(_buttons(dialog)) == sorted(["打开(&O)", "取消"])
    labels = [label.text() for label in dialog.findChildren(QLabel)]
    assert "查找范围(&I)：" in labels and "文件类型(&T)：" in labels and not [t for t in labels if "Look" in t]
    tips = {b.objectName(): b.toolTip() for b in dialog.findChildren(QToolButton)}
    assert tips["backButton"] == "后退" and tips["newFolderButton"] == "新建文件夹"  # Qt's own catalogue loaded
    save = file_dialogs.make_dialog(None, "另存为PDF", "PDF (*.pdf)", save=True, suggested="统计报表.pdf")
    qtbot.addWidget(save)
    assert sorted(_buttons(save)) == sorted(["保存(&S)", "取消"])


def test_dialog_opens_in_documents_then_in_the_last_folder_used(qtbot, remembered, tmp_path):
    first = file_dialogs.make_dialog(None, "导入通讯录", "Excel (*.xlsx)")
    qtbot.addWidget(first)
    assert Path(first.directory().absolutePath()) == Path(file_dialogs.documents_dir())
    folder = tmp_path / "备份盘"
    folder.mkdir()
    (folder / "dutyroom-old.db").write_bytes(b"x")

    def pick():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QFileDialog)
        dialog.setDirectory(str(folder))
        dialog.selectFile(str(folder / "dutyroom-old.db"))
        dialog.accept()
    QTimer.singleShot(0, pick)
    assert file_dialogs.open_file(None, "选择备份文件", "数据库备份 (*.db)") == str(folder / "dutyroom-old.db")
    again = file_dialogs.make_dialog(None, "另存为PDF", "PDF (*.pdf)", save=True, suggested="报表.pdf")
    qtbot.addWidget(again)
    assert Path(again.directory().absolutePath()) == folder
    assert remembered.value(file_dialogs.LAST_DIR_KEY) == str(folder)
    folder.joinpath("dutyroom-old.db").unlink()
    folder.rmdir()  # a folder that is gone: back to the documents folder
    gone = file_dialogs.make_dialog(None, "导入通讯录", "Excel (*.xlsx)")
    qtbot.addWidget(gone)
    assert Path(gone.directory().absolutePath()) == Path(file_dialogs.documents_dir())


def test_every_file_dialog_goes_through_the_one_helper():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "dutyroom").rglob("*.py")
                 if p.name != "file_dialogs.py" and "QFileDialog" in p.read_text(encoding="utf-8")]
    assert offenders == []
