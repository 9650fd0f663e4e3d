"""The one error the user sees: a Chinese message and an English one (services re-export it)."""

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
