"""Webhook request and response bodies (entri-api.md §4.8; docs/webhooks.md)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import ConfigDict, Field

from entri.core.schemas import Meta, PatchModel, RequestModel, ResponseModel
from entri.webhooks.rules import EVENTS, MAX_DESCRIPTION, MAX_URL

_CREATED = "2025-03-01T10:00:00.000Z"
_UPDATED = "2025-03-02T14:30:00.000Z"
_WEBHOOK: dict[str, Any] = {
    "_id": "whk_4k2m9x7qpl3vn8bt5rcz",
    "url": "https://hooks.example.com/entri",
    "events": ["translation.completed", "language.completed"],
    "projectId": "proj_abc123",
    "organizationId": "org_789xyz",
    "description": "Deploy the web app when French is complete",
    "active": True,
    "disabledReason": None,
    "previousSecretExpiresAt": None,
    "created": _CREATED,
    "updatedAt": _UPDATED,
}
_SECRET = "whsec_Jq3vX9mT2kLp8RzW5nYc7Hb4Fd6Ga1Eu0SiKo3Nx"
_DELIVERY: dict[str, Any] = {
    "_id": "dlv_7n3k5q9x2m4vb8pt6rcz",
    "webhookId": "whk_4k2m9x7qpl3vn8bt5rcz",
    "event": "translation.completed",
    "state": "pending",
    "attempt": 2,
    "statusCode": 503,
    "durationMs": 412,
    "response": "Service Unavailable",
    "error": None,
    "nextRetryAt": "2025-03-02T14:32:30.000Z",
    "deliveredAt": None,
    "redeliveryOf": None,
    "created": "2025-03-02T14:30:00.000Z",
    "updatedAt": "2025-03-02T14:30:30.412Z",
}

Url = Annotated[str, Field(min_length=1, max_length=MAX_URL, examples=["https://hooks.example.com/entri"])]
Events = Annotated[
    list[Annotated[str, Field(max_length=64)]],
    Field(
        min_length=1,
        max_length=len(EVENTS) + 1,
        description=f'Event names ({", ".join(EVENTS)}), or ["*"] for all of them',
        examples=[["translation.completed", "language.completed"]],
    ),
]
Description = Annotated[str, Field(max_length=MAX_DESCRIPTION)]


class WebhookCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "url": "https://hooks.example.com/entri",
                    "events": ["translation.completed", "language.completed"],
                    "projectId": "proj_abc123",
                    "description": "Deploy the web app when French is complete",
                }
            ]
        }
    )

    url: Url
    events: Events
    projectId: str | None = Field(default=None, max_length=64, description="Only this project's events")
    description: Description | None = None
    active: bool = True


class ProjectWebhookCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"url": "https://hooks.example.com/entri", "events": ["*"], "active": True}]}
    )

    url: Url
    events: Events
    description: Description | None = None
    active: bool = True


class WebhookUpdate(PatchModel):
    clearable = frozenset({"description"})
    model_config = ConfigDict(json_schema_extra={"examples": [{"events": ["*"], "active": True}]})

    url: Url | None = None
    events: Events | None = None
    description: Description | None = None
    active: bool | None = None


class WebhookOut(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_WEBHOOK]})

    id: str = Field(alias="_id")
    url: str
    events: list[str]
    projectId: str | None
    organizationId: str
    description: str | None
    active: bool
    disabledReason: str | None = Field(description="Why the webhook was turned off automatically")
    previousSecretExpiresAt: str | None = Field(
        description="Until then deliveries also carry the old secret's signature"
    )
    created: str
    updatedAt: str


class WebhookCreated(WebhookOut):
    model_config = ConfigDict(json_schema_extra={"examples": [{**_WEBHOOK, "secret": _SECRET}]})

    secret: str = Field(description="The signing secret: shown only now")


class WebhookRotated(WebhookOut):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{**_WEBHOOK, "previousSecretExpiresAt": "2025-03-03T14:30:00.000Z", "secret": _SECRET}]
        }
    )

    secret: str = Field(description="The new signing secret: shown only now")


class DeliveryOut(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_DELIVERY]})

    id: str = Field(alias="_id", description="Sent as X-Webhook-Id on every try")
    webhookId: str | None = Field(description="Null for a delivery of the compat webhook (docs/compat.md)")
    event: str
    state: str = Field(description="pending, succeeded or failed (all 7 tries spent, or the webhook was turned off)")
    attempt: int = Field(description="Tries made so far (at most 7)")
    statusCode: int | None
    durationMs: int | None
    response: str | None = Field(description="The first 1 KB of the latest response body")
    error: str | None = Field(description="Why the latest try got no HTTP answer")
    nextRetryAt: str | None
    deliveredAt: str | None
    redeliveryOf: str | None
    created: str
    updatedAt: str


class DeliveryPage(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"data": [_DELIVERY], "meta": {"page": 1, "limit": 50, "total": 1, "totalPages": 1}}]
        }
    )

    data: list[DeliveryOut]
    meta: Meta
