"""HTTP helpers for the translation-memory tests."""

from __future__ import annotations

from typing import Any

from tests.conftest import Tenant


def add_key(tenant: Tenant, project_id: str, name: str, source: str) -> str:
    body = {"key": name, "sourceValue": source}
    response = tenant.client.post(f"/api/projects/{project_id}/keys", json=body, headers=tenant.headers)
    assert response.status_code == 201, response.text
    return str(response.json()["_id"])


def put(tenant: Tenant, project_id: str, key_id: str, language: str, **body: Any) -> dict[str, Any]:
    url = f"/api/projects/{project_id}/keys/{key_id}/translations/{language}"
    response = tenant.client.put(url, json=body, headers=tenant.headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def search(tenant: Tenant, text: str, source: str = "en", target: str = "fr", **params: Any) -> list[dict[str, Any]]:
    query = {"sourceText": text, "sourceLang": source, "targetLang": target, **params}
    response = tenant.client.get("/api/organizations/current/tm/search", params=query, headers=tenant.headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def browse(tenant: Tenant, **params: Any) -> dict[str, Any]:
    response = tenant.client.get("/api/organizations/current/tm", params=params, headers=tenant.headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def approved(tenant: Tenant, project_id: str, pairs: dict[str, str], language: str = "fr") -> dict[str, str]:
    """Keys with these source texts, translated and approved in `language`; name -> key id."""
    ids: dict[str, str] = {}
    for i, (source, target) in enumerate(pairs.items()):
        key_id = add_key(tenant, project_id, f"{language}{i}", source)
        put(tenant, project_id, key_id, language, value=target, status="approved")
        ids[source] = key_id
    return ids
