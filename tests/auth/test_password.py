"""`POST /api/auth/password`: a signed-in user changes their password with the current one."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.auth.browser import ORIGIN, browser_login
from tests.conftest import Tenant

NEW = "a new and longer password"


def test_change_password_with_the_current_one(tenant: Tenant, client: TestClient) -> None:
    owner = tenant.owner
    headers = browser_login(client, owner.email, owner.password)
    other = TestClient(client.app)
    browser_login(other, owner.email, owner.password)  # a second browser of the same account
    wrong = client.post("/api/auth/password", json={"currentPassword": "nope", "newPassword": NEW}, headers=headers)
    assert wrong.status_code == 401, wrong.text
    short = client.post(
        "/api/auth/password", json={"currentPassword": owner.password, "newPassword": "short"}, headers=headers
    )
    assert short.status_code == 400 and "at least 8" in short.text
    no_csrf = client.post(
        "/api/auth/password", json={"currentPassword": owner.password, "newPassword": NEW}, headers={"Origin": ORIGIN}
    )
    assert no_csrf.status_code == 403, no_csrf.text
    body = {"currentPassword": owner.password, "newPassword": NEW}
    ok = client.post("/api/auth/password", json=body, headers=headers)
    assert ok.status_code == 204, ok.text
    assert client.get("/api/auth/me").status_code == 200  # this session stays
    assert other.get("/api/auth/me").status_code == 401  # the other one ended
    old_login = {"email": owner.email, "password": owner.password}
    old = client.post("/api/auth/login", json=old_login, headers={"Origin": ORIGIN})
    assert old.status_code == 401
    browser_login(TestClient(client.app), owner.email, NEW)


def test_api_tokens_cannot_change_a_password(tenant: Tenant, client: TestClient) -> None:
    body = {"currentPassword": tenant.owner.password, "newPassword": NEW}
    response = client.post("/api/auth/password", json=body, headers=tenant.headers)
    assert response.status_code == 403 and "API tokens" in response.text
