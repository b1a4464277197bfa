"""The feeds: newest first, paginated like every collection, filtered, scoped to the caller's
organization and read only with `activity:read`; nothing changes or deletes an entry."""

from __future__ import annotations

from datetime import timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import update

from entri.activity.models import ActivityEntry
from entri.core.clock import iso, utcnow
from entri.core.db import Base, Database
from tests.activity.helpers import actions, add_key, org_feed, page, project, project_feed
from tests.conftest import Tenant
from tests.errors import assert_error


def test_models_match_the_migration(database: Database) -> None:
    with database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert [change for change in diff if "activity" in repr(change)] == []


def test_newest_first_and_paginated(tenant: Tenant) -> None:
    pid = project(tenant)
    for i in range(7):
        add_key(tenant, pid, f"k{i}")
    url = f"/api/projects/{pid}/activity"
    first = page(tenant, url, limit=3, action="key.created")
    assert first["meta"] == {"page": 1, "limit": 3, "total": 7, "totalPages": 3}
    assert [e["metadata"]["key"] for e in first["data"]] == ["k6", "k5", "k4"]
    third = page(tenant, url, limit=3, page=3, action="key.created")
    assert [e["metadata"]["key"] for e in third["data"]] == ["k0"]
    assert page(tenant, url, limit=3, page=9, action="key.created")["data"] == []
    # The rules every collection follows (docs/api-decisions.md, "Pagination").
    assert page(tenant, url, limit=500)["meta"]["limit"] == 200
    assert page(tenant, url, page=0, limit=1)["meta"]["page"] == 1
    assert_error(tenant.client.get(url, params={"page": "x"}, headers=tenant.headers), 400)
    default = tenant.client.get(url, headers=tenant.headers).json()
    assert default["meta"]["limit"] == 50 and default["meta"]["total"] == 8
    created = [e["created"] for e in project_feed(tenant, pid)]
    assert created == sorted(created, reverse=True)


def test_filters(tenant: Tenant) -> None:
    pid = project(tenant, targetLanguages=["fr", "de"])
    key_id = add_key(tenant, pid, "hello", "Hello")
    developer = tenant.member("developer")
    r = tenant.client.put(
        f"/api/projects/{pid}/keys/{key_id}/translations/fr", json={"value": "Bonjour"}, headers=developer.headers
    )
    assert r.status_code == 200, r.text
    r = tenant.client.put(
        f"/api/projects/{pid}/keys/{key_id}/translations/de",
        json={"value": "Hallo", "source": "ai"},
        headers=tenant.headers,
    )
    assert r.status_code == 200, r.text

    assert actions(project_feed(tenant, pid, userId=developer.user_id)) == ["translation.updated"]
    assert [e["language"] for e in project_feed(tenant, pid, action="translation.updated")] == ["de", "fr", "en"]
    assert [e["language"] for e in project_feed(tenant, pid, language="fr")] == ["fr"]
    assert [e["language"] for e in project_feed(tenant, pid, language="FR")] == ["fr"]  # normalized
    assert [e["language"] for e in project_feed(tenant, pid, source="ai")] == ["de"]
    assert actions(project_feed(tenant, pid, targetType="key")) == ["key.created"]
    assert actions(project_feed(tenant, pid, action="key.*")) == ["key.created"]
    assert project_feed(tenant, pid, action="key") == []  # exact unless it ends in `.*`
    assert {e["targetType"] for e in project_feed(tenant, pid, targetType="project")} == {"project"}
    # Combined: all must hold.
    assert project_feed(tenant, pid, source="ai", language="fr") == []
    assert len(org_feed(tenant, projectId=pid)) == len(project_feed(tenant, pid))

    url = f"/api/projects/{pid}/activity"
    for params, field in (
        ({"source": "robot"}, "source"),
        ({"language": "not a language"}, "language"),
        ({"from": "yesterday"}, "from"),
        ({"to": "2025-13-40"}, "to"),
    ):
        body = assert_error(tenant.client.get(url, params=params, headers=tenant.headers), 400)
        assert field in str(body["message"]), body
    body = assert_error(
        tenant.client.get(url, params={"from": "2025-03-02", "to": "2025-03-01"}, headers=tenant.headers), 400
    )
    assert "from must be before to" in str(body["message"])


def test_date_range(tenant: Tenant) -> None:
    pid = project(tenant)
    old_key = add_key(tenant, pid, "old")
    add_key(tenant, pid, "new")
    # Move the first key's entry to three days ago (the API cannot: the trail is append-only).
    then = utcnow() - timedelta(days=3)
    with tenant.database.session(write=True) as session:
        session.execute(update(ActivityEntry).where(ActivityEntry.target_id == old_key).values(created=then))
        session.commit()
    day = then.date().isoformat()
    names = lambda **p: [e["metadata"]["key"] for e in project_feed(tenant, pid, action="key.created", **p)]  # noqa: E731
    assert names(**{"from": day, "to": day}) == ["old"]  # a date-only `to` covers the whole day
    assert names(**{"to": day}) == ["old"]
    assert names(**{"from": (then + timedelta(days=1)).date().isoformat()}) == ["new"]
    assert names(**{"from": iso(then), "to": iso(then)}) == ["old"]  # date-times are inclusive
    assert names(**{"from": (then + timedelta(seconds=1)).isoformat()}) == ["new"]
    naive = (then - timedelta(hours=1)).replace(tzinfo=None).isoformat()  # no offset: UTC
    assert names(**{"from": naive}) == ["new", "old"]


def test_org_feed_spans_projects_and_the_org(tenant: Tenant) -> None:
    a, b = project(tenant, name="A"), project(tenant, name="B")
    add_key(tenant, a, "in-a")
    add_key(tenant, b, "in-b")
    r = tenant.client.post("/api/organizations/current/tokens", json={"name": "t"}, headers=tenant.headers)
    assert r.status_code == 201
    org = org_feed(tenant)
    assert {e["projectId"] for e in org} == {a, b, None}
    assert all(e["organizationId"] == tenant.organization_id for e in org)
    assert {e["projectId"] for e in project_feed(tenant, a)} == {a}
    by_id = page(tenant, f"/api/organizations/{tenant.organization_id}/activity")
    assert [e["_id"] for e in by_id["data"]] == [e["_id"] for e in org]


def test_other_organizations_see_nothing(tenant: Tenant, other_tenant: Tenant) -> None:
    pid = project(tenant)
    add_key(tenant, pid, "secret")
    other = other_tenant.headers
    assert_error(tenant.client.get(f"/api/organizations/{tenant.organization_id}/activity", headers=other), 404)
    assert_error(tenant.client.get(f"/api/projects/{pid}/activity", headers=other), 404)
    theirs = org_feed(other_tenant, headers=other, projectId=pid)
    assert theirs == []
    assert all(e["organizationId"] == other_tenant.organization_id for e in org_feed(other_tenant, headers=other))


def test_who_may_read(tenant: Tenant) -> None:
    pid = project(tenant)
    add_key(tenant, pid, "k")
    viewer = tenant.member("viewer")
    assert org_feed(tenant, headers=viewer.headers)
    assert project_feed(tenant, pid)
    client, headers = tenant.client, tenant.headers

    def token(**body: object) -> dict[str, str]:
        r = client.post("/api/organizations/current/tokens", json={"name": "x", **body}, headers=headers)
        assert r.status_code == 201, r.text
        return {"X-API-Key": r.json()["token"]}

    reader = token(scopes=["activity:read"])
    assert client.get(f"/api/projects/{pid}/activity", headers=reader).status_code == 200
    assert client.get("/api/organizations/current/activity", headers=reader).status_code == 200
    keys_only = token(scopes=["keys:write"])
    assert_error(client.get(f"/api/projects/{pid}/activity", headers=keys_only), 403)
    assert_error(client.get("/api/organizations/current/activity", headers=keys_only), 403)
    r = client.post(f"/api/projects/{pid}/tokens", json={"name": "p"}, headers=headers)
    project_token = {"X-API-Key": r.json()["token"]}
    assert client.get(f"/api/projects/{pid}/activity", headers=project_token).status_code == 200
    assert_error(client.get("/api/organizations/current/activity", headers=project_token), 403)
    assert_error(client.get("/api/organizations/current/activity"), 401)


def test_append_only(tenant: Tenant) -> None:
    pid = project(tenant)
    entry = project_feed(tenant, pid)[0]
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        for url in (f"/api/projects/{pid}/activity", "/api/organizations/current/activity"):
            assert tenant.client.request(method, url, headers=tenant.headers).status_code == 405
        r = tenant.client.request(method, f"/api/projects/{pid}/activity/{entry['_id']}", headers=tenant.headers)
        assert r.status_code in (404, 405)
    assert project_feed(tenant, pid)[0] == entry
