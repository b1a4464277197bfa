"""The webhook management routes (§4.8; docs/webhooks.md): create, list, change, delete on
the organization and on a project; the secret shown once; 400s naming the field; 404 outside
the caller's organization or project; admins only; token scopes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from entri.core.db import Database
from entri.core.permissions import Role
from entri.organizations import service as orgs
from entri.tokens import service as tokens
from tests.conftest import Tenant, _add_member
from tests.core.test_errors import assert_error
from tests.webhooks.conftest import Hooks, Project

ORG = "/api/organizations/current/webhooks"
PUBLIC = "https://93.184.215.14/hook"
"""A public address (no DNS lookup needed): accepted with private addresses refused."""


def test_create_list_update_delete(hooks: Hooks, client: TestClient, project: Project) -> None:
    created = hooks.create(PUBLIC, ["translation.completed", "language.completed"], description="deploy")
    secret = created.pop("secret")
    assert secret.startswith("whsec_") and len(secret) > 40
    assert created["_id"].startswith("whk_")
    assert created["events"] == ["translation.completed", "language.completed"]
    assert (created["active"], created["projectId"], created["description"]) == (True, None, "deploy")
    assert created["organizationId"] == hooks.tenant.organization_id

    listed = client.get(ORG, headers=hooks.headers).json()
    assert listed == [created]  # no secret in the list
    assert client.get("/api/v1/organizations/current/webhooks", headers=hooks.headers).json() == [created]

    url = f"{ORG}/{created['_id']}"
    patched = client.patch(url, json={"events": ["*"], "description": None, "active": False}, headers=hooks.headers)
    assert patched.status_code == 200, patched.text
    assert (patched.json()["events"], patched.json()["description"], patched.json()["active"]) == (["*"], None, False)
    assert "secret" not in patched.json()

    scoped = hooks.create(PUBLIC, ["key.created", "key.created"], projectId=project.id)
    assert scoped["events"] == ["key.created"] and scoped["projectId"] == project.id
    project_list = client.get(f"{project.base}/webhooks", headers=hooks.headers).json()
    assert [w["_id"] for w in project_list] == [scoped["_id"]]
    assert {w["_id"] for w in client.get(ORG, headers=hooks.headers).json()} == {created["_id"], scoped["_id"]}

    assert client.delete(url, headers=hooks.headers).status_code == 204
    assert client.patch(url, json={"active": True}, headers=hooks.headers).status_code == 404
    assert [w["_id"] for w in client.get(ORG, headers=hooks.headers).json()] == [scoped["_id"]]


def test_project_routes(hooks: Hooks, client: TestClient, project: Project) -> None:
    base = f"{project.base}/webhooks"
    response = client.post(base, json={"url": PUBLIC, "events": ["*"]}, headers=hooks.headers)
    assert response.status_code == 201, response.text
    hook = response.json()
    assert hook["projectId"] == project.id and "secret" in hook
    assert (
        client.post(
            base, json={"url": PUBLIC, "events": ["*"], "projectId": project.id}, headers=hooks.headers
        ).status_code
        == 400
    )
    assert (
        client.patch(f"{base}/{hook['_id']}", json={"url": PUBLIC + "/v2"}, headers=hooks.headers).json()["url"]
        == PUBLIC + "/v2"
    )
    rotated = client.post(f"{base}/{hook['_id']}/rotate-secret", headers=hooks.headers)
    assert rotated.status_code == 200 and rotated.json()["secret"] != hook["secret"]
    test = client.post(f"{base}/{hook['_id']}/test", headers=hooks.headers)
    assert test.status_code == 201 and test.json()["event"] == "webhook.test"
    log = client.get(f"{base}/{hook['_id']}/deliveries", headers=hooks.headers).json()
    assert [d["_id"] for d in log["data"]] == [test.json()["_id"]] and log["meta"]["total"] == 1
    again = client.post(f"{base}/{hook['_id']}/deliveries/{test.json()['_id']}/redeliver", headers=hooks.headers)
    assert again.status_code == 201 and again.json()["redeliveryOf"] == test.json()["_id"]

    # An organization-wide webhook is not one of the project's.
    org_hook = hooks.create(PUBLIC)
    assert client.patch(f"{base}/{org_hook['_id']}", json={"active": False}, headers=hooks.headers).status_code == 404
    assert client.delete(f"{base}/{hook['_id']}", headers=hooks.headers).status_code == 204


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"events": ["translation.completed", "translation.done"]}, "events: unknown event 'translation.done'"),
        ({"events": []}, "events"),
        ({"url": "ftp://93.184.215.14/x"}, "url must start with http:// or https://"),
        ({"url": "not a url"}, "url must start with http:// or https://"),
        ({"url": "https:///path"}, "url has no host"),
        ({"projectId": "proj_nope"}, "projectId: no project with this id in the organization"),
        ({"url": "https://93.184.215.14/" + "x" * 2001}, "url"),
    ],
)
def test_invalid_bodies_are_400_naming_the_field(
    hooks: Hooks, client: TestClient, body: dict[str, Any], expected: str
) -> None:
    payload = {"url": PUBLIC, "events": ["*"], **body}
    response = client.post(ORG, json=payload, headers=hooks.headers)
    message = assert_error(response, 400, ORG)
    assert any(expected in m for m in message), message
    assert client.get(ORG, headers=hooks.headers).json() == []


def test_patch_validates_like_create(hooks: Hooks, client: TestClient) -> None:
    hook = hooks.create(PUBLIC, ["key.created"])
    url = f"{ORG}/{hook['_id']}"
    message = assert_error(client.patch(url, json={"events": ["nope"]}, headers=hooks.headers), 400, url)
    assert any("unknown event 'nope'" in m for m in message)
    message = assert_error(client.patch(url, json={"url": "http://127.0.0.1/x"}, headers=hooks.headers), 400, url)
    assert any("loopback" in m for m in message)
    assert hooks.get(hook["_id"])["events"] == ["key.created"]


def test_other_organizations_are_404(hooks: Hooks, client: TestClient, database: Database) -> None:
    hook = hooks.create(PUBLIC)
    with database.session(write=True) as session:
        other_org = orgs.create_organization(session, name="Globex").id
        session.commit()
    other = _add_member(database, other_org, Role.OWNER)
    for path in (
        f"/api/organizations/{hooks.tenant.organization_id}/webhooks",
        f"/api/organizations/{hooks.tenant.organization_id}/webhooks/{hook['_id']}/deliveries",
    ):
        assert_error(client.get(path, headers=other.headers), 404, path)
    mine = f"/api/organizations/{other_org}/webhooks/{hook['_id']}"
    assert_error(client.patch(mine, json={"active": False}, headers=other.headers), 404, mine)
    assert_error(client.post(mine + "/test", headers=other.headers), 404, mine + "/test")
    assert_error(client.post(mine + "/rotate-secret", headers=other.headers), 404, mine + "/rotate-secret")
    assert_error(client.delete(mine, headers=other.headers), 404, mine)
    assert client.get(f"/api/organizations/{other_org}/webhooks", headers=other.headers).json() == []
    assert hooks.get(hook["_id"])["active"] is True


def test_admins_only(hooks: Hooks, client: TestClient, tenant: Tenant) -> None:
    hook = hooks.create(PUBLIC)
    developer = tenant.member("developer").headers
    assert_error(client.get(ORG, headers=developer), 403, ORG)
    assert_error(client.post(ORG, json={"url": PUBLIC, "events": ["*"]}, headers=developer), 403, ORG)
    url = f"{ORG}/{hook['_id']}/test"
    assert_error(client.post(url, headers=developer), 403, url)
    admin = tenant.member("admin").headers
    assert client.get(ORG, headers=admin).status_code == 200


def test_token_scopes(hooks: Hooks, client: TestClient, tenant: Tenant, database: Database, project: Project) -> None:
    hook = hooks.create(PUBLIC)
    with database.session(write=True) as session:
        reader = tokens.issue_token(
            session,
            organization_id=tenant.organization_id,
            name="reader",
            role="admin",
            created_by=tenant.owner.user_id,
            scopes=["webhooks:read"],
        ).value
        project_token = tokens.issue_token(
            session,
            organization_id=tenant.organization_id,
            name="project",
            role="admin",
            created_by=tenant.owner.user_id,
            project_id=project.id,
        ).value
        session.commit()
    headers = {"X-API-Key": reader}
    assert client.get(ORG, headers=headers).status_code == 200
    assert client.get(f"{ORG}/{hook['_id']}/deliveries", headers=headers).status_code == 200
    message = assert_error(client.post(f"{ORG}/{hook['_id']}/test", headers=headers), 403)
    assert "webhooks:write" in str(message)
    # A project token reaches its project's webhooks, not the organization routes.
    project_headers = {"X-API-Key": project_token}
    assert_error(client.get(ORG, headers=project_headers), 403, ORG)
    created = client.post(f"{project.base}/webhooks", json={"url": PUBLIC, "events": ["*"]}, headers=project_headers)
    assert created.status_code == 201, created.text
    assert [w["_id"] for w in client.get(f"{project.base}/webhooks", headers=project_headers).json()] == [
        created.json()["_id"]
    ]


def test_deliveries_and_redeliver_are_404_across_webhooks(hooks: Hooks, client: TestClient) -> None:
    first, second = hooks.create(PUBLIC), hooks.create(PUBLIC)
    test = client.post(f"{ORG}/{first['_id']}/test", headers=hooks.headers).json()
    path = f"{ORG}/{second['_id']}/deliveries/{test['_id']}/redeliver"
    assert_error(client.post(path, headers=hooks.headers), 404, path)
    assert hooks.deliveries(second["_id"]) == []
    paged = client.get(f"{ORG}/{first['_id']}/deliveries?page=2&limit=1", headers=hooks.headers).json()
    assert paged["data"] == [] and paged["meta"] == {"page": 2, "limit": 1, "total": 1, "totalPages": 1}
