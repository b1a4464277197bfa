"""Hostile input never yields anything but the envelope: wrong types, odd encodings, random
bytes, unknown methods. Every dangerous method is switched on so the input reaches them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from entri.compat.service import METHODS
from entri.core.db import Database
from entri.core.permissions import Role
from entri.organizations import service as orgs
from tests.compat.conftest import Compat, envelope, make_compat
from tests.conftest import Tenant, _add_member

PARAMS = [
    "name", "parent_id", "description", "category_id", "string_key", "string_id", "string_context",
    "default_translation_language", "default_translation_value", "copy_translations_from", "labels",
    "translation_language", "translation_value", "approve", "format",
]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["0", "1", "17", "18", "-1", "1e5", "0x10", " 1 ", "true", "json", "9", "po", "99999999999"]),
    st.text(alphabet="ab", min_size=2400, max_size=2600),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
names = st.one_of(st.sampled_from(PARAMS), st.text(max_size=12), st.sampled_from(["labels[x]", "labels[0][label_id]"]))
methods = st.one_of(
    st.sampled_from(sorted(METHODS)), st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC%.-_~", max_size=20)
)


@pytest.fixture(scope="module")
def hostile(database: Database, app_client: TestClient) -> Compat:
    """One project for the whole module: hypothesis runs many examples against it."""
    with database.session(write=True) as session:
        org = orgs.create_organization(session, name="Hostile")
        session.commit()
        org_id = org.id
    owner = _add_member(database, org_id, Role.OWNER)
    tenant = Tenant(database=database, client=app_client, organization_id=org_id, owner=owner)
    compat = make_compat(tenant)
    compat.patch_settings(
        {
            "allowDeleteString": True,
            "allowUpdateTranslation": True,
            "allowDisapproveAllTranslations": True,
            "allowDeleteAllSuggestions": True,
            "labels": [
                {"name": "Flag", "type": "checkbox", "default": 1},
                {"name": "Kind", "type": "select", "options": [{"name": "A", "value": "a"}], "default": "a"},
                {"name": "Note", "type": "input"},
            ],
        }
    )
    category = compat.call("createCategory", name="Hostile")
    for i in range(3):
        compat.call(
            "createString",
            category_id=category,
            string_key=f"k{i}",
            default_translation_language=17,
            default_translation_value="Text",
        )
    return compat


def _encode(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _check(compat: Compat, response: Any) -> None:
    assert response.status_code in (200, 404), (response.status_code, response.text)
    envelope(response, compat.token)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    method=methods,
    params=st.dictionaries(names, values, max_size=6),
    via=st.sampled_from(["json", "query", "form", "multipart"]),
)
def test_random_parameters_get_the_envelope(hostile: Compat, method: str, params: dict[str, Any], via: str) -> None:
    url = hostile.base + method
    if via == "json":
        try:
            body = json.dumps(params, allow_nan=True).encode()
        except (ValueError, OverflowError):
            return
        response = hostile.client.post(url, content=body, headers={"content-type": "application/json"})
    else:
        flat = {k: _encode(v) for k, v in params.items()}
        if via == "query":
            response = hostile.client.get(url, params=flat)
        elif via == "form":
            response = hostile.client.post(url, data=flat)
        else:
            response = hostile.client.post(url, files={k: (None, v) for k, v in flat.items()} or {"_": (None, "")})
    _check(hostile, response)


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    method=st.sampled_from(sorted(METHODS)),
    body=st.binary(max_size=300),
    content_type=st.sampled_from(
        ["application/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain", ""]
    ),
)
def test_random_bytes_get_the_envelope(hostile: Compat, method: str, body: bytes, content_type: str) -> None:
    headers = {"content-type": content_type} if content_type else {}
    _check(hostile, hostile.client.post(hostile.base + method, content=body, headers=headers))


@pytest.mark.parametrize("method", sorted(METHODS))
@pytest.mark.parametrize(
    "params",
    [
        {"string_id": [1]},
        {"string_id": {"a": 1}},
        {"string_id": 1.5},
        {"string_id": True},
        {"string_id": 2**80},
        {"category_id": "1; DROP TABLE keys"},
        {"translation_language": [17]},
        {"translation_language": 1.0},
        {"labels": "[[["},
        {"labels": [1, 2]},
        {"format": {"x": 1}},
        {"name": None, "string_key": 5},
    ],
)
def test_wrong_types_are_refused(hostile: Compat, method: str, params: dict[str, Any]) -> None:
    response = hostile.raw(method, **params)
    _check(hostile, response)
