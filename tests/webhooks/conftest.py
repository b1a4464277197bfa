"""Fixtures for the webhook tests: a real HTTP receiver on 127.0.0.1, a clock the test moves,
a worker run on the test's thread until no delivery job is due, and helpers to create
subscriptions and read deliveries through the API."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from entri.core import clock as core_clock
from entri.core.config import Settings
from entri.core.db import Database
from entri.jobs import registry
from entri.jobs.worker import Worker
from entri.webhooks import jobs as webhook_jobs  # noqa: F401  (registers the handler)
from entri.webhooks.outbox import KIND
from tests.conftest import Tenant


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def event(self) -> str:
        return self.headers["x-webhook-event"]


Reply = tuple[int, dict[str, str], bytes]


@dataclass
class Receiver:
    """Records every POST; answers with `reply(request)` (200 "ok" unless set)."""

    url: str
    path: str
    """Unique to this receiver: a delivery left over from an earlier test whose receiver had
    the same port is answered 404 and not recorded."""
    server: ThreadingHTTPServer
    requests: list[Received] = field(default_factory=list)
    reply: Callable[[Received], Reply] = lambda _: (200, {}, b"ok")
    on_request: Callable[[Received], None] | None = None
    stall: float = 0.0
    """Seconds to stall after sending the status line and part of the body."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def of(self, event: str) -> list[Received]:
        with self.lock:
            return [r for r in self.requests if r.event == event]

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.requests) >= count:
                    return list(self.requests)
            time.sleep(0.02)
        raise AssertionError(f"{len(self.requests)} requests received, expected {count}")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            got = Received(
                path=self.path, headers={k.lower(): v for k, v in self.headers.items()}, body=self.rfile.read(length)
            )
            rec = state["r"]
            if not got.path.startswith(rec.path):
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            with rec.lock:
                rec.requests.append(got)
            if rec.on_request is not None:
                rec.on_request(got)
            status, headers, body = rec.reply(got)
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body) + (1 if rec.stall else 0)))
                self.end_headers()
                self.wfile.write(body)
                if rec.stall:  # the status line and part of the body, then nothing for a while
                    self.wfile.flush()
                    time.sleep(rec.stall)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the sender gave up waiting (the timeout test)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    path = f"/hook-{uuid.uuid4().hex[:12]}"
    state["r"] = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}{path}", path=path, server=server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state["r"]
    server.shutdown()
    server.server_close()


class FakeClock:
    """`core.clock.utcnow` for the test: starts at the real time and moves only when told."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Iterator[FakeClock]:
    fake = FakeClock()
    core_clock.set_clock(fake)
    yield fake
    core_clock.set_clock(None)


@pytest.fixture
def allow_private(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app accepts 127.0.0.1 receivers (ENTRI_WEBHOOK_ALLOW_PRIVATE=true)."""
    monkeypatch.setattr(settings, "webhook_allow_private", True)


@pytest.fixture
def worker_settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        webhook_allow_private=True,
        webhook_timeout_seconds=3.0,
        jobs_lease_seconds=5.0,
        jobs_poll_seconds=0.05,
    )


@pytest.fixture
def deliver(database: Database, worker_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Callable[..., int]:
    """Run delivery jobs on this thread until none is due; returns how many jobs ran. Only
    `webhook.deliver` jobs: other tests' queued jobs are left alone."""
    monkeypatch.setattr(registry, "kinds", lambda: [KIND])

    def run(settings: Settings | None = None) -> int:
        worker = Worker(database, settings or worker_settings)
        ran = 0
        while worker.run_once():
            ran += 1
            assert ran < 2000, "delivery jobs keep coming"
        return ran

    return run


@dataclass
class Hooks:
    """The webhook routes of one tenant."""

    tenant: Tenant
    client: TestClient

    @property
    def headers(self) -> dict[str, str]:
        return self.tenant.headers

    def create(self, url: str, events: list[str] | None = None, **body: Any) -> dict[str, Any]:
        payload = {"url": url, "events": events or ["*"], **body}
        response = self.client.post("/api/organizations/current/webhooks", json=payload, headers=self.headers)
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    def deliveries(self, webhook_id: str) -> list[dict[str, Any]]:
        url = f"/api/organizations/current/webhooks/{webhook_id}/deliveries?limit=200"
        response = self.client.get(url, headers=self.headers)
        assert response.status_code == 200, response.text
        return response.json()["data"]  # type: ignore[no-any-return]

    def get(self, webhook_id: str) -> dict[str, Any]:
        listed = self.client.get("/api/organizations/current/webhooks", headers=self.headers).json()
        return next(w for w in listed if w["_id"] == webhook_id)


@pytest.fixture
def hooks(tenant: Tenant, client: TestClient) -> Hooks:
    return Hooks(tenant=tenant, client=client)


@dataclass
class Project:
    id: str
    client: TestClient
    headers: dict[str, str]

    @property
    def base(self) -> str:
        return f"/api/projects/{self.id}"

    def key(self, name: str, source: str = "Source") -> str:
        response = self.client.post(
            f"{self.base}/keys", json={"key": name, "sourceValue": source}, headers=self.headers
        )
        assert response.status_code == 201, response.text
        return str(response.json()["_id"])

    def put(self, key_id: str, language: str, value: str) -> dict[str, Any]:
        url = f"{self.base}/keys/{key_id}/translations/{language}"
        response = self.client.put(url, json={"value": value}, headers=self.headers)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]


@pytest.fixture
def project(tenant: Tenant, client: TestClient) -> Project:
    created = tenant.project(name="Hooked", targetLanguages=["fr", "de"])
    return Project(id=str(created["_id"]), client=client, headers=tenant.headers)
