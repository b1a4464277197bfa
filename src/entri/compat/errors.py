"""The one error of the method-style API: an `{"ok": false, "description": ...}` answer."""

from __future__ import annotations


class CompatError(Exception):
    """A refusal with its description and HTTP status (docs/compat.md, "Transport": 200 for a method-level
    failure, 401 for a bad token, 404 for an unknown method)."""

    def __init__(self, description: str, status: int = 200) -> None:
        super().__init__(description)
        self.description = description
        self.status = status
