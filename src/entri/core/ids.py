"""Public ids: a type prefix plus 20 random base32 characters (`proj_...`, `key_...`).

Random rather than sequential so ids leak nothing about volume and cannot be guessed across
organizations; the prefix makes a pasted id self-describing in logs and support requests.
"""

from __future__ import annotations

import secrets

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def new_id(prefix: str) -> str:
    return prefix + "_" + "".join(secrets.choice(_ALPHABET) for _ in range(20))
