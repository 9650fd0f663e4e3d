"""Issue 17, finding 7 in the GUI: an .xlsx whose row 3 holds `&#1;` (openpyxl's ParseError while reading the
sheet) killed the contacts import worker and left its progress dialog open. Now the page says what is wrong and
the dialog is gone."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog

from dutyroom.ui import contacts_page
from tests.gui.test_gui_contacts import make_page


def xlsx_with_a_control_character_reference() -> bytes:
    """A workbook whose third row's cell holds the XML character reference &#1; (not allowed in XML 1.0)."""
    wb = Workbook()
    ws = wb.active
    ws.append(["单位", "职务", "姓名"])
    ws.append(["区水务局", "局长", "王明远"])
    ws.append(["MARKER", "值班室", "李青"])
    buf = io.BytesIO()
    wb.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, data.replace(b"MARKER", b"&#1;") if info.filename.startswith("xl/") else data)
    return out.getvalue()


def test_a_damaged_cell_is_explained_and_the_progress_dialog_closes(qtbot, directory, monkeypatch, tmp_path):
    path = tmp_path / "contacts.xlsx"
    path.write_bytes(xlsx_with_a_control_character_reference())
    monkeypatch.setattr(contacts_page, "choose_import_file", lambda parent: str(path))
    page = make_page(qtbot, directory, "tangjun")
    qtbot.mouseClick(page.buttons["import"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.worker is None or not page.worker.busy, timeout=10000)
    qtbot.waitUntil(lambda: "文件内容损坏" in page.note.text(), timeout=10000)
    assert not [d for d in page.findChildren(QProgressDialog) if d.isVisible()]
