"""待我审批: the warnings whose current step the signed-in user may sign now, the approved ones waiting for
them to issue (or lift), and (for the duty room) those waiting for an outside decision to be recorded. Each
row says who signed the step before and when. One click opens the warning to sign or issue."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..services.actor import Actor
from ..services.warnings import QueueItem, WarningService
from .empty_hint import add_empty_hint
from .table_model import Column, RowsTableModel, row_table
from .warning_dialogs import beijing, category_name, colour_name, role_name


class ApprovalQueuePage(QWidget):
    open_requested = Signal(int)  # a warning id: the main window shows it on the 预警 page

    def __init__(self, svc: WarningService, actor: Actor, parent=None):
        super().__init__(parent)
        self.svc, self.actor = svc, actor
        self.summary = QLabel()
        self.mine = self._table(self.tr("暂无待我签批或发布的预警。有新的待签批预警时，窗口在后台也会闪烁任务栏并弹出通知。"))
        self.external = self._table(self.tr("暂无待登记的上级决定"))
        self.open_button = QPushButton(self.tr("打开签批"))
        self.open_button.clicked.connect(lambda: self._open_selected(self.mine))
        self.open_external = QPushButton(self.tr("打开登记"))
        self.open_external.clicked.connect(lambda: self._open_selected(self.external))
        for view, button in ((self.mine, self.open_button), (self.external, self.open_external)):
            button.setEnabled(False)  # enabled while a row is selected
            view.selectionModel().selectionChanged.connect(
                lambda *_a, v=view, b=button: b.setEnabled(v.selectionModel().hasSelection()))
        refresh = QPushButton(self.tr("刷新"))
        refresh.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(refresh)
        mine_box = QGroupBox(self.tr("待我签批或发布"))
        m = QVBoxLayout(mine_box)
        m.addWidget(self.mine)
        m.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignRight)
        self.external_box = QGroupBox(self.tr("待登记上级决定（市应急办等，手工登记决定人、文号和时间）"))
        x = QVBoxLayout(self.external_box)
        x.addWidget(self.external)
        x.addWidget(self.open_external, 0, Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(mine_box, 2)
        layout.addWidget(self.external_box, 1)
        self.refresh()

    def _table(self, empty_text: str) -> QTableView:
        model = RowsTableModel([
            Column(self.tr("编号"), lambda i: i.warning_id),
            Column(self.tr("级别"), lambda i: colour_name(i.colour)),
            Column(self.tr("标题"), lambda i: i.title),
            Column(self.tr("类别"), lambda i: category_name(i.category)),
            Column(self.tr("环节"), self._phase_text),
            Column(self.tr("当前步骤"), self._step_text),
            Column(self.tr("须由"), lambda i: role_name(self.svc, i.role)),
            Column(self.tr("起草/申请人"), lambda i: i.author_name),
            Column(self.tr("上一步签批"), self._previous_text),
        ], [], self)
        self._models = [*getattr(self, "_models", []), model]  # keep the Python side of each model alive
        view = row_table(model)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # every column readable
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)  # the title takes what is left
        header.setMinimumSectionSize(60)
        add_empty_hint(view, empty_text)
        view.activated.connect(lambda index: self._open(view, index.row()))
        view.clicked.connect(lambda index: self._open(view, index.row()))
        return view

    def _phase_text(self, i: QueueItem) -> str:
        if i.ready:
            return self.tr("待解除") if i.kind == "lift" else self.tr("待发布")
        return self.tr("解除审批") if i.phase == "lift" else self.tr("发布审批")

    def _step_text(self, i: QueueItem) -> str:
        if i.ready:  # every step approved: the last act is the issuer's (or lifter's)
            return self.tr("已批准，请解除") if i.kind == "lift" else self.tr("已批准，请发布")
        return f"{i.step_no}. {i.label}"

    def _previous_text(self, i: QueueItem) -> str:
        """Who signed the step before this one and when (Beijing time)."""
        if i.last_decision_at is None:
            return self.tr("—（第一步）")
        return f"{i.last_decision_by or ''} {beijing(i.last_decision_at)}".strip()

    def refresh(self) -> None:
        mine = self.svc.approval_queue(self.actor)
        external = self.svc.awaiting_external(self.actor)
        self.mine.model().set_rows(mine)
        self.external.model().set_rows(external)
        for view, button in ((self.mine, self.open_button), (self.external, self.open_external)):
            view.clearSelection()
            button.setEnabled(False)
        self.external_box.setVisible(bool(external))
        self._alert_new(mine)
        ready = sum(1 for i in mine if i.ready)
        self.summary.setText(self.tr("待我签批 {n} 件；待我发布/解除 {k} 件；待登记上级决定 {m} 件").format(
            n=len(mine) - ready, k=ready, m=len(external)))

    def _alert_new(self, mine: list[QueueItem]) -> None:
        """A warning newly waiting for this user's signature while the window is behind: taskbar and tray."""
        keys = {(i.warning_id, i.phase, i.step_no, i.ready) for i in mine}
        seen, self._seen = getattr(self, "_seen", None), keys
        fresh = [] if seen is None else [i for i in mine if (i.warning_id, i.phase, i.step_no, i.ready) not in seen]
        attention = getattr(self.window(), "attention", None)
        if not fresh or attention is None:
            return
        first = fresh[0]
        text = self.tr("{colour}预警“{title}”：{step}（起草/申请人 {author}）").format(
            colour=colour_name(first.colour), title=first.title, step=self._step_text(first), author=first.author_name)
        if len(fresh) > 1:
            text += self.tr("（另有 {n} 件）").format(n=len(fresh) - 1)
        warning_id = first.warning_id
        attention.notify(self.tr("待我审批"), text, first.colour in ("red", "orange"),
                         lambda: self.open_requested.emit(warning_id),
                         locked_text=self.tr("有 {n} 件预警待您签批，请解锁查看").format(n=len(mine)))

    def items(self, view: QTableView) -> list[QueueItem]:
        return list(view.model().rows)

    def _open(self, view: QTableView, row: int) -> None:
        rows = view.model().rows
        if 0 <= row < len(rows):
            self.open_requested.emit(rows[row].warning_id)

    def _open_selected(self, view: QTableView) -> None:
        selected = view.selectionModel().selectedRows()
        if selected:
            self._open(view, selected[0].row())

    def showEvent(self, event) -> None:
        self.refresh()
        super().showEvent(event)
