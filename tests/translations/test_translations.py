"""Translation routes through HTTP: upsert, status, revert, history, overwrite, languages."""

from __future__ import annotations

import pytest


@pytest.fixture
def setup(tenant, client):
    project = tenant.project(targetLanguages=["fr", "de", "ru"])
    key = client.post(
        f"/api/projects/{project['_id']}/keys", json={"key": "nav.home", "sourceValue": "Home"}, headers=tenant.headers
    ).json()
    base = f"/api/projects/{project['_id']}/keys/{key['_id']}/translations"
    return project, key, base


def put(client, tenant, url, **body):
    r = client.put(url, json=body, headers=tenant.headers)
    assert r.status_code == 200, r.text
    return r.json()


def test_upsert_creates_then_updates_with_version_and_source(tenant, client, setup):
    _, _key, base = setup
    first = put(client, tenant, f"{base}/fr", value="Accueil")
    assert (first["value"], first["status"], first["source"], first["version"]) == ("Accueil", "translated", "human", 1)
    ai = put(client, tenant, f"{base}/fr", value="Page d'accueil", source="ai", aiConfidence=94)
    assert (ai["source"], ai["aiConfidence"], ai["version"]) == ("ai", 94, 2)
    same = put(client, tenant, f"{base}/fr", value="Page d'accueil", source="ai", aiConfidence=94)
    assert same["version"] == 2  # idempotent: nothing changed, no history row
    assert len(client.get(f"{base}/fr/history", headers=tenant.headers).json()) == 2


def test_empty_string_is_a_value_with_status_untranslated(tenant, client, setup):
    _, _, base = setup
    row = put(client, tenant, f"{base}/de", value="")
    assert (row["value"], row["status"]) == ("", "untranslated")
    for status in ("translated", "reviewed", "approved"):
        r = client.put(f"{base}/ru", json={"value": "", "status": status}, headers=tenant.headers)
        assert r.status_code == 400, r.text
        assert f"cannot be '{status}'" in str(r.json()["message"])
    assert client.get(f"{base}/ru/history", headers=tenant.headers).json() == []


def test_overwrite_with_empty_string_leaves_the_key_untranslated(tenant, client, setup):
    project, _, base = setup
    body = {"translations": [{"key": "nav.home", "language": "fr", "value": ""}]}
    r = client.post(f"/api/projects/{project['_id']}/translations/overwrite", json=body, headers=tenant.headers)
    assert r.status_code == 200 and r.json()["overwritten"] == 1
    fr = client.get(f"{base}", headers=tenant.headers).json()["translations"]
    row = next(t for t in fr if t["language"] == "fr")
    assert (row["value"], row["status"], row["source"]) == ("", "untranslated", "api")


def test_history_and_untranslated_filter_refuse_a_language_outside_the_project(tenant, client, setup):
    project, _, base = setup
    put(client, tenant, f"{base}/de", value="Startseite")
    pid = project["_id"]
    assert client.delete(f"/api/projects/{pid}/languages/de", headers=tenant.headers).status_code == 200
    r = client.get(f"{base}/de/history", headers=tenant.headers)
    assert r.status_code == 400 and "not a language of this project" in str(r.json()["message"])
    r = client.get(f"/api/projects/{pid}/keys", params={"untranslated": "ja"}, headers=tenant.headers)
    assert r.status_code == 400 and "untranslated" in str(r.json()["message"])
    assert (
        client.post(f"/api/projects/{pid}/languages", json={"language": "de"}, headers=tenant.headers).status_code
        == 201
    )
    assert len(client.get(f"{base}/de/history", headers=tenant.headers).json()) == 1  # back with the language


def test_upsert_validation(tenant, client, setup):
    _, _, base = setup
    assert client.put(f"{base}/fr", json={}, headers=tenant.headers).status_code == 400
    assert client.put(f"{base}/fr", json={"value": "x", "source": "import"}, headers=tenant.headers).status_code == 400
    assert client.put(f"{base}/fr", json={"value": "x", "aiConfidence": 101}, headers=tenant.headers).status_code == 400
    r = client.put(f"{base}/ja", json={"value": "x"}, headers=tenant.headers)
    assert r.status_code == 400 and "not a language of this project" in str(r.json()["message"])
    r = client.put(f"{base}/fr", json={"pluralForms": {"one": "a", "other": "b"}}, headers=tenant.headers)
    assert r.status_code == 400 and "plural" in str(r.json()["message"])


def test_plural_translation_forms(tenant, client):
    project = tenant.project(targetLanguages=["ru"])
    key = client.post(
        f"/api/projects/{project['_id']}/keys", json={"key": "files", "isPlural": True}, headers=tenant.headers
    ).json()
    url = f"/api/projects/{project['_id']}/keys/{key['_id']}/translations/ru"
    forms = {"other": "{n} файла", "one": "{n} файл", "few": "{n} файла", "many": "{n} файлов"}
    row = put(client, tenant, url, pluralForms=forms)
    assert list(row["pluralForms"]) == ["one", "few", "many", "other"]
    assert row["value"] == "{n} файла"
    r = client.put(url, json={"pluralForms": {"one": "x"}}, headers=tenant.headers)
    assert r.status_code == 200 and r.json()["value"] == "x"  # files omit `other`; absent stays absent
    assert client.put(url, json={"pluralForms": {}}, headers=tenant.headers).status_code == 400
    r = client.put(url, json={"pluralForms": {"other": "x", "dual": "y"}}, headers=tenant.headers)
    assert r.status_code == 400


def test_status_change_and_history_newest_first(tenant, client, setup):
    _, _, base = setup
    r = client.patch(f"{base}/fr/status", json={"status": "approved"}, headers=tenant.headers)
    assert r.status_code == 404
    put(client, tenant, f"{base}/fr", value="Accueil")
    r = client.patch(f"{base}/fr/status", json={"status": "approved"}, headers=tenant.headers)
    assert r.status_code == 200 and r.json()["status"] == "approved" and r.json()["value"] == "Accueil"
    assert client.patch(f"{base}/fr/status", json={"status": "done"}, headers=tenant.headers).status_code == 400
    history = client.get(f"{base}/fr/history", headers=tenant.headers).json()
    assert [h["action"] for h in history] == ["status", "update"]
    assert history[0]["previousStatus"] == "translated" and history[0]["status"] == "approved"
    assert history[0]["changedByName"].startswith("Owner")
    assert history[0]["_id"].startswith("hist_")
    put(client, tenant, f"{base}/de", value="")
    r = client.patch(f"{base}/de/status", json={"status": "reviewed"}, headers=tenant.headers)
    assert r.status_code == 400


def test_revert_skips_status_entries_and_restores_status(tenant, client, setup):
    _, _, base = setup
    put(client, tenant, f"{base}/fr", value="v1")
    client.patch(f"{base}/fr/status", json={"status": "approved"}, headers=tenant.headers)
    put(client, tenant, f"{base}/fr", value="v2")
    client.patch(f"{base}/fr/status", json={"status": "reviewed"}, headers=tenant.headers)
    r = client.post(f"{base}/fr/revert", headers=tenant.headers)
    assert r.status_code == 200
    # the most recent earlier value that differs from v2 is v1, as it stood when v2 replaced it
    assert (r.json()["value"], r.json()["status"]) == ("v1", "approved")
    history = client.get(f"{base}/fr/history", headers=tenant.headers).json()
    assert history[0]["action"] == "revert" and history[0]["previousValue"] == "v2"
    approved_entry = next(h for h in history if h["action"] == "status" and h["status"] == "approved")
    r = client.post(f"{base}/fr/revert/{approved_entry['_id']}", headers=tenant.headers)
    assert (r.json()["value"], r.json()["status"]) == ("v1", "approved")
    first_write = history[-1]
    assert (first_write["newValue"], first_write["status"]) == ("v1", "translated")
    r = client.post(f"{base}/fr/revert/{first_write['_id']}", headers=tenant.headers)
    assert (r.json()["value"], r.json()["status"]) == ("v1", "translated")  # exactly as right after that entry
    assert client.post(f"{base}/fr/revert/hist_nope", headers=tenant.headers).status_code == 404
    assert client.post(f"{base}/de/revert", headers=tenant.headers).status_code == 400


def test_list_language_includes_untranslated_keys(tenant, client, setup):
    project, key, base = setup
    pid = project["_id"]
    client.post(f"/api/projects/{pid}/keys", json={"key": "nav.about"}, headers=tenant.headers)
    put(client, tenant, f"{base}/fr", value="Accueil")
    data = client.get(f"/api/projects/{pid}/translations/fr", headers=tenant.headers).json()
    assert [(t["key"], t["value"], t["status"]) for t in data["data"]] == [
        ("nav.about", None, "untranslated"),
        ("nav.home", "Accueil", "translated"),
    ]
    only = client.get(f"/api/projects/{pid}/translations/fr?status=untranslated", headers=tenant.headers).json()
    assert [t["key"] for t in only["data"]] == ["nav.about"] and only["meta"]["total"] == 1
    all_langs = client.get(f"/api/projects/{pid}/keys/{key['_id']}/translations", headers=tenant.headers).json()
    assert [t["language"] for t in all_langs["translations"]] == ["en", "fr", "de", "ru"]
    assert all_langs["translations"][0]["value"] == "Home"


def test_overwrite_by_key(tenant, client, setup):
    project, _key, base = setup
    pid = project["_id"]
    client.post(f"/api/projects/{pid}/keys", json={"key": "dup", "namespace": "a"}, headers=tenant.headers)
    client.post(f"/api/projects/{pid}/keys", json={"key": "dup", "namespace": "b"}, headers=tenant.headers)
    put(client, tenant, f"{base}/fr", value="Accueil")
    client.patch(f"{base}/fr/status", json={"status": "approved"}, headers=tenant.headers)
    body = {
        "translations": [
            {"key": "nav.home", "language": "fr", "value": "Page"},
            {"key": "nav.home", "language": "de", "value": "Startseite"},
            {"key": "missing", "language": "fr", "value": "x"},
            {"key": "nav.home", "language": "ja", "value": "x"},
            {"key": "dup", "language": "fr", "value": "x"},
            {"key": "dup", "namespace": "b", "language": "fr", "value": "B"},
        ]
    }
    r = client.post(f"/api/projects/{pid}/translations/overwrite", json=body, headers=tenant.headers)
    assert r.status_code == 200, r.text
    assert r.json()["overwritten"] == 3
    assert [(n["key"], n["reason"]) for n in r.json()["notFound"]] == [
        ("missing", "key"),
        ("nav.home", "language"),
        ("dup", "ambiguous"),
    ]
    fr = client.get(f"{base}/fr/history", headers=tenant.headers).json()[0]
    assert (fr["newValue"], fr["status"], fr["source"], fr["action"]) == ("Page", "translated", "api", "overwrite")
    r = client.post(
        f"/api/projects/{pid}/translations/overwrite",
        json=[{"key": "nav.home", "language": "fr", "value": "bare"}],
        headers=tenant.headers,
    )
    assert r.json() == {"overwritten": 1, "notFound": []}
    assert (
        client.post(
            f"/api/projects/{pid}/translations/overwrite",
            json={"translations": [{"key": "k", "language": "fr", "value": "v"}] * 1001},
            headers=tenant.headers,
        ).status_code
        == 400
    )


def test_removing_a_language_hides_and_adding_back_restores(tenant, client, setup):
    project, _, base = setup
    pid = project["_id"]
    put(client, tenant, f"{base}/de", value="Startseite")
    r = client.delete(f"/api/projects/{pid}/languages/de", headers=tenant.headers)
    assert r.status_code == 200 and r.json()["targetLanguages"] == ["fr", "ru"]
    assert client.get(f"/api/projects/{pid}/translations/de", headers=tenant.headers).status_code == 400
    r = client.post(f"/api/projects/{pid}/languages", json={"language": "de"}, headers=tenant.headers)
    assert r.status_code == 201
    assert client.get(f"{base}/de/history", headers=tenant.headers).json()[0]["newValue"] == "Startseite"
    data = client.get(f"/api/projects/{pid}/translations/de", headers=tenant.headers).json()["data"]
    assert data[0]["value"] == "Startseite"


def test_listing_written_without_the_response_model_still_matches_it(tenant, client):
    """The listing route writes its JSON directly (the hot path): it must still be exactly what
    its documented model describes, timestamps and plural forms included."""
    from entri.translations.schemas import TranslationPage

    project = tenant.project(targetLanguages=["fr"])
    base = f"/api/projects/{project['_id']}"
    plain = client.post(f"{base}/keys", json={"key": "a", "sourceValue": "A"}, headers=tenant.headers).json()
    plural = client.post(f"{base}/keys", json={"key": "b", "isPlural": True}, headers=tenant.headers).json()
    client.put(f"{base}/keys/{plain['_id']}/translations/fr", json={"value": "Ah"}, headers=tenant.headers)
    forms = {"other": "{n} bs", "one": "{n} b"}
    client.put(f"{base}/keys/{plural['_id']}/translations/fr", json={"pluralForms": forms}, headers=tenant.headers)
    client.post(f"{base}/keys", json={"key": "c"}, headers=tenant.headers)
    page = client.get(f"{base}/translations/fr", headers=tenant.headers)
    assert page.headers["content-type"] == "application/json"
    body = page.json()
    assert TranslationPage.model_validate(body).model_dump(mode="json") == body
    rows = {r["key"]: r for r in body["data"]}
    assert list(rows["b"]["pluralForms"]) == ["one", "other"]
    assert rows["a"]["updatedAt"].endswith("Z") and len(rows["a"]["updatedAt"]) == 24
    assert rows["c"]["status"] == "untranslated" and rows["c"]["updatedAt"] is None


def test_ai_confidence_with_a_human_source_is_refused_not_dropped(tenant, client):
    project = tenant.project(targetLanguages=["fr"])
    base = f"/api/projects/{project['_id']}"
    key = client.post(f"{base}/keys", json={"key": "k"}, headers=tenant.headers).json()
    url = f"{base}/keys/{key['_id']}/translations/fr"
    refused = client.put(url, json={"value": "x", "source": "human", "aiConfidence": 50}, headers=tenant.headers)
    assert refused.status_code == 400, refused.text
    assert "aiConfidence" in refused.json()["message"][0]
    ai = client.put(url, json={"value": "x", "source": "ai", "aiConfidence": 50}, headers=tenant.headers)
    assert ai.status_code == 200 and ai.json()["aiConfidence"] == 50

