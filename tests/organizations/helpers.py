"""Shared by the member and invitation tests: requests as the API's clients send them."""

from __future__ import annotations

from fastapi.testclient import TestClient
from httpx import Response

from tests.conftest import Tenant

MEMBERS = "/api/organizations/current/members"
INVITE = f"{MEMBERS}/invite"
INVITATIONS = "/api/organizations/current/invitations"
ACCEPT = "/api/auth/accept-invite"
PASSWORD = "a long enough password"


def email_for(tenant: Tenant, name: str) -> str:
    return f"{name}.{tenant.organization_id}@example.test"


def members(tenant: Tenant) -> dict[str, dict[str, object]]:
    response = tenant.client.get(MEMBERS, headers=tenant.headers)
    assert response.status_code == 200, response.text
    return {m["userId"]: m for m in response.json()}


def invite(
    tenant: Tenant,
    email: str,
    role: str = "translator",
    headers: dict[str, str] | None = None,
    name: str | None = None,
) -> Response:
    body = {"email": email, "role": role} | ({"name": name} if name is not None else {})
    return tenant.client.post(INVITE, json=body, headers=headers or tenant.headers)


def invited(tenant: Tenant, email: str, role: str = "translator", name: str | None = None) -> dict[str, object]:
    response = invite(tenant, email, role, name=name)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def accept(client: TestClient, token: object, password: str = PASSWORD, **extra: str) -> Response:
    return client.post(ACCEPT, json={"token": token, "password": password, **extra})


def login(client: TestClient, email: str, password: str, **extra: str) -> Response:
    return client.post("/api/auth/login", json={"email": email, "password": password, **extra})
