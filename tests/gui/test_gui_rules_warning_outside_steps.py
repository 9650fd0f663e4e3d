"""The rules page's warning tab shows Pinggu's public-health outside steps (公卫预案3.2.2(2) and (5))."""

from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.rules_service import RulesService
from dutyroom.ui.rules_page import RulesPage


def test_pinggu_public_health_orange_shows_assessment_and_city_approval_of_adjustment(qtbot, demo_db):
    """Pinggu seed L3424 (expert risk assessment before an orange proposal) and L3439 (city approves adjustments)."""
    page = RulesPage(RulesService(demo_db, load_profile("pinggu")))
    qtbot.addWidget(page)
    tab = page.warning
    tab.colour.setCurrentIndex(tab.colour.findData("orange"))
    tab.category.setCurrentIndex(tab.category.findData("public_health"))
    text = tab.text.toPlainText()
    assert text.index("专家风险评估") < text.index("报分管区领导审准")
    assert "市指挥部办公室" in text
    assert "调整预警级别" in text and "市指挥部总指挥或市委、市政府、市应急委领导批准" in text
