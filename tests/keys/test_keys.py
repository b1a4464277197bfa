"""Key routes through HTTP: CRUD, filters, pagination and all-or-nothing bulk calls."""

from __future__ import annotations

import time

import pytest


def _keys(tenant, client, project, *bodies):
    out = []
    for body in bodies:
        r = client.post(f"/api/projects/{project['_id']}/keys", json=body, headers=tenant.headers)
        assert r.status_code == 201, r.text
        out.append(r.json())
    return out


def test_create_key_with_source_value_and_get_it(tenant, client):
    project = tenant.project()
    (key,) = _keys(
        tenant,
        client,
        project,
        {
            "key": "nav.home",
            "description": "Home link",
            "tags": ["ui", "nav"],
            "namespace": "common",
            "sourceValue": "Home",
            "maxLength": 20,
        },
    )
    assert key["_id"].startswith("key_")
    assert (key["key"], key["namespace"], key["tags"], key["sourceValue"], key["maxLength"]) == (
        "nav.home",
        "common",
        ["ui", "nav"],
        "Home",
        20,
    )
    got = client.get(f"/api/projects/{project['_id']}/keys/{key['_id']}", headers=tenant.headers).json()
    assert got == key
    en = client.get(f"/api/projects/{project['_id']}/translations/en", headers=tenant.headers).json()
    assert en["data"][0]["value"] == "Home"


def test_duplicate_key_name_is_409_but_other_namespace_is_fine(tenant, client):
    project = tenant.project()
    _keys(tenant, client, project, {"key": "save"})
    r = client.post(f"/api/projects/{project['_id']}/keys", json={"key": "save"}, headers=tenant.headers)
    assert r.status_code == 409
    assert r.json()["error"] == "Conflict"
    _keys(tenant, client, project, {"key": "save", "namespace": "admin"})


def test_list_filters_and_pagination(tenant, client):
    project = tenant.project()
    pid = project["_id"]
    _keys(
        tenant,
        client,
        project,
        {"key": "a.one", "tags": ["ui"], "namespace": "web", "sourceValue": "Apple"},
        {"key": "a.two", "tags": ["email"], "namespace": "web", "description": "banana split"},
        {"key": "b.three", "tags": ["ui"], "sourceValue": "Cherry 100%"},
    )
    base = f"/api/projects/{pid}/keys"
    names = lambda r: [k["key"] for k in r.json()["data"]]  # noqa: E731
    assert names(client.get(base + "?namespace=web", headers=tenant.headers)) == ["a.one", "a.two"]
    assert names(client.get(base + "?tag=ui", headers=tenant.headers)) == ["b.three", "a.one"]
    assert names(client.get(base + "?search=BANANA", headers=tenant.headers)) == ["a.two"]
    assert names(client.get(base + "?search=cherry", headers=tenant.headers)) == ["b.three"]
    assert names(client.get(base + "?search=100%25", headers=tenant.headers)) == ["b.three"]
    assert names(client.get(base + "?search=_", headers=tenant.headers)) == []
    page = client.get(base + "?limit=2&page=2", headers=tenant.headers).json()
    assert page["meta"] == {"page": 2, "limit": 2, "total": 3, "totalPages": 2}
    assert len(page["data"]) == 1
    key_id = client.get(base + "?search=a.one", headers=tenant.headers).json()["data"][0]["_id"]
    client.put(f"/api/projects/{pid}/keys/{key_id}/translations/fr", json={"value": "Pomme"}, headers=tenant.headers)
    assert names(client.get(base + "?untranslated=fr", headers=tenant.headers)) == ["b.three", "a.two"]
    assert names(client.get(base + "?untranslated=de", headers=tenant.headers)) == ["b.three", "a.one", "a.two"]
    assert client.get(base + "?untranslated=zz", headers=tenant.headers).status_code == 400


def test_update_rename_conflict_and_delete_cascades(tenant, client):
    project = tenant.project()
    pid = project["_id"]
    a, _b = _keys(tenant, client, project, {"key": "a", "sourceValue": "A"}, {"key": "b"})
    r = client.patch(f"/api/projects/{pid}/keys/{a['_id']}", json={"key": "b"}, headers=tenant.headers)
    assert r.status_code == 409
    r = client.patch(
        f"/api/projects/{pid}/keys/{a['_id']}", json={"description": "new", "tags": ["x"]}, headers=tenant.headers
    )
    assert r.status_code == 200 and r.json()["description"] == "new" and r.json()["tags"] == ["x"]
    assert r.json()["key"] == "a"
    assert client.delete(f"/api/projects/{pid}/keys/{a['_id']}", headers=tenant.headers).status_code == 204
    assert client.get(f"/api/projects/{pid}/keys/{a['_id']}", headers=tenant.headers).status_code == 404
    en = client.get(f"/api/projects/{pid}/translations/en", headers=tenant.headers).json()
    assert [t["key"] for t in en["data"]] == ["b"]


def test_bulk_create_is_all_or_nothing(tenant, client):
    project = tenant.project()
    pid = project["_id"]
    _keys(tenant, client, project, {"key": "exists"})
    r = client.post(
        f"/api/projects/{pid}/keys/bulk", json={"keys": [{"key": "new1"}, {"key": "exists"}]}, headers=tenant.headers
    )
    assert r.status_code == 409 and "exists" in str(r.json()["message"])
    r = client.post(
        f"/api/projects/{pid}/keys/bulk", json={"keys": [{"key": "d"}, {"key": "d"}]}, headers=tenant.headers
    )
    assert r.status_code == 409
    r = client.post(
        f"/api/projects/{pid}/keys/bulk", json={"keys": [{"key": "ok"}, {"key": ""}]}, headers=tenant.headers
    )
    assert r.status_code == 400
    total = client.get(f"/api/projects/{pid}/keys", headers=tenant.headers).json()["meta"]["total"]
    assert total == 1
    r = client.post(
        f"/api/projects/{pid}/keys/bulk",
        json={"keys": [{"key": f"k{i}", "sourceValue": f"v{i}"} for i in range(50)]},
        headers=tenant.headers,
    )
    assert r.status_code == 201 and r.json()["created"] == 50
    assert r.json()["keys"][3]["sourceValue"] == "v3"
    r = client.post(
        f"/api/projects/{pid}/keys/bulk", json={"keys": [{"key": f"x{i}"} for i in range(1001)]}, headers=tenant.headers
    )
    assert r.status_code == 400


def test_bulk_update_and_delete(tenant, client):
    project = tenant.project()
    pid = project["_id"]
    a, b = _keys(tenant, client, project, {"key": "a"}, {"key": "b"})
    r = client.patch(
        f"/api/projects/{pid}/keys/bulk",
        json={"keys": [{"_id": a["_id"], "tags": ["t"]}, {"_id": "key_missing", "tags": []}]},
        headers=tenant.headers,
    )
    assert r.status_code == 400 and "key_missing" in str(r.json()["message"])
    assert client.get(f"/api/projects/{pid}/keys/{a['_id']}", headers=tenant.headers).json()["tags"] == []
    r = client.patch(
        f"/api/projects/{pid}/keys/bulk",
        json={"keys": [{"_id": a["_id"], "tags": ["t"]}, {"_id": b["_id"], "description": "d"}]},
        headers=tenant.headers,
    )
    assert r.json() == {"updated": 2}
    r = client.request(
        "DELETE", f"/api/projects/{pid}/keys/bulk", json={"keyIds": [a["_id"], "key_nope"]}, headers=tenant.headers
    )
    assert r.status_code == 200 and r.json() == {"deleted": 1, "notFound": ["key_nope"]}


def test_plural_key_source_forms(tenant, client):
    project = tenant.project()
    (key,) = _keys(
        tenant,
        client,
        project,
        {"key": "files", "isPlural": True, "sourcePluralForms": {"one": "{count} file", "other": "{count} files"}},
    )
    assert key["isPlural"] is True
    assert key["sourceValue"] == "{count} files"
    assert key["sourcePluralForms"] == {"one": "{count} file", "other": "{count} files"}


def test_totals_follow_every_way_keys_come_and_go(tenant, client):
    project = tenant.project()
    pid = project["_id"]

    def totals():
        keys_total = client.get(f"/api/projects/{pid}/keys", headers=tenant.headers).json()["meta"]["total"]
        fr_total = client.get(f"/api/projects/{pid}/translations/fr", headers=tenant.headers).json()["meta"]["total"]
        assert keys_total == fr_total
        return keys_total

    (one,) = _keys(tenant, client, project, {"key": "one"})
    created = client.post(
        f"/api/projects/{pid}/keys/bulk", json={"keys": [{"key": f"b{i}"} for i in range(5)]}, headers=tenant.headers
    ).json()["keys"]
    assert totals() == 6
    client.delete(f"/api/projects/{pid}/keys/{one['_id']}", headers=tenant.headers)
    client.request(
        "DELETE",
        f"/api/projects/{pid}/keys/bulk",
        json={"keyIds": [created[0]["_id"], "key_x"]},
        headers=tenant.headers,
    )
    assert totals() == 4
    r = client.post(
        f"/api/projects/{pid}/import",
        headers=tenant.headers,
        json={"language": "fr", "format": "json-flat", "content": '{"b1": "x", "new": "y"}'},
    )
    assert r.status_code == 200, r.text
    assert totals() == 5
    bad = client.post(
        f"/api/projects/{pid}/keys/bulk", json={"keys": [{"key": "z"}, {"key": "b2"}]}, headers=tenant.headers
    )
    assert bad.status_code == 409
    assert totals() == 5


def test_import_warns_about_keys_repeated_in_the_file(tenant, client):
    project = tenant.project()
    content = '"a" = "un";\n"a" = "deux";\n'  # legal in .strings: the last one wins
    r = client.post(
        f"/api/projects/{project['_id']}/import",
        headers=tenant.headers,
        json={"language": "fr", "format": "ios-strings", "content": content},
    )
    assert r.status_code == 200, r.text
    assert r.json()["warnings"] == ["key 'a' appears 2 times in the file; the last value was kept"]
    fr = client.get(f"/api/projects/{project['_id']}/translations/fr", headers=tenant.headers).json()["data"]
    assert [(t["key"], t["value"]) for t in fr] == [("a", "deux")]


def test_bulk_writes_refresh_planner_statistics_on_postgresql(tenant, client, database):
    """Without it the planner sorts a fresh 100k-key project instead of using the listing index."""
    if database.engine.dialect.name != "postgresql":
        pytest.skip("planner statistics are refreshed on PostgreSQL only (SQLite's planner needs none)")
    from sqlalchemy import text

    def analyzed(table: str) -> int:
        with database.engine.connect() as conn:
            query = text("SELECT analyze_count FROM pg_stat_user_tables WHERE relname = :t")
            return int(conn.execute(query, {"t": table}).scalar() or 0)

    project = tenant.project()
    before = (analyzed("keys"), analyzed("translations"))
    keys = [{"key": f"bulk.{i}", "sourceValue": f"Text {i}"} for i in range(500)]
    r = client.post(f"/api/projects/{project['_id']}/keys/bulk", json={"keys": keys}, headers=tenant.headers)
    assert r.status_code == 201, r.text
    deadline = time.monotonic() + 5  # the statistics collector reports asynchronously
    while not (analyzed("keys") > before[0] and analyzed("translations") > before[1]) and time.monotonic() < deadline:
        time.sleep(0.1)
    after = (analyzed("keys"), analyzed("translations"))
    assert after[0] > before[0] and after[1] > before[1], (before, after)
