"""The per-project compat token: seen and rotated by project admins through the main API,
reaching only its own project, and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from entri.core.db import Database
from entri.core.events import Event, subscribe, unsubscribe
from entri.core.permissions import Role
from entri.organizations import service as orgs
from tests.compat.conftest import Compat, envelope, make_compat
from tests.conftest import Tenant, _add_member


def test_get_makes_the_token_once(tenant: Tenant) -> None:
    project = tenant.project()
    url = f"/api/projects/{project['_id']}/compat-token"
    first = tenant.client.get(url, headers=tenant.headers)
    assert first.status_code == 200, first.text
    body = first.json()
    assert set(body) == {"token", "tokenId", "projectId", "baseUrl", "createdBy", "createdAt"}
    assert len(body["token"]) == 40 and not body["token"].startswith("entri_")
    assert body["tokenId"].startswith("ctok_")
    assert body["baseUrl"].endswith(f"/compat/api/{body['token']}/")
    assert body["createdBy"] == tenant.owner.user_id
    again = tenant.client.get(url, headers=tenant.headers).json()
    assert again == body  # readable again: the same token, as often as an admin asks


def test_rotate_replaces_the_token_at_once(compat: Compat) -> None:
    old = compat.token
    rotated = compat.api("POST", "/compat-token/rotate")
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()["token"]
    assert new != old
    refused = compat.client.get(f"/compat/api/{old}/getLanguages")
    assert refused.status_code == 401 and envelope(refused, old)["ok"] is False
    assert compat.client.get(f"/compat/api/{new}/getLanguages").json()["ok"] is True
    assert compat.api("GET", "/compat-token").json()["token"] == new


def test_rotation_is_an_event(compat: Compat) -> None:
    seen: list[Event] = []

    def listen(session: object, events: object) -> None:
        seen.extend(events)  # type: ignore[arg-type]

    subscribe(listen)
    try:
        compat.api("POST", "/compat-token/rotate")
    finally:
        unsubscribe(listen)
    created = [e for e in seen if e.name == "token.created"]
    assert len(created) == 1 and created[0].data["kind"] == "compat"
    assert compat.token not in repr(created[0])


def test_only_admins_see_or_rotate_it(compat: Compat) -> None:
    for role in ("developer", "translator", "reviewer", "viewer"):
        member = compat.tenant.member(role)
        for method, path in (("GET", ""), ("POST", "/rotate")):
            response = compat.client.request(
                method, f"/api/projects/{compat.project_id}/compat-token{path}", headers=member.headers
            )
            assert response.status_code == 403, (role, response.text)
            assert compat.token not in response.text
    admin = compat.tenant.member("admin")
    response = compat.client.get(f"/api/projects/{compat.project_id}/compat-token", headers=admin.headers)
    assert response.json()["token"] == compat.token


def test_a_token_without_tokens_write_cannot_read_it(compat: Compat) -> None:
    expires = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    for scopes in (["tokens:read"], ["projects:read", "projects:write"]):
        made = compat.client.post(
            "/api/organizations/current/tokens",
            json={"name": "scoped", "role": "admin", "scopes": scopes, "expiresAt": expires},
            headers=compat.tenant.headers,
        )
        assert made.status_code == 201, made.text
        headers = {"X-API-Key": made.json()["token"]}
        response = compat.client.get(f"/api/projects/{compat.project_id}/compat-token", headers=headers)
        assert response.status_code == 403
        assert compat.token not in response.text


def test_another_organization_cannot_reach_it(compat: Compat, database: Database, client: TestClient) -> None:
    with database.session(write=True) as session:
        org = orgs.create_organization(session, name="Other")
        session.commit()
        org_id = org.id
    stranger = _add_member(database, org_id, Role.OWNER)
    response = client.get(f"/api/projects/{compat.project_id}/compat-token", headers=stranger.headers)
    assert response.status_code == 404
    assert compat.token not in response.text


def test_a_token_reaches_only_its_project(tenant: Tenant) -> None:
    one, two = make_compat(tenant), make_compat(tenant)
    for compat, name in ((one, "One"), (two, "Two")):
        category = compat.call("createCategory", name=name)
        compat.call(
            "createString",
            category_id=category,
            string_key=f"{name}-key",
            default_translation_language=17,
            default_translation_value=name,
        )
    one.patch_settings({"allowDeleteString": True})
    # Both projects number their first string 1: project one's token sees only its own.
    assert [i["string_key"] for i in one.call("getTranslations", translation_language=17)] == ["One-key"]
    assert [c["name"] for c in one.call("getCategories").values()] == ["One"]
    assert one.fail("getTranslations", translation_language=17, category_id=2) == "category_id: category 2 not found"
    one.call("addTranslation", string_id=1, translation_language=18, translation_value="один", approve=1)
    assert two.call("getTranslations", translation_language=18) == []
    one.call("deleteString", string_id=1)
    assert [i["string_key"] for i in two.call("getTranslations", translation_language=17)] == ["Two-key"]
    assert two.api("GET", "/keys").json()["meta"]["total"] == 1
