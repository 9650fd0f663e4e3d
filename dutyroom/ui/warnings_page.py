"""预警发布: the warnings of the district by status and colour, and one warning's content, approval chain,
response-measure checklist, decisions and adjustment chain.

The buttons shown are exactly `WarningService.actions_for(actor, id)`: the page hides what the service
would refuse, and the service still refuses it (the page shows the refusal in its message line).
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..domain.permissions import allowed
from ..domain.vocabulary import Colour
from ..domain.warning_state import Status
from ..reports.cap import message_id
from ..services.actor import Actor
from ..services.cap_export import write_warning
from ..services.errors import UserError
from ..services.exports import ReportExporter
from ..services.warnings import WarningService, WarningView
from .empty_hint import add_empty_hint
from .operations import MessageLine, run
from .print_support import PrintActions, add_print_actions
from .table_model import Column, RowsTableModel, SortProxy
from .warning_dialogs import (
    COLOUR_CSS,
    CapSaveDialog,
    DecisionDialog,
    ExternalDecisionDialog,
    IssueDialog,
    WarningFormDialog,
    beijing,
    category_name,
    chain_text,
    chip_css,
    colour_name,
    role_name,
    status_name,
    warning_status_text,
)

ACTION_ORDER = ("edit", "submit", "withdraw", "approve", "return", "reject", "record_external", "issue", "adjust", "request_lift",
                "lift")


class WarningsPage(QWidget):
    """List on the left, the selected warning on the right."""

    changed = Signal()  # after any command: the queue and the dashboard panel refresh

    def __init__(self, svc: WarningService, actor: Actor, parent=None, *, exporter: ReportExporter | None = None):
        super().__init__(parent)
        self.svc, self.actor = svc, actor
        self.exporter = exporter  # 审批单 / 发布单 of the selected warning (None: no print buttons)
        self.print_actions: PrintActions | None = None
        self._print_id: int | None = None  # read by the print worker (never a widget from that thread)
        self._print_kind = "approval"
        self.current: WarningView | None = None
        self._shown_by_selection = False  # set by _selected: show_warning need not load the warning again
        self.actions: frozenset[str] = frozenset()

        # -- the list
        self.status_filter = QComboBox()
        self.status_filter.addItem(self.tr("全部状态"), None)
        self.status_filter.addItem(self.tr("生效中"), "in_force")
        self.status_filter.addItem(self.tr("审批中"), "awaiting")
        for st in Status:
            self.status_filter.addItem(status_name(st.value), st.value)
        self.colour_filter = QComboBox()
        self.colour_filter.addItem(self.tr("全部级别"), None)
        for c in Colour:
            self.colour_filter.addItem(colour_name(c.value), c.value)
        self.new_button = QPushButton(self.tr("新建预警"))
        self.new_button.setVisible(allowed(actor.roles, "warning.draft"))
        self.new_button.clicked.connect(self.new_warning)
        self.model = RowsTableModel([
            Column(self.tr("编号"), lambda w: w.id),
            Column(self.tr("级别"), lambda w: colour_name(w.colour), lambda w: [c.value for c in Colour].index(w.colour)),
            Column(self.tr("标题"), lambda w: w.title),
            Column(self.tr("状态"), lambda w: warning_status_text(self.svc, w, short=True)),
            Column(self.tr("待审批步骤"), self._next_text),
            Column(self.tr("发布时间"), lambda w: beijing(w.issued_at), lambda w: w.issued_at.timestamp()
                   if w.issued_at else 0),
        ], [], self)
        self.proxy = SortProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)  # the title takes what is left
        header.setStretchLastSection(False)
        self.table.setMinimumWidth(480)
        add_empty_hint(self.table, self.tr("暂无预警。点击“新建预警”起草本区预警，或登记上级发布的预警。"))
        self.table.selectionModel().selectionChanged.connect(self._selected)
        top = QHBoxLayout()
        top.addWidget(self.status_filter)
        top.addWidget(self.colour_filter)
        top.addStretch(1)
        top.addWidget(self.new_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addLayout(top)
        left_layout.addWidget(self.table)

        # -- the selected warning
        self.heading = QLabel(wordWrap=True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.buttons: dict[str, QPushButton] = {}
        labels = {"edit": self.tr("修改"), "submit": self.tr("提交审批"), "withdraw": self.tr("撤销"), "approve": self.tr("批准"),
                  "return": self.tr("退回修改"), "reject": self.tr("不予批准"), "record_external": self.tr("登记上级决定"),
                  "issue": self.tr("发布"), "adjust": self.tr("调整级别/内容"), "request_lift": self.tr("申请解除"),
                  "lift": self.tr("解除预警")}
        handlers: dict[str, Callable[[], None]] = {
            "edit": self.edit_warning, "submit": self.submit_warning, "withdraw": self.withdraw, "approve": self.approve,
            "return": self.return_for_changes, "reject": self.reject, "record_external": self.record_external,
            "issue": self.issue, "adjust": self.adjust, "request_lift": self.request_lift, "lift": self.lift}
        row = QHBoxLayout()
        for name in ACTION_ORDER:
            button = QPushButton(labels[name])
            button.setVisible(False)
            button.clicked.connect(handlers[name])
            self.buttons[name] = button
            row.addWidget(button)
        self.cap_button = QPushButton(self.tr("导出CAP"))
        self.cap_button.setVisible(False)
        self.cap_button.clicked.connect(self.export_cap)
        row.addWidget(self.cap_button)
        row.addStretch(1)
        self.message = MessageLine()
        self.content_view = QTextBrowser()
        self.chain_view = QTextBrowser()
        self.measures = QListWidget()
        self.measures.setWordWrap(True)  # the plans' measures are whole sentences
        self.measures.itemChanged.connect(self._measure_toggled)
        self.measures_hint = QLabel(wordWrap=True, styleSheet="color: #555")
        measures_tab = QWidget()
        m_layout = QVBoxLayout(measures_tab)
        m_layout.addWidget(self.measures_hint)
        m_layout.addWidget(self.measures)
        self.history_view = QTextBrowser()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.chain_view, self.tr("审批流程"))
        self.tabs.addTab(self.content_view, self.tr("预警内容"))
        self.tabs.addTab(measures_tab, self.tr("响应措施"))
        self.tabs.addTab(self.history_view, self.tr("审批记录与调整"))
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.heading)
        right_layout.addLayout(row)
        if exporter is not None:
            print_row = QHBoxLayout()
            self.print_choice = QComboBox()
            self.print_choice.addItem(self.tr("预警信息发布审批单"), "approval")
            self.print_choice.addItem(self.tr("预警信息发布单"), "release")
            self.print_choice.currentIndexChanged.connect(self._print_choice_changed)
            print_row.addWidget(QLabel(self.tr("打印")))
            print_row.addWidget(self.print_choice)
            self.print_actions = add_print_actions(print_row, self, title=self.tr("预警信息发布审批单"),
                                                   make_pdf=self._make_pdf)
            print_row.addStretch(1)
            right_layout.addLayout(print_row)
        right_layout.addWidget(self.message)
        right_layout.addWidget(self.tabs, 1)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([640, 600])  # the list's 状态 column readable (QA D)
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.status_filter.currentIndexChanged.connect(self.refresh)
        self.colour_filter.currentIndexChanged.connect(self.refresh)
        self.refresh()

    # ------------------------------------------------------------ list

    def _next_text(self, w: WarningView) -> str:
        if w.next_step is None:
            return ""
        step = w.steps[w.next_step - 1]
        return f"{w.next_step}/{len(w.steps)} {step.label}"

    def refresh(self) -> None:
        keep = self.current.id if self.current else None
        wanted = self.status_filter.currentData()
        statuses = {"in_force": [Status.issued, Status.lift_pending, Status.lift_approved],
                    "awaiting": [Status.pending, Status.lift_pending]}.get(wanted, [wanted] if wanted else None)
        rows = self.svc.list_warnings([s.value if isinstance(s, Status) else s for s in statuses] if statuses else None)
        colour = self.colour_filter.currentData()
        if colour:
            rows = [w for w in rows if w.colour == colour]
        self.model.set_rows(rows)
        self._fit_columns()
        if keep is not None and any(w.id == keep for w in rows):
            self.show_warning(keep)
        elif rows:
            self._select_row(rows[0].id)
        else:
            self._show(None)

    def _fit_columns(self) -> None:
        """Short columns to their contents; the long 待审批步骤 capped so the title keeps its room (QA D)."""
        for col in (0, 1, 3, 4, 5):
            self.table.resizeColumnToContents(col)
        self.table.setColumnWidth(4, min(self.table.columnWidth(4), 170))

    def _select_row(self, warning_id: int) -> bool:
        for r in range(self.proxy.rowCount()):
            if self.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole) == warning_id:
                self.table.selectionModel().select(
                    self.proxy.index(r, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows)
                self.table.scrollTo(self.proxy.index(r, 0))
                return True
        return False

    def _selected(self, *args) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self._show(self.svc.get(rows[0].data(Qt.ItemDataRole.UserRole)))
            self._shown_by_selection = True

    def show_warning(self, warning_id: int) -> None:
        """Open one warning (the approval queue calls this); clears filters that would hide it."""
        self._shown_by_selection = False  # selecting its row loads and shows it (_selected)
        if not self._select_row(warning_id):
            self.status_filter.blockSignals(True)
            self.colour_filter.blockSignals(True)
            self.status_filter.setCurrentIndex(0)
            self.colour_filter.setCurrentIndex(0)
            self.status_filter.blockSignals(False)
            self.colour_filter.blockSignals(False)
            self.model.set_rows(self.svc.list_warnings())
            self._select_row(warning_id)
        if not (self._shown_by_selection and self.current is not None and self.current.id == warning_id):
            self._show(self.svc.get(warning_id))  # the row was selected already (or is not listed): reload

    # ------------------------------------------------------------ the selected warning

    def _show(self, w: WarningView | None) -> None:
        self.current = w
        self.actions = self.svc.actions_for(self.actor, w.id) if w else frozenset()
        for name, button in self.buttons.items():
            button.setVisible(name in self.actions)
        self.cap_button.setVisible(w is not None and w.issued_at is not None)
        self._print_id = w.id if w else None
        if self.print_actions is not None:
            self.print_actions.set_enabled(w is not None, reason=self.tr("请先选择一条预警"))
            self._print_choice_changed()
        if w is None:
            self.heading.setText(self.tr("（没有预警）"))
            for view in (self.content_view, self.chain_view, self.history_view):
                view.clear()
            self.measures.clear()
            return
        chip = f"<span style='{chip_css(w.colour)}'>&nbsp;{html.escape(colour_name(w.colour))}&nbsp;</span>"
        adj = self.tr("（调整自预警 {id}）").format(id=w.previous_id) if w.previous_id else ""
        self.heading.setText(f"<h3>{chip} {html.escape(w.title)}</h3>"
                             f"<p>{self.tr('编号')} {w.id} · {html.escape(warning_status_text(self.svc, w))}{html.escape(adj)}</p>")
        self.content_view.setHtml(self._content_html(w))
        self.chain_view.setHtml(self._chain_html(w))
        self._fill_measures(w)
        self.history_view.setHtml(self._history_html(w))

    def _content_html(self, w: WarningView) -> str:
        e = html.escape
        rows = [
            (self.tr("类别"), category_name(w.category)), (self.tr("预警级别"), colour_name(w.colour)),
            (self.tr("事件类型"), w.event_type),
            (self.tr("预警来源"), self.tr("转发上级预警") if w.origin == "forwarded" else self.tr("本区发布")),
            (self.tr("信息来源"), w.source_org), (self.tr("起始时间"), beijing(w.start_at)),
            (self.tr("预计持续时间"), w.expected_duration), (self.tr("预计结束时间"), beijing(w.ends_at)),
            (self.tr("可能影响范围"), w.area), (self.tr("警示事项"), w.cautions),
            (self.tr("应采取的措施"), w.measures_text), (self.tr("发布单位"), w.issuing_unit),
            (self.tr("事态发展"), w.situation), (self.tr("公众预警响应建议"), w.public_advice),
            (self.tr("咨询电话"), w.hotline), (self.tr("起草人"), f"{w.created_by_name} {beijing(w.created_at)}"),
            (self.tr("发布"), f"{w.issued_by_name or ''} {beijing(w.issued_at)}" if w.issued_at else None),
            (self.tr("发布渠道"), "、".join(w.channels) if w.channels else None),
            (self.tr("报备"), "、".join(w.filed_with) if w.filed_with else None),
            (self.tr("解除"), f"{w.lifted_by_name or ''} {beijing(w.lifted_at)}" if w.lifted_at else None),
        ]
        body = "".join(f"<tr><th align='left' valign='top'>{e(k)}</th><td>{e(str(v)).replace(chr(10), '<br>')}</td></tr>"
                       for k, v in rows if v)
        return f"<table cellspacing='6'>{body}</table>"

    def _chain_html(self, w: WarningView) -> str:
        e = html.escape
        phase = self.tr("解除审批") if w.phase == "lift" else self.tr("发布审批")
        out = [f"<p><b>{e(phase)}</b> — {e(chain_text(self, self.svc, list(w.steps)))}</p>",
               "<table cellspacing='6' border='0'>"]
        for s in w.steps:
            if s.approved:
                mark, colour = self.tr("已批准"), "#2e7d32"
                who = f"{s.by_name or ''} {beijing(s.at)}"
                if s.kind == "external_decision":
                    who = self.tr("{decider}（文号 {ref}，{at}决定；{clerk} 登记）").format(
                        decider=s.external_decider, ref=s.external_ref, at=beijing(s.external_decided_at),
                        clerk=s.by_name or "")
                detail = f"{who}<br>{e(s.comment or '')}"
            elif w.next_step == s.step_no:
                mark, colour, detail = self.tr("待审批"), "#e65100", e(self.tr("等待{role}").format(
                    role=role_name(self.svc, s.role)))
            else:
                mark, colour, detail = self.tr("未到"), "#777", ""
            out.append(f"<tr><td valign='top'><b>{s.step_no}</b></td><td valign='top'>{e(s.label)}"
                       f"<br><small>{e(s.basis)}</small></td><td valign='top' style='color:{colour}'><b>{e(mark)}</b>"
                       f"</td><td valign='top'>{detail}</td></tr>")
        out.append("</table>")
        who = self.tr("发布：{issuer}；解除：{lifter}").format(
            issuer=role_name(self.svc, w.issuer_role), lifter=role_name(self.svc, w.lifted_by_role))
        needs = self.tr("（解除须经审批）") if w.lift_needs_approval else ""
        out.append(f"<p>{e(who)}{e(needs)}</p>")
        return "".join(out)

    def _history_html(self, w: WarningView) -> str:
        e = html.escape
        decisions = {"approved": self.tr("批准"), "rejected": self.tr("不予批准"), "returned": self.tr("退回修改"),
                     "requested": self.tr("申请解除")}
        events = [(w.created_at, self.tr("起草"), w.created_by_name),
                  (w.issued_at, self.tr("发布"), f"{w.issued_by_name or ''}（{'、'.join(w.channels)}）"),
                  (w.lifted_at, self.tr("解除"), w.lifted_by_name or "")]
        out = [f"<h4>{e(self.tr('经过'))}</h4><table cellspacing='4'>"]
        out += [f"<tr><td>{e(beijing(at))}</td><td>{e(what)}</td><td>{e(who)}</td></tr>"
                for at, what, who in events if at is not None]
        out.append("</table>")
        records = self.svc.history(w.id)
        out.append(f"<h4>{e(self.tr('审批记录'))}</h4>")
        if not records:
            out.append(f"<p>{e(self.tr('（无审批记录：本级别由发布单位直接发布）') if not w.steps else self.tr('（尚无审批记录）'))}</p>")
        out.append("<table cellspacing='4'>")
        for r in records:
            phase = self.tr("解除") if r.phase == "lift" else self.tr("发布")
            ext = (self.tr("（{decider}，文号 {ref}）").format(decider=r.external_decider, ref=r.external_ref)
                   if r.external_ref else "")
            void = (f"<br><span style='color:#b00020'>{e(self.tr('已作废：'))}{e(r.voided_reason or '')}</span>"
                    if r.voided else "")
            style = " style='color:#777'" if r.voided else ""
            out.append(f"<tr{style}><td>{e(beijing(r.decided_at))}</td><td>{e(phase)} {r.step_no}</td>"
                       f"<td>{e(r.user_name)}</td><td>{e(decisions.get(r.decision, r.decision))}{e(ext)}</td>"
                       f"<td>{e(r.comment or '')}{void}</td></tr>")
        out.append("</table>")
        lineage = self.svc.lineage(w.id)
        if len(lineage) > 1:
            out.append(f"<h4>{e(self.tr('调整链'))}</h4><ol>")
            for x in lineage:
                here = " ◀" if x.id == w.id else ""
                out.append(f"<li><span style='color:{COLOUR_CSS[x.colour]}'>■</span> {x.id} {e(colour_name(x.colour))} "
                           f"{e(x.title)} — {e(status_name(x.status))} {e(beijing(x.issued_at))}{here}</li>")
            out.append("</ol>")
        return "".join(out)

    def _fill_measures(self, w: WarningView) -> None:
        self.measures.blockSignals(True)
        self.measures.clear()
        can_tick = "tick_measure" in self.actions
        for m in w.measures:
            done = m.done_at is not None
            text = m.text + (self.tr("\n✔ 已完成：{who} {at}").format(who=m.done_by_name or "", at=beijing(m.done_at))
                             if done else "")
            if m.note:
                text += f"（{m.note}）"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, m.check_id)
            flags = Qt.ItemFlag.ItemIsEnabled
            if can_tick and m.check_id is not None:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
            item.setFlags(flags)
            item.setCheckState(Qt.CheckState.Checked if done else Qt.CheckState.Unchecked)
            self.measures.addItem(item)
        self.measures.blockSignals(False)
        if w.issued_at is None:
            self.measures_hint.setText(self.tr("发布后附加本级别的响应措施清单（{n} 项），逐项勾选。").format(n=len(w.measures)))
        else:
            done = sum(1 for m in w.measures if m.done_at)
            self.measures_hint.setText(self.tr("已完成 {done} / {total} 项").format(done=done, total=len(w.measures)))

    def _measure_toggled(self, item: QListWidgetItem) -> None:
        check_id = item.data(Qt.ItemDataRole.UserRole)
        if self.current is None or check_id is None:
            return
        if item.checkState() == Qt.CheckState.Checked:
            self._run(lambda: self.svc.tick_measure(self.actor, check_id), self.tr("已勾选"))
            return
        reason = DecisionDialog.ask(self, self.tr("撤销勾选"), self.tr("撤销该措施的勾选（须写明理由）："), True,
                                    self.tr("撤销勾选"))
        if reason is None:
            self._show(self.svc.get(self.current.id))
            return
        self._run(lambda: self.svc.untick_measure(self.actor, check_id, reason), self.tr("已撤销勾选"))

    # ------------------------------------------------------------ commands

    def _run(self, command: Callable[[], object], done: str, select: int | None = None) -> bool:
        """Run one service command; show its refusal, or refresh and say what happened."""
        result = run(command, line=self.message, done=done, on_failure=self._reshow)
        if result is None:
            return False
        if select is not None:
            target: int | None = select
        elif isinstance(result, WarningView):
            target = result.id
        else:
            target = self.current.id if self.current else None
        self.refresh()  # reloads and shows the warning that was open
        if target is not None and (self.current is None or self.current.id != target):
            self.show_warning(target)
        self.changed.emit()
        return True

    def _reshow(self, _message: str) -> None:
        """After a refusal the form shows the warning as it is (e.g. a measure's tick undone)."""
        if self.current is not None:
            self._show(self.svc.get(self.current.id))

    def new_warning(self) -> None:
        content = WarningFormDialog.ask(self, self.svc, None, self.tr("新建预警"))
        if content is not None:
            self._run(lambda: self.svc.draft(self.actor, content), self.tr("草稿已保存"))

    def edit_warning(self) -> None:
        w = self.current
        if w is None:
            return
        loaded = run(lambda: self.svc.form_of(w.id), line=self.message)
        if loaded is None:
            return
        shown, seen_hash = loaded
        title, changed = self.tr("修改预警"), set()
        while (typed := WarningFormDialog.ask(self, self.svc, shown, title,
                                              adjustment=w.previous_id is not None)) is not None:
            done = self.tr("已修改；此前的审批已作废，须重新审批") if w.status in ("pending", "approved") else self.tr("已修改")
            # the text the form showed: an edit saved at another seat meanwhile is refused, not overwritten
            if self._run(lambda typed=typed, seen=seen_hash: self.svc.edit(self.actor, w.id, typed, seen_hash=seen),
                         done):
                return
            again = run(lambda: self.svc.form_of(w.id))
            if again is None or again[1] == seen_hash:  # refused for another reason: the message says it
                return
            # another seat saved first: the form again, with what was typed over the text now stored
            stored, seen_hash = again
            changed |= self.svc.changed_fields(shown, typed)
            shown = self.svc.merge_edit(typed, stored, changed)
            title = self.tr("修改预警（另一席位已修改：您改动的栏目已保留，其余已更新，请核对后保存）")

    def submit_warning(self) -> None:
        if self.current is not None:
            wid = self.current.id
            self._run(lambda: self.svc.submit(self.actor, wid), self.tr("已提交审批"))

    def _step_label(self) -> str:
        w = self.current
        if w is None or w.next_step is None:
            return ""
        return w.steps[w.next_step - 1].label

    def _decide(self, title: str, prompt: str, required: bool, button: str,
                command: Callable[[WarningView, str], object], done: str) -> None:
        """The warning shown: ask for a comment or reason (required or not), then run command(warning, text)."""
        w = self.current
        if w is None:
            return
        text = DecisionDialog.ask(self, title, prompt, required, button)
        if text is not None:
            self._run(lambda: command(w, text), done)

    def approve(self) -> None:
        self._decide(self.tr("批准"), self.tr("{step}：审批意见（可不填）").format(step=self._step_label()), False,
                     self.tr("批准"), lambda w, comment: self.svc.approve(
                         self.actor, w.id, comment, step_no=w.next_step, seen_hash=w.content_hash), self.tr("已批准"))

    def withdraw(self) -> None:
        """Not going out after all: the warning is kept, marked 已撤销, off the queues and the handover."""
        self._decide(self.tr("撤销预警"), self.tr("撤销的理由（预警保留，记入审计日志）"), True, self.tr("撤销"),
                     lambda w, reason: self.svc.withdraw(self.actor, w.id, reason), self.tr("已撤销"))

    def reject(self) -> None:
        self._decide(self.tr("不予批准"), self.tr("{step}：不予批准的理由").format(step=self._step_label()), True,
                     self.tr("不予批准"), lambda w, reason: self.svc.reject(
                         self.actor, w.id, reason, step_no=w.next_step, seen_hash=w.content_hash),
                     self.tr("已不予批准"))

    def return_for_changes(self) -> None:
        self._decide(self.tr("退回修改"), self.tr("{step}：退回修改的理由").format(step=self._step_label()), True,
                     self.tr("退回修改"), lambda w, reason: self.svc.return_for_changes(
                         self.actor, w.id, reason, step_no=w.next_step, seen_hash=w.content_hash),
                     self.tr("已退回修改"))

    def record_external(self) -> None:
        w = self.current
        if w is None:
            return
        d = ExternalDecisionDialog.ask(self, self._step_label())
        if d is not None:
            self._run(lambda: self.svc.record_external(
                self.actor, w.id, decider=d.decider, reference=d.reference, decided_at=d.decided_at,
                decision=d.decision, comment=d.comment, step_no=w.next_step,
                seen_hash=w.content_hash), self.tr("已登记上级决定"))

    def issue(self) -> None:
        w = self.current
        if w is None:
            return
        channels = IssueDialog.ask(self, self.svc.channels(), list(w.filed_with))
        if channels is not None:
            self._run(lambda: self.svc.issue(self.actor, w.id, channels), self.tr("已发布"))

    def adjust(self) -> None:
        w = self.current
        if w is None:
            return
        content = WarningFormDialog.ask(self, self.svc, self.svc.content_of(w.id), self.tr("调整预警"), adjustment=True)
        if content is not None:
            self._run(lambda: self.svc.adjust(self.actor, w.id, content),
                      self.tr("已生成调整草稿：提交后按新级别审批，发布后原预警被取代"))

    def request_lift(self) -> None:
        self._decide(self.tr("申请解除"), self.tr("解除理由（如：危险已经消除）"), True, self.tr("申请解除"),
                     lambda w, reason: self.svc.request_lift(self.actor, w.id, reason), self.tr("已申请解除，等待审批"))

    def lift(self) -> None:
        self._decide(self.tr("解除预警"), self.tr("解除说明（可不填）"), False, self.tr("解除预警"),
                     lambda w, reason: self.svc.lift(self.actor, w.id, reason), self.tr("已解除"))

    def _print_choice_changed(self, *_args) -> None:
        self._print_kind = self.print_choice.currentData()
        self.print_actions.title = self.print_choice.currentText()
        w = self.current
        self.print_actions.default_name = f"{w.title}_{self.print_choice.currentText()}" if w else \
            self.print_choice.currentText()

    def _make_pdf(self, path) -> None:
        """Runs on the print worker: the warning and form chosen when the button was pressed."""
        if self._print_id is None:
            raise UserError("请先选择一条预警", "select a warning first")
        self.exporter.warning_pdf(self.actor, self._print_id, path, kind=self._print_kind)

    def export_cap(self) -> None:
        w = self.current
        if w is None or w.issued_at is None:
            return
        name = message_id(w.profile_key, w.id, w.status == Status.lifted) + ".xml"
        path = CapSaveDialog.ask(self, name)
        if path is None:
            return
        run(lambda: write_warning(self.svc, w.id, path), line=self.message,
            done=self.tr("CAP 已保存：{path}").format(path=path))
