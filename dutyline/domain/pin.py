"""Desk-unlock PINs: format rule, salted scrypt hashing and constant-time checking (pure Python).

Why scrypt from the standard library: it is memory-hard, so a copied staff table does not give up 4-digit
PINs cheaply, and it needs no extra dependency. Why constant time: a comparison that stops at the first
differing byte tells a patient attacker how much of a guess was right.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

PIN_MIN, PIN_MAX = 4, 12
#: scrypt cost: ~16 MiB and tens of milliseconds per check.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


def pin_problem(pin: str) -> str | None:
    """Why `pin` is not acceptable, or None. Digits only, so it can be typed on any keypad."""
    if not (pin.isascii() and pin.isdigit() and PIN_MIN <= len(pin) <= PIN_MAX):
        return f"a PIN is {PIN_MIN} to {PIN_MAX} digits"
    return None


def hash_pin(pin: str) -> str:
    """`scrypt$n$r$p$salt$hash` (hex), with a fresh 16-byte salt."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    """Constant-time comparison against a stored `hash_pin` value; False for anything malformed."""
    try:
        scheme, n, r, p, salt, want = stored.split("$")
        if scheme != "scrypt" or len(want) < 32:
            return False
        got = hashlib.scrypt(
            pin.encode(),
            salt=bytes.fromhex(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(want) // 2,
            maxmem=64 * 1024 * 1024,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), want)


def pin_digest(pin: str, salt_spec: str) -> str:
    """The hex scrypt digest of `pin` under `salt_spec` (`scrypt$n$r$p$salt`, a stored hash minus its
    digest): what a PostgreSQL desk sends the server to compare, so the hash never leaves it. '' when
    the spec is malformed."""
    try:
        scheme, n, r, p, salt = salt_spec.split("$")
        if scheme != "scrypt":
            return ""
        got = hashlib.scrypt(
            pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32, maxmem=64 * 1024 * 1024
        )
    except (ValueError, TypeError):
        return ""
    return got.hex()
