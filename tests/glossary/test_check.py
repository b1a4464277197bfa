"""`POST …/glossaries/check` offsets over HTTP, and the `glossary` check in the write path:
stored with the translation, and refreshed when the glossary changes."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Tenant
from tests.errors import assert_error
from tests.glossary.helpers import add_term, base, check, make_glossary


def test_check_offsets_translations_and_flags(tenant: Tenant) -> None:
    g = make_glossary(tenant)
    file = add_term(tenant, g["_id"], term="file", translations={"fr": "fichier"})
    brand = add_term(tenant, g["_id"], term="Entri", caseSensitive=True, doNotTranslate=True)
    text = "Ünïcödé: Entri opens FILES, not entri"
    hits = check(tenant, text, targetLanguage="fr")
    assert [(h["term"], text[h["start"] : h["end"]]) for h in hits] == [("Entri", "Entri"), ("file", "FILES")]
    assert hits[0] == {
        "termId": brand["_id"],
        "glossaryId": g["_id"],
        "term": "Entri",
        "start": 9,
        "end": 14,
        "translation": "Entri",
        "doNotTranslate": True,
        "forbidden": False,
    }
    assert (hits[1]["termId"], hits[1]["translation"]) == (file["_id"], "fichier")
    assert [h["translation"] for h in check(tenant, text)] == [None, None]


def test_check_by_glossary_and_language(tenant: Tenant) -> None:
    ui = make_glossary(tenant, name="UI")
    de = make_glossary(tenant, name="German source", sourceLanguage="de", targetLanguages=["en"])
    add_term(tenant, ui["_id"], term="file manager")
    add_term(tenant, de["_id"], term="Datei", translations={"en": "file"})
    assert [h["term"] for h in check(tenant, "The file manager")] == ["file manager"]
    hits = check(tenant, "Zwei Dateien", language="de-AT", targetLanguage="en")
    assert [(h["term"], h["start"], h["end"], h["translation"]) for h in hits] == [("Datei", 5, 12, "file")]
    assert check(tenant, "The file manager", glossaryIds=[de["_id"]]) == []


def test_check_validation(tenant: Tenant, client: TestClient) -> None:
    r = client.post(f"{base(tenant)}/check", json={"text": "x"}, headers=tenant.headers)
    assert_error(r, 400)
    bad = {"text": "x", "sourceLanguage": "en", "glossaryIds": ["gloss_nope"]}
    body = assert_error(client.post(f"{base(tenant)}/check", json=bad, headers=tenant.headers), 400)
    assert "gloss_nope" in str(body["message"])


def _translate(tenant: Tenant, source: str, value: str, language: str = "fr") -> tuple[str, dict[str, Any]]:
    client = tenant.client
    project = tenant.project()
    key = client.post(
        f"/api/projects/{project['_id']}/keys", json={"key": "k", "sourceValue": source}, headers=tenant.headers
    ).json()
    url = f"/api/projects/{project['_id']}/keys/{key['_id']}/translations/{language}"
    r = client.put(url, json={"value": value}, headers=tenant.headers)
    assert r.status_code == 200, r.text
    return url, r.json()


def _glossary_checks(translation: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in translation["checks"] if c["id"] == "glossary"]


def test_a_translation_missing_an_approved_term_fails_the_glossary_check(tenant: Tenant, client: TestClient) -> None:
    g = make_glossary(tenant)
    add_term(tenant, g["_id"], term="file", translations={"fr": "fichier"})
    _url, saved = _translate(tenant, "Delete the files", "Supprimer les documents")
    assert _glossary_checks(saved) == [
        {
            "id": "glossary",
            "severity": "warning",
            "message": 'term "file": the approved translation "fichier" is missing',
        }
    ]
    _url, good = _translate(tenant, "Delete the files", "Supprimer les fichiers")
    assert _glossary_checks(good) == []


def test_glossary_changes_recheck_stored_translations(tenant: Tenant, client: TestClient) -> None:
    url, saved = _translate(tenant, "Delete the files", "Supprimer les documents")
    assert _glossary_checks(saved) == []
    g = make_glossary(tenant)
    term = add_term(tenant, g["_id"], term="file", translations={"fr": "fichier"})
    stored = client.get(url.rsplit("/", 1)[0], headers=tenant.headers).json()
    fr = next(t for t in stored["translations"] if t["language"] == "fr")
    assert [c["id"] for c in fr["checks"]] == ["glossary"]
    client.patch(
        f"{base(tenant)}/terms/{term['_id']}", json={"translations": {"fr": "document"}}, headers=tenant.headers
    )
    stored = client.get(url.rsplit("/", 1)[0], headers=tenant.headers).json()
    assert next(t for t in stored["translations"] if t["language"] == "fr")["checks"] == []


def test_error_severity_blocks_approval(tenant: Tenant, client: TestClient) -> None:
    g = make_glossary(tenant)
    add_term(tenant, g["_id"], term="blacklist", forbidden=True, translations={"fr": "liste noire"})
    settings = {"settings": {"checks": {"severities": {"glossary": "error"}}}}
    assert client.patch("/api/organizations/current", json=settings, headers=tenant.headers).status_code == 200
    url, saved = _translate(tenant, "Add to the blocklist", "Ajouter à la liste noire")
    assert _glossary_checks(saved)[0]["severity"] == "error"
    assert_error(client.patch(f"{url}/status", json={"status": "approved"}, headers=tenant.headers), 409)
