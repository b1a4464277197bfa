"""Migration 0010 counts the data already stored: after a downgrade (journals dropped) and an
upgrade, the journals sum to what the write path had journaled."""

from __future__ import annotations

from datetime import date

from entri.core.actor import Actor
from entri.core.db import Database
from entri.core.principal import Principal
from entri.core.vocabularies import Action
from entri.keys import service as keys
from entri.organizations import service as orgs
from entri.projects import service as projects
from entri.translations import stats
from entri.translations.service import Write, write
from tests.organizations.test_invitation_migration import database, migrate  # noqa: F401  (fixture)


def _figures(db: Database, project_id: str) -> tuple[list[stats.Bucket], list[stats.Contribution]]:
    with db.session() as session:
        buckets = sorted(
            stats.buckets(session, project_ids=[project_id]), key=lambda b: (b.language, b.namespace, b.status)
        )
        people = stats.contributions(session, project_id=project_id, languages=["en", "fr"], since=date(2000, 1, 1))
    return buckets, sorted(people, key=lambda c: c.user_name)


def test_upgrade_counts_existing_translations(database: Database) -> None:  # noqa: F811
    migrate(database, "upgrade", "head")
    with database.session(write=True) as session:
        org = orgs.create_organization(session, name="Acme")
        principal = Principal(organization_id=org.id, role="owner", user_id=None, display_name="Test")
        project = projects.create_project(
            session, principal=principal, name="P", source_language="en", target_languages=["fr"]
        )
        refs = keys.add_keys(
            session, project=project, items=[keys.KeyFields(key=f"k{i}", namespace=f"n{i % 2}") for i in range(6)]
        )
        writes = [Write(key=r, language="en", value=f"Source words {i}") for i, r in enumerate(refs)]
        writes += [
            Write(key=r, language="fr", value=f"Mots {i}", status=("translated", "reviewed", "approved")[i % 3])
            for i, r in enumerate(refs[:5])
        ]
        write(session, project=project, writes=writes, actor=Actor(None, "Alice"), action=Action.IMPORT)
        write(
            session,
            project=project,
            writes=[Write(key=refs[0], language="fr", value="Autres mots ici")],
            actor=Actor(None, "Bob"),
            action=Action.UPDATE,
        )
        session.commit()
        project_id = project.id
    journaled = _figures(database, project_id)
    assert sum(b.translations for b in journaled[0]) == 11 and len(journaled[1]) == 2
    migrate(database, "downgrade", "0008_ai_receipts")
    migrate(database, "upgrade", "head")
    assert _figures(database, project_id) == journaled
