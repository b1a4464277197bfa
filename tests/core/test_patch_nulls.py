"""PATCH and `null` (docs/api-decisions.md): a field left out keeps its value; `null` clears a
field that can be empty; `null` for any other field is a 400 naming it and changes nothing, on
every PATCH route. The published schema says the same, so schema-driven clients agree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from entri.app import ROUTERS
from tests.conftest import Tenant
from tests.core.test_errors import assert_error


@dataclass(frozen=True)
class PatchRoute:
    template: str
    schema: str
    not_nullable: tuple[str, ...]
    clearable: tuple[str, ...] = ()


PROJECT = PatchRoute(
    "/api/projects/{project_id}",
    "ProjectUpdate",
    ("name", "sourceLanguage", "targetLanguages", "settings"),
    ("description", "preferredModel"),
)
KEY = PatchRoute(
    "/api/projects/{project_id}/keys/{key_id}",
    "KeyUpdate",
    ("key", "namespace", "tags", "isPlural"),
    ("description", "maxLength", "context"),
)
BULK = PatchRoute(
    "/api/projects/{project_id}/keys/bulk",
    "KeyBulkUpdateItem",
    ("key", "namespace", "tags", "isPlural", "_id"),
    ("description", "maxLength", "context"),
)
MEMBER = PatchRoute("/api/organizations/{org_id}/members/{user_id}", "RoleBody", ("role",))
ORG = PatchRoute("/api/organizations/{org_id}", "OrganizationUpdate", ("name", "settings"))
STATUS = PatchRoute(
    "/api/projects/{project_id}/keys/{key_id}/translations/{language}/status", "StatusChange", ("status",)
)
GLOSSARY = PatchRoute(
    "/api/organizations/{org_id}/glossaries/{glossary_id}",
    "GlossaryUpdate",
    ("name", "sourceLanguage", "targetLanguages"),
    ("description",),
)
TERM = PatchRoute(
    "/api/organizations/{org_id}/glossaries/terms/{term_id}",
    "TermUpdate",
    ("term", "caseSensitive", "doNotTranslate", "forbidden", "translations"),
    ("description", "partOfSpeech"),
)
ORG_WEBHOOK = PatchRoute(
    "/api/organizations/{org_id}/webhooks/{webhook_id}", "WebhookUpdate", ("url", "events", "active"), ("description",)
)
PROJECT_WEBHOOK = PatchRoute(
    "/api/projects/{project_id}/webhooks/{webhook_id}", "WebhookUpdate", ("url", "events", "active"), ("description",)
)
ROUTES = (PROJECT, KEY, BULK, MEMBER, ORG, STATUS, GLOSSARY, TERM, ORG_WEBHOOK, PROJECT_WEBHOOK)


def test_every_patch_route_is_covered() -> None:
    patch_routes = {
        "/api" + route.path
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute) and "PATCH" in route.methods
    }
    assert patch_routes == {r.template for r in ROUTES}


@pytest.fixture
def setup(tenant: Tenant, client: TestClient) -> dict[str, Any]:
    project = tenant.project(name="Nulls", description="Keep me", preferredModel="m-1")
    keys = f"/api/projects/{project['_id']}/keys"
    body = {"key": "k", "namespace": "ns", "description": "d", "tags": ["t"], "maxLength": 9, "context": "c"}
    key = client.post(keys, json=body, headers=tenant.headers).json()
    put = client.put(f"{keys}/{key['_id']}/translations/fr", json={"value": "v"}, headers=tenant.headers)
    assert put.status_code == 200, put.text
    member = tenant.member("translator")
    glossaries = "/api/organizations/current/glossaries"
    body = {"name": "G", "description": "d", "sourceLanguage": "en", "targetLanguages": ["fr"]}
    glossary = client.post(glossaries, json=body, headers=tenant.headers).json()
    term_body = {"term": "file", "description": "d", "partOfSpeech": "noun", "translations": {"fr": "fichier"}}
    term = client.post(f"{glossaries}/{glossary['_id']}/terms", json=term_body, headers=tenant.headers).json()
    hook_body = {"url": "https://93.184.215.14/hook", "events": ["*"], "description": "d"}
    org_hook = client.post("/api/organizations/current/webhooks", json=hook_body, headers=tenant.headers).json()
    project_hooks = f"/api/projects/{project['_id']}/webhooks"
    project_hook = client.post(project_hooks, json=hook_body, headers=tenant.headers).json()
    return {
        ORG_WEBHOOK.template: f"/api/organizations/current/webhooks/{org_hook['_id']}",
        PROJECT_WEBHOOK.template: f"{project_hooks}/{project_hook['_id']}",
        GLOSSARY.template: f"{glossaries}/{glossary['_id']}",
        TERM.template: f"{glossaries}/terms/{term['_id']}",
        PROJECT.template: f"/api/projects/{project['_id']}",
        KEY.template: f"{keys}/{key['_id']}",
        BULK.template: f"{keys}/bulk",
        MEMBER.template: f"/api/organizations/current/members/{member.user_id}",
        ORG.template: "/api/organizations/current",
        STATUS.template: f"{keys}/{key['_id']}/translations/fr/status",
        "project": project,
        "key": key,
        "reads": {
            PROJECT.template: f"/api/projects/{project['_id']}",
            KEY.template: f"{keys}/{key['_id']}",
            BULK.template: f"{keys}/{key['_id']}",
            MEMBER.template: "/api/organizations/current/members",
            ORG.template: "/api/organizations/current",
            STATUS.template: f"{keys}/{key['_id']}/translations",
            GLOSSARY.template: f"{glossaries}/{glossary['_id']}",
            TERM.template: f"{glossaries}/{glossary['_id']}/terms",
            ORG_WEBHOOK.template: "/api/organizations/current/webhooks",
            PROJECT_WEBHOOK.template: project_hooks,
        },
    }


def _body(route: PatchRoute, setup: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    if route is BULK:
        item = {"_id": setup["key"]["_id"], field: value}
        return {"keys": [item]}
    return {field: value}


def _field_name(route: PatchRoute, field: str) -> str:
    return f"keys.0.{field}" if route is BULK else field


CASES = [(route, field) for route in ROUTES for field in route.not_nullable]


@pytest.mark.parametrize(("route", "field"), CASES, ids=[f"{r.schema}.{f}" for r, f in CASES])
def test_null_for_a_field_that_cannot_be_null_is_400_naming_it(
    tenant: Tenant, client: TestClient, setup: dict[str, Any], route: PatchRoute, field: str
) -> None:
    url, read = setup[route.template], setup["reads"][route.template]
    before = client.get(read, headers=tenant.headers).json()

    response = client.patch(url, json=_body(route, setup, field, None), headers=tenant.headers)

    message = assert_error(response, 400, url)
    assert f"{_field_name(route, field)} should not be null" in message, message
    assert client.get(read, headers=tenant.headers).json() == before


def test_bulk_patch_with_null_keys_is_400(tenant: Tenant, client: TestClient, setup: dict[str, Any]) -> None:
    message = assert_error(client.patch(setup[BULK.template], json={"keys": None}, headers=tenant.headers), 400)
    assert "keys should not be null" in message or any("keys" in m for m in message), message


@pytest.mark.parametrize("route", [PROJECT, KEY, BULK], ids=lambda r: r.schema)
def test_null_clears_a_field_that_can_be_empty(
    tenant: Tenant, client: TestClient, setup: dict[str, Any], route: PatchRoute
) -> None:
    url, read = setup[route.template], setup["reads"][route.template]
    for field in route.clearable:
        assert client.get(read, headers=tenant.headers).json()[field] is not None
        response = client.patch(url, json=_body(route, setup, field, None), headers=tenant.headers)
        assert response.status_code == 200, response.text
        assert client.get(read, headers=tenant.headers).json()[field] is None


def test_a_field_left_out_keeps_its_value(tenant: Tenant, client: TestClient, setup: dict[str, Any]) -> None:
    response = client.patch(setup[PROJECT.template], json={"name": "Renamed"}, headers=tenant.headers)
    assert response.status_code == 200, response.text
    after = response.json()
    assert (after["name"], after["description"], after["preferredModel"]) == ("Renamed", "Keep me", "m-1")
    assert after["sourceLanguage"] == setup["project"]["sourceLanguage"]


def test_the_published_schema_allows_null_exactly_where_it_clears(app_client: TestClient) -> None:
    assert isinstance(app_client.app, FastAPI)
    components = app_client.app.openapi()["components"]["schemas"]
    for route in ROUTES:
        properties = components[route.schema]["properties"]
        for field in (*route.not_nullable, *route.clearable):
            nullable = {"type": "null"} in properties[field].get("anyOf", []) or properties[field].get("type") == "null"
            assert nullable == (field in route.clearable), f"{route.schema}.{field}: {properties[field]}"
