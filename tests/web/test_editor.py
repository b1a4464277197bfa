"""The editor through real HTTP: the grid, its filters, saving, statuses, revert, draft checks,
candidates, and what each role is offered and allowed."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.conftest import Tenant
from tests.web.support import ORIGIN, WebProject, make_project, sign_in


def _save(client: TestClient, project: WebProject, headers: dict[str, str], key: str, value: str, **extra: str):  # type: ignore[no-untyped-def]
    data = {"key": project.keys[key], "language": "fr", "value": value, **extra}
    return client.post(f"{project.editor}/save", data=data, headers=headers)


def test_grid_shows_keys_with_highlighted_placeholders(tenant: Tenant, client: TestClient) -> None:
    project = make_project(tenant)
    sign_in(client, tenant.owner)
    page = client.get(project.editor)
    assert page.status_code == 200
    for name in ("greeting", "farewell", "files", "title"):
        assert name in page.text
    assert '<mark class="ph" data-n="1" title="Ctrl+1">{name}</mark>' in page.text
    assert page.text.count('<textarea class="draft"') == 4
    assert "4 keys · page 1 of 1" in page.text


def test_search_and_filters(tenant: Tenant, client: TestClient) -> None:
    project = make_project(tenant)
    headers = sign_in(client, tenant.owner)
    assert _save(client, project, headers, "farewell", "Au revoir").status_code == 200
    by_source = client.get(project.editor, params={"q": "goodbye"}).text
    assert "1 keys" in by_source and "farewell" in by_source
    by_translation = client.get(project.editor, params={"q": "revoir"}).text
    assert "1 keys" in by_translation
    by_key = client.get(project.editor, params={"q": "TITL"}).text
    assert "1 keys" in by_key and ">title<" in by_key
    untranslated = client.get(project.editor, params={"status": "untranslated"}).text
    assert "3 keys" in untranslated and "farewell" not in untranslated
    to_review = client.get(project.editor, params={"status": "translated"}).text
    assert "1 keys" in to_review
    assert "0 keys" in client.get(project.editor, params={"ns": "nope"}).text
    assert client.get(project.editor, params={"status": "bogus"}).status_code == 400


def test_save_stores_through_the_write_path_and_needs_csrf(tenant: Tenant, client: TestClient) -> None:
    project = make_project(tenant)
    headers = sign_in(client, tenant.owner)
    missing = _save(client, project, {"Origin": ORIGIN}, "title", "Bienvenue")
    assert missing.status_code == 403
    cross = _save(client, project, {**headers, "Origin": "http://evil.example"}, "title", "Bienvenue")
    assert cross.status_code == 403
    assert project.value("title") is None
    saved = _save(client, project, headers, "title", "Bienvenue")
    assert saved.status_code == 200
    assert saved.text.lstrip().startswith("<td") and 'data-version="1"' in saved.text
    assert project.value("title") == "Bienvenue"
    stale = _save(client, project, headers, "title", "Salut", version="0")
    assert stale.status_code == 409
    assert project.value("title") == "Bienvenue"


def test_draft_checks_run_before_saving(tenant: Tenant, client: TestClient) -> None:
    project = make_project(tenant)
    headers = sign_in(client, tenant.owner)
    url = f"{project.editor}/check"
    bad = client.post(
        url, data={"key": project.keys["greeting"], "language": "fr", "value": "Bonjour"}, headers=headers
    )
    assert bad.status_code == 200
    assert "placeholders" in bad.text and "sev-error" in bad.text
    good = client.post(
        url, data={"key": project.keys["greeting"], "language": "fr", "value": "Bonjour {name}"}, headers=headers
    )
    assert "All checks pass" in good.text
    assert project.value("greeting") is None  # checking writes nothing


def test_reviewer_approves_and_translator_cannot(tenant: Tenant, client: TestClient) -> None:
    project = make_project(tenant)
    headers = sign_in(client, tenant.member("translator"))
    page = client.get(project.editor).text
    assert '<textarea class="draft"' in page and "Approve</button>" not in page
    assert _save(client, project, headers, "title", "Bienvenue").status_code == 200
    status = {"key": project.keys["title"], "language": "fr", "status": "approved"}
    refused = client.post(f"{project.editor}/status", data=status, headers=headers)
    assert refused.status_code == 403
    assert project.status("title") == "translated"
    headers = sign_in(client, tenant.member("reviewer"))
    page = client.get(project.editor).text
    assert "Approve</button>" in page and '<textarea class="draft"' not in page
    approved = client.post(f"{project.editor}/status", data=status, headers=headers)
    assert approved.status_code == 200
    assert project.status("title") == "approved"
    assert _save(client, project, headers, "title", "Autre").status_code == 403  # reviewers do not edit text


def test_viewer_sees_no_edit_controls_and_is_refused(tenant: Tenant, client: TestClient) -> None:
    project = make_project(tenant)
    headers = sign_in(client, tenant.member("viewer"))
    page = client.get(project.editor).text
    assert "<textarea" not in page and "Save</button>" not in page and "Approve</button>" not in page
    assert _save(client, project, headers, "title", "Bienvenue").status_code == 403
    assert project.value("title") is None


def test_history_panel_reverts_with_one_click(tenant: Tenant, client: TestClient) -> None:
    project = make_project(tenant)
    headers = sign_in(client, tenant.owner)
    assert _save(client, project, headers, "title", "Bienvenue").status_code == 200
    assert _save(client, project, headers, "title", "Salut").status_code == 200
    panel = client.get(f"{project.editor}/panel", params={"key": project.keys["title"], "language": "fr"})
    assert panel.status_code == 200
    assert "Welcome" in panel.text
    ids = re.findall(r'data-history="([^"]+)"', panel.text)
    assert len(ids) == 1  # the current version has no revert button
    data = {"key": project.keys["title"], "language": "fr", "history": ids[0]}
    reverted = client.post(f"{project.editor}/revert", data=data, headers=headers)
    assert reverted.status_code == 200
    assert project.value("title") == "Bienvenue"


def test_panel_offers_translation_memory_matches(tenant: Tenant, client: TestClient) -> None:
    project = make_project(tenant)
    other = make_project(tenant, name="Other", source={"hello": "Welcome"})
    headers = sign_in(client, tenant.owner)
    data = {"key": other.keys["hello"], "language": "fr", "value": "Bienvenue", "status": "approved"}
    assert client.post(f"{other.editor}/save", data=data, headers=headers).status_code == 200
    panel = client.get(f"{project.editor}/panel", params={"key": project.keys["title"], "language": "fr"})
    assert 'data-text="Bienvenue"' in panel.text
    assert "100%" in panel.text


def test_plural_keys_are_edited_by_cldr_category(tenant: Tenant, client: TestClient) -> None:
    project = tenant.project(name="Plural", targetLanguages=["ru"])
    pid = project["_id"]
    body = {"key": "items", "isPlural": True}
    created = client.post(f"/api/projects/{pid}/keys", json=body, headers=tenant.headers)
    assert created.status_code == 201, created.text
    key_id = created.json()["_id"]
    headers = sign_in(client, tenant.owner)
    page = client.get(f"/app/projects/{pid}/editor").text
    for category in ("one", "few", "many", "other"):
        assert f'data-cat="{category}"' in page
    forms = {
        "one": "{count} предмет",
        "few": "{count} предмета",
        "many": "{count} предметов",
        "other": "{count} предмета",
    }
    data = {"key": key_id, "language": "ru", "form_cat": list(forms), "form_text": list(forms.values())}
    saved = client.post(f"/app/projects/{pid}/editor/save", data=data, headers=headers)
    assert saved.status_code == 200, saved.text
    stored = client.get(f"/api/projects/{pid}/keys/{key_id}/translations", headers=tenant.headers).json()
    ru = next(t for t in stored["translations"] if t["language"] == "ru")
    assert ru["pluralForms"] == forms


def test_failing_checks_filter_finds_the_broken_placeholder(tenant: Tenant, client: TestClient) -> None:
    project = make_project(tenant)
    headers = sign_in(client, tenant.owner)
    assert _save(client, project, headers, "greeting", "Bonjour").status_code == 200  # {name} missing
    assert _save(client, project, headers, "title", "Bienvenue").status_code == 200
    failing = client.get(project.editor, params={"check": "failing"}).text
    assert "1 keys" in failing and "greeting" in failing and 'class="cell st-translated failing"' in failing
    assert "placeholders" in failing
