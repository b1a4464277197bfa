"""Helpers of the web tests: a project with strings, and signing in through the web form."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from fastapi.testclient import TestClient

from tests.conftest import Member, Tenant

ORIGIN = "http://testserver"
SOURCE = {
    "greeting": "Hello {name}",
    "farewell": "Goodbye",
    "files": "You have {count} files",
    "title": "Welcome",
}


@dataclass
class WebProject:
    tenant: Tenant
    id: str
    keys: dict[str, str]
    """Key name to key id."""

    @property
    def editor(self) -> str:
        return f"/app/projects/{self.id}/editor"

    def value(self, key: str, language: str = "fr") -> object:
        """The stored value, read through the API with the owner's token."""
        response = self.tenant.client.get(
            f"/api/projects/{self.id}/keys/{self.keys[key]}/translations", headers=self.tenant.headers
        )
        assert response.status_code == 200, response.text
        found = [t for t in response.json()["translations"] if t["language"] == language]
        return found[0]["value"] if found else None

    def status(self, key: str, language: str = "fr") -> object:
        response = self.tenant.client.get(
            f"/api/projects/{self.id}/keys/{self.keys[key]}/translations", headers=self.tenant.headers
        )
        found = [t for t in response.json()["translations"] if t["language"] == language]
        return found[0]["status"] if found else None


def make_project(tenant: Tenant, name: str = "Web", source: dict[str, str] | None = None) -> WebProject:
    client = tenant.client
    project = tenant.project(name=name)
    pid = str(project["_id"])
    body = {"language": "en", "format": "json-flat", "content": json.dumps(source or SOURCE)}
    response = client.post(f"/api/projects/{pid}/import", json=body, headers=tenant.headers)
    assert response.status_code == 200, response.text
    listed = client.get(f"/api/projects/{pid}/keys?limit=200", headers=tenant.headers).json()
    keys = {k["key"]: k["_id"] for k in listed["data"]}
    return WebProject(tenant=tenant, id=pid, keys=keys)


def sign_in(client: TestClient, member: Member) -> dict[str, str]:
    """Sign in through the web form; returns the headers the page's scripts send on writes."""
    response = client.post(
        "/app/login",
        data={"email": member.email, "password": member.password},
        headers={"Origin": ORIGIN},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    page = client.get("/app")
    assert page.status_code == 200
    match = re.search(r'<meta name="csrf-token" content="([0-9a-f]+)">', page.text)
    assert match, page.text[:500]
    return {"Origin": ORIGIN, "X-CSRF-Token": match.group(1)}
