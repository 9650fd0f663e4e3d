"""The demo district's users as actors, by username (zhouning, luomin, tangjun, xiewen, hanyu, fengqing, admin)."""

from __future__ import annotations

from sqlalchemy import select

from dutyroom.services.auth import Actor
from dutyroom.store.models import User


def actors_by_username(db) -> dict[str, Actor]:
    """Every user of `db` as the Actor a login would give (roles as stored), keyed by username."""
    with db.read() as s:
        return {u.username: Actor(u.id, u.username, u.display_name, frozenset(u.role_keys))
                for u in s.scalars(select(User))}
