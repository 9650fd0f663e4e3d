"""Errors a service raises for the user: a Chinese message and an English one (defined in domain/errors.py)."""

from __future__ import annotations

from ..config import lang
from ..domain.errors import Cancelled, NotFound, PermissionDenied, UserError

__all__ = ["Cancelled", "NotFound", "PermissionDenied", "UserError", "explain", "lang"]


def explain(exc: BaseException) -> str | None:
    """store.errors.explain for the GUI, which imports no store: the user's sentence for a refusal or a known
    environment failure (disk full, read-only, ...), None for a bug."""
    from ..store.errors import explain as store_explain

    return store_explain(exc)
