"""Account names and passwords (issue 17, finding 8): pure rules, no I/O beyond reading the shipped list.

- Usernames are compared in one form: NFKC, then case-folded, trimmed (``ADMIN`` and ``admin`` are one name).
  A name mixing Latin with Cyrillic or Greek letters is refused (Cyrillic ``аdmin`` beside ``admin``), and two
  names whose letters look alike (`skeleton`) collide.
- A password has at least `MIN_PASSWORD_LENGTH` characters (an administrator may raise it), is not the
  username, has at least 4 different characters and is not in the common-passwords list shipped in
  `resources/common_passwords.txt`.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from ..config import resource_root
from .errors import UserError

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
MAX_USERNAME_LENGTH = 64

# Letters of other scripts that look like Latin ones (Unicode confusables, the ones a keyboard can type).
_LOOKALIKE = str.maketrans({
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d", "һ": "h", "ԛ": "q",
    "ԝ": "w", "ӏ": "l", "ь": "b", "г": "r", "п": "n",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "ω": "w", "γ": "y", "ς": "s", "σ": "o",
})


def _script(ch: str) -> str | None:
    """LATIN, CYRILLIC or GREEK for a letter of those scripts, else None."""
    if not ch.isalpha():
        return None
    name = unicodedata.name(ch, "")
    for script in ("LATIN", "CYRILLIC", "GREEK"):
        if name.startswith(script):
            return script
    return None


def normalise_username(typed: str) -> str:
    """The one form a username is stored and looked up in: NFKC, case-folded, surrounding blanks removed."""
    return unicodedata.normalize("NFKC", typed or "").casefold().strip()


def skeleton(username: str) -> str:
    """What a (normalised) username looks like: letters of other scripts mapped to the Latin ones they resemble.
    Two usernames with one skeleton cannot sit side by side."""
    return normalise_username(username).translate(_LOOKALIKE)


def check_username(typed: str) -> str:
    """The normalised username, or UserError: empty, too long, blanks or control characters, mixed scripts."""
    name = normalise_username(typed)
    if not name:
        raise UserError("用户名不能为空", "the username is required")
    if len(name) > MAX_USERNAME_LENGTH:
        raise UserError(f"用户名最多 {MAX_USERNAME_LENGTH} 个字符", f"username: at most {MAX_USERNAME_LENGTH} characters")
    if any(not ch.isprintable() or ch.isspace() for ch in name):
        raise UserError("用户名不能包含空格或控制字符", "the username must not contain spaces or control characters")
    scripts = {s for ch in name if (s := _script(ch))}
    if len(scripts) > 1:
        raise UserError("用户名不能混用拉丁字母与西里尔或希腊字母（容易与其他用户名混淆）",
                        "the username mixes Latin with Cyrillic or Greek letters (it could pass for another name)")
    return name


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, case-folded (resources/common_passwords.txt, one per line)."""
    path = resource_root() / "resources" / "common_passwords.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip() and not line.startswith("#"))


def check_password(password: str, username: str = "", min_length: int = MIN_PASSWORD_LENGTH) -> None:
    """UserError naming the rule the password breaks; `min_length` below the floor is raised to the floor."""
    min_length = max(MIN_PASSWORD_LENGTH, min_length)
    if len(password) < min_length:
        raise UserError(f"密码至少 {min_length} 位", f"the password must have at least {min_length} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise UserError(f"密码不能超过 {MAX_PASSWORD_LENGTH} 个字符",
                        f"the password must have at most {MAX_PASSWORD_LENGTH} characters")
    folded = password.strip().casefold()
    name = normalise_username(username)
    if name and (folded == name or folded == name[::-1] or (name in folded and len(folded) - len(name) < 4)):
        raise UserError("密码不能是用户名或用户名的简单变形", "the password must not be the username or a variant of it")
    if len(set(password)) < 4:
        raise UserError("密码至少包含 4 个不同的字符", "the password needs at least 4 different characters")
    if folded in common_passwords():
        raise UserError("该密码过于常见，容易被猜中，请换一个", "this password is too common and easily guessed; choose another")
