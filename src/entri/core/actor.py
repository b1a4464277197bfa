"""Who a change is attributed to in history, activity and webhooks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from entri.core.principal import Principal


@dataclass(frozen=True, slots=True)
class Actor:
    """A user (from the request's principal) or a system writer (an import job, the AI worker)."""

    user_id: str | None
    name: str
    token_id: str | None = None
    """The API token the change was made with, if any: activity names it."""

    @classmethod
    def of(cls, principal: Principal) -> Actor:
        return cls(user_id=principal.user_id, name=principal.display_name, token_id=principal.token_id)

    def as_json(self) -> dict[str, Any]:
        """For a job's payload: the job's summary events name whoever started it, token included."""
        return {"userId": self.user_id, "name": self.name, "tokenId": self.token_id}

    @classmethod
    def from_json(cls, value: Any) -> Actor | None:
        """`as_json`'s output back; None when `value` is not one (a job enqueued before
        payloads carried their starter)."""
        if isinstance(value, dict) and isinstance(value.get("name"), str):
            return cls(user_id=value.get("userId"), name=value["name"], token_id=value.get("tokenId"))
        return None
