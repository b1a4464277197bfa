"""Request and response bodies of the organization, member and invitation routes."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from entri.core.permissions import Role
from entri.core.schemas import PatchModel, RequestModel, ResponseModel


class InviteBody(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"email": "camille@acme.com", "role": "translator", "name": "Camille Dubois"}]}
    )

    email: str = Field(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$", examples=["alice@acme.com"])
    role: Role = Field(examples=["translator"])
    name: str | None = Field(default=None, max_length=200)


class RoleBody(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"role": "reviewer"}]})

    role: Role


class MemberOut(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "userId": "user_xyz",
                    "name": "Alice Martin",
                    "email": "alice@acme.com",
                    "role": "admin",
                    "joinedAt": "2025-03-01T09:00:00.000Z",
                }
            ]
        }
    )

    userId: str
    name: str
    email: str
    role: str
    joinedAt: str


_INVITATION: dict[str, Any] = {
    "_id": "inv_k3q9vwxr2lmt8ybn4hcj",
    "email": "camille@acme.com",
    "name": "Camille Dubois",
    "role": "translator",
    "invitedBy": "user_xyz",
    "invitedAt": "2025-03-06T15:20:11.042Z",
    "expiresAt": "2025-03-13T15:20:11.042Z",
}


class InvitationOut(ResponseModel):
    """A pending invitation: what the inviter sent, nothing about any account."""

    model_config = ConfigDict(json_schema_extra={"examples": [_INVITATION]})

    id: str = Field(alias="_id")
    email: str
    name: str
    role: str
    invitedBy: str | None
    invitedAt: str
    expiresAt: str


class InviteOut(InvitationOut):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_INVITATION,
                    "inviteUrl": "https://entri.acme.com/invite/Zk3q9VwXr2LmT8yBn4HcJ6sPa1DfGe7U",
                    "inviteToken": "Zk3q9VwXr2LmT8yBn4HcJ6sPa1DfGe7U",
                }
            ]
        }
    )

    inviteUrl: str = Field(description="One-time link for the invitee; shown only in this response")
    inviteToken: str


class TransferBody(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"userId": "user_k3q9vwxr2lmt8ybn4hcj"}]})

    userId: str = Field(min_length=1, max_length=64, description="A member of the organization: the new owner")


class TransferOut(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "owner": {
                        "userId": "user_k3q9vwxr2lmt8ybn4hcj",
                        "name": "Camille Dubois",
                        "email": "camille@acme.com",
                        "role": "owner",
                        "joinedAt": "2025-03-06T15:20:11.042Z",
                    },
                    "previousOwner": {
                        "userId": "user_xyz",
                        "name": "Alice Martin",
                        "email": "alice@acme.com",
                        "role": "admin",
                        "joinedAt": "2025-03-01T09:00:00.000Z",
                    },
                }
            ]
        }
    )

    owner: MemberOut
    previousOwner: MemberOut = Field(description="Now an admin")


_SETTINGS_EXAMPLE: dict[str, Any] = {
    "defaultSourceLanguage": "en",
    "defaultTranslationWorkflow": "translate-then-review",
    "aiProvider": "anthropic",
    "aiModel": "claude-sonnet-4-6",
    "anthropicApiKey": "sk-…abcd",
    "toneInstructions": "Professional, friendly, avoid jargon",
    "aiConcurrency": 4,
    "tm": {"captureApproved": True, "captureAi": True, "captureImport": True},
}


class OrganizationOut(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "_id": "org_789xyz",
                    "name": "Acme Inc",
                    "slug": "acme-inc",
                    "settings": _SETTINGS_EXAMPLE,
                    "createdAt": "2025-03-01T09:00:00.000Z",
                }
            ]
        }
    )

    id: str = Field(alias="_id")
    name: str
    slug: str
    settings: dict[str, Any] = Field(
        description="Defaults filled in; provider keys and openaiBaseUrl only as a masked preview (docs/settings.md)"
    )
    createdAt: str


class OrganizationUpdate(PatchModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"settings": {"toneInstructions": "Friendly", "checks": {"severities": {"urls": "error"}}}},
                {"settings": {"aiProvider": "openai", "openaiApiKey": "sk-proj-…", "tm": {"captureAi": False}}},
            ]
        }
    )

    name: str | None = Field(default=None, min_length=1, max_length=200)
    settings: dict[str, Any] | None = Field(
        default=None,
        description="Partial: objects merge key by key; null clears a field that can be empty (aiProvider, "
        "aiModel, toneInstructions, checks, the provider keys, openaiBaseUrl) and is a 400 for any other. Fields: "
        "defaultSourceLanguage, defaultTranslationWorkflow (translate-only | translate-then-review | "
        "translate-review-approve), aiProvider (anthropic | openai | deepl | memory), aiModel, "
        "anthropicApiKey, openaiApiKey, openaiBaseUrl, deeplApiKey (write-only, stored encrypted, shown "
        "masked), toneInstructions, checks (docs/checks.md), tm {captureApproved, captureAi, captureImport}, "
        "aiConcurrency (1-32). See docs/settings.md.",
    )
