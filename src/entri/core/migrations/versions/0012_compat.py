"""Method-style API and suggestions: compat tokens, categories, string numbers and their counters; suggestions
and the candidate numbers of current values (docs/compat.md, docs/suggestions.md).

Revision ID: 0012_compat
Revises: 0011_job_tokens
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

import entri.core.types

revision = "0012_compat"
down_revision = "0011_job_tokens"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "compat_tokens",
        sa.Column("project_id", sa.String(length=32), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", entri.core.types.UTCDateTime(timezone=True), nullable=False),
        _fk("compat_tokens", "project_id", "projects"),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_compat_tokens")),
        sa.UniqueConstraint("id", name=op.f("uq_compat_tokens_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_compat_tokens_token_hash")),
    )
    op.create_table(
        "compat_counters",
        sa.Column("project_id", sa.String(length=32), nullable=False),
        sa.Column("strings", sa.BigInteger(), nullable=False),
        sa.Column("categories", sa.BigInteger(), nullable=False),
        sa.Column("synced_revision", sa.BigInteger(), nullable=True),
        _fk("compat_counters", "project_id", "projects"),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_compat_counters")),
    )
    op.create_table(
        "compat_categories",
        sa.Column("project_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("parent_number", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("namespace", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", entri.core.types.UTCDateTime(timezone=True), nullable=False),
        _fk("compat_categories", "project_id", "projects"),
        sa.PrimaryKeyConstraint("project_id", "number", name=op.f("pk_compat_categories")),
        sa.UniqueConstraint("project_id", "namespace", name=op.f("uq_compat_categories_project_id_namespace")),
    )
    op.create_table(
        "compat_strings",
        sa.Column("project_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        _fk("compat_strings", "project_id", "projects"),
        _fk("compat_strings", "key_id", "keys"),
        sa.PrimaryKeyConstraint("project_id", "number", name=op.f("pk_compat_strings")),
        sa.UniqueConstraint("key_id", name=op.f("uq_compat_strings_key_id")),
    )
    op.create_table(
        "suggestions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("project_id", sa.String(length=32), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("plural_forms", _JSON, nullable=True),
        sa.Column("author_id", sa.String(length=32), nullable=True),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("author_token_id", sa.String(length=32), nullable=True),
        sa.Column("bot", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=True),
        sa.Column("created_at", entri.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", entri.core.types.UTCDateTime(timezone=True), nullable=False),
        _fk("suggestions", "project_id", "projects"),
        _fk("suggestions", "key_id", "keys"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestions")),
        sa.UniqueConstraint("project_id", "number", name=op.f("uq_suggestions_project_id_number")),
    )
    op.create_index(op.f("ix_suggestions_project_id"), "suggestions", ["project_id"])
    op.create_index("ix_suggestions_key_language", "suggestions", ["key_id", "language"])
    op.create_index(
        "uq_suggestions_bot",
        "suggestions",
        ["key_id", "language"],
        unique=True,
        sqlite_where=sa.text("bot"),
        postgresql_where=sa.text("bot"),
    )
    op.create_table(
        "translation_numbers",
        sa.Column("translation_id", sa.String(length=32), nullable=False),
        sa.Column("project_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        _fk("translation_numbers", "translation_id", "translations"),
        _fk("translation_numbers", "project_id", "projects"),
        sa.PrimaryKeyConstraint("translation_id", name=op.f("pk_translation_numbers")),
        sa.UniqueConstraint("project_id", "number", name=op.f("uq_translation_numbers_project_id_number")),
    )


def downgrade() -> None:
    op.drop_table("translation_numbers")
    op.drop_index("uq_suggestions_bot", table_name="suggestions")
    op.drop_index("ix_suggestions_key_language", table_name="suggestions")
    op.drop_index(op.f("ix_suggestions_project_id"), table_name="suggestions")
    op.drop_table("suggestions")
    op.drop_table("compat_strings")
    op.drop_table("compat_categories")
    op.drop_table("compat_counters")
    op.drop_table("compat_tokens")
