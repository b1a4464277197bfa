"""Request and response bodies of the sign-in, session and invitation-acceptance routes."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from entri.core.schemas import RequestModel, ResponseModel


class PasswordBody(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"currentPassword": "correct-horse-battery-staple", "newPassword": "a longer passphrase"}]
        }
    )

    currentPassword: str = Field(min_length=1, max_length=1000)
    newPassword: str = Field(min_length=1, max_length=1000, description="At least 8 characters")


class LoginBody(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"email": "alice@acme.com", "password": "correct-horse-battery-staple"}]}
    )

    email: str = Field(min_length=3, max_length=320, examples=["admin@localhost"])
    password: str = Field(min_length=1, max_length=1000)
    organizationId: str | None = Field(default=None, max_length=64)


class AcceptInviteBody(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "token": "Zk3q9VwXr2LmT8yBn4HcJ6sPa1DfGe7U",
                    "password": "a-long-and-unique-passphrase",
                    "name": "Camille Dubois",
                }
            ]
        }
    )

    token: str = Field(min_length=10, max_length=200)
    password: str = Field(
        min_length=1,
        max_length=1000,
        description="A new password (8 characters or more) when the e-mail address has no account yet; "
        "otherwise that account's current password, as proof the invitee owns it",
    )
    name: str | None = Field(default=None, max_length=200, description="The new account's name; ignored otherwise")


class MeOut(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "userId": "user_xyz",
                    "name": "Alice Martin",
                    "email": "alice@acme.com",
                    "role": "admin",
                    "organizationId": "org_789xyz",
                    "tokenId": None,
                    "projectId": None,
                    "csrfToken": "3f1c2a9e0b7d4c6a8e5f1b2d3c4a5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d",
                }
            ]
        }
    )

    userId: str | None
    name: str
    email: str | None
    role: str
    organizationId: str
    tokenId: str | None
    projectId: str | None
    csrfToken: str | None = Field(
        description="With a session cookie: the value every write must send in the X-CSRF-Token header"
    )
