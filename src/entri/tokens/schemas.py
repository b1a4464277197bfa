"""Request and response bodies of the API token routes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ConfigDict, Field

from entri.core.permissions import Role
from entri.core.schemas import RequestModel, ResponseModel

_TOKEN: dict[str, Any] = {
    "_id": "tok_abc123",
    "name": "GitHub Actions — main repo",
    "organizationId": "org_789xyz",
    "projectId": None,
    "scopes": ["translations:read", "translations:write"],
    "role": "developer",
    "hint": "entri_…x7Qa",
    "expiresAt": "2030-01-01T00:00:00.000Z",
    "lastUsedAt": "2025-03-10T08:15:42.000Z",
    "created": "2025-03-01T10:00:00.000Z",
}


class TokenCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "GitHub Actions — main repo",
                    "scopes": ["translations:read", "translations:write"],
                    "expiresAt": "2030-01-01T00:00:00.000Z",
                    "role": "developer",
                }
            ]
        }
    )

    name: str = Field(min_length=1, max_length=200, examples=["GitHub Actions — main repo"])
    scopes: list[str] = Field(
        default_factory=list, max_length=50, examples=[["translations:read", "translations:write"]]
    )
    expiresAt: datetime | None = None
    role: Role = Role.DEVELOPER


class TokenOut(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_TOKEN]})

    id: str = Field(alias="_id")
    name: str
    organizationId: str
    projectId: str | None
    scopes: list[str]
    role: str
    hint: str
    expiresAt: str | None
    lastUsedAt: str | None
    created: str


class TokenCreated(TokenOut):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_TOKEN,
                    "lastUsedAt": None,
                    "token": "entri_3Jv8kQ2mZr7TxWc5Lp9HbN4sYd6FgA1eUo0RiKwx7Qa",
                }
            ]
        }
    )

    token: str
