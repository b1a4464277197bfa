"""Organization members through HTTP: listing, role changes, removal (docs/permissions.md).
Invitations are in test_invitations.py."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Tenant
from tests.errors import assert_error
from tests.organizations.helpers import MEMBERS, login, members

MEMBER_FIELDS = {"userId", "name", "email", "role", "joinedAt"}


# --- listing --------------------------------------------------------------------------------


def test_list_members_is_a_plain_array(tenant: Tenant, client: TestClient) -> None:
    translator = tenant.member("translator")

    response = client.get(MEMBERS, headers=tenant.headers)

    assert response.status_code == 200, response.text
    items = response.json()
    assert isinstance(items, list)
    assert all(set(m) == MEMBER_FIELDS for m in items)
    by_id = {m["userId"]: m for m in items}
    assert set(by_id) == {tenant.owner.user_id, translator.user_id}
    assert by_id[tenant.owner.user_id]["role"] == "owner"
    assert by_id[tenant.owner.user_id]["email"] == tenant.owner.email
    assert by_id[translator.user_id]["role"] == "translator"


@pytest.mark.parametrize("org_ref", ["current", "own-id"])
def test_org_id_may_be_current_or_own_id(tenant: Tenant, client: TestClient, org_ref: str) -> None:
    org_id = tenant.organization_id if org_ref == "own-id" else "current"

    org = client.get(f"/api/organizations/{org_id}", headers=tenant.headers)
    listing = client.get(f"/api/organizations/{org_id}/members", headers=tenant.headers)

    assert org.status_code == 200, org.text
    assert org.json()["_id"] == tenant.organization_id
    assert listing.status_code == 200
    assert [m["userId"] for m in listing.json()] == [tenant.owner.user_id]


def test_another_orgs_routes_are_404(tenant: Tenant, other_tenant: Tenant, client: TestClient) -> None:
    base = f"/api/organizations/{other_tenant.organization_id}"
    victim = other_tenant.member("viewer")
    headers = tenant.headers

    assert_error(client.get(base, headers=headers), 404, base)
    assert_error(client.get(f"{base}/members", headers=headers), 404, f"{base}/members")
    invite_body = {"email": "x@example.test", "role": "viewer"}
    assert_error(client.post(f"{base}/members/invite", json=invite_body, headers=headers), 404)
    assert_error(client.patch(f"{base}/members/{victim.user_id}", json={"role": "admin"}, headers=headers), 404)
    assert_error(client.delete(f"{base}/members/{victim.user_id}", headers=headers), 404)
    assert_error(client.get("/api/organizations/org_doesnotexist/members", headers=headers), 404)
    # Nothing changed on the other side.
    assert members(other_tenant)[victim.user_id]["role"] == "viewer"


def test_another_orgs_member_cannot_be_reached_through_current(
    tenant: Tenant, other_tenant: Tenant, client: TestClient
) -> None:
    victim = other_tenant.member("viewer")

    assert_error(client.patch(f"{MEMBERS}/{victim.user_id}", json={"role": "admin"}, headers=tenant.headers), 404)
    assert_error(client.delete(f"{MEMBERS}/{victim.user_id}", headers=tenant.headers), 404)
    assert members(other_tenant)[victim.user_id]["role"] == "viewer"


# --- role changes and removal ---------------------------------------------------------------


def test_change_role(tenant: Tenant, client: TestClient) -> None:
    translator = tenant.member("translator")

    response = client.patch(f"{MEMBERS}/{translator.user_id}", json={"role": "reviewer"}, headers=tenant.headers)

    assert response.status_code == 200, response.text
    assert set(response.json()) == MEMBER_FIELDS
    assert response.json()["role"] == "reviewer"
    assert members(tenant)[translator.user_id]["role"] == "reviewer"
    # A new session of that user carries the new role.
    assert login(client, translator.email, translator.password).json()["role"] == "reviewer"


def test_change_role_validates(tenant: Tenant, client: TestClient) -> None:
    translator = tenant.member("translator")
    path = f"{MEMBERS}/{translator.user_id}"
    assert_error(client.patch(path, json={"role": "boss"}, headers=tenant.headers), 400, path)
    assert_error(client.patch(path, json={}, headers=tenant.headers), 400, path)
    assert_error(client.patch(f"{MEMBERS}/user_nobody", json={"role": "viewer"}, headers=tenant.headers), 404)


def test_remove_member(tenant: Tenant, client: TestClient) -> None:
    developer = tenant.member("developer")
    path = f"{MEMBERS}/{developer.user_id}"

    response = client.delete(path, headers=tenant.headers)

    assert response.status_code == 204
    assert response.content == b""
    assert developer.user_id not in members(tenant)
    assert_error(client.delete(path, headers=tenant.headers), 404, path)
    assert_error(login(client, developer.email, developer.password), 401)


@pytest.mark.parametrize("actor", ["owner", "admin"])
def test_owner_cannot_be_removed_or_demoted(tenant: Tenant, client: TestClient, actor: str) -> None:
    headers = tenant.headers if actor == "owner" else tenant.member("admin").headers
    path = f"{MEMBERS}/{tenant.owner.user_id}"

    assert_error(client.patch(path, json={"role": "admin"}, headers=headers), 403, path)
    assert_error(client.delete(path, headers=headers), 403, path)
    assert members(tenant)[tenant.owner.user_id]["role"] == "owner"


def test_admin_cannot_grant_owner(tenant: Tenant, client: TestClient) -> None:
    admin = tenant.member("admin")
    developer = tenant.member("developer")
    path = f"{MEMBERS}/{developer.user_id}"

    assert_error(client.patch(path, json={"role": "owner"}, headers=admin.headers), 403, path)
    assert members(tenant)[developer.user_id]["role"] == "developer"


@pytest.mark.parametrize("role", ["developer", "translator", "reviewer", "viewer"])
def test_non_admins_cannot_change_roles_or_remove(tenant: Tenant, client: TestClient, role: str) -> None:
    member = tenant.member(role)
    target = tenant.member("viewer" if role != "viewer" else "reviewer")
    path = f"{MEMBERS}/{target.user_id}"

    assert_error(client.patch(path, json={"role": "admin"}, headers=member.headers), 403, path)
    assert_error(client.patch(f"{MEMBERS}/{member.user_id}", json={"role": "admin"}, headers=member.headers), 403)
    assert_error(client.delete(path, headers=member.headers), 403, path)
    assert target.user_id in members(tenant)
    assert members(tenant)[member.user_id]["role"] == role
