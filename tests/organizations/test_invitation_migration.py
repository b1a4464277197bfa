"""Migration 0002_invitations on databases left in the states issue 15 describes: an account
invited by two organizations and not yet accepted, and one the flaw already activated (it
accepted Globex's invitation, which also made its pending Acme membership live)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from entri.app import create_app
from entri.core.clock import utcnow
from entri.core.config import Settings
from entri.core.db import Database
from entri.core.migrate import alembic_config
from entri.core.security import hash_password, hash_token
from entri.core.types import JSONType, UTCDateTime
from tests.conftest import PG_ENV, _checkout_tag, _worker

ORG_A, ORG_B = "org_acme", "org_globex"
TOKEN_A, TOKEN_B = "token-from-acme-0123456789", "token-from-globex-0123456789"
TOKEN_TAKEN = "token-from-acme-for-taken-0123456789"


def _table(name: str, *columns: str, times: tuple[str, ...] = ()) -> sa.TableClause:
    return sa.table(name, *(sa.column(c) for c in columns), *(sa.column(t, UTCDateTime()) for t in times))


ORGS = _table("organizations", "id", "name", "slug", times=("created_at", "updated_at"))
ORGS.append_column(sa.column("settings", JSONType))
USERS = _table("users", "id", "email", "name", "password_hash", times=("created_at",))
MEMBERSHIPS = _table(
    "memberships", "organization_id", "user_id", "role", "invite_token_hash", times=("joined_at", "invite_expires_at")
)
INVITATIONS = _table("invitations", "organization_id", "email", "name", "role", "token_hash", times=("expires_at",))
API_TOKENS = _table(
    "api_tokens",
    "id",
    "organization_id",
    "name",
    "token_hash",
    "token_hint",
    "role",
    "created_by",
    times=("created_at", "revoked_at"),
)
API_TOKENS.append_column(sa.column("scopes", JSONType))
SESSIONS = _table("auth_sessions", "id", "token_hash", "user_id", "organization_id", times=("created_at", "expires_at"))


def _fresh_postgres(base: str) -> str:
    """An empty database beside the suite's own: this test starts from revision 0001."""
    url = make_url(base)
    name = f"{url.database}_mig_{_worker()}_{_checkout_tag()}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    base = os.environ.get(PG_ENV)
    db = Database(_fresh_postgres(base) if base else f"sqlite:///{tmp_path / 'legacy.db'}")
    yield db
    db.engine.dispose()


def migrate(database: Database, how: str, revision: str) -> None:
    config = alembic_config(database.url)
    with database.engine.connect() as connection:
        config.attributes["connection"] = connection
        getattr(command, how)(config, revision)
        connection.commit()


def rows(database: Database, table: sa.TableClause, *order: str) -> list[dict[str, object]]:
    with database.engine.connect() as connection:
        result = connection.execute(sa.select(table).order_by(*(table.c[o] for o in order)))
        return [dict(r._mapping) for r in result]


@pytest.fixture
def legacy(database: Database) -> Database:
    migrate(database, "upgrade", "0001")
    now = utcnow()
    week = now + timedelta(days=7)
    with database.engine.begin() as connection:
        for org_id, name in ((ORG_A, "Acme"), (ORG_B, "Globex")):
            connection.execute(
                ORGS.insert().values(
                    id=org_id, name=name, slug=name.lower(), settings={}, created_at=now, updated_at=now
                )
            )
        users = [
            ("user_newhire", "newhire@example.test", "Nadia Newhire", None),
            ("user_used", "used@example.test", "Used Token", None),
            ("user_owner", "owner@example.test", "Olga Owner", hash_password("owner password")),
            ("user_taken", "taken@example.test", "Taken Over", hash_password("chosen by globex")),
        ]
        for user_id, email, name, password_hash in users:
            connection.execute(
                USERS.insert().values(id=user_id, email=email, name=name, password_hash=password_hash, created_at=now)
            )
        memberships = [
            (ORG_A, "user_newhire", "admin", hash_token(TOKEN_A), week),
            (ORG_B, "user_newhire", "viewer", hash_token(TOKEN_B), week),
            (ORG_A, "user_used", "developer", None, None),
            (ORG_A, "user_owner", "owner", None, None),
            (ORG_A, "user_taken", "admin", hash_token(TOKEN_TAKEN), week),  # live, never accepted
            (ORG_B, "user_taken", "viewer", None, None),  # accepted
        ]
        for org_id, user_id, role, token_hash, expires in memberships:
            connection.execute(
                MEMBERSHIPS.insert().values(
                    organization_id=org_id,
                    user_id=user_id,
                    role=role,
                    joined_at=now,
                    invite_token_hash=token_hash,
                    invite_expires_at=expires,
                )
            )
        for org_id, n in ((ORG_A, 1), (ORG_B, 2)):  # what the account did in each organization
            connection.execute(
                API_TOKENS.insert().values(
                    id=f"tok_taken{n}",
                    organization_id=org_id,
                    name="minted",
                    token_hash=f"hash{n}",
                    token_hint="abcd",
                    role="viewer",
                    created_by="user_taken",
                    created_at=now,
                    scopes=[],
                )
            )
            connection.execute(
                SESSIONS.insert().values(
                    id=f"sess_taken{n}",
                    token_hash=f"session{n}",
                    user_id="user_taken",
                    organization_id=org_id,
                    created_at=now,
                    expires_at=week,
                )
            )
    migrate(database, "upgrade", "head")
    return database


def test_unaccepted_memberships_become_invitations_of_their_organization(legacy: Database) -> None:
    invitations = rows(legacy, INVITATIONS, "email", "organization_id")

    assert [(i["organization_id"], i["email"], i["role"], i["name"]) for i in invitations] == [
        (ORG_A, "newhire@example.test", "admin", "Nadia Newhire"),
        (ORG_B, "newhire@example.test", "viewer", "Nadia Newhire"),
        (ORG_A, "taken@example.test", "admin", "Taken Over"),
        (ORG_A, "used@example.test", "developer", "Used Token"),
    ]
    assert invitations[0]["token_hash"] == hash_token(TOKEN_A)
    assert invitations[1]["token_hash"] == hash_token(TOKEN_B)
    assert invitations[2]["token_hash"] == hash_token(TOKEN_TAKEN)
    assert invitations[3]["expires_at"] <= utcnow()  # its token was spent: send it again
    assert [u["id"] for u in rows(legacy, USERS, "id")] == ["user_owner", "user_taken"]
    memberships = _table("memberships", "organization_id", "user_id", "role")
    assert [(m["organization_id"], m["user_id"], m["role"]) for m in rows(legacy, memberships, "user_id")] == [
        (ORG_A, "user_owner", "owner"),
        (ORG_B, "user_taken", "viewer"),
    ]


def test_what_a_never_accepted_membership_did_ends_with_it(legacy: Database) -> None:
    tokens = {t["organization_id"]: t["revoked_at"] for t in rows(legacy, API_TOKENS, "id")}
    assert tokens[ORG_A] is not None
    assert tokens[ORG_B] is None
    assert [s["organization_id"] for s in rows(legacy, SESSIONS, "id")] == [ORG_B]


def test_after_migration_each_token_opens_only_its_own_organization(legacy: Database, tmp_path: Path) -> None:
    with TestClient(create_app(legacy, Settings(data_dir=tmp_path))) as client:
        accepted = client.post("/api/auth/accept-invite", json={"token": TOKEN_B, "password": "chosen by globex"})
        assert accepted.status_code == 200, accepted.text
        assert accepted.json()["organizationId"] == ORG_B

        login = {"email": "newhire@example.test", "password": "chosen by globex"}
        assert client.post("/api/auth/login", json={**login, "organizationId": ORG_A}).status_code == 401
        refused = client.post("/api/auth/accept-invite", json={"token": TOKEN_A, "password": "another one!"})
        assert refused.status_code == 401
        joined = client.post("/api/auth/accept-invite", json={"token": TOKEN_A, "password": "chosen by globex"})
        assert joined.status_code == 200, joined.text
        assert joined.json()["role"] == "admin"

        taken = {"email": "taken@example.test", "password": "chosen by globex"}
        assert client.post("/api/auth/login", json={**taken, "organizationId": ORG_A}).status_code == 401
        assert client.post("/api/auth/login", json={**taken, "organizationId": ORG_B}).status_code == 200


def test_downgrade_restores_the_old_shape(legacy: Database) -> None:
    migrate(legacy, "downgrade", "0001")

    with legacy.engine.connect() as connection:
        assert not sa.inspect(connection).has_table("invitations")
    pending = {(m["organization_id"], m["role"], m["invite_token_hash"]) for m in rows(legacy, MEMBERSHIPS, "role")}
    assert (ORG_A, "admin", hash_token(TOKEN_A)) in pending
    assert (ORG_B, "viewer", hash_token(TOKEN_B)) in pending
    assert {u["email"]: u["password_hash"] for u in rows(legacy, USERS, "email")}["newhire@example.test"] is None
    migrate(legacy, "upgrade", "head")  # and back again
    assert len(rows(legacy, INVITATIONS, "email")) == 3  # taken@ has an account: the old schema had no place for it
