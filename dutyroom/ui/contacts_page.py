"""通讯录: type to search (name, post, unit, alias, phone digits, pinyin initials); click a number to
copy it; the detail shows the unit's supervising leaders, the post's holders and its appointment
history; edit dialogs, Excel import (with the validation report); the shared print buttons (打印预览 / 打印 /
另存为PDF: the directory as a listing; 另存为Excel: the import layout, re-importable).

Dialogs are opened through classmethod factories (`...Dialog.ask`, `choose_import_file`,
`ImportReportDialog.confirm`, `print_support.PrintActions.ask_save_path`) that tests replace.
"""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import QDate, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QCursor, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from ..config import pick
from ..domain.contact_search import split_phones
from ..domain.permissions import allowed
from ..services.actor import Actor
from ..services.contacts import (
    KIND_LABELS,
    ContactsService,
    Hit,
    OrganisationInput,
    OrganisationView,
    PersonInput,
    PersonView,
    PostInput,
    PostView,
)
from ..services.contacts_excel import COLUMNS, ContactsExcel, ImportReport
from ..services.errors import lang
from ..services.exports import ReportExporter
from .empty_hint import add_empty_hint
from .file_dialogs import open_file
from .operations import BackgroundOperation, MessageLine, run, run_in_background
from .print_support import add_print_actions
from .table_model import Column, RowsTableModel

PHONE_COLUMNS = {3: "office_phone", 4: "mobile", 5: "duty_phone", 6: "fax"}  # column → Hit field
COPIED_NOTE_MS = 2500
UNIT_COLUMN_MAX = 340  # px: the longest demo unit with its aliases fits; a longer one is elided (full text in 详情)


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _pydate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


# ---------------------------------------------------------------- dialogs


class _FormDialog(QDialog):
    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)


class OrganisationDialog(_FormDialog):
    def __init__(self, initial: OrganisationView | None, units: list[OrganisationView], parent=None):
        super().__init__(self.tr("编辑单位") if initial else self.tr("新增单位"), parent)
        self.name = QLineEdit(initial.name if initial else "")
        self.kind = QComboBox()
        for key, (zh, en) in KIND_LABELS.items():
            self.kind.addItem(pick(zh, en), key)
        self.kind.setCurrentIndex(max(0, self.kind.findData(initial.kind if initial else "department")))
        self.parent_unit = QComboBox()
        self.parent_unit.addItem(self.tr("（无）"), None)
        for u in units:
            if initial is None or u.id != initial.id:
                self.parent_unit.addItem(u.name, u.id)
        if initial and initial.parent_id:
            self.parent_unit.setCurrentIndex(max(0, self.parent_unit.findData(initial.parent_id)))
        self.aliases = QLineEdit("、".join(initial.aliases) if initial else "")
        self.aliases.setPlaceholderText(self.tr("多个别名用“、”分隔"))
        self.duty_phone = QLineEdit(initial.duty_phone or "" if initial else "")
        self.fax = QLineEdit(initial.fax or "" if initial else "")
        self.form.addRow(self.tr("单位名称"), self.name)
        self.form.addRow(self.tr("类别"), self.kind)
        self.form.addRow(self.tr("上级单位"), self.parent_unit)
        self.form.addRow(self.tr("别名"), self.aliases)
        self.form.addRow(self.tr("值班电话"), self.duty_phone)
        self.form.addRow(self.tr("传真"), self.fax)

    def value(self) -> OrganisationInput:
        aliases = tuple(a.strip() for a in self.aliases.text().replace("，", "、").replace(",", "、").split("、")
                        if a.strip())
        return OrganisationInput(self.name.text(), self.kind.currentData(), self.parent_unit.currentData(),
                                 self.duty_phone.text(), self.fax.text(), aliases)

    @classmethod
    def ask(cls, parent, initial: OrganisationView | None, units: list[OrganisationView]) -> OrganisationInput | None:
        dialog = cls(initial, units, parent)
        return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None


class PostDialog(_FormDialog):
    def __init__(self, unit: str, initial: PostView | None, parent=None):
        super().__init__(self.tr("编辑职务") if initial else self.tr("新增职务"), parent)
        self.title = QLineEdit(initial.title if initial else "")
        self.office_phone = QLineEdit(initial.office_phone or "" if initial else "")
        self.duty_phone = QLineEdit(initial.duty_phone or "" if initial else "")
        self.fax = QLineEdit(initial.fax or "" if initial else "")
        self.form.addRow(self.tr("单位"), QLabel(unit))
        self.form.addRow(self.tr("职务"), self.title)
        self.form.addRow(self.tr("办公电话"), self.office_phone)
        self.form.addRow(self.tr("值班电话"), self.duty_phone)
        self.form.addRow(self.tr("传真"), self.fax)

    @classmethod
    def ask(cls, parent, org_id: int, unit: str, initial: PostView | None) -> PostInput | None:
        d = cls(unit, initial, parent)
        if d.exec() != QDialog.DialogCode.Accepted:
            return None
        return PostInput(org_id, d.title.text(), d.office_phone.text(), d.duty_phone.text(), d.fax.text())


class PersonDialog(_FormDialog):
    def __init__(self, title: str, initial: PersonInput | None, with_start: bool, parent=None,
                 people: list[tuple[PersonView, tuple[str, ...]]] = ()):
        super().__init__(title, parent)
        self.existing = QComboBox()
        self.existing.addItem(self.tr("新人员（填写下方信息）"), None)
        for person, posts in people:
            extra = f"（{'、'.join(posts)}）" if posts else ""
            self.existing.addItem(f"{person.name} {person.mobile or ''}{extra}".strip(), person.id)
        self.existing.setEditable(bool(people))  # type to find someone among many
        self.existing.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.name = QLineEdit(initial.name if initial else "")
        self.mobile = QLineEdit(initial.mobile or "" if initial else "")
        self.office_phone = QLineEdit(initial.office_phone or "" if initial else "")
        self.note = QTextEdit(initial.note or "" if initial else "")
        self.note.setFixedHeight(60)
        if people:
            self.form.addRow(self.tr("人员"), self.existing)
            self.existing.currentIndexChanged.connect(self._toggle)
        self.form.addRow(self.tr("姓名"), self.name)
        self.form.addRow(self.tr("手机"), self.mobile)
        self.form.addRow(self.tr("办公电话"), self.office_phone)
        self.form.addRow(self.tr("备注"), self.note)
        self.start = QDateEdit(_qdate(dt.date.today()), calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.doc_no = QLineEdit()
        if with_start:
            self.form.addRow(self.tr("任职日期"), self.start)
            self.form.addRow(self.tr("任免文号"), self.doc_no)

    def _toggle(self) -> None:
        new = self.existing.currentData() is None
        for w in (self.name, self.mobile, self.office_phone, self.note):
            w.setEnabled(new)

    def value(self) -> PersonInput:
        return PersonInput(self.name.text(), self.mobile.text(), self.office_phone.text(), self.note.toPlainText())

    @classmethod
    def ask(cls, parent, initial: PersonInput | None) -> PersonInput | None:
        d = cls(cls.tr_static("编辑人员"), initial, False, parent)
        return d.value() if d.exec() == QDialog.DialogCode.Accepted else None

    @classmethod
    def ask_appointment(cls, parent, post: str, people: list[tuple[PersonView, tuple[str, ...]]]
                        ) -> tuple[int | PersonInput, dt.date, str] | None:
        """Who takes the post — an existing person's id, or a newcomer's details — the start date and
        the appointment document."""
        d = cls(cls.tr_static("任职：{post}").format(post=post), None, True, parent, people)
        if d.exec() != QDialog.DialogCode.Accepted:
            return None
        who = d.existing.currentData()
        return (who if who is not None else d.value()), _pydate(d.start.date()), d.doc_no.text()

    @staticmethod
    def tr_static(text: str) -> str:
        return QApplication.translate("PersonDialog", text)


class EndAppointmentDialog(_FormDialog):
    def __init__(self, post: PostView, parent=None):
        super().__init__(self.tr("离任：{post}").format(post=post.title), parent)
        self.holder = QComboBox()
        for h in post.holders:
            self.holder.addItem(self.tr("{name}（{start} 起）").format(name=h.name, start=h.start_date.isoformat()),
                                h.appointment_id)
        self.end = QDateEdit(_qdate(dt.date.today()), calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.doc_no = QLineEdit()
        self.form.addRow(self.tr("在任人员"), self.holder)
        self.form.addRow(self.tr("离任日期"), self.end)
        self.form.addRow(self.tr("任免文号"), self.doc_no)
        self.form.addRow(QLabel(self.tr("离任后职务及其电话保留，任职记录留档。")))

    @classmethod
    def ask(cls, parent, post: PostView) -> tuple[int, dt.date, str] | None:
        d = cls(post, parent)
        if d.exec() != QDialog.DialogCode.Accepted:
            return None
        return d.holder.currentData(), _pydate(d.end.date()), d.doc_no.text()


class LeadersDialog(_FormDialog):
    """Pick the supervising leaders (posts of the leadership), in order."""

    def __init__(self, candidates: list[PostView], current: list[int], parent=None):
        super().__init__(self.tr("分管领导"), parent)
        self.list = QListWidget()
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        order = {pid: i for i, pid in enumerate(current)}
        for post in sorted(candidates, key=lambda p: order.get(p.id, len(order) + p.id)):
            who = "、".join(h.name for h in post.holders)
            item = QListWidgetItem(f"{post.organisation} {post.title}" + (f"（{who}）" if who else ""))
            item.setData(Qt.ItemDataRole.UserRole, post.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if post.id in order else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.form.addRow(QLabel(self.tr("勾选分管领导，拖动调整顺序")))
        self.form.addRow(self.list)

    def value(self) -> list[int]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    @classmethod
    def ask(cls, parent, candidates: list[PostView], current: list[int]) -> list[int] | None:
        d = cls(candidates, current, parent)
        return d.value() if d.exec() == QDialog.DialogCode.Accepted else None


class ImportReportDialog(QDialog):
    """The validation report: bad rows with their reasons, then (before importing) a confirmation."""

    def __init__(self, report: ImportReport, confirm: bool, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("导入检查结果") if confirm else self.tr("导入结果"))
        self.resize(640, 480)
        self.text = QTextBrowser()
        self.text.setHtml(report_html(report, self.tr))
        buttons = QDialogButtonBox()
        if confirm and report.imported:
            buttons.addButton(self.tr("导入 {n} 行有效数据").format(n=report.imported),
                              QDialogButtonBox.ButtonRole.AcceptRole)
            buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        else:
            buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)

    @classmethod
    def confirm(cls, parent, report: ImportReport) -> bool:
        return cls(report, True, parent).exec() == QDialog.DialogCode.Accepted

    @classmethod
    def show_result(cls, parent, report: ImportReport) -> None:
        cls(report, False, parent).exec()


def report_html(report: ImportReport, tr) -> str:
    created = sum(report.created.values())
    updated = sum(report.updated.values())
    head = tr("工作表“{sheet}”：共 {rows} 行，有效 {good} 行，有问题 {bad} 行。").format(
        sheet=html.escape(report.sheet), rows=report.rows, good=report.imported, bad=len(report.problems))
    if report.dry_run:
        body = tr("导入后将新增 {c} 项、更新 {u} 项；{same} 行与现有通讯录相同。").format(
            c=created, u=updated, same=report.unchanged)
    else:
        body = tr("已新增 {c} 项、更新 {u} 项；{same} 行与现有通讯录相同。").format(c=created, u=updated, same=report.unchanged)
    parts = [f"<p>{head}</p><p>{body}</p>"]
    if report.problems:
        parts.append("<p><b>" + tr("以下各行未导入：") + "</b></p><table border='1' cellspacing='0' cellpadding='3'>")
        parts.append(f"<tr><th>{tr('行号')}</th><th>{tr('原因')}</th></tr>")
        for p in report.problems:
            parts.append(f"<tr><td>{p.row}</td><td>{html.escape(p.text(lang()))}</td></tr>")
        parts.append("</table>")
    if report.notes:
        parts.append("<p><b>" + tr("提示：") + "</b></p><ul>")
        parts += [f"<li>{tr('第 {n} 行').format(n=n.row)}：{html.escape(n.text(lang()))}</li>" for n in report.notes]
        parts.append("</ul>")
    return "".join(parts)


def choose_import_file(parent) -> str | None:
    return open_file(parent, QApplication.translate("ContactsPage", "导入通讯录"), "Excel (*.xlsx)")


# ---------------------------------------------------------------- results


class _HitsModel(RowsTableModel):
    """Unit rows in bold, so a unit's own numbers stand apart from its posts'."""

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.FontRole and index.isValid() and self.rows[index.row()].kind == "organisation":
            font = QFont()
            font.setBold(True)
            return font
        return super().data(index, role)


# ---------------------------------------------------------------- the page


class ContactsPage(QWidget):
    changed = Signal()

    def __init__(self, contacts: ContactsService, excel: ContactsExcel, actor: Actor, parent=None, *,
                 exporter: ReportExporter | None = None):
        super().__init__(parent)
        self.contacts, self.excel, self.actor = contacts, excel, actor
        self.exporter = exporter  # the directory as a PDF listing (None: Excel only)
        self.worker: BackgroundOperation | None = None
        self.last_import: ImportReport | None = None
        self.model = _HitsModel([
            Column(self.tr("单位"), lambda h: h.organisation + (f"（{h.aliases}）" if h.aliases and h.kind == "organisation"
                                                               else "")),
            Column(self.tr("职务"), lambda h: h.post),
            Column(self.tr("姓名"), lambda h: h.person),
            Column(self.tr("办公电话"), lambda h: h.office_phone),
            Column(self.tr("手机"), lambda h: h.mobile),
            Column(self.tr("值班电话"), lambda h: h.duty_phone),
            Column(self.tr("传真"), lambda h: h.fax),
        ], [], self)
        self.search = QLineEdit(placeholderText=self.tr("搜索姓名、职务、单位、别名、电话或拼音首字母（如 zn）…"))
        self.search.setClearButtonEnabled(True)
        self._debounce = QTimer(self, singleShot=True, interval=150, timeout=self.refresh)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.count = QLabel()
        self.note = MessageLine(bold=True)
        self._note_timer = QTimer(self, singleShot=True, interval=COPIED_NOTE_MS, timeout=self.note.clear)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setToolTip(self.tr("单击电话号码即可复制"))
        self.view.clicked.connect(self._clicked)
        self.view.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._show_detail(cur))
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.empty_hint = add_empty_hint(self.view, "")

        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        for key, text, action, slot in (
            ("add_org", self.tr("新增单位"), "contacts.edit", self._add_org),
            ("edit_org", self.tr("编辑单位"), "contacts.edit", self._edit_org),
            ("leaders", self.tr("分管领导"), "contacts.edit", self._edit_leaders),
            ("add_post", self.tr("新增职务"), "contacts.edit", self._add_post),
            ("edit_post", self.tr("编辑职务"), "contacts.edit", self._edit_post),
            ("appoint", self.tr("任职"), "contacts.appoint", self._appoint),
            ("end", self.tr("离任"), "contacts.appoint", self._end),
            ("edit_person", self.tr("编辑人员"), "contacts.edit", self._edit_person),
            ("import", self.tr("导入 Excel…"), "contacts.import", self._import),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            button.setVisible(allowed(actor.roles, action))
            self.buttons[key] = button
            bar.addWidget(button)
        bar.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        # one set of print buttons: PDF (listing) and Excel (the import layout) of the whole directory; on the
        # search row, so the page fits a 1366-wide screen at 125 % (the edit buttons fill the first row)
        make_pdf = (lambda path: exporter.contacts_directory_pdf(actor, path)) if exporter is not None else None

        def make_xlsx(path, progress=None) -> None:  # the bar moves with the rows written (issue 21)
            excel.export_file(actor, path, progress=progress)

        self.print_actions = add_print_actions(top, self, title=self.tr("通讯录"), make_pdf=make_pdf,
                                               make_xlsx=make_xlsx,
                                               default_name=f"通讯录_{dt.date.today().strftime('%Y%m%d')}")
        self.print_actions.set_visible(allowed(actor.roles, "contacts.export"))
        self.print_actions.saved.connect(self._saved)
        self.buttons["export"] = self.print_actions.buttons["xlsx"]
        self.buttons["print_pdf"] = self.print_actions.buttons["pdf"]

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addWidget(self.view, 1)
        left_layout.addWidget(self.note)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([900, 340])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        self.refresh()
        self._update_buttons()

    # -------------------------------------------------------------- search and results

    def refresh(self) -> None:
        keep = self.current_hit()
        result = run(lambda: self.contacts.search(self.actor, self.search.text()), line=self.count)
        if result is None:
            return
        self.model.set_rows(result.hits)
        self.view.resizeColumnsToContents()
        for col in range(self.model.columnCount()):
            # the unit with its aliases (东城交通支队（交通支队、交管东城）) is read whole; the fax column stretches
            self.view.setColumnWidth(col, max(min(self.view.columnWidth(col), UNIT_COLUMN_MAX if col == 0 else 150),
                                              self._min_width(col)))
        self.empty_hint.label.setText(self.tr("没有找到匹配的联系人") if self.search.text().strip() else
                                      self.tr("通讯录为空：请点击“新增单位”录入，或“导入 Excel…”"))
        if result.truncated:
            self.count.setText(self.tr("共 {total} 条，显示前 {shown} 条").format(total=result.total,
                                                                          shown=len(result.hits)))
        else:
            self.count.setText(self.tr("共 {total} 条").format(total=result.total))
        row = next((i for i, h in enumerate(result.hits) if keep and (h.kind, h.organisation_id, h.post_id, h.person_id)
                    == (keep.kind, keep.organisation_id, keep.post_id, keep.person_id)), 0 if result.hits else -1)
        if row >= 0:
            self.view.selectRow(row)
        else:
            self.detail.clear()
        self._update_buttons()

    def _min_width(self, col: int) -> int:
        """Wide enough for a typical value even when the table is empty (an empty table sized to its headers
        squeezes 手机 and 职务 into a few characters)."""
        sample = ("区应急管理局", "主要负责人", "王某某", "010-55550000", "13800000000", "010-55550000", "010-55550000")[col]
        title = str(self.model.headerData(col, Qt.Orientation.Horizontal))
        fm = self.view.fontMetrics()
        return max(fm.horizontalAdvance(title), fm.horizontalAdvance(sample)) + 16

    def current_hit(self) -> Hit | None:
        index = self.view.currentIndex()
        return self.model.rows[index.row()] if index.isValid() and index.row() < len(self.model.rows) else None

    def _clicked(self, index: QModelIndex) -> None:
        if index.column() not in PHONE_COLUMNS:
            return
        hit = self.model.rows[index.row()]
        numbers = split_phones(getattr(hit, PHONE_COLUMNS[index.column()]))
        if not numbers:
            return
        number = numbers[0] if len(numbers) == 1 else self.choose_number(numbers)
        if number:
            self.copy_number(number)

    def choose_number(self, numbers: list[str]) -> str | None:
        menu = QMenu(self)
        for n in numbers:
            menu.addAction(n)
        chosen = menu.exec(QCursor.pos())
        return chosen.text() if chosen else None

    def copy_number(self, number: str) -> None:
        QGuiApplication.clipboard().setText(number)
        self.note.show_ok(self.tr("已复制 {number}").format(number=number))
        self._note_timer.start()

    # -------------------------------------------------------------- detail

    def _show_detail(self, index: QModelIndex) -> None:
        self._update_buttons()
        if not index.isValid():
            self.detail.clear()
            return
        hit = self.model.rows[index.row()]
        text = run(lambda: self._detail_html(hit), on_failure=self.detail.setPlainText)
        if text is not None:
            self.detail.setHtml(text)

    def _detail_html(self, hit: Hit) -> str:
        e = html.escape
        parts: list[str] = []
        if hit.organisation_id is not None:
            org = self.contacts.organisation(self.actor, hit.organisation_id)
            kind = KIND_LABELS.get(org.kind, (org.kind, org.kind))
            parts.append(f"<h3>{e(org.name)}</h3><p>{e(kind[1] if lang() == 'en' else kind[0])}")
            if org.parent_name:
                parts.append(" · " + self.tr("上级单位：{p}").format(p=e(org.parent_name)))
            parts.append("</p><p>")
            if org.aliases:
                parts.append(self.tr("别名：{a}").format(a=e("、".join(org.aliases))) + "<br>")
            parts.append(self.tr("值班电话：{p}").format(p=e(org.duty_phone or "—")) + "<br>")
            parts.append(self.tr("传真：{p}").format(p=e(org.fax or "—")) + "</p>")
            leaders = "、".join(e(f"{r.organisation} {r.label}") for r in org.supervising_leaders)
            parts.append("<p>" + self.tr("分管领导：{l}").format(l=leaders or "—") + "</p>")
            if hit.kind == "organisation":
                parts.append(self._posts_html(self.contacts.posts_of(self.actor, org.id)))
        if hit.post_id is not None:
            post = self.contacts.post(self.actor, hit.post_id)
            parts.append(f"<h4>{e(post.title)}</h4><p>")
            parts.append(self.tr("办公电话：{p}").format(p=e(post.office_phone or "—")) + "<br>")
            parts.append(self.tr("值班电话：{p}").format(p=e(post.duty_phone or "—")) + "<br>")
            parts.append(self.tr("传真：{p}").format(p=e(post.fax or "—")) + "<br>")
            holders = "、".join(e(f"{h.name} {h.mobile or ''}".strip()) for h in post.holders)
            parts.append(self.tr("在任：{h}").format(h=holders or self.tr("（空缺）")) + "</p>")
            parts.append(self._history_html(self.contacts.post_history(self.actor, post.id), by_person=True))
        elif hit.person_id is not None:
            person = self.contacts.person(self.actor, hit.person_id)
            parts.append(f"<h3>{e(person.name)}</h3><p>" + self.tr("手机：{p}").format(p=e(person.mobile or "—"))
                         + "<br>" + self.tr("办公电话：{p}").format(p=e(person.office_phone or "—")) + "</p>")
            if person.note:
                parts.append(f"<p>{e(person.note)}</p>")
            parts.append(self._history_html(self.contacts.person_history(self.actor, person.id), by_person=False))
        return "".join(parts)

    def _posts_html(self, posts: list[PostView]) -> str:
        if not posts:
            return ""
        e = html.escape
        rows = [f"<p><b>{self.tr('职务')}</b></p><table border='1' cellspacing='0' cellpadding='3'>",
                f"<tr><th>{self.tr('职务')}</th><th>{self.tr('在任人员')}</th><th>{self.tr('办公电话')}</th></tr>"]
        for post in posts:
            who = "、".join(h.name for h in post.holders) or self.tr("（空缺）")
            rows.append(f"<tr><td>{e(post.title)}</td><td>{e(who)}</td><td>{e(post.office_phone or '')}</td></tr>")
        rows.append("</table>")
        return "".join(rows)

    def _history_html(self, history, by_person: bool) -> str:
        if not history:
            return "<p>" + self.tr("暂无任职记录") + "</p>"
        e = html.escape
        who = self.tr("姓名") if by_person else self.tr("职务")
        rows = [f"<p><b>{self.tr('任职记录')}</b></p><table border='1' cellspacing='0' cellpadding='3'>",
                f"<tr><th>{who}</th><th>{self.tr('任职')}</th><th>{self.tr('离任')}</th><th>{self.tr('文号')}</th></tr>"]
        for a in history:
            name = a.person if by_person else f"{a.organisation} {a.post}"
            end = _date(a.end_date) or self.tr("在任")
            rows.append(f"<tr><td>{e(name)}</td><td>{_date(a.start_date)}</td><td>{e(end)}</td>"
                        f"<td>{e(a.source_doc_no or '')}</td></tr>")
        rows.append("</table>")
        return "".join(rows)

    def _update_buttons(self) -> None:
        hit = self.current_hit()
        for key in ("edit_org", "leaders", "add_post"):
            self.buttons[key].setEnabled(hit is not None and hit.organisation_id is not None)
        for key in ("edit_post", "appoint"):
            self.buttons[key].setEnabled(hit is not None and hit.post_id is not None)
        self.buttons["end"].setEnabled(hit is not None and hit.post_id is not None and hit.person_id is not None)
        self.buttons["edit_person"].setEnabled(hit is not None and hit.person_id is not None)

    # -------------------------------------------------------------- edits

    def _run(self, action) -> bool:
        return run(action, line=self.note, done="", on_success=self._changed) is not None

    def _changed(self, _result=None) -> None:
        self.refresh()
        self.changed.emit()

    def _add_org(self) -> None:
        data = OrganisationDialog.ask(self, None, self.contacts.organisations(self.actor))
        if data is not None:
            self._run(lambda: self.contacts.create_organisation(self.actor, data))

    def _edit_org(self) -> None:
        hit = self.current_hit()
        if hit is None or hit.organisation_id is None:
            return
        org = self.contacts.organisation(self.actor, hit.organisation_id)
        data = OrganisationDialog.ask(self, org, self.contacts.organisations(self.actor))
        if data is not None:
            self._run(lambda: self.contacts.update_organisation(self.actor, org.id, data))

    def _edit_leaders(self) -> None:
        hit = self.current_hit()
        if hit is None or hit.organisation_id is None:
            return
        org = self.contacts.organisation(self.actor, hit.organisation_id)
        ids = LeadersDialog.ask(self, self.contacts.leader_candidates(self.actor),
                                [r.post_id for r in org.supervising_leaders])
        if ids is not None:
            self._run(lambda: self.contacts.set_supervising_leaders(self.actor, org.id, ids))

    def _add_post(self) -> None:
        hit = self.current_hit()
        if hit is None or hit.organisation_id is None:
            return
        data = PostDialog.ask(self, hit.organisation_id, hit.organisation, None)
        if data is not None:
            self._run(lambda: self.contacts.create_post(self.actor, data))

    def _edit_post(self) -> None:
        hit = self.current_hit()
        if hit is None or hit.post_id is None:
            return
        post = self.contacts.post(self.actor, hit.post_id)
        data = PostDialog.ask(self, post.organisation_id, post.organisation, post)
        if data is not None:
            self._run(lambda: self.contacts.update_post(self.actor, post.id, data))

    def _appoint(self) -> None:
        hit = self.current_hit()
        if hit is None or hit.post_id is None:
            return
        answer = PersonDialog.ask_appointment(self, f"{hit.organisation} {hit.post}", self.contacts.people(self.actor))
        if answer is None:
            return
        who, start, doc = answer
        if isinstance(who, int):
            self._run(lambda: self.contacts.appoint(self.actor, who, hit.post_id, start, source_doc_no=doc))
        else:
            self._run(lambda: self.contacts.appoint_new_person(self.actor, hit.post_id, who, start, doc))

    def _end(self) -> None:
        hit = self.current_hit()
        if hit is None or hit.post_id is None:
            return
        post = self.contacts.post(self.actor, hit.post_id)
        if not post.holders:
            return
        answer = EndAppointmentDialog.ask(self, post)
        if answer is not None:
            appointment_id, end, doc = answer
            self._run(lambda: self.contacts.end_appointment(self.actor, appointment_id, end, doc))

    def _edit_person(self) -> None:
        hit = self.current_hit()
        if hit is None or hit.person_id is None:
            return
        p = self.contacts.person(self.actor, hit.person_id)
        data = PersonDialog.ask(self, PersonInput(p.name, p.mobile, p.office_phone, p.note))
        if data is not None:
            self._run(lambda: self.contacts.update_person(self.actor, p.id, data))

    # -------------------------------------------------------------- Excel

    def _import(self) -> None:
        path = choose_import_file(self)
        if path:
            self._start_import(path, dry_run=True)

    def _start_import(self, path: str, dry_run: bool) -> None:
        """Check (dry run) or import off the GUI thread, with a progress dialog that can cancel."""
        text = self.tr("正在检查 Excel 文件…") if dry_run else self.tr("正在导入通讯录…")
        self.worker = run_in_background(
            self, lambda report: self.excel.import_file(self.actor, path, dry_run=dry_run, progress=report),
            label=text, title=self.tr("导入通讯录"), cancellable=True, min_duration_ms=400,
            on_success=lambda result: self._import_done(path, dry_run, result), on_failure=self._import_failed)

    def _import_failed(self, message: str) -> None:
        self.worker = None
        self._error(message)

    def _import_done(self, path: str, dry_run: bool, result: ImportReport) -> None:
        self.worker = None
        if dry_run:
            if ImportReportDialog.confirm(self, result):
                self._start_import(path, dry_run=False)
            return
        self.last_import = result
        self.note.show_ok(self.tr("已导入 {good} 行；{bad} 行有问题未导入").format(good=result.imported,
                                                                   bad=len(result.problems)))
        self.refresh()
        self.changed.emit()

    def _saved(self, kind: str, path: str) -> None:
        if kind == "xlsx":
            self.note.show_ok(self.tr("已导出通讯录到 {path}（列：{cols}）").format(path=path, cols="、".join(COLUMNS)))
        else:
            self.note.show_ok(self.tr("已保存通讯录PDF：{path}").format(path=path))

    def _error(self, text: str) -> None:
        self.note.show_error(text)
