"""`/api/docs` works without the internet: Swagger UI's files come from the server itself, and
that Swagger UI can render the OpenAPI 3.1 document the server publishes."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from tests.core.test_errors import assert_error

CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


def _asset_urls(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.urls


@pytest.mark.parametrize("docs", ["/api/docs", "/api/v1/docs"])
def test_docs_page_references_only_local_urls(client: TestClient, docs: str) -> None:
    response = client.get(docs)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert not re.search(r"https?://|//[a-z]", response.text, re.I), "the page loads something from elsewhere"
    urls = _asset_urls(response.text)
    assert {url.rsplit(".", 1)[-1] for url in urls} >= {"js", "css"}
    assert all(url.startswith("/api/") for url in urls), urls
    assert "url: '/api/openapi.json'" in response.text


def test_every_asset_the_page_uses_is_served_with_its_type(client: TestClient) -> None:
    for url in _asset_urls(client.get("/api/docs").text):
        response = client.get(url)
        assert response.status_code == 200, url
        expected = CONTENT_TYPES["." + url.rsplit(".", 1)[-1]]
        assert response.headers["content-type"].split(";")[0] == expected, url
        assert len(response.content) > 1000, url
        assert "max-age" in response.headers.get("cache-control", ""), url


def test_the_served_swagger_ui_renders_openapi_3_1(client: TestClient) -> None:
    """Swagger UI 4 refuses any `openapi: 3.1.x` document ("Unable to render this definition")."""
    assert client.get("/api/openapi.json").json()["openapi"].startswith("3.1.")
    script = next(url for url in _asset_urls(client.get("/api/docs").text) if url.endswith(".js"))
    version = re.search(rb'PACKAGE_VERSION:"(\d+)\.(\d+)\.(\d+)"', client.get(script).content)
    assert version, "no Swagger UI version in the bundle"
    assert int(version.group(1)) >= 5, version.group(0)


@pytest.mark.parametrize(
    "name", ["nope.js", "index.html", "swagger-editor-bundle.js", "..%2F__init__.py", "..%2F..%2Fcore.py"]
)
def test_only_the_listed_assets_are_served(client: TestClient, name: str) -> None:
    assert_error(client.get(f"/api/docs/assets/{name}"), 404)
