"""Transport of the method-style API: every encoding, every status, every kind of bad request
answered with the envelope, and the token in no answer and no log line."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from entri.app import create_app
from entri.core.config import Settings
from entri.core.db import Database
from tests.compat.conftest import Compat, envelope
from tests.conftest import Tenant

NOT_A_TOKEN = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize("via", ["query", "form", "multipart", "json"])
def test_every_encoding_reaches_the_method(compat: Compat, via: str) -> None:
    number = compat.call("createCategory", via=via, name=f"Via {via}", description="d")
    assert isinstance(number, int)
    categories = compat.call("getCategories", via=via)
    assert categories[str(number)]["name"] == f"Via {via}"
    assert categories[str(number)]["description"] == "d"


def test_get_and_post_both_work_for_every_method(compat: Compat) -> None:
    assert compat.client.get(compat.base + "getLanguages").json()["ok"] is True
    assert compat.client.post(compat.base + "getLanguages").json()["ok"] is True
    created = compat.client.get(compat.base + "createCategory", params={"name": "By GET"})
    assert envelope(created, compat.token)["ok"] is True


def test_the_body_wins_over_the_query_string(compat: Compat) -> None:
    response = compat.client.post(compat.base + "createCategory?name=Query", json={"name": "Body"})
    number = envelope(response)["result"]
    assert compat.call("getCategories")[str(number)]["name"] == "Body"


def test_a_form_body_holding_json_is_read_as_json(compat: Compat) -> None:
    response = compat.client.post(
        compat.base + "createCategory",
        content=b'{"name": "curl -d"}',
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert envelope(response)["ok"] is True


def test_bad_token_is_401(compat: Compat, client: TestClient) -> None:
    for token in (NOT_A_TOKEN, "short", compat.tenant.owner.token, compat.token.upper(), compat.token + "0"):
        response = client.get(f"/compat/api/{token}/getLanguages")
        body = envelope(response, token)
        assert response.status_code == 401
        assert body["description"] == "Unauthorized: invalid API token"
        assert compat.token not in response.text


def test_the_compat_token_is_no_main_api_credential(compat: Compat, client: TestClient) -> None:
    response = client.get("/api/projects", headers={"X-API-Key": compat.token})
    assert response.status_code == 401


def test_unknown_method_is_404_and_not_echoed(compat: Compat) -> None:
    for method in ("getStrings", "getlanguages", "x" * 300, compat.tenant.owner.token):
        response = compat.client.post(compat.base + method)
        body = envelope(response, compat.token)
        assert response.status_code == 404
        assert body["description"].startswith("Not Found: unknown method")
        assert method not in body["description"]
        assert compat.tenant.owner.token not in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/compat",
        "/compat/",
        "/compat/api",
        "/compat/api/",
        "/compat/other/x",
        "/compat/api/{t}",
        "/compat/api/{t}/getLanguages/extra",
        "/compat/api/{t}//getLanguages",
    ],
)
def test_other_paths_are_404_in_the_envelope(compat: Compat, path: str) -> None:
    response = compat.client.get(path.replace("{t}", compat.token))
    body = envelope(response, compat.token)
    assert response.status_code in (401, 404), body
    assert not body["ok"]


@pytest.mark.parametrize("verb", ["PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"])
def test_other_http_methods_are_405(compat: Compat, verb: str) -> None:
    response = compat.client.request(verb, compat.base + "getLanguages")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    if verb != "HEAD":
        assert envelope(response, compat.token)["description"].startswith("Method Not Allowed")


def test_a_body_over_the_cap_is_413_in_the_envelope(compat: Compat, settings: Settings) -> None:
    big = b"name=" + b"x" * (settings.max_body_bytes + 10)
    response = compat.client.post(
        compat.base + "createCategory", content=big, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413
    assert envelope(response, compat.token)["description"].startswith("Request Entity Too Large")

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        for _ in range(settings.max_body_bytes // 65536 + 2):
            yield b"y" * 65536

    streamed = compat.client.post(compat.base + "createCategory", content=chunks())
    assert streamed.status_code == 413
    assert envelope(streamed, compat.token)["ok"] is False


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", b"name=%ff%fe"),
        ("application/x-www-form-urlencoded", b"name=\xff"),
        ("application/json", b'{"name": "\xff"}'),
        (
            "multipart/form-data; boundary=b",
            b'--b\r\nContent-Disposition: form-data; name="name"\r\n\r\n\xff\r\n--b--\r\n',
        ),
    ],
)
def test_invalid_utf8_is_refused(compat: Compat, content_type: str, body: bytes) -> None:
    response = compat.client.post(compat.base + "createCategory", content=body, headers={"content-type": content_type})
    assert response.status_code == 200
    assert envelope(response, compat.token)["description"] == "the request is not valid UTF-8"


def test_invalid_utf8_in_the_query_string_is_refused(compat: Compat) -> None:
    response = compat.client.get(compat.base + "createCategory?name=%C3%28")
    assert envelope(response, compat.token)["description"] == "the request is not valid UTF-8"


@pytest.mark.parametrize(
    ("content_type", "body", "description"),
    [
        ("application/json", b"[1, 2]", "the JSON body must be an object of parameters"),
        ("application/json", b"{", "the body is not valid JSON"),
        ("application/json", b"[" * 100_000 + b"]" * 100_000, "the body is not valid JSON"),
        ("multipart/form-data", b"--x\r\n", "the multipart body has no boundary"),
        ("multipart/form-data; boundary=b", b"--b\r\ngarbage", "the multipart body is malformed"),
    ],
)
def test_malformed_bodies_are_refused(compat: Compat, content_type: str, body: bytes, description: str) -> None:
    response = compat.client.post(compat.base + "getLanguages", content=body, headers={"content-type": content_type})
    assert envelope(response, compat.token)["description"] == description


def test_nul_in_a_parameter_is_refused(compat: Compat) -> None:
    response = compat.client.get(compat.base + "createCategory?name=a%00b")
    assert "NUL" in envelope(response, compat.token)["description"]
    json_nul = compat.raw("createCategory", name="a\x00b")
    assert "NUL" in envelope(json_nul, compat.token)["description"]
    surrogate = compat.client.post(
        compat.base + "createCategory", content=b'{"name": "\\ud800"}', headers={"content-type": "application/json"}
    )
    assert "surrogate" in envelope(surrogate, compat.token)["description"]


def test_too_many_parameters_are_refused(compat: Compat) -> None:
    query = "&".join(f"p{i}=1" for i in range(1001))
    response = compat.client.get(compat.base + "getLanguages?" + query)
    assert envelope(response, compat.token)["description"] == "the query string has more than 1000 parameters"


def test_the_main_api_is_unchanged_beside_it(client: TestClient) -> None:
    response = client.get("/api/nope/compat/api/x")
    assert response.status_code == 404
    assert set(response.json()) == {"statusCode", "error", "message", "timestamp", "path"}
    assert client.get("/compatible").status_code == 404  # only `/compat` and below are the compat API


# --- the token in logs -------------------------------------------------------------------


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith(("httpx", "httpcore")):  # the test's own client logs its URLs
            self.lines.append(self.format(record))


@pytest.fixture
def live_server(database: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, _Lines]]:
    """The app under uvicorn on 127.0.0.1, with its access log and every other logger captured."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("live"), max_body_bytes=4096)
    lines = _Lines()
    root = logging.getLogger()
    loggers = [root, logging.getLogger("uvicorn.access"), logging.getLogger("uvicorn.error")]
    for logger in loggers:
        logger.addHandler(lines)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(database, settings), log_config=None, access_log=True, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", lines
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        for logger in loggers:
            logger.removeHandler(lines)
        root.setLevel(old_level)
        sock.close()


def test_the_token_is_in_no_log_line(live_server: tuple[str, _Lines], tenant: Tenant) -> None:
    from tests.compat.conftest import make_compat

    url, lines = live_server
    compat = make_compat(tenant)
    base = f"{url}/compat/api/{compat.token}/"
    with httpx.Client(timeout=10) as http:
        answers = [
            http.get(base + "getLanguages"),
            http.get(base + "noSuchMethod"),
            http.get(base + compat.token),
            http.post(base + "createCategory", data={"name": "x" * 5000}),  # over this server's 4 KiB cap
            http.post(base + "createString", json={"category_id": "many"}),
            http.put(base + "getLanguages"),
            http.get(f"{url}/compat/api/{compat.token}"),
            http.get(f"{url}/compat/api/{NOT_A_TOKEN}/getLanguages"),
        ]
    assert [a.status_code for a in answers] == [200, 404, 404, 413, 200, 405, 404, 401]
    for answer in answers:
        assert compat.token not in answer.text
    time.sleep(0.2)
    text = "\n".join(lines.lines)
    assert "/compat/api/{api_token}/getLanguages" in text  # the access log did see the requests
    assert compat.token not in text
    assert NOT_A_TOKEN not in text


def test_a_parameter_holding_the_token_is_not_quoted_back(compat: Compat) -> None:
    category = compat.call("createCategory", name="C")
    compat.patch_settings({"labels": [{"name": "L", "type": "input"}]})
    for params in (
        {"labels": {compat.token: "1"}},
        {"string_key": compat.token, "category_id": 999},
        {"default_translation_language": compat.token},
    ):
        response = compat.raw(
            "createString",
            **{"category_id": category, "string_key": "k", "default_translation_language": 17,
               "default_translation_value": "v", **params},
        )  # fmt: skip
        body = envelope(response, compat.token)
        assert body["ok"] is False


def test_the_token_in_a_main_api_path_is_redacted(compat: Compat) -> None:
    """Every compat token mixes letters and digits, so the main API's look-alike rule hides it
    in an unknown path (core/http.py) as well."""
    for path in (f"/api/compat/api/{compat.token}/getLanguages", f"/api/v1/{compat.token}", f"/{compat.token}"):
        response = compat.client.get(path)
        assert response.status_code == 404
        assert compat.token not in response.text
        assert "{redacted}" in response.json()["path"]
