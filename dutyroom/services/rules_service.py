"""What the GUI's rules pages show: the profile's tables with the duty phones from contacts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ..domain.incident_facts import FactsError, IncidentFacts
from ..domain.profile_schema import Profile
from ..domain.rules import incident_rules, warning_rules
from ..domain.vocabulary import Category, Colour
from ..store.database import Database
from ..store.models import Organisation
from .actor import rechecked
from .errors import UserError
from .lead_table import lead_rows

FIELD_LABELS = {
    "category": ("类别", "Category"), "event_type": ("事件类型", "Event type"), "grade": ("等级", "Grade"),
    "occurred_at": ("发生时间", "Time of occurrence"), "received_at": ("接报时间", "Time received"),
    "deaths": ("死亡人数", "Deaths"), "injured": ("受伤人数", "Injured"),
    "seriously_injured": ("重伤人数", "Seriously injured"), "missing": ("失踪人数", "Missing"),
    "trapped": ("被困人数", "Trapped"), "economic_loss_cny": ("直接经济损失", "Direct loss"),
}


@dataclass(frozen=True)
class LeadUnitRow:
    no: int
    category: str
    event_type: str
    lead_units: tuple[str, ...]
    duty_phones: tuple[str, ...]  # one per lead unit, "" where none is on file
    basis: str


@rechecked
class RulesService:
    def __init__(self, db: Database, profile: Profile):
        self.db = db
        self.profile = profile

    def duty_phones(self, units: list[str] | tuple[str, ...]) -> dict[str, str]:
        with self.db.read() as s:
            rows = s.execute(select(Organisation.name, Organisation.duty_phone)
                             .where(Organisation.name.in_(list(units)))).all()
        return {name: phone or "" for name, phone in rows}

    def lead_table(self) -> list[LeadUnitRow]:
        """The table in force: as the office last edited it (处置分工维护), else as the profile has it."""
        edited = self._current_lead_table()
        if edited:
            return edited
        units = {u for row in self.profile.lead_departments for u in row.lead_units}
        phones = self.duty_phones(sorted(units))
        return [LeadUnitRow(r.no, r.category.value, r.event_type, tuple(r.lead_units),
                            tuple(phones.get(u, "") for u in r.lead_units), r.basis)
                for r in self.profile.lead_departments]

    def _current_lead_table(self) -> list[LeadUnitRow]:
        with self.db.read() as s:
            rows = lead_rows(s, self.profile.key)
        return [LeadUnitRow(r.no or 0, r.category, r.event_type, r.lead_units,
                            tuple(e.duty_phone for e in r.entries if e.role == "lead"), r.basis)
                for r in rows if r.lead_units]

    def evaluate_incident(self, data: dict[str, Any]) -> dict[str, Any]:
        try:
            facts = IncidentFacts.from_mapping(data)
        except FactsError as exc:
            zh, en = FIELD_LABELS.get(exc.field, (exc.field, exc.field))
            raise UserError(f"{zh}：{exc.zh}", f"{en}: {exc.en}") from None
        return incident_rules(self.profile, facts)

    def warning_chain(self, colour: str, category: str | None = None) -> dict[str, Any]:
        return warning_rules(self.profile, Colour(colour), Category(category) if category else None)
