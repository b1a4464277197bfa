"""Fixtures for the method-style API: a project with its compat token, and a caller that
sends parameters in any of the accepted encodings and checks the envelope of every answer."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from tests.conftest import Tenant

ENVELOPE_OK = {"ok", "result"}
ENVELOPE_ERROR = {"ok", "description"}


def envelope(response: Response, token: str | None = None) -> dict[str, Any]:
    """The answer is always the envelope, never the main API's error shape, never the token."""
    assert response.headers["content-type"].startswith("application/json"), response.text
    body = response.json()
    assert isinstance(body, dict)
    assert set(body) in (ENVELOPE_OK, ENVELOPE_ERROR), body
    assert body["ok"] is (set(body) == ENVELOPE_OK)
    if not body["ok"]:
        assert isinstance(body["description"], str) and body["description"]
    if token is not None:
        assert token not in response.text
    return body  # type: ignore[no-any-return]


@dataclass
class Compat:
    tenant: Tenant
    client: TestClient
    project_id: str
    token: str

    @property
    def base(self) -> str:
        return f"/compat/api/{self.token}/"

    def raw(self, method: str, *, via: str = "json", **params: Any) -> Response:
        url = self.base + method
        if via == "query":
            return self.client.get(url, params={k: _flat(v) for k, v in params.items()})
        if via == "form":
            return self.client.post(url, data={k: _flat(v) for k, v in params.items()})
        if via == "multipart":
            files = {k: (None, _flat(v)) for k, v in params.items()}
            return self.client.post(url, files=files or {"_": (None, "")})
        return self.client.post(url, json=params)

    def call(self, method: str, *, via: str = "json", **params: Any) -> Any:
        """The result of a call that must succeed (HTTP 200, ok true)."""
        response = self.raw(method, via=via, **params)
        body = envelope(response, self.token)
        assert response.status_code == 200 and body["ok"], body
        return body["result"]

    def fail(self, method: str, *, status: int = 200, via: str = "json", **params: Any) -> str:
        """The description of a call that must be refused."""
        response = self.raw(method, via=via, **params)
        body = envelope(response, self.token)
        assert response.status_code == status and not body["ok"], (response.status_code, body)
        return str(body["description"])

    def patch_settings(self, compat: dict[str, Any]) -> None:
        response = self.client.patch(
            f"/api/projects/{self.project_id}", json={"settings": {"compat": compat}}, headers=self.tenant.headers
        )
        assert response.status_code == 200, response.text

    def api(self, method: str, path: str, **kwargs: Any) -> Response:
        return self.client.request(
            method, f"/api/projects/{self.project_id}{path}", headers=self.tenant.headers, **kwargs
        )


def _flat(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def make_compat(tenant: Tenant, **project: Any) -> Compat:
    body = {"targetLanguages": ["uk", "fr", "de"], **project}
    created = tenant.project(**body)
    project_id = str(created["_id"])
    response = tenant.client.get(f"/api/projects/{project_id}/compat-token", headers=tenant.headers)
    assert response.status_code == 200, response.text
    return Compat(tenant=tenant, client=tenant.client, project_id=project_id, token=response.json()["token"])


@pytest.fixture
def compat(tenant: Tenant) -> Compat:
    return make_compat(tenant)
