"""Export over HTTP: format validation, headers, untranslated keys, fallback, namespaces, access."""

from __future__ import annotations

import json

import pytest

from entri.core.permissions import Role
from entri.formats import FORMAT_IDS
from entri.organizations import service as orgs
from tests.conftest import _add_member
from tests.files.helpers import do_export, do_import, messages, parse, translations

FILENAMES = {
    "json-flat": "fr.json",
    "json-nested": "fr.json",
    "json-clean": "fr.json",
    "yaml": "fr.yml",
    "android-xml": "strings.xml",
    "ios-strings": "Localizable.strings",
    "ios-stringsdict": "Localizable.stringsdict",
    "xliff": "fr.xlf",
    "xliff2": "fr.xlf",
    "arb": "app_fr.arb",
    "po": "fr.po",
    "pot": "messages.pot",
    "mo": "fr.mo",
    "php-array": "fr.php",
    "csv": "fr.csv",
    "properties": "messages_fr.properties",
}


@pytest.fixture
def project(tenant, client) -> str:
    """Keys apple, banana, cherry with English source text; only apple and banana in French."""
    project_id = str(tenant.project(sourceLanguage="en", targetLanguages=["fr", "de"])["_id"])
    source = json.dumps({"apple": "Apple", "banana": "Banana", "cherry": "Cherry"})
    assert do_import(client, tenant.headers, project_id, "en", "json-flat", source).status_code == 200
    target = json.dumps({"apple": "Pomme", "banana": "Banane"})
    assert do_import(client, tenant.headers, project_id, "fr", "json-flat", target).status_code == 200
    return project_id


def test_missing_format_is_rejected_listing_valid_ids(tenant, client, project):
    response = do_export(client, tenant.headers, project, "fr", None)
    assert response.status_code == 400
    assert all(f in messages(response) for f in FORMAT_IDS)


def test_empty_format_is_rejected(tenant, client, project):
    response = do_export(client, tenant.headers, project, "fr", "")
    assert response.status_code == 400
    assert all(f in messages(response) for f in FORMAT_IDS)


def test_unknown_format_is_rejected_listing_valid_ids(tenant, client, project):
    response = do_export(client, tenant.headers, project, "fr", "docx")
    assert response.status_code == 400
    body = response.json()
    assert (body["statusCode"], body["error"]) == (400, "Bad Request")
    assert "docx" in messages(response)
    assert all(f in messages(response) for f in FORMAT_IDS)


@pytest.mark.parametrize("format_id", FORMAT_IDS)
def test_headers_per_format(tenant, client, project, format_id):
    response = do_export(client, tenant.headers, project, "fr", format_id)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"] == f'attachment; filename="{FILENAMES[format_id]}"'
    keeps_untranslated = format_id in {"po", "pot", "xliff", "xliff2"}
    assert response.headers["x-total-keys"] == ("3" if keeps_untranslated else "2")
    assert "x-export-truncated" not in response.headers


def test_json_omits_untranslated_keys(tenant, client, project):
    response = do_export(client, tenant.headers, project, "fr", "json-flat")
    assert json.loads(response.content) == {"apple": "Pomme", "banana": "Banane"}


def test_csv_omits_untranslated_keys_but_carries_the_source(tenant, client, project):
    """An empty CSV cell reads back as the value "", so an untranslated key has no way to be there."""
    response = do_export(client, tenant.headers, project, "fr", "csv")
    assert response.status_code == 200
    by_key = {e.key: e for e in parse("csv", response.content, "fr").entries}
    assert sorted(by_key) == ["apple", "banana"]
    assert (by_key["apple"].source, by_key["apple"].value) == ("Apple", "Pomme")


@pytest.mark.parametrize("format_id", ["po", "pot", "xliff", "xliff2"])
def test_bilingual_formats_keep_untranslated_keys_with_empty_target(tenant, client, project, format_id):
    response = do_export(client, tenant.headers, project, "fr", format_id)
    assert response.status_code == 200
    catalog = parse(format_id, response.content, "fr")
    by_key = {e.key: e for e in catalog.entries}
    assert sorted(by_key) == ["apple", "banana", "cherry"]
    assert by_key["cherry"].value is None
    if format_id in ("po", "pot"):
        assert by_key["cherry"].source == "cherry"  # gettext: the msgid is the key name (decisions.md 26)
    else:
        assert (by_key["apple"].source, by_key["cherry"].source) == ("Apple", "Cherry")
    if format_id != "pot":
        assert by_key["apple"].value == "Pomme"


def test_po_keeps_untranslated_key_with_empty_msgstr(tenant, client, project):
    text = do_export(client, tenant.headers, project, "fr", "po").content.decode()
    assert 'msgid "cherry"\nmsgstr ""\n' in text
    assert 'msgid "apple"\nmsgstr "Pomme"\n' in text


@pytest.mark.parametrize("format_id", ["json-flat", "po"])
def test_fallback_source_fills_untranslated_keys(tenant, client, project, format_id):
    response = do_export(client, tenant.headers, project, "fr", format_id, fallback="source")
    assert response.status_code == 200
    catalog = parse(format_id, response.content, "fr")
    assert {e.key: e.value for e in catalog.entries} == {"apple": "Pomme", "banana": "Banane", "cherry": "Cherry"}
    assert response.headers["x-total-keys"] == "3"


def test_fallback_other_than_source_is_rejected(tenant, client, project):
    response = do_export(client, tenant.headers, project, "fr", "json-flat", fallback="en")
    assert response.status_code == 400
    assert messages(response) == "fallback must be 'source'"


def test_namespace_filter(tenant, client, project):
    extra = json.dumps({"title": "Titre"})
    assert do_import(client, tenant.headers, project, "fr", "json-flat", extra, namespace="common").status_code == 200
    only_common = do_export(client, tenant.headers, project, "fr", "json-flat", namespace="common")
    assert only_common.status_code == 200
    assert json.loads(only_common.content) == {"title": "Titre"}
    default = do_export(client, tenant.headers, project, "fr", "json-flat", namespace="")
    assert json.loads(default.content) == {"apple": "Pomme", "banana": "Banane"}
    everything = do_export(client, tenant.headers, project, "fr", "json-flat")
    assert everything.status_code == 200
    assert json.loads(everything.content) == {"apple": "Pomme", "banana": "Banane", "title": "Titre"}


def test_same_key_in_two_namespaces_needs_a_namespace(tenant, client, project):
    clash = json.dumps({"apple": "Pomme (menu)"})
    assert do_import(client, tenant.headers, project, "fr", "json-flat", clash, namespace="menu").status_code == 200
    response = do_export(client, tenant.headers, project, "fr", "json-flat")
    assert response.status_code == 400
    assert "apple" in messages(response)
    assert "?namespace=" in messages(response)
    menu = do_export(client, tenant.headers, project, "fr", "json-flat", namespace="menu")
    assert json.loads(menu.content) == {"apple": "Pomme (menu)"}


def test_language_not_in_project_is_rejected(tenant, client, project):
    response = do_export(client, tenant.headers, project, "ja", "json-flat")
    assert response.status_code == 400
    assert "ja" in messages(response)


def test_source_language_exports_source_text(tenant, client, project):
    response = do_export(client, tenant.headers, project, "en", "json-flat")
    assert json.loads(response.content) == {"apple": "Apple", "banana": "Banana", "cherry": "Cherry"}


def test_target_language_without_any_translation_gives_an_empty_file(tenant, client, project):
    response = do_export(client, tenant.headers, project, "de", "json-flat")
    assert response.status_code == 200
    assert json.loads(response.content) == {}
    assert response.headers["x-total-keys"] == "0"


def test_export_reflects_values_changed_after_import(tenant, client, project):
    key = translations(client, tenant.headers, project, "fr")["apple"]["keyId"]
    url = f"/api/projects/{project}/keys/{key}/translations/fr"
    assert client.put(url, json={"value": "Pomme verte"}, headers=tenant.headers).status_code == 200
    response = do_export(client, tenant.headers, project, "fr", "json-flat")
    assert json.loads(response.content) == {"apple": "Pomme verte", "banana": "Banane"}


@pytest.mark.parametrize("role", ["translator", "reviewer"])
def test_roles_without_import_export_permission_get_403(tenant, client, project, role):
    member = tenant.member(role)
    exported = do_export(client, member.headers, project, "fr", "json-flat")
    assert exported.status_code == 403, exported.text
    imported = do_import(client, member.headers, project, "fr", "json-flat", json.dumps({"apple": "X"}), overwrite=True)
    assert imported.status_code == 403, imported.text
    assert do_export(client, tenant.headers, project, "fr", "json-flat").json()["apple"] == "Pomme"


def test_developer_can_import_and_export(tenant, client, project):
    member = tenant.member("developer")
    assert do_export(client, member.headers, project, "fr", "json-flat").status_code == 200
    response = do_import(client, member.headers, project, "fr", "json-flat", json.dumps({"date": "Datte"}))
    assert response.status_code == 200, response.text


def _scoped_token(tenant, client, scopes: list[str]) -> dict[str, str]:
    response = client.post(
        f"/api/organizations/{tenant.organization_id}/tokens",
        json={"name": "ci", "scopes": scopes, "role": "developer"},
        headers=tenant.headers,
    )
    assert response.status_code == 201, response.text
    return {"X-API-Key": response.json()["token"]}


def test_export_read_scope_exports_but_cannot_import(tenant, client, project):
    headers = _scoped_token(tenant, client, ["export:read"])
    assert do_export(client, headers, project, "fr", "json-flat").status_code == 200
    response = do_import(client, headers, project, "fr", "json-flat", json.dumps({"date": "Datte"}))
    assert response.status_code == 403
    assert "import:write" in messages(response)


def test_import_write_scope_imports_but_cannot_export(tenant, client, project):
    headers = _scoped_token(tenant, client, ["import:write"])
    response = do_import(client, headers, project, "fr", "json-flat", json.dumps({"date": "Datte"}))
    assert response.status_code == 200, response.text
    exported = do_export(client, headers, project, "fr", "json-flat")
    assert exported.status_code == 403
    assert "export:read" in messages(exported)


def test_other_organization_gets_404(tenant, client, project, database):
    with database.session(write=True) as session:
        org = orgs.create_organization(session, name="Other")
        session.commit()
        org_id = org.id
    stranger = _add_member(database, org_id, Role.OWNER)
    assert do_export(client, stranger.headers, project, "fr", "json-flat").status_code == 404
    assert do_import(client, stranger.headers, project, "fr", "json-flat", "{}").status_code == 404


def test_size_limit_cuts_the_file_and_says_so(tenant, database, settings, project):
    """`ENTRI_EXPORT_MAX_ENTRIES` keeps the first N keys; the headers tell the client what is missing."""
    from fastapi.testclient import TestClient

    from entri.app import create_app

    limited = settings.model_copy(update={"export_max_entries": 1})
    with TestClient(create_app(database, limited)) as small:
        response = do_export(small, tenant.headers, project, "fr", "json-flat")
        assert response.status_code == 200, response.text
        assert json.loads(response.content) == {"apple": "Pomme"}
        assert response.headers["x-export-truncated"] == "true"
        assert response.headers["x-total-keys"] == "2"
        po = do_export(small, tenant.headers, project, "fr", "po")
        assert len(parse("po", po.content, "fr").entries) == 1
        assert po.headers["x-total-keys"] == "3"  # po keeps the untranslated key too
