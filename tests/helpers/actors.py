"""The demo district's users as actors, by username (zhouning, luomin, tangjun, xiewen, hanyu, fengqing, admin),
and what they did, as the audit trail records it."""

from __future__ import annotations

from sqlalchemy import select

from dutyroom.services.actor import Actor
from dutyroom.store.models import AuditEntry, User


def actors_by_username(db) -> dict[str, Actor]:
    """Every user of `db` as the Actor a login would give (roles as stored), keyed by username."""
    with db.read() as s:
        return {u.username: Actor(u.id, u.username, u.display_name, frozenset(u.role_keys))
                for u in s.scalars(select(User))}


def audit_actions(db) -> list[str]:
    """The audit trail's actions, oldest first."""
    with db.read() as s:
        return [e.action for e in s.scalars(select(AuditEntry).order_by(AuditEntry.seq))]
