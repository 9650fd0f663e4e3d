"""The 预案库 page as a duty officer and an office director use it: search, import, steps, lead table."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.incidents import IncidentService
from dutyroom.services.lead_table import LeadTableService
from dutyroom.services.plan_documents import PlanDocumentService
from dutyroom.services.plans import PlanService
from dutyroom.ui.plan_due_panel import PlanDuePanel
from dutyroom.ui.plans_page import LibraryTab, PlansPage, StepDialog, StepInput
from tests.helpers.actors import actors_by_username
from tests.helpers.seeds import SEEDS


@pytest.fixture
def setup(demo_db):
    profile = load_profile("dongcheng")
    users = actors_by_username(demo_db)
    plans = PlanService(demo_db, profile)
    plans.seed_library(users["admin"])
    docs = PlanDocumentService(demo_db, profile)
    return plans, docs, LeadTableService(demo_db, profile), users


def _page(qtbot, setup, user, can_edit=False):
    plans, docs, leads, users = setup
    page = PlansPage(plans, docs, leads, users[user], can_edit_leads=can_edit)
    qtbot.addWidget(page)
    page.show()
    return page


def test_search_lists_the_gazettes_and_opens_the_passage_highlighted(qtbot, setup):
    plans, docs, _, users = setup
    target = next(p for p in plans.library(users["zhouning"]) if p.plan_type == "general")
    docs.import_files(users["zhouning"], target.id, sorted(SEEDS.glob("*.txt")))
    page = _page(qtbot, setup, "zhouning")
    tab = page.search
    tab.query.setText("燃气")  # setText: keyClicks with Chinese aborts the run
    qtbot.mouseClick(tab.button, Qt.MouseButton.LeftButton)
    files = {h.filename for h in tab.model.rows}
    gazettes = {f[:5] for f in files if f.endswith("plan.txt")}
    assert gazettes == {"beiji", "dongc", "pingg", "tongz"}  # not Shijingshan's measures: no 燃气 there
    demo = files - {f for f in files if f.endswith("plan.txt")}
    assert demo and all("燃气" in docs.text_of(users["zhouning"], h.document_id) for h in tab.model.rows
                        if h.filename in demo)  # the demo district's own made-up plan texts
    assert str(len(files)) in tab.status.text()
    # the first result is opened at its passage, the word selected
    qtbot.waitUntil(lambda: tab.selected_text() == "燃气")
    assert tab.viewer_title.text().endswith(tab.model.rows[0].filename)
    assert tab.viewer.extraSelections()  # every occurrence is highlighted
    tab.results.selectRow(2)
    hit = tab.model.rows[2]
    assert tab.viewer.textCursor().selectionStart() == hit.offset and tab.selected_text() == "燃气"
    tab.query.setText("没有这个词组合")
    tab.search()
    assert tab.model.rows == [] and tab.status.text() == "没有找到"


def test_import_runs_off_the_gui_thread_with_progress_and_reports_bad_files(qtbot, setup, tmp_path, monkeypatch):
    page = _page(qtbot, setup, "zhouning")
    lib = page.library
    first_plan = next(p.id for p in lib.summaries if p.plan_type == "special")
    lib.select_plan(first_plan)
    good = tmp_path / "防汛方案.txt"
    good.write_text("暴雨红色预警发布后，立即转移低洼院落居民。", encoding="utf-8")
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"not a zip at all")
    monkeypatch.setattr(LibraryTab, "choose_files", classmethod(lambda cls, parent: [str(good), str(bad)]))
    reports = []
    monkeypatch.setattr(lib, "report", lambda title, text: reports.append(text))
    qtbot.mouseClick(lib.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: lib.worker is None and bool(lib.last_import), timeout=10_000)
    assert [d.filename for d in lib.docs.rows] == ["防汛方案.txt"]
    assert reports and "broken.docx" in reports[0] and "DOCX" in reports[0]
    assert page.search.documents.search(page.search.actor, "低洼")[0].filename == "防汛方案.txt"


def test_lifecycle_step_dialog_records_a_step(qtbot, setup, monkeypatch):
    plans, _, _, users = setup
    page = _page(qtbot, setup, "tangjun")  # shift leader and office director
    lib = page.library
    plan = next(p for p in lib.summaries if p.plan_type == "special")
    lib.select_plan(plan.id)
    assert lib.step_button.isEnabled()
    seen = {}

    def fake_ask(cls, parent, name, steps, documents, triggers, minor_scope):
        seen["steps"] = steps
        return StepInput("drill", dt.date(2026, 6, 1), "区应急局", "桌面推演", None, (), (), None)

    monkeypatch.setattr(StepDialog, "ask", classmethod(fake_ask))
    qtbot.mouseClick(lib.step_button, Qt.MouseButton.LeftButton)
    assert "drill" in seen["steps"] and "consultation" not in seen["steps"]  # a plan in force
    assert [(e.kind, e.by) for e in lib.events.rows] == [("drill", "区应急局")]
    assert plans.detail(users["zhouning"], plan.id).events[0].note == "桌面推演"


def test_step_dialog_itself_collects_the_values(qtbot):
    dialog = StepDialog(None, "某预案", ("risk_assessment", "minor_revision"), [], ["触发情形一"], ["通讯录"])
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(1)
    dialog.by.setText("区应急局")
    dialog.changes.item(0).setSelected(True)
    value = dialog.result_value()
    assert value.kind == "minor_revision" and value.by == "区应急局" and value.changes == ("通讯录",)
    assert not dialog.triggers.isEnabled()


def test_lead_table_editor_saves_with_history_and_the_intake_sees_it(qtbot, setup, demo_db):
    _, _, _, users = setup
    page = _page(qtbot, setup, "tangjun", can_edit=True)
    tab = page.lead_table
    tab.filter.setText("火灾事故")
    tab.select_event_type("火灾事故")
    qtbot.waitUntil(lambda: tab.current is not None and tab.current.event_type == "火灾事故")
    old = tab.entry_values()
    tab.set_entries([("区消防安全委员会办公室", "lead"), *old])
    tab.reason.setText("测试调整")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert "已保存" in tab.message.text()
    units = IncidentService(demo_db, load_profile("dongcheng")).lead_units(users["zhouning"], "accident", "火灾事故")
    assert [u.name for u in units][:2] == ["区消防安全委员会办公室", old[0][0]]
    assert "现行" in tab.history.toPlainText() and old[0][0] in tab.history.toPlainText()


def test_duty_officer_may_import_but_not_edit_the_lead_table_or_record_steps(qtbot, setup):
    page = _page(qtbot, setup, "zhouning", can_edit=False)
    assert not page.lead_table.save_button.isEnabled()
    page.library.select_plan(page.library.summaries[0].id)
    assert page.library.import_button.isEnabled()  # the desk imports documents
    assert not page.library.step_button.isEnabled()  # lifecycle steps: drafting units and the office


def test_due_panel_lists_overdue_filing(qtbot, setup):
    plans, _, _, users = setup
    director = users["tangjun"]
    plan = plans.create_plan(director, "东城区某部门应急预案", "departmental", "区某局")
    for kind, day in (("risk_assessment", 1), ("resource_survey", 2), ("consultation", 3), ("submit_approval", 4),
                      ("approval", 5), ("issue", 6)):
        plans.record_step(director, plan.id, kind, dt.date(2025, 3, day), "区某局")
    panel = PlanDuePanel(plans, users["zhouning"], today=dt.date(2026, 3, 10))
    qtbot.addWidget(panel)
    # Dongcheng: drills yearly (profile drill_cycle_years.departmental = 1) → due 2026-03-06, overdue
    rows = [(panel.table.item(r, 3).text(), panel.table.item(r, 1).text()) for r in range(panel.table.rowCount())]
    assert ("东城区某部门应急预案", "逾期 4 天") in rows
    assert "逾期" in panel.summary.text()
    with qtbot.waitSignal(panel.open_plan) as blocker:
        row = next(r for r in range(panel.table.rowCount()) if panel.table.item(r, 3).text() == "东城区某部门应急预案")
        panel.table.cellDoubleClicked.emit(row, 0)
    assert blocker.args == [plan.id]
