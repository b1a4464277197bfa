"""What text any column can hold: no NUL, no unpaired surrogate.

PostgreSQL refuses a NUL in `text` (a 500 if it gets that far) and neither backend can store a
lone surrogate as UTF-8; JSON escapes (`\\u0000`, `\\ud800`) and `surrogatepass` decoding let
both into Python strings. Every writer checks with this one pattern.
"""

from __future__ import annotations

import re

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> bool:
    return UNSTORABLE.search(text) is None


def first_unstorable(texts: list[str]) -> int | None:
    """Index of the first text that cannot be stored, or None. One C-speed scan over all of them
    (a bulk write checks 100k values); only a hit pays for finding which one."""
    if UNSTORABLE.search("\n".join(texts)) is None:
        return None
    return next(i for i, t in enumerate(texts) if UNSTORABLE.search(t))
