"""Shijingshan plan-management measures (seeds/shijingshan_2025_plan_management_measures.txt):
第三十八条 (line 340) "区专项应急预案、部门应急预案每3年至少进行一次演练" holds for every kind of special plan:
保障类 (第八条 line 187: 专项 covers "应急保障等重要专项工作"; 第十六条 line 237 "保障功能的专项…应急预案"),
巨灾 (第八条 line 187: "应对某一类型或某几类类型突发事件") and 联合 (第九条 line 199 "联合应急预案参照区级专项应急预案管理")."""

import datetime as dt

import pytest

from dutyroom.domain.plan_lifecycle import drill_cycle, obligations
from dutyroom.domain.profile_loader import load_profile
from dutyroom.domain.workdays import Calendar

ISSUED = dt.date(2025, 5, 6)


@pytest.mark.parametrize("plan_type", ["support", "catastrophe", "joint"])
def test_shijingshan_38_special_kinds_are_drilled_every_3_years(plan_type):
    management = load_profile("shijingshan").plan_management
    assert drill_cycle(plan_type, management) == 3
    drills = [o for o in obligations(plan_type, ISSUED, [], management, Calendar()) if o.kind == "drill"]
    assert [(o.due_on, o.basis) for o in drills] == [(dt.date(2028, 5, 6), "第三十八条")]


def test_shijingshan_38_names_no_cycle_for_unit_or_community_plans():
    management = load_profile("shijingshan").plan_management
    assert drill_cycle("unit", management) is None and drill_cycle("community", management) is None
