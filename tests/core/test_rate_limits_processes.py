"""Two real `entri serve` processes sharing Redis share one count (docs/rate-limits.md)."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import httpx
import pytest

from tests.cli.test_serve import ENTRI, serving
from tests.core.test_rate_limits import REDIS_URL, needs_redis

LIMITS = {
    "ENTRI_REDIS_URL": REDIS_URL,
    "ENTRI_RATE_LIMIT_PER_MINUTE": "6",
    "ENTRI_RATE_LIMIT_LOGIN_PER_MINUTE": "3",
    "ENTRI_ADMIN_PASSWORD": "a long admin password",
}


@needs_redis
@pytest.mark.skipif(not ENTRI.exists(), reason=f"{ENTRI} is not installed (pip install -e .)")
def test_two_servers_count_one_token_and_one_account_together(tmp_path: Path) -> None:
    with serving(tmp_path, **LIMITS) as (first, lines):
        token = re.search(r"API token:\s+(entri_\S+)", "".join(lines))
        assert token is not None, "".join(lines)
        headers = {"X-API-Key": token.group(1)}
        # First start generated the key that encrypts provider keys (docs/settings.md).
        assert (tmp_path / "secret.key").is_file()
        key = (tmp_path / "secret.key").read_text()
        with serving(tmp_path, **LIMITS) as (second, _):
            remaining = []
            for base in (first, second, first, second, first, second):
                response = httpx.get(f"{base}/api/projects", headers=headers)
                assert response.status_code == 200, response.text
                remaining.append(int(response.headers["X-RateLimit-Remaining"]))
            assert remaining == [5, 4, 3, 2, 1, 0]
            for base in (first, second):
                refused = httpx.get(f"{base}/api/projects", headers=headers)
                assert refused.status_code == 429, refused.text
                assert int(refused.headers["Retry-After"]) >= 1
                assert refused.json()["message"].startswith("Too many requests. Please retry after")
            # Sign-in attempts for one account, spread over both servers.
            attempt = {"email": f"{uuid.uuid4().hex}@example.test", "password": "wrong"}
            codes = [httpx.post(f"{base}/api/auth/login", json=attempt).status_code for base in (first, second) * 2]
            assert codes == [401, 401, 401, 429]
    assert (tmp_path / "secret.key").read_text() == key  # the second start kept it
