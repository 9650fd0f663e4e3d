"""Issue 17, finding 7: inputs that ended in a traceback (or a draft that can never be submitted) are answered
with a message. One test per case of the finding; the GUI case (the import worker's progress dialog) is in
tests/gui/test_gui_hostile_imports.py, the property tests over every entry point in
tests/services/test_input_properties.py."""

from __future__ import annotations

import io
import json
import os
import resource
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dutyroom.services import plan_documents
from dutyroom.services.contacts_excel import read_rows
from dutyroom.services.errors import UserError
from dutyroom.services.plan_documents import extract_text
from dutyroom.store.models import Incident
from tests.gui.test_gui_hostile_imports import xlsx_with_a_control_character_reference
from tests.helpers.cli import as_user
from tests.helpers.databases import build_demo
from tests.helpers.incidents import RECEIVED, intake

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


# ---------------------------------------------------------------- counts and public-health facts


@pytest.mark.parametrize("typed", ["①", "²", "10²", "❶", "⑽"])
def test_circled_and_superscript_counts_are_refused_with_a_message(desk, typed):
    saved = desk.incidents().save_draft(desk["zhouning"], None, intake(deaths=typed), now=RECEIVED)
    assert [p.field for p in saved.problems] == ["deaths"]
    assert "阿拉伯数字" in saved.problems[0].zh
    assert saved.incident.deaths == 0  # nothing read into the count


def test_full_width_counts_are_still_read(desk):
    saved = desk.incidents().save_draft(desk["zhouning"], None, intake(deaths="３", injured="１２人"), now=RECEIVED)
    assert not saved.problems and (saved.incident.deaths, saved.incident.injured) == (3, 12)


@pytest.mark.parametrize("value", ["inf", "1e400", "nan", float("nan"), float("inf"), 10**400, "-inf"])
def test_public_health_facts_that_can_never_be_submitted_are_not_saved(desk, value):
    """Plan 3.2 (Pinggu public-health grading, tests/data/seeds/pinggu_2022_general_plan_and_public_health_plan.txt
    L3001): the case counts decide the grade, so a count the grading cannot read must be refused at once."""
    svc = desk.incidents("pinggu")
    saved = svc.save_draft(desk["zhouning"], None, intake("pinggu", "public_health", health={"cases": value}),
                           now=RECEIVED)
    assert [p.field for p in saved.problems] == ["health"]
    assert saved.incident.health == {}


# ---------------------------------------------------------------- text


def test_a_lone_surrogate_in_a_description_is_refused_with_a_message(desk):
    with pytest.raises(UserError, match="孤立的代理项"):
        desk.incidents().register(desk["zhouning"], intake(description="现场\ud800起火"), now=RECEIVED)
    saved = desk.incidents().save_draft(desk["zhouning"], None, intake(description="现场\udfff起火"), now=RECEIVED)
    assert [p.field for p in saved.problems] == ["description"]
    with desk.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Incident).where(Incident.status != "draft")) == 0


def test_bidi_controls_are_refused_and_text_is_composed(desk):
    with pytest.raises(UserError, match="控制字符"):
        desk.incidents().register(desk["zhouning"], intake(description="报警人称\u202e火起"), now=RECEIVED)
    view = desk.incidents().register(desk["zhouning"], intake(description="Cafe\u0301 门前有人受伤"), now=RECEIVED)
    assert view.description == "Café 门前有人受伤"  # one encoding (NFC)


# ---------------------------------------------------------------- contacts search


def test_a_50_kb_contacts_search_is_refused_not_a_sqlite_error(directory):
    with pytest.raises(UserError, match="过长"):
        directory.contacts.search(directory["zhouning"], "张" * 51_200)
    with pytest.raises(UserError, match="过长"):
        directory.contacts.search(directory["zhouning"], "a%_" * 20_000)


def test_a_contacts_search_with_nul_does_not_return_every_row(directory):
    with pytest.raises(UserError, match="控制字符"):
        directory.contacts.search(directory["zhouning"], "\x00")
    with pytest.raises(UserError, match="控制字符"):
        directory.contacts.search(directory["zhouning"], "周\x00")


def test_full_width_and_pasted_line_breaks_still_search(directory):
    hits = directory.contacts.search(directory["zhouning"], "ｚｎ").hits
    assert any(h.person == "周宁" for h in hits)
    assert directory.contacts.search(directory["zhouning"], "周宁\n").total >= 1


# ---------------------------------------------------------------- files


def test_an_xlsx_with_a_control_character_reference_is_refused_with_a_message(directory):
    with pytest.raises(UserError, match="文件内容损坏"):
        read_rows(xlsx_with_a_control_character_reference())
    with pytest.raises(UserError, match="文件内容损坏"):
        directory.excel.import_file(directory["tangjun"], xlsx_with_a_control_character_reference())


def _pdf(content: bytes, filt: bytes | None = None, forms: list[bytes] = (), resources: bytes | None = None) -> bytes:
    """A one-page PDF whose content stream is `content` (with /Filter `filt`), extra objects `forms` from 6 on."""
    resources = resources or b"<< /Font << /F1 4 0 R >> >>"
    stream = (b"<< " + (b"/Filter /%s " % filt if filt else b"") + b"/Length %d >>\nstream\n" % len(content)
              + content + b"\nendstream")
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R /Resources " + resources + b" >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", stream, *forms]
    out, offsets = b"%PDF-1.4\n", []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)


TEXT = b"BT /F1 12 Tf 72 700 Td (Emergency plan text) Tj ET"


@pytest.mark.parametrize(("filt", "zh"), [(b"JBIG2Decode", "无法"), (b"FooDecode", "无法解码")])
def test_pdfs_with_an_undecodable_filter_are_refused_with_a_message(filt, zh):
    assert "Emergency plan text" in extract_text("ok.pdf", _pdf(TEXT))
    with pytest.raises(UserError, match=zh):
        extract_text("plan.pdf", _pdf(TEXT, filt))


def text_bomb(depth: int = 5, fan: int = 10, leaf_chars: int = 5000) -> bytes:
    """A few KB of PDF: the page draws a form that draws the next form `fan` times … the last shows `leaf_chars`
    letters: fan**(depth-1) * leaf_chars characters of text (22,500,000 by default, 17 s of pypdf)."""
    forms = []
    for k in range(depth):
        last = k == depth - 1
        draw = b"BT /F1 12 Tf (" + b"A" * leaf_chars + b") Tj ET" if last else (b"/X%d Do " % (k + 1)) * fan
        res = (b"<< /Font << /F1 4 0 R >> >>" if last
               else b"<< /Font << /F1 4 0 R >> /XObject << /X%d %d 0 R >> >>" % (k + 1, 7 + k))
        forms.append(b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources " + res
                     + b" /Length %d >>\nstream\n" % len(draw) + draw + b"\nendstream")
    return _pdf(b"/X0 Do", forms=forms, resources=b"<< /Font << /F1 4 0 R >> /XObject << /X0 6 0 R >> >>")


def test_a_small_pdf_expanding_to_millions_of_characters_is_stopped_early():
    data = text_bomb()
    assert len(data) < 22_000
    started = time.monotonic()
    with pytest.raises(UserError, match="疑似恶意文件"):
        extract_text("bomb.pdf", data)
    assert time.monotonic() - started < plan_documents.MAX_EXTRACT_SECONDS


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
BODY = f"<w:document {W}><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
DTD = '<!DOCTYPE d [<!ENTITY a "AAAAAAAAAA"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'


def _docx(xml: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", xml)
    return buf.getvalue()


@pytest.mark.parametrize("xml", [
    ('<?xml version="1.0" encoding="UTF-16"?>' + DTD + BODY).encode("utf-16"),  # the 4 KB check read bytes
    ('<?xml version="1.0"?><!--' + "x" * 5000 + '--><!DOCTYPE w:document SYSTEM "http://example.invalid/a.dtd">'
     + BODY.replace("&b;", "text")).encode(),  # a DOCTYPE after 4 KB
    ('<?xml version="1.0" encoding="UTF-16"?><!--' + "x" * 5000 + "-->" + DTD + BODY).encode("utf-16"),
], ids=["utf16", "late-doctype", "utf16-late"])
def test_docx_with_a_doctype_anywhere_is_refused_and_expands_no_entity(xml):
    with pytest.raises(UserError, match="DOCTYPE"):
        extract_text("plan.docx", _docx(xml))


@pytest.mark.parametrize(("given", "kept"), [
    ("C:\\Users\\zhou\\预案\\总体预案.docx", "总体预案.docx"),
    ("../../etc/预案.pdf", "预案.pdf"),
    ("应急预案\u202excod.exe", "应急预案xcod.exe"),
    ("预案\x00\x07.txt", "预案.txt"),
    ("长" * 500 + ".pdf", "长" * 116 + ".pdf"),
])
def test_document_file_names_are_cleaned(given, kept):
    from dutyroom.services.plan_documents import clean_filename

    assert clean_filename(given) == kept


# ---------------------------------------------------------------- the command line


def _cli(*args: str, stdin: str = "", preexec=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dutyroom", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, env=ENV, preexec_fn=preexec, timeout=120)


@pytest.mark.parametrize("facts", [
    {"category": "accident", "occurred_at": "9999-12-31T23:59:00-23:59", "received_at": "9999-12-31T23:59:00-23:59"},
    {"category": "accident", "occurred_at": "0001-01-01T00:00:00+23:59", "received_at": "0001-01-01T00:01:00+23:59"},
    {"category": "accident", "received_at": "9999-12-31T23:59:59"},
])
def test_rules_incident_with_extreme_years_answers_with_a_message(facts):
    done = _cli("rules", "incident", "-", stdin=json.dumps(facts))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "时间不合理" in done.stderr


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, '{"health": ' + "{\"a\": " * 50_000 + "1" + "}" * 50_001])
def test_rules_incident_with_100000_nested_brackets_answers_with_a_message(text):
    done = _cli("rules", "incident", "-", stdin=text)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "嵌套层数过多" in done.stderr


def _file_size_limit(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
    return apply


@pytest.fixture
def demo_file(template_db, tmp_path) -> Path:
    db = template_db("demo", build_demo, file="demo.db")
    db.dispose()
    return tmp_path / "demo.db"


def test_backup_under_a_file_size_limit_answers_with_a_message(demo_file, tmp_path):
    target = tmp_path / "backups" / "b.db"
    target.parent.mkdir()
    done = _cli("backup", str(target), "--db", str(demo_file), *as_user("admin", folder=tmp_path),
                preexec=_file_size_limit(64 * 1024))
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode != 0 and "磁盘" in done.stderr
    assert list(target.parent.iterdir()) == []


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_an_export_stopped_by_a_full_disk_leaves_no_part_file(demo_file, tmp_path, fmt):
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / f"值班日志.{fmt}"
    done = subprocess.run([sys.executable, "-m", "tests.helpers.children.limited_export", f"sqlite:///{demo_file}",
                           str(target), fmt, str(20 * 1024)], capture_output=True, text=True, cwd=ROOT, env=ENV,
                          timeout=300)
    assert done.returncode == 0 and done.stdout.startswith("refused"), done.stdout + done.stderr[-2000:]
    assert list(folder.iterdir()) == []  # neither the file nor a 0-byte or half-written .part
