"""The Swagger contract (spec §3.1): `/api/docs` documents every route with its request and
response models, each carrying an example, and those examples are true to the models."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel

from entri.app import ROUTERS, create_app
from entri.core.config import Settings
from entri.core.db import Database
from entri.core.schemas import RequestModel, ResponseModel

JSON = "application/json"
FILE = "application/octet-stream"
STREAM = "text/event-stream"
"""Server-Sent Events (job progress): documented by description, no JSON body to give an example of."""
REF = "#/components/schemas/"
# Routes answering a bare JSON primitive (no model to hang an example on).
PRIMITIVE_RESPONSES = {("get", "/api/health"), ("get", "/api/projects/{project_id}/formats")}
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
TIME_FIELDS = {
    "createdAt",
    "updatedAt",
    "archivedAt",
    "joinedAt",
    "invitedAt",
    "expiresAt",
    "lastUsedAt",
    "created",
    "timestamp",
    "startedAt",
    "finishedAt",
}
ID_PREFIXES = (
    *("proj_", "key_", "hist_", "tok_", "user_", "org_", "inv_", "job_", "gloss_", "term_", "tm_", "act_"),
    *("whk_", "dlv_", "sug_"),
)
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    tmp = tmp_path_factory.mktemp("openapi")
    database = Database(f"sqlite:///{tmp / 'x.db'}")  # never touched: OpenAPI generation needs no database
    return create_app(database, Settings(data_dir=Path(tmp)))


@pytest.fixture(scope="module")
def document(app: FastAPI) -> dict[str, Any]:
    return app.openapi()


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield method, path, operation


def _missing_examples(schema: dict[str, Any], components: dict[str, Any]) -> list[str]:
    """Why `schema` (a `$ref`, an array of one, or a union of those) lacks an example; [] if it has one."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix(REF)
        return [] if components[name].get("examples") else [name]
    if schema.get("type") == "array" and "items" in schema:
        return _missing_examples(schema["items"], components)
    for union in ("anyOf", "oneOf"):
        if union in schema:
            return [why for part in schema[union] for why in _missing_examples(part, components)]
    return [f"inline schema without a model: {schema}"]


def test_every_operation_documents_bodies_with_examples(document: dict[str, Any]) -> None:
    components = document["components"]["schemas"]
    problems: list[str] = []
    checked = 0
    for method, path, operation in _operations(document):
        where = f"{method.upper()} {path}"
        request = operation.get("requestBody", {}).get("content", {})
        if request:
            assert JSON in request, f"{where}: request body is not JSON"
            problems += [f"{where} request: {why}" for why in _missing_examples(request[JSON]["schema"], components)]
        responses = operation["responses"]
        success = [code for code in ("200", "201", "202") if code in responses]
        assert success or "204" in responses, f"{where}: no success response documented"
        for code in success:
            content = responses[code].get("content", {})
            if FILE in content or STREAM in content:
                continue
            assert JSON in content, f"{where}: {code} has no JSON body"
            if (method, path) in PRIMITIVE_RESPONSES:
                assert "$ref" not in str(content[JSON]["schema"]), f"{where}: exempt but returns a model"
                continue
            checked += 1
            problems += [f"{where} {code}: {why}" for why in _missing_examples(content[JSON]["schema"], components)]
    assert not problems, "\n".join(problems)
    assert checked > 30


def test_every_component_schema_has_an_example(document: dict[str, Any]) -> None:
    """Nested models too (Meta, KeyCreate inside KeyBulkCreate, …): Swagger shows them on their own."""
    components = document["components"]["schemas"]
    missing = [
        name for name, schema in components.items() if schema.get("type") == "object" and not schema.get("examples")
    ]
    assert not missing, missing


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    """Every pydantic model an annotation names, nested fields included."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        for field in annotation.model_fields.values():
            yield from _models_in(field.annotation)
        return
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        yield from _models_in(typing.get_args(annotation)[0])
        return
    if origin is not None or isinstance(annotation, types.UnionType):
        for arg in typing.get_args(annotation):
            yield from _models_in(arg)


def _route_models() -> list[type[BaseModel]]:
    found: dict[type[BaseModel], None] = {}
    for router in ROUTERS:
        for route in router.routes:
            assert isinstance(route, APIRoute)
            annotations = [param.field_info.annotation for param in route.dependant.body_params]
            annotations.append(route.response_model)
            annotations += [extra.get("model") for extra in route.responses.values()]
            for annotation in annotations:
                found.update(dict.fromkeys(_models_in(annotation)))
    return list(found)


ROUTE_MODELS = _route_models()


def test_route_models_are_found() -> None:
    names = {model.__name__ for model in ROUTE_MODELS}
    assert {"ErrorOut", "Meta", "KeyCreate", "KeyBulkUpdateItem", "OverwriteItemIn", "NotFoundItem"} <= names
    assert len(names) == len(ROUTE_MODELS), "two route models share a name"


def _examples(model: type[BaseModel]) -> list[Any]:
    extra = model.model_config.get("json_schema_extra")
    assert isinstance(extra, dict), f"{model.__name__} has no model-level example"
    examples = extra.get("examples")
    assert isinstance(examples, list) and examples, f"{model.__name__} has no model-level example"
    return examples


def _walk(value: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    yield key, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v, key)


@pytest.mark.parametrize("model", ROUTE_MODELS, ids=lambda model: model.__name__)
def test_examples_validate_against_their_model(model: type[BaseModel]) -> None:
    for example in _examples(model):
        parsed = model.model_validate(example)
        if issubclass(model, ResponseModel):
            # Exactly the keys the model serializes (`_id`, not `id`; nothing the route never returns).
            assert parsed.model_dump(mode="json", by_alias=True) == example
        else:
            assert issubclass(model, RequestModel)
            assert model.model_config.get("extra") == "forbid", "the base config was replaced, not merged"
        for key, value in _walk(example):
            if key in TIME_FIELDS and isinstance(value, str):  # `created` is also a count (BulkCreated)
                assert TIMESTAMP.match(value), f"{model.__name__}.{key}: {value!r} is not ISO with ms and Z"
            if key in ("_id", "keyId", "projectId", "organizationId", "userId", "invitedBy") and isinstance(value, str):
                assert value.startswith(ID_PREFIXES), f"{model.__name__}.{key}: {value!r}"


def test_subclass_examples_are_their_own() -> None:
    """A subclass inherits its parent's `json_schema_extra`: each must state its own example."""
    for model in ROUTE_MODELS:
        for parent in model.__mro__[1:]:
            if parent in ROUTE_MODELS:
                assert _examples(model) is not _examples(parent), f"{model.__name__} reuses {parent.__name__}'s example"


def test_swagger_ui_and_no_422(app: FastAPI) -> None:
    client = TestClient(app)
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert docs.headers["content-type"].startswith("text/html")
    assert "swagger-ui" in docs.text.lower()
    spec = client.get("/api/openapi.json")
    assert spec.status_code == 200
    document = spec.json()
    codes = {code for _, _, operation in _operations(document) for code in operation["responses"]}
    assert "422" not in codes
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_published_examples_keep_nulls(document: dict[str, Any]) -> None:
    components = document["components"]["schemas"]
    changed = [model.__name__ for model in ROUTE_MODELS if components[model.__name__]["examples"] != _examples(model)]
    assert not changed, changed
