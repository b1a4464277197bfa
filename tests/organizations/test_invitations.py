"""Invitations through HTTP (docs/api-decisions.md, "Invitations"): an invitation lets its
invitee into the organization that sent it and nowhere else, reveals nothing about accounts
elsewhere, and makes nobody a member before it is accepted."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from entri.core.clock import utcnow
from entri.core.permissions import Role
from entri.organizations import service as orgs
from entri.organizations.models import Invitation
from tests.conftest import Tenant
from tests.errors import assert_error
from tests.organizations.helpers import (
    ACCEPT,
    INVITATIONS,
    INVITE,
    PASSWORD,
    accept,
    email_for,
    invite,
    invited,
    login,
    members,
)

INVITE_FIELDS = {"_id", "email", "name", "role", "invitedBy", "invitedAt", "expiresAt", "inviteUrl", "inviteToken"}
INVITATION_FIELDS = INVITE_FIELDS - {"inviteUrl", "inviteToken"}


def pending(tenant: Tenant) -> dict[str, dict[str, object]]:
    response = tenant.client.get(INVITATIONS, headers=tenant.headers)
    assert response.status_code == 200, response.text
    return {str(i["email"]): i for i in response.json()}


def expire(tenant: Tenant, invitation_id: object) -> None:
    with tenant.database.session(write=True) as session:
        session.execute(
            update(Invitation).where(Invitation.id == invitation_id).values(expires_at=utcnow() - timedelta(seconds=1))
        )
        session.commit()


# --- the takeover of issue 15 ---------------------------------------------------------------


def test_another_orgs_invitation_cannot_take_over_a_pending_invitee(
    tenant: Tenant, other_tenant: Tenant, client: TestClient
) -> None:
    """Org A invites newhire as admin; org B's admin invites the same address, accepts B's
    invitation with a password of their choosing and signs in asking for org A."""
    email = email_for(tenant, "newhire")
    from_a = invited(tenant, email, "admin", name="Nadia Newhire")

    from_b = invited(other_tenant, email, "viewer")
    assert "Nadia" not in json.dumps(from_b)  # nothing of what A wrote
    accepted = accept(client, from_b["inviteToken"], password="chosen by B's admin")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["organizationId"] == other_tenant.organization_id

    refused = login(client, email, "chosen by B's admin", organizationId=tenant.organization_id)
    assert_error(refused, 401, "/api/auth/login")
    assert "entri_session" not in refused.cookies
    signed_in = login(client, email, "chosen by B's admin")
    assert signed_in.json()["organizationId"] == other_tenant.organization_id
    assert signed_in.json()["role"] == "viewer"
    # Org A: no new member, its invitation still pending.
    assert all(m["email"] != email for m in members(tenant).values())
    assert pending(tenant)[email]["_id"] == from_a["_id"]
    # A's token cannot reset the password that now guards the account, nor join without it.
    assert_error(accept(client, from_a["inviteToken"], password="another password"), 401, ACCEPT)
    assert_error(login(client, email, "another password"), 401)
    assert all(m["email"] != email for m in members(tenant).values())


def test_inviting_an_existing_account_cannot_set_its_password(
    tenant: Tenant, other_tenant: Tenant, client: TestClient
) -> None:
    victim = other_tenant.member("admin")
    body = invited(tenant, victim.email, "viewer")

    assert_error(accept(client, body["inviteToken"], password="attacker chosen password"), 401, ACCEPT)

    assert login(client, victim.email, victim.password).status_code == 200
    assert_error(login(client, victim.email, "attacker chosen password"), 401)
    assert victim.user_id not in members(tenant)


# --- nothing leaks, nobody joins without accepting ------------------------------------------


def test_invite_answer_is_the_same_whoever_the_address_belongs_to(tenant: Tenant, other_tenant: Tenant) -> None:
    account_elsewhere = other_tenant.member("developer")
    invited_elsewhere = email_for(other_tenant, "pending-elsewhere")
    invited(other_tenant, invited_elsewhere, "admin", name="Name Given By Globex")
    unknown = email_for(tenant, "nobody-yet")
    addresses = [account_elsewhere.email, invited_elsewhere, unknown]

    responses = [invite(tenant, email, "reviewer") for email in addresses]

    assert [r.status_code for r in responses] == [201, 201, 201]
    bodies = [r.json() for r in responses]
    for email, body in zip(addresses, bodies, strict=True):
        assert set(body) == INVITE_FIELDS
        assert body["email"] == email
        assert body["name"] == email.split("@")[0]  # what the inviter sent (nothing): never a stored name
        assert body["role"] == "reviewer"
        assert body["invitedBy"] == tenant.owner.user_id
        assert str(body["_id"]).startswith("inv_")
        assert isinstance(body["inviteToken"], str) and len(body["inviteToken"]) >= 20
        assert str(body["inviteUrl"]).endswith(f"/invite/{body['inviteToken']}")
        assert account_elsewhere.user_id not in json.dumps(body)
        assert "Globex" not in json.dumps(body)
    per_call = {"_id", "email", "name", "invitedAt", "expiresAt", "inviteUrl", "inviteToken"}
    shapes = [{k: v for k, v in b.items() if k not in per_call} for b in bodies]
    assert shapes[0] == shapes[1] == shapes[2]


def test_invite_keeps_the_name_the_inviter_gave(tenant: Tenant) -> None:
    body = invited(tenant, email_for(tenant, "camille"), name="Camille Dubois")
    assert body["name"] == "Camille Dubois"


def test_an_invitation_makes_nobody_a_member(tenant: Tenant, other_tenant: Tenant, client: TestClient) -> None:
    elsewhere = other_tenant.member("translator")
    fresh = email_for(tenant, "fresh")

    invited(tenant, elsewhere.email, "admin")
    invited(tenant, fresh, "admin")

    assert {m["email"] for m in members(tenant).values()} == {tenant.owner.email}
    assert_error(login(client, elsewhere.email, elsewhere.password, organizationId=tenant.organization_id), 401)
    assert_error(login(client, fresh, PASSWORD), 401)
    assert set(pending(tenant)) == {elsewhere.email, fresh}


# --- legitimate flows -----------------------------------------------------------------------


def test_invited_user_accepts_then_logs_in(tenant: Tenant, client: TestClient) -> None:
    email = email_for(tenant, "bob")
    body = invited(tenant, email, "reviewer")
    assert_error(login(client, email, PASSWORD), 401)  # no account yet

    accepted = accept(client, body["inviteToken"], name="Bob Builder")

    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["email"] == email
    assert accepted.json()["role"] == "reviewer"
    assert accepted.json()["organizationId"] == tenant.organization_id
    assert accepted.json()["csrfToken"] is None  # accepting does not sign in
    session = login(client, email, PASSWORD)
    assert session.status_code == 200, session.text
    me = client.get("/api/auth/me").json()
    assert me["role"] == "reviewer"
    assert me["name"] == "Bob Builder"
    assert me["userId"] == accepted.json()["userId"]
    assert members(tenant)[str(me["userId"])]["role"] == "reviewer"
    assert email not in pending(tenant)


def test_new_account_takes_the_inviters_name_by_default(tenant: Tenant, client: TestClient) -> None:
    body = invited(tenant, email_for(tenant, "dana"), name="Dana Scully")
    accepted = accept(client, body["inviteToken"])
    assert accepted.json()["name"] == "Dana Scully"


def test_existing_account_joins_with_its_own_password(tenant: Tenant, other_tenant: Tenant, client: TestClient) -> None:
    person = other_tenant.member("developer")
    body = invited(tenant, person.email, "translator")

    accepted = accept(client, body["inviteToken"], password=person.password, name="Not My Name")

    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["userId"] == person.user_id
    assert accepted.json()["organizationId"] == tenant.organization_id
    assert accepted.json()["role"] == "translator"
    assert accepted.json()["name"] != "Not My Name"  # an existing account keeps its name
    assert members(tenant)[person.user_id]["role"] == "translator"
    assert members(other_tenant)[person.user_id]["role"] == "developer"  # nothing changed there
    here = login(client, person.email, person.password, organizationId=tenant.organization_id)
    assert here.json()["role"] == "translator"
    there = login(client, person.email, person.password, organizationId=other_tenant.organization_id)
    assert there.json()["role"] == "developer"


def test_wrong_password_for_an_existing_account_leaves_the_invitation_usable(
    tenant: Tenant, other_tenant: Tenant, client: TestClient
) -> None:
    person = other_tenant.member("viewer")
    body = invited(tenant, person.email, "viewer")

    assert_error(accept(client, body["inviteToken"], password="not it"), 401, ACCEPT)
    assert person.user_id not in members(tenant)

    assert accept(client, body["inviteToken"], password=person.password).status_code == 200
    assert person.user_id in members(tenant)


def test_invite_token_works_once(tenant: Tenant, client: TestClient) -> None:
    email = email_for(tenant, "once")
    body = invited(tenant, email)
    assert accept(client, body["inviteToken"]).status_code == 200

    assert_error(accept(client, body["inviteToken"], password="another password!"), 404, ACCEPT)
    # The second attempt did not change the password.
    assert login(client, email, PASSWORD).status_code == 200
    assert_error(login(client, email, "another password!"), 401)


def test_accept_with_unknown_token_or_short_password(tenant: Tenant, client: TestClient) -> None:
    body = invited(tenant, email_for(tenant, "short"))
    assert_error(accept(client, "not-a-real-invite-token"), 404, ACCEPT)
    result = assert_error(accept(client, body["inviteToken"], password="short"), 400, ACCEPT)
    assert any("password" in m for m in result["message"])  # type: ignore[union-attr]
    assert accept(client, body["inviteToken"]).status_code == 200  # still valid after the refusal


def test_expired_invitation_cannot_be_accepted_and_may_be_sent_again(tenant: Tenant, client: TestClient) -> None:
    email = email_for(tenant, "late")
    old = invited(tenant, email)
    expire(tenant, old["_id"])

    assert_error(accept(client, old["inviteToken"]), 404, ACCEPT)
    again = invited(tenant, email)

    assert again["_id"] != old["_id"]
    assert_error(accept(client, old["inviteToken"]), 404, ACCEPT)
    assert accept(client, again["inviteToken"]).status_code == 200


def test_accepting_when_already_a_member_is_409(tenant: Tenant, other_tenant: Tenant, client: TestClient) -> None:
    person = other_tenant.member("viewer")
    body = invited(tenant, person.email)
    with tenant.database.session(write=True) as session:  # joined meanwhile by another invitation
        orgs.add_member(session, organization_id=tenant.organization_id, user_id=person.user_id, role=Role.VIEWER)
        session.commit()

    assert_error(accept(client, body["inviteToken"], password=person.password), 409, ACCEPT)
    assert person.email not in pending(tenant)  # used up


# --- managing invitations -------------------------------------------------------------------


def test_duplicate_invite_is_409(tenant: Tenant) -> None:
    email = email_for(tenant, "dup")
    invited(tenant, email)

    assert_error(invite(tenant, email), 409, INVITE)
    assert_error(invite(tenant, email.upper(), "viewer"), 409, INVITE)


def test_inviting_an_existing_member_is_409(tenant: Tenant) -> None:
    viewer = tenant.member("viewer")
    assert_error(invite(tenant, viewer.email, "developer"), 409, INVITE)
    assert_error(invite(tenant, viewer.email.upper(), "developer"), 409, INVITE)
    assert members(tenant)[viewer.user_id]["role"] == "viewer"


def test_invitations_are_listed_and_revocable(tenant: Tenant, client: TestClient) -> None:
    email = email_for(tenant, "revoked")
    body = invited(tenant, email, "developer", name="Rita")

    listed = pending(tenant)[email]
    assert set(listed) == INVITATION_FIELDS
    assert listed == {k: v for k, v in body.items() if k in INVITATION_FIELDS}

    path = f"{INVITATIONS}/{body['_id']}"
    response = client.delete(path, headers=tenant.headers)

    assert response.status_code == 204
    assert response.content == b""
    assert email not in pending(tenant)
    assert_error(accept(client, body["inviteToken"]), 404, ACCEPT)
    assert_error(client.delete(path, headers=tenant.headers), 404, path)


def test_invitations_stay_in_their_organization(tenant: Tenant, other_tenant: Tenant, client: TestClient) -> None:
    email = email_for(other_tenant, "theirs")
    theirs = invited(other_tenant, email)

    assert email not in pending(tenant)
    path = f"{INVITATIONS}/{theirs['_id']}"
    assert_error(client.delete(path, headers=tenant.headers), 404, path)
    other = f"/api/organizations/{other_tenant.organization_id}/invitations"
    assert_error(client.get(other, headers=tenant.headers), 404, other)
    assert email in pending(other_tenant)


@pytest.mark.parametrize("role", ["developer", "translator", "reviewer", "viewer"])
def test_non_admins_cannot_invite_list_or_revoke(tenant: Tenant, client: TestClient, role: str) -> None:
    member = tenant.member(role)
    body = invited(tenant, email_for(tenant, f"for-{role}"))
    path = f"{INVITATIONS}/{body['_id']}"

    assert_error(invite(tenant, email_for(tenant, f"by-{role}"), "viewer", headers=member.headers), 403, INVITE)
    assert_error(client.get(INVITATIONS, headers=member.headers), 403, INVITATIONS)
    assert_error(client.delete(path, headers=member.headers), 403, path)
    assert set(pending(tenant)) == {email_for(tenant, f"for-{role}")}


def test_admin_can_invite_up_to_its_own_rank(tenant: Tenant) -> None:
    admin = tenant.member("admin")
    response = invite(tenant, email_for(tenant, "by-admin"), "admin", headers=admin.headers)
    assert response.status_code == 201, response.text


def test_nobody_can_invite_an_owner(tenant: Tenant) -> None:
    admin = tenant.member("admin")
    assert_error(invite(tenant, email_for(tenant, "o1"), "owner", headers=admin.headers), 400, INVITE)
    assert_error(invite(tenant, email_for(tenant, "o2"), "owner"), 400, INVITE)
    assert pending(tenant) == {}


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


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"password": PASSWORD}, "token"),
        ({"token": "x" * 20}, "password"),
        ({"token": "x" * 20, "password": PASSWORD, "role": "owner"}, "role"),
    ],
)
def test_accept_validates_its_body(client: TestClient, body: dict[str, object], field: str) -> None:
    result = assert_error(client.post(ACCEPT, json=body), 400, ACCEPT)
    assert any(field in m for m in result["message"]), result["message"]  # type: ignore[union-attr]
