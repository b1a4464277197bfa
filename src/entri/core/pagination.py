"""Page/limit parsing and the `{data, meta}` envelope (docs/api-decisions.md, "Pagination")."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from entri.core.errors import BadRequest

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
MAX_PAGE = 10_000_000
"""Keeps OFFSET far inside a 64-bit integer on every backend."""


@dataclass(frozen=True)
class PageParams:
    page: int = 1
    limit: int = DEFAULT_LIMIT

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit

    @classmethod
    def parse(cls, page: str | None, limit: str | None) -> PageParams:
        """Lenient where the spec says so (page<1 -> 1, limit>200 -> 200), strict on non-numbers."""
        number = max(1, _as_int("page", page, 1))
        if number > MAX_PAGE:
            raise BadRequest([f"page must be at most {MAX_PAGE}"])
        return cls(page=number, limit=min(MAX_LIMIT, max(1, _as_int("limit", limit, DEFAULT_LIMIT))))


def _as_int(name: str, raw: str | None, default: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise BadRequest([f"{name} must be a number"]) from None


def envelope(data: list[Any], total: int, params: PageParams) -> dict[str, Any]:
    return {
        "data": data,
        "meta": {
            "page": params.page,
            "limit": params.limit,
            "total": total,
            "totalPages": max(1, math.ceil(total / params.limit)) if total else 0,
        },
    }
