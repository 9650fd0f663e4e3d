"""Errors a service raises for the user: a Chinese message and an English one."""

from __future__ import annotations

from ..config import lang
from ..domain.errors import UserError

__all__ = ["NotFound", "PermissionDenied", "UserError", "lang"]


class PermissionDenied(UserError):
    pass


class NotFound(UserError):
    pass
