"""Signing secrets and the X-Webhook-Signature header (docs/webhooks.md, "Signatures").

The signature is the hex HMAC-SHA256 of the raw request body, keyed with the subscription's
secret (its UTF-8 bytes, `whsec_` prefix included); no prefix, no timestamp in the signed
message (entri-api.md §5). For a day after a rotation the header carries two signatures,
comma-separated, the new secret's first: a receiver still holding the old secret keeps
verifying while it rolls over.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from entri.webhooks.rules import SECRET_PREFIX


def new_secret() -> str:
    """256 random bits, URL-safe: shown once, on creation or rotation."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def signature_header(
    *, secret: str, previous: str | None, previous_expires_at: datetime | None, body: bytes, now: datetime
) -> str:
    """The header value for a try made at `now`: the current secret's signature, then the
    previous secret's while it is still honoured."""
    values = [signature(secret, body)]
    if previous and previous_expires_at is not None and now < previous_expires_at:
        values.append(signature(previous, body))
    return ",".join(values)
