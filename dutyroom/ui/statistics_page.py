"""统计报表: pick a period, see the figures (category, grade, street, month, lateness of reports), print
or save them as the official statistics report (PDF with charts) or a workbook (Excel with charts).

The count runs on a worker thread (ui/operations.run_in_background): a year at ten years of history reads
10,000 incidents and their reports, and the window keeps working meanwhile. A bar under the period shows how far
it has come, 取消 stops it (the tables keep the last figures), and 统计 is disabled while it runs; a new period
asked for meanwhile is counted when the running count ends."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..domain.clock import BEIJING
from ..services.errors import lang
from ..services.exports import ReportExporter, font_notice
from .incident_common import category_text, grade_text, report_text
from .operations import BackgroundOperation, run_in_background, stopping
from .print_support import add_print_actions
from .table_model import Column, RowsTableModel


def _qdate(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())


MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day_text(d: dt.date) -> str:
    return f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}" if lang() == "en" else f"{d.year}年{d.month}月{d.day}日"


def period_text(first: dt.date, last: dt.date) -> str:
    """"2026年12月1日至2026年12月2日" / "1 Dec 2026 to 2 Dec 2026"."""
    return (f"{_day_text(first)} to {_day_text(last)}" if lang() == "en"
            else f"{_day_text(first)}至{_day_text(last)}")


def row_text(area: str, row) -> str:
    """A statistics row's label in the user's language, with the incident list's category and grade labels."""
    try:
        if area == "category":
            return category_text(row.key)
        if area == "grade":
            return grade_text(row.key)
    except ValueError:
        pass  # 未分类 / 未确定: the service's own word, through the catalogue
    if area == "month" and lang() == "en":
        return f"{MONTHS_EN[int(row.key[5:]) - 1]} {row.key[:4]}"
    if area == "lateness":
        return report_text(row.label)
    if area == "place" and row.key not in ("其他", "未填"):
        return row.label  # a street's name
    return QCoreApplication.translate("dutyroom", row.label)


def _view(model) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class StatisticsPage(QWidget):
    def __init__(self, exporter: ReportExporter, actor, today: dt.date | None = None, parent=None):
        super().__init__(parent)
        self.exporter, self.actor = exporter, actor
        today = today or dt.datetime.now(BEIJING).date()

        self.date_from = QDateEdit(_qdate(today.replace(day=1)))
        self.date_to = QDateEdit(_qdate(today))
        for w in (self.date_from, self.date_to):
            w.setCalendarPopup(True)
            w.setDisplayFormat("yyyy-MM-dd")
        self.this_month = QPushButton(self.tr("本月"))
        self.last_month = QPushButton(self.tr("上月"))
        self.this_year = QPushButton(self.tr("本年"))
        self.run = QPushButton(self.tr("统计"))
        self.this_month.clicked.connect(lambda: self._set_period(today.replace(day=1), today))
        self.last_month.clicked.connect(lambda: self._set_period(*_last_month(today)))
        self.this_year.clicked.connect(lambda: self._set_period(dt.date(today.year, 1, 1), today))
        self.run.clicked.connect(self.refresh)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.cancel_button = QPushButton(self.tr("取消统计"))
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.worker: BackgroundOperation | None = None
        self._again = False  # asked again while counting: counted once more when the running count ends
        self._shown_period: tuple[dt.date, dt.date] | None = None  # the period the tables show

        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("统计期间")))
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel("—"))
        bar.addWidget(self.date_to)
        for b in (self.this_month, self.last_month, self.this_year, self.run):
            bar.addWidget(b)
        bar.addStretch(1)
        self.actions = add_print_actions(bar, self, title=self.tr("统计报表"), make_pdf=self._make_pdf,
                                         make_xlsx=self._make_xlsx, default_name=self.tr("突发事件统计报表"))

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.font_label = QLabel(font_notice() or "")
        self.font_label.setWordWrap(True)
        self.font_label.setStyleSheet("color: #8a5a00;")
        self.font_label.setVisible(bool(self.font_label.text()))

        def counts(area: str) -> list[Column]:
            return [Column(self.tr("项目"), lambda r: row_text(area, r)), Column(self.tr("起数"), lambda r: r.count),
                    Column(self.tr("死亡（人）"), lambda r: r.deaths), Column(self.tr("受伤（人）"), lambda r: r.injured),
                    Column(self.tr("直接经济损失（万元）"), lambda r: f"{r.loss_cny / 10000:.2f}")]
        self.models = {key: RowsTableModel(counts(key)) for key in ("category", "grade", "place", "month")}
        self.lateness_model = RowsTableModel([
            Column(self.tr("报告类别"), lambda r: row_text("lateness", r)), Column(self.tr("报送次数"), lambda r: r.sent),
            Column(self.tr("迟报次数"), lambda r: r.late), Column(self.tr("超时未报"), lambda r: r.missed),
            Column(self.tr("按时率"), lambda r: "—" if r.on_time_rate is None else f"{100 * r.on_time_rate:.1f}%"),
            Column(self.tr("最长迟报（分钟）"), lambda r: r.late_minutes_max)])
        self.tabs = QTabWidget()
        for key, title in (("category", self.tr("按类别")), ("grade", self.tr("按等级")),
                           ("place", self.tr("按街道")), ("month", self.tr("按月份"))):
            self.tabs.addTab(_view(self.models[key]), title)
        self.tabs.addTab(_view(self.lateness_model), self.tr("报送及时性"))

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        counting = QHBoxLayout()  # its own row (hidden when idle): the period bar stays as narrow as before
        counting.addWidget(self.progress, 1)
        counting.addWidget(self.cancel_button)
        counting.addStretch(2)
        layout.addLayout(counting)
        layout.addWidget(self.font_label)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        self._initial_period = self.period()  # printed before the first count has landed
        # counted when first shown (showEvent), not here: building the page never waits for the count

    def period(self) -> tuple[dt.date, dt.date]:
        return _pydate(self.date_from.date()), _pydate(self.date_to.date())

    def _set_period(self, first: dt.date, last: dt.date) -> None:
        self.date_from.setDate(_qdate(first))
        self.date_to.setDate(_qdate(last))
        self.refresh()

    @property
    def busy(self) -> bool:
        return self.worker is not None and self.worker.busy

    def refresh(self) -> None:
        """Count the period shown on a worker thread; the tables are filled when it is done."""
        if self.busy:
            self._again = True
            return
        first, last = self.period()
        self._again = False
        self.run.setEnabled(False)
        self.progress.setRange(0, 0)  # busy until the first step says how much there is
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        self.summary.setText(self.tr("正在统计 {period}…（可继续其他工作）").format(period=period_text(first, last)))
        self.worker = run_in_background(
            self, lambda report: self.exporter.statistics(self.actor, first, last, progress=stopping(report)),
            label=None, on_progress=self._progress, on_success=lambda st: self._counted(st, (first, last)),
            on_failure=self._failed)

    def cancel(self) -> None:
        if self.busy:
            self.worker.cancel()

    def _progress(self, done: int, total: int, _text: str = "") -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        elif done == 0:  # a step of unknown length: a busy bar
            self.progress.setRange(0, 0)

    def _stopped(self) -> None:
        self.run.setEnabled(True)
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)

    def _counted(self, st, period: tuple[dt.date, dt.date]) -> None:
        self._stopped()
        # what is printed is what is shown; the print worker reads this tuple, never a widget (GUI thread only)
        self._shown_period = period
        self.models["category"].set_rows(st.by_category)
        self.models["grade"].set_rows(st.by_grade)
        self.models["place"].set_rows(st.by_place)
        self.models["month"].set_rows(st.by_month)
        self.lateness_model.set_rows(st.lateness)
        rate = "—" if st.on_time_rate is None else f"{100 * st.on_time_rate:.1f}%"
        self.summary.setText(
            self.tr("{period}：接报突发事件 {n} 起；报送信息 {sent} 次，迟报 {late} 次，超时未报 {missed} 次，按时率 {rate}。")
            .format(period=period_text(st.first, st.last), n=st.total, sent=st.reports_sent, late=st.reports_late,
                    missed=st.reports_missed, rate=rate))
        if self._again:
            self.refresh()

    def _failed(self, message: str) -> None:
        self._stopped()
        cancelled = self.worker is not None and self.worker.cancelled
        if cancelled:
            self._again = False
            shown = self._shown_period
            self.summary.setText(self.tr("已取消统计。") + (
                self.tr("表格仍为 {period} 的结果。").format(period=period_text(*shown)) if shown else ""))
            return
        self._shown_period = None
        for m in (*self.models.values(), self.lateness_model):
            m.set_rows([])
        self.summary.setText(message)
        if self._again:
            self.refresh()

    def _printed_period(self) -> tuple[dt.date, dt.date]:
        """Read on the print worker: a tuple set on the GUI thread, never a widget."""
        return self._shown_period or self._initial_period

    def _make_pdf(self, path, progress=None) -> None:
        first, last = self._printed_period()
        self.exporter.statistics_pdf(self.actor, first, last, path, progress=progress)

    def _make_xlsx(self, path, progress=None) -> None:
        first, last = self._printed_period()
        self.exporter.statistics_xlsx(self.actor, first, last, path, progress=progress)

    def showEvent(self, event) -> None:
        """Counted again each time the page is opened: incidents registered since then are in the figures."""
        self.refresh()
        super().showEvent(event)

    def show_error(self, text: str) -> None:
        QMessageBox.warning(self, self.tr("统计报表"), text)


def _last_month(today: dt.date) -> tuple[dt.date, dt.date]:
    end = today.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end
