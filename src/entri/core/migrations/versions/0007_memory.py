"""Translation memory: `tm_entries` and its trigram index (docs/memory.md).

PostgreSQL: the `pg_trgm` extension and a GIN index on `source_norm`. SQLite: an external-content
FTS5 table with the `trigram` tokenizer (SQLite >= 3.34) over `source_norm`, kept in sync by
triggers, so every writer (capture, delete, a cascade from a deleted organization) keeps it right.

Revision ID: 0007_memory
Revises: 0006_glossary
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import entri.core.types

revision = "0007_memory"
down_revision = "0006_glossary"
branch_labels = None
depends_on = None

_SQLITE_FTS = (
    "CREATE VIRTUAL TABLE tm_entries_fts USING fts5(source_norm, content='tm_entries', content_rowid='seq', "
    "tokenize='trigram', detail='none')",
    "CREATE TRIGGER tm_entries_fts_insert AFTER INSERT ON tm_entries BEGIN "
    "INSERT INTO tm_entries_fts(rowid, source_norm) VALUES (new.seq, new.source_norm); END",
    "CREATE TRIGGER tm_entries_fts_delete AFTER DELETE ON tm_entries BEGIN "
    "INSERT INTO tm_entries_fts(tm_entries_fts, rowid, source_norm) VALUES ('delete', old.seq, old.source_norm); END",
    "CREATE TRIGGER tm_entries_fts_update AFTER UPDATE OF source_norm ON tm_entries BEGIN "
    "INSERT INTO tm_entries_fts(tm_entries_fts, rowid, source_norm) VALUES ('delete', old.seq, old.source_norm); "
    "INSERT INTO tm_entries_fts(rowid, source_norm) VALUES (new.seq, new.source_norm); END",
)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "tm_entries",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("source_language", sa.String(length=35), nullable=False),
        sa.Column("target_language", sa.String(length=35), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("target_text", sa.Text(), nullable=False),
        sa.Column("source_norm", sa.Text(), nullable=False),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.Column("target_hash", sa.String(length=64), nullable=False),
        sa.Column("norm_hash", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=8), nullable=False),
        sa.Column("usage_count", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.String(length=32), nullable=True),
        sa.Column("key_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", entri.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", entri.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_tm_entries_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_tm_entries")),
        sa.UniqueConstraint("id", name=op.f("uq_tm_entries_id")),
        sa.UniqueConstraint(
            "organization_id",
            "source_language",
            "target_language",
            "source_hash",
            "target_hash",
            name="uq_tm_entries_identity",
        ),
    )
    op.create_index(
        "ix_tm_entries_norm", "tm_entries", ["organization_id", "source_language", "target_language", "norm_hash"]
    )
    op.create_index("ix_tm_entries_browse", "tm_entries", ["organization_id", "seq"])
    if postgres:
        op.execute("CREATE INDEX ix_tm_entries_trgm ON tm_entries USING gin (source_norm gin_trgm_ops)")
    else:
        for statement in _SQLITE_FTS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS tm_entries_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS tm_entries_fts")
    op.drop_table("tm_entries")
