"""The organization overview against brute-force counts; who may read analytics."""

from __future__ import annotations

from typing import Any

from entri.core.permissions import Role
from entri.organizations import service as orgs
from tests.analytics.helpers import add_key, brute_progress, call, put
from tests.conftest import Tenant, _add_member
from tests.errors import assert_error


def _pct(part: int, whole: int) -> int:
    return part * 100 // whole if whole else 0


def _expected_overview(tenant: Tenant, projects: list[dict[str, Any]]) -> dict[str, Any]:
    languages: dict[str, dict[str, Any]] = {}
    items, pairs = [], 0
    totals = {"translated": 0, "reviewed": 0, "approved": 0, "sourceWords": 0, "totalKeys": 0}
    for p in projects:
        brute = brute_progress(tenant, p["_id"], p["targetLanguages"])
        p_pairs = brute["totalKeys"] * len(p["targetLanguages"])
        p_done = sum(lang["translated"] for lang in brute["languages"])
        pairs += p_pairs
        totals["totalKeys"] += brute["totalKeys"]
        totals["sourceWords"] += brute["sourceWords"]
        for lang in brute["languages"]:
            for f in ("translated", "reviewed", "approved"):
                totals[f] += lang[f]
            entry = languages.setdefault(
                lang["language"],
                {
                    "language": lang["language"],
                    "projects": 0,
                    "totalKeys": 0,
                    "translated": 0,
                    "reviewed": 0,
                    "approved": 0,
                },
            )
            entry["projects"] += 1
            for f in ("totalKeys", "translated", "reviewed", "approved"):
                entry[f] += lang[f]
        items.append(
            {
                "projectId": p["_id"],
                "name": p["name"],
                "sourceLanguage": p["sourceLanguage"],
                "totalKeys": brute["totalKeys"],
                "targetLanguages": len(p["targetLanguages"]),
                "completionPercent": _pct(p_done, p_pairs),
                "archived": False,
            }
        )
    for entry in languages.values():
        entry["completionPercent"] = _pct(entry["translated"], entry["totalKeys"])
    return {
        "totalProjects": len(projects),
        **totals,
        "completionPercent": _pct(totals["translated"], pairs),
        "reviewedPercent": _pct(totals["reviewed"], pairs),
        "approvedPercent": _pct(totals["approved"], pairs),
        "languages": sorted(languages.values(), key=lambda x: x["language"]),
        "projects": items,
    }


def _fill(tenant: Tenant, project: dict[str, Any], n: int) -> None:
    pid = project["_id"]
    for i in range(n):
        kid = add_key(tenant, pid, f"k{i}", f"Source string {i}")
        for j, lang in enumerate(project["targetLanguages"]):
            if (i + j) % 3:
                put(tenant, pid, kid, lang, value=f"{lang} {i}", status=("translated", "reviewed", "approved")[i % 3])


def test_overview_matches_the_projects(tenant: Tenant) -> None:
    empty = call(tenant, "/api/organizations/current/analytics/overview")
    assert (empty["totalProjects"], empty["completionPercent"], empty["languages"], empty["projects"]) == (0, 0, [], [])
    web = tenant.project(name="Web", targetLanguages=["fr", "de"])
    app = tenant.project(name="App", targetLanguages=["fr", "ja"])
    old = tenant.project(name="Old", targetLanguages=["fr"])
    _fill(tenant, web, 7)
    _fill(tenant, app, 4)
    _fill(tenant, old, 2)
    assert tenant.client.delete(f"/api/projects/{old['_id']}", headers=tenant.headers).status_code in (200, 204)
    body = call(tenant, "/api/organizations/current/analytics/overview")
    assert body == _expected_overview(tenant, [web, app])
    assert body["languages"][1]["language"] == "fr" and body["languages"][1]["projects"] == 2
    assert call(tenant, f"/api/organizations/{tenant.organization_id}/analytics/overview") == body
    with_archived = call(tenant, "/api/organizations/current/analytics/overview", includeArchived="true")
    assert with_archived["totalProjects"] == 3 and with_archived["projects"][2]["archived"] is True


def _other_org(tenant: Tenant) -> Tenant:
    with tenant.database.session(write=True) as session:
        org = orgs.create_organization(session, name="Other")
        session.commit()
        org_id = org.id
    owner = _add_member(tenant.database, org_id, Role.OWNER)
    return Tenant(database=tenant.database, client=tenant.client, organization_id=org_id, owner=owner)


ROUTES = ("progress", "progress-over-time", "contributors", "ai-quality")


def test_every_reader_may_read_and_nobody_else(tenant: Tenant) -> None:
    project = tenant.project()
    pid = project["_id"]
    kid = add_key(tenant, pid, "k", "Hello")
    put(tenant, pid, kid, "fr", value="Bonjour")
    viewer = tenant.member("viewer")
    for route in ROUTES:
        call(tenant, f"/api/projects/{pid}/analytics/{route}", headers=viewer.headers)
    call(tenant, "/api/organizations/current/analytics/overview", headers=viewer.headers)

    def token(scopes: list[str], path: str = "/api/organizations/current/tokens") -> dict[str, str]:
        r = tenant.client.post(path, json={"name": "t", "scopes": scopes, "role": "viewer"}, headers=tenant.headers)
        assert r.status_code == 201, r.text
        return {"X-API-Key": r.json()["token"]}

    scoped = token(["analytics:read"])
    unscoped = token(["translations:read", "projects:read"])
    for route in ROUTES:
        url = f"/api/projects/{pid}/analytics/{route}"
        call(tenant, url, headers=scoped)
        body = assert_error(tenant.client.get(url, headers=unscoped), 403)
        assert "analytics:read" in str(body["message"])
    call(tenant, "/api/organizations/current/analytics/overview", headers=scoped)
    assert_error(tenant.client.get("/api/organizations/current/analytics/overview", headers=unscoped), 403)
    # A project token reads its project's analytics, and no organization route.
    project_token = token(["analytics:read"], path=f"/api/projects/{pid}/tokens")
    assert call(tenant, f"/api/projects/{pid}/analytics/progress", headers=project_token)["totalKeys"] == 1
    other_project = tenant.project()["_id"]
    assert_error(tenant.client.get(f"/api/projects/{other_project}/analytics/progress", headers=project_token), 404)
    assert_error(tenant.client.get("/api/organizations/current/analytics/overview", headers=project_token), 403)
    # Unauthenticated: 401.
    assert_error(tenant.client.get(f"/api/projects/{pid}/analytics/progress"), 401)


def test_another_organization_is_not_found(tenant: Tenant) -> None:
    other = _other_org(tenant)
    theirs = other.project()["_id"]
    for route in ROUTES:
        assert_error(tenant.client.get(f"/api/projects/{theirs}/analytics/{route}", headers=tenant.headers), 404)
    url = f"/api/organizations/{other.organization_id}/analytics/overview"
    assert_error(tenant.client.get(url, headers=tenant.headers), 404)
    assert call(other, url)["totalProjects"] == 1
