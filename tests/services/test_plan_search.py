"""Plan documents: importing the five seed gazettes, Chinese full-text search, and files refused."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from sqlalchemy import func, select

from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.actor import SYSTEM, Actor
from dutyroom.services.errors import PermissionDenied, UserError
from dutyroom.services.plan_documents import MAX_FILE_BYTES, PlanDocumentService, extract_text, find_all, terms
from dutyroom.services.plans import PlanService
from dutyroom.services.reference_data import load_reference_data
from dutyroom.store.models import AuditEntry, PlanDocument, User, UserRole
from tests.helpers.seeds import SEEDS

pytestmark = pytest.mark.both_backends  # each test on SQLite and on PostgreSQL (tests/helpers/databases.py)

SEED_FILES = sorted(SEEDS.glob("*.txt"))


@pytest.fixture
def library(db):
    profile = load_profile("dongcheng")
    load_reference_data(db, profile)
    PlanService(db, profile).seed_library(SYSTEM)
    with db.write() as s:
        u = User(username="officer", display_name="测试值班员", password_hash="x", roles=[UserRole(role="duty_officer")])
        s.add(u)
        s.flush()
        actor = Actor(u.id, u.username, u.display_name, frozenset({"duty_officer"}))
    plans = PlanService(db, profile).library(actor)
    return PlanDocumentService(db, profile), actor, plans


@pytest.fixture
def seeded(library):
    docs, actor, plans = library
    calls = []
    results = docs.import_files(actor, plans[0].id, SEED_FILES, progress=lambda d, t, n: calls.append((d, t, n)))
    assert all(r.ok for r in results), [r.message for r in results]
    assert calls[0] == (0, 5, SEED_FILES[0].name) and calls[-1] == (5, 5, "")
    return docs, actor, plans


def _containing(word: str) -> set[str]:
    """The seeds whose text holds the word, ignoring line breaks inside it (computed from the files)."""
    out = set()
    for path in SEED_FILES:
        flat = re.sub(r"\s+", "", path.read_text(encoding="utf-8"))
        if word in flat:
            out.add(path.name)
    return out


def test_two_character_words_find_exactly_the_seeds_that_contain_them(seeded):
    docs, actor, _ = seeded
    for word in ("燃气", "暴雨", "备案", "演练", "地震"):
        hits = docs.search(actor, word)
        assert {h.filename for h in hits} == _containing(word) and hits, word
    assert {h.filename[:5] for h in docs.search(actor, "燃气")} == {"beiji", "dongc", "pingg", "tongz"}
    assert {h.filename[:5] for h in docs.search(actor, "暴雨")} == {"dongc", "shiji", "tongz"}
    # a longer phrase, and two words that must both appear in a document
    assert {h.filename[:5] for h in docs.search(actor, "应急预案管理办法")} >= {"shiji"}
    assert {h.filename for h in docs.search(actor, "暴雨 预案管理办法")} == \
        _containing("暴雨") & _containing("预案管理办法")
    assert {h.filename for h in docs.search(actor, "燃气 演练")} == _containing("燃气") & _containing("演练")


def test_hit_jumps_to_the_matching_passage(seeded):
    docs, actor, _ = seeded
    for hit in docs.search(actor, "燃气"):
        body = docs.text_of(actor, hit.document_id)
        matched = body[hit.offset:hit.offset + hit.length]
        assert re.sub(r"\s+", "", matched) == "燃气"
        a, b = hit.snippet_match
        assert re.sub(r"\s+", "", hit.snippet[a:b]) == "燃气"
        assert (hit.offset, hit.length) in find_all(body, "燃气")


def test_a_word_broken_across_lines_is_still_found(library):
    docs, actor, plans = library
    docs.import_file(actor, plans[1].id, "broken.txt", "发生天然\n\n气泄漏时立即关闭阀门。".encode())
    hits = docs.search(actor, "天然气泄漏")
    assert [h.filename for h in hits] == ["broken.txt"]
    assert docs.text_of(actor, hits[0].document_id)[hits[0].offset:hits[0].offset + hits[0].length] == "天然\n\n气泄漏"


def test_one_character_query_and_latin_words(library):
    docs, actor, plans = library
    docs.import_file(actor, plans[1].id, "a.txt", "发生火情，拨打 119 报警。Fire drill on site.".encode())
    assert [h.filename for h in docs.search(actor, "火")] == ["a.txt"]
    assert [h.filename for h in docs.search(actor, "drill")] == ["a.txt"]
    assert [h.filename for h in docs.search(actor, "119")] == ["a.txt"]
    assert terms("燃气泄漏 Gas") == ["燃气", "气泄", "泄漏", "gas"]


def test_import_keeps_bytes_and_text_and_is_audited(seeded, db):
    docs, actor, plans = seeded
    views = docs.documents(actor, plans[0].id)
    assert [v.filename for v in views] == [p.name for p in SEED_FILES]
    _, data = docs.content_of(actor, views[0].id)
    assert data == SEED_FILES[0].read_bytes()
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)
                        .where(AuditEntry.action == "plan.document.import")) == 5
    again = docs.import_files(actor, plans[0].id, SEED_FILES[:1])
    assert not again[0].ok and "已导入" in again[0].message


def _docx(document_xml: bytes, compress=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compress) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", document_xml)
    return buf.getvalue()


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def test_docx_text_is_extracted_and_searchable(library):
    docs, actor, plans = library
    xml = f'<w:document {W}><w:body><w:p><w:r><w:t>燃气管网</w:t></w:r><w:r><w:t>抢修演练</w:t></w:r></w:p>' \
          f'<w:p><w:r><w:t>第二段</w:t></w:r></w:p></w:body></w:document>'.encode()
    view = docs.import_file(actor, plans[2].id, "演练方案.docx", _docx(xml))
    assert docs.text_of(actor, view.id) == "燃气管网抢修演练\n第二段"
    assert [h.filename for h in docs.search(actor, "抢修")] == ["演练方案.docx"]


@pytest.mark.parametrize(("name", "data", "message"), [
    ("bad.docx", b"PK\x03\x04 not really a zip", "不是有效的 DOCX"),
    ("nodoc.docx", None, "不是有效的 DOCX"),
    ("bomb.docx", "bomb", "压缩炸弹"),
    ("entity.docx", "entity", "DOCTYPE"),
    ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\ngarbage", "PDF"),
    ("fake.pdf", b"this is not a pdf", "不是有效的 PDF"),
    ("plan.exe", b"MZ", "只能导入"),
    ("empty.txt", b"", "空文件"),
    ("latin1.txt", bytes([0xff, 0xfe, 0x00, 0xd8, 0x81]), "编码"),
])
def test_malformed_files_are_refused_with_a_clear_message(library, name, data, message):
    docs, actor, plans = library
    if data is None:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("hello.txt", "no document part")
        data = buf.getvalue()
    elif data == "bomb":  # 40 MB of spaces squeezed into ~40 KB
        data = _docx(b"<w:document " + W.encode() + b">" + b" " * 40_000_000 + b"</w:document>")
        assert len(data) < 1_000_000
    elif data == "entity":  # billion laughs
        data = _docx(b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
                     b"<w:document " + W.encode() + b"><w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p>"
                     b"</w:body></w:document>")
    with pytest.raises(UserError, match=message) as exc:
        docs.import_file(actor, plans[0].id, name, data)
    assert name in str(exc.value)
    with docs.db.read() as s:
        assert s.scalar(select(func.count()).select_from(PlanDocument)) == 0  # nothing half-saved


def test_huge_file_is_refused_before_reading(library, tmp_path):
    docs, actor, plans = library
    big = tmp_path / "huge.txt"
    with big.open("wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk
    good = tmp_path / "good.txt"
    good.write_text("防汛物资储备点位清单", encoding="utf-8")
    results = docs.import_files(actor, plans[0].id, [big, good])
    assert [(r.filename, r.ok) for r in results] == [("huge.txt", False), ("good.txt", True)]
    assert "MB" in results[0].message
    with pytest.raises(UserError, match="MB"):
        extract_text("x.txt", b"a" * (MAX_FILE_BYTES + 1))


def test_pdf_text_is_extracted(library):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    docs, actor, plans = library
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.drawString(72, 760, "Gas pipeline emergency drill schedule 2026")
    c.showPage()
    c.drawString(72, 760, "Second page: evacuation routes")
    c.save()
    view = docs.import_file(actor, plans[0].id, "drill.pdf", buf.getvalue())
    assert "evacuation" in docs.text_of(actor, view.id)
    assert [h.filename for h in docs.search(actor, "pipeline")] == ["drill.pdf"]


def test_department_users_may_import_but_strangers_may_not(library):
    docs, _, plans = library
    stranger = Actor(999, "x", "无角色", frozenset())
    with pytest.raises(PermissionDenied):
        docs.import_file(stranger, plans[0].id, "a.txt", "内容".encode())
    with pytest.raises(PermissionDenied):
        docs.search(stranger, "燃气")
