"""Contacts search keys and phone numbers: pure functions, no database.

A directory row (organisation, post or person) carries one precomputed search key: its texts as
written, their pinyin in full and as initials ("周宁" → "zhouning", "zn"), and every phone number
as bare digits (separators dropped). A query term matches a row when it is a substring of the
key, so "zn", "zhoun", "应急局", "55550110" and "010-5555 0110" all find what a duty officer means.

Polyphonic characters: pypinyin reads words in context (区 → qu in 东城区); a surname read alone may
be wrong (单 shan/dan, 曾 zeng/ceng, 解 xie/jie), so for a text that looks like a person's name (2–4
Chinese characters) the key also carries the other readings of its first character (at most
MAX_VARIANTS).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

SEP = "|"  # between the parts of a key, so a term never matches across two texts
MAX_VARIANTS = 4
PHONE_SEPARATORS = re.compile(r"[\s\-－—–()（）.．/+]")
_MULTI_PHONE = re.compile(r"[、,，;；]")
_EXTENSION = re.compile(r"(?:转|ext\.?|x)\s*(\d{1,6})$", re.IGNORECASE)
_HAN = re.compile(r"[\u3400-\u9fff]")
_PERSON_NAME = re.compile(r"[\u3400-\u9fff]{2,4}")


def phone_digits(text: str | None) -> str:
    """The digits of a phone number (or several), in order; everything else dropped (full-width digits too)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text or "") if ch in "0123456789")


def split_phones(text: str | None) -> list[str]:
    """One cell may hold several numbers separated by 、 , ; — each returned trimmed."""
    return [p.strip() for p in _MULTI_PHONE.split(text or "") if p.strip()]


def phone_problem(text: str) -> tuple[str, str] | None:
    """None when every number in ``text`` looks like a Chinese phone number, else (zh, en) why not.

    Accepted, separators ignored: mobile 1[3-9]xxxxxxxxx (optionally +86/86 in front); landline with
    area code 0xx(x) + 7–8 digits; local 7–8 digits; service numbers of 3–5 digits (110, 12345);
    an extension after 转 / ext / x.
    """
    phones = split_phones(text)
    if not phones:
        return None
    for phone in phones:
        body = phone
        m = _EXTENSION.search(body)
        if m:
            body = body[: m.start()]
        if re.search(r"[^\d\s\-－—–()（）.．/+]", body):
            return (f"电话号码“{phone}”含有非数字字符", f"phone number '{phone}' contains characters other than digits")
        digits = phone_digits(body)
        if digits.startswith("86") and len(digits) == 13:
            digits = digits[2:]
        if re.fullmatch(r"1[3-9]\d{9}", digits) or re.fullmatch(r"0\d{9,11}", digits):
            continue
        if re.fullmatch(r"[2-9]\d{6,7}|[48]00\d{7}", digits) or re.fullmatch(r"1\d{2,4}|9\d{4}", digits):
            continue
        if re.fullmatch(r"1\d{9}", digits):
            return (f"电话号码“{phone}”位数不对（若 Excel 把它当数字丢了开头的 0，请把该列设为文本）",
                    f"phone number '{phone}' has the wrong number of digits (if Excel dropped a leading 0, "
                    "format the column as text)")
        return (f"电话号码“{phone}”位数不对（{len(digits)} 位）",
                f"phone number '{phone}' has the wrong number of digits ({len(digits)})")
    return None


def _pinyin_forms(text: str) -> list[str]:
    """Full pinyin and initials of a text; for a person's name also the other readings of the surname."""
    if not _HAN.search(text):
        return []
    from pypinyin import Style, lazy_pinyin, pinyin  # its dictionaries take a second to load: when first needed

    syllables = [p.lower() for p in lazy_pinyin(text)]
    forms = ["".join(syllables), "".join(s[:1] for s in syllables)]
    if _PERSON_NAME.fullmatch(text):  # 单 shan/dan, 曾 zeng/ceng, 解 xie/jie, 区 ou/qu ...
        readings = pinyin(text[0], style=Style.NORMAL, heteronym=True)[0][:MAX_VARIANTS]
        rest = syllables[1:]
        for reading in readings:
            forms += [reading + "".join(rest), reading[:1] + "".join(s[:1] for s in rest)]
    return list(dict.fromkeys(f for f in forms if f))


def search_key(texts: Iterable[str | None], phones: Iterable[str | None] = ()) -> str:
    """The key stored on a row: lower-cased texts, their pinyin forms and the phones' digits."""
    parts: list[str] = []
    for text in texts:
        text = unicodedata.normalize("NFKC", text or "").strip()
        if not text:
            continue
        parts.append(text.lower())
        parts += _pinyin_forms(text)
    for phone in phones:
        for one in split_phones(phone):
            digits = phone_digits(one)
            if digits:
                parts.append(digits)
    return SEP + SEP.join(dict.fromkeys(parts)) + SEP if parts else ""


def query_terms(query: str) -> list[str]:
    """The terms a query means: a query of digits and phone separators only is one phone number."""
    query = unicodedata.normalize("NFKC", query or "").strip().lower().replace(SEP, " ")
    if not query:
        return []
    if re.fullmatch(r"[\d\s\-－—–()（）.．/+]+", query) and any(ch.isdigit() for ch in query):
        return [phone_digits(query)]
    return [phone_digits(t) if re.fullmatch(r"[\d\-－—–()（）.．/+]+", t) and any(c.isdigit() for c in t) else t
            for t in query.split()]
