"""Activity response bodies (§4.10 plus `tokenId`, `source`, `language`, `count`; docs/activity.md)."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from entri.activity.models import ActivityEntry
from entri.core.clock import iso
from entri.core.schemas import Meta, ResponseModel

_ENTRY: dict[str, Any] = {
    "_id": "act_abc123",
    "action": "key.created",
    "userId": "user_xyz",
    "userName": "Alice Martin (token: ci)",
    "tokenId": "tok_abc123",
    "projectId": "proj_6abc123def456",
    "organizationId": "org_789xyz",
    "targetId": "key_abc123",
    "targetType": "key",
    "source": None,
    "language": None,
    "count": 1,
    "metadata": {"keyId": "key_abc123", "key": "auth.login.title", "namespace": "", "projectId": "proj_6abc123def456"},
    "created": "2025-03-02T14:30:00.000Z",
}


class ActivityOut(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_ENTRY]})

    id: str = Field(alias="_id")
    action: str = Field(description="`<resource>.<verb>` (docs/activity.md)")
    userId: str | None
    userName: str = Field(description="The actor's display name then; a token-made change names the token")
    tokenId: str | None = Field(description="The API token the change was made with, if any")
    projectId: str | None
    organizationId: str
    targetId: str | None
    targetType: str | None = Field(description="The resource the entry is about: key, translation, project, ...")
    source: str | None = Field(description="human | ai | import | tm | api, for changes of translations")
    language: str | None
    count: int = Field(description="More than 1 for the summary of a bulk change")
    metadata: dict[str, Any]
    created: str


class ActivityPage(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"data": [_ENTRY], "meta": {"page": 1, "limit": 50, "total": 1, "totalPages": 1}}]
        }
    )

    data: list[ActivityOut]
    meta: Meta


def activity_out(entry: ActivityEntry) -> dict[str, Any]:
    return {
        "_id": entry.id,
        "action": entry.action,
        "userId": entry.user_id,
        "userName": entry.user_name,
        "tokenId": entry.token_id,
        "projectId": entry.project_id,
        "organizationId": entry.organization_id,
        "targetId": entry.target_id,
        "targetType": entry.target_type,
        "source": entry.source,
        "language": entry.language,
        "count": entry.count,
        "metadata": entry.metadata_ or {},
        "created": iso(entry.created),
    }
