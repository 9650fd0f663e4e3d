"""Password hashing with scrypt (memory-hard; Python's hashlib, no extra dependency).

Format: scrypt$n$r$p$salt_hex$hash_hex. n=2**15, r=8 uses 32 MiB per check, a few tens of ms.
"""

from __future__ import annotations

import hashlib
import hmac
import os

_N, _R, _P, _LEN = 2**15, 8, 1, 32
_MAXMEM = 64 * 1024 * 1024


def hash_password(password: str) -> str:
    if not password:
        raise ValueError("empty password")
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, maxmem=_MAXMEM, dklen=_LEN)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_hex, hash_hex = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt_hex), n=int(n), r=int(r),
                                p=int(p), maxmem=_MAXMEM, dklen=len(hash_hex) // 2)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest.hex(), hash_hex)


# The hash of a random password that was thrown away: nobody's, with the parameters every account uses.
_DUMMY = "scrypt$32768$8$1$4bc802974f57249934e6ad30f4d8cc3c$f7292a2ebdb8091f8c9a496150b7d30e6e397cca9d8108525634043764607ae1"


def dummy_verify(password: str) -> bool:
    """The work of one check against a hash nobody has (always False): a sign-in with an unknown username
    costs what a wrong password for a real one costs, so timing does not tell which usernames exist."""
    verify_password(password, _DUMMY)
    return False
