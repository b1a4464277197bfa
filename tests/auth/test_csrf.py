"""CSRF defence of cookie sessions through real HTTP (docs/api-decisions.md, "CSRF")."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from entri.app import create_app
from entri.core.config import Settings
from entri.core.db import Database
from tests.auth.browser import ORIGIN, browser_login
from tests.conftest import Tenant

ME = "/api/auth/me"
COOKIE = "entri_session"
EVIL = "http://evil.example"
SIBLING = "http://attacker.testserver"  # same site as a real deployment's sibling subdomain
OTHER_PORT = "http://testserver:8081"


@dataclass
class Editor:
    """The owner signed in through the browser, and a French translation with two versions."""

    tenant: Tenant
    client: TestClient
    csrf: dict[str, str]
    base: str

    @property
    def key(self) -> str:
        return self.base.rsplit("/translations/", 1)[0]

    def value(self) -> object:
        response = self.client.get(f"{self.key}/translations", headers=self.tenant.headers)
        assert response.status_code == 200, response.text
        return next(t["value"] for t in response.json()["translations"] if t["language"] == "fr")


@pytest.fixture
def editor(tenant: Tenant, client: TestClient) -> Editor:
    project = tenant.project(name="CSRF")
    key = client.post(f"/api/projects/{project['_id']}/keys", json={"key": "greeting"}, headers=tenant.headers)
    assert key.status_code == 201, key.text
    base = f"/api/projects/{project['_id']}/keys/{key.json()['_id']}/translations/fr"
    for value in ("Bonjour", "Salut"):
        assert client.put(base, json={"value": value}, headers=tenant.headers).status_code == 200
    csrf = browser_login(client, tenant.owner.email, tenant.owner.password)
    return Editor(tenant=tenant, client=client, csrf=csrf, base=base)


def assert_refused(response: Response, path: str | None = None) -> str:
    assert response.status_code == 403, response.text
    body = response.json()
    assert body["statusCode"] == 403
    if path is not None:
        assert body["path"] == path
    return str(body["message"])


# --- the attack of issue 15 -----------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": EVIL},
        {"Origin": EVIL, "Sec-Fetch-Site": "cross-site"},
        {"Origin": SIBLING, "Sec-Fetch-Site": "same-site"},
        {"Origin": OTHER_PORT},
        {"Origin": "null"},
        {"Referer": f"{EVIL}/page.html"},
        {"Sec-Fetch-Site": "cross-site"},
        {},
    ],
    ids=["evil", "evil-fetch-metadata", "sibling", "other-port", "null", "evil-referer", "no-origin-cross", "none"],
)
def test_bodyless_revert_from_another_origin_is_refused(editor: Editor, headers: dict[str, str]) -> None:
    path = f"{editor.base}/revert"

    response = editor.client.post(path, headers=headers)

    assert "origin" in assert_refused(response, path).lower()
    assert editor.value() == "Salut"


def test_the_csrf_token_does_not_help_another_origin(editor: Editor) -> None:
    """A token that leaked is still no way in from another origin."""
    response = editor.client.post(f"{editor.base}/revert", headers={**editor.csrf, "Origin": EVIL})
    assert_refused(response)
    assert editor.value() == "Salut"


@pytest.mark.parametrize("token", [None, "", "0" * 64, "not-the-token"], ids=["missing", "empty", "zeros", "wrong"])
def test_own_origin_without_the_right_token_is_refused(editor: Editor, token: str | None) -> None:
    headers = {"Origin": ORIGIN} | ({"X-CSRF-Token": token} if token is not None else {})

    response = editor.client.post(f"{editor.base}/revert", headers=headers)

    assert "X-CSRF-Token" in assert_refused(response)
    assert editor.value() == "Salut"


def test_another_sessions_token_is_refused(editor: Editor) -> None:
    with TestClient(editor.client.app) as other_browser:
        other = browser_login(other_browser, editor.tenant.owner.email, editor.tenant.owner.password)
    assert other["X-CSRF-Token"] != editor.csrf["X-CSRF-Token"]

    assert_refused(editor.client.post(f"{editor.base}/revert", headers=other))
    assert editor.value() == "Salut"


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [("PUT", "", {"value": "Coucou"}), ("PATCH", "/status", {"status": "reviewed"}), ("DELETE", "", None)],
)
def test_every_write_method_is_covered(editor: Editor, method: str, suffix: str, body: object) -> None:
    path = editor.base + suffix if method != "DELETE" else editor.key

    response = editor.client.request(method, path, json=body, headers={"Origin": EVIL})

    assert_refused(response)
    assert editor.value() == "Salut"


# --- what a page of this server does --------------------------------------------------------


def test_own_origin_with_the_token_writes(editor: Editor) -> None:
    response = editor.client.post(f"{editor.base}/revert", headers=editor.csrf)

    assert response.status_code == 200, response.text
    assert editor.value() == "Bonjour"


@pytest.mark.parametrize(
    "origin_headers",
    [
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "same-origin", "Origin": ORIGIN},
        {"Referer": f"{ORIGIN}/projects/editor"},
    ],
    ids=["fetch-metadata", "both", "referer"],
)
def test_other_proofs_of_own_origin_are_accepted(editor: Editor, origin_headers: dict[str, str]) -> None:
    headers = {"X-CSRF-Token": editor.csrf["X-CSRF-Token"], **origin_headers}

    response = editor.client.post(f"{editor.base}/revert", headers=headers)

    assert response.status_code == 200, response.text


def test_me_returns_the_sessions_token(editor: Editor) -> None:
    me = editor.client.get(ME)
    assert me.json()["csrfToken"] == editor.csrf["X-CSRF-Token"]


def test_reads_need_no_token(editor: Editor) -> None:
    """A read changes nothing, and another origin cannot see the answer (no CORS)."""
    assert editor.client.get(f"{editor.key}/translations", headers={"Origin": EVIL}).status_code == 200


# --- API tokens are unaffected --------------------------------------------------------------


@pytest.mark.parametrize("header", ["X-API-Key", "Authorization"])
def test_token_calls_need_no_csrf_check(editor: Editor, header: str) -> None:
    token = editor.tenant.owner.token
    value = token if header == "X-API-Key" else f"Bearer {token}"
    editor.client.cookies.clear()

    response = editor.client.post(f"{editor.base}/revert", headers={header: value, "Origin": EVIL})

    assert response.status_code == 200, response.text
    assert editor.client.get(ME, headers={header: value}).json()["csrfToken"] is None


def test_a_token_next_to_the_cookie_is_what_authenticates(editor: Editor) -> None:
    response = editor.client.post(f"{editor.base}/revert", headers={**editor.tenant.headers, "Origin": EVIL})
    assert response.status_code == 200, response.text


# --- sign-in, sign-out and invitations ------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{"Origin": EVIL}, {"Origin": SIBLING}, {"Sec-Fetch-Site": "cross-site"}, {"Referer": f"{EVIL}/x"}],
    ids=["evil", "sibling", "fetch-metadata", "referer"],
)
def test_login_from_another_origin_is_refused(tenant: Tenant, client: TestClient, headers: dict[str, str]) -> None:
    """Login CSRF: another origin must not sign the visitor's browser into its own account."""
    body = {"email": tenant.owner.email, "password": tenant.owner.password}

    response = client.post("/api/auth/login", json=body, headers=headers)

    assert_refused(response, "/api/auth/login")
    assert COOKIE not in response.cookies
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize("headers", [{}, {"Origin": ORIGIN}, {"Sec-Fetch-Site": "same-origin"}])
def test_login_from_own_pages_or_a_script_works(tenant: Tenant, client: TestClient, headers: dict[str, str]) -> None:
    body = {"email": tenant.owner.email, "password": tenant.owner.password}
    response = client.post("/api/auth/login", json=body, headers=headers)
    assert response.status_code == 200, response.text


def test_accept_invite_from_another_origin_is_refused(tenant: Tenant, client: TestClient) -> None:
    email = f"csrf-invitee.{tenant.organization_id}@example.test"
    invitation = client.post(
        "/api/organizations/current/members/invite", json={"email": email, "role": "viewer"}, headers=tenant.headers
    ).json()
    body = {"token": invitation["inviteToken"], "password": "a long enough password"}

    assert_refused(client.post("/api/auth/accept-invite", json=body, headers={"Origin": EVIL}))
    assert client.post("/api/auth/accept-invite", json=body, headers={"Origin": ORIGIN}).status_code == 200


def test_logout_from_another_origin_is_refused(editor: Editor) -> None:
    assert_refused(editor.client.post("/api/auth/logout", headers={"Origin": EVIL}))
    assert editor.client.get(ME).status_code == 200  # still signed in

    assert editor.client.post("/api/auth/logout", headers=editor.csrf).status_code == 204
    assert editor.client.get(ME).status_code == 401


# --- deployment settings --------------------------------------------------------------------


@pytest.fixture
def deployed(database: Database, tmp_path: Path) -> Iterator[TestClient]:
    """Behind a TLS proxy at https://tms.example.com that passes its own Host upstream."""
    settings = Settings(data_dir=tmp_path, public_url="https://tms.example.com/", cookie_secure=True)
    with TestClient(create_app(database, settings), base_url="https://internal:8080") as client:
        yield client


def test_public_url_is_this_servers_origin(tenant: Tenant, editor: Editor, deployed: TestClient) -> None:
    login = deployed.post(
        "/api/auth/login",
        json={"email": tenant.owner.email, "password": tenant.owner.password},
        headers={"Origin": "https://tms.example.com"},
    )
    assert login.status_code == 200, login.text
    set_cookie = login.headers["set-cookie"]
    assert set_cookie.startswith("__Host-entri_session=")
    assert "secure" in set_cookie.lower()
    csrf = login.json()["csrfToken"]
    path = f"{editor.base}/revert"

    assert_refused(deployed.post(path, headers={"Origin": "http://tms.example.com", "X-CSRF-Token": csrf}))
    assert_refused(deployed.post(path, headers={"Origin": "https://evil.example.com", "X-CSRF-Token": csrf}))
    ok = deployed.post(path, headers={"Origin": "https://tms.example.com", "X-CSRF-Token": csrf})
    assert ok.status_code == 200, ok.text


def test_secure_deployment_ignores_a_plain_cookie(tenant: Tenant, editor: Editor, deployed: TestClient) -> None:
    """Over HTTPS only the `__Host-` cookie counts: a sibling subdomain can set `entri_session`
    for the whole domain, never `__Host-entri_session`."""
    plain = editor.client.cookies[COOKIE]
    deployed.cookies.set(COOKIE, plain)

    assert deployed.get(ME).status_code == 401
