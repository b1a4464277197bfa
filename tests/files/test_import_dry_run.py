"""Import `dryRun` (per-key report, nothing written), `protectReviewed` (an overwrite keeps
reviewed values) and the export's ETag / If-None-Match."""

from __future__ import annotations

import json
from typing import Any

from tests.files.helpers import do_export, import_body, key_id, key_total, messages, snapshot, translations, values

EN = json.dumps({"greeting": "Hello", "farewell": "Goodbye", "thanks": "Thanks"})
FR = json.dumps({"greeting": "Bonjour", "farewell": "Au revoir"})


def do_import(
    client: Any,
    headers: dict[str, str],
    project_id: str,
    language: str,
    format_id: str,
    content: str,
    overwrite: bool | None = None,
    **extra: Any,
) -> Any:
    """The import request, with the body fields the shared helper does not know."""
    body = {**import_body(language, format_id, content, overwrite=overwrite), **extra}
    return client.post(f"/api/projects/{project_id}/import", json=body, headers=headers)


def _project(tenant: Any) -> str:
    return str(tenant.project(sourceLanguage="en", targetLanguages=["fr", "de"])["_id"])


def _by_key(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["key"]: item for item in body["changes"]}


def _approve(client: Any, headers: dict[str, str], project_id: str, name: str, language: str, status: str) -> None:
    kid = key_id(client, headers, project_id, language, name)
    response = client.patch(
        f"/api/projects/{project_id}/keys/{kid}/translations/{language}/status",
        json={"status": status},
        headers=headers,
    )
    assert response.status_code == 200, response.text


def test_a_dry_run_reports_every_new_key_and_writes_nothing(tenant, client):
    project_id = _project(tenant)
    before = snapshot(client, tenant.headers, project_id, ["en", "fr"])
    response = do_import(client, tenant.headers, project_id, "en", "json-flat", EN, dryRun=True)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["dryRun"] is True
    assert (body["imported"], body["created"], body["updated"], body["skipped"], body["conflicts"]) == (3, 3, 0, 0, 0)
    assert body["changes"] == [
        {
            "key": "greeting",
            "namespace": "",
            "action": "created",
            "old": None,
            "new": "Hello",
            "newStatus": "translated",
            "oldStatus": None,
        },
        {
            "key": "farewell",
            "namespace": "",
            "action": "created",
            "old": None,
            "new": "Goodbye",
            "newStatus": "translated",
            "oldStatus": None,
        },
        {
            "key": "thanks",
            "namespace": "",
            "action": "created",
            "old": None,
            "new": "Thanks",
            "newStatus": "translated",
            "oldStatus": None,
        },
    ]
    assert snapshot(client, tenant.headers, project_id, ["en", "fr"]) == before
    assert key_total(client, tenant.headers, project_id) == 0
    # nor was the file stored as the export layout: a canonical export of nothing
    assert do_export(client, tenant.headers, project_id, "en", "json-flat").content == b"{}\n"

    real = do_import(client, tenant.headers, project_id, "en", "json-flat", EN).json()
    assert "changes" not in real and "dryRun" not in real
    assert {k: real[k] for k in ("imported", "created", "updated", "skipped")} == {
        k: body[k] for k in ("imported", "created", "updated", "skipped")
    }


def test_dry_run_lists_added_updated_and_skipped_values_and_matches_the_real_import(tenant, client):
    project_id = _project(tenant)
    assert do_import(client, tenant.headers, project_id, "en", "json-flat", EN).status_code == 200
    assert do_import(client, tenant.headers, project_id, "fr", "json-flat", FR).status_code == 200
    new_fr = json.dumps({"greeting": "Salut", "farewell": "Au revoir", "thanks": "Merci", "extra": "En plus"})

    plain = do_import(client, tenant.headers, project_id, "fr", "json-flat", new_fr, dryRun=True).json()
    assert _by_key(plain) == {
        "greeting": {
            "key": "greeting",
            "namespace": "",
            "action": "skipped",
            "old": "Bonjour",
            "new": "Salut",
            "oldStatus": "translated",
            "newStatus": None,
        },
        "thanks": {
            "key": "thanks",
            "namespace": "",
            "action": "added",
            "old": None,
            "new": "Merci",
            "newStatus": "translated",
            "oldStatus": None,
        },
        "extra": {
            "key": "extra",
            "namespace": "",
            "action": "created",
            "old": None,
            "new": "En plus",
            "newStatus": "translated",
            "oldStatus": None,
        },
    }
    assert (plain["imported"], plain["created"], plain["skipped"]) == (2, 1, 2)

    before = snapshot(client, tenant.headers, project_id, ["en", "fr"])
    dry = do_import(client, tenant.headers, project_id, "fr", "json-flat", new_fr, overwrite=True, dryRun=True).json()
    assert snapshot(client, tenant.headers, project_id, ["en", "fr"]) == before
    assert _by_key(dry)["greeting"] == {
        "key": "greeting",
        "namespace": "",
        "action": "updated",
        "old": "Bonjour",
        "new": "Salut",
        "oldStatus": "translated",
        "newStatus": "translated",
    }
    assert "farewell" not in _by_key(dry)  # the same value: counted, not listed

    real = do_import(client, tenant.headers, project_id, "fr", "json-flat", new_fr, overwrite=True).json()
    for field in ("imported", "created", "updated", "skipped", "conflicts"):
        assert real[field] == dry[field], field
    after = values(client, tenant.headers, project_id, "fr")
    changed = {name for name, value in after.items() if before["fr"].get(name, (None,))[0] != value}
    assert changed == {k for k, item in _by_key(dry).items() if item["action"] != "skipped"}


def test_protect_reviewed_keeps_reviewed_and_approved_values_and_counts_conflicts(tenant, client):
    project_id = _project(tenant)
    assert do_import(client, tenant.headers, project_id, "en", "json-flat", EN).status_code == 200
    three = json.dumps({"greeting": "Bonjour", "farewell": "Au revoir", "thanks": "Merci"})
    assert do_import(client, tenant.headers, project_id, "fr", "json-flat", three).status_code == 200
    _approve(client, tenant.headers, project_id, "greeting", "fr", "approved")
    _approve(client, tenant.headers, project_id, "farewell", "fr", "reviewed")
    # greeting (approved) changes, farewell (reviewed) is the same value, thanks (translated) changes
    file = json.dumps({"greeting": "Salut", "farewell": "Au revoir", "thanks": "Merci bien"})
    options = {"overwrite": True, "protectReviewed": True}

    dry = do_import(client, tenant.headers, project_id, "fr", "json-flat", file, dryRun=True, **options).json()
    assert (dry["updated"], dry["conflicts"], dry["skipped"]) == (1, 1, 1)
    assert _by_key(dry)["greeting"] == {
        "key": "greeting",
        "namespace": "",
        "action": "conflict",
        "old": "Bonjour",
        "new": "Salut",
        "oldStatus": "approved",
        "newStatus": None,
    }
    assert _by_key(dry)["thanks"]["action"] == "updated"
    assert "farewell" not in _by_key(dry)

    real = do_import(client, tenant.headers, project_id, "fr", "json-flat", file, **options).json()
    assert (real["updated"], real["conflicts"], real["skipped"]) == (1, 1, 1)
    rows = {n: (r["value"], r["status"]) for n, r in _rows(client, tenant.headers, project_id).items()}
    # the same value did not reset the review either
    assert rows == {
        "greeting": ("Bonjour", "approved"),
        "farewell": ("Au revoir", "reviewed"),
        "thanks": ("Merci bien", "translated"),
    }

    forced = do_import(client, tenant.headers, project_id, "fr", "json-flat", file, overwrite=True).json()
    assert (forced["updated"], forced["conflicts"]) == (2, 0)  # greeting replaced, farewell's review reset
    assert values(client, tenant.headers, project_id, "fr")["greeting"] == "Salut"


def _rows(client: Any, headers: dict[str, str], project_id: str) -> dict[str, Any]:
    return translations(client, headers, project_id, "fr")


def test_dry_run_of_plural_keys_reports_forms(tenant, client):
    project_id = _project(tenant)
    en = json.dumps({"apples_one": "{{count}} apple", "apples_other": "{{count}} apples"})
    assert do_import(client, tenant.headers, project_id, "en", "json-nested", en).status_code == 200
    fr = json.dumps({"apples_one": "{{count}} pomme", "apples_other": "{{count}} pommes"})
    dry = do_import(client, tenant.headers, project_id, "fr", "json-nested", fr, dryRun=True).json()
    [item] = dry["changes"]
    assert item["action"] == "added" and item["key"] == "apples"
    assert item["new"] == {"one": "{{count}} pomme", "other": "{{count}} pommes"}


def test_a_bad_file_answers_the_same_400_in_a_dry_run(tenant, client):
    project_id = _project(tenant)
    dry = do_import(client, tenant.headers, project_id, "fr", "json-flat", '{"a": "x",', dryRun=True)
    real = do_import(client, tenant.headers, project_id, "fr", "json-flat", '{"a": "x",')
    assert dry.status_code == real.status_code == 400
    assert messages(dry) == messages(real)


def test_export_etag_and_if_none_match(tenant, client):
    project_id = _project(tenant)
    assert do_import(client, tenant.headers, project_id, "fr", "json-flat", FR).status_code == 200
    first = do_export(client, tenant.headers, project_id, "fr", "json-flat")
    tag = first.headers["etag"]
    assert tag.startswith('"') and tag.endswith('"') and len(tag) == 34
    url = f"/api/projects/{project_id}/export/fr"
    for header in (tag, f"W/{tag}", f'"other", {tag}', "*"):
        again = client.get(url, params={"format": "json-flat"}, headers={**tenant.headers, "If-None-Match": header})
        assert again.status_code == 304, header
        assert again.content == b""
        assert again.headers["etag"] == tag
    other_format = client.get(url, params={"format": "json-nested"}, headers={**tenant.headers, "If-None-Match": tag})
    assert other_format.status_code == 200  # a different file, a different tag

    change = json.dumps({"greeting": "Salut"})
    assert do_import(client, tenant.headers, project_id, "fr", "json-flat", change, overwrite=True).status_code == 200
    changed = client.get(url, params={"format": "json-flat"}, headers={**tenant.headers, "If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != tag
    assert json.loads(changed.content) == {"greeting": "Salut", "farewell": "Au revoir"}
