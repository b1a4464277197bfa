"""The project page's additions over HTTP: languages, the progress chart, project settings
(compat token and switches), glossary and TM browsers. Writes are checked through the API."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Tenant
from tests.web.support import ORIGIN, make_project, sign_in


def _project(tenant: Tenant, pid: str) -> dict[str, object]:
    response = tenant.client.get(f"/api/projects/{pid}", headers=tenant.headers)
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def test_add_and_remove_a_language(tenant: Tenant, client: TestClient) -> None:
    project = make_project(tenant)
    headers = sign_in(client, tenant.owner)
    url = f"/app/projects/{project.id}/languages"
    added = client.post(url, data={"language": "pt-br"}, headers=headers)
    assert added.status_code == 204 and added.headers["HX-Refresh"] == "true"
    assert _project(tenant, project.id)["targetLanguages"] == ["fr", "de", "pt-BR"]
    twice = client.post(url, data={"language": "fr"}, headers=headers)
    assert twice.status_code == 409 and "already in the project" in twice.text
    bad = client.post(url, data={"language": "not a language!"}, headers=headers)
    assert bad.status_code == 400
    assert client.post(f"{url}/de/remove", headers=headers).status_code == 204
    assert _project(tenant, project.id)["targetLanguages"] == ["fr", "pt-BR"]
    assert client.post(url, data={"language": "es"}, headers={"Origin": ORIGIN}).status_code == 403  # no CSRF


def test_a_translator_cannot_change_languages(tenant: Tenant, client: TestClient) -> None:
    project = make_project(tenant)
    headers = sign_in(client, tenant.member("translator"))
    page = client.get(f"/app/projects/{project.id}").text
    assert "Add a language" not in page and "Remove fr" not in page and "Project settings" not in page
    assert (
        client.post(f"/app/projects/{project.id}/languages", data={"language": "es"}, headers=headers).status_code
        == 403
    )
    assert client.post(f"/app/projects/{project.id}/languages/fr/remove", headers=headers).status_code == 403
    assert _project(tenant, project.id)["targetLanguages"] == ["fr", "de"]


def test_the_chart_shows_todays_work(tenant: Tenant, client: TestClient) -> None:
    project = make_project(tenant)
    for key, value in (("title", "Bienvenue"), ("farewell", "Au revoir")):
        url = f"/api/projects/{project.id}/keys/{project.keys[key]}/translations/fr"
        assert tenant.client.put(url, json={"value": value}, headers=tenant.headers).status_code == 200
    sign_in(client, tenant.member("viewer"))
    page = client.get(f"/app/projects/{project.id}").text
    assert page.count('<rect class="bar"') == 30
    assert ": 2 translated, 0 reviewed, 0 approved</title>" in page


def test_compat_token_rotate_and_dangerous_switches(tenant: Tenant, client: TestClient) -> None:
    project = make_project(tenant)
    headers = sign_in(client, tenant.owner)
    page = client.get(f"/app/projects/{project.id}/settings")
    assert page.status_code == 200
    api = tenant.client.get(f"/api/projects/{project.id}/compat-token", headers=tenant.headers).json()
    assert api["baseUrl"] in page.text
    rotated = client.post(f"/app/projects/{project.id}/compat-token/rotate", headers=headers)
    assert rotated.status_code == 200 and api["baseUrl"] not in rotated.text
    now = tenant.client.get(f"/api/projects/{project.id}/compat-token", headers=tenant.headers).json()
    assert now["token"] != api["token"] and now["baseUrl"] in rotated.text
    saved = client.post(
        f"/app/projects/{project.id}/settings/compat", data={"allowDeleteString": "true"}, headers=headers
    )
    assert saved.status_code == 200 and "Saved." in saved.text
    compat = _project(tenant, project.id)["settings"]["compat"]  # type: ignore[index]
    assert compat["allowDeleteString"] is True and compat["allowUpdateTranslation"] is False


def test_a_developer_sees_no_compat_token_and_cannot_flip_switches(tenant: Tenant, client: TestClient) -> None:
    project = make_project(tenant)
    headers = sign_in(client, tenant.member("developer"))
    page = client.get(f"/app/projects/{project.id}/settings")
    assert page.status_code == 200 and "/compat/api/" not in page.text and "<fieldset disabled>" in page.text
    assert client.post(f"/app/projects/{project.id}/compat-token/rotate", headers=headers).status_code == 403
    refused = client.post(
        f"/app/projects/{project.id}/settings/compat", data={"allowDeleteString": "true"}, headers=headers
    )
    assert refused.status_code == 403


def test_glossary_and_memory_browsers(tenant: Tenant, client: TestClient) -> None:
    project = make_project(tenant)
    made = tenant.client.post(
        "/api/organizations/current/glossaries",
        json={"name": "Brand", "sourceLanguage": "en", "targetLanguages": ["fr"]},
        headers=tenant.headers,
    )
    assert made.status_code == 201, made.text
    gid = made.json()["_id"]
    term = {"term": "Checkout", "translations": {"fr": "Paiement"}}
    added = tenant.client.post(f"/api/organizations/current/glossaries/{gid}/terms", json=term, headers=tenant.headers)
    assert added.status_code == 201, added.text
    url = f"/api/projects/{project.id}/keys/{project.keys['title']}/translations/fr"
    body = {"value": "Bienvenue", "status": "approved"}
    assert tenant.client.put(url, json=body, headers=tenant.headers).status_code == 200
    sign_in(client, tenant.member("viewer"))
    glossary = client.get(f"/app/projects/{project.id}/glossary")
    assert glossary.status_code == 200 and "Checkout" in glossary.text and "Paiement" in glossary.text
    assert "Checkout" not in client.get(f"/app/projects/{project.id}/glossary", params={"q": "zzz"}).text
    memory = client.get(f"/app/projects/{project.id}/memory", params={"language": "fr"})
    assert memory.status_code == 200 and "Bienvenue" in memory.text and "Welcome" in memory.text
    assert "Bienvenue" not in client.get(f"/app/projects/{project.id}/memory", params={"q": "zzz"}).text
