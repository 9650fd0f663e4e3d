"""A spin box that reads the digits a Chinese input method gives (２, ３人) instead of silently ignoring them."""

from __future__ import annotations

from PySide6.QtWidgets import QSpinBox

from ..domain.numbers import UNITS, ascii_digits


def _plain(text: str) -> str:
    """Digits as ASCII and a typed unit dropped: '３人' → '3'."""
    text = ascii_digits(text)
    for unit in UNITS:
        text = text.replace(unit, "")
    return text


class NumberBox(QSpinBox):
    """QSpinBox whose typed full-width digits become ASCII as they arrive (a unit such as 人 is
    dropped); anything else that is not a number (① and ² too) is refused as QSpinBox refuses it (the key is not
    taken)."""

    def _cleaned(self, text: str) -> str:
        """The typed part cleaned; the box's own prefix and suffix are kept as they are (a suffix such as
        ' 位' is itself a unit: stripping it made Qt read past the text and crash)."""
        prefix, suffix = self.prefix(), self.suffix()
        head = prefix if prefix and text.startswith(prefix) else ""
        tail = suffix if suffix and text.endswith(suffix) and len(text) >= len(head) + len(suffix) else ""
        core = text[len(head):len(text) - len(tail)]
        return head + _plain(core) + tail

    def validate(self, text: str, pos: int) -> object:
        plain = self._cleaned(text)
        if plain == text:
            return super().validate(text, pos)
        result = super().validate(plain, pos)
        state = result[0] if isinstance(result, tuple) else result
        return state, plain, min(pos + len(plain) - len(text), len(plain))

    def valueFromText(self, text: str) -> int:
        return super().valueFromText(self._cleaned(text))
