"""Progress (§4.11) against brute-force counts of the translation rows, after every kind of
write: upserts, status changes, source-text changes, reverts, overwrites, imports, key moves
and deletions, removed languages, and enough writes to fold the journal."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import text

from entri.translations import counts
from entri.translations.words import count_words
from tests.analytics.helpers import add_key, brute_progress, call, put, set_status
from tests.conftest import Tenant
from tests.errors import assert_error


def _progress(tenant: Tenant, pid: str, **params: Any) -> dict[str, Any]:
    return call(tenant, f"/api/projects/{pid}/analytics/progress", **params)  # type: ignore[no-any-return]


def _holds(tenant: Tenant, pid: str, languages: list[str]) -> None:
    """The route equals the brute-force count, overall and per namespace."""
    params = {"languages": ",".join(languages)}
    assert _progress(tenant, pid, **params) == brute_progress(tenant, pid, languages)
    by_namespace = _progress(tenant, pid, by="namespace", **params)
    assert by_namespace == brute_progress(tenant, pid, languages, by_namespace=True)


def test_empty_project(tenant: Tenant) -> None:
    pid = tenant.project(targetLanguages=["fr", "de"])["_id"]
    body = _progress(tenant, pid)
    assert body["totalKeys"] == 0 and body["sourceWords"] == 0
    assert [lang["language"] for lang in body["languages"]] == ["fr", "de"]
    for lang in body["languages"]:
        assert (lang["translated"], lang["completionPercent"], lang["words"]) == (0, 0, 0)
    assert _progress(tenant, pid, by="namespace")["namespaces"] == []


def test_spec_example_shape_and_rounding(tenant: Tenant) -> None:
    """3 keys, 2 translated in fr: 66 % (floor), not 67."""
    pid = tenant.project(targetLanguages=["fr"])["_id"]
    ids = [add_key(tenant, pid, f"k{i}", f"Source text {i}") for i in range(3)]
    put(tenant, pid, ids[0], "fr", value="Texte un", status="approved")
    put(tenant, pid, ids[1], "fr", value="Texte deux")
    fr = _progress(tenant, pid)["languages"][0]
    assert (fr["totalKeys"], fr["translated"], fr["reviewed"], fr["approved"]) == (3, 2, 1, 1)
    assert (fr["completionPercent"], fr["reviewedPercent"], fr["untranslated"]) == (66, 33, 1)
    assert fr["statuses"] == {"untranslated": 1, "translated": 1, "reviewed": 0, "approved": 1}
    assert (fr["words"], fr["characters"]) == (4, len("Texte un") + len("Texte deux"))
    body = _progress(tenant, pid)
    assert (body["sourceWords"], body["sourceCharacters"]) == (9, 3 * len("Source text 0"))


def test_every_kind_of_write_keeps_the_counts(tenant: Tenant) -> None:
    pid = tenant.project(targetLanguages=["fr", "de", "ja"])["_id"]
    languages = ["en", "fr", "de", "ja"]
    a = add_key(tenant, pid, "a", "Hello {name}, you have %d messages", namespace="app")
    b = add_key(tenant, pid, "b", "Save changes", namespace="app")
    c = add_key(tenant, pid, "c", "Settings", namespace="admin")
    d = add_key(tenant, pid, "d", namespace="admin")  # no source text
    files = add_key(tenant, pid, "files", isPlural=True)
    put(tenant, pid, files, "en", pluralForms={"one": "{count} file", "other": "{count} files"})
    put(tenant, pid, a, "fr", value="Bonjour {name}, vous avez %d messages", status="reviewed")
    put(tenant, pid, b, "fr", value="Enregistrer")
    put(tenant, pid, c, "fr", value="Paramètres", status="approved")
    put(tenant, pid, c, "ja", value="設定")
    put(tenant, pid, d, "de", value="")  # an empty value: untranslated
    put(tenant, pid, files, "fr", pluralForms={"one": "{count} fichier", "other": "{count} fichiers"})
    _holds(tenant, pid, languages)
    set_status(tenant, pid, b, "fr", "approved")
    set_status(tenant, pid, c, "fr", "translated")
    put(tenant, pid, b, "fr", value="Enregistrer les modifications", status="approved")
    _holds(tenant, pid, languages)
    # A source change sends the reviewed fr translation back to `translated`.
    put(tenant, pid, a, "en", value="Hi {name}, you have %d new messages")
    _holds(tenant, pid, languages)
    revert = tenant.client.post(f"/api/projects/{pid}/keys/{b}/translations/fr/revert", headers=tenant.headers)
    assert revert.status_code == 200, revert.text
    overwrite = {"translations": [{"key": "c", "namespace": "admin", "language": "de", "value": "Einstellungen"}]}
    r = tenant.client.post(f"/api/projects/{pid}/translations/overwrite", json=overwrite, headers=tenant.headers)
    assert r.status_code == 200, r.text
    _holds(tenant, pid, languages)
    # Moving keys between namespaces, one by one and in bulk, then deleting them.
    r = tenant.client.patch(f"/api/projects/{pid}/keys/{a}", json={"namespace": "admin"}, headers=tenant.headers)
    assert r.status_code == 200, r.text
    r = tenant.client.patch(
        f"/api/projects/{pid}/keys/bulk",
        json={"keys": [{"_id": c, "namespace": "other"}, {"_id": b, "key": "b2"}]},
        headers=tenant.headers,
    )
    assert r.status_code == 200, r.text
    _holds(tenant, pid, languages)
    assert tenant.client.delete(f"/api/projects/{pid}/keys/{a}", headers=tenant.headers).status_code == 204
    r = tenant.client.request(
        "DELETE", f"/api/projects/{pid}/keys/bulk", json={"keyIds": [c, d]}, headers=tenant.headers
    )
    assert r.status_code == 200, r.text
    _holds(tenant, pid, languages)


def test_import_counts(tenant: Tenant) -> None:
    pid = tenant.project(targetLanguages=["fr"])["_id"]
    source = {f"group{i % 3}.key{i}": f"Source number {i}" for i in range(60)}
    target = {k: f"Cible {v}" for k, v in list(source.items())[:45]}
    for language, content in (("en", source), ("fr", target)):
        body = {"language": language, "format": "json-flat", "content": json.dumps(content)}
        r = tenant.client.post(f"/api/projects/{pid}/import", json=body, headers=tenant.headers)
        assert r.status_code == 200, r.text
    fr = _progress(tenant, pid)["languages"][0]
    assert (fr["translated"], fr["completionPercent"]) == (45, 75)
    _holds(tenant, pid, ["en", "fr"])


def test_languages_parameter(tenant: Tenant) -> None:
    project = tenant.project(targetLanguages=["fr", "de", "pt-BR"])
    pid = project["_id"]
    add_key(tenant, pid, "k", "Text")
    default = _progress(tenant, pid)
    assert [lang["language"] for lang in default["languages"]] == ["fr", "de", "pt-BR"]  # targets only
    asked = _progress(tenant, pid, languages="de, en,pt-br,de")
    assert [(lang["language"], lang["isSource"]) for lang in asked["languages"]] == [
        ("de", False),
        ("en", True),
        ("pt-BR", False),
    ]
    assert asked["languages"][1]["completionPercent"] == 100
    url = f"/api/projects/{pid}/analytics/progress"

    def refused(params: dict[str, str], says: str) -> None:
        body = assert_error(tenant.client.get(url, params=params, headers=tenant.headers), 400)
        assert says in str(body["message"]), body

    refused({"languages": "fr,es"}, "'es' is not a language of this project")
    refused({"languages": "not a code!"}, "languages")
    refused({"by": "key"}, "by")
    # A removed language leaves the default list and cannot be asked for; adding it back restores it.
    kid = add_key(tenant, pid, "k2", "More")
    put(tenant, pid, kid, "de", value="Mehr")
    assert tenant.client.delete(f"/api/projects/{pid}/languages/de", headers=tenant.headers).status_code in (200, 204)
    assert [lang["language"] for lang in _progress(tenant, pid)["languages"]] == ["fr", "pt-BR"]
    refused({"languages": "de"}, "'de' is not a language of this project")
    r = tenant.client.post(f"/api/projects/{pid}/languages", json={"language": "de"}, headers=tenant.headers)
    assert r.status_code in (200, 201), r.text
    assert _progress(tenant, pid, languages="de")["languages"][0]["translated"] == 1


def test_many_writes_fold_the_journal_without_changing_the_sums(tenant: Tenant) -> None:
    pid = tenant.project(targetLanguages=["fr"])["_id"]
    kid = add_key(tenant, pid, "k", "Word")
    for i in range(counts.FOLD_AT + 40):
        put(tenant, pid, kid, "fr", value=f"Mot {'x' * (i % 7)}", status=("translated", "reviewed", "approved")[i % 3])
    with tenant.database.session() as session:
        rows = session.execute(
            text("SELECT count(*) FROM translation_counts WHERE project_id = :p"), {"p": pid}
        ).scalar_one()
        folded = session.execute(
            text("SELECT count(*) FROM translation_counts WHERE project_id = :p AND folded"), {"p": pid}
        ).scalar_one()
    assert rows <= counts.FOLD_AT + counts.CHECK_EVERY + 10 and folded >= 1
    _holds(tenant, pid, ["en", "fr"])


def test_rebuild_matches_the_journal(tenant: Tenant) -> None:
    pid = tenant.project(targetLanguages=["fr"])["_id"]
    for i in range(5):
        kid = add_key(tenant, pid, f"k{i}", f"Some source {i}", namespace=f"ns{i % 2}")
        put(tenant, pid, kid, "fr", value=f"Une source {i}", status="reviewed" if i % 2 else "translated")
    before = _progress(tenant, pid, by="namespace")
    with tenant.database.session(write=True) as session:
        counts.rebuild(session, project_id=pid)
        session.commit()
    assert _progress(tenant, pid, by="namespace") == before


@pytest.mark.parametrize(
    ("text_", "words"),
    [
        ("Hello world", 2),
        ("Don't e-mail me at example.com, it's 3.14 pm", 8),
        ("Hello {name}, you have %d messages", 4),
        ("<b>Bold</b> text", 2),
        ("{{count}} files", 1),
        ("日本語のテキスト", 8),
        ("Save 保存 now", 4),
        ("50 % des utilisateurs", 3),
        ("%s / %1$d", 0),
        ("", 0),
    ],
)
def test_word_count(text_: str, words: int) -> None:
    assert count_words(text_) == words
