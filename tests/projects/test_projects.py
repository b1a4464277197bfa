"""Project routes through HTTP (spec §4.1, decisions.md 16)."""

from __future__ import annotations


def test_create_normalizes_languages_and_dedupes_targets(tenant, client):
    p = tenant.project(sourceLanguage="en", targetLanguages=["pt-br", "zh-hans", "en", "pt-BR"])
    assert p["_id"].startswith("proj_")
    assert p["sourceLanguage"] == "en"
    assert p["targetLanguages"] == ["pt-BR", "zh-Hans"]
    assert p["organization"] == tenant.organization_id
    assert p["createdAt"].endswith("Z") and len(p["createdAt"]) == 24


def test_list_envelope_and_archived_visibility(tenant, client):
    a = tenant.project(name="A")
    b = tenant.project(name="B")
    r = client.get("/api/projects", headers=tenant.headers).json()
    assert [p["name"] for p in r["data"]] == ["A", "B"]
    assert r["meta"] == {"page": 1, "limit": 50, "total": 2, "totalPages": 1}
    archived = client.delete(f"/api/projects/{a['_id']}", headers=tenant.headers)
    assert archived.status_code == 200 and archived.json()["archived"] is True
    assert [p["name"] for p in client.get("/api/projects", headers=tenant.headers).json()["data"]] == ["B"]
    listed = client.get("/api/projects?includeArchived=true", headers=tenant.headers).json()["data"]
    assert [p["name"] for p in listed] == ["A", "B"]
    # archived projects are readable but not writable until unarchived
    assert client.get(f"/api/projects/{a['_id']}", headers=tenant.headers).status_code == 200
    r = client.post(f"/api/projects/{a['_id']}/keys", json={"key": "x"}, headers=tenant.headers)
    assert r.status_code == 409
    assert client.post(f"/api/projects/{a['_id']}/unarchive", headers=tenant.headers).json()["archived"] is False
    assert client.post(f"/api/projects/{a['_id']}/keys", json={"key": "x"}, headers=tenant.headers).status_code == 201
    assert b["_id"] != a["_id"]


def test_patch_partial_and_source_language_change(tenant, client):
    p = tenant.project(targetLanguages=["fr", "de"])
    url = f"/api/projects/{p['_id']}"
    r = client.patch(url, json={"description": "Site"}, headers=tenant.headers).json()
    assert (r["name"], r["description"]) == ("Test", "Site")
    r = client.patch(url, json={"sourceLanguage": "fr"}, headers=tenant.headers).json()
    assert r["sourceLanguage"] == "fr" and r["targetLanguages"] == ["en", "de"]
    assert client.patch(url, json={"name": None}, headers=tenant.headers).status_code == 400
    assert client.patch(url, json={"sourceLanguage": "nope!"}, headers=tenant.headers).status_code == 400


def test_languages_add_remove(tenant, client):
    p = tenant.project(targetLanguages=["fr"])
    url = f"/api/projects/{p['_id']}/languages"
    r = client.post(url, json={"language": "pt-br"}, headers=tenant.headers)
    assert r.status_code == 201 and r.json()["targetLanguages"] == ["fr", "pt-BR"]
    assert client.post(url, json={"language": "fr"}, headers=tenant.headers).status_code == 409
    assert client.post(url, json={"language": "en"}, headers=tenant.headers).status_code == 409
    assert client.post(url, json={"language": "xx"}, headers=tenant.headers).status_code == 400
    assert client.delete(f"{url}/en", headers=tenant.headers).status_code == 400
    assert client.delete(f"{url}/ja", headers=tenant.headers).status_code == 404
    assert client.delete(f"{url}/pt-br", headers=tenant.headers).json()["targetLanguages"] == ["fr"]


def test_permanent_delete_removes_everything(tenant, client):
    p = tenant.project()
    key = client.post(
        f"/api/projects/{p['_id']}/keys", json={"key": "k", "sourceValue": "v"}, headers=tenant.headers
    ).json()
    assert client.delete(f"/api/projects/{p['_id']}/permanent", headers=tenant.headers).status_code == 204
    assert client.get(f"/api/projects/{p['_id']}", headers=tenant.headers).status_code == 404
    assert client.get(f"/api/projects/{p['_id']}/keys/{key['_id']}", headers=tenant.headers).status_code == 404


def test_v1_alias_hits_same_handlers(tenant, client):
    p = tenant.project()
    assert (
        client.get(f"/api/v1/projects/{p['_id']}", headers=tenant.headers).json()
        == client.get(f"/api/projects/{p['_id']}", headers=tenant.headers).json()
    )


def test_source_language_defaults_to_the_organizations(tenant, client):
    """A project created without `sourceLanguage` takes the organization's
    `defaultSourceLanguage` (`en` until it is set); `null` means the same."""
    first = client.post("/api/projects", json={"name": "a", "targetLanguages": ["fr"]}, headers=tenant.headers)
    assert first.status_code == 201 and first.json()["sourceLanguage"] == "en", first.text
    r = client.patch(
        "/api/organizations/current", json={"settings": {"defaultSourceLanguage": "pt-br"}}, headers=tenant.headers
    )
    assert r.status_code == 200, r.text
    body = {"name": "b", "sourceLanguage": None, "targetLanguages": ["fr"]}
    second = client.post("/api/projects", json=body, headers=tenant.headers)
    assert second.status_code == 201 and second.json()["sourceLanguage"] == "pt-BR", second.text
    named = client.post("/api/projects", json={"name": "c", "sourceLanguage": "de"}, headers=tenant.headers)
    assert named.json()["sourceLanguage"] == "de"
