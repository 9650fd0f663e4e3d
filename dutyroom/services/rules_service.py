"""What the GUI's rules pages show: the profile's tables with the duty phones from contacts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ..domain.district_template import PENDING_MARK
from ..domain.incident_facts import FactsError, IncidentFacts
from ..domain.profile_schema import Profile
from ..domain.rules import incident_rules, warning_rules
from ..domain.text import clean_text
from ..domain.vocabulary import Category, Colour
from ..store import audit
from ..store.database import Database
from ..store.models import Organisation, Setting
from .actor import Actor, rechecked
from .errors import UserError
from .guard import require
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


@dataclass(frozen=True)
class PendingView:
    """What the municipal plan leaves to this district (待本区预案确认) and, once recorded, the district's answer."""

    id: str
    what: str
    assumed: str
    basis: str
    confirmed: str | None  # the administrator's record of the district's own rule; None: still 待本区预案确认

    @property
    def mark(self) -> str:
        return "" if self.confirmed else PENDING_MARK


def pending_setting(profile_key: str, item_id: str) -> str:
    return f"pending.{profile_key}.{item_id}"


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

    def pending(self) -> list[PendingView]:
        """The profile's items 待本区预案确认 with what the administrator recorded for each."""
        keys = [pending_setting(self.profile.key, p.id) for p in self.profile.pending]
        with self.db.read() as s:
            values = dict(s.execute(select(Setting.key, Setting.value).where(Setting.key.in_(keys))).all()) if keys else {}
        return [PendingView(p.id, p.what, p.assumed, p.basis, values.get(k) or None)
                for p, k in zip(self.profile.pending, keys, strict=True)]

    def confirm_pending(self, actor: Actor, item_id: str, text: str) -> PendingView:
        """The administrator records what the district's own plan says on an item (empty text: back to pending);
        the app's rules are not changed by it, the rules page shows it beside the template's assumption."""
        require(actor, "maintenance.settings")
        if item_id not in {p.id for p in self.profile.pending}:
            raise UserError(f"没有待本区预案确认的事项：{item_id}", f"no pending item: {item_id}")
        value = clean_text(text, max_len=500) or ""
        key = pending_setting(self.profile.key, item_id)
        with self.db.write() as s:
            row = s.get(Setting, key)
            before = row.value if row else None
            if row is None:
                s.add(Setting(key=key, value=value))
            else:
                row.value = value
            audit.record_by(s, actor, action="rules.pending.confirm", entity="setting", entity_id=key,
                            before={"value": before}, after={"value": value})
        return next(p for p in self.pending() if p.id == item_id)

    def warning_chain(self, colour: str, category: str | None = None) -> dict[str, Any]:
        return warning_rules(self.profile, Colour(colour), Category(category) if category else None)
