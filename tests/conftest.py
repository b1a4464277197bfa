"""Shared fixtures: a migrated database (SQLite, or PostgreSQL when ENTRI_TEST_DATABASE_URL is
set), the real ASGI app, and a fresh organization per test so tests never see each other's data.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from entri.app import create_app
from entri.core import security
from entri.core.config import Settings
from entri.core.db import Database
from entri.core.migrate import upgrade
from entri.core.permissions import Role
from entri.organizations import service as orgs
from entri.tokens import service as tokens

hypothesis_settings.register_profile("entri", deadline=None)
hypothesis_settings.load_profile("entri")
"""No per-example deadline anywhere: CI shares two cores with other jobs, and a 200 ms deadline
failed property tests at random (an example took 258 ms once, 0.4 ms when replayed). Tests keep
their own `max_examples`; the slow-input guarantees live in tests that time what they mean to."""

PG_ENV = "ENTRI_TEST_DATABASE_URL"

# One server key for every app and worker the suite builds: `create_app` makes its settings the
# process's (core/crypto.py), and tests build apps with settings of their own.
os.environ.setdefault("ENTRI_SECRET_KEY", "entri test suite server key, not a secret")

# Production argon2 costs ~160 ms per hash; every fixture user needs one. Tests check that
# passwords are verified, not how slowly: the cheapest parameters argon2 accepts.
security.use_cheap_hashing_for_tests()


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _checkout_tag() -> str:
    """Two checkouts of the repository (git worktrees) may run the suite at once on one server."""
    return hashlib.sha256(str(Path(__file__).resolve().parent).encode()).hexdigest()[:6]


def _postgres_url(base: str) -> str:
    """A database of its own for this xdist worker and checkout, created fresh."""
    url = make_url(base)
    name = f"{url.database}_{_worker()}_{_checkout_tag()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    base = os.environ.get(PG_ENV)
    url = _postgres_url(base) if base else f"sqlite:///{tmp_path_factory.mktemp('db') / 'entri.db'}"
    db = Database(url)
    upgrade(db)
    yield db
    db.engine.dispose()


GENEROUS_RATE_LIMITS = {
    "rate_limit_per_minute": 10**9,
    "rate_limit_ip_per_minute": 10**9,
    "rate_limit_ai_per_minute": 10**9,
    "rate_limit_login_per_minute": 10**9,
    "rate_limit_login_ip_per_minute": 10**9,
}
"""The suite makes thousands of requests a minute with one token: limits stay on (every response
still carries the headers) but never bite. tests/core/test_rate_limits.py tests low ones."""
GENEROUS_RATE_LIMITS_ENV = {f"ENTRI_{name.upper()}": str(value) for name, value in GENEROUS_RATE_LIMITS.items()}
"""The same for a server started as a subprocess (`entri serve`)."""


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        data_dir=Path(tmp_path_factory.mktemp("data")), max_body_bytes=2 * 1024 * 1024, **GENEROUS_RATE_LIMITS
    )


@pytest.fixture(scope="session")
def app_client(database: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(database, settings)) as client:
        yield client


@dataclass
class Member:
    user_id: str
    email: str
    password: str
    role: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"X-API-Key": self.token}


@dataclass
class Tenant:
    """One organization with an owner; `member(role)` adds users with their own tokens."""

    database: Database
    client: TestClient
    organization_id: str
    owner: Member
    members: dict[str, Member] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return self.owner.headers

    def member(self, role: str) -> Member:
        if role not in self.members:
            self.members[role] = _add_member(self.database, self.organization_id, Role(role))
        return self.members[role]

    def project(self, **body: object) -> dict[str, object]:
        payload = {"name": "Test", "sourceLanguage": "en", "targetLanguages": ["fr", "de"], **body}
        response = self.client.post("/api/projects", json=payload, headers=self.headers)
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]


_counter = iter(range(10**9))


def _add_member(database: Database, organization_id: str, role: Role) -> Member:
    n = next(_counter)
    email = f"{role.value}{n}.{_worker()}.{os.getpid()}@example.test".lower()
    password = "correct horse battery"
    with database.session(write=True) as session:
        user = orgs.create_user(session, email=email, name=f"{role.value.title()} {n}", password=password)
        orgs.add_member(session, organization_id=organization_id, user_id=user.id, role=role)
        token_role = role if role is not Role.OWNER else Role.ADMIN
        issued = tokens.issue_token(
            session,
            organization_id=organization_id,
            name=f"{role.value} token",
            role=token_role.value,
            created_by=user.id,
        )
        session.commit()
        return Member(user_id=user.id, email=email, password=password, role=role.value, token=issued.value)


@pytest.fixture
def tenant(database: Database, app_client: TestClient) -> Tenant:
    with database.session(write=True) as session:
        org = orgs.create_organization(session, name="Acme")
        session.commit()
        org_id = org.id
    owner = _add_member(database, org_id, Role.OWNER)
    return Tenant(database=database, client=app_client, organization_id=org_id, owner=owner)


@pytest.fixture
def client(app_client: TestClient) -> TestClient:
    app_client.cookies.clear()
    return app_client
