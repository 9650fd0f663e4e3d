"""Services refuse what the permission policy refuses, with a message naming the action."""

from __future__ import annotations

from ..domain.permissions import POLICY, allowed
from .actor import Actor
from .errors import PermissionDenied


def require(actor: Actor, action: str, state: str | None = None) -> None:
    if allowed(actor.roles, action, state):
        return
    rule = POLICY[action]
    if state is not None and rule.states is not None and state not in rule.states:
        raise PermissionDenied(f"当前状态（{state}）下不能{rule.zh}", f"cannot {rule.en} in state {state}")
    raise PermissionDenied(f"{actor.display_name} 无权{rule.zh}", f"{actor.username} may not {rule.en}")
