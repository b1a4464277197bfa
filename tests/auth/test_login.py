"""Authentication through the real app: session cookie (spec §2.2) and API tokens (spec §2.1, §2.4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import update

from entri.auth.models import AuthSession
from entri.core.clock import utcnow
from entri.tokens.models import ApiToken
from tests.auth.browser import browser_login
from tests.conftest import Tenant
from tests.errors import assert_error

ME = "/api/auth/me"
COOKIE = "entri_session"


def login(client: TestClient, email: str, password: str, **extra: str) -> Response:
    return client.post("/api/auth/login", json={"email": email, "password": password, **extra})


def create_token(tenant: Tenant, **body: object) -> dict[str, object]:
    response = tenant.client.post(
        "/api/organizations/current/tokens", json={"name": "auth test", **body}, headers=tenant.headers
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


# --- session cookie --------------------------------------------------------------------------


def test_login_sets_http_only_session_cookie(tenant: Tenant, client: TestClient) -> None:
    response = login(client, tenant.owner.email, tenant.owner.password)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["userId"] == tenant.owner.user_id
    assert body["email"] == tenant.owner.email
    assert body["role"] == "owner"
    assert body["organizationId"] == tenant.organization_id
    assert isinstance(body["csrfToken"], str) and len(body["csrfToken"]) >= 32
    set_cookie = response.headers["set-cookie"]
    assert set_cookie.startswith(f"{COOKIE}=")
    assert "httponly" in set_cookie.lower()
    assert "samesite=lax" in set_cookie.lower()
    assert response.cookies[COOKIE]


def test_login_email_is_case_insensitive(tenant: Tenant, client: TestClient) -> None:
    response = login(client, tenant.owner.email.upper(), tenant.owner.password)
    assert response.status_code == 200, response.text
    assert response.json()["userId"] == tenant.owner.user_id


def test_me_works_with_the_cookie_alone(tenant: Tenant, client: TestClient) -> None:
    assert login(client, tenant.owner.email, tenant.owner.password).status_code == 200

    response = client.get(ME)  # no X-API-Key, no Authorization: only the cookie jar

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["userId"] == tenant.owner.user_id
    assert body["role"] == "owner"
    assert body["tokenId"] is None
    assert body["projectId"] is None


def test_session_cookie_reaches_org_routes(tenant: Tenant, client: TestClient) -> None:
    project = tenant.project(name="Cookie visible")
    assert login(client, tenant.owner.email, tenant.owner.password).status_code == 200

    response = client.get("/api/projects")

    assert response.status_code == 200, response.text
    assert [p["_id"] for p in response.json()["data"]] == [project["_id"]]


def test_session_role_is_the_members_role(tenant: Tenant, client: TestClient) -> None:
    viewer = tenant.member("viewer")
    csrf = browser_login(client, viewer.email, viewer.password)

    assert client.get(ME).json()["role"] == "viewer"
    denied = client.post("/api/projects", json={"name": "x", "sourceLanguage": "en"}, headers=csrf)
    body = assert_error(denied, 403, "/api/projects")
    assert "viewer" in str(body["message"])  # refused for the role, not for a missing CSRF token


def test_session_writes_within_the_role(tenant: Tenant, client: TestClient) -> None:
    csrf = browser_login(client, tenant.owner.email, tenant.owner.password)

    created = client.post("/api/projects", json={"name": "By cookie", "sourceLanguage": "en"}, headers=csrf)

    assert created.status_code == 201, created.text


@pytest.mark.parametrize("case", ["wrong password", "unknown email"])
def test_bad_credentials_are_401_with_one_message(tenant: Tenant, client: TestClient, case: str) -> None:
    email = tenant.owner.email if case == "wrong password" else f"nobody.{tenant.organization_id}@example.test"
    password = "not the password" if case == "wrong password" else tenant.owner.password

    response = login(client, email, password)

    body = assert_error(response, 401, "/api/auth/login")
    assert body["message"] == "Invalid email or password"
    assert COOKIE not in response.cookies


def test_login_into_an_org_the_user_is_not_in_is_401(tenant: Tenant, client: TestClient) -> None:
    response = login(client, tenant.owner.email, tenant.owner.password, organizationId="org_not_mine")
    assert_error(response, 401)
    assert COOKIE not in response.cookies


def test_login_validates_its_body(client: TestClient) -> None:
    response = client.post("/api/auth/login", json={"email": "a@b.c"})
    body = assert_error(response, 400)
    assert any("password" in m for m in body["message"])


def test_logout_ends_the_session(tenant: Tenant, client: TestClient) -> None:
    csrf = browser_login(client, tenant.owner.email, tenant.owner.password)
    cookie = client.cookies[COOKIE]
    assert client.get(ME).status_code == 200

    response = client.post("/api/auth/logout", headers=csrf)

    assert response.status_code == 204
    assert_error(client.get(ME), 401, ME)
    # The session is gone on the server too, not just from this cookie jar.
    client.cookies.set(COOKIE, cookie)
    assert_error(client.get(ME), 401, ME)


def test_logout_without_a_session_is_harmless(client: TestClient) -> None:
    assert client.post("/api/auth/logout").status_code == 204


def test_expired_session_is_401(tenant: Tenant, client: TestClient) -> None:
    assert login(client, tenant.owner.email, tenant.owner.password).status_code == 200
    with tenant.database.session(write=True) as session:
        session.execute(
            update(AuthSession)
            .where(AuthSession.user_id == tenant.owner.user_id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        session.commit()

    assert_error(client.get(ME), 401, ME)


def test_forged_session_cookie_is_401(client: TestClient) -> None:
    client.cookies.set(COOKIE, "forged-session-value")
    assert_error(client.get(ME), 401, ME)


def test_session_of_a_removed_member_is_401(tenant: Tenant, client: TestClient) -> None:
    translator = tenant.member("translator")
    assert login(client, translator.email, translator.password).status_code == 200
    removed = client.delete(f"/api/organizations/current/members/{translator.user_id}", headers=tenant.headers)
    assert removed.status_code == 204, removed.text

    assert_error(client.get(ME), 401, ME)


# --- API tokens ------------------------------------------------------------------------------


def test_x_api_key_header_authenticates(tenant: Tenant, client: TestClient) -> None:
    developer = tenant.member("developer")

    response = client.get(ME, headers=developer.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["userId"] == developer.user_id
    assert body["role"] == "developer"
    assert body["organizationId"] == tenant.organization_id
    assert body["tokenId"].startswith("tok_")


def test_bearer_authorization_is_accepted(tenant: Tenant, client: TestClient) -> None:
    developer = tenant.member("developer")

    response = client.get(ME, headers={"Authorization": f"Bearer {developer.token}"})

    assert response.status_code == 200, response.text
    assert response.json()["userId"] == developer.user_id


def test_bearer_scheme_is_case_insensitive(tenant: Tenant, client: TestClient) -> None:
    response = client.get(ME, headers={"Authorization": f"bearer {tenant.owner.token}"})
    assert response.status_code == 200, response.text


def test_missing_credentials_are_401(client: TestClient) -> None:
    body = assert_error(client.get(ME), 401, ME)
    assert body["error"] == "Unauthorized"
    assert isinstance(body["message"], str) and body["message"]


@pytest.mark.parametrize(
    "headers",
    [
        {"X-API-Key": "garbage"},
        {"X-API-Key": "entri_garbage"},
        {"X-API-Key": "entri_" + "a" * 500},
        {"Authorization": "Bearer entri_garbage"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
    ids=["no-prefix", "unknown", "too-long", "bearer-unknown", "bearer-empty", "basic"],
)
def test_garbage_credentials_are_401(client: TestClient, headers: dict[str, str]) -> None:
    assert_error(client.get(ME, headers=headers), 401, ME)


def test_bad_token_does_not_fall_back_to_the_cookie(tenant: Tenant, client: TestClient) -> None:
    assert login(client, tenant.owner.email, tenant.owner.password).status_code == 200
    assert_error(client.get(ME, headers={"X-API-Key": "entri_garbage"}), 401, ME)


def test_revoked_token_is_401(tenant: Tenant, client: TestClient) -> None:
    token = create_token(tenant)
    headers = {"X-API-Key": str(token["token"])}
    assert client.get(ME, headers=headers).status_code == 200

    revoked = client.delete(f"/api/organizations/current/tokens/{token['_id']}", headers=tenant.headers)

    assert revoked.status_code == 204
    assert_error(client.get(ME, headers=headers), 401, ME)
    assert_error(client.get(ME, headers={"Authorization": f"Bearer {token['token']}"}), 401, ME)


def test_expired_token_is_401(tenant: Tenant, client: TestClient) -> None:
    token = create_token(tenant, expiresAt=(utcnow() + timedelta(hours=1)).isoformat())
    headers = {"X-API-Key": str(token["token"])}
    assert client.get(ME, headers=headers).status_code == 200
    with tenant.database.session(write=True) as session:
        session.execute(
            update(ApiToken).where(ApiToken.id == token["_id"]).values(expires_at=utcnow() - timedelta(seconds=1))
        )
        session.commit()

    assert_error(client.get(ME, headers=headers), 401, ME)


def test_token_auth_works_under_v1_prefix(tenant: Tenant, client: TestClient) -> None:
    response = client.get("/api/v1/auth/me", headers=tenant.headers)
    assert response.status_code == 200, response.text
    assert response.json()["userId"] == tenant.owner.user_id
