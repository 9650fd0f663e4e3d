"""Contacts import from and export to Excel (.xlsx).

Column layout (one header row; a title row above it is allowed, as the export writes one; columns in
any order; only 单位 is required):

    单位      unit name (or one of its aliases); a new unit is created
    上级单位  parent unit (created when missing)
    别名      the unit's aliases, separated by 、 ， ; (added; an import never removes one)
    职务      the post in the unit (局长, 值班室); a new post is created
    姓名      the person holding the post; needs 职务. Someone else already in the post stays (a post may
              have several holders); leaving a post is recorded in the app, with a date
    办公电话  the post's office phone (needs 职务)
    手机      the person's mobile (needs 姓名)
    值班电话  the post's duty phone, or the unit's when 职务 is empty
    传真      the post's fax, or the unit's when 职务 is empty
    备注      a note on the person (needs 姓名)

Accepted header synonyms: 单位名称/部门 → 单位, 岗位/职位 → 职务, 联系人 → 姓名, 手机号/手机号码/移动电话 →
手机, 办公室电话/座机 → 办公电话, 值班室电话 → 值班电话, 传真号 → 传真.

Rules: an empty cell never clears a stored value (clearing is an edit in the app); a non-empty cell
overwrites it. A bad row is reported with its Excel row number and the reason, and nothing of it is
stored. The file is read and checked, and the directory loaded, outside any write transaction; the good rows
are then stored in short write transactions (batches of CHUNK_SECONDS, with a pause between them), so
another seat's write never waits more than about half a second behind an import (issue 17: a 9,000-row
import held the lock for 25 s and the other seat's duty-log write failed). Each row sits inside a savepoint:
a row the database refuses — an alias owned by another unit — is reported and the others still go in; any
other error rolls back the batch it happened in, and the batches before it stay (importing the same file
again skips the stored rows, see below). Cancelling keeps the batches already stored and says how far the
import got. A dry run (检查) is one transaction, rolled back. Each row that changes something writes one audit entry
(contacts.import.row: every unit, post, person and appointment it created or changed, before and
after), and the import one summary entry (contacts.import). Re-importing the same file changes
nothing and writes no audit entry: a row equal to what is stored is recognised without a query.

Refused files (a message, nothing read): not an .xlsx (zip) file, larger than MAX_FILE_BYTES, a zip
whose members expand beyond MAX_UNPACKED_BYTES or with a compression ratio above MAX_RATIO (zip
bomb), more than MAX_ROWS rows, no header row with 单位.
"""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.clock import today_or
from ..domain.contact_search import phone_problem
from ..store import audit
from ..store.database import Database
from ..store.models import Appointment, Organisation, OrganisationAlias, Person, Post
from ..store.scratch import scratch_copy
from .actor import Actor, rechecked
from .contacts import (
    LIMITS,
    OrganisationInput,
    PersonInput,
    PostInput,
    _current,
    alias_names,
    appoint_in,
    current_holders,
    fill_search_keys,
    save_organisation,
    save_person,
    save_post,
)
from .errors import UserError
from .guard import require
from .reference_data import _org_kind as reference_org_kind

COLUMNS = ("单位", "上级单位", "别名", "职务", "姓名", "办公电话", "手机", "值班电话", "传真", "备注")
SYNONYMS = {"单位名称": "单位", "部门": "单位", "岗位": "职务", "职位": "职务", "联系人": "姓名", "手机号": "手机",
            "手机号码": "手机", "移动电话": "手机", "办公室电话": "办公电话", "座机": "办公电话",
            "值班室电话": "值班电话", "传真号": "传真"}
PHONE_COLUMNS = ("办公电话", "手机", "值班电话", "传真")
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 100
MAX_MEMBERS = 500
MAX_ROWS = 20000
HEADER_SCAN_ROWS = 5
CHUNK_SECONDS = 0.5  # one write transaction of an import: rows are stored in batches that end after this long
YIELD_SECONDS = 0.12  # between two batches: longer than SQLite's busy-handler poll (100 ms), so a waiting seat gets in
SHEET_TITLE = "通讯录"


@dataclass(frozen=True)
class RowProblem:
    row: int  # the Excel row number
    zh: str
    en: str

    def text(self, language: str = "zh_CN") -> str:
        return self.en if language == "en" else self.zh


@dataclass(frozen=True)
class ImportReport:
    sheet: str
    rows: int  # data rows read (empty rows not counted)
    imported: int  # good rows
    problems: tuple[RowProblem, ...]  # bad rows: nothing of them was stored
    notes: tuple[RowProblem, ...]  # good rows with something to know (a second holder in a post)
    created: dict[str, int] = field(default_factory=dict)  # organisation / post / person / appointment
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0  # good rows that changed nothing
    dry_run: bool = False

    @property
    def bad_rows(self) -> tuple[int, ...]:
        return tuple(sorted({p.row for p in self.problems}))

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())


@dataclass
class _Row:
    number: int
    values: dict[str, str]
    extra: dict[str, str]  # unknown columns with content


class _RowRefused(Exception):
    def __init__(self, zh: str, en: str):
        super().__init__(zh)
        self.zh, self.en = zh, en


class _DryRun(Exception):
    pass


class _Cancelled(Exception):
    pass


# ---------------------------------------------------------------- reading the file safely


def _refuse(zh: str, en: str) -> UserError:
    return UserError(f"无法导入：{zh}", f"cannot import: {en}")


def read_bytes(source: str | Path | bytes | BinaryIO) -> bytes:
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise _refuse(f"找不到文件 {path}", f"file not found: {path}")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise _refuse(f"文件过大（超过 {MAX_FILE_BYTES // 1024 // 1024} MB）",
                          f"the file is larger than {MAX_FILE_BYTES // 1024 // 1024} MB")
        data = path.read_bytes()
    else:
        data = source.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _refuse(f"文件过大（超过 {MAX_FILE_BYTES // 1024 // 1024} MB）",
                      f"the file is larger than {MAX_FILE_BYTES // 1024 // 1024} MB")
    return data


def check_container(data: bytes) -> None:
    """An .xlsx is a zip: refuse anything else, and zips that would expand into a bomb."""
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise _refuse("这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 后再导入",
                      "this is an old Excel (.xls) file: save it as .xlsx first")
    if not data.startswith(b"PK"):
        raise _refuse("文件不是 Excel（.xlsx）格式", "the file is not an Excel (.xlsx) workbook")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile:
        raise _refuse("文件已损坏或不是 Excel（.xlsx）格式", "the file is damaged or not an .xlsx workbook") from None
    if len(infos) > MAX_MEMBERS:
        raise _refuse("文件结构异常（内部文件过多）", "malformed workbook (too many parts)")
    unpacked = sum(i.file_size for i in infos)
    packed = sum(max(i.compress_size, 1) for i in infos)
    big = 2_000_000  # below this, any ratio is harmless
    if (unpacked > MAX_UNPACKED_BYTES or unpacked > max(big, MAX_RATIO * packed)
            or any(i.file_size > max(big, MAX_RATIO * max(i.compress_size, 1)) for i in infos)):
        raise _refuse("文件解压后异常庞大（疑似压缩炸弹），已拒绝", "the workbook expands to an abnormal size (zip bomb): refused")
    if "[Content_Types].xml" not in {i.filename for i in infos}:
        raise _refuse("文件不是 Excel（.xlsx）格式", "the file is not an Excel (.xlsx) workbook")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).replace("\u3000", " ").strip()


def read_rows(data: bytes) -> tuple[str, list[_Row], list[RowProblem]]:
    """(sheet name, data rows, header problems). Reads the first sheet that has a 单位 header."""
    check_container(data)
    try:
        from openpyxl import load_workbook  # openpyxl when a file is read, not at start (issue 21)

        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise _refuse(f"文件无法读取（{type(exc).__name__}）", f"the workbook cannot be read ({type(exc).__name__})") from None
    try:
        for ws in wb.worksheets:
            if ws.max_row is not None and ws.max_row > MAX_ROWS + HEADER_SCAN_ROWS:
                raise _refuse(f"行数过多（超过 {MAX_ROWS} 行），请分批导入", f"more than {MAX_ROWS} rows: split the file")
            rows = ws.iter_rows(values_only=True)
            header: list[str] | None = None
            header_no = 0
            for no, raw in enumerate(rows, 1):
                cells = [_cell_text(v) for v in raw]
                names = [SYNONYMS.get(c, c) for c in cells]
                if "单位" in names:
                    header, header_no = names, no
                    break
                if no >= HEADER_SCAN_ROWS:
                    break
            if header is None:
                continue
            problems = []
            seen: dict[str, int] = {}
            for i, name in enumerate(header):
                if name in COLUMNS:
                    if name in seen:
                        problems.append(RowProblem(header_no, f"列“{name}”重复出现", f"column '{name}' appears twice"))
                    seen[name] = i
            out: list[_Row] = []
            for no, raw in enumerate(rows, header_no + 1):
                if no - header_no > MAX_ROWS:
                    raise _refuse(f"行数过多（超过 {MAX_ROWS} 行），请分批导入", f"more than {MAX_ROWS} rows: split the file")
                cells = [_cell_text(v) for v in raw]
                if not any(cells):
                    continue
                values = {name: (cells[i] if i < len(cells) else "") for name, i in seen.items()}
                extra = {(header[i] or f"第{i + 1}列"): c for i, c in enumerate(cells)
                         if c and (i >= len(header) or header[i] not in COLUMNS)}
                out.append(_Row(no, values, extra))
            return ws.title, out, problems
    except UserError:
        raise
    except Exception as exc:  # read-only sheets parse as they are read: a damaged cell (&#1;) fails here
        raise _refuse(f"文件内容损坏，无法读取（{type(exc).__name__}）",
                      f"the workbook's content is damaged ({type(exc).__name__})") from None
    finally:
        wb.close()
    raise _refuse("找不到表头：第一行（或标题下一行）须有“单位”列", "no header row with a 单位 (unit) column")


# ---------------------------------------------------------------- checking rows


def _split_aliases(text: str) -> tuple[str, ...]:
    for sep in "，,;；/":
        text = text.replace(sep, "、")
    return tuple(a.strip() for a in text.split("、") if a.strip())


def static_problem(row: _Row) -> tuple[str, str] | None:
    v = row.values
    if row.extra:
        names = "、".join(f"“{k}”" for k in row.extra)
        return f"未知列{names}有内容（可用列：{'、'.join(COLUMNS)}）", f"unknown column(s) {', '.join(row.extra)} hold data"
    if not v.get("单位"):
        return "缺少单位", "the unit (单位) is missing"
    if v.get("姓名") and not v.get("职务"):
        return "有姓名但缺少职务", "a name without a post (职务)"
    if v.get("办公电话") and not v.get("职务"):
        return "办公电话属于职务，请填写职务", "an office phone needs a post (职务)"
    if (v.get("手机") or v.get("备注")) and not v.get("姓名"):
        return "手机或备注属于个人，请填写姓名", "a mobile or note needs a name (姓名)"
    for col, limit in (("单位", LIMITS["name"]), ("上级单位", LIMITS["name"]), ("职务", LIMITS["title"]),
                       ("姓名", LIMITS["person"]), ("备注", 2000)):
        if len(v.get(col, "")) > limit:
            return f"{col}过长（最多 {limit} 字）", f"{col} is too long (at most {limit} characters)"
    for col in PHONE_COLUMNS:
        text = v.get(col, "")
        if len(text) > LIMITS["phone"]:
            return f"{col}过长（最多 {LIMITS['phone']} 字符）", f"{col} is too long"
        problem = phone_problem(text) if text else None
        if problem:
            return f"{col}：{problem[0]}", f"{col}: {problem[1]}"
    if v.get("上级单位") and v.get("上级单位") == v.get("单位"):
        return "上级单位不能是本单位", "the parent unit cannot be the unit itself"
    return None


def _in_file_problems(rows: Sequence[_Row], bad: dict[int, tuple[str, str]]) -> None:
    """Duplicates and contradictions between rows of the file (the later row is reported)."""
    people: dict[tuple[str, str, str], int] = {}
    unit_fields: dict[tuple[str, str], tuple[str, int]] = {}
    post_fields: dict[tuple[str, str, str], tuple[str, int]] = {}
    person_fields: dict[tuple[str, str, str, str], tuple[str, int]] = {}
    for row in rows:
        if row.number in bad:
            continue
        v = row.values
        unit, post, name = v.get("单位", ""), v.get("职务", ""), v.get("姓名", "")
        key = (unit, post, name)
        checks: list[tuple[dict, tuple, str]] = [(unit_fields, (unit, "上级单位"), v.get("上级单位", ""))]
        if post:
            checks += [(post_fields, (unit, post, c), v.get(c, "")) for c in ("办公电话", "值班电话", "传真")]
        else:
            checks += [(unit_fields, (unit, c), v.get(c, "")) for c in ("值班电话", "传真")]
        if name:
            checks += [(person_fields, (unit, post, name, c), v.get(c, "")) for c in ("手机", "备注")]
        clash = next(((table[k][1], k[-1]) for table, k, value in checks
                      if value and k in table and table[k][0] != value), None)
        if clash:
            bad[row.number] = (f"“{clash[1]}”与第 {clash[0]} 行不一致", f"{clash[1]} contradicts row {clash[0]}")
            continue
        if key in people and (name or post or not _unit_only_extras(v)):
            bad[row.number] = (f"与第 {people[key]} 行重复", f"duplicates row {people[key]}")
            continue
        people.setdefault(key, row.number)
        for table, k, value in checks:
            if value:
                table.setdefault(k, (value, row.number))


def _unit_only_extras(v: dict[str, str]) -> bool:
    """A unit-only row that adds aliases may repeat the unit (one row per alias is common)."""
    return bool(v.get("别名")) and not v.get("值班电话") and not v.get("传真")


# ---------------------------------------------------------------- applying rows


def _org_kind(name: str) -> str:
    """As the reference tables guess it, and a 人民政府 is the district leadership."""
    kind = reference_org_kind(name)
    return "leadership" if kind == "department" and name.endswith("人民政府") else kind


def _merge(old: str | None, new: str) -> str | None:
    return new if new else old


def _differs(new: str, old: str | None) -> bool:
    """A non-empty cell that is not what is stored (an empty cell never changes anything)."""
    return bool(new) and new != (old or "")


@dataclass
class _OrgRec:
    name: str
    parent_id: int | None
    duty_phone: str | None
    fax: str | None
    aliases: list[str]


@dataclass
class _PostRec:
    id: int
    office_phone: str | None
    duty_phone: str | None
    fax: str | None
    active: bool


@dataclass
class _HolderRec:
    person_id: int
    name: str
    mobile: str | None
    note: str | None


class _Snapshot:
    """The directory as the import sees it, loaded in four queries and kept in step with what the
    import stores, so a row that changes nothing costs no query at all (a re-import is fast)."""

    def __init__(self, s: Session, today: dt.date):
        self.today = today
        self.orgs: dict[int, _OrgRec] = {}
        self.names: dict[str, int] = {}
        for oid, name, parent_id, duty, fax in s.execute(select(Organisation.id, Organisation.name,
                                                                Organisation.parent_id, Organisation.duty_phone,
                                                                Organisation.fax)):
            self.orgs[oid] = _OrgRec(name, parent_id, duty, fax, [])
            self.names[name] = oid
        for oid, alias in s.execute(select(OrganisationAlias.organisation_id, OrganisationAlias.alias)
                                    .order_by(OrganisationAlias.id)):
            self.orgs[oid].aliases.append(alias)
            self.names.setdefault(alias, oid)
        self.posts: dict[tuple[int, str], _PostRec] = {
            (oid, title): _PostRec(pid, office, duty, fax, active)
            for pid, oid, title, office, duty, fax, active in s.execute(
                select(Post.id, Post.organisation_id, Post.title, Post.office_phone, Post.duty_phone, Post.fax,
                       Post.active))}
        self.holders: dict[int, list[_HolderRec]] = {}
        for post_id, person_id, name, mobile, note in s.execute(
                select(Appointment.post_id, Person.id, Person.name, Person.mobile, Person.note)
                .join(Person, Person.id == Appointment.person_id)
                .where(_current(today), Person.active.is_(True))
                .order_by(Appointment.start_date, Appointment.id)):
            self.holders.setdefault(post_id, []).append(_HolderRec(person_id, name, mobile, note))

    def put_org(self, org: Organisation, aliases: Sequence[str]) -> None:
        self.orgs[org.id] = _OrgRec(org.name, org.parent_id, org.duty_phone, org.fax, list(aliases))
        self.names[org.name] = org.id
        for alias in aliases:
            self.names.setdefault(alias, org.id)

    def put_post(self, post: Post) -> None:
        self.posts[(post.organisation_id, post.title)] = _PostRec(post.id, post.office_phone, post.duty_phone, post.fax,
                                                                  post.active)

    def needs_change(self, row: _Row) -> bool:
        v = row.values
        oid = self.names.get(v["单位"])
        if oid is None:
            return True
        org = self.orgs[oid]
        parent = v.get("上级单位", "")
        if parent and (self.names.get(parent) is None or self.names[parent] != org.parent_id):
            return True
        if any(a != org.name and a not in org.aliases for a in _split_aliases(v.get("别名", ""))):
            return True
        title = v.get("职务", "")
        if not title:
            return _differs(v.get("值班电话", ""), org.duty_phone) or _differs(v.get("传真", ""), org.fax)
        post = self.posts.get((oid, title))
        if post is None or not post.active:
            return True  # a deactivated post: applying reports the refusal
        if (_differs(v.get("办公电话", ""), post.office_phone) or _differs(v.get("值班电话", ""), post.duty_phone)
                or _differs(v.get("传真", ""), post.fax)):
            return True
        name = v.get("姓名", "")
        if not name:
            return False
        holder = next((h for h in self.holders.get(post.id, []) if h.name == name), None)
        return holder is None or _differs(v.get("手机", ""), holder.mobile) or _differs(v.get("备注", ""), holder.note)


class _Counter:
    def __init__(self) -> None:
        self.created: dict[str, int] = {"organisation": 0, "post": 0, "person": 0, "appointment": 0}
        self.updated: dict[str, int] = {"organisation": 0, "post": 0, "person": 0}

    def count(self, kind: str, created: bool, changed: bool) -> bool:
        if changed:
            (self.created if created else self.updated)[kind] += 1
        return changed


class _Applier:
    """Stores good rows through the contacts service's session-level edits (each audited)."""

    def __init__(self, s: Session, actor: Actor, snap: _Snapshot, counter: _Counter):
        self.s, self.actor, self.snap, self.counter = s, actor, snap, counter
        self.sink: list[dict] = []  # the changes of the current row (one audit entry per row)

    def unit(self, name: str, *, parent: str = "", aliases=(), duty_phone: str = "", fax: str = "") -> int:
        snap = self.snap
        parent_id = self.unit(parent) if parent else None
        oid = snap.names.get(name)
        if oid is None:
            org, changed = save_organisation(self.s, self.actor, OrganisationInput(
                name, _org_kind(name), parent_id, duty_phone or None, fax or None, tuple(aliases)), sink=self.sink)
            self.counter.count("organisation", True, changed)
            snap.put_org(org, alias_names(self.s, org.id))
            return org.id
        rec = snap.orgs[oid]
        new_aliases = tuple(a for a in aliases if a != rec.name and a not in rec.aliases)
        if not ((parent and parent_id != rec.parent_id) or new_aliases or _differs(duty_phone, rec.duty_phone)
                or _differs(fax, rec.fax)):
            return oid
        org = self.s.get(Organisation, oid)
        data = OrganisationInput(org.name, org.kind, parent_id if parent else org.parent_id,
                                 _merge(org.duty_phone, duty_phone), _merge(org.fax, fax), new_aliases)
        _, changed = save_organisation(self.s, self.actor, data, oid, keep_aliases=True, sink=self.sink)
        self.counter.count("organisation", False, changed)
        snap.put_org(org, alias_names(self.s, oid))
        return oid

    def row(self, row: _Row) -> tuple[str, str] | None:
        """Store one good row; returns a note for the report (Chinese, English) or None."""
        v = row.values
        title, name = v.get("职务", ""), v.get("姓名", "")
        try:
            oid = self.unit(v["单位"], parent=v.get("上级单位", ""), aliases=_split_aliases(v.get("别名", "")),
                            duty_phone="" if title else v.get("值班电话", ""), fax="" if title else v.get("传真", ""))
            if not title:
                return None
            rec = self.snap.posts.get((oid, title))
            if rec is not None and not rec.active:
                raise _RowRefused(f"职务“{title}”已停用", f"the post '{title}' is deactivated")
            office, duty, fax = v.get("办公电话", ""), v.get("值班电话", ""), v.get("传真", "")
            if rec is None or _differs(office, rec.office_phone) or _differs(duty, rec.duty_phone) or _differs(fax, rec.fax):
                data = PostInput(oid, title, _merge(rec.office_phone if rec else None, office),
                                 _merge(rec.duty_phone if rec else None, duty), _merge(rec.fax if rec else None, fax))
                post, changed = save_post(self.s, self.actor, data, rec.id if rec else None, sink=self.sink,
                                          known_unique=True)
                self.counter.count("post", rec is None, changed)
                self.snap.put_post(post)
                rec = self.snap.posts[(oid, title)]
            return self.holder(rec.id, title, v) if name else None
        except UserError as exc:
            raise _RowRefused(exc.zh, exc.en) from None

    def holder(self, post_id: int, title: str, v: dict[str, str]) -> tuple[str, str] | None:
        name, mobile, note_text = v.get("姓名", ""), v.get("手机", ""), v.get("备注", "")
        holders = self.snap.holders.setdefault(post_id, [])
        same = next((h for h in holders if h.name == name), None)
        if same is not None:
            if _differs(mobile, same.mobile) or _differs(note_text, same.note):
                person = self.s.get(Person, same.person_id)
                _, changed = save_person(self.s, self.actor, PersonInput(
                    person.name, _merge(person.mobile, mobile), person.office_phone, _merge(person.note, note_text)),
                    person.id, sink=self.sink)
                self.counter.count("person", False, changed)
                same.mobile, same.note = person.mobile, person.note
            return None
        person = None
        if mobile:  # the same person holding a second post
            person = self.s.scalar(select(Person).where(Person.name == name, Person.mobile == mobile,
                                                        Person.active.is_(True)))
        if person is None:
            person, changed = save_person(self.s, self.actor, PersonInput(name, mobile or None, None, note_text or None),
                                          sink=self.sink)
            self.counter.count("person", True, changed)
        appoint_in(self.s, self.actor, person.id, post_id, self.snap.today, today=self.snap.today, sink=self.sink,
                   known_vacant=True)
        self.counter.created["appointment"] += 1
        others = "、".join(h.name for h in holders)
        holders.append(_HolderRec(person.id, person.name, person.mobile, person.note))
        if others:
            return (f"{title} 现有在任 {others}，已增加 {name}；如有人离任请在通讯录中办理离任",
                    f"{title} is held by {others}; {name} was added. Record in the directory who has left")
        return None


# ---------------------------------------------------------------- the service


class _Work:
    """The rows of one import, applied in one or more write transactions (each a batch of rows that ends at its
    deadline). The snapshot lives across the batches; a row the database refuses reloads it."""

    _ACTOR_AS_IS = ("apply",)  # given the actor ContactsExcel.import_file has just re-checked

    def __init__(self, rows: Sequence[_Row], bad: dict[int, tuple[str, str]], snap: _Snapshot, counter: _Counter,
                 notes: list[RowProblem], progress: Callable[[int, int], bool | None] | None):
        self.rows, self.bad, self.snap, self.counter, self.notes = rows, bad, snap, counter, notes
        self.progress = progress
        self.next = 0  # index of the next row to apply
        self.committed = 0  # rows stored by the batches committed so far
        self.unchanged = 0

    @property
    def done(self) -> bool:
        return self.next >= len(self.rows)

    def apply(self, s: Session, actor: Actor, sheet: str, deadline: float | None) -> None:
        """Apply rows from `next` until the deadline (None: all) in the transaction of `s`; on an error the batch's
        position, counts and notes are put back (its transaction is rolled back)."""
        state = (self.next, dict(self.counter.created), dict(self.counter.updated), len(self.notes), dict(self.bad),
                 self.unchanged)
        try:
            self._apply(s, actor, sheet, deadline)
        except BaseException:
            self.next, created, updated, n_notes, bad, self.unchanged = state
            self.counter.created, self.counter.updated = created, updated
            del self.notes[n_notes:]
            self.bad.clear()
            self.bad.update(bad)  # (the snapshot may hold the batch's rows: the import ends here, it is not used again)
            raise

    def _apply(self, s: Session, actor: Actor, sheet: str, deadline: float | None) -> None:
        total = len(self.rows)
        counter, bad = self.counter, self.bad
        applier = _Applier(s, actor, self.snap, counter)
        first = self.next
        while self.next < total and (deadline is None or self.next == first or time.monotonic() < deadline):
            row = self.rows[self.next]
            self.next += 1
            i = self.next
            if self.progress is not None and i % 50 == 0 and self.progress(i, total) is False:
                raise _Cancelled
            if row.number in bad:
                continue
            if not applier.snap.needs_change(row):
                self.unchanged += 1
                continue
            savepoint = s.begin_nested()
            counts = (dict(counter.created), dict(counter.updated))
            applier.sink = []
            try:
                note = applier.row(row)
                if applier.sink:
                    audit.record_by(s, actor,
                                    action="contacts.import.row", entity="contacts", entity_id=row.number,
                                    after={"sheet": sheet, "row": row.number, "changes": applier.sink})
            except _RowRefused as exc:
                savepoint.rollback()  # nothing of the row stays, its counts neither
                counter.created, counter.updated = counts
                applier.snap = _Snapshot(s, applier.snap.today)  # back in step with the database
                bad[row.number] = (exc.zh, exc.en)
                continue
            savepoint.commit()
            if (dict(counter.created), dict(counter.updated)) == counts:
                self.unchanged += 1
            if note:
                self.notes.append(RowProblem(row.number, *note))
        fill_search_keys(s)
        self.snap = applier.snap
        self.committed = self.next


@rechecked
class ContactsExcel:
    def __init__(self, db: Database):
        self.db = db

    def import_file(self, actor: Actor, source: str | Path | bytes | BinaryIO, dry_run: bool = False,
                    today: dt.date | None = None,
                    progress: Callable[[int, int], bool | None] | None = None) -> ImportReport:
        """Check every row, store the good ones in one transaction (none with dry_run) and report.

        progress(done, total) is called every 50 rows (from the calling thread); returning False cancels
        the import, which then changes nothing."""
        require(actor, "contacts.import")
        today = today_or(today)
        sheet, rows, header_problems = read_rows(read_bytes(source))
        if header_problems:
            raise UserError("无法导入：" + "；".join(f"第 {p.row} 行：{p.zh}" for p in header_problems),
                            "cannot import: " + "; ".join(f"row {p.row}: {p.en}" for p in header_problems))
        bad: dict[int, tuple[str, str]] = {}
        for row in rows:
            problem = static_problem(row)
            if problem:
                bad[row.number] = problem
        _in_file_problems(rows, bad)
        counter = _Counter()
        notes: list[RowProblem] = []
        with self.db.read() as s:  # prepared outside the write lock: the directory as it stands (issue 17)
            snap = _Snapshot(s, today)
        work = _Work(rows, bad, snap, counter, notes, progress)
        try:
            if dry_run:  # on a private copy, one transaction rolled back: each row as the import would see it,
                with scratch_copy(self.db) as copy, copy.write() as s:  # and the live write lock is never taken
                    work.apply(s, actor, sheet, deadline=None)
                    raise _DryRun
            while not work.done:  # short transactions, so another seat's write waits under a second
                with self.db.write() as s:
                    work.apply(s, actor, sheet, deadline=time.monotonic() + CHUNK_SECONDS)
                if not work.done:
                    time.sleep(YIELD_SECONDS)  # a seat waiting on the lock polls every 100 ms: let it in
            if any(counter.created.values()) or any(counter.updated.values()):
                with self.db.write() as s:
                    audit.record_by(s, actor, action="contacts.import", entity="contacts",
                                    after={"sheet": sheet, "rows": len(rows), "bad_rows": len(bad),
                                           "created": counter.created, "updated": counter.updated})
        except _DryRun:
            pass
        except _Cancelled:
            if work.committed:
                raise UserError(f"导入已停止：前 {work.committed} 行已处理并保存，其余未导入（再次导入同一文件会跳过已保存的行）",
                                f"import stopped: the first {work.committed} rows were stored, the rest not "
                                "(importing the same file again skips the stored rows)") from None
            raise UserError("导入已取消，未做任何更改", "import cancelled: nothing was changed") from None
        unchanged = work.unchanged
        if progress is not None:
            progress(len(rows), len(rows))
        problems = tuple(RowProblem(n, zh, en) for n, (zh, en) in sorted(bad.items()))
        return ImportReport(sheet, len(rows), len(rows) - len(bad), problems, tuple(notes), counter.created,
                            counter.updated, unchanged, dry_run)

    # -------------------------------------------------------------- export

    def export_rows(self, actor: Actor, today: dt.date | None = None) -> list[list[str]]:
        """The active directory in the import layout: a row per unit, then a row per post and holder."""
        require(actor, "contacts.export")
        today = today_or(today)
        out: list[list[str]] = []
        with self.db.read() as s:
            orgs = s.scalars(select(Organisation).where(Organisation.active.is_(True)).order_by(Organisation.id)).all()
            names = {o.id: o.name for o in s.scalars(select(Organisation))}
            posts: dict[int, list[Post]] = {}
            for post in s.scalars(select(Post).where(Post.active.is_(True)).order_by(Post.id)):
                posts.setdefault(post.organisation_id, []).append(post)
            holders = current_holders(s, [p.id for ps in posts.values() for p in ps], today)
            notes = dict(s.execute(select(Person.id, Person.note).join(Appointment, Appointment.person_id == Person.id)
                                   .where(Person.note.is_not(None))).all())
            for org in orgs:
                parent = names.get(org.parent_id, "") if org.parent_id else ""
                out.append([org.name, parent, "、".join(alias_names(s, org.id)), "", "", "", "", org.duty_phone or "",
                            org.fax or "", ""])
                for post in posts.get(org.id, []):
                    base = [org.name, "", "", post.title]
                    phones = [post.duty_phone or "", post.fax or ""]
                    hs = holders.get(post.id, [])
                    if not hs:
                        out.append([*base, "", post.office_phone or "", "", *phones, ""])
                    for h in hs:
                        out.append([*base, h.name, post.office_phone or "", h.mobile or "", *phones,
                                    notes.get(h.person_id) or ""])
        return out

    def export_file(self, actor: Actor, target: str | Path | BinaryIO, heading: str = "通讯录",
                    today: dt.date | None = None, progress=None) -> int:
        """Write the directory with the shared workbook writer (reports/xlsx.py); returns the row count.
        ``progress(done, total)``: rows written (a plain callback)."""
        rows = self.export_rows(actor, today)
        widths = {"单位": 26.0, "职务": 16.0, "别名": 18.0}
        from ..reports.xlsx import XlsxColumn, XlsxSheet, write_workbook  # openpyxl when a file is written

        columns = [XlsxColumn(c, "text", widths.get(c)) for c in COLUMNS]
        write_workbook(target, [XlsxSheet(SHEET_TITLE, heading, columns, rows)], progress=progress)
        return len(rows)
