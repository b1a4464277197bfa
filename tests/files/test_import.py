"""Import semantics over HTTP: counts, overwrite, history, namespaces, bilingual sources, errors."""

from __future__ import annotations

import base64
import json

import pytest

from entri.formats import FORMAT_IDS
from tests.files.helpers import (
    do_export,
    do_import,
    history,
    key_total,
    messages,
    translations,
    values,
)

FR_FLAT = json.dumps({"greeting": "Bonjour", "farewell": "Au revoir"})


def _project(tenant) -> str:
    return str(tenant.project(sourceLanguage="en", targetLanguages=["fr", "de"])["_id"])


def test_formats_lists_the_sixteen_ids(tenant, client):
    project_id = _project(tenant)
    response = client.get(f"/api/projects/{project_id}/formats", headers=tenant.headers)
    assert response.status_code == 200
    assert response.json() == list(FORMAT_IDS)
    assert len(response.json()) == 16


def test_first_import_creates_keys_and_reports_every_field(tenant, client):
    project_id = _project(tenant)
    response = do_import(client, tenant.headers, project_id, "fr", "json-flat", FR_FLAT)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "imported": 2,
        "created": 2,
        "updated": 0,
        "skipped": 0,
        "conflicts": 0,
        "errors": [],
        "warnings": [],
        "checks": {},
        "language": "fr",
        "format": "json-flat",
    }
    assert values(client, tenant.headers, project_id, "fr") == {"greeting": "Bonjour", "farewell": "Au revoir"}
    rows = translations(client, tenant.headers, project_id, "fr")
    assert {r["source"] for r in rows.values()} == {"import"}
    assert {r["status"] for r in rows.values()} == {"translated"}
    # a target-language file creates keys but no source text
    assert values(client, tenant.headers, project_id, "en") == {}


def test_without_overwrite_existing_values_are_skipped_and_missing_ones_added(tenant, client):
    project_id = _project(tenant)
    assert do_import(client, tenant.headers, project_id, "fr", "json-flat", FR_FLAT).status_code == 200
    second = json.dumps({"greeting": "Salut", "farewell": "Au revoir", "thanks": "Merci"})
    response = do_import(client, tenant.headers, project_id, "fr", "json-flat", second)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["imported"], body["created"], body["updated"], body["skipped"]) == (1, 1, 0, 2)
    assert values(client, tenant.headers, project_id, "fr") == {
        "greeting": "Bonjour",
        "farewell": "Au revoir",
        "thanks": "Merci",
    }
    greeting = translations(client, tenant.headers, project_id, "fr")["greeting"]
    assert len(history(client, tenant.headers, project_id, greeting["keyId"], "fr")) == 1


def test_without_overwrite_a_missing_translation_of_an_existing_key_is_added(tenant, client):
    project_id = _project(tenant)
    assert do_import(client, tenant.headers, project_id, "fr", "json-flat", FR_FLAT).status_code == 200
    response = do_import(client, tenant.headers, project_id, "de", "json-flat", json.dumps({"greeting": "Hallo"}))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["imported"], body["created"], body["updated"], body["skipped"]) == (1, 0, 0, 0)
    assert values(client, tenant.headers, project_id, "de") == {"greeting": "Hallo"}
    assert key_total(client, tenant.headers, project_id) == 2


def test_overwrite_replaces_values_and_writes_import_history(tenant, client):
    project_id = _project(tenant)
    assert do_import(client, tenant.headers, project_id, "fr", "json-flat", FR_FLAT).status_code == 200
    second = json.dumps({"greeting": "Salut", "farewell": "Au revoir"})
    response = do_import(client, tenant.headers, project_id, "fr", "json-flat", second, overwrite=True)
    assert response.status_code == 200, response.text
    body = response.json()
    # the unchanged value is not rewritten: skipped, and no history entry
    assert (body["imported"], body["created"], body["updated"], body["skipped"]) == (1, 0, 1, 1)
    assert values(client, tenant.headers, project_id, "fr")["greeting"] == "Salut"
    rows = translations(client, tenant.headers, project_id, "fr")
    greeting = history(client, tenant.headers, project_id, rows["greeting"]["keyId"], "fr")
    assert [(h["version"], h["action"], h["source"]) for h in greeting] == [
        (2, "import", "import"),
        (1, "import", "import"),
    ]
    assert (greeting[0]["previousValue"], greeting[0]["newValue"]) == ("Bonjour", "Salut")
    assert greeting[0]["changedBy"] == tenant.owner.user_id
    assert len(history(client, tenant.headers, project_id, rows["farewell"]["keyId"], "fr")) == 1


def test_overwrite_replaces_a_value_set_by_hand(tenant, client):
    project_id = _project(tenant)
    assert do_import(client, tenant.headers, project_id, "fr", "json-flat", FR_FLAT).status_code == 200
    key = translations(client, tenant.headers, project_id, "fr")["greeting"]["keyId"]
    url = f"/api/projects/{project_id}/keys/{key}/translations/fr"
    assert client.put(url, json={"value": "Coucou"}, headers=tenant.headers).status_code == 200
    response = do_import(client, tenant.headers, project_id, "fr", "json-flat", FR_FLAT, overwrite=True)
    assert response.status_code == 200, response.text
    assert (response.json()["imported"], response.json()["updated"], response.json()["skipped"]) == (1, 1, 1)
    entries = history(client, tenant.headers, project_id, key, "fr")
    assert [(h["action"], h["source"], h["newValue"]) for h in entries[:2]] == [
        ("import", "import", "Bonjour"),
        ("update", "human", "Coucou"),
    ]


def test_source_language_import_creates_keys_with_source_values(tenant, client):
    project_id = _project(tenant)
    content = json.dumps({"nav": {"home": "Home", "about": "About us"}})
    response = do_import(client, tenant.headers, project_id, "en", "json-nested", content)
    assert response.status_code == 200, response.text
    assert (response.json()["created"], response.json()["imported"]) == (2, 2)
    assert values(client, tenant.headers, project_id, "en") == {"nav.home": "Home", "nav.about": "About us"}
    assert values(client, tenant.headers, project_id, "fr") == {}


def test_empty_string_is_a_value_with_status_untranslated(tenant, client):
    project_id = _project(tenant)
    response = do_import(client, tenant.headers, project_id, "fr", "json-flat", json.dumps({"blank": ""}))
    assert response.status_code == 200, response.text
    assert (response.json()["imported"], response.json()["skipped"]) == (1, 0)
    row = translations(client, tenant.headers, project_id, "fr")["blank"]
    assert (row["value"], row["status"], row["version"]) == ("", "untranslated", 1)
    exported = do_export(client, tenant.headers, project_id, "fr", "json-flat")
    assert json.loads(exported.content) == {"blank": ""}


def test_namespace_assigns_keys_to_it(tenant, client):
    project_id = _project(tenant)
    response = do_import(client, tenant.headers, project_id, "fr", "json-flat", FR_FLAT, namespace="common")
    assert response.status_code == 200, response.text
    listed = client.get(f"/api/projects/{project_id}/keys", params={"namespace": "common"}, headers=tenant.headers)
    assert listed.json()["meta"]["total"] == 2
    assert {k["namespace"] for k in listed.json()["data"]} == {"common"}
    # the same file without a namespace creates two more keys in the default namespace
    again = do_import(client, tenant.headers, project_id, "fr", "json-flat", FR_FLAT)
    assert (again.json()["created"], again.json()["imported"]) == (2, 2)
    assert key_total(client, tenant.headers, project_id) == 4


def test_xliff_import_gives_new_keys_their_source_text(tenant, client):
    project_id = _project(tenant)
    xliff = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">\n'
        '  <file source-language="en" target-language="fr" datatype="plaintext" original="x">\n'
        "    <body>\n"
        '      <trans-unit id="save"><source>Save</source><target>Enregistrer</target></trans-unit>\n'
        '      <trans-unit id="cancel"><source>Cancel</source></trans-unit>\n'
        '      <trans-unit id="done"><source>Done</source>'
        '<target state="needs-translation">Fini</target></trans-unit>\n'
        "    </body>\n"
        "  </file>\n"
        "</xliff>\n"
    )
    response = do_import(client, tenant.headers, project_id, "fr", "xliff", xliff)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["created"], body["imported"], body["skipped"]) == (3, 2, 1)
    assert values(client, tenant.headers, project_id, "en") == {"save": "Save", "cancel": "Cancel", "done": "Done"}
    assert values(client, tenant.headers, project_id, "fr") == {"save": "Enregistrer", "done": "Fini"}
    rows = translations(client, tenant.headers, project_id, "fr")
    assert (rows["save"]["status"], rows["done"]["status"]) == ("translated", "untranslated")
    source_rows = translations(client, tenant.headers, project_id, "en")
    assert source_rows["save"]["source"] == "import"


def test_xliff_import_does_not_change_the_source_text_of_existing_keys(tenant, client):
    project_id = _project(tenant)
    assert (
        do_import(client, tenant.headers, project_id, "en", "json-flat", json.dumps({"save": "Save"})).status_code
        == 200
    )
    xliff = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">\n'
        '  <file source-language="en" target-language="fr" datatype="plaintext" original="x"><body>\n'
        '    <trans-unit id="save"><source>Save now</source><target>Enregistrer</target></trans-unit>\n'
        "  </body></file>\n"
        "</xliff>\n"
    )
    response = do_import(client, tenant.headers, project_id, "fr", "xliff", xliff, overwrite=True)
    assert response.status_code == 200, response.text
    assert values(client, tenant.headers, project_id, "en") == {"save": "Save"}
    assert values(client, tenant.headers, project_id, "fr") == {"save": "Enregistrer"}


def test_po_fuzzy_entry_is_imported_untranslated_with_its_value(tenant, client):
    project_id = _project(tenant)
    po = (
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Open"\nmsgstr "Ouvrir"\n\n'
        '#, fuzzy\nmsgid "Close"\nmsgstr "Fermer"\n\n'
        'msgid "Quit"\nmsgstr ""\n'
    )
    response = do_import(client, tenant.headers, project_id, "fr", "po", po)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["created"], body["imported"], body["skipped"]) == (3, 2, 1)
    rows = translations(client, tenant.headers, project_id, "fr")
    assert {k: (r["value"], r["status"]) for k, r in rows.items()} == {
        "Open": ("Ouvrir", "translated"),
        "Close": ("Fermer", "untranslated"),
        "Quit": (None, "untranslated"),
    }
    assert values(client, tenant.headers, project_id, "en") == {"Open": "Open", "Close": "Close", "Quit": "Quit"}


def test_plural_import_stores_forms(tenant, client):
    project_id = str(tenant.project(sourceLanguage="en", targetLanguages=["ru"])["_id"])
    content = json.dumps(
        {"files_one": "{{count}} файл", "files_few": "{{count}} файла", "files_many": "{{count}} файлов"}
    )
    response = do_import(client, tenant.headers, project_id, "ru", "json-nested", content)
    assert response.status_code == 200, response.text
    assert (response.json()["created"], response.json()["imported"]) == (1, 1)
    row = translations(client, tenant.headers, project_id, "ru")["files"]
    assert row["pluralForms"] == {"one": "{{count}} файл", "few": "{{count}} файла", "many": "{{count}} файлов"}


def test_a_key_repeated_in_one_file_counts_once(tenant, client):
    project_id = _project(tenant)
    xliff = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">\n'
        '  <file source-language="en" target-language="fr" datatype="plaintext" original="x"><body>\n'
        '    <trans-unit id="ok"><source>OK</source><target>D\'accord</target></trans-unit>\n'
        '    <trans-unit id="ok"><source>OK</source><target>OK</target></trans-unit>\n'
        "  </body></file>\n"
        "</xliff>\n"
    )
    response = do_import(client, tenant.headers, project_id, "fr", "xliff", xliff)
    assert response.status_code == 200, response.text
    assert values(client, tenant.headers, project_id, "fr") == {"ok": "OK"}
    assert (response.json()["created"], response.json()["imported"]) == (1, 1)
    assert response.json()["warnings"] == ["key 'ok' appears 2 times in the file; the last value was kept"]


def test_language_not_in_project_is_rejected(tenant, client):
    project_id = _project(tenant)
    response = do_import(client, tenant.headers, project_id, "ja", "json-flat", FR_FLAT)
    assert response.status_code == 400, response.text
    assert "ja" in messages(response)
    assert key_total(client, tenant.headers, project_id) == 0


def test_unknown_format_is_rejected_listing_valid_ids(tenant, client):
    project_id = _project(tenant)
    response = do_import(client, tenant.headers, project_id, "fr", "toml", FR_FLAT)
    assert response.status_code == 400, response.text
    text = messages(response)
    assert all(format_id in text for format_id in FORMAT_IDS)
    assert response.json()["error"] == "Bad Request"
    assert response.json()["statusCode"] == 400


def test_mo_sent_as_text_is_rejected(tenant, client):
    project_id = _project(tenant)
    response = do_import(client, tenant.headers, project_id, "fr", "mo", 'msgid "a"\nmsgstr "b"\n')
    assert response.status_code == 400, response.text
    assert "base64" in messages(response)
    assert key_total(client, tenant.headers, project_id) == 0


def test_mo_round_trips_as_base64(tenant, client):
    project_id = _project(tenant)
    assert do_import(client, tenant.headers, project_id, "fr", "json-flat", FR_FLAT).status_code == 200
    exported = do_export(client, tenant.headers, project_id, "fr", "mo")
    assert exported.status_code == 200
    assert exported.content[:4] in (b"\xde\x12\x04\x95", b"\x95\x04\x12\xde")
    other = str(tenant.project(targetLanguages=["fr"])["_id"])
    response = do_import(client, tenant.headers, other, "fr", "mo", exported.content)
    assert response.status_code == 200, response.text
    assert values(client, tenant.headers, other, "fr") == {"greeting": "Bonjour", "farewell": "Au revoir"}
    # as `base64 fr.mo` prints it: wrapped at 76 columns
    wrapped = base64.encodebytes(exported.content).decode("ascii")
    assert "\n" in wrapped
    third = str(tenant.project(targetLanguages=["fr"])["_id"])
    body = {"language": "fr", "format": "mo", "content": wrapped}
    response = client.post(f"/api/projects/{third}/import", json=body, headers=tenant.headers)
    assert response.status_code == 200, response.text
    assert values(client, tenant.headers, third, "fr") == {"greeting": "Bonjour", "farewell": "Au revoir"}


@pytest.mark.parametrize("encoding", ["text", "base64"])
def test_utf16_strings_only_arrive_intact_as_base64(tenant, client, encoding):
    project_id = _project(tenant)
    data = '"hello" = "Bonjour à tous";\n'.encode("utf-16")
    if encoding == "base64":
        response = do_import(client, tenant.headers, project_id, "fr", "ios-strings", data)
        assert response.status_code == 200, response.text
        assert values(client, tenant.headers, project_id, "fr") == {"hello": "Bonjour à tous"}
        assert do_export(client, tenant.headers, project_id, "fr", "ios-strings").content == data
    else:
        body = {"language": "fr", "format": "ios-strings", "content": data.decode("utf-16"), "contentEncoding": "text"}
        response = client.post(f"/api/projects/{project_id}/import", json=body, headers=tenant.headers)
        assert response.status_code == 200, response.text
        assert (
            do_export(client, tenant.headers, project_id, "fr", "ios-strings").content
            == '"hello" = "Bonjour à tous";\n'.encode()
        )
