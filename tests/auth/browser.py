"""Acting like the web editor: sign in from the server's own origin, then send the session's
CSRF token with every write (docs/api-decisions.md, "CSRF")."""

from __future__ import annotations

from fastapi.testclient import TestClient

ORIGIN = "http://testserver"
"""The TestClient's base URL: what a page served by this app has as its origin."""


def browser_login(client: TestClient, email: str, password: str, **extra: str) -> dict[str, str]:
    """Sign in (the cookie lands in the client's jar); returns the headers a write must send."""
    response = client.post(
        "/api/auth/login", json={"email": email, "password": password, **extra}, headers={"Origin": ORIGIN}
    )
    assert response.status_code == 200, response.text
    token = response.json()["csrfToken"]
    assert isinstance(token, str) and token
    return {"Origin": ORIGIN, "X-CSRF-Token": token}
