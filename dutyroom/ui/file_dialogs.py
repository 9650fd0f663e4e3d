"""Every file dialog of the app (open a backup, import contacts or plans, save a PDF, Excel or CAP file):
Qt's own dialog rather than the system's (the same on every PC, and testable), entirely in Chinese, opening
in the folder used last on this PC (remembered in QSettings) or else in the user's 文档 folder.

Qt's Chinese catalogue (qtbase_zh_CN, installed by ui/i18n.install_translator) translates the buttons, tool
tips and context menus, but not every label ("Look in", "Files of type"); those are set here.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, QStandardPaths
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

LAST_DIR_KEY = "file_dialogs/last_dir"


def _tr(text: str) -> str:
    return QCoreApplication.translate("FileDialogs", text)


def settings() -> QSettings:
    """Where the last folder is kept: per PC and user (tests replace this)."""
    return QSettings("dutyroom", "dutyroom")


def documents_dir() -> str:
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return docs if docs and Path(docs).is_dir() else str(Path.home())


def start_dir() -> str:
    """The folder used last (if it still exists), else the user's documents folder."""
    last = settings().value(LAST_DIR_KEY, "", type=str)
    return last if last and Path(last).is_dir() else documents_dir()


def remember(path: str | Path) -> None:
    settings().setValue(LAST_DIR_KEY, str(Path(path).parent))


def make_dialog(parent: QWidget | None, caption: str, name_filter: str, *, save: bool = False,
                many: bool = False, suggested: str = "") -> QFileDialog:
    """The dialog, not yet shown; `suggested` is a file name (or a full path) for saving."""
    dialog = QFileDialog(parent, caption, start_dir(), name_filter)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if save else QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile if save else
                       QFileDialog.FileMode.ExistingFiles if many else QFileDialog.FileMode.ExistingFile)
    for label, text in ((QFileDialog.DialogLabel.LookIn, _tr("查找范围(&I)：")),
                        (QFileDialog.DialogLabel.FileName, _tr("文件名(&N)：")),
                        (QFileDialog.DialogLabel.FileType, _tr("文件类型(&T)：")),
                        (QFileDialog.DialogLabel.Accept, _tr("保存(&S)") if save else _tr("打开(&O)")),
                        (QFileDialog.DialogLabel.Reject, _tr("取消"))):
        dialog.setLabelText(label, text)
    if suggested:
        given = Path(suggested)
        if given.is_absolute():
            dialog.setDirectory(str(given.parent))
        dialog.selectFile(given.name)
    return dialog


def _run(dialog: QFileDialog) -> list[str]:
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return []
    chosen = dialog.selectedFiles()
    if chosen:
        remember(chosen[0])
    return chosen


def open_file(parent: QWidget | None, caption: str, name_filter: str) -> str | None:
    chosen = _run(make_dialog(parent, caption, name_filter))
    return chosen[0] if chosen else None


def open_files(parent: QWidget | None, caption: str, name_filter: str) -> list[str]:
    return _run(make_dialog(parent, caption, name_filter, many=True))


def save_file(parent: QWidget | None, caption: str, suggested: str, name_filter: str) -> str | None:
    chosen = _run(make_dialog(parent, caption, name_filter, save=True, suggested=suggested))
    return chosen[0] if chosen else None
