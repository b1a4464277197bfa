"""Accepting an invitation from its URL, and changing one's password, through the web pages."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.conftest import Tenant
from tests.web.support import ORIGIN, sign_in


def _invite(tenant: Tenant, email: str, role: str = "translator") -> str:
    response = tenant.client.post(
        "/api/organizations/current/members/invite", json={"email": email, "role": role}, headers=tenant.headers
    )
    assert response.status_code == 201, response.text
    url = str(response.json()["inviteUrl"])
    return url.split("testserver", 1)[1]


def test_the_invitation_url_lands_on_a_page_that_creates_the_account_and_signs_in(
    tenant: Tenant, client: TestClient
) -> None:
    path = _invite(tenant, "camille.web@example.test")
    landing = client.get(path, follow_redirects=False)
    assert landing.status_code == 303
    form_url = landing.headers["location"]
    assert form_url.startswith("/app/invite/")
    form = client.get(form_url)
    assert form.status_code == 200 and "Accept and sign in" in form.text
    assert form.headers["referrer-policy"] == "no-referrer"
    evil = client.post(form_url, data={"password": "long enough pw"}, headers={"Origin": "http://evil.example"})
    assert evil.status_code == 403
    short = client.post(form_url, data={"password": "short"}, headers={"Origin": ORIGIN})
    assert short.status_code == 400 and "at least 8 characters" in short.text
    done = client.post(
        form_url,
        data={"password": "long enough pw", "name": "Camille"},
        headers={"Origin": ORIGIN},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/app"
    home = client.get("/app")
    assert "Camille" in home.text and "(translator)" in home.text
    members = tenant.client.get("/api/organizations/current/members", headers=tenant.headers).json()
    assert {"email": "camille.web@example.test", "role": "translator"}.items() <= next(
        m for m in members if m["email"] == "camille.web@example.test"
    ).items()
    again = client.post(form_url, data={"password": "long enough pw"}, headers={"Origin": ORIGIN})
    assert again.status_code == 404  # used up


def test_change_password_needs_csrf_and_the_current_password(tenant: Tenant, client: TestClient) -> None:
    member = tenant.member("translator")
    other = TestClient(client.app)
    sign_in(other, member)  # another browser: its session ends with the change
    headers = sign_in(client, member)
    assert "Change your password" in client.get("/app/account").text
    url = "/app/account/password"
    body = {"current": member.password, "new": "a brand new one", "confirm": "a brand new one"}
    assert client.post(url, data=body, headers={"Origin": ORIGIN}).status_code == 403  # no CSRF token
    wrong = client.post(url, data={**body, "current": "nope"}, headers=headers)
    assert wrong.status_code == 401 and "current password is wrong" in wrong.text
    differ = client.post(url, data={**body, "confirm": "something else"}, headers=headers)
    assert differ.status_code == 400
    short = client.post(url, data={**body, "new": "short", "confirm": "short"}, headers=headers)
    assert short.status_code == 400 and "at least 8" in short.text
    done = client.post(url, data=body, headers=headers)
    assert done.status_code == 200, done.text
    assert re.search(r"1 other session\(s\) signed out", done.text)
    assert client.get("/app", follow_redirects=False).status_code == 200  # this session stays
    assert other.get("/app", follow_redirects=False).status_code == 303  # the other one ended
    old = other.post(
        "/app/login", data={"email": member.email, "password": member.password}, headers={"Origin": ORIGIN}
    )
    assert old.status_code == 401
    member.password = "a brand new one"
    sign_in(other, member)
