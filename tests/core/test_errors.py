"""The error contract (spec §3.4, decisions.md 17, 19, 24): no input yields a 500, every failure
has the one error body, and validation names the field."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import hypothesis
import pytest
from fastapi.testclient import TestClient
from httpx import Response
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from entri.core.config import Settings
from tests.conftest import Tenant

ERROR_KEYS = {"statusCode", "error", "message", "timestamp", "path"}
PHRASES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed"}
PHRASES |= {409: "Conflict", 413: "Payload Too Large"}
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def assert_error(response: Response, status: int, path: str | None = None) -> Any:
    """The spec's error body; returns `message`."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == ERROR_KEYS, body
    assert body["statusCode"] == status
    assert body["error"] == PHRASES[status]
    assert TIMESTAMP.match(body["timestamp"]), body["timestamp"]
    assert isinstance(body["message"], str | list) and body["message"]
    assert body["path"] == (path if path is not None else response.request.url.path)
    return body["message"]


def names(message: Any, field: str) -> bool:
    """Whether a validation message (string or list) names `field`."""
    parts = message if isinstance(message, list) else [message]
    return any(field in part for part in parts)


@pytest.fixture
def api(app_client: TestClient) -> Iterator[TestClient]:
    """The real app, but a server error comes back as a response (to assert on) instead of raising."""
    client = TestClient(app_client.app, raise_server_exceptions=False)
    yield client
    client.close()


@dataclass
class World:
    tenant: Tenant
    project_id: str
    key_id: str

    @property
    def headers(self) -> dict[str, str]:
        return self.tenant.headers

    @property
    def project(self) -> str:
        return f"/api/projects/{self.project_id}"

    @property
    def keys(self) -> str:
        return f"{self.project}/keys"

    def translation(self, language: str = "fr", key_id: str | None = None) -> str:
        return f"{self.keys}/{key_id or self.key_id}/translations/{language}"


@pytest.fixture
def world(tenant: Tenant, api: TestClient) -> World:
    project = tenant.project(name="Errors", targetLanguages=["fr", "de", "pt-BR"])
    key = api.post(f"/api/projects/{project['_id']}/keys", json={"key": "greeting"}, headers=tenant.headers)
    assert key.status_code == 201, key.text
    return World(tenant=tenant, project_id=str(project["_id"]), key_id=key.json()["_id"])


def new_project(**extra: object) -> dict[str, object]:
    return {"name": "P", "sourceLanguage": "en", "targetLanguages": ["fr"], **extra}


# --- unknown fields, wrong types, invalid JSON ----------------------------------------------


@pytest.mark.parametrize(
    ("route", "method", "body"),
    [
        ("projects", "POST", new_project(colour="red")),
        ("project", "PATCH", {"name": "x", "colour": "red"}),
        ("keys", "POST", {"key": "k", "colour": "red"}),
        ("key", "PATCH", {"colour": "red"}),
        ("translation", "PUT", {"value": "v", "colour": "red"}),
        ("status", "PATCH", {"status": "reviewed", "colour": "red"}),
        ("overwrite", "POST", {"translations": [], "colour": "red"}),
        ("tokens", "POST", {"name": "t", "colour": "red"}),
    ],
)
def test_unknown_field_is_400_naming_it(world: World, api: TestClient, route: str, method: str, body: object) -> None:
    path = route_path(world, route)
    message = assert_error(api.request(method, path, json=body, headers=world.headers), 400, path)
    assert any(re.fullmatch(r"property (\w+\.)?colour should not exist", m) for m in message), message


def route_path(world: World, route: str) -> str:
    return {
        "projects": "/api/projects",
        "project": world.project,
        "keys": world.keys,
        "key": f"{world.keys}/{world.key_id}",
        "translation": world.translation(),
        "status": world.translation() + "/status",
        "overwrite": f"{world.project}/translations/overwrite",
        "tokens": "/api/organizations/current/tokens",
    }[route]


@pytest.mark.parametrize(
    ("route", "body", "field"),
    [
        ("projects", new_project(name=123), "name"),
        ("projects", new_project(name=None), "name"),
        ("projects", new_project(targetLanguages="fr"), "targetLanguages"),
        ("projects", new_project(targetLanguages=[1, 2]), "targetLanguages"),
        ("projects", {"sourceLanguage": "en"}, "name"),
        ("projects", {"name": "x", "sourceLanguage": 5}, "sourceLanguage"),  # omitted: the org default
        ("keys", {"key": ["a"]}, "key"),
        ("keys", {"key": "k", "tags": "ui"}, "tags"),
        ("keys", {"key": "k", "isPlural": "sometimes"}, "isPlural"),
        ("keys", {"key": "k", "maxLength": "ten"}, "maxLength"),
        ("keys", {"key": "k", "maxLength": 10**30}, "maxLength"),
        ("keys", {"key": ""}, "key"),
        ("translation", {"value": 5}, "value"),
        ("translation", {"value": "v", "source": "robot"}, "source"),
        ("translation", {"value": "v", "aiConfidence": 101}, "aiConfidence"),
        ("translation", {"value": "v", "status": "done"}, "status"),
        ("translation", {"pluralForms": ["a"]}, "pluralForms"),
        ("status", {"status": "finished"}, "status"),
        ("status", {}, "status"),
    ],
)
def test_wrong_types_are_400_naming_the_field(
    world: World, api: TestClient, route: str, body: dict[str, object], field: str
) -> None:
    path = route_path(world, route)
    method = {"projects": "POST", "keys": "POST", "translation": "PUT", "status": "PATCH"}[route]
    message = assert_error(api.request(method, path, json=body, headers=world.headers), 400, path)
    assert names(message, field), message


@pytest.mark.parametrize("body", [[], "a string", 42, None, True])
def test_body_that_is_not_an_object_is_400(world: World, api: TestClient, body: object) -> None:
    assert_error(api.post("/api/projects", json=body, headers=world.headers), 400, "/api/projects")
    assert_error(api.put(world.translation(), json=body, headers=world.headers), 400)


@pytest.mark.parametrize(
    "raw",
    [b'{"name": ', b"{name: 'x'}", b"\xff\xfe\x00", b"", b"[" * 50_000 + b"]" * 50_000, b'{"key": "k"} trailing'],
    ids=["truncated", "not-json", "not-utf8", "empty", "deeply-nested", "trailing-garbage"],
)
def test_invalid_json_is_400(world: World, api: TestClient, raw: bytes) -> None:
    headers = {**world.headers, "Content-Type": "application/json"}
    assert_error(api.post(world.keys, content=raw, headers=headers), 400, world.keys)
    assert_error(api.post("/api/projects", content=raw, headers=headers), 400, "/api/projects")


def test_invalid_json_message_says_so(world: World, api: TestClient) -> None:
    headers = {**world.headers, "Content-Type": "application/json"}
    message = assert_error(api.post(world.keys, content=b'{"key": "x"', headers=headers), 400)
    assert names(message, "not valid JSON"), message


def test_form_body_instead_of_json_is_400(world: World, api: TestClient) -> None:
    assert_error(api.post(world.keys, data={"key": "x"}, headers=world.headers), 400, world.keys)


# --- size limits of fields (decisions.md 24) ------------------------------------------------


def test_key_name_limit_is_10000_characters(world: World, api: TestClient) -> None:
    message = assert_error(api.post(world.keys, json={"key": "k" * 10_001}, headers=world.headers), 400)
    assert names(message, "key")
    assert api.post(world.keys, json={"key": "k" * 10_000}, headers=world.headers).status_code == 201


def test_value_limit_is_100000_characters(world: World, api: TestClient) -> None:
    message = assert_error(api.put(world.translation(), json={"value": "v" * 100_001}, headers=world.headers), 400)
    assert names(message, "value")
    ok = api.put(world.translation(), json={"value": "v" * 100_000}, headers=world.headers)
    assert ok.status_code == 200, ok.text[:300]
    assert len(ok.json()["value"]) == 100_000


@pytest.mark.parametrize(
    ("route", "body", "field"),
    [
        ("keys", {"key": "k", "sourceValue": "s" * 100_001}, "sourceValue"),
        ("keys", {"key": "k", "context": "c" * 2_501}, "context"),
        ("keys", {"key": "k", "namespace": "n" * 256}, "namespace"),
        ("keys", {"key": "k", "tags": ["t" * 101]}, "tags"),
        ("projects", new_project(name="n" * 201), "name"),
        ("overwrite", {"translations": [{"key": "greeting", "language": "fr", "value": "v" * 100_001}]}, "value"),
        ("overwrite", {"translations": [{"key": "k" * 10_001, "language": "fr", "value": "v"}]}, "key"),
    ],
)
def test_oversized_fields_are_400(
    world: World, api: TestClient, route: str, body: dict[str, object], field: str
) -> None:
    path = route_path(world, route)
    message = assert_error(api.post(path, json=body, headers=world.headers), 400, path)
    assert names(message, field), message


@pytest.mark.parametrize("body", [[], {"translations": []}], ids=["bare-list", "object"])
def test_empty_overwrite_is_not_500(world: World, api: TestClient, body: object) -> None:
    path = route_path(world, "overwrite")
    response = api.post(path, json=body, headers=world.headers)
    if response.status_code == 200:
        assert response.json() == {"overwritten": 0, "notFound": []}
    else:
        assert_error(response, 400, path)


def test_too_many_items_in_overwrite_is_400(world: World, api: TestClient) -> None:
    items = [{"key": f"k{i}", "language": "fr", "value": "v"} for i in range(1001)]
    path = route_path(world, "overwrite")
    assert_error(api.post(path, json={"translations": items}, headers=world.headers), 400, path)


# --- language codes (decisions.md 19) -------------------------------------------------------

BAD_CODES = ["xx", "en_", "a" * 40, "", "fr-FR-", "123"]


@pytest.mark.parametrize("code", BAD_CODES)
def test_invalid_language_in_body_is_400_naming_the_field(world: World, api: TestClient, code: str) -> None:
    message = assert_error(api.post("/api/projects", json=new_project(sourceLanguage=code), headers=world.headers), 400)
    assert names(message, "sourceLanguage"), message
    message = assert_error(
        api.post("/api/projects", json=new_project(targetLanguages=["fr", code]), headers=world.headers), 400
    )
    assert names(message, "targetLanguages"), message
    message = assert_error(api.post(f"{world.project}/languages", json={"language": code}, headers=world.headers), 400)
    assert names(message, "language"), message
    message = assert_error(api.patch(world.project, json={"sourceLanguage": code}, headers=world.headers), 400)
    assert names(message, "sourceLanguage"), message


@pytest.mark.parametrize("code", [c for c in BAD_CODES if c])
def test_invalid_language_in_path_or_query_is_400_naming_it(world: World, api: TestClient, code: str) -> None:
    h = world.headers
    assert names(assert_error(api.get(f"{world.project}/translations/{code}", headers=h), 400), "language")
    assert names(assert_error(api.put(world.translation(code), json={"value": "v"}, headers=h), 400), "language")
    status = api.patch(world.translation(code) + "/status", json={"status": "reviewed"}, headers=h)
    assert names(assert_error(status, 400), "language")
    assert names(assert_error(api.get(world.translation(code) + "/history", headers=h), 400), "language")
    assert names(assert_error(api.delete(f"{world.project}/languages/{code}", headers=h), 400), "lang")
    assert names(assert_error(api.get(f"{world.keys}?untranslated={code}", headers=h), 400), "untranslated")


def test_language_codes_are_normalized(world: World, api: TestClient) -> None:
    created = api.post(
        "/api/projects",
        json={"name": "Norm", "sourceLanguage": "EN", "targetLanguages": ["pt-br", "zh-hans", "pt_BR", "sr-latn-rs"]},
        headers=world.headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["sourceLanguage"] == "en"
    assert created.json()["targetLanguages"] == ["pt-BR", "zh-Hans", "sr-Latn-RS"]

    put = api.put(world.translation("pt-br"), json={"value": "Olá"}, headers=world.headers)
    assert put.status_code == 200, put.text
    assert put.json()["language"] == "pt-BR"
    listed = api.get(f"{world.project}/translations/PT-br", headers=world.headers)
    assert listed.status_code == 200
    assert [(t["language"], t["value"]) for t in listed.json()["data"]] == [("pt-BR", "Olá")]
    added = api.post(f"{world.project}/languages", json={"language": "zh-hans"}, headers=world.headers)
    assert added.status_code == 201, added.text
    assert "zh-Hans" in added.json()["targetLanguages"]
    dup = api.post(f"{world.project}/languages", json={"language": "ZH_HANS"}, headers=world.headers)
    assert_error(dup, 409)


# --- bad ids ---------------------------------------------------------------------------------

# `../` travels as `..%2F` (httpx resolves a bare or %2E-encoded dot segment before sending); a
# lone `..%2F` is the redirect bug below.
BAD_IDS = ["x" * 5000, "проект", "%F0%9F%92%A9", "..%2F..%2Fetc%2Fpasswd", "a..%2F", "proj_' OR '1'='1", "%20"]


@pytest.mark.parametrize("bad", BAD_IDS, ids=["long", "cyrillic", "emoji", "traversal", "dotdot", "sql", "space"])
def test_bad_ids_are_404(world: World, api: TestClient, bad: str) -> None:
    h = world.headers
    assert_error(api.get(f"/api/projects/{bad}", headers=h), 404)
    assert_error(api.patch(f"/api/projects/{bad}", json={"name": "x"}, headers=h), 404)
    assert_error(api.get(f"/api/projects/{bad}/keys", headers=h), 404)
    assert_error(api.get(f"{world.keys}/{bad}", headers=h), 404)
    assert_error(api.delete(f"{world.keys}/{bad}", headers=h), 404)
    assert_error(api.put(world.translation(key_id=bad), json={"value": "v"}, headers=h), 404)
    assert_error(api.post(world.translation() + f"/revert/{bad}", headers=h), 404)
    assert_error(api.delete(f"/api/organizations/current/tokens/{bad}", headers=h), 404)
    assert_error(api.delete(f"/api/organizations/current/members/{bad}", headers=h), 404)


def test_dot_dot_key_id_is_404_not_a_redirect_to_the_project(world: World, api: TestClient) -> None:
    response = api.delete(f"{world.keys}/..%2F", headers=world.headers)  # follows redirects, like clients do

    project = api.get(world.project, headers=world.headers).json()
    assert project["archived"] is False, "DELETE of key '../' archived the project"
    assert_error(response, 404)


def test_nul_byte_in_ids_is_400(world: World, api: TestClient) -> None:
    assert_error(api.get("/api/projects/proj%00x", headers=world.headers), 400)
    assert_error(api.get(f"{world.keys}/key%00x", headers=world.headers), 400)


def test_nul_byte_in_query_is_not_500(world: World, api: TestClient) -> None:
    for query in ("search=a%00b", "namespace=a%00b", "tag=a%00b"):
        response = api.get(f"{world.keys}?{query}", headers=world.headers)
        assert response.status_code in (200, 400), f"{query}: {response.status_code}"


def test_nul_byte_in_body_strings_is_not_500(world: World, api: TestClient) -> None:
    responses = [
        api.post(world.keys, json={"key": "a\x00b"}, headers=world.headers),
        api.post("/api/projects", json=new_project(name="a\x00b"), headers=world.headers),
        api.put(world.translation(), json={"value": "a\x00b"}, headers=world.headers),
    ]
    assert [r.status_code < 500 for r in responses] == [True, True, True], [r.status_code for r in responses]


# --- pagination (decisions.md 17) -----------------------------------------------------------


@pytest.mark.parametrize("collection", ["projects", "keys", "translations"])
def test_pagination_is_lenient_where_the_spec_says(world: World, api: TestClient, collection: str) -> None:
    path = {"projects": "/api/projects", "keys": world.keys, "translations": f"{world.project}/translations/fr"}
    url = path[collection]

    clamped = api.get(f"{url}?limit=500", headers=world.headers)
    first = api.get(f"{url}?page=0", headers=world.headers)
    negative = api.get(f"{url}?page=-3&limit=10", headers=world.headers)

    assert clamped.status_code == 200, clamped.text
    assert clamped.json()["meta"]["limit"] == 200
    assert first.json()["meta"]["page"] == 1
    assert first.json()["meta"]["limit"] == 50
    assert negative.json()["meta"] == {"page": 1, "limit": 10, "total": 1, "totalPages": 1}
    assert len(first.json()["data"]) == 1


@pytest.mark.parametrize("query", ["page=abc", "limit=abc", "page=1.5", "limit=", "page=1e3"])
def test_non_numeric_paging_is_400(world: World, api: TestClient, query: str) -> None:
    if query == "limit=":  # empty means default, not an error
        response = api.get(f"{world.keys}?{query}", headers=world.headers)
        assert response.status_code == 200
        assert response.json()["meta"]["limit"] == 50
        return
    message = assert_error(api.get(f"{world.keys}?{query}", headers=world.headers), 400)
    assert names(message, query.split("=")[0])


def test_page_past_the_end_is_empty(world: World, api: TestClient) -> None:
    response = api.get(f"{world.keys}?page=7&limit=10", headers=world.headers)
    assert response.status_code == 200
    assert response.json() == {"data": [], "meta": {"page": 7, "limit": 10, "total": 1, "totalPages": 1}}


@pytest.mark.parametrize("collection", ["projects", "keys"])
def test_huge_page_number_is_not_500(world: World, api: TestClient, collection: str) -> None:
    url = "/api/projects" if collection == "projects" else world.keys
    response = api.get(f"{url}?page=99999999999999999999", headers=world.headers)
    assert response.status_code in (200, 400), response.text


# --- request body cap (settings fixture: 2 MB) ----------------------------------------------


def oversized(settings: Settings) -> bytes:
    return b'{"name": "' + b"x" * settings.max_body_bytes + b'", "sourceLanguage": "en"}'


def test_body_over_the_cap_is_413_with_content_length(world: World, api: TestClient, settings: Settings) -> None:
    body = oversized(settings)
    headers = {**world.headers, "Content-Type": "application/json"}

    response = api.post("/api/projects", content=body, headers=headers)

    assert response.request.headers["content-length"] == str(len(body))
    message = assert_error(response, 413, "/api/projects")
    assert str(settings.max_body_bytes) in message
    put = api.put(world.translation(), content=body, headers=headers)
    assert_error(put, 413)


def test_body_over_the_cap_is_413_even_unauthenticated(api: TestClient, settings: Settings) -> None:
    response = api.post("/api/projects", content=oversized(settings), headers={"Content-Type": "application/json"})
    assert_error(response, 413, "/api/projects")


def test_streamed_body_over_the_cap_is_413(world: World, api: TestClient, settings: Settings) -> None:
    chunk = b"x" * (256 * 1024)
    chunks = settings.max_body_bytes // len(chunk) + 2

    def stream() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(chunks):
            yield chunk
        yield b'", "sourceLanguage": "en"}'

    response = api.post(
        "/api/projects", content=stream(), headers={**world.headers, "Content-Type": "application/json"}
    )

    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert "content-length" not in response.request.headers
    assert_error(response, 413, "/api/projects")


def test_body_at_the_cap_is_not_413(world: World, api: TestClient, settings: Settings) -> None:
    frame = len(b'{"name": "", "sourceLanguage": "en"}')
    at_cap = b'{"name": "' + b"x" * (settings.max_body_bytes - frame) + b'", "sourceLanguage": "en"}'
    assert len(at_cap) == settings.max_body_bytes

    response = api.post("/api/projects", content=at_cap, headers={**world.headers, "Content-Type": "application/json"})

    message = assert_error(response, 400)  # too long a name, but read and validated
    assert names(message, "name")


# --- routing errors -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/nope", "/api/projects/p/nope", "/nope", "/api/v2/projects"])
def test_unknown_route_is_404_error_body(world: World, api: TestClient, path: str) -> None:
    message = assert_error(api.get(path, headers=world.headers), 404, path)
    assert message == f"Cannot GET {path}"


def test_unknown_route_without_credentials_is_still_a_404_body(api: TestClient) -> None:
    assert_error(api.post("/api/nope", json={}), 404, "/api/nope")


@pytest.mark.parametrize(
    ("method", "path"),
    [("DELETE", "/api/projects"), ("PUT", "/api/auth/login"), ("GET", "/api/auth/logout"), ("POST", "/api/health")],
)
def test_wrong_method_is_405_error_body(world: World, api: TestClient, method: str, path: str) -> None:
    response = api.request(method, path, headers=world.headers)
    assert_error(response, 405, path)
    assert response.headers.get("allow")


# --- /api/v1 aliases ------------------------------------------------------------------------


def test_v1_aliases_hit_the_same_handlers(world: World, api: TestClient) -> None:
    h = world.headers
    created = api.post("/api/v1/projects", json=new_project(name="Via v1"), headers=h)
    assert created.status_code == 201, created.text
    project_id = created.json()["_id"]
    assert api.get(f"/api/projects/{project_id}", headers=h).json()["name"] == "Via v1"
    assert api.get(f"/api/v1/projects/{project_id}", headers=h).json()["name"] == "Via v1"
    key = api.post(f"/api/v1/projects/{project_id}/keys", json={"key": "k"}, headers=h)
    assert key.status_code == 201, key.text
    put = api.put(
        f"/api/v1/projects/{project_id}/keys/{key.json()['_id']}/translations/fr", json={"value": "v"}, headers=h
    )
    assert put.status_code == 200, put.text
    listing = api.get(f"/api/v1/projects/{project_id}/translations/fr", headers=h)
    assert [t["value"] for t in listing.json()["data"]] == ["v"]
    assert api.get("/api/v1/auth/me", headers=h).status_code == 200
    assert api.get("/api/v1/organizations/current/members", headers=h).status_code == 200
    assert_error(api.get("/api/v1/projects/nope", headers=h), 404, "/api/v1/projects/nope")
    assert_error(api.get("/api/v1/projects"), 401, "/api/v1/projects")


# --- Swagger UI and OpenAPI -----------------------------------------------------------------


def test_swagger_ui_is_served(api: TestClient) -> None:
    response = api.get("/api/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "swagger-ui" in response.text.lower()
    assert "/api/openapi.json" in response.text


def test_root_redirects_to_the_web_app(api: TestClient) -> None:
    response = api.get("/", follow_redirects=False)
    assert response.status_code in (302, 307)
    assert response.headers["location"] == "/app"


def openapi(api: TestClient) -> dict[str, Any]:
    response = api.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def schema_ref(operation: dict[str, Any], *where: str) -> str:
    node: Any = operation
    for step in where:
        node = node[step]
    return str(node["content"]["application/json"]["schema"]["$ref"]).rsplit("/", 1)[-1]


def test_openapi_lists_project_key_and_translation_paths(api: TestClient) -> None:
    paths = openapi(api)["paths"]
    expected = {
        "/api/projects": {"get", "post"},
        "/api/projects/{project_id}": {"get", "patch", "delete"},
        "/api/projects/{project_id}/languages": {"post"},
        "/api/projects/{project_id}/keys": {"get", "post"},
        "/api/projects/{project_id}/keys/bulk": {"post", "patch", "delete"},
        "/api/projects/{project_id}/keys/{key_id}": {"get", "patch", "delete"},
        "/api/projects/{project_id}/translations/{language}": {"get"},
        "/api/projects/{project_id}/translations/overwrite": {"post"},
        "/api/projects/{project_id}/keys/{key_id}/translations/{language}": {"put"},
        "/api/projects/{project_id}/keys/{key_id}/translations/{language}/status": {"patch"},
        "/api/projects/{project_id}/keys/{key_id}/translations/{language}/history": {"get"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), (path, set(paths[path]))
    assert not [p for p in paths if p.startswith("/api/v1/")], "aliases are documented once"


@pytest.mark.parametrize(
    ("path", "method", "request_schema", "status", "response_schema"),
    [
        ("/api/projects", "post", "ProjectCreate", "201", "ProjectOut"),
        ("/api/projects", "get", None, "200", "ProjectPage"),
        ("/api/projects/{project_id}/keys", "post", "KeyCreate", "201", "KeyOut"),
        ("/api/projects/{project_id}/keys", "get", None, "200", "KeyPage"),
        (
            "/api/projects/{project_id}/keys/{key_id}/translations/{language}",
            "put",
            "TranslationUpsert",
            "200",
            "TranslationOut",
        ),
        ("/api/projects/{project_id}/translations/{language}", "get", None, "200", "TranslationPage"),
    ],
)
def test_openapi_has_request_and_response_schemas(
    api: TestClient, path: str, method: str, request_schema: str | None, status: str, response_schema: str
) -> None:
    spec = openapi(api)
    operation = spec["paths"][path][method]
    if request_schema:
        assert schema_ref(operation, "requestBody") == request_schema
    assert schema_ref(operation, "responses", status) == response_schema
    assert schema_ref(operation, "responses", "400") == "ErrorOut"
    assert schema_ref(operation, "responses", "404") == "ErrorOut"
    error = spec["components"]["schemas"]["ErrorOut"]["properties"]
    assert set(error) == ERROR_KEYS
    assert "_id" in spec["components"]["schemas"]["ProjectOut"]["properties"]


def test_openapi_does_not_document_a_422_that_never_happens(api: TestClient) -> None:
    operation = openapi(api)["paths"]["/api/projects"]["post"]
    assert "422" not in operation["responses"]


# --- no input yields a 500 (property test) --------------------------------------------------

# NUL is left out on purpose: on PostgreSQL it is the known bug above and would drown every other finding.
_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | _text
_languages = st.sampled_from(["en", "fr", "de", "pt-br", "zh-hans", "xx", "en_", "", "FR", "a" * 40])
_fields = st.sampled_from(
    [
        "name", "description", "sourceLanguage", "targetLanguages", "preferredModel", "key", "namespace", "tags",
        "isPlural", "maxLength", "context", "sourceValue", "sourcePluralForms", "value", "pluralForms", "source",
        "aiConfidence", "status", "translations", "language", "_id",
    ]
)  # fmt: skip
json_values = st.recursive(
    _scalars | _languages,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_fields | _text, children, max_size=4),
    max_leaves=12,
)
plausible_objects = st.dictionaries(_fields, json_values, max_size=6)
bodies = st.one_of(json_values, plausible_objects, st.lists(plausible_objects, max_size=3))


@hypothesis.settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies)
def test_random_json_never_yields_a_500(world: World, api: TestClient, body: object) -> None:
    raw = json.dumps(body).encode()
    headers = {**world.headers, "Content-Type": "application/json"}
    targets = [
        ("POST", "/api/projects"),
        ("POST", world.keys),
        ("PUT", world.translation()),
        ("PUT", world.translation("pt-BR")),
        ("POST", f"{world.project}/translations/overwrite"),
    ]
    for method, path in targets:
        response = api.request(method, path, content=raw, headers=headers)
        assert response.status_code < 500, f"{method} {path} {raw[:300]!r}: {response.text[:300]}"
        if response.status_code >= 400:
            assert_error(response, response.status_code, path)
