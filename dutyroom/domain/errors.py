"""Errors raised for the user: a Chinese message and an English one.

They live at the bottom so that every layer (services, reports, the CLI) raises and catches the same
types; `services/errors.py` re-exports them for the services' callers.
"""

from __future__ import annotations

from ..config import pick


class UserError(Exception):
    """Something the user can fix or must know; never a traceback."""

    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return pick(self.zh, self.en)


class PermissionDenied(UserError):
    pass


class NotFound(UserError):
    pass


class Cancelled(UserError):
    """The user stopped a long read or export (取消): raised from inside its progress callback, so the work stops
    at its next step and whatever it was writing is thrown away by the caller."""

    def __init__(self, zh: str = "已取消", en: str = "Cancelled"):
        super().__init__(zh, en)
