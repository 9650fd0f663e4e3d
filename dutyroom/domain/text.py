"""The one input policy for free text a user types (intake, logs, contacts, warnings, handover notes).

Line endings become "\n", the ends are stripped, and the text is refused when it holds control or
format characters (NUL, ESC, U+202E that reverses what a reader sees, a byte-order mark …; newline and
tab only where the field takes several lines) or is longer than the field allows. Pure: no database.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from .errors import UserError

Label = tuple[str, str]  # (Chinese, English) name of the field, e.g. ("日志内容", "the entry")


def _say(field: Label | None, zh: str, en: str, en_after_label: str | None = None) -> UserError:
    """Messages name the field when one is given; intake puts its own label in front (FieldProblem)."""
    if field is None:
        return UserError(zh, en)
    return UserError(f"{field[0]}{zh}", f"{field[1]} {en_after_label or en}")


def clean_text(value: Any, *, field: Label | None = None, max_len: int | None = None, required: bool = False,
               multiline: bool = False) -> str | None:
    """`value` stripped, or None when blank; UserError (naming `field`) when it cannot be stored."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _say(field, "必须是文字", "must be text")
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        if required:
            raise _say(field, "不能为空", "required", "is required")
        return None
    allowed = "\n\t" if multiline else ""
    bad = next((ch for ch in text if unicodedata.category(ch) in ("Cc", "Cf") and ch not in allowed), None)
    if bad in ("\n", "\t"):
        raise _say(field, "不能换行或包含制表符", "must be on one line, without tabs")
    if bad is not None:
        raise _say(field, "含有不可见的控制字符，请删除后重新输入", "contains invisible control characters")
    if max_len is not None and len(text) > max_len:
        en = f"too long ({len(text)} characters, at most {max_len})"
        raise _say(field, f"过长（{len(text)} 字，最多 {max_len} 字）", en, f"is {en}")
    return text
