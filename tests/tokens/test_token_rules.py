"""What a token may create (docs/permissions.md, "API tokens"): never more than it has."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from entri.core.clock import utcnow
from tests.conftest import Tenant

ORG_TOKENS = "/api/organizations/current/tokens"


def make(client: TestClient, headers: dict[str, str], url: str = ORG_TOKENS, **body: object) -> Response:
    return client.post(url, json={"name": "child", **body}, headers=headers)


def made(client: TestClient, headers: dict[str, str], url: str = ORG_TOKENS, **body: object) -> dict[str, object]:
    response = make(client, headers, url, **body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def key(token: dict[str, object]) -> dict[str, str]:
    return {"X-API-Key": str(token["token"])}


def messages(response: Response, status: int) -> str:
    assert response.status_code == status, response.text
    return " ".join(response.json()["message"]) if status == 400 else str(response.json()["message"])


def test_a_scoped_token_hands_on_its_scopes_or_fewer(tenant: Tenant, client: TestClient) -> None:
    parent = key(made(client, tenant.headers, name="parent", role="admin", scopes=["tokens:write", "keys:write"]))

    assert made(client, parent, scopes=["keys:read"])["scopes"] == ["keys:read"]
    assert made(client, parent, scopes=["keys:write", "tokens:read"])["scopes"] == ["keys:write", "tokens:read"]

    assert "translations:write" in messages(make(client, parent, scopes=["keys:read", "translations:write"]), 400)
    assert "every scope" in messages(make(client, parent, scopes=["*"]), 400)
    assert "every scope" in messages(make(client, parent), 400)  # no scopes means every scope
    children = [t for t in client.get(ORG_TOKENS, headers=tenant.headers).json() if t["name"] == "child"]
    assert len(children) == 2  # the refused ones made nothing


def test_a_token_with_every_scope_may_give_any(tenant: Tenant, client: TestClient) -> None:
    parent = key(made(client, tenant.headers, role="admin"))
    assert made(client, parent, scopes=["*"])["scopes"] == ["*"]


def test_a_child_token_never_outlives_its_parent(tenant: Tenant, client: TestClient) -> None:
    parent_expiry = utcnow() + timedelta(days=1)
    parent = made(client, tenant.headers, role="admin", expiresAt=parent_expiry.isoformat())
    headers = key(parent)

    inherited = made(client, headers)
    assert inherited["expiresAt"] == parent["expiresAt"]
    sooner = (utcnow() + timedelta(hours=1)).isoformat()
    assert made(client, headers, expiresAt=sooner)["expiresAt"] is not None
    later = (utcnow() + timedelta(days=30)).isoformat()
    assert "outlive" in messages(make(client, headers, expiresAt=later), 400)


def test_a_session_or_unexpiring_token_sets_any_expiry(tenant: Tenant, client: TestClient) -> None:
    parent = key(made(client, tenant.headers, role="admin"))
    assert made(client, parent)["expiresAt"] is None


def test_a_project_token_creates_tokens_of_its_own_project_only(tenant: Tenant, client: TestClient) -> None:
    mine = tenant.project(name="Mine")
    other = tenant.project(name="Other")
    url = f"/api/projects/{mine['_id']}/tokens"
    parent = key(made(client, tenant.headers, url, role="admin"))

    child = made(client, parent, url, role="developer")
    assert child["projectId"] == mine["_id"]
    assert messages(make(client, parent, f"/api/projects/{other['_id']}/tokens"), 404)
    assert messages(make(client, parent, ORG_TOKENS), 403)


def test_a_token_never_outranks_its_creator(tenant: Tenant, client: TestClient) -> None:
    parent = key(made(client, tenant.headers, role="developer"))
    # A developer token cannot manage tokens at all, so it cannot mint an admin one either.
    assert messages(make(client, parent, role="admin"), 403)


@pytest.mark.parametrize("role", ["admin", "developer", "viewer"])
def test_role_up_to_the_creators_is_kept(tenant: Tenant, client: TestClient, role: str) -> None:
    admin = tenant.member("admin")
    assert made(client, admin.headers, role=role)["role"] == role
