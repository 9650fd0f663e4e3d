"""Issue 20 item 5 on the rules page: a district under the municipal plan shows what the municipal plan leaves to it
as 待本区预案确认; the administrator records the district's rule there (audited), a duty officer only reads."""

from __future__ import annotations

from PySide6.QtCore import Qt

from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.actor import SYSTEM
from dutyroom.services.auth import AuthService
from dutyroom.services.rules_service import RulesService
from dutyroom.ui.rules_page import RulesPage


def page_for(qtbot, db, actor, key="shijingshan"):
    page = RulesPage(RulesService(db, load_profile(key)), actor=actor)
    qtbot.addWidget(page)
    page.show()
    return page


def test_administrator_records_a_district_rule_on_the_pending_tab(qtbot, tmp_path):
    from dutyroom.store.database import Database

    db = Database(f"sqlite:///{tmp_path / 'r.db'}")
    db.migrate()
    auth = AuthService(db)
    admin = auth.create_user(SYSTEM, "admin1", "管理员甲", "duty-pass-2026", ["admin"])
    officer = auth.create_user(SYSTEM, "officer", "值班员甲", "duty-pass-2026", ["duty_officer"])
    page = page_for(qtbot, db, admin)
    tabs = [page.tabText(i) for i in range(page.count())]
    assert "待本区预案确认" in tabs
    tab = page.pending
    column = [tab.model.data(tab.model.index(r, 2), Qt.ItemDataRole.DisplayRole) for r in range(tab.model.rowCount())]
    assert set(column) == {"待本区预案确认"}
    assert not tab.editor.isHidden()
    row = next(r for r in range(tab.model.rowCount()) if tab.model.rows[r].id == "warnings.chain")
    tab.table.selectRow(row)
    tab.text.setText("红色预警由区应急委主任批准")
    qtbot.mouseClick(tab.save, Qt.MouseButton.LeftButton)
    assert tab.model.data(tab.model.index(row, 2), Qt.ItemDataRole.DisplayRole) == "红色预警由区应急委主任批准"
    assert page_for(qtbot, db, officer).pending.editor.isHidden()
    db.dispose()


def test_a_district_with_its_own_plan_has_no_pending_tab(qtbot, demo_db):
    page = RulesPage(RulesService(demo_db, load_profile("dongcheng")))
    qtbot.addWidget(page)
    assert "待本区预案确认" not in [page.tabText(i) for i in range(page.count())]
