"""Reading the activity feeds over HTTP, as a client does."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from entri.activity.models import ActivityEntry
from tests.conftest import Tenant

ENTRY_FIELDS = {
    "_id",
    "action",
    "userId",
    "userName",
    "tokenId",
    "projectId",
    "organizationId",
    "targetId",
    "targetType",
    "source",
    "language",
    "count",
    "metadata",
    "created",
}


def org_feed(tenant: Tenant, headers: dict[str, str] | None = None, **params: Any) -> list[dict[str, Any]]:
    """The organization feed, newest first (one page of up to 200)."""
    return page(tenant, "/api/organizations/current/activity", headers, **params)["data"]  # type: ignore[no-any-return]


def project_feed(tenant: Tenant, project_id: str, **params: Any) -> list[dict[str, Any]]:
    return page(tenant, f"/api/projects/{project_id}/activity", None, **params)["data"]  # type: ignore[no-any-return]


def page(tenant: Tenant, url: str, headers: dict[str, str] | None = None, **params: Any) -> dict[str, Any]:
    response = tenant.client.get(url, params={"limit": 200, **params}, headers=headers or tenant.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert all(set(entry) == ENTRY_FIELDS for entry in body["data"]), body["data"][:1]
    return body


def actions(entries: list[dict[str, Any]]) -> list[str]:
    return [e["action"] for e in entries]


def one(entries: list[dict[str, Any]], action: str) -> dict[str, Any]:
    """The single entry of `action` (an action recorded twice is a failure)."""
    found = [e for e in entries if e["action"] == action]
    assert len(found) == 1, (action, actions(entries))
    return found[0]


def stored_count(tenant: Tenant) -> int:
    """Entries of the tenant's organization, counted in the database (not through the API)."""
    with tenant.database.session() as session:
        query = select(func.count()).select_from(ActivityEntry)
        return int(session.scalar(query.where(ActivityEntry.organization_id == tenant.organization_id)) or 0)


def project(tenant: Tenant, **body: Any) -> str:
    return str(tenant.project(**body)["_id"])


def add_key(tenant: Tenant, project_id: str, name: str, source: str | None = None, **body: Any) -> str:
    payload = {"key": name, **({"sourceValue": source} if source is not None else {}), **body}
    response = tenant.client.post(f"/api/projects/{project_id}/keys", json=payload, headers=tenant.headers)
    assert response.status_code == 201, response.text
    return str(response.json()["_id"])
