"""API tokens through HTTP (spec §4.9, decisions.md 11)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import update

from entri.core.clock import utcnow
from entri.tokens.models import ApiToken
from tests.auth.browser import browser_login
from tests.conftest import Tenant
from tests.errors import assert_error

ME = "/api/auth/me"
ORG_TOKENS = "/api/organizations/current/tokens"
TOKEN_FIELDS = {
    "_id",
    "name",
    "organizationId",
    "projectId",
    "scopes",
    "role",
    "hint",
    "expiresAt",
    "lastUsedAt",
    "created",
}


def create(tenant: Tenant, url: str = ORG_TOKENS, **body: object) -> Response:
    return tenant.client.post(url, json={"name": "CI", **body}, headers=tenant.headers)


def created(tenant: Tenant, url: str = ORG_TOKENS, **body: object) -> dict[str, object]:
    response = create(tenant, url, **body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def key_header(token: dict[str, object]) -> dict[str, str]:
    return {"X-API-Key": str(token["token"])}


def listed(tenant: Tenant, url: str = ORG_TOKENS) -> list[dict[str, object]]:
    response = tenant.client.get(url, headers=tenant.headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def set_expiry(tenant: Tenant, token_id: object, when: datetime) -> None:
    with tenant.database.session(write=True) as session:
        session.execute(update(ApiToken).where(ApiToken.id == token_id).values(expires_at=when))
        session.commit()


def in_the_past() -> str:
    return (utcnow() - timedelta(minutes=5)).isoformat()


# --- creation and listing -------------------------------------------------------------------


def test_create_org_token_returns_the_full_value_once(tenant: Tenant) -> None:
    token = created(tenant, name="GitHub Actions", scopes=["translations:read", "translations:write"])

    assert set(token) == TOKEN_FIELDS | {"token"}
    value = str(token["token"])
    assert value.startswith("entri_") and len(value) > 30
    assert str(token["_id"]).startswith("tok_")
    assert token["name"] == "GitHub Actions"
    assert token["organizationId"] == tenant.organization_id
    assert token["projectId"] is None
    assert token["scopes"] == ["translations:read", "translations:write"]
    assert token["role"] == "developer"  # decisions.md 11: the default role
    assert token["hint"] == f"entri_…{value[-4:]}"
    assert token["expiresAt"] is None
    assert token["lastUsedAt"] is None


def test_list_never_shows_the_value_or_its_hash(tenant: Tenant) -> None:
    token = created(tenant, name="secret holder")
    value = str(token["token"])

    response = tenant.client.get(ORG_TOKENS, headers=tenant.headers)

    assert response.status_code == 200
    items = response.json()
    mine = [t for t in items if t["_id"] == token["_id"]]
    assert len(mine) == 1
    assert set(mine[0]) == TOKEN_FIELDS
    assert value not in response.text
    assert hashlib.sha256(value.encode()).hexdigest() not in response.text
    assert all("token" not in t for t in items)


def test_no_scopes_means_star(tenant: Tenant) -> None:
    assert created(tenant)["scopes"] == ["*"]


def test_token_works_immediately_with_its_role(tenant: Tenant, client: TestClient) -> None:
    token = created(tenant, role="translator")

    response = client.get(ME, headers=key_header(token))

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["tokenId"] == token["_id"]
    assert body["role"] == "translator"
    assert body["userId"] == tenant.owner.user_id
    assert body["organizationId"] == tenant.organization_id


def test_token_expiring_in_the_future_works(tenant: Tenant, client: TestClient) -> None:
    expires = datetime(2999, 1, 1, tzinfo=UTC)
    token = created(tenant, expiresAt=expires.isoformat())

    assert token["expiresAt"] == "2999-01-01T00:00:00.000Z"
    assert client.get(ME, headers=key_header(token)).status_code == 200


def test_last_used_at_is_set_after_use(tenant: Tenant, client: TestClient) -> None:
    token = created(tenant, name="usage")
    before = next(t for t in listed(tenant) if t["_id"] == token["_id"])
    assert before["lastUsedAt"] is None

    assert client.get("/api/projects", headers=key_header(token)).status_code == 200

    after = next(t for t in listed(tenant) if t["_id"] == token["_id"])
    assert after["lastUsedAt"] is not None
    assert after["lastUsedAt"] >= str(token["created"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"scopes": "translations:read"}, "scopes"),
        ({"expiresAt": "tomorrow"}, "expiresAt"),
        ({"role": "superuser"}, "role"),
        ({"nmae": "typo"}, "nmae"),
    ],
)
def test_create_validates_the_body(tenant: Tenant, body: dict[str, object], field: str) -> None:
    response = tenant.client.post(ORG_TOKENS, json={"name": "ok", **body}, headers=tenant.headers)
    result = assert_error(response, 400, ORG_TOKENS)
    assert any(field in m for m in result["message"]), result["message"]  # type: ignore[union-attr]


def test_name_is_required(tenant: Tenant) -> None:
    result = assert_error(tenant.client.post(ORG_TOKENS, json={}, headers=tenant.headers), 400)
    assert any("name" in m for m in result["message"])  # type: ignore[union-attr]


@pytest.mark.parametrize("scope", ["translations:delete", "nonsense:read", "translations", "", "*:*"])
def test_invalid_scope_is_400(tenant: Tenant, scope: str) -> None:
    result = assert_error(create(tenant, scopes=["keys:read", scope]), 400, ORG_TOKENS)
    assert any(f"'{scope}'" in m for m in result["message"]), result["message"]  # type: ignore[union-attr]


def test_duplicate_scopes_are_collapsed(tenant: Tenant) -> None:
    token = created(tenant, scopes=["keys:read", "keys:read", "tm:write"])
    assert token["scopes"] == ["keys:read", "tm:write"]


def test_expires_at_in_the_past_is_400(tenant: Tenant) -> None:
    result = assert_error(create(tenant, expiresAt=in_the_past()), 400, ORG_TOKENS)
    assert any("expiresAt" in m for m in result["message"])  # type: ignore[union-attr]


def test_naive_expires_at_in_the_past_is_400(tenant: Tenant) -> None:
    response = create(tenant, expiresAt="2000-01-01T00:00:00")
    assert_error(response, 400, ORG_TOKENS)


def test_expired_token_is_401(tenant: Tenant, client: TestClient) -> None:
    token = created(tenant, expiresAt=(utcnow() + timedelta(minutes=10)).isoformat())
    assert client.get(ME, headers=key_header(token)).status_code == 200

    set_expiry(tenant, token["_id"], utcnow() - timedelta(seconds=1))

    assert_error(client.get(ME, headers=key_header(token)), 401, ME)
    assert_error(client.get("/api/projects", headers=key_header(token)), 401, "/api/projects")


# --- roles ----------------------------------------------------------------------------------


def test_token_cannot_have_the_owner_role(tenant: Tenant, client: TestClient) -> None:
    admin = tenant.member("admin")
    response = client.post(ORG_TOKENS, json={"name": "too strong", "role": "owner"}, headers=admin.headers)
    result = assert_error(response, 400, ORG_TOKENS)
    assert any("role" in m for m in result["message"])  # type: ignore[union-attr]


def test_owner_session_cannot_mint_an_owner_token(tenant: Tenant, client: TestClient) -> None:
    csrf = browser_login(client, tenant.owner.email, tenant.owner.password)

    response = client.post(ORG_TOKENS, json={"name": "owner token", "role": "owner"}, headers=csrf)

    result = assert_error(response, 400, ORG_TOKENS)
    assert any("owner" in m for m in result["message"])  # type: ignore[union-attr]


def test_admin_can_mint_tokens_up_to_its_own_role(tenant: Tenant, client: TestClient) -> None:
    admin = tenant.member("admin")
    response = client.post(ORG_TOKENS, json={"name": "peer", "role": "admin"}, headers=admin.headers)
    assert response.status_code == 201, response.text
    assert response.json()["role"] == "admin"


@pytest.mark.parametrize("role", ["developer", "translator", "reviewer", "viewer"])
def test_non_admin_roles_cannot_manage_tokens(tenant: Tenant, client: TestClient, role: str) -> None:
    member = tenant.member(role)
    victim = created(tenant, name="someone else's")
    project = tenant.project()
    project_tokens = f"/api/projects/{project['_id']}/tokens"

    assert_error(client.post(ORG_TOKENS, json={"name": "mine", "role": "viewer"}, headers=member.headers), 403)
    assert_error(client.get(ORG_TOKENS, headers=member.headers), 403, ORG_TOKENS)
    assert_error(client.delete(f"{ORG_TOKENS}/{victim['_id']}", headers=member.headers), 403)
    assert_error(client.post(project_tokens, json={"name": "mine", "role": "viewer"}, headers=member.headers), 403)
    assert_error(client.get(project_tokens, headers=member.headers), 403)
    # The victim token was not revoked by the refused call.
    assert client.get(ME, headers=key_header(victim)).status_code == 200


# --- revocation -----------------------------------------------------------------------------


def test_revoke_is_204_then_the_token_gets_401(tenant: Tenant, client: TestClient) -> None:
    token = created(tenant, name="to revoke")
    assert client.get(ME, headers=key_header(token)).status_code == 200

    response = client.delete(f"{ORG_TOKENS}/{token['_id']}", headers=tenant.headers)

    assert response.status_code == 204
    assert response.content == b""
    assert_error(client.get(ME, headers=key_header(token)), 401, ME)
    assert all(t["_id"] != token["_id"] for t in listed(tenant))


def test_revoking_twice_or_unknown_is_404(tenant: Tenant, client: TestClient) -> None:
    token = created(tenant)
    assert client.delete(f"{ORG_TOKENS}/{token['_id']}", headers=tenant.headers).status_code == 204

    assert_error(client.delete(f"{ORG_TOKENS}/{token['_id']}", headers=tenant.headers), 404)
    assert_error(client.delete(f"{ORG_TOKENS}/tok_doesnotexist", headers=tenant.headers), 404)


def test_a_token_can_revoke_itself(tenant: Tenant, client: TestClient) -> None:
    token = created(tenant, role="admin")
    response = client.delete(f"{ORG_TOKENS}/{token['_id']}", headers=key_header(token))
    assert response.status_code == 204
    assert_error(client.get(ME, headers=key_header(token)), 401)


# --- project tokens -------------------------------------------------------------------------


def test_project_token_reaches_only_its_project(tenant: Tenant, client: TestClient) -> None:
    mine = tenant.project(name="Mine")
    other = tenant.project(name="Other")
    token = created(tenant, f"/api/projects/{mine['_id']}/tokens", name="project CI")
    headers = key_header(token)
    assert token["projectId"] == mine["_id"]
    assert client.get(ME, headers=headers).json()["projectId"] == mine["_id"]

    assert client.get(f"/api/projects/{mine['_id']}", headers=headers).status_code == 200
    key = client.post(f"/api/projects/{mine['_id']}/keys", json={"key": "a"}, headers=headers)
    assert key.status_code == 201, key.text

    assert_error(client.get(f"/api/projects/{other['_id']}", headers=headers), 404)
    assert_error(client.get(f"/api/projects/{other['_id']}/keys", headers=headers), 404)
    assert_error(client.post(f"/api/projects/{other['_id']}/keys", json={"key": "a"}, headers=headers), 404)
    listing = client.get("/api/projects", headers=headers)
    assert [p["_id"] for p in listing.json()["data"]] == [mine["_id"]]
    assert listing.json()["meta"]["total"] == 1


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/organizations/current"),
        ("GET", "/api/organizations/current/members"),
        ("GET", "/api/organizations/current/tokens"),
        ("POST", "/api/organizations/current/tokens"),
        ("POST", "/api/organizations/current/members/invite"),
    ],
)
def test_project_token_gets_403_on_org_routes(tenant: Tenant, client: TestClient, method: str, path: str) -> None:
    project = tenant.project()
    token = created(tenant, f"/api/projects/{project['_id']}/tokens", role="admin")
    body = {"name": "x"} if path.endswith("tokens") else {"email": "x@example.test", "role": "viewer"}

    response = client.request(method, path, headers=key_header(token), json=body if method == "POST" else None)

    assert_error(response, 403, path)


def test_project_token_also_403_with_own_org_id(tenant: Tenant, client: TestClient) -> None:
    project = tenant.project()
    token = created(tenant, f"/api/projects/{project['_id']}/tokens")
    path = f"/api/organizations/{tenant.organization_id}/members"
    assert_error(client.get(path, headers=key_header(token)), 403, path)


def test_project_token_list_and_revoke(tenant: Tenant, client: TestClient) -> None:
    project = tenant.project()
    url = f"/api/projects/{project['_id']}/tokens"
    token = created(tenant, url, name="p")
    org_token = created(tenant, name="org")

    assert [t["_id"] for t in listed(tenant, url)] == [token["_id"]]
    # An org token is not this project's to revoke.
    assert_error(client.delete(f"{url}/{org_token['_id']}", headers=tenant.headers), 404)
    assert client.get(ME, headers=key_header(org_token)).status_code == 200

    assert client.delete(f"{url}/{token['_id']}", headers=tenant.headers).status_code == 204
    assert_error(client.get(ME, headers=key_header(token)), 401)
    assert listed(tenant, url) == []


def test_scopes_narrow_what_a_token_may_do(tenant: Tenant, client: TestClient) -> None:
    project = tenant.project()
    token = created(tenant, scopes=["keys:read"])
    headers = key_header(token)
    assert client.get(f"/api/projects/{project['_id']}/keys", headers=headers).status_code == 200

    response = client.post(f"/api/projects/{project['_id']}/keys", json={"key": "not allowed"}, headers=headers)

    assert_error(response, 403)


def test_tokens_of_a_removed_member_stop_working(tenant: Tenant, client: TestClient) -> None:
    admin = tenant.member("admin")
    minted = client.post(ORG_TOKENS, json={"name": "admin's CI", "role": "admin"}, headers=admin.headers)
    assert minted.status_code == 201
    removed = client.delete(f"/api/organizations/current/members/{admin.user_id}", headers=tenant.headers)
    assert removed.status_code == 204

    assert_error(client.get(ME, headers=admin.headers), 401)
    assert_error(client.get(ME, headers=key_header(minted.json())), 401)
