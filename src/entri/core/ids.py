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


def new_ids(prefix: str, count: int) -> list[str]:
    """`count` ids from one `token_bytes` and one `b32encode` call (pure Python in CPython 3.11,
    so a call per id was a tenth of a big import): 15 bytes per id encode to 24 characters
    without padding, of which the first 20 are kept, as in `new_id`."""
    encoded = base64.b32encode(secrets.token_bytes(15 * count)).decode("ascii").lower()
    head = prefix + "_"
    return [head + encoded[i : i + 20] for i in range(0, 24 * count, 24)]
