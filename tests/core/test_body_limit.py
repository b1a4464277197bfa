"""The body cap answers 413 with its error body to every client, without holding the body.

A client that sends its whole body before reading (Python's urllib, no `Expect: 100-continue`)
used to get "connection reset": the server answered early and closed with unread bytes. These
tests run a real `entri serve`, and drive the app at the ASGI level to see what it reads and keeps.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import tracemalloc
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from entri.core import body_limit

CAP = 64 * 1024
BIG = 8 * 1024 * 1024  # well past the kernel's socket buffers, where the reset showed


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`entri serve` on a free port, with its own SQLite database and a 64 KiB cap."""
    data = tmp_path_factory.mktemp("serve")
    port = _free_port()
    src = str(Path(body_limit.__file__).resolve().parents[2])
    env = {
        **os.environ,
        "ENTRI_DATA_DIR": str(data),
        "ENTRI_DATABASE_URL": "",
        "ENTRI_MAX_BODY_BYTES": str(CAP),
        "ENTRI_ADMIN_PASSWORD": "not-used-by-these-tests",
        "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]),
    }
    command = [sys.executable, "-m", "entri.cli.main", "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/api/health", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"entri serve did not start: {process.stderr.read()!r}") from None  # type: ignore[union-attr]
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stderr:
            process.stderr.close()


def _post(url: str, data: Any, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _assert_413(status: int, body: dict[str, Any], path: str) -> None:
    assert status == 413, body
    assert body["statusCode"] == 413
    assert body["error"] == "Payload Too Large"
    assert body["message"] == f"Request body exceeds the limit of {CAP} bytes"
    assert body["path"] == path


def test_whole_oversized_body_from_urllib_gets_the_413_body(server: str) -> None:
    body = b'{"name": "' + b"x" * BIG + b'", "sourceLanguage": "en"}'
    status, answer = _post(server + "/api/projects", body, {"Content-Type": "application/json"})
    _assert_413(status, answer, "/api/projects")


def test_chunked_oversized_body_from_urllib_gets_the_413_body(server: str) -> None:
    chunk = b"x" * (256 * 1024)
    chunks = iter([b'{"name": "', *([chunk] * (BIG // len(chunk))), b'"}'])
    headers = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    status, answer = _post(server + "/api/v1/projects", chunks, headers)
    _assert_413(status, answer, "/api/v1/projects")


def test_server_keeps_serving_after_413s(server: str) -> None:
    for _ in range(3):
        status, _answer = _post(server + "/api/projects", b"x" * BIG, {"Content-Type": "application/json"})
        assert status == 413
    with urllib.request.urlopen(server + "/api/health", timeout=5) as response:
        assert json.loads(response.read()) == {"status": "ok"}


# --- at the ASGI level: what is read, what is kept -------------------------------------------


class Client:
    """An ASGI client sending `chunks` pieces of `piece`; it records what the app asks for."""

    def __init__(self, piece: bytes, chunks: int | None, headers: list[tuple[bytes, bytes]]) -> None:
        self.piece = piece
        self.left = chunks  # None: never ends
        self.headers = headers
        self.reads = 0
        self.sent: list[dict[str, Any]] = []

    async def receive(self) -> dict[str, Any]:
        self.reads += 1
        await anyio.sleep(0)
        if self.left is not None:
            self.left -= 1
        return {"type": "http.request", "body": self.piece, "more_body": self.left != 0}

    async def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)

    async def run(self, app: FastAPI, path: str = "/api/projects") -> None:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.4"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"), *self.headers],
            "client": ("127.0.0.1", 5000),
            "server": ("testserver", 80),
            "state": {},
        }
        await app(scope, self.receive, self.send)

    def answer(self) -> tuple[int, dict[str, Any]]:
        start = self.sent[0]
        assert start["type"] == "http.response.start"
        bodies = self.sent[1:]
        assert all(m["type"] == "http.response.body" for m in bodies)
        assert [m.get("more_body", False) for m in bodies][-1] is False, "the response never completes"
        assert not any(m.get("more_body", False) is False for m in bodies[:-1]), "completed twice"
        return int(start["status"]), json.loads(b"".join(m.get("body", b"") for m in bodies))


@pytest.fixture
def app(app_client: TestClient) -> FastAPI:
    assert isinstance(app_client.app, FastAPI)
    return app_client.app


def cap_of(app: FastAPI) -> int:
    return int(app.state.settings.max_body_bytes)


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_the_rest_of_an_oversized_body_is_drained_not_kept(app: FastAPI, declared: bool) -> None:
    piece = b"x" * (64 * 1024)
    chunks = 8 * cap_of(app) // len(piece)  # 16 MiB for the suite's 2 MiB cap
    length = str(len(piece) * chunks).encode()
    headers = [(b"content-length", length)] if declared else [(b"transfer-encoding", b"chunked")]
    client = Client(piece, chunks, headers)

    tracemalloc.start()
    try:
        anyio.run(client.run, app)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    status, body = client.answer()
    assert status == 413
    assert body["path"] == "/api/projects"
    assert client.left == 0, "the body was not read to its end before the connection could close"
    assert peak < 4 * 1024 * 1024, f"{peak} bytes held while draining a {length.decode()}-byte body"


def test_a_client_expecting_100_continue_is_not_asked_for_the_body(app: FastAPI) -> None:
    length = str(10 * cap_of(app)).encode()
    client = Client(b"x", None, [(b"content-length", length), (b"expect", b"100-continue")])
    anyio.run(client.run, app)
    assert client.answer()[0] == 413
    assert client.reads == 0


def test_draining_gives_up_after_its_time_budget(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(body_limit, "LINGER_SECONDS", 0.2)
    client = Client(b"x" * 1024, None, [(b"transfer-encoding", b"chunked")])  # a body without end
    started = time.monotonic()
    anyio.run(client.run, app)
    assert time.monotonic() - started < 5
    assert client.answer()[0] == 413


def test_an_answer_given_before_reading_the_body_drains_it_too(app: FastAPI) -> None:
    """An unknown route never reads the body; the 404 must still reach a client that sends first."""
    client = Client(b"x" * 1024, 100, [(b"content-length", b"102400")])
    anyio.run(client.run, app, "/api/nope")
    assert client.answer()[0] == 404
    assert client.left == 0


def test_a_request_without_a_body_is_passed_through_untouched(app: FastAPI) -> None:
    """The common GET: no extra read, the response sent as the app wrote it."""
    client = Client(b"", 1, [])
    anyio.run(client.run, app, "/api/nope")
    assert client.reads == 0
    assert client.answer()[0] == 404
    assert len(client.sent) == 2
