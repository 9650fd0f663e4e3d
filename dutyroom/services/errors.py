"""Errors a service raises for the user: a Chinese message and an English one (defined in domain/errors.py)."""

from __future__ import annotations

from ..config import lang
from ..domain.errors import NotFound, PermissionDenied, UserError

__all__ = ["NotFound", "PermissionDenied", "UserError", "lang"]
