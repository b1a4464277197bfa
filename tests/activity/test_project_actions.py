"""Project, language, key and project-settings changes each leave one entry with the right
fields, written in the change's own transaction: a refused change leaves none."""

from __future__ import annotations

import json

from sqlalchemy import select

from entri.tokens.models import ApiToken
from tests.activity.helpers import actions, add_key, one, org_feed, project, project_feed, stored_count
from tests.auth.browser import browser_login
from tests.conftest import Tenant
from tests.errors import assert_error


def owner_token_id(tenant: Tenant) -> str:
    with tenant.database.session() as session:
        found = session.scalar(select(ApiToken.id).where(ApiToken.created_by == tenant.owner.user_id))
    assert found is not None
    return found


def test_project_lifecycle(tenant: Tenant) -> None:
    pid = project(tenant, name="Web", targetLanguages=["fr"])
    created = one(project_feed(tenant, pid), "project.created")
    assert created["projectId"] == pid and created["organizationId"] == tenant.organization_id
    assert (created["targetType"], created["targetId"], created["count"]) == ("project", pid, 1)
    assert created["metadata"] == {"projectId": pid, "name": "Web", "sourceLanguage": "en", "targetLanguages": ["fr"]}
    assert created["userId"] == tenant.owner.user_id
    # Made with an API token: the entry names the token and the person behind it.
    assert created["tokenId"] == owner_token_id(tenant)
    assert created["userName"].endswith("(token: owner token)")

    r = tenant.client.patch(f"/api/projects/{pid}", json={"name": "Website"}, headers=tenant.headers)
    assert r.status_code == 200, r.text
    updated = one(project_feed(tenant, pid), "project.updated")
    assert updated["metadata"]["changed"] == ["name"] and updated["metadata"]["name"] == "Website"

    assert tenant.client.delete(f"/api/projects/{pid}", headers=tenant.headers).status_code == 200
    archived = one(project_feed(tenant, pid), "project.archived")
    assert archived["metadata"]["archived"] is True
    assert tenant.client.post(f"/api/projects/{pid}/unarchive", headers=tenant.headers).status_code == 200
    unarchived = [
        e for e in project_feed(tenant, pid, action="project.updated") if e["metadata"]["changed"] == ["archived"]
    ]
    assert len(unarchived) == 1 and unarchived[0]["metadata"]["archived"] is False

    assert tenant.client.delete(f"/api/projects/{pid}/permanent", headers=tenant.headers).status_code == 204
    # The project is gone, and so is its feed; its trail stays in the organization's.
    assert_error(tenant.client.get(f"/api/projects/{pid}/activity", headers=tenant.headers), 404)
    trail = org_feed(tenant, projectId=pid)
    deleted = one(trail, "project.deleted")
    assert (deleted["projectId"], deleted["targetId"], deleted["metadata"]["name"]) == (pid, pid, "Website")
    mine = [e for e in org_feed(tenant) if e["projectId"] == pid]
    assert actions(mine) == [
        "project.deleted",
        "project.updated",
        "project.archived",
        "project.updated",
        "project.created",
    ]


def test_session_changes_have_no_token(tenant: Tenant) -> None:
    client = tenant.client
    headers = browser_login(client, tenant.owner.email, tenant.owner.password)
    try:
        r = client.post("/api/projects", json={"name": "S", "sourceLanguage": "en"}, headers=headers)
        assert r.status_code == 201, r.text
        entry = one(project_feed(tenant, r.json()["_id"]), "project.created")
    finally:
        client.cookies.clear()
    assert entry["tokenId"] is None and entry["userId"] == tenant.owner.user_id
    assert "token" not in entry["userName"]


def test_languages(tenant: Tenant) -> None:
    pid = project(tenant, targetLanguages=["fr"])
    r = tenant.client.post(f"/api/projects/{pid}/languages", json={"language": "de"}, headers=tenant.headers)
    assert r.status_code == 201, r.text
    assert tenant.client.delete(f"/api/projects/{pid}/languages/fr", headers=tenant.headers).status_code == 200
    feed = project_feed(tenant, pid)
    added, removed = one(feed, "language.added"), one(feed, "language.removed")
    assert (added["targetType"], added["targetId"], added["language"]) == ("language", "de", "de")
    assert added["metadata"]["language"] == "de" and removed["metadata"]["language"] == "fr"
    assert removed["language"] == "fr"
    # A PATCH of targetLanguages adds and removes languages too.
    r = tenant.client.patch(f"/api/projects/{pid}", json={"targetLanguages": ["es"]}, headers=tenant.headers)
    assert r.status_code == 200, r.text
    feed = project_feed(tenant, pid)
    assert {e["language"] for e in feed if e["action"] == "language.added"} == {"de", "es"}
    assert {e["language"] for e in feed if e["action"] == "language.removed"} == {"fr", "de"}
    assert project_feed(tenant, pid, language="es", action="language.added")[0]["targetId"] == "es"


def test_refused_changes_leave_no_entry(tenant: Tenant) -> None:
    pid = project(tenant, targetLanguages=["fr"])
    add_key(tenant, pid, "taken")
    before = stored_count(tenant)
    client, headers = tenant.client, tenant.headers
    assert_error(client.post(f"/api/projects/{pid}/languages", json={"language": "fr"}, headers=headers), 409)
    assert_error(client.patch(f"/api/projects/{pid}", json={"settings": {"nope": 1}}, headers=headers), 400)
    assert_error(client.post(f"/api/projects/{pid}/keys", json={"key": "taken"}, headers=headers), 409)
    bulk = {"keys": [{"key": "fresh"}, {"key": "taken"}]}
    assert_error(client.post(f"/api/projects/{pid}/keys/bulk", json=bulk, headers=headers), 409)
    translator = tenant.member("translator")
    assert_error(client.post(f"/api/projects/{pid}/keys", json={"key": "x"}, headers=translator.headers), 403)
    assert stored_count(tenant) == before


def test_a_failure_after_the_event_rolls_the_entry_back(tenant: Tenant) -> None:
    """key.created is published before the source value is written; a source value the write
    path refuses (a lone surrogate cannot be stored) rolls the key and its entry back."""
    pid = project(tenant)
    before = stored_count(tenant)
    body = {"keys": [{"key": "fine", "sourceValue": "ok"}, {"key": "bad", "sourceValue": "x\ud800"}]}
    headers = {**tenant.headers, "Content-Type": "application/json"}
    r = tenant.client.post(f"/api/projects/{pid}/keys/bulk", content=json.dumps(body), headers=headers)
    assert_error(r, 400)
    assert stored_count(tenant) == before
    assert tenant.client.get(f"/api/projects/{pid}/keys", headers=tenant.headers).json()["meta"]["total"] == 0


def test_project_settings(tenant: Tenant) -> None:
    pid = project(tenant)
    body = {"settings": {"ai": {"instructions": "Be brief"}}, "description": "d"}
    r = tenant.client.patch(f"/api/projects/{pid}", json=body, headers=tenant.headers)
    assert r.status_code == 200, r.text
    feed = project_feed(tenant, pid)
    settings = one(feed, "settings.updated")
    assert (settings["targetType"], settings["targetId"]) == ("project", pid)
    assert settings["metadata"]["changed"] == ["ai"] and "Be brief" not in str(settings["metadata"])
    assert one(feed, "project.updated")["metadata"]["changed"] == ["description"]


def test_key_actions(tenant: Tenant) -> None:
    pid = project(tenant)
    key_id = add_key(tenant, pid, "title", "Hello", namespace="app")
    feed = project_feed(tenant, pid)
    created = one(feed, "key.created")
    assert (created["targetType"], created["targetId"]) == ("key", key_id)
    assert created["metadata"] == {"keyId": key_id, "key": "title", "namespace": "app", "projectId": pid}
    # The source text is a translation change of its own.
    source = one(feed, "translation.updated")
    assert (source["language"], source["source"], source["targetId"]) == ("en", "human", key_id)

    r = tenant.client.patch(f"/api/projects/{pid}/keys/{key_id}", json={"key": "heading"}, headers=tenant.headers)
    assert r.status_code == 200, r.text
    updated = one(project_feed(tenant, pid), "key.updated")
    assert updated["metadata"]["key"] == "heading" and updated["metadata"]["previousKey"] == "title"
    assert updated["metadata"]["changed"] == ["key"]

    assert tenant.client.delete(f"/api/projects/{pid}/keys/{key_id}", headers=tenant.headers).status_code == 204
    deleted = one(project_feed(tenant, pid), "key.deleted")
    assert deleted["metadata"] == {"keyId": key_id, "key": "heading", "namespace": "app", "projectId": pid}


def test_bulk_keys_one_event_per_key_up_to_100(tenant: Tenant) -> None:
    pid = project(tenant)
    client, headers = tenant.client, tenant.headers
    r = client.post(
        f"/api/projects/{pid}/keys/bulk", json={"keys": [{"key": f"k{i}"} for i in range(100)]}, headers=headers
    )
    assert r.status_code == 201, r.text
    ids = [k["_id"] for k in r.json()["keys"]]
    created = project_feed(tenant, pid, action="key.created")
    assert len(created) == 100 and {e["targetId"] for e in created} == set(ids)
    assert all(e["count"] == 1 for e in created)

    items = [{"_id": i, "description": "d"} for i in ids[:3]]
    assert client.patch(f"/api/projects/{pid}/keys/bulk", json={"keys": items}, headers=headers).status_code == 200
    assert {e["targetId"] for e in project_feed(tenant, pid, action="key.updated")} == set(ids[:3])

    r = client.request(
        "DELETE", f"/api/projects/{pid}/keys/bulk", json={"keyIds": [*ids[:2], "key_missing"]}, headers=headers
    )
    assert r.status_code == 200, r.text
    deleted = project_feed(tenant, pid, action="key.deleted")
    assert sorted(e["targetId"] for e in deleted) == sorted(ids[:2])
    assert {e["metadata"]["key"] for e in deleted} == {"k0", "k1"}


def test_bulk_keys_above_100_are_one_summary(tenant: Tenant) -> None:
    pid = project(tenant)
    client, headers = tenant.client, tenant.headers
    keys = [{"key": f"k{i}", "namespace": "a" if i % 2 else "b", "sourceValue": f"v{i}"} for i in range(150)]
    r = client.post(f"/api/projects/{pid}/keys/bulk", json={"keys": keys}, headers=headers)
    assert r.status_code == 201, r.text
    ids = [k["_id"] for k in r.json()["keys"]]
    feed = project_feed(tenant, pid)
    assert actions(feed) == ["translation.updated", "key.created", "project.created"]
    created = one(feed, "key.created")
    assert created["count"] == 150 and created["targetId"] is None
    assert created["metadata"] == {"projectId": pid, "count": 150, "namespaces": ["a", "b"]}
    assert one(feed, "translation.updated")["count"] == 150

    items = [{"_id": i, "context": "c"} for i in ids]
    assert client.patch(f"/api/projects/{pid}/keys/bulk", json={"keys": items}, headers=headers).status_code == 200
    assert one(project_feed(tenant, pid), "key.updated")["count"] == 150
    r = client.request("DELETE", f"/api/projects/{pid}/keys/bulk", json={"keyIds": ids}, headers=headers)
    assert r.status_code == 200, r.text
    assert one(project_feed(tenant, pid), "key.deleted")["count"] == 150
