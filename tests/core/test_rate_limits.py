"""Rate limits (docs/rate-limits.md) on an app with low limits: headers on every response, 429
with Retry-After and the error body, per token vs per IP, failed credentials, login throttling,
the AI batch limit, Redis as the shared store."""

from __future__ import annotations

import math
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from entri.app import create_app
from entri.core.config import Settings
from entri.core.db import Database
from tests.conftest import GENEROUS_RATE_LIMITS, Tenant
from tests.errors import assert_error

REDIS_URL = "redis://127.0.0.1:6379/0"
LOW = {
    "rate_limit_per_minute": 5,
    "rate_limit_ip_per_minute": 4,
    "rate_limit_ai_per_minute": 2,
    "rate_limit_login_per_minute": 3,
    "rate_limit_login_ip_per_minute": 6,
}


def make_client(database: Database, tmp_path: Path, ip: str = "10.0.0.1", **settings: Any) -> TestClient:
    chosen = Settings(data_dir=tmp_path, **{**GENEROUS_RATE_LIMITS, **settings})
    return TestClient(create_app(database, chosen), client=(ip, 40000))


@pytest.fixture
def low(database: Database, tmp_path: Path) -> Iterator[TestClient]:
    with make_client(database, tmp_path, **LOW) as client:
        yield client


def limit_headers(response: Any) -> tuple[int, int, int]:
    h = response.headers
    return int(h["X-RateLimit-Limit"]), int(h["X-RateLimit-Remaining"]), int(h["X-RateLimit-Reset"])


def assert_limited(response: Any, path: str | None = None) -> int:
    body = assert_error(response, 429, path)
    retry = int(response.headers["Retry-After"])
    assert 1 <= retry <= 60
    assert body["error"] == "Too Many Requests"
    assert body["message"] == f"Too many requests. Please retry after {retry} seconds."
    assert limit_headers(response)[1] == 0
    return retry


def test_every_response_carries_the_headers_and_the_sixth_request_is_refused(low: TestClient, tenant: Tenant) -> None:
    started = time.time()
    seen = []
    for path in (
        "/api/projects",
        "/api/v1/projects",
        "/api/projects/proj_doesnotexist",
        "/api/nowhere",
        "/api/auth/me",
    ):
        response = low.get(path, headers=tenant.headers)
        assert response.status_code in (200, 404), response.text
        seen.append(limit_headers(response))
    assert [(limit, remaining) for limit, remaining, _ in seen] == [(5, 4), (5, 3), (5, 2), (5, 1), (5, 0)]
    resets = {reset for _, _, reset in seen}
    assert len(resets) == 1 and started + 59 <= resets.pop() <= math.ceil(time.time()) + 60
    retry = assert_limited(low.get("/api/projects", headers=tenant.headers), "/api/projects")
    assert retry >= 55
    # A refused request is not served: a write is not made either.
    assert_limited(low.post("/api/projects", json={"name": "X", "sourceLanguage": "en"}, headers=tenant.headers))


def test_each_token_has_its_own_bucket(low: TestClient, tenant: Tenant) -> None:
    developer = tenant.member("developer")
    for _ in range(5):
        assert low.get("/api/projects", headers=tenant.headers).status_code == 200
    assert_limited(low.get("/api/projects", headers=tenant.headers))
    response = low.get("/api/projects", headers=developer.headers)
    assert response.status_code == 200 and limit_headers(response)[:2] == (5, 4)
    # Authorization: Bearer is the same credential as X-API-Key.
    assert_limited(low.get("/api/projects", headers={"Authorization": f"Bearer {tenant.owner.token}"}))


def test_unauthenticated_requests_count_per_client_address(database: Database, tmp_path: Path, tenant: Tenant) -> None:
    app_settings = Settings(data_dir=tmp_path, **{**GENEROUS_RATE_LIMITS, **LOW})
    app = create_app(database, app_settings)
    with TestClient(app, client=("10.0.0.7", 1)) as first, TestClient(app, client=("10.0.0.8", 1)) as second:
        for remaining in (3, 2, 1, 0):
            response = first.get("/api/health")
            assert limit_headers(response)[:2] == (4, remaining)
        assert_limited(first.get("/api/health"))
        assert_limited(first.post("/api/auth/login", json={"email": "a@b.c", "password": "x"}))
        assert second.get("/api/health").status_code == 200
        # Credentials have their own bucket, whatever the address.
        assert first.get("/api/projects", headers=tenant.headers).status_code == 200


def test_refused_credentials_exhaust_the_address_then_every_credential_from_it_waits(
    database: Database, tmp_path: Path, tenant: Tenant
) -> None:
    app = create_app(database, Settings(data_dir=tmp_path, **{**GENEROUS_RATE_LIMITS, **LOW}))
    with TestClient(app, client=("10.0.0.9", 1)) as guesser, TestClient(app, client=("10.0.0.10", 1)) as other:
        for _ in range(5):  # the address's limit (4) of 401s, each with a fresh guess
            assert_error(guesser.get("/api/projects", headers={"X-API-Key": f"entri_{uuid.uuid4().hex}"}), 401)
        assert_limited(guesser.get("/api/projects", headers={"X-API-Key": f"entri_{uuid.uuid4().hex}"}))
        assert_limited(guesser.get("/api/projects", headers=tenant.headers))
        assert other.get("/api/projects", headers=tenant.headers).status_code == 200


def test_login_is_throttled_per_account_and_per_address(database: Database, tmp_path: Path, tenant: Tenant) -> None:
    app = create_app(
        database, Settings(data_dir=tmp_path, **{**GENEROUS_RATE_LIMITS, **LOW, "rate_limit_ip_per_minute": 100})
    )
    owner, developer = tenant.owner, tenant.member("developer")
    with TestClient(app, client=("10.0.1.1", 1)) as client, TestClient(app, client=("10.0.1.2", 1)) as elsewhere:
        for _ in range(3):
            assert_error(client.post("/api/auth/login", json={"email": owner.email, "password": "wrong"}), 401)
        # The account's 3 attempts are used: even the right password waits, from any address.
        right = {"email": owner.email.upper(), "password": owner.password}
        response = client.post("/api/auth/login", json=right)
        assert_limited(response, "/api/auth/login")
        assert limit_headers(response)[0] == 3
        assert_limited(elsewhere.post("/api/auth/login", json=right))
        # Another account from the same address still signs in, until the address's 6 attempts are used.
        ok = client.post("/api/auth/login", json={"email": developer.email, "password": developer.password})
        assert ok.status_code == 200, ok.text
        assert limit_headers(ok)[:2] == (6, 1)  # the tighter bucket: the address (the account has 2 left)
        stranger = {"email": "someone@example.test", "password": "x"}
        assert_error(client.post("/api/auth/login", json=stranger), 401)
        assert_limited(client.post("/api/auth/login", json=stranger))
        assert_limited(client.post("/api/auth/accept-invite", json={"token": "x" * 32, "password": "y" * 10}))
        assert (
            elsewhere.post("/api/auth/login", json={"email": "someone@example.test", "password": "x"}).status_code
            == 401
        )


def test_the_ai_batch_routes_have_their_own_lower_limit(low: TestClient, tenant: Tenant) -> None:
    project = tenant.project()
    base = f"/api/projects/{project['_id']}/ai/translate"
    body = {"targetLanguages": ["fr"], "keyIds": []}
    first = low.post(f"{base}/batch", json=body, headers=tenant.headers)
    assert first.status_code in (200, 400), first.text
    assert limit_headers(first)[:2] == (2, 1)
    low.post(f"{base}/batch/start", json=body, headers=tenant.headers)
    assert_limited(low.post(f"{base}/batch", json=body, headers=tenant.headers))
    assert_limited(low.post(f"{base}/batch/start", json=body, headers=tenant.headers))
    # Other routes still answer, under the general limit (the AI calls counted there too).
    response = low.get(f"/api/projects/{project['_id']}", headers=tenant.headers)
    assert response.status_code == 200 and limit_headers(response)[:2] == (5, 0)


def test_a_window_ends_and_the_bucket_refills(database: Database, tmp_path: Path, tenant: Tenant) -> None:
    with make_client(database, tmp_path, rate_limit_per_minute=2, rate_limit_window_seconds=2) as client:
        client.get("/api/projects", headers=tenant.headers)
        client.get("/api/projects", headers=tenant.headers)
        refused = client.get("/api/projects", headers=tenant.headers)
        assert assert_limited(refused) <= 2
        time.sleep(max(0.0, int(refused.headers["X-RateLimit-Reset"]) - time.time()) + 0.2)
        again = client.get("/api/projects", headers=tenant.headers)
        assert again.status_code == 200 and limit_headers(again)[:2] == (2, 1)


def test_disabled_means_no_limit_and_no_headers(database: Database, tmp_path: Path, tenant: Tenant) -> None:
    with make_client(database, tmp_path, rate_limit_enabled=False, rate_limit_per_minute=1) as client:
        for _ in range(3):
            response = client.get("/api/projects", headers=tenant.headers)
            assert response.status_code == 200 and "X-RateLimit-Limit" not in response.headers


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")


@needs_redis
def test_apps_sharing_redis_share_the_counts(database: Database, tmp_path: Path, tenant: Tenant) -> None:
    token = tenant.member("developer").headers
    with (
        make_client(database, tmp_path, redis_url=REDIS_URL, **LOW) as first,
        make_client(database, tmp_path, redis_url=REDIS_URL, **LOW) as second,
    ):
        remaining = [limit_headers(c.get("/api/projects", headers=token))[1] for c in (first, second, first, second)]
        assert remaining == [4, 3, 2, 1]
        assert second.get("/api/projects", headers=token).status_code == 200
        assert_limited(first.get("/api/projects", headers=token))


def test_a_store_that_fails_lets_requests_through(database: Database, tmp_path: Path, tenant: Tenant) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once closed
    with make_client(database, tmp_path, redis_url=f"redis://127.0.0.1:{port}/0", rate_limit_per_minute=1) as client:
        for _ in range(3):
            response = client.get("/api/projects", headers=tenant.headers)
            assert response.status_code == 200 and "X-RateLimit-Limit" not in response.headers
