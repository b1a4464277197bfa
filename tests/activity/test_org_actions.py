"""Organization-level changes (tokens, members, invitations, settings, glossaries, the memory)
each leave one entry in the organization's feed, with no project."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from entri.memory.models import TmEntry
from tests.activity.helpers import actions, add_key, one, org_feed, project, project_feed, stored_count
from tests.conftest import Tenant
from tests.errors import assert_error
from tests.glossary.helpers import add_term, base, make_glossary
from tests.organizations.helpers import INVITATIONS, MEMBERS, accept, email_for, invited


def test_tokens(tenant: Tenant) -> None:
    client, headers = tenant.client, tenant.headers
    body = {"name": "ci", "role": "developer", "scopes": ["keys:write"]}
    r = client.post("/api/organizations/current/tokens", json=body, headers=headers)
    assert r.status_code == 201, r.text
    token_id, secret = r.json()["_id"], r.json()["token"]
    created = one(org_feed(tenant), "token.created")
    assert (created["targetType"], created["targetId"], created["projectId"]) == ("token", token_id, None)
    meta = created["metadata"]
    assert (meta["tokenId"], meta["name"], meta["role"], meta["scopes"]) == (
        token_id,
        "ci",
        "developer",
        ["keys:write"],
    )
    assert secret not in str(created)

    # A change made with the new token names it.
    pid = project(tenant)
    r = client.post(f"/api/projects/{pid}/keys", json={"key": "by-ci"}, headers={"X-API-Key": secret})
    assert r.status_code == 201, r.text
    by_token = one(project_feed(tenant, pid), "key.created")
    assert by_token["tokenId"] == token_id and by_token["userId"] == tenant.owner.user_id
    assert by_token["userName"].endswith("(token: ci)")

    assert client.delete(f"/api/organizations/current/tokens/{token_id}", headers=headers).status_code == 204
    revoked = one(org_feed(tenant), "token.revoked")
    assert (revoked["targetId"], revoked["metadata"]["name"]) == (token_id, "ci")

    r = client.post(f"/api/projects/{pid}/tokens", json={"name": "deploy"}, headers=headers)
    assert r.status_code == 201, r.text
    project_token = one(project_feed(tenant, pid), "token.created")
    assert project_token["projectId"] == pid and project_token["metadata"]["projectId"] == pid


def test_members_and_invitations(tenant: Tenant) -> None:
    client, headers = tenant.client, tenant.headers
    email = email_for(tenant, "nina")
    invitation = invited(tenant, email, "translator", name="Nina")
    entry = one(org_feed(tenant), "member.invited")
    assert (entry["targetType"], entry["targetId"]) == ("invitation", invitation["_id"])
    assert entry["metadata"] == {
        "organizationId": tenant.organization_id,
        "invitationId": invitation["_id"],
        "name": "Nina",
        "role": "translator",
    }
    assert email not in str(entry)  # every member reads the feed; only member managers see addresses

    r = accept(client, invitation["inviteToken"])
    assert r.status_code in (200, 201), r.text
    client.cookies.clear()
    joined = one(org_feed(tenant), "member.joined")
    user_id = joined["targetId"]
    assert joined["userId"] == user_id and joined["userName"] == "Nina" and joined["tokenId"] is None
    assert joined["metadata"]["role"] == "translator"

    r = client.patch(f"{MEMBERS}/{user_id}", json={"role": "reviewer"}, headers=headers)
    assert r.status_code == 200, r.text
    changed = one(org_feed(tenant), "member.role_changed")
    assert (changed["targetType"], changed["targetId"]) == ("member", user_id)
    assert (changed["metadata"]["previousRole"], changed["metadata"]["role"]) == ("translator", "reviewer")

    assert client.delete(f"{MEMBERS}/{user_id}", headers=headers).status_code == 204
    removed = one(org_feed(tenant), "member.removed")
    assert (removed["targetId"], removed["metadata"]["role"], removed["metadata"]["name"]) == (
        user_id,
        "reviewer",
        "Nina",
    )

    other = invited(tenant, email_for(tenant, "otto"), "viewer")
    assert client.delete(f"{INVITATIONS}/{other['_id']}", headers=headers).status_code == 204
    assert one(org_feed(tenant), "member.invitation_revoked")["targetId"] == other["_id"]
    # Refused: a second live invitation, the owner's removal. Nothing is recorded.
    invited(tenant, email_for(tenant, "paula"), "viewer")
    before = stored_count(tenant)
    assert_error(
        client.post(f"{MEMBERS}/invite", json={"email": email_for(tenant, "paula"), "role": "viewer"}, headers=headers),
        409,
    )
    assert_error(client.delete(f"{MEMBERS}/{tenant.owner.user_id}", headers=headers), 403)
    assert stored_count(tenant) == before


def test_organization_settings(tenant: Tenant) -> None:
    body = {"name": "Acme Corp", "settings": {"toneInstructions": "Friendly", "defaultSourceLanguage": "en"}}
    r = tenant.client.patch("/api/organizations/current", json=body, headers=tenant.headers)
    assert r.status_code == 200, r.text
    entry = one(org_feed(tenant), "settings.updated")
    assert (entry["targetType"], entry["targetId"], entry["projectId"]) == (
        "organization",
        tenant.organization_id,
        None,
    )
    assert entry["metadata"]["changed"] == ["name", "defaultSourceLanguage", "toneInstructions"]
    assert "Friendly" not in str(entry)
    before = stored_count(tenant)
    bad = {"settings": {"toneInstructions": 5}}
    assert_error(tenant.client.patch("/api/organizations/current", json=bad, headers=tenant.headers), 400)
    assert stored_count(tenant) == before


def test_glossary(tenant: Tenant) -> None:
    client, headers = tenant.client, tenant.headers
    glossary = make_glossary(tenant, name="Product")
    gid = glossary["_id"]
    term = add_term(tenant, gid, term="Dashboard", translations={"fr": "Tableau de bord"})
    r = client.patch(f"{base(tenant)}/terms/{term['_id']}", json={"description": "Main page"}, headers=headers)
    assert r.status_code == 200, r.text
    r = client.patch(f"{base(tenant)}/{gid}", json={"name": "Product terms"}, headers=headers)
    assert r.status_code == 200, r.text
    csv = "term,fr\nInbox,Boîte de réception\nSettings,Paramètres\n"
    r = client.post(f"{base(tenant)}/{gid}/import", json={"format": "csv", "content": csv}, headers=headers)
    assert r.status_code == 200, r.text
    assert client.delete(f"{base(tenant)}/terms/{term['_id']}", headers=headers).status_code == 204
    assert client.delete(f"{base(tenant)}/{gid}", headers=headers).status_code == 204

    feed = org_feed(tenant, action="glossary.*")
    assert actions(feed) == [
        "glossary.deleted",
        "glossary.term_deleted",
        "glossary.imported",
        "glossary.updated",
        "glossary.term_updated",
        "glossary.term_created",
        "glossary.created",
    ]
    assert all(e["projectId"] is None for e in feed)
    created = one(feed, "glossary.created")
    assert (created["targetType"], created["targetId"], created["metadata"]["name"]) == ("glossary", gid, "Product")
    term_created = one(feed, "glossary.term_created")
    assert (term_created["targetType"], term_created["targetId"]) == ("glossary_term", term["_id"])
    assert term_created["metadata"]["term"] == "Dashboard" and term_created["metadata"]["glossaryId"] == gid
    assert one(feed, "glossary.updated")["metadata"]["changed"] == ["name"]
    imported = one(feed, "glossary.imported")
    assert (imported["count"], imported["metadata"]["created"], imported["metadata"]["updated"]) == (2, 2, 0)
    # A refused change (a duplicate name) records nothing.
    make_glossary(tenant, name="Taken")
    before = stored_count(tenant)
    payload = {"name": "Taken", "sourceLanguage": "en", "targetLanguages": ["fr"]}
    assert_error(client.post(base(tenant), json=payload, headers=headers), 409)
    assert stored_count(tenant) == before


def _tm_entry(tenant: Tenant) -> dict[str, Any]:
    pid = project(tenant)
    key_id = add_key(tenant, pid, "hello", "Hello")
    url = f"/api/projects/{pid}/keys/{key_id}/translations/fr"
    r = tenant.client.put(url, json={"value": "Bonjour", "status": "approved"}, headers=tenant.headers)
    assert r.status_code == 200, r.text
    with tenant.database.session() as session:
        found = session.scalar(select(TmEntry.id).where(TmEntry.organization_id == tenant.organization_id))
    assert found is not None
    return {"id": found, "project": pid}


def test_tm_delete(tenant: Tenant) -> None:
    entry = _tm_entry(tenant)
    url = f"/api/organizations/current/tm/{entry['id']}"
    assert tenant.client.delete(url, headers=tenant.headers).status_code == 204
    deleted = one(org_feed(tenant), "tm.deleted")
    assert (deleted["targetType"], deleted["targetId"], deleted["language"]) == ("tm_entry", entry["id"], "fr")
    assert deleted["metadata"]["sourceLanguage"] == "en"
    before = stored_count(tenant)
    assert_error(tenant.client.delete(url, headers=tenant.headers), 404)
    assert stored_count(tenant) == before
