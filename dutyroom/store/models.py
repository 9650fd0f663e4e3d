"""SQLAlchemy 2.0 models: the whole data model of the duty room.

Nothing a report may need is hard-deleted: rows are deactivated, struck through, voided or
superseded instead. Times are timezone-aware UTC (UTCDateTime); dates are plain dates.
Enumerated values are stored as their canonical keys (docs/ARCHITECTURE.md section 1) in short strings.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from ..domain.clock import now_or

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out; naive input is refused (no silent zone guess)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store timezone-aware times")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None  # stored naive UTC; a time some other tool wrote with its offset keeps its instant
        return value.astimezone(dt.UTC) if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)

    def result_processor(self, dialect, coltype):
        """SQLite keeps times as text: one C parse (fromisoformat, zone included) instead of SQLAlchemy's regex parse
        and this decorator's second call; a list page reads two times a row (issue 21). Text fromisoformat does not
        take (another shape, an offset already there) goes the general way."""
        general = super().result_processor(dialect, coltype)
        if dialect.name != "sqlite":
            return general
        parse = dt.datetime.fromisoformat

        def process(value):
            if value is None:
                return None
            try:  # stored naive UTC: the offset in the parse costs a sixth of a replace(tzinfo=) afterwards
                at = parse(value + "+00:00")
            except (TypeError, ValueError):
                at = None
            if at is None or at.tzinfo is None:  # e.g. a bare date, where the suffix does not count as an offset
                return general(value) if general else value
            return at
        return process


def table_columns(*attrs) -> tuple:
    """The tables' own columns behind mapped attributes. A Core select of these on the session's connection skips
    SQLAlchemy's per-execution adaptation of ORM-annotated columns, which compares every result column through
    SQL operators (an open incident's facts: 0.30 → 0.11 ms; issue 21)."""
    return tuple(a.property.columns[0] for a in attrs)


def utcnow() -> dt.datetime:
    return now_or()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads it as a class attribute
        dt.datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


# ------------------------------------------------------------------ settings, users, roles


class Setting(Base):
    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class User(Base):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(300))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    roles: Mapped[list[UserRole]] = relationship(back_populates="user", cascade="all, delete-orphan",
                                                 lazy="selectin")

    @property
    def role_keys(self) -> set[str]:
        return {r.role for r in self.roles}


class UserRole(Base):
    __tablename__ = "user_role"
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)
    user: Mapped[User] = relationship(back_populates="roles")


# ------------------------------------------------------------------ organisations and contacts


class Organisation(Base):
    """A government body, department, street/town, special HQ office or outside unit."""

    __tablename__ = "organisation"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))  # leadership, office, department, street, hq_office, city, other
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    duty_phone: Mapped[str | None] = mapped_column(String(40))
    fax: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    search_key: Mapped[str | None] = mapped_column(Text)  # contacts search: name, aliases, pinyin, phone digits
    aliases: Mapped[list[OrganisationAlias]] = relationship(back_populates="organisation", lazy="selectin")
    posts: Mapped[list[Post]] = relationship(back_populates="organisation")


class OrganisationAlias(Base):
    __tablename__ = "organisation_alias"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    alias: Mapped[str] = mapped_column(String(200), unique=True)
    organisation: Mapped[Organisation] = relationship(back_populates="aliases")


class Post(Base):
    """A position (局长, 分管副区长, 值班室): keeps its phones when the person in it changes."""

    __tablename__ = "post"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    title: Mapped[str] = mapped_column(String(100))
    office_phone: Mapped[str | None] = mapped_column(String(40))
    duty_phone: Mapped[str | None] = mapped_column(String(40))
    fax: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    search_key: Mapped[str | None] = mapped_column(Text)  # contacts search: title, pinyin, phone digits
    organisation: Mapped[Organisation] = relationship(back_populates="posts")
    __table_args__ = (UniqueConstraint("organisation_id", "title"),)


class Person(Base):
    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    mobile: Mapped[str | None] = mapped_column(String(40))
    office_phone: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    search_key: Mapped[str | None] = mapped_column(Text)  # contacts search: name, pinyin, phone digits


class Appointment(Base):
    """A person in a post over time (任免): ending it keeps the history."""

    __tablename__ = "appointment"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    probation_until: Mapped[dt.date | None] = mapped_column(Date)
    source_doc_no: Mapped[str | None] = mapped_column(String(100))
    person: Mapped[Person] = relationship()
    post: Mapped[Post] = relationship()
    __table_args__ = (Index("ix_appointment_post_end", "post_id", "end_date"),
                      Index("ix_appointment_person_end", "person_id", "end_date"))


class SupervisingLeader(Base):
    """The district leaders (by post) who supervise a department; several per department."""

    __tablename__ = "supervising_leader"
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


# Fields each contacts search key is computed from (services/contacts.py computes the keys).
SEARCH_KEY_FIELDS: dict[type, tuple[str, ...]] = {
    Organisation: ("name", "duty_phone", "fax"), Post: ("title", "office_phone", "duty_phone", "fax"),
    Person: ("name", "mobile", "office_phone")}


def _install_search_key_hook() -> None:
    """Whoever changes a name, a phone or an alias (any area, the demo, a script), the row's search key is
    cleared in the same flush; the contacts service computes the missing keys before its next search."""
    from sqlalchemy import event, inspect
    from sqlalchemy.orm import Session

    @event.listens_for(Session, "before_flush")
    def _clear_stale_search_keys(session, _ctx, _instances) -> None:
        for obj in list(session.dirty):
            fields = SEARCH_KEY_FIELDS.get(type(obj))
            if fields and obj.search_key is not None:
                state = inspect(obj)
                if any(state.attrs[f].history.has_changes() for f in fields):
                    obj.search_key = None
        for obj in [*session.new, *session.dirty, *session.deleted]:
            if isinstance(obj, OrganisationAlias) and obj.organisation_id is not None:
                with session.no_autoflush:
                    org = session.get(Organisation, obj.organisation_id)
                if org is not None:
                    org.search_key = None


_install_search_key_hook()


# ------------------------------------------------------------------ event types, lead departments


class EventType(Base):
    __tablename__ = "event_type"
    id: Mapped[int] = mapped_column(primary_key=True)
    profile_key: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    table_no: Mapped[int | None] = mapped_column(Integer)  # row number in the 处置分工 table
    basis: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    leads: Mapped[list[LeadAssignment]] = relationship(  # the current rows only
        order_by="LeadAssignment.position", lazy="selectin",
        primaryjoin="and_(EventType.id == LeadAssignment.event_type_id, LeadAssignment.valid_to.is_(None))",
        viewonly=True,
    )
    __table_args__ = (UniqueConstraint("profile_key", "name"),)


class LeadAssignment(Base):
    """Event type → lead unit, ordered; editing closes the old row (valid_to) and adds a new one."""

    __tablename__ = "lead_assignment"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_type_id: Mapped[int] = mapped_column(ForeignKey("event_type.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    position: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(20), default="lead")  # lead | participant
    valid_from: Mapped[dt.datetime] = mapped_column(default=utcnow)
    valid_to: Mapped[dt.datetime | None]
    event_type: Mapped[EventType] = relationship(foreign_keys=[event_type_id])
    organisation: Mapped[Organisation] = relationship(lazy="joined")


# ------------------------------------------------------------------ incidents and their reports


class Incident(Base):
    __tablename__ = "incident"
    row_mac: Mapped[str | None] = mapped_column(String(64))  # seal under the audit key (store/row_seal.py)
    id: Mapped[int] = mapped_column(primary_key=True)
    profile_key: Mapped[str] = mapped_column(String(32))
    profile_version: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft | open | closed
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(20))
    event_type_id: Mapped[int | None] = mapped_column(ForeignKey("event_type.id"))
    event_type_text: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str | None] = mapped_column(String(40))  # phone, 110, 119, 120, 12345, street, monitor, media
    caller_name: Mapped[str | None] = mapped_column(String(100))
    callback_phone: Mapped[str | None] = mapped_column(String(40))
    occurred_at: Mapped[dt.datetime | None]
    received_at: Mapped[dt.datetime]
    place: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(300))
    deaths: Mapped[int] = mapped_column(Integer, default=0)
    injured: Mapped[int] = mapped_column(Integer, default=0)
    seriously_injured: Mapped[int] = mapped_column(Integer, default=0)
    missing: Mapped[int] = mapped_column(Integer, default=0)
    trapped: Mapped[int] = mapped_column(Integer, default=0)
    economic_loss_cny: Mapped[float] = mapped_column(Float, default=0)
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    key_area: Mapped[bool] = mapped_column(Boolean, default=False)
    special_period: Mapped[bool] = mapped_column(Boolean, default=False)
    foreign_related: Mapped[bool] = mapped_column(Boolean, default=False)
    prominent: Mapped[bool] = mapped_column(Boolean, default=False)  # 突出情况
    major_impact: Mapped[bool] = mapped_column(Boolean, default=False)  # 可能产生较大影响
    may_escalate: Mapped[bool] = mapped_column(Boolean, default=False)  # 可能演化为较大及以上
    endangers_neighbours: Mapped[bool] = mapped_column(Boolean, default=False)  # 可能危及副中心等
    ongoing: Mapped[bool] = mapped_column(Boolean, default=True)
    health: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # clock id → when it began to apply (ISO UTC), null: from the intake (migration 0011); NULL: every clock from
    # its anchor (incidents taken before 0011)
    clocks_started: Mapped[dict[str, Any] | None]
    grade_confirmed: Mapped[str] = mapped_column(String(20), default="unknown")
    grade_suggested: Mapped[str | None] = mapped_column(String(20))
    description: Mapped[str | None] = mapped_column(Text)
    measures_taken: Mapped[str | None] = mapped_column(Text)
    trend: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    workstation: Mapped[str | None] = mapped_column(String(100))
    handling_ended_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    # several seats (issue 21, 0009): moves with every change to the row (NULL: 0, never changed since 0009); who
    # moved it last and when, for "已被某某于某时修改，请刷新" (services/row_version.py)
    row_version: Mapped[int | None] = mapped_column(Integer)
    modified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    modified_at: Mapped[dt.datetime | None]
    reports: Mapped[list[IncidentReport]] = relationship(back_populates="incident", order_by="IncidentReport.id")
    __table_args__ = (Index("ix_incident_status_received", "status", "received_at"),
                      Index("ix_incident_received_at", "received_at"))  # the list by time, any status (0006)


class IncidentReport(Base):
    """One report in the chain (verbal, written, follow-up n, final). Never edited once sent."""

    __tablename__ = "incident_report"
    row_mac: Mapped[str | None] = mapped_column(String(64))  # seal under the audit key (store/row_seal.py)
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)  # 0006
    kind: Mapped[str] = mapped_column(String(16))  # verbal | written | followup | final
    sequence: Mapped[int] = mapped_column(Integer, default=0)  # follow-up number
    clock_id: Mapped[str | None] = mapped_column(String(40))
    due_at: Mapped[dt.datetime | None]
    sent_at: Mapped[dt.datetime | None]
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recipients: Mapped[list[Any]] = mapped_column(default=list)
    channel: Mapped[str | None] = mapped_column(String(20))  # phone | fax | system
    body: Mapped[str] = mapped_column(Text, default="")
    late_minutes: Mapped[int | None] = mapped_column(Integer)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[dt.datetime | None]
    corrects_report_id: Mapped[int | None] = mapped_column(ForeignKey("incident_report.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    incident: Mapped[Incident] = relationship(back_populates="reports")


class IncidentLogEntry(Base):
    """Append-only incident log; a wrong entry is struck through with a reason, never deleted."""

    __tablename__ = "incident_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)  # 0006
    happened_at: Mapped[dt.datetime]
    entered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    workstation: Mapped[str | None] = mapped_column(String(100))
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[str] = mapped_column(String(20), default="note")  # note | instruction | system
    text: Mapped[str] = mapped_column(Text)
    follow_up_state: Mapped[str | None] = mapped_column(String(20))  # open | done (领导批示)
    stricken: Mapped[bool] = mapped_column(Boolean, default=False)
    stricken_reason: Mapped[str | None] = mapped_column(Text)
    stricken_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    stricken_at: Mapped[dt.datetime | None]


# ------------------------------------------------------------------ warnings


class Warning(Base):
    __tablename__ = "warning"
    row_mac: Mapped[str | None] = mapped_column(String(64))  # seal under the audit key (store/row_seal.py)
    id: Mapped[int] = mapped_column(primary_key=True)
    profile_key: Mapped[str] = mapped_column(String(32))
    profile_version: Mapped[str] = mapped_column(String(20))  # the rules it was drafted under (migration 0005)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    # draft | pending | approved | issued | lifted | rejected | superseded
    origin: Mapped[str] = mapped_column(String(20), default="district")  # district | forwarded
    source_org: Mapped[str | None] = mapped_column(String(200))  # required when forwarded
    category: Mapped[str] = mapped_column(String(20))
    event_type: Mapped[str | None] = mapped_column(String(200))
    colour: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    start_at: Mapped[dt.datetime | None]
    expected_duration: Mapped[str | None] = mapped_column(String(100))
    area: Mapped[str | None] = mapped_column(Text)
    cautions: Mapped[str | None] = mapped_column(Text)  # 警示事项
    measures_text: Mapped[str | None] = mapped_column(Text)  # 应采取的措施
    issuing_unit: Mapped[str | None] = mapped_column(String(200))
    situation: Mapped[str | None] = mapped_column(Text)  # PH: 事态发展
    public_advice: Mapped[str | None] = mapped_column(Text)  # PH: 公众预警响应建议
    hotline: Mapped[str | None] = mapped_column(String(40))  # PH: 咨询电话
    content_hash: Mapped[str | None] = mapped_column(String(64))
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("warning.id"))  # adjustment chain
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    issued_at: Mapped[dt.datetime | None]
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    channels: Mapped[list[Any]] = mapped_column(default=list)
    lifted_at: Mapped[dt.datetime | None]
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class WarningApproval(Base):
    """One decision on one approval step, tied to the content hash it approved."""

    __tablename__ = "warning_approval"
    row_mac: Mapped[str | None] = mapped_column(String(64))  # seal under the audit key (store/row_seal.py)
    id: Mapped[int] = mapped_column(primary_key=True)
    warning_id: Mapped[int] = mapped_column(ForeignKey("warning.id"), index=True)  # 0006
    step_no: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(20))  # sign_off | external_decision
    decision: Mapped[str] = mapped_column(String(16))  # approved | rejected | returned
    comment: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))  # who signed or recorded it
    decided_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    content_hash: Mapped[str] = mapped_column(String(64))
    external_decider: Mapped[str | None] = mapped_column(String(200))
    external_ref: Mapped[str | None] = mapped_column(String(100))
    external_decided_at: Mapped[dt.datetime | None]
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    voided_reason: Mapped[str | None] = mapped_column(Text)


class WarningMeasureCheck(Base):
    __tablename__ = "warning_measure_check"
    id: Mapped[int] = mapped_column(primary_key=True)
    warning_id: Mapped[int] = mapped_column(ForeignKey("warning.id"), index=True)  # 0006
    measure_id: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    done_at: Mapped[dt.datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str | None] = mapped_column(Text)


# ------------------------------------------------------------------ response activations


class ResponseActivation(Base):
    """One step of an incident's response: activate, raise, lower or end a level."""

    __tablename__ = "response_activation"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"))
    action: Mapped[str] = mapped_column(String(16))  # activate | raise | lower | end
    level_key: Mapped[str | None] = mapped_column(String(8))
    activated_by: Mapped[str | None] = mapped_column(String(200))  # the body, as the plan names it
    commander_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    executive_commander_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    at: Mapped[dt.datetime]
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str | None] = mapped_column(Text)


# ------------------------------------------------------------------ plans


class Plan(Base):
    __tablename__ = "plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    profile_key: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(300))
    plan_type: Mapped[str] = mapped_column(String(20))
    category: Mapped[str | None] = mapped_column(String(20))
    drafting_unit: Mapped[str | None] = mapped_column(String(300))
    catalogue_no: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(24), default="in_force")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    versions: Mapped[list[PlanVersion]] = relationship(back_populates="plan", order_by="PlanVersion.id")
    __table_args__ = (UniqueConstraint("profile_key", "name"),)


class PlanEventTypeLink(Base):
    """Which event types a plan covers (several plans may cover one type)."""

    __tablename__ = "plan_event_type"
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), primary_key=True)
    event_type_id: Mapped[int] = mapped_column(ForeignKey("event_type.id"), primary_key=True)


class PlanVersion(Base):
    __tablename__ = "plan_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    label: Mapped[str] = mapped_column(String(40))  # "2022年修订"
    doc_no: Mapped[str | None] = mapped_column(String(100))
    issued_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(24), default="drafting")
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("plan_version.id"))
    plan: Mapped[Plan] = relationship(back_populates="versions")


class PlanDocument(Base):
    __tablename__ = "plan_document"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_version_id: Mapped[int] = mapped_column(ForeignKey("plan_version.id"))
    filename: Mapped[str] = mapped_column(String(300))
    mime: Mapped[str | None] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    extracted_text: Mapped[str | None] = mapped_column(Text)
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    imported_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))


class PlanEvent(Base):
    """A lifecycle step: drafting, consultation, review, approval, issue, filing, disclosure,
    drill, evaluation, revision — who, when, with which supporting document."""

    __tablename__ = "plan_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    plan_version_id: Mapped[int | None] = mapped_column(ForeignKey("plan_version.id"))
    kind: Mapped[str] = mapped_column(String(24))
    at: Mapped[dt.datetime]
    actor: Mapped[str | None] = mapped_column(String(200))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("plan_document.id"))
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # a revision's triggers and changed content (0002)


class PlanPassage(Base):
    """A passage of a plan document's extracted text, the unit of full-text search (migration 0002).

    `start` is the character offset of the passage in PlanDocument.extracted_text, so a hit opens the
    document at the matching place. On SQLite the FTS5 table plan_passage_fts (rowid = id) holds the
    passage's CJK-bigram terms; it is created by the migration, not by this model.
    """

    __tablename__ = "plan_passage"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("plan_document.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)


# ------------------------------------------------------------------ roster, handover, duty log


class ShiftDefinition(Base):
    __tablename__ = "shift_definition"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)  # 全天班 / 白班 / 夜班
    start_time: Mapped[str] = mapped_column(String(5))  # "08:30" Beijing time
    duration_minutes: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class RosterEntry(Base):
    __tablename__ = "roster_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    shift_date: Mapped[dt.date] = mapped_column(Date)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shift_definition.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    duty_role: Mapped[str] = mapped_column(String(20))  # officer | leader
    replaced_by_swap_id: Mapped[int | None] = mapped_column(ForeignKey("roster_swap.id"))
    # roster (issue 6): False once a regenerated month replaced the line (kept for who-was-on-duty history)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    shift: Mapped[ShiftDefinition] = relationship(lazy="joined")
    person: Mapped[Person] = relationship(lazy="joined")
    __table_args__ = (Index("ix_roster_date", "shift_date"),)


class RosterSwap(Base):
    __tablename__ = "roster_swap"
    id: Mapped[int] = mapped_column(primary_key=True)
    from_person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    to_person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    shift_date: Mapped[dt.date] = mapped_column(Date)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shift_definition.id"))
    from_consent_at: Mapped[dt.datetime | None]
    to_consent_at: Mapped[dt.datetime | None]
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)  # roster (issue 6)


class Handover(Base):
    """A signed handover sheet is immutable: its content and hash are stored as signed."""

    __tablename__ = "handover"
    row_mac: Mapped[str | None] = mapped_column(String(64))  # seal under the audit key (store/row_seal.py)
    id: Mapped[int] = mapped_column(primary_key=True)
    shift_date: Mapped[dt.date] = mapped_column(Date)
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shift_definition.id"))
    outgoing_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    incoming_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    sheet: Mapped[dict[str, Any]] = mapped_column(default=dict)
    sheet_hash: Mapped[str | None] = mapped_column(String(64))
    notes: Mapped[str | None] = mapped_column(Text)
    signed_out_at: Mapped[dt.datetime | None]
    signed_in_at: Mapped[dt.datetime | None]


class DutyLogEntry(Base):
    """The shift's timeline; automatic entries come from what happened in the app."""

    __tablename__ = "duty_log"
    row_mac: Mapped[str | None] = mapped_column(String(64))  # seal under the audit key (store/row_seal.py)
    id: Mapped[int] = mapped_column(primary_key=True)
    happened_at: Mapped[dt.datetime]
    entered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    workstation: Mapped[str | None] = mapped_column(String(100))
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[str] = mapped_column(String(24))  # call, incident, report, warning, instruction, visitor, equipment, note
    text: Mapped[str] = mapped_column(Text)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"))
    warning_id: Mapped[int | None] = mapped_column(ForeignKey("warning.id"))
    follow_up_state: Mapped[str | None] = mapped_column(String(20))
    stricken: Mapped[bool] = mapped_column(Boolean, default=False)
    stricken_reason: Mapped[str | None] = mapped_column(Text)
    stricken_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    stricken_at: Mapped[dt.datetime | None]
    __table_args__ = (Index("ix_duty_log_happened", "happened_at"),)


# ------------------------------------------------------------------ audit


class AuditHead(Base):
    """One row: the last entry of the chain. Writers lock it so the chain never forks."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class AuditEntry(Base):
    """Append-only; each entry's hash covers its fields and the previous entry's hash."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[dt.datetime]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    username: Mapped[str] = mapped_column(String(64))
    workstation: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(40))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),  # the audit page's filters (0006)
                      Index("ix_audit_log_action_at", "action", "at"), Index("ix_audit_log_username_at", "username", "at"),
                      Index("ix_audit_log_at", "at"))


def _install_row_version_hook() -> None:
    """Every UPDATE that changes an incident's columns moves its row_version, whichever code path wrote it (several
    seats, issue 21): a command from a screen that showed the older version is then refused, never applied over it."""
    from sqlalchemy import event, inspect

    skip = {"row_mac", "row_version", "modified_by_id", "modified_at"}

    @event.listens_for(Incident, "before_update")
    def _bump(_mapper, _connection, target: Incident) -> None:
        state = inspect(target)
        if state.attrs.row_version.history.has_changes():
            return
        if any(attr.history.has_changes() for attr in state.attrs if attr.key not in skip
               and attr.key in state.mapper.column_attrs):
            target.row_version = (target.row_version or 0) + 1


_install_row_version_hook()
