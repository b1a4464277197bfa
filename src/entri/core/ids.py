"""Public ids: a type prefix plus 20 random base32 characters (`proj_...`, `key_...`).

Random rather than sequential so ids leak nothing about volume and cannot be guessed across
organizations; the prefix makes a pasted id self-describing in logs and support requests.
One `token_bytes` call per id: a 100k-key import mints half a million of them.
"""

from __future__ import annotations

import base64
import secrets


def new_id(prefix: str) -> str:
    # 13 random bytes = 104 bits -> 21 base32 characters; keep 20 (100 bits).
    return prefix + "_" + base64.b32encode(secrets.token_bytes(13)).decode("ascii")[:20].lower()


_BASE32 = bytes(b"abcdefghijklmnopqrstuvwxyz234567"[b & 31] for b in range(256))
"""Byte -> base32 character of its low 5 bits. 256 is a multiple of 32, so a uniform random
byte gives a uniform character: 20 bytes make 20 characters carrying 100 random bits."""


def new_ids(prefix: str, count: int) -> list[str]:
    """`count` ids like `new_id`'s (20 base32 characters, 100 random bits) from one
    `token_bytes` call and one C-level `translate`: a bulk writer needs one per row, and
    `b32encode` is a Python loop in CPython 3.11."""
    text = secrets.token_bytes(20 * count).translate(_BASE32).decode("ascii")
    head = prefix + "_"
    return [head + text[i : i + 20] for i in range(0, 20 * count, 20)]
