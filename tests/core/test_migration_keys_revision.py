"""Migration 0003 adds and drops `projects.keys_revision` in place. A batch rebuild of
`projects` on SQLite (with foreign keys on) would cascade-delete every key of every project."""

from __future__ import annotations

import sqlalchemy as sa

from entri.core.db import Database
from entri.core.principal import Principal
from entri.keys import service as keys
from entri.organizations import service as orgs
from entri.projects import service as projects
from tests.organizations.test_invitation_migration import database, migrate  # noqa: F401  (fixture)


def _count(db: Database, table: str) -> int:
    with db.engine.connect() as connection:
        return int(connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_downgrade_and_upgrade_keep_every_key(database: Database) -> None:  # noqa: F811
    migrate(database, "upgrade", "head")
    with database.session(write=True) as session:
        org = orgs.create_organization(session, name="Acme")
        principal = Principal(organization_id=org.id, role="owner", user_id=None, display_name="Test")
        project = projects.create_project(
            session, principal=principal, name="P", source_language="en", target_languages=["fr"]
        )
        keys.add_keys(session, project=project, items=[keys.KeyFields(key=f"k{i}") for i in range(3)])
        session.commit()
    migrate(database, "downgrade", "0002_invitations")
    assert (_count(database, "projects"), _count(database, "keys")) == (1, 3)
    migrate(database, "upgrade", "head")
    assert (_count(database, "projects"), _count(database, "keys")) == (1, 3)
    with database.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT keys_revision FROM projects")).scalar_one() == 0
