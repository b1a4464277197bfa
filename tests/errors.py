"""The spec's error body, checked the same way by every test that expects a refusal."""

from __future__ import annotations

from httpx import Response

ERROR_KEYS = {"statusCode", "error", "message", "timestamp", "path"}


def assert_error(response: Response, status: int, path: str | None = None) -> dict[str, object]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == ERROR_KEYS, body
    assert body["statusCode"] == status
    if path is not None:
        assert body["path"] == path
    return body  # type: ignore[no-any-return]
