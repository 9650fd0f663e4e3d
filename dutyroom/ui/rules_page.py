"""规则查询: the profile as a duty officer uses it — lead units with duty phones, the reporting
deadlines for an incident, the approval chain of a warning colour, response levels, the plan list."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..domain.permissions import allowed
from ..domain.vocabulary import (
    CATEGORY_LABELS,
    COLOUR_LABELS,
    FLAG_LABELS,
    GRADE_LABELS,
    ROLE_LABELS,
    Category,
    Colour,
    Flag,
    Grade,
    label,
)
from ..services.actor import Actor
from ..services.errors import lang
from ..services.rules_service import RulesService
from .beijing_time import BEIJING_TZ, select_section_on_click
from .number_box import NumberBox
from .operations import MessageLine, run
from .table_model import Column, RowsTableModel, TextFilterProxy

_KIND_LABELS = {"verbal": "首报（电话/口头）", "written": "书面详细报告", "followup": "续报", "final": "终报",
               "notice": "通报/信息发布"}


def _table(model) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(True)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    view.resizeColumnsToContents()
    for col in range(model.columnCount()):  # readable widths, then the user may drag
        view.setColumnWidth(col, min(view.columnWidth(col), 360))
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return view


class LeadTableTab(QWidget):
    """处置分工: type to filter by event type, unit or phone digits."""

    def __init__(self, rules: RulesService, parent=None):
        super().__init__(parent)
        cat = lambda r: label(CATEGORY_LABELS, Category(r.category), lang())  # noqa: E731
        self.model = RowsTableModel([
            Column(self.tr("序号"), lambda r: r.no),
            Column(self.tr("类别"), cat),
            Column(self.tr("突发事件"), lambda r: r.event_type),
            Column(self.tr("处置主责部门"), lambda r: "、".join(r.lead_units)),
            Column(self.tr("值班电话"), lambda r: "；".join(f"{u} {p}" for u, p in zip(r.lead_units, r.duty_phones, strict=True)
                                                      if p)),
        ], rules.lead_table(), self)
        self.proxy = TextFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.search = QLineEdit(placeholderText=self.tr("搜索事件类型、部门或电话…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_text)
        self.view = _table(self.proxy)
        self.count = QLabel()
        self.proxy.rowsInserted.connect(self._count)
        self.proxy.rowsRemoved.connect(self._count)
        self.proxy.modelReset.connect(self._count)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        layout.addLayout(top)
        layout.addWidget(self.view)
        basis = rules.profile.lead_departments[0].basis
        layout.addWidget(QLabel(self.tr("依据：{name}总体应急预案 {basis}").format(name=rules.profile.name, basis=basis)))
        self._count()

    def _count(self, *args) -> None:
        self.count.setText(self.tr("{shown} / {total} 类").format(shown=self.proxy.rowCount(), total=self.model.rowCount()))


class ClockTab(QWidget):
    """报告时限: enter what is known; the deadlines, the grade suggestion and lead units follow."""

    def __init__(self, rules: RulesService, parent=None):
        super().__init__(parent)
        self.rules = rules
        profile = rules.profile
        self.category = QComboBox()
        for c in Category:
            self.category.addItem(label(CATEGORY_LABELS, c, lang()), c.value)
        self.event_type = QComboBox()
        self.grade = QComboBox()
        for g in (Grade.unknown, Grade.ordinary, Grade.large, Grade.major, Grade.especially_major):
            self.grade.addItem(label(GRADE_LABELS, g, lang()), g.value)
        now = QDateTime.currentDateTime().toTimeZone(BEIJING_TZ)
        self.occurred = QDateTimeEdit(now, calendarPopup=True, displayFormat="yyyy-MM-dd HH:mm")
        self.received = QDateTimeEdit(now, calendarPopup=True, displayFormat="yyyy-MM-dd HH:mm")
        for edit in (self.occurred, self.received):  # the officer types Beijing time whatever the PC's zone
            edit.setTimeZone(BEIJING_TZ)
            select_section_on_click(edit)
        self.deaths, self.serious, self.loss = NumberBox(), NumberBox(), NumberBox()
        for box in (self.deaths, self.serious):
            box.setRange(0, 100000)
        self.loss.setRange(0, 10_000_000)
        self.loss.setSuffix(self.tr(" 万元"))
        self.flags = {f: QCheckBox(label(FLAG_LABELS, f, lang())) for f in Flag}
        self.ongoing = QCheckBox(self.tr("仍在处置中"), checked=True)
        form = QFormLayout()
        form.addRow(self.tr("类别"), self.category)
        form.addRow(self.tr("事件类型"), self.event_type)
        form.addRow(self.tr("确认等级"), self.grade)
        form.addRow(self.tr("发生时间"), self.occurred)
        form.addRow(self.tr("接报时间"), self.received)
        form.addRow(self.tr("死亡（人）"), self.deaths)
        form.addRow(self.tr("重伤（人）"), self.serious)
        form.addRow(self.tr("直接经济损失"), self.loss)
        flags = QGridLayout()
        for i, box in enumerate([*self.flags.values(), self.ongoing]):
            flags.addWidget(box, i // 2, i % 2)
        form.addRow(self.tr("情形"), flags)
        left = QGroupBox(self.tr("事件要素"))
        left.setLayout(form)
        self.result = QTextBrowser()
        self.result.setOpenLinks(False)
        layout = QHBoxLayout(self)
        layout.addWidget(left)
        layout.addWidget(self.result, 1)
        self.category.currentIndexChanged.connect(self._fill_event_types)
        for w in (self.event_type, self.grade, self.category):
            w.currentIndexChanged.connect(self.refresh)
        for w in (self.occurred, self.received):
            w.dateTimeChanged.connect(self.refresh)
        for w in (self.deaths, self.serious, self.loss):
            w.valueChanged.connect(self.refresh)
        for box in [*self.flags.values(), self.ongoing]:
            box.toggled.connect(self.refresh)
        self._profile = profile
        self._fill_event_types()

    def _fill_event_types(self) -> None:
        cat = self.category.currentData()
        self.event_type.blockSignals(True)
        self.event_type.clear()
        self.event_type.addItem(self.tr("（未选择）"), "")
        for row in self._profile.lead_departments:
            if row.category.value == cat:
                self.event_type.addItem(row.event_type, row.event_type)
        self.event_type.blockSignals(False)
        self.refresh()

    @staticmethod
    def _iso(edit: QDateTimeEdit) -> str:
        return edit.dateTime().toTimeZone(BEIJING_TZ).toString(Qt.DateFormat.ISODate)

    def facts(self) -> dict:
        data = {
            "category": self.category.currentData(),
            "event_type": self.event_type.currentData() or None,
            "grade": self.grade.currentData(),
            "occurred_at": self._iso(self.occurred),
            "received_at": self._iso(self.received),
            "deaths": self.deaths.value(),
            "seriously_injured": self.serious.value(),
            "economic_loss_cny": self.loss.value() * 10_000,
            "ongoing": self.ongoing.isChecked(),
        }
        data.update({f.value: box.isChecked() for f, box in self.flags.items()})
        return data

    def refresh(self, *args) -> None:
        answer = run(lambda: self.rules.evaluate_incident(self.facts()),
                     on_failure=lambda message: self.result.setHtml(f"<p style='color:#b00020'><b>{message}</b></p>"))
        if answer is None:
            return
        self.result.setHtml(self._render(answer))

    def _render(self, a: dict) -> str:
        g = a["grade"]
        parts = []
        if g["suggested"]:
            sug = label(GRADE_LABELS, Grade(g["suggested"]), lang())
            parts.append(self.tr("<p><b>建议等级：</b>{grade}（规则：{rules}）{judge}</p>").format(
                grade=sug, rules="，".join(g["rules"]),
                judge=self.tr("，需研判") if g["needs_judgment"] else ""))
        else:
            parts.append(self.tr("<p><b>建议等级：</b>无可适用的数量标准，由值班人员研判</p>"))
        if a["lead_units"]:
            phones = self.rules.duty_phones(a["lead_units"])
            units = "；".join(f"{u} {phones.get(u, '')}".strip() for u in a["lead_units"])
            parts.append(self.tr("<p><b>处置主责部门：</b>{units}</p>").format(units=units))
        rows = []
        for d in a["deadlines"]:
            if d["due"]:
                due = dt.datetime.fromisoformat(d["due"]).strftime("%m-%d %H:%M")
                when = f"<b>{due}</b>（{d['wording']}）"
            else:
                when = f"<b>{d['wording']}</b>"
            to = "、".join(d["to"]) + (self.tr("；同时通报 ") + "、".join(d["cc"]) if d["cc"] else "")
            if d.get("by"):
                to += self.tr("（由{by}负责）").format(by="、".join(d["by"]))
            rows.append(f"<tr><td>{self.tr(_KIND_LABELS[d['kind']])}</td><td>{when}</td><td>{to}</td><td>{d['basis']}</td></tr>")
        if rows:
            head = "".join(f"<th align='left'>{self.tr(h)}</th>" for h in ("报告", "时限", "报送", "条款"))
            parts.append(f"<table cellspacing='0' cellpadding='4' border='1'><tr>{head}</tr>{''.join(rows)}</table>")
        else:
            parts.append(self.tr("<p>按本预案，此情形无报告时限。</p>"))
        if a["followup_every_minutes"]:
            parts.append(self.tr("<p>续报：每 {m} 分钟一次，直至处置结束。</p>").format(m=a["followup_every_minutes"]))
        if a["report_to_city"]:
            cr = a["city_report"]
            review = self.tr("，报送前须经区领导审核") if cr["leader_review"] else ""
            parts.append(self.tr("<p><b>报市：</b>{to}{review}（{basis}）</p>").format(
                to="、".join(cr["to"]), review=review, basis=cr["basis"]))
        if a.get("steps"):
            items = "".join(f"<li>{s['label']}（{s['by']}，{s['basis']}）"
                            f"{self.tr('；结束响应前须登记') if s['before_end'] else ''}</li>" for s in a["steps"])
            parts.append(self.tr("<p><b>须登记的步骤：</b></p><ul>{items}</ul>").format(items=items))
        if a.get("pending"):
            items = "".join(f"<li>{p['what']}：{p['assumed']}（{p['basis']}）<b>{p['mark']}</b></li>" for p in a["pending"])
            parts.append(self.tr("<p><b>市总体预案留给本区的事项：</b></p><ul>{items}</ul>").format(items=items))
        return "".join(parts)


class WarningChainTab(QWidget):
    def __init__(self, rules: RulesService, parent=None):
        super().__init__(parent)
        self.rules = rules
        self.colour = QComboBox()
        for c in Colour:
            self.colour.addItem(label(COLOUR_LABELS, c, lang()), c.value)
        self.category = QComboBox()
        self.category.addItem(self.tr("（总体预案）"), None)
        for cat in rules.profile.warnings.category_overrides:
            self.category.addItem(label(CATEGORY_LABELS, cat, lang()), cat.value)
        self.text = QTextBrowser()
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("预警级别")))
        top.addWidget(self.colour)
        top.addWidget(QLabel(self.tr("适用预案")))
        top.addWidget(self.category)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.text)
        self.colour.currentIndexChanged.connect(self.refresh)
        self.category.currentIndexChanged.connect(self.refresh)
        self.refresh()

    def refresh(self, *args) -> None:
        w = self.rules.warning_chain(self.colour.currentData(), self.category.currentData())
        titles = self.rules.profile.role_titles
        role = lambda key: titles.get(key) or label(ROLE_LABELS, key, lang())  # noqa: E731
        item = lambda s: (  # noqa: E731
            f"<li>{s['label']}（{role(s['role'])}，"
            f"{self.tr('在系统内签批') if s['kind'] == 'sign_off' else self.tr('外部决定，手工登记文号和时间')}，{s['basis']}）</li>")
        # preconditions (公卫预案3.2.2(2) expert assessment) are the chain's first, hand-recorded steps
        steps = "".join(item(s) for s in w["preconditions"] + w["steps"]) or (
            f"<li>{self.tr('无需审批，由发布单位按规定发布')}</li>")
        adjust = w["adjustment"]
        adjusting = "".join(item(s) for s in [{"role": adjust["by"], "kind": "sign_off", "label": adjust["by_label"],
                                               "basis": adjust["basis"]}, *adjust["steps"]])
        measures = "".join(f"<li>{m}</li>" for m in w["measures"])
        filed = "、".join(w["filed_with"]) or self.tr("（预案未规定）")
        areas = "".join(f"<li>{n['wording']}（{n['by']}→{'、'.join(n['to'])}，{n['basis']}）</li>" for n in w["other_areas"])
        self.text.setHtml(
            f"<h3>{self.tr('审批流程')}</h3><ol>{steps}</ol>"
            f"<p><b>{self.tr('发布：')}</b>{role(w['issuer'])}　<b>{self.tr('解除：')}</b>{role(w['lifted_by'])}"
            f"{self.tr('（解除须同样审批）') if w['lift_needs_approval'] else ''}</p>"
            f"<p><b>{self.tr('备案：')}</b>{filed}</p>"
            + (f"<p><b>{self.tr('可能影响本区以外地区时：')}</b></p><ul>{areas}</ul>" if areas else "")
            + f"<h3>{self.tr('调整预警级别')}</h3><ol>{adjusting}</ol><h3>{self.tr('响应措施清单')}</h3><ol>{measures}</ol>")


class ResponseTab(QWidget):
    def __init__(self, rules: RulesService, parent=None):
        super().__init__(parent)
        grades = lambda lv: "、".join(label(GRADE_LABELS, g, lang()) for g in lv.default_grades)  # noqa: E731
        model = RowsTableModel([
            Column(self.tr("响应级别"), lambda lv: lv.name, lambda lv: lv.rank),
            Column(self.tr("启动条件"), lambda lv: lv.condition),
            Column(self.tr("对应事件等级"), grades),
            Column(self.tr("启动"), lambda lv: lv.activated_by),
            Column(self.tr("指挥"), lambda lv: lv.commander),
            Column(self.tr("执行指挥"), lambda lv: lv.executive_commander or ""),
            Column(self.tr("结束"), lambda lv: lv.ended_by),
            Column(self.tr("条款"), lambda lv: lv.basis),
        ], rules.profile.response.levels, self)
        layout = QVBoxLayout(self)
        view = _table(model)
        view.setColumnWidth(1, 320)
        view.resizeRowsToContents()
        layout.addWidget(view)


class CatalogueTab(QWidget):
    def __init__(self, rules: RulesService, parent=None):
        super().__init__(parent)
        types = {"special": "专项", "support": "应急保障", "catastrophe": "巨灾", "departmental": "部门", "general": "总体"}
        cat = lambda p: label(CATEGORY_LABELS, p.category, lang()) if p.category else ""  # noqa: E731
        self.model = RowsTableModel([
            Column(self.tr("序号"), lambda p: p.no),
            Column(self.tr("预案名称"), lambda p: p.name),
            Column(self.tr("类型"), lambda p: self.tr(types.get(p.plan_type, p.plan_type))),
            Column(self.tr("类别"), cat),
            Column(self.tr("编制单位"), lambda p: "、".join(p.drafting_units)),
        ], rules.profile.plan_catalogue, self)
        self.proxy = TextFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        search = QLineEdit(placeholderText=self.tr("搜索预案名称或编制单位…"))
        search.textChanged.connect(self.proxy.set_text)
        layout = QVBoxLayout(self)
        layout.addWidget(search)
        layout.addWidget(_table(self.proxy))


class PendingTab(QWidget):
    """A district under the municipal plan: what its own plan must settle, marked 待本区预案确认 until recorded."""

    def __init__(self, rules: RulesService, actor: Actor | None = None, parent=None):
        super().__init__(parent)
        self.rules, self.actor = rules, actor
        self.model = RowsTableModel([
            Column(self.tr("事项"), lambda p: p.what),
            Column(self.tr("暂按"), lambda p: p.assumed),
            Column(self.tr("本区规定"), lambda p: p.confirmed or p.mark),
            Column(self.tr("条款"), lambda p: p.basis),
        ], rules.pending(), self)
        self.table = _table(self.model)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("本区总体应急预案未录入，以下按北京市总体应急预案对区的规定建模；"
                                        "标“待本区预案确认”的事项由系统管理员登记本区规定。")))
        layout.addWidget(self.table)
        # the administrator records what the district's own plan says on the selected item (audited)
        self.editor = QWidget()
        row = QHBoxLayout(self.editor)
        row.setContentsMargins(0, 0, 0, 0)
        self.text = QLineEdit(placeholderText=self.tr("本区预案的规定（留空则恢复为待确认）"))
        self.save = QPushButton(self.tr("登记本区规定"))
        self.save.clicked.connect(self.confirm)
        row.addWidget(self.text, 1)
        row.addWidget(self.save)
        self.message = MessageLine()
        layout.addWidget(self.editor)
        layout.addWidget(self.message)
        self.editor.setVisible(actor is not None and allowed(actor.roles, "maintenance.settings"))

    def confirm(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.actor is None:
            self.message.show_error(self.tr("请先选择一个事项"))
            return
        item = self.model.rows[rows[0].row()]
        actor, text = self.actor, self.text.text()
        if run(lambda: self.rules.confirm_pending(actor, item.id, text), line=self.message,
               done=self.tr("已登记")) is None:
            return
        self.model.set_rows(self.rules.pending())
        self.text.clear()


class RulesPage(QTabWidget):
    def __init__(self, rules: RulesService, parent=None, actor: Actor | None = None):
        super().__init__(parent)
        self.lead = LeadTableTab(rules)
        self.clock = ClockTab(rules)
        self.warning = WarningChainTab(rules)
        self.addTab(self.lead, self.tr("处置分工"))
        self.addTab(self.clock, self.tr("报告时限"))
        self.addTab(self.warning, self.tr("预警审批"))
        self.addTab(ResponseTab(rules), self.tr("响应分级"))
        if rules.profile.pending:
            self.pending = PendingTab(rules, actor)
            self.addTab(self.pending, self.tr("待本区预案确认"))
        if rules.profile.plan_catalogue:
            self.addTab(CatalogueTab(rules), self.tr("专项预案目录"))
