"""`entri admin` and `entri migrate` on the running server's own database: the users and tokens
they make work against the server at once."""

from __future__ import annotations

import httpx

from tests.cli.conftest import Cli


def test_create_user_create_token_reset_password(cli: Cli) -> None:
    server = cli.server
    email = f"translator.{cli.home.parent.name}@example.test".lower()

    def login(password: str) -> int:
        return httpx.post(f"{server.url}/api/auth/login", json={"email": email, "password": password}).status_code

    made = cli(
        "admin",
        "create-user",
        "--email",
        email,
        "--role",
        "translator",
        "--password",
        "first password",
        program="entri",
        **server.env,
    )
    assert made.code == 0, made
    assert f"Created {email}" in made.out and "translator" in made.out
    assert login("first password") == 200
    twice = cli("admin", "create-user", "--email", email, "--password", "first password", program="entri", **server.env)
    assert twice.code == 1 and twice.err.startswith("error: ") and len(twice.err.splitlines()) == 1
    short = cli(
        "admin", "create-user", "--email", "x@example.test", "--password", "short", program="entri", **server.env
    )
    assert short.code == 1 and "at least 8 characters" in short.err

    token = cli(
        "admin",
        "create-token",
        "--email",
        email,
        "--name",
        "ci",
        "--scope",
        "translations:read",
        program="entri",
        **server.env,
    )
    assert token.code == 0, token
    value = token.out.strip()
    assert value.startswith("entri_") and len(token.out.splitlines()) == 1
    me = httpx.get(f"{server.url}/api/auth/me", headers={"X-API-Key": value}).json()
    assert (me["email"], me["role"]) == (email, "translator")  # the member's own role by default
    assert (
        httpx.post(
            f"{server.url}/api/projects", json={"name": "x", "sourceLanguage": "en"}, headers={"X-API-Key": value}
        ).status_code
        == 403
    )
    above = cli("admin", "create-token", "--email", email, "--role", "admin", program="entri", **server.env)
    assert above.code == 1 and "at most the member's own (translator)" in above.err

    reset = cli(
        "admin", "reset-password", "--email", email, "--password", "second password", program="entri", **server.env
    )
    assert reset.code == 0, reset
    assert login("first password") == 401 and login("second password") == 200
    nobody = cli(
        "admin",
        "reset-password",
        "--email",
        "nobody@example.test",
        "--password",
        "whatever long",
        program="entri",
        **server.env,
    )
    assert nobody.code == 1 and "No user with email nobody@example.test" in nobody.err

    migrated = cli("migrate", program="entri", **server.env)
    assert migrated.code == 0 and "Database is at revision" in migrated.out
