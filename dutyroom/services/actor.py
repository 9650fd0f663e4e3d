"""Who is acting: the signed-in user as every service sees them, and the program itself (SYSTEM).

Kept apart from auth.py (sign-in and user management) so that guard.py and every service can name the actor
without importing sign-in, and auth.py can use guard.py without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.vocabulary import Role


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
