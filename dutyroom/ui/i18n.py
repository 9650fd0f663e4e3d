"""English for the GUI: Chinese is the source language; DUTYROOM_LANG=en installs this translator.

The catalogue is resources/i18n/en.json plus one file per area in resources/i18n/en/*.json
({"中文原文": "English"}); every widget string goes through tr(), so a missing entry shows the
Chinese original rather than nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

from ..config import lang, resource_root


class DictTranslator(QTranslator):
    def __init__(self, table: dict[str, str], parent=None):
        super().__init__(parent)
        self.table = table

    def translate(self, context, source_text, disambiguation=None, n=-1):
        return self.table.get(source_text)

    def isEmpty(self) -> bool:
        return not self.table


def english_catalogue() -> dict[str, str]:
    root: Path = resource_root() / "resources" / "i18n"
    table: dict[str, str] = {}
    for path in [root / "en.json", *sorted((root / "en").glob("*.json"))]:
        if path.exists():
            table.update(json.loads(path.read_text(encoding="utf-8")))
    return table


def qt_chinese_translator(parent=None) -> QTranslator | None:
    """Qt's own Chinese (QDialogButtonBox 确定/取消, QMessageBox, print preview …): qtbase_zh_CN.qm shipped
    with PySide6 (in the PyInstaller bundle too: its PySide6 hook copies Qt/translations)."""
    translator = QTranslator(parent)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    return translator if translator.load("qtbase_zh_CN", folder) else None


def install_translator(app: QCoreApplication) -> QTranslator | None:
    """zh_CN: Qt's own texts in Chinese (our source strings already are); en: the English catalogue.
    Returns the installed translator (tests remove it again), None when there was nothing to install."""
    if lang() != "en":
        qt_zh = qt_chinese_translator(app)
        if qt_zh is not None:
            app.installTranslator(qt_zh)
        return qt_zh
    table = english_catalogue()
    translator = DictTranslator(table, app)
    app.installTranslator(translator)
    return translator


def tr(text: str, context: str = "dutyroom") -> str:
    """For strings outside a QObject (labels built from domain tables)."""
    return QCoreApplication.translate(context, text)
