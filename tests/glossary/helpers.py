"""Shared glossary test helpers: create a glossary and terms over HTTP."""

from __future__ import annotations

from typing import Any

from tests.conftest import Tenant


def base(tenant: Tenant) -> str:
    return f"/api/organizations/{tenant.organization_id}/glossaries"


def make_glossary(tenant: Tenant, **body: Any) -> dict[str, Any]:
    payload = {"name": "Product", "sourceLanguage": "en", "targetLanguages": ["fr", "de"], **body}
    r = tenant.client.post(base(tenant), json=payload, headers=tenant.headers)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def add_term(tenant: Tenant, glossary_id: str, **body: Any) -> dict[str, Any]:
    r = tenant.client.post(f"{base(tenant)}/{glossary_id}/terms", json=body, headers=tenant.headers)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def check(tenant: Tenant, text: str, language: str = "en", **body: Any) -> list[dict[str, Any]]:
    r = tenant.client.post(
        f"{base(tenant)}/check", json={"text": text, "sourceLanguage": language, **body}, headers=tenant.headers
    )
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]
