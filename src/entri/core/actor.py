"""Who a change is attributed to in history, activity and webhooks."""

from __future__ import annotations

from dataclasses import dataclass

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
