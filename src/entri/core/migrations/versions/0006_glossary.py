"""Glossaries: org-wide glossaries, their terms, and a per-organization revision counter that
invalidates cached term matchers (docs/glossary.md).

Revision ID: 0006_glossary
Revises: 0005_jobs
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

import entri.core.types

revision = "0006_glossary"
down_revision = "0005_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    json_type = sa.JSON().with_variant(JSONB(), "postgresql")
    op.create_table(
        "glossaries",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("source_language", sa.String(length=35), nullable=False),
        sa.Column("target_languages", json_type, nullable=False),
        sa.Column("created_at", entri.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", entri.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_glossaries_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_glossaries")),
        sa.UniqueConstraint("organization_id", "name", name=op.f("uq_glossaries_organization_id_name")),
    )
    op.create_index(op.f("ix_glossaries_organization_id"), "glossaries", ["organization_id"])
    op.create_table(
        "glossary_terms",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("glossary_id", sa.String(length=32), nullable=False),
        sa.Column("term", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("part_of_speech", sa.String(length=100), nullable=True),
        sa.Column("case_sensitive", sa.Boolean(), nullable=False),
        sa.Column("do_not_translate", sa.Boolean(), nullable=False),
        sa.Column("forbidden", sa.Boolean(), nullable=False),
        sa.Column("translations", json_type, nullable=False),
        sa.Column("created_at", entri.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", entri.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["glossary_id"],
            ["glossaries.id"],
            name=op.f("fk_glossary_terms_glossary_id_glossaries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_glossary_terms")),
    )
    op.create_index(op.f("ix_glossary_terms_glossary_id"), "glossary_terms", ["glossary_id"])
    op.create_table(
        "glossary_revisions",
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.Column("stamp", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_glossary_revisions_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organization_id", name=op.f("pk_glossary_revisions")),
    )


def downgrade() -> None:
    op.drop_table("glossary_revisions")
    op.drop_index(op.f("ix_glossary_terms_glossary_id"), "glossary_terms")
    op.drop_table("glossary_terms")
    op.drop_index(op.f("ix_glossaries_organization_id"), "glossaries")
    op.drop_table("glossaries")
