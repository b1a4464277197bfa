"""Glossary and term routes over HTTP: CRUD, validation, permissions, token scopes, tenancy."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from entri.core.db import Database
from entri.core.permissions import Role
from entri.organizations import service as orgs
from entri.tokens import service as tokens
from tests.conftest import Tenant, _add_member
from tests.errors import assert_error
from tests.glossary.helpers import add_term, base, check, make_glossary


@pytest.fixture
def other(database: Database, app_client: TestClient) -> Tenant:
    with database.session(write=True) as session:
        org = orgs.create_organization(session, name="Globex")
        session.commit()
        org_id = org.id
    owner = _add_member(database, org_id, Role.OWNER)
    return Tenant(database=database, client=app_client, organization_id=org_id, owner=owner)


def test_glossary_crud(tenant: Tenant, client: TestClient) -> None:
    g = make_glossary(tenant, description="UI words")
    assert g["_id"].startswith("gloss_") and g["organizationId"] == tenant.organization_id
    assert (g["sourceLanguage"], g["targetLanguages"], g["termCount"]) == ("en", ["fr", "de"], 0)
    assert g["created"].endswith("Z")
    listed = client.get(base(tenant), headers=tenant.headers).json()
    assert listed["meta"]["total"] == 1 and listed["data"][0]["_id"] == g["_id"]
    r = client.patch(f"{base(tenant)}/{g['_id']}", json={"name": "UI", "description": None}, headers=tenant.headers)
    assert r.status_code == 200, r.text
    assert (r.json()["name"], r.json()["description"]) == ("UI", None)
    add_term(tenant, g["_id"], term="file", translations={"fr": "fichier"})
    assert client.get(f"{base(tenant)}/{g['_id']}", headers=tenant.headers).json()["termCount"] == 1
    assert client.delete(f"{base(tenant)}/{g['_id']}", headers=tenant.headers).status_code == 204
    assert_error(client.get(f"{base(tenant)}/{g['_id']}", headers=tenant.headers), 404)
    assert check(tenant, "a file") == []


def test_current_is_the_callers_organization(tenant: Tenant, client: TestClient) -> None:
    make_glossary(tenant)
    r = client.get("/api/v1/organizations/current/glossaries", headers=tenant.headers)
    assert r.status_code == 200 and r.json()["meta"]["total"] == 1


def test_glossary_validation(tenant: Tenant, client: TestClient) -> None:
    url = base(tenant)
    bad = {"name": "X", "sourceLanguage": "en", "targetLanguages": ["en", "fr"]}
    body = assert_error(client.post(url, json=bad, headers=tenant.headers), 400)
    assert "source language" in str(body["message"])
    assert_error(client.post(url, json={"name": "X", "sourceLanguage": "xx-nope"}, headers=tenant.headers), 400)
    make_glossary(tenant, name="Same")
    assert_error(client.post(url, json={"name": "Same", "sourceLanguage": "en"}, headers=tenant.headers), 409)


def test_term_crud_and_translation_merge(tenant: Tenant, client: TestClient) -> None:
    g = make_glossary(tenant)
    t = add_term(tenant, g["_id"], term=" file ", partOfSpeech="noun", translations={"fr": "fichier", "de": "Datei"})
    assert t["term"] == "file" and t["_id"].startswith("term_") and t["glossaryId"] == g["_id"]
    assert (t["caseSensitive"], t["doNotTranslate"], t["forbidden"]) == (False, False, False)
    url = f"{base(tenant)}/terms/{t['_id']}"
    change = {"translations": {"de": None, "fr": "document"}, "caseSensitive": True}
    r = client.patch(url, json=change, headers=tenant.headers)
    assert r.status_code == 200, r.text
    assert r.json()["translations"] == {"fr": "document"} and r.json()["caseSensitive"] is True
    page = client.get(f"{base(tenant)}/{g['_id']}/terms?q=FIL", headers=tenant.headers).json()
    assert [x["term"] for x in page["data"]] == ["file"] and page["meta"]["total"] == 1
    # The same text with another part of speech is another term; the same pair is a conflict.
    add_term(tenant, g["_id"], term="file", partOfSpeech="verb")
    again = {"term": "file", "partOfSpeech": "noun"}
    dup = client.post(f"{base(tenant)}/{g['_id']}/terms", json=again, headers=tenant.headers)
    assert_error(dup, 409)
    assert client.delete(url, headers=tenant.headers).status_code == 204
    assert_error(client.delete(url, headers=tenant.headers), 404)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"term": "  "}, "term should not be empty"),
        ({"term": "→ …"}, "no letter or digit"),
        ({"term": "file", "translations": {"es": "archivo"}}, "not a target language"),
        ({"term": "file", "translations": {"en": "file"}}, "source language"),
        ({"term": "file", "translations": {"fr": " "}}, "should not be empty"),
        ({"term": "file", "translations": {"zz-bad!": "x"}}, "translations"),
        ({"term": "file", "doNotTranslate": True, "forbidden": True}, "both"),
        ({"term": "x" * 1001}, "term"),
    ],
)
def test_term_validation(tenant: Tenant, client: TestClient, body: dict[str, object], fragment: str) -> None:
    g = make_glossary(tenant)
    r = client.post(f"{base(tenant)}/{g['_id']}/terms", json=body, headers=tenant.headers)
    assert fragment in str(assert_error(r, 400)["message"])


def test_a_removed_target_language_hides_translations_until_added_back(tenant: Tenant, client: TestClient) -> None:
    g = make_glossary(tenant)
    t = add_term(tenant, g["_id"], term="file", translations={"fr": "fichier", "de": "Datei"})
    url = f"{base(tenant)}/{g['_id']}"
    client.patch(url, json={"targetLanguages": ["fr"]}, headers=tenant.headers)
    assert client.get(f"{url}/terms", headers=tenant.headers).json()["data"][0]["translations"] == {"fr": "fichier"}
    client.patch(f"{base(tenant)}/terms/{t['_id']}", json={"translations": {"fr": "document"}}, headers=tenant.headers)
    client.patch(url, json={"targetLanguages": ["fr", "de"]}, headers=tenant.headers)
    shown = client.get(f"{url}/terms", headers=tenant.headers).json()["data"][0]["translations"]
    assert shown == {"fr": "document", "de": "Datei"}


@pytest.mark.parametrize("role", ["translator", "reviewer", "viewer"])
def test_readers_read_but_cannot_write(tenant: Tenant, client: TestClient, role: str) -> None:
    g = make_glossary(tenant)
    t = add_term(tenant, g["_id"], term="file", translations={"fr": "fichier"})
    headers = tenant.member(role).headers
    assert client.get(f"{base(tenant)}/{g['_id']}/terms", headers=headers).status_code == 200
    hits = client.post(f"{base(tenant)}/check", json={"text": "files", "sourceLanguage": "en"}, headers=headers)
    assert hits.status_code == 200 and len(hits.json()) == 1
    assert_error(client.post(f"{base(tenant)}/{g['_id']}/terms", json={"term": "x"}, headers=headers), 403)
    assert_error(client.patch(f"{base(tenant)}/terms/{t['_id']}", json={"term": "y"}, headers=headers), 403)
    assert_error(client.delete(f"{base(tenant)}/{g['_id']}", headers=headers), 403)
    body = {"format": "csv", "content": "term\nx\n"}
    assert_error(client.post(f"{base(tenant)}/{g['_id']}/import", json=body, headers=headers), 403)


def test_developer_manages_glossaries(tenant: Tenant, client: TestClient) -> None:
    headers = tenant.member("developer").headers
    r = client.post(base(tenant), json={"name": "Dev", "sourceLanguage": "en"}, headers=headers)
    assert r.status_code == 201, r.text


def test_read_scope_token_may_check_but_not_write(tenant: Tenant, client: TestClient) -> None:
    g = make_glossary(tenant)
    add_term(tenant, g["_id"], term="file")
    with tenant.database.session(write=True) as session:
        issued = tokens.issue_token(
            session,
            organization_id=tenant.organization_id,
            name="read",
            role="developer",
            created_by=tenant.owner.user_id,
            scopes=["glossary:read"],
        )
        session.commit()
    headers = {"X-API-Key": issued.value}
    r = client.post(f"{base(tenant)}/check", json={"text": "a file", "sourceLanguage": "en"}, headers=headers)
    assert r.status_code == 200 and len(r.json()) == 1
    assert_error(client.post(f"{base(tenant)}/{g['_id']}/terms", json={"term": "x"}, headers=headers), 403)


def test_another_organization_gets_404(tenant: Tenant, other: Tenant, client: TestClient) -> None:
    g = make_glossary(tenant)
    t = add_term(tenant, g["_id"], term="secret", translations={"fr": "secret"})
    them = other.headers
    assert client.get(base(other), headers=them).json()["meta"]["total"] == 0
    assert_error(client.get(base(tenant), headers=them), 404)
    for method, path in [
        ("get", f"{base(other)}/{g['_id']}"),
        ("get", f"{base(other)}/{g['_id']}/terms"),
        ("get", f"{base(other)}/{g['_id']}/export?format=csv"),
        ("patch", f"{base(other)}/{g['_id']}"),
        ("delete", f"{base(other)}/{g['_id']}"),
        ("patch", f"{base(other)}/terms/{t['_id']}"),
        ("delete", f"{base(other)}/terms/{t['_id']}"),
    ]:
        kwargs = {"json": {"name": "stolen"}} if method == "patch" and "terms" not in path else {}
        if method == "patch" and "terms" in path:
            kwargs = {"json": {"term": "stolen"}}
        assert_error(getattr(client, method)(path, headers=them, **kwargs), 404)
    r = client.post(f"{base(other)}/check", json={"text": "secret", "sourceLanguage": "en"}, headers=them)
    assert r.json() == []
    ids = {"text": "secret", "sourceLanguage": "en", "glossaryIds": [g["_id"]]}
    assert_error(client.post(f"{base(other)}/check", json=ids, headers=them), 400)
    assert client.get(f"{base(tenant)}/{g['_id']}/terms", headers=tenant.headers).json()["data"][0]["term"] == "secret"
