"""Errors a service raises for the user: a Chinese message and an English one."""

from __future__ import annotations

from ..config import lang

__all__ = ["NotFound", "PermissionDenied", "UserError", "explain", "lang"]


class UserError(Exception):
    """Something the user can fix or must know; never a traceback."""

    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return self.en if lang() == "en" else self.zh


class PermissionDenied(UserError):
    pass


class NotFound(UserError):
    pass


def explain(exc: BaseException) -> str | None:
    """store.errors.explain for the GUI, which imports no store: the user's sentence for a refusal or a known
    environment failure (disk full, read-only, ...), None for a bug."""
    from ..store.errors import explain as store_explain

    return store_explain(exc)
