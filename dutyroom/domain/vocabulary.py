"""Canonical vocabulary (docs/ARCHITECTURE.md section 1): keys in code and data, Chinese labels for display."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    natural = "natural"
    accident = "accident"
    public_health = "public_health"
    social = "social"


class Grade(StrEnum):
    especially_major = "especially_major"
    major = "major"
    large = "large"
    ordinary = "ordinary"
    unknown = "unknown"


class Colour(StrEnum):
    red = "red"
    orange = "orange"
    yellow = "yellow"
    blue = "blue"


class Role(StrEnum):
    duty_officer = "duty_officer"
    shift_leader = "shift_leader"
    office_director = "office_director"
    leader_in_charge = "leader_in_charge"
    committee_director = "committee_director"
    department = "department"
    admin = "admin"
    # external approvers: their decisions are recorded by hand, nobody signs in as them
    city_emergency_office = "city_emergency_office"
    city_leader = "city_leader"
    city_command_office = "city_command_office"  # 市指挥部办公室 (public health): runs the expert risk assessment


class Flag(StrEnum):
    sensitive = "sensitive"
    key_area = "key_area"
    special_period = "special_period"
    foreign_related = "foreign_related"
    # Conditions the plans name beside the grade (issue 20): the officer judges them, the rules react.
    prominent = "prominent"  # 突出情况 (municipal/Dongcheng/Pinggu 4.1.4; Dongcheng 4.3.2 三级响应)
    major_impact = "major_impact"  # 可能产生较大影响 (4.1.4)
    may_escalate = "may_escalate"  # 可能演化为较大、重大、特别重大 (Tongzhou 4.1.4)
    endangers_neighbours = "endangers_neighbours"  # 可能危及城市副中心、行政办公区、京津冀临界地区 (Tongzhou 4.1.7)


EXTERNAL_ROLES = frozenset({Role.city_emergency_office, Role.city_leader, Role.city_command_office})

# Highest first; the index is the severity rank used for comparisons.
GRADE_ORDER: tuple[Grade, ...] = (
    Grade.especially_major,
    Grade.major,
    Grade.large,
    Grade.ordinary,
)
COLOUR_ORDER: tuple[Colour, ...] = (Colour.red, Colour.orange, Colour.yellow, Colour.blue)


def grade_rank(grade: Grade) -> int:
    """0 for 特别重大 … 3 for 一般; unknown ranks below everything."""
    return GRADE_ORDER.index(grade) if grade in GRADE_ORDER else len(GRADE_ORDER)


CATEGORY_LABELS = {
    Category.natural: ("自然灾害", "Natural disaster"),
    Category.accident: ("事故灾难", "Accident"),
    Category.public_health: ("公共卫生事件", "Public health event"),
    Category.social: ("社会安全事件", "Social security event"),
}
GRADE_LABELS = {
    Grade.especially_major: ("特别重大（I级）", "Especially major (I)"),
    Grade.major: ("重大（II级）", "Major (II)"),
    Grade.large: ("较大（III级）", "Large (III)"),
    Grade.ordinary: ("一般（IV级）", "Ordinary (IV)"),
    Grade.unknown: ("暂时无法判明", "Not yet determinable"),
}
COLOUR_LABELS = {
    Colour.red: ("红色（一级）", "Red (level 1)"),
    Colour.orange: ("橙色（二级）", "Orange (level 2)"),
    Colour.yellow: ("黄色（三级）", "Yellow (level 3)"),
    Colour.blue: ("蓝色（四级）", "Blue (level 4)"),
}
ROLE_LABELS = {
    Role.duty_officer: ("值班员", "Duty officer"),
    Role.shift_leader: ("带班领导", "Shift leader"),
    Role.office_director: ("应急办主任", "Emergency office director"),
    Role.leader_in_charge: ("分管区领导", "Leader in charge"),
    Role.committee_director: ("区应急委主任", "Emergency committee director"),
    Role.department: ("发布部门/专项指挥部办公室", "Issuing department"),
    Role.admin: ("系统管理员", "Administrator"),
    Role.city_emergency_office: ("市应急办", "City emergency office"),
    Role.city_leader: ("市领导", "City leader"),
    Role.city_command_office: ("市指挥部办公室", "City public-health command office"),
}
FLAG_LABELS = {
    Flag.sensitive: ("事件敏感", "Sensitive"),
    Flag.key_area: ("重点地区", "Key area"),
    Flag.special_period: ("特殊时期", "Special period"),
    Flag.foreign_related: ("涉外/涉港澳台", "Foreign/HK/Macao/Taiwan-related"),
    Flag.prominent: ("突出情况", "Prominent situation"),
    Flag.major_impact: ("可能产生较大影响", "May have a large impact"),
    Flag.may_escalate: ("可能演化为较大及以上", "May escalate to large or above"),
    Flag.endangers_neighbours: ("可能危及副中心/行政办公区/京津冀临界地区", "May endanger the sub-centre or neighbours"),
}


def label(table: dict, key, lang: str = "zh_CN") -> str:
    zh, en = table[key]
    return en if lang == "en" else zh
