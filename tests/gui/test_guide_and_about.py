"""Issue 18: 帮助 → 用户指南 shows the Chinese guide with its screenshots inside the program; 关于 shows the version,
the rule profile in force and the licences of what the program carries."""

from __future__ import annotations

import re

from PySide6.QtGui import QTextDocument

from dutyroom import __version__
from dutyroom.domain.profile_loader import load_profile
from dutyroom.ui.guide_dialog import AboutDialog, GuideDialog, guide_path


def test_every_picture_the_guide_shows_exists():
    text = guide_path().read_text(encoding="utf-8")
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert pictures
    assert [p for p in pictures if not (guide_path().parent / p).is_file()] == []


def test_the_guide_opens_in_the_program_with_its_pictures(qtbot):
    dialog = GuideDialog()
    qtbot.addWidget(dialog)
    doc = dialog.browser.document()
    assert "首次使用向导" in doc.toPlainText() and "Ctrl+N" in doc.toPlainText()
    first = re.search(r"!\[[^\]]*\]\(([^)]+)\)", guide_path().read_text(encoding="utf-8")).group(1)
    image = doc.resource(QTextDocument.ResourceType.ImageResource, dialog.browser.source().resolved(first))
    assert image is not None and not image.isNull()


def test_about_names_version_profile_and_licences(qtbot):
    dialog = AboutDialog(load_profile("tongzhou"))
    qtbot.addWidget(dialog)
    assert __version__ in dialog.summary.text() and "通州区" in dialog.summary.text()
    licences = dialog.licences.toPlainText()
    assert "Arphic" in licences and "LGPL" in licences and "Font Awesome" in licences
