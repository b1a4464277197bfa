"""Transfer of ownership (owner only; the target must be a member; the old owner becomes an
admin) and the one-time invitation URL."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from entri.app import create_app
from entri.core import events
from entri.core.config import Settings
from entri.core.db import Database
from tests.auth.browser import browser_login
from tests.conftest import GENEROUS_RATE_LIMITS, Tenant
from tests.errors import assert_error
from tests.organizations.helpers import INVITE, members

TRANSFER = "/api/organizations/current/transfer-ownership"


@pytest.fixture
def published() -> Iterator[list[events.Event]]:
    seen: list[events.Event] = []

    def listen(_session: Session, batch: Sequence[events.Event]) -> None:
        seen.extend(batch)

    events.subscribe(listen)
    try:
        yield seen
    finally:
        events.unsubscribe(listen)


def test_the_owner_hands_over_and_becomes_an_admin(
    tenant: Tenant, client: TestClient, published: list[events.Event]
) -> None:
    developer = tenant.member("developer")
    headers = browser_login(client, tenant.owner.email, tenant.owner.password)

    response = client.post(TRANSFER, json={"userId": developer.user_id}, headers=headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["owner"]["userId"], body["owner"]["role"]) == (developer.user_id, "owner")
    assert (body["previousOwner"]["userId"], body["previousOwner"]["role"]) == (tenant.owner.user_id, "admin")
    roles = {user_id: m["role"] for user_id, m in members(tenant).items()}
    assert roles == {developer.user_id: "owner", tenant.owner.user_id: "admin"}
    changes = [(e.name, e.target_id, e.data["role"]) for e in published]
    assert changes == [
        ("member.role_changed", developer.user_id, "owner"),
        ("member.role_changed", tenant.owner.user_id, "admin"),
    ]
    # No longer the owner: cannot hand it over again, nor take it back.
    again = client.post(TRANSFER, json={"userId": tenant.owner.user_id}, headers=headers)
    assert_error(again, 403)
    # The new owner can.
    client.cookies.clear()
    headers = browser_login(client, developer.email, developer.password)
    back = client.post(TRANSFER, json={"userId": tenant.owner.user_id}, headers=headers)
    assert back.status_code == 200, back.text
    assert members(tenant)[tenant.owner.user_id]["role"] == "owner"


def test_only_the_owner_may_transfer(tenant: Tenant, client: TestClient) -> None:
    admin = tenant.member("admin")
    developer = tenant.member("developer")
    # Tokens never carry the owner role, not even the owner's own.
    assert_error(client.post(TRANSFER, json={"userId": developer.user_id}, headers=tenant.headers), 403)
    assert_error(client.post(TRANSFER, json={"userId": developer.user_id}, headers=admin.headers), 403)
    headers = browser_login(client, admin.email, admin.password)
    assert_error(client.post(TRANSFER, json={"userId": developer.user_id}, headers=headers), 403)
    assert members(tenant)[tenant.owner.user_id]["role"] == "owner"


def test_the_target_must_be_another_member(tenant: Tenant, other_tenant: Tenant, client: TestClient) -> None:
    outsider = other_tenant.member("developer")
    headers = browser_login(client, tenant.owner.email, tenant.owner.password)
    for user_id in (outsider.user_id, "user_doesnotexist"):
        body = assert_error(client.post(TRANSFER, json={"userId": user_id}, headers=headers), 400)
        assert body["message"] == [f"userId: '{user_id}' is not a member of this organization"]
    body = assert_error(client.post(TRANSFER, json={"userId": tenant.owner.user_id}, headers=headers), 400)
    assert "already own" in str(body["message"])
    assert_error(client.post(TRANSFER, json={}, headers=headers), 400)
    assert members(tenant)[tenant.owner.user_id]["role"] == "owner"
    assert members(other_tenant)[outsider.user_id]["role"] == "developer"


def test_the_invite_url_uses_the_public_url_or_the_request(tenant: Tenant, database: Database, tmp_path: Path) -> None:
    response = tenant.client.post(INVITE, json={"email": "a@example.test", "role": "viewer"}, headers=tenant.headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["inviteUrl"] == f"http://testserver/invite/{body['inviteToken']}"
    settings = Settings(data_dir=tmp_path, public_url="https://tms.example.com/", **GENEROUS_RATE_LIMITS)
    with TestClient(create_app(database, settings), base_url="http://internal:8080") as other:
        response = other.post(INVITE, json={"email": "b@example.test", "role": "viewer"}, headers=tenant.headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["inviteUrl"] == f"https://tms.example.com/invite/{body['inviteToken']}"
