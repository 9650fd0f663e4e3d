"""Who is acting: the signed-in user as every service sees them, and the program itself (SYSTEM).

Kept apart from auth.py (sign-in and user management) so that guard.py and every service can name the actor
without importing sign-in, and auth.py can use guard.py without a cycle.

An Actor is what sign-in saw. Rights can change while a session lasts (an administrator deactivates the
user or takes a role away at another seat), so every service command re-reads them (issue 17, finding 4):
`rechecked` wraps the public methods of a service class that take the acting user (`actor` or `by`) and
hands them `current(db, actor)` instead — one indexed query on the user's row and its roles.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import bindparam, select

from ..domain.errors import PermissionDenied
from ..domain.vocabulary import Role
from ..store.models import User, UserRole


@dataclass(frozen=True)
class Actor:
    """The signed-in user as services see them."""

    id: int
    username: str
    display_name: str
    roles: frozenset[str]

    def has(self, role: Role | str) -> bool:
        return str(role) in self.roles


SYSTEM = Actor(id=0, username="system", display_name="系统", roles=frozenset({Role.admin.value}))

ACTOR_PARAMETERS = ("actor", "by")
# the user's row by primary key and its roles by the (user_id, role) primary key: one indexed query
_RIGHTS = (select(User.active, UserRole.role).outerjoin(UserRole, UserRole.user_id == User.id)
           .where(User.id == bindparam("id")))


def current(db, actor: Actor, *, widen: bool = False) -> Actor:
    """`actor` as the database has them now. PermissionDenied when the account is gone or deactivated.

    The roles are those stored now; without `widen` only those the actor already held (the snapshot taken at
    sign-in, or a narrower one a caller chose): a role taken away is gone at once, a role given takes effect
    when the window refreshes (`AuthService.current`, widen=True). SYSTEM (id 0) is the program: not a row."""
    if actor.id == 0:
        return actor
    with db.connect() as conn:  # a bare connection: no ORM session for one small read
        rows = conn.execute(_RIGHTS, {"id": actor.id}).all()
    if not rows or not rows[0].active:
        raise PermissionDenied(f"账户 {actor.display_name}（{actor.username}）已停用，不能再操作；请退出登录",
                               f"the account {actor.username} is deactivated: sign out")
    stored = frozenset(r.role for r in rows if r.role)
    roles = stored if widen else stored & actor.roles
    return actor if roles == actor.roles else dataclasses.replace(actor, roles=roles)


def _with_current(fn: Callable, name: str, position: int) -> Callable:
    @functools.wraps(fn)
    def call(self, *args, **kwargs):
        if name in kwargs:
            kwargs[name] = current(self.db, kwargs[name])
        elif len(args) >= position:
            args = (*args[:position - 1], current(self.db, args[position - 1]), *args[position:])
        return fn(self, *args, **kwargs)

    call.rechecks_actor = True
    return call


S = TypeVar("S", bound=type)


def rechecked(cls: S) -> S:
    """Class decorator for a service (it has `self.db`): each public method taking `actor` or `by` first
    re-reads that user (`current`). Methods listed in the class's `_ACTOR_AS_IS` keep the actor as given
    (sign-out and the lock screen must work for a user who was just deactivated)."""
    as_is = set(getattr(cls, "_ACTOR_AS_IS", ()))
    for attr, fn in list(vars(cls).items()):
        if attr.startswith("_") or attr in as_is or not inspect.isfunction(fn):
            continue
        params = list(inspect.signature(fn).parameters)
        name = next((p for p in ACTOR_PARAMETERS if p in params), None)
        if name is not None:
            setattr(cls, attr, _with_current(fn, name, params.index(name)))
    return cls
