"""AI tunables read from the environment at the moment they are used, as the providers' keys are
(docs/ai.md, "Settings"): a server reads them once per call, tests and benches can set them
without rebuilding the app's settings object.

| variable | default | |
|---|---|---|
| `ENTRI_AI_TIMEOUT_SECONDS` | 120 | one provider request (LLM batches of 20 strings take a while) |
| `ENTRI_AI_BACKOFF_SECONDS` | 0.5 | first wait after a timeout or 5xx inside a request (doubles) |
| `ENTRI_AI_RETRY_AFTER_MAX_SECONDS` | 30 | the longest `Retry-After` honoured inside a request |
| `ENTRI_AI_DEFAULT_RETRY_AFTER_SECONDS` | 2 | the wait after a 429/503 without `Retry-After` (times the try number) |
"""

from __future__ import annotations

import math
import os


def _seconds(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        return default
    return value if math.isfinite(value) and value >= 0 else default


def timeout_seconds() -> float:
    return _seconds("ENTRI_AI_TIMEOUT_SECONDS", 120.0) or 120.0


def backoff_seconds() -> float:
    return _seconds("ENTRI_AI_BACKOFF_SECONDS", 0.5)


def retry_after_max_seconds() -> float:
    return _seconds("ENTRI_AI_RETRY_AFTER_MAX_SECONDS", 30.0)


def default_retry_after_seconds() -> float:
    return _seconds("ENTRI_AI_DEFAULT_RETRY_AFTER_SECONDS", 2.0)
