"""Contacts from and to Excel: exactly the good rows go in, each bad row is reported with its row
number and reason, a second import of the same file changes nothing, bad files are refused."""

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from dutyroom.services import contacts_excel
from dutyroom.services.contacts_excel import COLUMNS
from dutyroom.services.errors import PermissionDenied, UserError
from dutyroom.store.models import Appointment, AuditEntry, Organisation, OrganisationAlias, Person, Post

HEADER = ["单位", "别名", "职务", "姓名", "办公电话", "手机", "值班电话", "传真", "微信"]
ROWS = [  # Excel rows 2.. ; the comment says what the report must say
    ["区水务局", "水务局、区水务", "", "", "", "", "010-55556001", "010-55556002", ""],  # 2 good: a new unit
    ["区水务局", "", "局长", "王明远", "010-55556003", "13800006001", "", "", ""],  # 3 good: post and holder
    ["区水务局", "", "值班室", "", "", "", "010-55556004", "", ""],  # 4 good: post without a person
    ["", "", "副局长", "李青", "", "13800006002", "", "", ""],  # 5 bad: no unit
    ["区水务局", "", "副局长", "赵岚", "010-5555abcd", "", "", "", ""],  # 6 bad: phone with letters
    ["区水务局", "", "科员", "钱多", "", "13800006003", "", "", "dq_wx"],  # 7 bad: data in an unknown column
    ["区水务局", "", "局长", "王明远", "", "", "", "", ""],  # 8 bad: duplicate of row 3
    ["区水务局", "", "", "孙立", "", "13800006004", "", "", ""],  # 9 bad: a name without a post
    ["区排水集团", "区人防办", "", "", "", "", "010-55556005", "", ""],  # 10 bad: alias is another unit's name
    ["区应急局", "", "值班室", "周雨", "", 13800006006, "", "", ""],  # 11 good: a second holder (a note)
    ["区水务局", "", "办公室", "吴迪", "", "1380000600", "", "", ""],  # 12 bad: mobile one digit short
    ["区水务局", "", "值班室", "", "", "", "010-55556009", "", ""],  # 13 bad: contradicts row 4
]
BAD = {5: "缺少单位", 6: "非数字", 7: "未知列", 8: "与第 3 行重复", 9: "缺少职务", 10: "另一个单位的名称",
       12: "位数不对", 13: "与第 4 行不一致"}


def workbook_bytes(header, rows, title: str | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def count(directory, model, *where) -> int:
    with directory.db.read() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_mixed_file_imports_exactly_the_good_rows_and_reports_each_bad_one(directory):
    leader = directory["tangjun"]
    report = directory.excel.import_file(leader, workbook_bytes(HEADER, ROWS))
    assert report.rows == 12 and report.imported == 4
    assert report.bad_rows == tuple(sorted(BAD))
    for problem in report.problems:
        assert BAD[problem.row] in problem.zh, (problem.row, problem.zh)
    with directory.db.read() as s:
        water = s.scalar(select(Organisation).where(Organisation.name == "区水务局"))
        assert (water.duty_phone, water.fax) == ("010-55556001", "010-55556002")
        assert sorted(a.alias for a in water.aliases) == ["区水务", "水务局"]
        assert sorted(s.scalars(select(Post.title).where(Post.organisation_id == water.id))) == ["值班室", "局长"]
        chief = s.scalar(select(Post).where(Post.organisation_id == water.id, Post.title == "局长"))
        assert chief.office_phone == "010-55556003"
        wang = s.scalar(select(Person).where(Person.name == "王明远"))
        assert wang.mobile == "13800006001"
        assert s.scalar(select(Appointment).where(Appointment.person_id == wang.id)).post_id == chief.id
        # nothing of a bad row: no 副局长, no 科员, no 办公室, no 区排水集团 (its savepoint was rolled back)
        assert s.scalar(select(Post).where(Post.title.in_(["副局长", "科员", "办公室"]))) is None
        assert s.scalar(select(Organisation).where(Organisation.name == "区排水集团")) is None
        assert s.scalar(select(Person).where(Person.name.in_(["李青", "赵岚", "钱多", "孙立", "吴迪"]))) is None
    # the second holder of 区应急局 值班室 (a mobile typed as a number) is in, with a note about the first
    assert [n.row for n in report.notes] == [11] and "现有在任" in report.notes[0].zh
    hits = directory.contacts.search(leader, "周雨")
    assert [(h.organisation, h.post, h.mobile) for h in hits.hits] == [("区应急局", "值班室", "13800006006")]
    # one audit entry per stored row, naming everything it created; one for the import as a whole
    with directory.db.read() as s:
        entries = {e.entity_id: e.after for e in s.scalars(select(AuditEntry).where(
            AuditEntry.action == "contacts.import.row"))}
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "contacts.import")) == 1
    assert sorted(entries, key=int) == ["2", "3", "4", "11"]
    assert [c["action"] for c in entries["3"]["changes"]] == ["contacts.post.create", "contacts.person.create",
                                                              "contacts.appoint"]
    assert entries["3"]["changes"][1]["after"]["name"] == "王明远"


def test_reimporting_the_same_file_changes_nothing(directory):
    leader = directory["tangjun"]
    data = workbook_bytes(HEADER, ROWS)
    directory.excel.import_file(leader, data)
    audits = directory.audit_count()
    sizes = [count(directory, m) for m in (Organisation, OrganisationAlias, Post, Person, Appointment)]
    again = directory.excel.import_file(leader, data)
    assert not again.changed and again.unchanged == again.imported == 4
    assert again.bad_rows == tuple(sorted(BAD))  # the same rows are still reported
    assert [count(directory, m) for m in (Organisation, OrganisationAlias, Post, Person, Appointment)] == sizes
    assert directory.audit_count() == audits  # no audit noise
    assert count(directory, Person, Person.name == "王明远") == 1


def test_a_changed_phone_updates_in_place_and_an_empty_cell_keeps_the_value(directory):
    leader = directory["tangjun"]
    directory.excel.import_file(leader, workbook_bytes(HEADER, ROWS[:3]))
    update = [["区水务局", "", "局长", "王明远", "010-55556010", "", "", "", ""]]
    report = directory.excel.import_file(leader, workbook_bytes(HEADER, update))
    assert report.updated["post"] == 1 and report.created["person"] == 0
    with directory.db.read() as s:
        chief = s.scalar(select(Post).where(Post.title == "局长"))
        assert chief.office_phone == "010-55556010"
        assert s.scalar(select(Person.mobile).where(Person.name == "王明远")) == "13800006001"  # kept


def test_dry_run_reports_without_storing(directory):
    before = directory.audit_count()
    report = directory.excel.import_file(directory["tangjun"], workbook_bytes(HEADER, ROWS), dry_run=True)
    assert report.imported == 4 and report.created["organisation"] == 1 and report.dry_run
    assert count(directory, Organisation, Organisation.name == "区水务局") == 0
    assert directory.audit_count() == before


def test_export_uses_the_documented_layout_and_reimports_without_change(directory, tmp_path):
    leader = directory["tangjun"]
    path = tmp_path / "contacts.xlsx"
    n = directory.excel.export_file(leader, path, heading="东城区应急值班通讯录")
    ws = load_workbook(path).active
    assert ws["A1"].value == "东城区应急值班通讯录" and ws.freeze_panes == "A3"  # the shared writer's layout
    assert [c.value for c in ws[2]] == list(COLUMNS)
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    assert len(rows) == n
    assert ["东城区应急办", None, None, None, None, None, None, "010-55550110", "010-55550119", None] in rows
    assert any(r[0] == "东城区应急办" and r[3] == "值班员" and r[4] == "周宁" for r in rows)
    audits = directory.audit_count()
    report = directory.excel.import_file(leader, path)
    assert report.problems == () and report.imported == n and not report.changed
    assert directory.audit_count() == audits


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(("data", "message"), [
    (b"name,phone\nx,1\n", "不是 Excel"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "另存为 .xlsx"),
    (_zip({"hello.txt": b"hi"}), "不是 Excel"),
    (_zip({"[Content_Types].xml": b"<x/>", "xl/worksheets/sheet1.xml": b"\0" * 5_000_000}), "压缩炸弹"),
    (_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"not xml"}), "无法读取"),
    (workbook_bytes(["姓名", "手机"], [["周宁", "13800001234"]]), "找不到表头"),
])
def test_malformed_files_are_refused_with_a_message(directory, data, message):
    before = directory.audit_count()
    with pytest.raises(UserError, match=message):
        directory.excel.import_file(directory["tangjun"], data)
    assert directory.audit_count() == before


def test_a_huge_file_is_refused_before_it_is_read(directory, tmp_path, monkeypatch):
    monkeypatch.setattr(contacts_excel, "MAX_FILE_BYTES", 4096)
    path = tmp_path / "big.xlsx"
    path.write_bytes(workbook_bytes(HEADER, ROWS * 20))
    with pytest.raises(UserError, match="文件过大"):
        directory.excel.import_file(directory["tangjun"], path)


def test_too_many_rows_are_refused(directory, monkeypatch):
    monkeypatch.setattr(contacts_excel, "MAX_ROWS", 5)
    with pytest.raises(UserError, match="行数过多"):
        directory.excel.import_file(directory["tangjun"], workbook_bytes(HEADER, ROWS))


def test_a_landline_that_excel_turned_into_a_number_is_explained(directory):
    rows = [["区水务局", "", "值班室", "", "", "", 1055556004, "", ""]]
    report = directory.excel.import_file(directory["tangjun"], workbook_bytes(HEADER, rows))
    assert report.bad_rows == (2,) and "开头的 0" in report.problems[0].zh


def test_header_synonyms_and_a_title_row_are_accepted(directory):
    header = ["单位名称", "岗位", "联系人", "手机号码"]
    report = directory.excel.import_file(directory["tangjun"],
                                         workbook_bytes(header, [["区水务局", "局长", "王明远", "13800006001"]],
                                                        title="区水务局通讯录"))
    assert report.problems == () and report.created["person"] == 1 and report.created["appointment"] == 1


def test_a_duty_officer_may_export_but_not_import(directory, tmp_path):
    officer = directory["zhouning"]
    assert directory.excel.export_file(officer, tmp_path / "x.xlsx") > 0
    with pytest.raises(PermissionDenied, match="无权导入通讯录"):
        directory.excel.import_file(officer, workbook_bytes(HEADER, ROWS))


def test_command_line_import_lists_bad_rows_and_export_writes_the_layout(directory, tmp_path, capsys):
    from dutyroom.cli import main
    from tests.helpers.cli import as_user

    url = directory.db.url
    me = as_user("tangjun", folder=tmp_path)  # the office director imports (contacts.import)
    bad = tmp_path / "in.xlsx"
    bad.write_bytes(workbook_bytes(HEADER, ROWS[:6]))
    assert main(["contacts", "import", str(bad), "--db", url, *me]) == 1  # some rows were bad
    out = capsys.readouterr()
    assert "第 5 行：缺少单位" in out.err and "第 6 行：办公电话" in out.err
    assert "有效 4 行" not in out.out and "有效 3 行" in out.out
    assert main(["contacts", "search", "wmy", "--db", url, *me]) == 0
    assert "区水务局\t局长\t王明远" in capsys.readouterr().out
    target = tmp_path / "out.xlsx"
    assert main(["contacts", "export", "-o", str(target), "--db", url, *me]) == 0
    assert [c.value for c in load_workbook(target).active[2]] == list(COLUMNS)
