"""Error bodies never echo a credential found in the path (docs/api-decisions.md, "Paths in
error bodies"). Tokens travel in paths (the method-style API's `/legacy/api/{api_token}/…`),
and error bodies end up in client logs. A secret path parameter shows as its placeholder;
elsewhere a segment that looks like a credential shows as `{redacted}`; ids and words are kept.

The method-style API itself answers in its own shape, in front of these handlers
(tests/compat/test_transport.py); the stand-in route here, `/legacy/api/{api_token}/…`,
exercises the main app's redaction for any route with a token in its path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from entri.app import create_app
from entri.core.config import Settings
from entri.core.db import Database
from entri.core.errors import NotFound
from entri.core.http import public_path
from tests.core.test_errors import assert_error

API_TOKEN = "entri_3Jv8kQ2mZr7TxWc5Lp9HbN4sYd6FgA1eUo0RiKwx7Qa"
HEX_TOKEN = "5f2b9c1e8a7d4e3f9b0c1d2e3f4a5b6c"
SHORT_SECRET = "hunter2"  # too plain to look like anything: only the route knows it is a token


@pytest.fixture(scope="module")
def compat(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app plus a stand-in route whose token is a path parameter."""
    tmp = tmp_path_factory.mktemp("paths")
    app = create_app(Database(f"sqlite:///{tmp / 'x.db'}"), Settings(data_dir=Path(tmp), max_body_bytes=1024))
    router = APIRouter(prefix="/legacy/api")

    @router.get("/{api_token}/{method}")
    def method(api_token: str, method: str, limit: int = 10) -> dict[str, str]:
        if method == "boom":
            raise RuntimeError(api_token)
        raise NotFound(f"Unknown method {method}")

    app.include_router(router)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def _secrets_absent(text: str) -> None:
    for secret in (API_TOKEN, HEX_TOKEN, SHORT_SECRET):
        assert secret not in text


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        (f"/api/nope/{API_TOKEN}/more", "/api/nope/{redacted}/more"),
        (f"/legacy/api/{HEX_TOKEN}", "/legacy/api/{redacted}"),
        (f"/api/v1/x/{API_TOKEN}", "/api/v1/x/{redacted}"),
        ("/api/projects/proj_abcdefghij2345672345/nope", "/api/projects/proj_abcdefghij2345672345/nope"),
        ("/api/internationalization-settings/x", "/api/internationalization-settings/x"),
    ],
)
def test_unknown_path_redacts_what_looks_like_a_credential(compat: TestClient, path: str, shown: str) -> None:
    response = compat.get(path)
    message = assert_error(response, 404, shown)
    assert message == f"Cannot GET {shown}"
    _secrets_absent(response.text)


@pytest.mark.parametrize("secret", [API_TOKEN, HEX_TOKEN, SHORT_SECRET])
def test_known_route_shows_the_secret_parameter_as_its_placeholder(compat: TestClient, secret: str) -> None:
    shown = "/legacy/api/{api_token}/getStrings"
    not_found = compat.get(f"/legacy/api/{secret}/getStrings")
    assert assert_error(not_found, 404, shown) == "Unknown method getStrings"
    invalid = compat.get(f"/legacy/api/{secret}/getStrings?limit=many")
    assert_error(invalid, 400, shown)
    wrong_method = compat.delete(f"/legacy/api/{secret}/getStrings")
    assert_error(wrong_method, 405, shown)
    crash = compat.get(f"/legacy/api/{secret}/boom")
    assert crash.status_code == 500
    assert crash.json()["path"] == "/legacy/api/{api_token}/boom"
    for response in (not_found, invalid, wrong_method, crash):
        _secrets_absent(response.text)


def test_answers_before_routing_redact_too(compat: TestClient) -> None:
    too_large = compat.post(f"/legacy/api/{API_TOKEN}/addString", content=b"x" * 2048)
    assert_error(too_large, 413, "/legacy/api/{redacted}/addString")
    nul = compat.get(f"/legacy/api/{API_TOKEN}/getStrings?q=%00")
    assert_error(nul, 400, "/legacy/api/{redacted}/getStrings")
    for response in (too_large, nul):
        _secrets_absent(response.text)


def test_ordinary_paths_are_echoed_as_sent(client: TestClient) -> None:
    path = "/api/v1/projects/proj_abcdefghij2345672345/keys/key_abcdefghij2345672345"
    assert_error(client.get(path), 401, path)


@pytest.mark.parametrize(
    ("segment", "secret"),
    [
        (API_TOKEN, True),
        ("entri_short", True),
        (HEX_TOKEN, True),
        ("3f0c1a9e-5b7d-4c2e-9f8a-1b2c3d4e5f60", True),
        ("Zk3q9VwXr2LmT8yBn4HcJ6sPa1DfGe7U", True),
        ("proj_abcdefghij2345672345", False),
        ("tok_abcdefghij2345672345", False),
        ("translations", False),
        ("internationalization-settings", False),
        ("pt-BR", False),
        ("20250301", False),
    ],
)
def test_what_looks_like_a_credential(segment: str, secret: bool) -> None:
    scope = {"type": "http", "path": f"/api/x/{segment}"}
    assert (public_path(scope) == "/api/x/{redacted}") is secret


def test_a_token_id_parameter_is_not_a_secret() -> None:
    """`{token_id}` names a token row (`tok_…`), not a credential."""

    class Route:
        path = "/organizations/{org_id}/tokens/{token_id}"

    scope = {"type": "http", "path": "/api/organizations/current/tokens/tok_x", "route": Route()}
    assert public_path(scope) == "/api/organizations/current/tokens/tok_x"
    Route.path = "/invite/{token}"
    assert public_path({"type": "http", "path": "/api/invite/abc", "route": Route()}) == "/api/invite/{token}"
