"""Organization members through HTTP (spec §4.12, decisions.md 12, 15)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from entri.core.db import Database
from entri.core.permissions import Role
from entri.organizations import service as orgs
from tests.conftest import Tenant, _add_member

MEMBERS = "/api/organizations/current/members"
INVITE = f"{MEMBERS}/invite"
ERROR_KEYS = {"statusCode", "error", "message", "timestamp", "path"}
MEMBER_FIELDS = {"userId", "name", "email", "role", "joinedAt", "pending"}


def assert_error(response: Response, status: int, path: str | None = None) -> dict[str, object]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == ERROR_KEYS, body
    assert body["statusCode"] == status
    if path is not None:
        assert body["path"] == path
    return body  # type: ignore[no-any-return]


def email_for(tenant: Tenant, name: str) -> str:
    return f"{name}.{tenant.organization_id}@example.test"


def members(tenant: Tenant) -> dict[str, dict[str, object]]:
    response = tenant.client.get(MEMBERS, headers=tenant.headers)
    assert response.status_code == 200, response.text
    return {m["userId"]: m for m in response.json()}


def invite(tenant: Tenant, email: str, role: str = "translator", headers: dict[str, str] | None = None) -> Response:
    return tenant.client.post(INVITE, json={"email": email, "role": role}, headers=headers or tenant.headers)


def invited(tenant: Tenant, email: str, role: str = "translator") -> dict[str, object]:
    response = invite(tenant, email, role)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def accept(client: TestClient, token: object, password: str = "a long enough password", **extra: str) -> Response:
    return client.post("/api/auth/accept-invite", json={"token": token, "password": password, **extra})


def login(client: TestClient, email: str, password: str) -> Response:
    return client.post("/api/auth/login", json={"email": email, "password": password})


@pytest.fixture
def other_tenant(database: Database, app_client: TestClient) -> Tenant:
    """A second organization, to check that nothing crosses the org boundary."""
    with database.session(write=True) as session:
        org = orgs.create_organization(session, name="Globex")
        session.commit()
        org_id = org.id
    owner = _add_member(database, org_id, Role.OWNER)
    return Tenant(database=database, client=app_client, organization_id=org_id, owner=owner)


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
    assert by_id[tenant.owner.user_id]["pending"] is False
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


# --- invitations ----------------------------------------------------------------------------


def test_invite_returns_a_one_time_url_and_token(tenant: Tenant, client: TestClient) -> None:
    email = email_for(tenant, "alice")

    body = invited(tenant, email, "translator")

    assert set(body) == MEMBER_FIELDS | {"inviteUrl", "inviteToken"}
    assert body["email"] == email
    assert body["role"] == "translator"
    assert body["pending"] is True
    assert isinstance(body["inviteToken"], str) and len(body["inviteToken"]) >= 20
    assert str(body["inviteUrl"]).endswith(f"/invite/{body['inviteToken']}")
    assert members(tenant)[str(body["userId"])]["pending"] is True


def test_invited_user_accepts_then_logs_in(tenant: Tenant, client: TestClient) -> None:
    email = email_for(tenant, "bob")
    body = invited(tenant, email, "reviewer")
    assert_error(login(client, email, "a long enough password"), 401)  # no password yet

    accepted = accept(client, body["inviteToken"], name="Bob Builder")

    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["userId"] == body["userId"]
    assert accepted.json()["role"] == "reviewer"
    assert accepted.json()["organizationId"] == tenant.organization_id
    session = login(client, email, "a long enough password")
    assert session.status_code == 200, session.text
    me = client.get("/api/auth/me")
    assert me.json()["role"] == "reviewer"
    assert me.json()["name"] == "Bob Builder"
    assert members(tenant)[str(body["userId"])]["pending"] is False


def test_invite_token_works_once(tenant: Tenant, client: TestClient) -> None:
    body = invited(tenant, email_for(tenant, "once"))
    assert accept(client, body["inviteToken"]).status_code == 200

    assert_error(accept(client, body["inviteToken"], password="another password!"), 404)
    # The second attempt did not change the password.
    assert login(client, email_for(tenant, "once"), "a long enough password").status_code == 200


def test_accept_with_unknown_token_or_short_password(tenant: Tenant, client: TestClient) -> None:
    body = invited(tenant, email_for(tenant, "short"))
    assert_error(accept(client, "not-a-real-invite-token"), 404, "/api/auth/accept-invite")
    result = assert_error(accept(client, body["inviteToken"], password="short"), 400)
    assert any("password" in m for m in result["message"])  # type: ignore[union-attr]


def test_duplicate_invite_is_409(tenant: Tenant, client: TestClient) -> None:
    email = email_for(tenant, "dup")
    invited(tenant, email)

    assert_error(invite(tenant, email), 409, INVITE)
    assert_error(invite(tenant, email.upper(), "viewer"), 409, INVITE)


def test_inviting_an_existing_member_is_409(tenant: Tenant, client: TestClient) -> None:
    viewer = tenant.member("viewer")
    assert_error(invite(tenant, viewer.email, "developer"), 409, INVITE)
    assert members(tenant)[viewer.user_id]["role"] == "viewer"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email", "role": "viewer"}, "email"),
        ({"email": "x@example.test", "role": "superuser"}, "role"),
        ({"email": "x@example.test"}, "role"),
        ({"email": "x@example.test", "role": "viewer", "admin": True}, "admin"),
    ],
)
def test_invite_validates_its_body(tenant: Tenant, client: TestClient, body: dict[str, object], field: str) -> None:
    result = assert_error(client.post(INVITE, json=body, headers=tenant.headers), 400, INVITE)
    assert any(field in m for m in result["message"]), result["message"]  # type: ignore[union-attr]


@pytest.mark.parametrize("role", ["developer", "translator", "reviewer", "viewer"])
def test_non_admins_cannot_invite(tenant: Tenant, client: TestClient, role: str) -> None:
    member = tenant.member(role)
    response = invite(tenant, email_for(tenant, f"by-{role}"), "viewer", headers=member.headers)
    assert_error(response, 403, INVITE)
    assert all(m["email"] != email_for(tenant, f"by-{role}") for m in members(tenant).values())


def test_admin_can_invite(tenant: Tenant, client: TestClient) -> None:
    admin = tenant.member("admin")
    response = invite(tenant, email_for(tenant, "by-admin"), "developer", headers=admin.headers)
    assert response.status_code == 201, response.text


def test_nobody_can_invite_an_owner(tenant: Tenant, client: TestClient) -> None:
    admin = tenant.member("admin")
    assert_error(invite(tenant, email_for(tenant, "o1"), "owner", headers=admin.headers), 400, INVITE)
    assert_error(invite(tenant, email_for(tenant, "o2"), "owner"), 400, INVITE)


def test_invite_cannot_take_over_an_existing_account(tenant: Tenant, other_tenant: Tenant, client: TestClient) -> None:
    victim = other_tenant.member("admin")
    body = invite(tenant, victim.email, "viewer")
    if body.status_code == 201:
        accept(client, body.json()["inviteToken"], password="attacker chosen password")

    assert login(client, victim.email, victim.password).status_code == 200
    assert_error(login(client, victim.email, "attacker chosen password"), 401)


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
