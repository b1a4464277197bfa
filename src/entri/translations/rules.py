"""The translation domain's limits, the same for the API, import, the CLI and the compat API.

See docs/api-decisions.md ("Limits"): values up to 100,000 characters; AI confidence 0-100.
"""

from __future__ import annotations

MAX_VALUE = 100_000
CONFIDENCE_RANGE = range(0, 101)
