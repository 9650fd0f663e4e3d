"""Reading the numbers a duty officer types: counts of people and amounts of money.

A Chinese input method easily gives full-width digits (２) or a count with its unit (３人). These are
read as the plain number. Circled, parenthesised and superscript digits (① ⑩ ❶ ² ⑴, Unicode "No") are
list markers and exponents, not numbers — NFKC would make "10²" 102 and "①" 1 — so they are refused,
like "inf", "nan", "1e400" and words, with a message saying what to type; never an exception from
`int()` deep inside a service. This module is the one place typed numbers are read (issue 17).
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any

UNITS = ("人次", "人", "名", "个", "位", "例", "具")  # units an officer may type after a count
MAX_COUNT = 1_000_000  # people: more is a typing error
MAX_LOSS_CNY = 1e13  # yuan: ten trillion, beyond any district's loss
_SEPARATORS = ",' _"  # thousands separators (after NFKC: full-width ，and ideographic space included)


class NumberError(ValueError):
    """What is wrong with a typed number, in Chinese and English (a ValueError, so callers that refuse
    malformed facts with ValueError keep working)."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en


def _marker(ch: str) -> bool:
    """A circled, parenthesised or superscript digit (① ⑩ ❶ ² ⑴): a list marker or an exponent, never read."""
    return unicodedata.category(ch) == "No"


def ascii_digits(text: str) -> str:
    """`text` with each decimal digit as an ASCII digit (２ → 2, Arabic-Indic ٣ → 3); all else kept, circled and
    superscript digits (①, ²) included, for the caller to refuse."""
    out = []
    for ch in text:
        if not ch.isascii() and unicodedata.category(ch) == "Nd":
            ch = str(unicodedata.decimal(ch))
        out.append(ch)
    return "".join(out)


def ascii_number(text: str, units: tuple[str, ...] = UNITS) -> str:
    """`text` with every digit as ASCII, separators and one trailing unit removed: '３人' → '3',
    '１，２００' → '1200'. Other characters (① and ² among them) are kept, for the caller to refuse."""
    # NFKC (full-width letters, punctuation and spaces → ASCII), but not of ① or ², which it would make digits
    text = "".join(ch if _marker(ch) else unicodedata.normalize("NFKC", ch) for ch in text).strip()
    for unit in units:
        if text.endswith(unit):
            text = text[: -len(unit)].rstrip()
            break
    return ascii_digits("".join(ch for ch in text if ch not in _SEPARATORS))  # ❶, Arabic-Indic ٣ …


def read_count(value: Any, *, maximum: int) -> int:
    """A whole number from 0 to `maximum`; None or blank is 0."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    if isinstance(value, str):
        text = ascii_number(value)
        if text.startswith("-") and text[1:].isdigit() and text[1:].isascii():
            raise NumberError("不能为负数", "cannot be negative")
        if any(_marker(ch) for ch in text):
            raise _marker_error(value)
        if not (text.isascii() and text.isdigit()):
            raise NumberError(f"必须是整数（“{_shown(value)}”无法识别，请填阿拉伯数字，如 3）",
                              f"must be a whole number ('{_shown(value)}' is not one; type digits, e.g. 3)")
        value = int(text) if len(text) <= 18 else maximum + 1  # int() refuses 4,300+ digits
    if isinstance(value, bool) or not isinstance(value, int):
        raise NumberError("必须是整数", "must be a whole number")
    if value < 0:
        raise NumberError("不能为负数", "cannot be negative")
    if value > maximum:
        raise NumberError(f"数值过大（最多 {maximum}）", f"too large (at most {maximum})")
    return value


def read_amount(value: Any, *, maximum: float, units: tuple[str, ...] = ()) -> float:
    """A finite non-negative number (decimals allowed) up to `maximum`; None or blank is 0."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0.0
    if isinstance(value, str):
        text = ascii_number(value, units)
        digits = text.replace(".", "", 1)
        if any(_marker(ch) for ch in text):
            raise _marker_error(value)
        if not (digits.isascii() and digits.isdigit()):
            if text.startswith("-") and text[1:].replace(".", "", 1).isdigit():
                raise NumberError("必须是非负数", "must be a non-negative number")
            raise NumberError(f"必须是数字（“{_shown(value)}”无法识别，请填阿拉伯数字，如 12.5）",
                              f"must be a number ('{_shown(value)}' is not one; type digits, e.g. 12.5)")
        value = float(text)
        if not math.isfinite(value):  # 400 digits: inf
            raise NumberError("数值过大", "too large")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise NumberError("必须是数字", "must be a number")
    if isinstance(value, int) and value > maximum:  # 10**400 cannot become a float
        raise NumberError("数值过大", "too large")
    if not math.isfinite(value) or value < 0:
        raise NumberError("必须是非负数", "must be a non-negative number")
    if value > maximum:
        raise NumberError("数值过大", "too large")
    return float(value)


def read_bounded(value: Any, *, low: int, high: int) -> int:
    """A whole number from `low` to `high` that a spin box already read (an administrator's setting): text and
    blanks are refused here, the typing was read where it was typed."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise NumberError("必须是整数", "must be a whole number")
    number = read_count(value, maximum=high)
    if number < low:
        raise NumberError(f"不能小于 {low}", f"cannot be less than {low}")
    return number


def stored_count(raw: str | None, *, default: int, low: int, high: int) -> int:
    """A whole number kept as text (a stored setting): the default when absent or unreadable, kept within
    `low`..`high` (an older program may have stored a value outside today's limits)."""
    try:
        value = default if raw is None else read_count(raw, maximum=10**15)
    except NumberError:
        value = default
    return min(max(value, low), high)


def _marker_error(value: str) -> NumberError:
    return NumberError(f"请填阿拉伯数字（“{_shown(value)}”中的带圈、上标数字如 ①、² 不是数值）",
                       f"type plain digits ('{_shown(value)}' holds a circled or superscript digit such as ① or ²)")


def _shown(text: str) -> str:
    """The typed text as it can be quoted back: control characters dropped, at most 20 characters."""
    clean = "".join(ch for ch in text.strip() if unicodedata.category(ch)[0] != "C")
    return clean[:20] + ("…" if len(clean) > 20 else "")
