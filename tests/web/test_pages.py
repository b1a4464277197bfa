"""The web app through real HTTP: sign-in, overview, project page, import preview, export."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from tests.conftest import Tenant
from tests.web.support import ORIGIN, make_project, sign_in


def test_pages_redirect_to_sign_in_when_signed_out(client: TestClient) -> None:
    for path in ("/app", "/app/projects/proj_x", "/app/projects/proj_x/editor"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/app/login"
    assert "Sign in" in client.get("/app/login").text


def test_wrong_password_is_refused_and_a_cross_origin_sign_in_too(tenant: Tenant, client: TestClient) -> None:
    bad = {"email": tenant.owner.email, "password": "wrong"}
    response = client.post("/app/login", data=bad, headers={"Origin": ORIGIN})
    assert response.status_code == 401
    assert "Invalid email or password" in response.text
    good = {"email": tenant.owner.email, "password": tenant.owner.password}
    evil = client.post("/app/login", data=good, headers={"Origin": "http://evil.example"}, follow_redirects=False)
    assert evil.status_code == 403
    assert "set-cookie" not in evil.headers


def test_overview_shows_projects_with_progress(tenant: Tenant, client: TestClient) -> None:
    project = make_project(tenant, name="Shop")
    put = client.put(
        f"/api/projects/{project.id}/keys/{project.keys['farewell']}/translations/fr",
        json={"value": "Au revoir"},
        headers=tenant.headers,
    )
    assert put.status_code == 200
    sign_in(client, tenant.owner)
    page = client.get("/app")
    assert "Shop" in page.text
    assert '<progress max="4" value="1"' in page.text  # fr: 1 of 4
    assert "25% (1/4)" in page.text
    assert client.get(f"/app/projects/{project.id}").status_code == 200


def test_sign_out_needs_the_csrf_token_and_ends_the_session(tenant: Tenant, client: TestClient) -> None:
    headers = sign_in(client, tenant.owner)
    refused = client.post("/app/logout", headers={"Origin": ORIGIN})
    assert refused.status_code == 403
    response = client.post("/app/logout", headers=headers)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/app/login"
    assert client.get("/app", follow_redirects=False).status_code == 303


def test_import_previews_the_diff_then_applies(tenant: Tenant, client: TestClient) -> None:
    project = make_project(tenant)
    headers = sign_in(client, tenant.owner)
    upload = json.dumps({"greeting": "Bonjour {name}", "extra": "Nouveau"}).encode()
    url = f"/app/projects/{project.id}/import"
    preview = client.post(url, data={"language": "fr"}, files={"file": ("fr.json", upload)}, headers=headers)
    assert preview.status_code == 200, preview.text
    assert "Bonjour {name}" in preview.text and "Apply the import" in preview.text
    assert project.value("greeting") is None  # a dry run writes nothing
    content = preview.text.split('name="content" value="', 1)[1].split('"', 1)[0]
    applied = client.post(
        url, data={"language": "fr", "apply": "true", "content": content, "filename": "fr.json"}, headers=headers
    )
    assert applied.status_code == 200, applied.text
    assert "Imported 2 values" in applied.text
    assert project.value("greeting") == "Bonjour {name}"


def test_import_of_an_unknown_format_and_by_a_translator_are_refused(tenant: Tenant, client: TestClient) -> None:
    project = make_project(tenant)
    headers = sign_in(client, tenant.owner)
    url = f"/app/projects/{project.id}/import"
    unknown = client.post(url, data={"language": "fr"}, files={"file": ("fr.docx", b"x")}, headers=headers)
    assert unknown.status_code == 400
    assert "Cannot tell the format" in unknown.text
    headers = sign_in(client, tenant.member("translator"))
    upload = json.dumps({"greeting": "Salut"}).encode()
    refused = client.post(url, data={"language": "fr"}, files={"file": ("fr.json", upload)}, headers=headers)
    assert refused.status_code == 403
    assert "Import a file" not in client.get(f"/app/projects/{project.id}").text


def test_export_downloads_the_same_file_as_the_api(tenant: Tenant, client: TestClient) -> None:
    project = make_project(tenant)
    sign_in(client, tenant.owner)
    web = client.get(f"/app/projects/{project.id}/export?language=en&format=json-flat")
    assert web.status_code == 200
    assert "attachment" in web.headers["content-disposition"]
    api = client.get(f"/api/projects/{project.id}/export/en?format=json-flat", headers=tenant.headers)
    assert web.content == api.content
    assert json.loads(web.content)["greeting"] == "Hello {name}"


def test_static_files_are_served_from_the_package(client: TestClient) -> None:
    assert "htmx" in client.get("/app/static/htmx.min.js").text
    assert client.get("/app/static/app.js").status_code == 200
    assert client.get("/app/static/nope.js").status_code == 404
