"""The one input policy for free text a user types (intake, logs, contacts, warnings, handover notes).

Line endings (and U+2028/U+2029) become "\n", the ends are stripped, the text is composed (NFC: the same
characters, one encoding), and it is refused when it holds control or format characters (NUL, ESC, the bidi
controls such as U+202E that reverses what a reader sees, a byte-order mark …; newline and tab only where
the field takes several lines), a lone surrogate (which no database can store), or is longer than the field
allows (MAX_TEXT when the field names no limit). Pure: no database.

NFKC — full-width letters and digits as ASCII — only where it is safe (`fold=True`: search queries, codes,
phone numbers): on prose it would change the Chinese full-width punctuation a document is written in.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from .errors import UserError

MAX_TEXT = 100_000  # characters: a field that names no limit (a long duty-log note is a few thousand)
_REFUSED = ("Cc", "Cf", "Cs")  # control, format (bidi, zero-width, BOM), lone surrogates
Label = tuple[str, str]  # (Chinese, English) name of the field, e.g. ("日志内容", "the entry")


def _say(field: Label | None, zh: str, en: str, en_after_label: str | None = None) -> UserError:
    """Messages name the field when one is given; intake puts its own label in front (FieldProblem)."""
    if field is None:
        return UserError(zh, en)
    return UserError(f"{field[0]}{zh}", f"{field[1]} {en_after_label or en}")


def clean_text(value: Any, *, field: Label | None = None, max_len: int | None = None, required: bool = False,
               multiline: bool = False, fold: bool = False) -> str | None:
    """`value` stripped, or None when blank; UserError (naming `field`) when it cannot be stored.
    `fold`: NFKC (full-width → ASCII), for text that is matched rather than read."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _say(field, "必须是文字", "must be text")
    text = value.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    if max_len is None:
        max_len = MAX_TEXT
    if len(text) > 4 * max_len + 1000:  # refused before the work below: a megabyte pasted into a name
        en = f"too long (at most {max_len} characters)"
        raise _say(field, f"过长（最多 {max_len} 字）", en, f"is {en}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (U+D800..U+DFFF), e.g. from a broken paste or a file name
        raise _say(field, "含有无法保存的字符（孤立的代理项），请删除后重新输入",
                    "contains a character that cannot be stored (a lone surrogate)") from None
    text = unicodedata.normalize("NFKC" if fold else "NFC", text).strip()
    if not text:
        if required:
            raise _say(field, "不能为空", "required", "is required")
        return None
    allowed = "\n\t" if multiline else ""
    bad = next((ch for ch in text if unicodedata.category(ch) in _REFUSED and ch not in allowed), None)
    if bad in ("\n", "\t"):
        raise _say(field, "不能换行或包含制表符", "must be on one line, without tabs")
    if bad is not None:
        raise _say(field, "含有不可见的控制字符，请删除后重新输入", "contains invisible control characters")
    if len(text) > max_len:
        en = f"too long ({len(text)} characters, at most {max_len})"
        raise _say(field, f"过长（{len(text)} 字，最多 {max_len} 字）", en, f"is {en}")
    return text
