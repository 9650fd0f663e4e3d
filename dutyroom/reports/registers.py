"""Registers as listings and workbooks: the 预案登记表 (PDF and workbook) and the duty-log workbook.

Moved out of documents.py (issue 19, items 7 and 12), which keeps the 公文 and forms:
- 预案登记表: 序号 is the running number 1..N of the printed rows, in the order of the library (by plan type,
  then catalogue number). The number of a plan in the profile's 预案目录 (``catalogue_no``) restarts for each
  plan type and is missing for plans outside the catalogue, so as 序号 it repeated and jumped (1–4, 1–37,
  42–58, 38–44); it is kept in its own column 目录号.
- 值班日志 workbook: 发生时间 and 录入时间 as two date-time columns (a late entry shows, as in the PDF, where
  the time cell carries a second line 录入).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from ..domain.incident_facts import BEIJING
from .documents import _duty_row, generated_note, issuer_for
from .pdf_common import cn_date
from .pdf_table import write_table_pdf
from .xlsx import XlsxColumn, XlsxSheet, write_workbook

PLAN_REGISTER_COLUMNS = ["序号", "目录号", "预案名称", "类型", "编制单位", "状态", "版本", "发布日期", "到期事项"]


def register_title(district: str, issuer: str | None = None) -> str:
    return f"{issuer or issuer_for(district)}应急预案登记表"


def _due_by_plan(due: Sequence[Any]) -> dict[int, list[Any]]:
    by_plan: dict[int, list[Any]] = {}
    for d in due:
        by_plan.setdefault(d.plan_id, []).append(d)
    return by_plan


def _catalogue(p) -> str:
    return "" if p.catalogue_no is None else str(p.catalogue_no)


def plan_register_pdf(target, plans: Sequence[Any], due: Sequence[Any], *, district: str,
                      issuer: str | None = None, today: dt.date | None = None) -> None:
    """预案登记表 with due dates (PlanSummary rows and the DueItem list of services.plans)."""
    by_plan = _due_by_plan(due)

    def due_text(items) -> str:
        parts = []
        for d in sorted(items, key=lambda d: d.due_on):
            state = f"逾期{-d.days_left}天" if d.state == "overdue" else f"剩{d.days_left}天"
            parts.append(f"{d.kind_label}：{cn_date(d.due_on)}（{state}）")
        return "\n".join(parts)

    rows = [[str(i), _catalogue(p), p.name, p.plan_type_label, p.drafting_unit, p.state_label, p.version_label,
             cn_date(p.issued_on) if p.issued_on else "", due_text(by_plan.get(p.id, []))]
            for i, p in enumerate(plans, 1)]
    t = today or dt.datetime.now(BEIJING).date()
    write_table_pdf(target, title=register_title(district, issuer), subtitle=f"截至{cn_date(t)}",
                    columns=PLAN_REGISTER_COLUMNS, rows=rows, landscape=True,
                    footer_note=f"共{len(rows)}件。目录号为预案在本级应急预案目录中的序号。{generated_note()}")


def plan_register_xlsx(target, plans: Sequence[Any], due: Sequence[Any], *, district: str,
                       issuer: str | None = None, today: dt.date | None = None) -> None:
    """预案登记表 as a workbook: one row per plan with its dates as dates; a second sheet lists every due item
    (one row each, soonest first) so a supervisor can filter and sort them."""
    organ = issuer or issuer_for(district)
    t = today or dt.datetime.now(BEIJING).date()
    by_plan = _due_by_plan(due)

    def nearest(items):
        return min(items, key=lambda d: d.due_on) if items else None

    plan_cols = [XlsxColumn("序号", "int"), XlsxColumn("目录号", "int"), XlsxColumn("预案名称", width=40),
                 XlsxColumn("类型"), XlsxColumn("编制单位"), XlsxColumn("状态"), XlsxColumn("版本"),
                 XlsxColumn("发布日期", "date"), XlsxColumn("最近到期事项"), XlsxColumn("到期日", "date"),
                 XlsxColumn("剩余天数", "int")]
    plan_rows = []
    for i, p in enumerate(plans, 1):
        n = nearest(by_plan.get(p.id, []))
        plan_rows.append([i, p.catalogue_no, p.name, p.plan_type_label, p.drafting_unit, p.state_label,
                          p.version_label, p.issued_on, n.kind_label if n else "", n.due_on if n else None,
                          n.days_left if n else None])
    due_cols = [XlsxColumn("预案名称", width=40), XlsxColumn("版本"), XlsxColumn("事项"), XlsxColumn("到期日", "date"),
                XlsxColumn("状态"), XlsxColumn("剩余天数", "int"), XlsxColumn("依据", width=40)]
    due_rows = [[d.plan_name, d.version_label, d.kind_label, d.due_on, "逾期" if d.state == "overdue" else "待办",
                 d.days_left, d.basis] for d in sorted(due, key=lambda d: d.due_on)]
    note = f"截至{cn_date(t)}。共{len(plan_rows)}件。目录号为预案在本级应急预案目录中的序号。{generated_note()}"
    write_workbook(target, [XlsxSheet("预案登记表", register_title(district, issuer), plan_cols, plan_rows, note=note),
                            XlsxSheet("到期事项", f"{organ}应急预案到期事项", due_cols, due_rows, note=note)])


def duty_log_xlsx(target, entries: Sequence[Any], *, district: str, period: str, progress=None) -> None:
    """值班日志 workbook: the PDF's lines with 发生时间 and 录入时间 as real date-times (oldest first)."""
    cols = [XlsxColumn("发生时间", "datetime"), XlsxColumn("录入时间", "datetime"), XlsxColumn("类别"),
            XlsxColumn("内容", width=70), XlsxColumn("记录人"), XlsxColumn("跟踪"), XlsxColumn("已划除")]
    rows = []
    for e in sorted(entries, key=lambda e: (e.happened_at, e.id)):
        shown = _duty_row(e)
        rows.append([e.happened_at, e.entered_at, e.kind_label, shown[2], shown[3], shown[4],
                     "是" if e.stricken else ""])
    write_workbook(target, [XlsxSheet("值班日志", f"{issuer_for(district)}值班日志　{period}", cols, rows,
                                      note=f"共{len(rows)}条。{generated_note()}")], progress=progress)
