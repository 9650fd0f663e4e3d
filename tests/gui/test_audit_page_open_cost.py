"""Issue 21: the audit page's first open cost 119 ms at ten years, most of it the view asking every cell of the
200 loaded rows for its size (ResizeToContents) — tens of thousands of calls into Python — and decoding the changes
of every row. Now the view asks only for what it paints, and a row's changes are decoded when it is shown."""

from __future__ import annotations

from dutyroom.services.audit_query import AuditQueryService
from dutyroom.ui.audit_page import PAGE, AuditPage, AuditTableModel


def test_opening_the_page_asks_the_model_for_what_is_painted_not_for_every_cell(qtbot, people, monkeypatch):
    auth, admin, _ = people
    with auth.db.write() as s:
        from dutyroom.store import audit

        for i in range(PAGE + 20):
            audit.record(s, user_id=None, username="zhouning", action="dutylog.add", entity="duty_log", entity_id=i,
                         after={"text": f"第{i}条 " + "现场情况稳定，" * 40})
    calls = [0]
    data = AuditTableModel.data

    def counted(self, *args):
        calls[0] += 1
        return data(self, *args)
    monkeypatch.setattr(AuditTableModel, "data", counted)
    page = AuditPage(AuditQueryService(auth.db), admin)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitExposed(page)
    page.grab()  # painted
    assert page.model.rowCount() == PAGE
    # the rows in view (about 30) times the columns and the roles asked while painting; every loaded row measured
    # for its size was 200 rows × 6 columns × several roles, many times over (tens of thousands of calls)
    assert 0 < calls[0] < PAGE * 6
    decoded = sum(1 for r in page.model.rows if "after" in r.__dict__)
    assert decoded < PAGE // 2  # the changes of rows not painted are never decoded
    page.table.setCurrentIndex(page.model.index(PAGE - 1, 0))  # a row's detail still shows its whole change
    shown = page.detail.toPlainText()
    assert f"第{page.model.rows[PAGE - 1].entity_id}条" in shown and shown.count("现场情况稳定") == 40
