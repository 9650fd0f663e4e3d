"""Who a user id is, for the views: the one lookup from user ids to display names."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store.models import User


def user_names(s: Session, ids: Iterable[int | None] | None = None) -> dict[int, str]:
    """Display names of the given user ids (None and 0 skipped); of every user when `ids` is None."""
    stmt = select(User.id, User.display_name)
    if ids is not None:
        wanted = sorted({i for i in ids if i})
        if not wanted:
            return {}
        stmt = stmt.where(User.id.in_(wanted))
    return {uid: name for uid, name in s.execute(stmt)}
