"""Org scoping (spec §2.3): another organization's resources answer 404 and leak nothing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from entri.core.db import Database
from entri.core.permissions import Role
from entri.organizations import service as orgs
from tests.conftest import Tenant, _add_member

ERROR_KEYS = {"statusCode", "error", "message", "timestamp", "path"}
SECRET_PROJECT = "Globex Secret Project"
SECRET_KEY = "globex.secret.key"
SECRET_VALUE = "Valeur secrète de Globex"
OLD_VALUE = "Ancienne valeur"


@pytest.fixture
def other_tenant(database: Database, app_client: TestClient) -> Tenant:
    with database.session(write=True) as session:
        org = orgs.create_organization(session, name="Globex")
        session.commit()
        org_id = org.id
    owner = _add_member(database, org_id, Role.OWNER)
    return Tenant(database=database, client=app_client, organization_id=org_id, owner=owner)


@dataclass
class Victim:
    """Tenant B's project, key, translation (two versions), history entry and token."""

    tenant: Tenant
    project_id: str
    key_id: str
    history_id: str
    token_id: str
    token: str

    def values(self) -> dict[str, str]:
        return {
            "p": self.project_id,
            "k": self.key_id,
            "h": self.history_id,
            "t": self.token_id,
            "key": SECRET_KEY,
        }


@pytest.fixture
def victim(other_tenant: Tenant, client: TestClient) -> Victim:
    b = other_tenant
    project = b.project(name=SECRET_PROJECT, description="confidential roadmap")
    base = f"/api/projects/{project['_id']}"
    key = client.post(f"{base}/keys", json={"key": SECRET_KEY, "sourceValue": "Secret"}, headers=b.headers)
    assert key.status_code == 201, key.text
    key_id = key.json()["_id"]
    for value in (OLD_VALUE, SECRET_VALUE):
        put = client.put(f"{base}/keys/{key_id}/translations/fr", json={"value": value}, headers=b.headers)
        assert put.status_code == 200, put.text
    history = client.get(f"{base}/keys/{key_id}/translations/fr/history", headers=b.headers).json()
    token = client.post(f"{base}/tokens", json={"name": "Globex CI"}, headers=b.headers)
    assert token.status_code == 201, token.text
    return Victim(
        tenant=b,
        project_id=str(project["_id"]),
        key_id=key_id,
        history_id=history[-1]["_id"],
        token_id=token.json()["_id"],
        token=token.json()["token"],
    )


P = "/api/projects/{p}"
K = P + "/keys/{k}"
T = K + "/translations/fr"

ROUTES: list[tuple[str, str, object]] = [
    ("GET", P, None),
    ("PATCH", P, {"name": "pwned"}),
    ("DELETE", P, None),
    ("POST", P + "/unarchive", None),
    ("DELETE", P + "/permanent", None),
    ("POST", P + "/languages", {"language": "es"}),
    ("DELETE", P + "/languages/fr", None),
    ("GET", P + "/keys", None),
    ("GET", P + "/keys?search=secret", None),
    ("POST", P + "/keys", {"key": "injected"}),
    ("GET", K, None),
    ("PATCH", K, {"key": "pwned"}),
    ("DELETE", K, None),
    ("POST", P + "/keys/bulk", {"keys": [{"key": "injected"}]}),
    ("PATCH", P + "/keys/bulk", {"keys": [{"_id": "{k}", "key": "pwned"}]}),
    ("DELETE", P + "/keys/bulk", {"keyIds": ["{k}"]}),
    ("GET", P + "/translations/fr", None),
    ("GET", P + "/translations/en", None),
    ("GET", K + "/translations", None),
    ("PUT", T, {"value": "pwned"}),
    ("PATCH", T + "/status", {"status": "approved"}),
    ("POST", T + "/revert", None),
    ("POST", T + "/revert/{h}", None),
    ("GET", T + "/history", None),
    ("POST", P + "/translations/overwrite", {"translations": [{"key": "{key}", "language": "fr", "value": "pwned"}]}),
    ("POST", P + "/translations/overwrite", [{"key": "{key}", "language": "fr", "value": "pwned"}]),
    ("GET", P + "/tokens", None),
    ("POST", P + "/tokens", {"name": "stolen"}),
    ("DELETE", P + "/tokens/{t}", None),
]


def fill(template: object, values: dict[str, str]) -> object:
    if isinstance(template, str):
        return template.format(**values)
    if isinstance(template, list):
        return [fill(item, values) for item in template]
    if isinstance(template, dict):
        return {k: fill(v, values) for k, v in template.items()}
    return template


def assert_unchanged(victim: Victim, client: TestClient) -> None:
    headers = victim.tenant.headers
    base = f"/api/projects/{victim.project_id}"
    project = client.get(base, headers=headers)
    assert project.status_code == 200, project.text
    assert project.json()["name"] == SECRET_PROJECT
    assert project.json()["archived"] is False
    assert project.json()["targetLanguages"] == ["fr", "de"]
    keys = client.get(f"{base}/keys", headers=headers).json()
    assert [k["key"] for k in keys["data"]] == [SECRET_KEY]
    french = client.get(f"{base}/keys/{victim.key_id}/translations", headers=headers).json()["translations"]
    fr = next(t for t in french if t["language"] == "fr")
    assert (fr["value"], fr["version"], fr["status"]) == (SECRET_VALUE, 2, "translated")
    tokens = client.get(f"{base}/tokens", headers=headers).json()
    assert [t["_id"] for t in tokens] == [victim.token_id]
    assert client.get("/api/auth/me", headers={"X-API-Key": victim.token}).status_code == 200


def assert_leak_free_404(response_text: str, status: int, victim: Victim) -> None:
    assert status == 404, response_text
    for secret in (SECRET_PROJECT, SECRET_KEY, SECRET_VALUE, OLD_VALUE, victim.tenant.organization_id):
        assert secret not in response_text


@pytest.mark.parametrize(("method", "template", "body"), ROUTES, ids=[f"{m} {t.replace(P, '')}" for m, t, _ in ROUTES])
def test_other_orgs_project_routes_are_404(
    tenant: Tenant, victim: Victim, client: TestClient, method: str, template: str, body: object
) -> None:
    path = str(fill(template, victim.values()))

    response = client.request(method, path, json=fill(body, victim.values()), headers=tenant.headers)

    assert_leak_free_404(response.text, response.status_code, victim)
    error = response.json()
    assert set(error) == ERROR_KEYS
    assert error["message"] == "Project not found"
    assert_unchanged(victim, client)


@pytest.mark.parametrize("who", ["admin token", "owner session"])
def test_other_orgs_project_is_404_for_every_credential(
    tenant: Tenant, victim: Victim, client: TestClient, who: str
) -> None:
    if who == "owner session":
        login = client.post("/api/auth/login", json={"email": tenant.owner.email, "password": tenant.owner.password})
        assert login.status_code == 200
        headers: dict[str, str] = {}
    else:
        headers = tenant.member("admin").headers
    path = f"/api/projects/{victim.project_id}"

    response = client.get(path, headers=headers)

    assert_leak_free_404(response.text, response.status_code, victim)


def test_project_token_of_another_org_cannot_reach_our_project(
    tenant: Tenant, victim: Victim, client: TestClient
) -> None:
    ours = tenant.project(name="Ours")
    response = client.get(f"/api/projects/{ours['_id']}", headers={"X-API-Key": victim.token})
    assert response.status_code == 404


def test_own_project_with_another_orgs_key_is_404(tenant: Tenant, victim: Victim, client: TestClient) -> None:
    ours = tenant.project(name="Ours")
    base = f"/api/projects/{ours['_id']}"
    key = f"{base}/keys/{victim.key_id}"
    h = tenant.headers

    for method, path, body in [
        ("GET", key, None),
        ("PATCH", key, {"key": "pwned"}),
        ("DELETE", key, None),
        ("GET", f"{key}/translations", None),
        ("PUT", f"{key}/translations/fr", {"value": "pwned"}),
        ("PATCH", f"{key}/translations/fr/status", {"status": "approved"}),
        ("POST", f"{key}/translations/fr/revert", None),
        ("POST", f"{key}/translations/fr/revert/{victim.history_id}", None),
        ("GET", f"{key}/translations/fr/history", None),
    ]:
        response = client.request(method, path, json=body, headers=h)
        assert_leak_free_404(response.text, response.status_code, victim)
        assert response.json()["message"] == "Key not found", f"{method} {path}"

    bulk_delete = client.request("DELETE", f"{base}/keys/bulk", json={"keyIds": [victim.key_id]}, headers=h)
    assert bulk_delete.status_code == 200
    assert bulk_delete.json() == {"deleted": 0, "notFound": [victim.key_id]}
    bulk_patch = client.patch(f"{base}/keys/bulk", json={"keys": [{"_id": victim.key_id, "key": "pwned"}]}, headers=h)
    assert bulk_patch.status_code == 400
    overwrite = client.post(
        f"{base}/translations/overwrite",
        json={"translations": [{"key": SECRET_KEY, "language": "fr", "value": "pwned"}]},
        headers=h,
    )
    assert overwrite.status_code == 200
    assert overwrite.json()["overwritten"] == 0
    assert overwrite.json()["notFound"][0]["reason"] == "key"
    revoke = client.delete(f"{base}/tokens/{victim.token_id}", headers=h)
    assert revoke.status_code == 404
    assert_unchanged(victim, client)


def test_other_orgs_token_cannot_be_revoked(tenant: Tenant, victim: Victim, client: TestClient) -> None:
    for org in ("current", tenant.organization_id):
        response = client.delete(f"/api/organizations/{org}/tokens/{victim.token_id}", headers=tenant.headers)
        assert_leak_free_404(response.text, response.status_code, victim)
    listing = client.get("/api/organizations/current/tokens", headers=tenant.headers)
    assert victim.token_id not in listing.text
    assert_unchanged(victim, client)


@pytest.mark.parametrize("query", ["", "?includeArchived=true", "?limit=200", "?page=1&limit=1"])
def test_project_list_never_shows_other_orgs(tenant: Tenant, victim: Victim, client: TestClient, query: str) -> None:
    archived = victim.tenant.project(name="Globex archived")
    assert client.delete(f"/api/projects/{archived['_id']}", headers=victim.tenant.headers).status_code == 200
    ours = tenant.project(name="Ours")

    response = client.get(f"/api/projects{query}", headers=tenant.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert [p["_id"] for p in body["data"]] == [ours["_id"]]
    assert body["meta"]["total"] == 1
    assert all(p["organization"] == tenant.organization_id for p in body["data"])
    assert SECRET_PROJECT not in response.text
    assert "Globex archived" not in response.text


def test_other_org_sees_only_its_own_projects(tenant: Tenant, victim: Victim, client: TestClient) -> None:
    tenant.project(name="Ours")
    response = client.get("/api/projects", headers=victim.tenant.headers)
    assert [p["_id"] for p in response.json()["data"]] == [victim.project_id]
