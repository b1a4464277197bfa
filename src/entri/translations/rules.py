"""The translation domain's limits, the same for the API, import, the CLI and the compat API.

See docs/api-decisions.md ("Limits"): values up to 100,000 characters; AI confidence 0-100.
"""

from __future__ import annotations

from entri.core.text import storable
from entri.core.vocabularies import PLURAL_CATEGORIES

MAX_VALUE = 100_000
CONFIDENCE_RANGE = range(0, 101)

__all__ = ["CONFIDENCE_RANGE", "MAX_VALUE", "PLURAL_CATEGORIES", "text_problem"]


def text_problem(text: str, *, field: str) -> str | None:
    """Why `text` cannot be stored as a translation, or None."""
    if len(text) > MAX_VALUE:
        return f"{field} is longer than {MAX_VALUE} characters"
    if not storable(text):
        return f"{field} contains a NUL or an unpaired surrogate character"
    return None
