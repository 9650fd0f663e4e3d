"""Plan documents: import PDF, DOCX and TXT files, keep the bytes and the extracted text, search them.

Import refuses what it cannot read safely, with a message naming the file: files over MAX_FILE_BYTES,
PDFs pypdf cannot open (or encrypted ones), DOCX files that are not zip archives, lack
word/document.xml, decompress to more than MAX_XML_BYTES (zip bombs) or carry a DOCTYPE/ENTITY
declaration (entity expansion, external entities: parsed by defusedxml, which refuses any DTD in any
encoding and position), PDFs whose streams use a filter that cannot be decoded, documents whose text runs
past MAX_TEXT_CHARS or takes longer than MAX_EXTRACT_SECONDS to extract, and text files in an unknown
encoding. File names are cleaned (clean_filename): the last path part only, control and bidi characters
dropped, at most MAX_NAME characters.

Search works for Chinese without a word segmenter: every run of CJK characters is written as its
overlapping two-character bigrams (燃气泄漏 → 燃气 气泄 泄漏), other text as lower-case words, and the
query is tokenised the same way and matched as a phrase. On SQLite the terms live in an FTS5 table
(plan_passage_fts, created by migration 0002); on PostgreSQL, and for one-character queries, the
passages' text is scanned (LIKE). Hits are passages: each result carries the document, the
character offset of the match in the extracted text and a snippet, so the viewer can open there.
Line breaks inside a sentence (the gazettes are hard-wrapped) do not hide a word: whitespace between
CJK characters is ignored for indexing and matching.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import time
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Float, Integer, column, select, text
from sqlalchemy.orm import Session

from ..domain.text import clean_text
from ..store import audit
from ..store.database import Database
from ..store.models import Plan, PlanDocument, PlanPassage, PlanVersion
from .actor import Actor, rechecked
from .errors import NotFound, UserError
from .guard import require

MAX_FILE_BYTES = 50 * 1024 * 1024  # one plan document
MAX_XML_BYTES = 30 * 1024 * 1024  # word/document.xml once decompressed
MAX_ZIP_MEMBERS = 2000
MAX_RATIO = 200  # decompressed / compressed size of one zip member
MAX_PDF_PAGES = 2000
MAX_TEXT_CHARS = 3_000_000  # extracted from one document: a 2,000-page plan holds about 1.5 million characters
MAX_EXTRACT_SECONDS = 20  # of text extraction for one document
MAX_NAME = 120  # characters of a document's file name
PASSAGE_MIN, PASSAGE_MAX = 200, 800  # characters per search passage
MAX_RESULTS = 1000  # documents listed per search
MIMES = {".pdf": "application/pdf", ".txt": "text/plain",
         ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_TOKEN = re.compile(f"[{_CJK}]+|[0-9A-Za-z\u00c0-\u024f]+")
_WS_BETWEEN_CJK = re.compile(f"(?<=[{_CJK}])\\s+(?=[{_CJK}])")


# ---------------------------------------------------------------- tokenising (index and query alike)


def terms(text_: str) -> list[str]:
    """CJK runs as overlapping bigrams (a lone character as itself), other words lower-cased."""
    out: list[str] = []
    for m in _TOKEN.finditer(_WS_BETWEEN_CJK.sub("", text_)):
        tok = m.group()
        if _CJK_RUN.fullmatch(tok):
            out.extend([tok] if len(tok) == 1 else [tok[i:i + 2] for i in range(len(tok) - 1)])
        else:
            out.append(tok.lower())
    return out


def fts_query(query: str) -> str | None:
    """An FTS5 MATCH expression: each space-separated part is a phrase of its terms; None when a part
    cannot be matched through bigrams (a single CJK character), so the caller scans instead."""
    phrases = []
    for part in query.split():
        toks = terms(part)
        if not toks:
            continue
        if any(len(t) == 1 and _CJK_RUN.fullmatch(t) for t in toks):
            return None
        phrases.append('"' + " ".join(t.replace('"', "") for t in toks) + '"')
    return " AND ".join(phrases) if phrases else None


def _pattern(part: str) -> re.Pattern[str]:
    """The query part as a regex over the original text: whitespace allowed between its characters."""
    chars = [re.escape(c) for c in part if not c.isspace()]
    return re.compile(r"\s*".join(chars), re.IGNORECASE)


def split_passages(text_: str) -> list[tuple[int, str]]:
    """(offset, passage) pieces of roughly PASSAGE_MIN..PASSAGE_MAX characters, cut after a sentence end
    (else a line end), so a word never spans two passages unless a sentence runs past PASSAGE_MAX."""
    out: list[tuple[int, str]] = []
    start, n = 0, len(text_)
    while start < n:
        end = min(n, start + PASSAGE_MAX)
        if end < n:
            window = text_[start + PASSAGE_MIN:end]
            # a sentence end first: the gazettes are hard-wrapped, a line end may fall inside a word
            cut = max(window.rfind(c) for c in "。；！？")
            if cut < 0:
                cut = window.rfind("\n")
            if cut >= 0:
                end = start + PASSAGE_MIN + cut + 1
        piece = text_[start:end]
        if piece.strip():
            out.append((start, piece))
        start = end
    return out


# ---------------------------------------------------------------- extraction


def clean_filename(filename: str) -> str:
    """The name a document is kept and shown under: the last part of a path (either slash), NFC-composed, without
    control, format (bidi: "计划\u202excod.exe" reads as "计划exe.docx") or surrogate characters, at most MAX_NAME
    characters with its suffix kept."""
    name = re.split(r"[\\/]", str(filename))[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    name = unicodedata.normalize("NFC", name).strip().strip(".") or "未命名"
    if len(name) > MAX_NAME:
        suffix = Path(name).suffix[:10]
        name = name[:MAX_NAME - len(suffix)] + suffix
    return name


def _refuse(name: str, zh: str, en: str) -> UserError:
    return UserError(f"文件 {name}：{zh}", f"file {name}: {en}")


def extract_text(filename: str, data: bytes) -> str:
    """The text of a PDF, DOCX or TXT file; UserError naming the file when it cannot be read safely."""
    suffix = Path(filename).suffix.lower()
    if len(data) > MAX_FILE_BYTES:
        raise _refuse(filename, f"超过 {MAX_FILE_BYTES // 1024 // 1024} MB，未导入",
                      f"larger than {MAX_FILE_BYTES // 1024 // 1024} MB, not imported")
    if not data:
        raise _refuse(filename, "是空文件", "is empty")
    if suffix in (".txt", ".docx"):
        body = _txt(filename, data) if suffix == ".txt" else _docx(filename, data)
        if len(body) > MAX_TEXT_CHARS:  # as for PDFs (checked while they are read)
            raise _refuse(filename, f"文字超过 {MAX_TEXT_CHARS // 10000} 万字，未导入",
                          f"more than {MAX_TEXT_CHARS:,} characters of text, not imported")
        return body
    if suffix == ".pdf":
        return _pdf(filename, data)
    raise _refuse(filename, "只能导入 PDF、DOCX 或 TXT 文件", "only PDF, DOCX or TXT files can be imported")


def _txt(name: str, data: bytes) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc).replace("\r\n", "\n")
        except UnicodeDecodeError:
            continue
    raise _refuse(name, "文本编码无法识别（应为 UTF-8 或 GB18030）", "unknown text encoding (UTF-8 or GB18030 expected)")


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx(name: str, data: bytes) -> str:
    import xml.etree.ElementTree as ET

    import defusedxml.ElementTree as DefusedET
    from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

    bad = _refuse(name, "不是有效的 DOCX 文件", "not a valid DOCX file")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise bad from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise _refuse(name, "压缩包内文件过多，疑似恶意文件", "too many archive members (suspicious file)")
        try:
            info = archive.getinfo("word/document.xml")
        except KeyError:
            raise bad from None
        if info.file_size > MAX_XML_BYTES or info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _refuse(name, "解压后过大（疑似压缩炸弹），未导入", "decompresses too far (zip bomb?), not imported")
        try:
            with archive.open(info) as fh:
                xml = fh.read(MAX_XML_BYTES + 1)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
            raise bad from None
        if len(xml) > MAX_XML_BYTES:  # the header lied about the size
            raise _refuse(name, "解压后过大（疑似压缩炸弹），未导入", "decompresses too far (zip bomb?), not imported")
    # defusedxml refuses a DOCTYPE wherever it stands and in whatever encoding (UTF-16, after 4 KB of comments):
    # no entity is ever expanded, no external one fetched (issue 17)
    try:
        root = DefusedET.fromstring(xml, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden):
        raise _refuse(name, "含有 DOCTYPE/实体声明，出于安全原因拒绝导入",
                      "contains a DOCTYPE/entity declaration, refused for safety") from None
    except (ET.ParseError, ValueError, UnicodeError):
        raise bad from None
    paragraphs = []
    for p in root.iter(f"{_W}p"):
        parts = []
        for node in p.iter():
            if node.tag == f"{_W}t" and node.text:
                parts.append(node.text)
            elif node.tag == f"{_W}tab":
                parts.append("\t")
            elif node.tag in (f"{_W}br", f"{_W}cr"):
                parts.append("\n")
        paragraphs.append("".join(parts))
    return "\n".join(paragraphs)


class _Budget:
    """Counts the text pypdf extracts (its visitor sees every piece, nested forms included) and the time it takes:
    a 22 KB PDF that draws a form drawing a form ... gave 5,000,000 characters in 77 s (issue 17)."""

    def __init__(self, name: str):
        self.name, self.chars, self.started = name, 0, time.monotonic()

    def take(self, text_: str, *_args) -> None:
        self.chars += len(text_)
        if self.chars > MAX_TEXT_CHARS:
            raise _refuse(self.name, f"提取的文字超过 {MAX_TEXT_CHARS // 10000} 万字，疑似恶意文件，未导入",
                          f"more than {MAX_TEXT_CHARS:,} characters of text (a hostile file?), not imported")
        if time.monotonic() - self.started > MAX_EXTRACT_SECONDS:
            raise _refuse(self.name, f"提取文字超过 {MAX_EXTRACT_SECONDS} 秒，疑似恶意文件，未导入",
                          f"extracting its text took over {MAX_EXTRACT_SECONDS} s (a hostile file?), not imported")


def _pdf(name: str, data: bytes) -> str:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise _refuse(name, "不是有效的 PDF 文件", "not a valid PDF file")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _refuse(name, "PDF 已加密，请先解除密码", "the PDF is encrypted")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise _refuse(name, f"超过 {MAX_PDF_PAGES} 页", f"more than {MAX_PDF_PAGES} pages")
        budget = _Budget(name)
        pages = []
        for page in reader.pages:
            pages.append(page.extract_text(visitor_text=budget.take) or "")
            budget.take(pages[-1][:0])  # the clock also between pages
    except UserError:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, OSError):
        raise _refuse(name, "PDF 文件已损坏或无法读取", "the PDF is damaged or unreadable") from None
    except NotImplementedError:  # a stream filter pypdf does not decode (/FooDecode, /JBIG2Decode without jbig2dec)
        raise _refuse(name, "PDF 使用了无法解码的压缩方式，未导入", "the PDF uses a compression that cannot be decoded") \
            from None
    except Exception:  # anything else a hostile PDF makes pypdf raise (DependencyError, ...): a message, not a traceback
        raise _refuse(name, "PDF 文件已损坏或无法读取", "the PDF is damaged or unreadable") from None
    if not any(p.strip() for p in pages):
        raise _refuse(name, "PDF 中没有可提取的文字（扫描件请先识别文字）", "no extractable text (scanned?)")
    return "\n".join(pages)


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class DocumentView:
    id: int
    plan_id: int
    plan_version_id: int
    filename: str
    mime: str | None
    sha256: str
    size: int
    chars: int
    imported_at: dt.datetime


@dataclass(frozen=True)
class ImportResult:
    filename: str
    ok: bool
    message: str
    document: DocumentView | None = None


@dataclass(frozen=True)
class SearchHit:
    document_id: int
    plan_id: int
    plan_name: str
    plan_type: str
    filename: str
    offset: int  # of the match in the document's extracted text
    length: int  # characters of the match (whitespace inside it included)
    snippet: str
    snippet_match: tuple[int, int]  # (start, end) of the match inside snippet
    hits: int  # matching passages in this document


# ---------------------------------------------------------------- service


@rechecked
class PlanDocumentService:
    def __init__(self, db: Database, profile):
        self.db = db
        self.profile = profile

    # ------------------------------------------------------------ import

    def import_file(self, actor: Actor, plan_id: int, filename: str, data: bytes) -> DocumentView:
        """Import one file into the plan's current version (the newest one)."""
        require(actor, "plan.document.import")
        name = clean_filename(filename)
        body = extract_text(name, data)
        if not body.replace("\ufeff", "").strip():
            raise UserError(f"文件“{name}”没有可检索的文字内容", f"{name} holds no searchable text")
        digest = hashlib.sha256(data).hexdigest()
        with self.db.write() as s:
            plan = s.get(Plan, plan_id)
            if plan is None or plan.profile_key != self.profile.key:
                raise NotFound(f"没有编号为 {plan_id} 的预案", f"no plan {plan_id}")
            version = s.scalar(select(PlanVersion).where(PlanVersion.plan_id == plan_id)
                               .order_by(PlanVersion.id.desc()).limit(1))
            if version is None:
                raise UserError("该预案还没有版本，请先登记编制", "the plan has no version yet")
            dup = s.scalar(select(PlanDocument.id).where(PlanDocument.plan_version_id == version.id,
                                                         PlanDocument.sha256 == digest))
            if dup:
                raise _refuse(name, "已导入到该版本（内容相同）", "already imported into this version")
            doc = PlanDocument(plan_version_id=version.id, filename=name, mime=MIMES.get(Path(name).suffix.lower()),
                               sha256=digest, content=data, extracted_text=body, imported_by_id=actor.id)
            s.add(doc)
            s.flush()
            self._index(s, doc.id, body)
            audit.record_by(s, actor, action="plan.document.import",
                            entity="plan_document", entity_id=doc.id,
                            after={"plan_id": plan_id, "version_id": version.id, "filename": name, "sha256": digest,
                                "bytes": len(data), "chars": len(body)})
            return _doc_view(doc, plan_id)

    def import_files(self, actor: Actor, plan_id: int, files: Sequence[tuple[str, bytes] | str | Path],
                     progress: Callable[[int, int, str], object] | None = None) -> list[ImportResult]:
        """Import several files, each in its own transaction: a bad file is reported, the others go in.
        `progress(done, total, filename)` is called before each file and once at the end; a callback
        returning False cancels the rest."""
        results: list[ImportResult] = []
        total = len(files)
        for i, item in enumerate(files):
            if isinstance(item, (str, Path)):
                path = Path(item)
                name = clean_filename(path.name)
                try:
                    if path.stat().st_size > MAX_FILE_BYTES:
                        raise _refuse(name, f"超过 {MAX_FILE_BYTES // 1024 // 1024} MB，未导入",
                                      f"larger than {MAX_FILE_BYTES // 1024 // 1024} MB, not imported")
                    data = path.read_bytes()
                except OSError as exc:
                    results.append(ImportResult(name, False, f"无法读取：{exc.strerror}"))
                    continue
                except UserError as exc:
                    results.append(ImportResult(name, False, exc.message))
                    continue
            else:
                name, data = clean_filename(item[0]), item[1]
            if progress is not None and progress(i, total, name) is False:
                break
            try:
                view = self.import_file(actor, plan_id, name, data)
            except UserError as exc:
                results.append(ImportResult(name, False, exc.message))
            else:
                results.append(ImportResult(name, True, "", view))
        if progress is not None:
            progress(total, total, "")
        return results

    def _index(self, s: Session, document_id: int, body: str) -> None:
        rows = [PlanPassage(document_id=document_id, seq=i, start=start, text=piece)
                for i, (start, piece) in enumerate(split_passages(body))]
        s.add_all(rows)
        s.flush()
        if self.db.is_sqlite and rows:  # an executemany needs at least one row
            s.execute(text("INSERT INTO plan_passage_fts(rowid, terms) VALUES (:id, :terms)"),
                      [{"id": r.id, "terms": " ".join(terms(r.text))} for r in rows])

    # ------------------------------------------------------------ reading

    def documents(self, actor: Actor, plan_id: int) -> list[DocumentView]:
        require(actor, "plan.view")
        with self.db.read() as s:
            rows = s.execute(select(PlanDocument, PlanVersion.plan_id)
                             .join(PlanVersion, PlanVersion.id == PlanDocument.plan_version_id)
                             .where(PlanVersion.plan_id == plan_id).order_by(PlanDocument.id)).all()
            return [_doc_view(d, pid) for d, pid in rows]

    def text_of(self, actor: Actor, document_id: int) -> str:
        require(actor, "plan.view")
        with self.db.read() as s:
            body = s.scalar(select(PlanDocument.extracted_text).where(PlanDocument.id == document_id))
            if body is None:
                raise NotFound(f"没有编号为 {document_id} 的预案文件", f"no plan document {document_id}")
            return body

    def content_of(self, actor: Actor, document_id: int) -> tuple[str, bytes]:
        """The original file (name, bytes), e.g. to save a copy."""
        require(actor, "plan.view")
        with self.db.read() as s:
            doc = s.get(PlanDocument, document_id)
            if doc is None:
                raise NotFound(f"没有编号为 {document_id} 的预案文件", f"no plan document {document_id}")
            return doc.filename, doc.content

    # ------------------------------------------------------------ search

    def search(self, actor: Actor, query: str, limit: int = MAX_RESULTS) -> list[SearchHit]:
        """Documents whose text contains every space-separated part of `query`, best first; each hit
        is the best matching passage with the match's offset in the document."""
        require(actor, "plan.view")
        if isinstance(query, str):
            query = " ".join(query.split("\t")).replace("\n", " ")
        # the one input policy (issue 17): control characters and lone surrogates refused, 200 characters at most
        query = clean_text(query, field=("检索词", "the search text"), max_len=200) or ""
        parts = [p for p in query.split() if terms(p)]
        if not parts:
            return []
        with self.db.read() as s:
            per_part = [self._passages(s, part) for part in parts]
        # every part must occur somewhere in the document (not necessarily in the same passage)
        docs = set.intersection(*({r[0] for r in rows} for rows in per_part))
        pattern = _pattern(parts[0])
        best: dict[int, SearchHit] = {}
        counts: dict[int, int] = {}
        for doc_id, start, body, plan_id, plan_name, plan_type, filename in per_part[0]:
            if doc_id not in docs:
                continue
            m = pattern.search(body)
            if m is None:
                continue  # bigrams all present but not as the phrase in the original (rare): not a hit
            counts[doc_id] = counts.get(doc_id, 0) + 1
            if doc_id in best:
                continue
            snip_from = max(0, m.start() - 40)
            snippet = body[snip_from:m.end() + 80].replace("\n", " ")
            best[doc_id] = SearchHit(doc_id, plan_id, plan_name, plan_type, filename, start + m.start(),
                                     m.end() - m.start(), snippet, (m.start() - snip_from, m.end() - snip_from), 0)
        hits = [SearchHit(**{**h.__dict__, "hits": counts[h.document_id]}) for h in best.values()]
        return hits[:limit]

    def _passages(self, s: Session, part: str) -> list:
        """(document, start, text, plan id, plan name, plan type, filename) of the passages matching one
        query part, best first (FTS5 rank) or in document order (scan)."""
        base = (select(PlanPassage.document_id, PlanPassage.start, PlanPassage.text, Plan.id, Plan.name,
                       Plan.plan_type, PlanDocument.filename)
                .join(PlanDocument, PlanDocument.id == PlanPassage.document_id)
                .join(PlanVersion, PlanVersion.id == PlanDocument.plan_version_id)
                .join(Plan, Plan.id == PlanVersion.plan_id)
                .where(Plan.profile_key == self.profile.key, Plan.active.is_(True)))
        match = fts_query(part) if self.db.is_sqlite else None
        if match is not None:
            fts = text("SELECT rowid AS id, rank FROM plan_passage_fts WHERE plan_passage_fts MATCH :q") \
                .bindparams(q=match).columns(column("id", Integer), column("rank", Float)).subquery()
            return list(s.execute(base.join(fts, fts.c.id == PlanPassage.id).order_by(fts.c.rank)).all())
        # as _pattern reads it: whitespace may break the phrase (a word wrapped across lines; no FTS5 on PostgreSQL)
        stmt = base.where(PlanPassage.text.regexp_match(_pattern(part).pattern, flags="i"))
        return list(s.execute(stmt.order_by(PlanPassage.document_id, PlanPassage.seq)).all())


def find_all(body: str, query: str) -> list[tuple[int, int]]:
    """(offset, length) of every match of the query's first part in a document's text (for the viewer)."""
    parts = [p for p in query.split() if terms(p)]
    if not parts:
        return []
    return [(m.start(), m.end() - m.start()) for m in _pattern(parts[0]).finditer(body)]


def _doc_view(d: PlanDocument, plan_id: int) -> DocumentView:
    return DocumentView(d.id, plan_id, d.plan_version_id, d.filename, d.mime, d.sha256, len(d.content or b""),
                        len(d.extracted_text or ""), d.imported_at)
