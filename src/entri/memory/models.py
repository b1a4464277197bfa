"""Translation-memory entries (decisions.md 9): one row per (organization, language pair,
source text, target text); the same pair captured again adds to `usage_count`.

`seq` is an integer primary key so SQLite's FTS5 index can point at it (`content_rowid`): a
rowid that is not an INTEGER PRIMARY KEY may change on VACUUM. The public id is `id`.
`project_id` and `key_id` say where the entry was first captured; they are provenance, not
foreign keys: deleting a key or project keeps what the organization learned from it (and costs
no cascade over a million-row table).

Trigram indexes on `source_norm` (migration 0007): PostgreSQL `pg_trgm` GIN; SQLite an FTS5
table `tm_entries_fts` with the `trigram` tokenizer, kept in sync by triggers (it is no model:
SQLAlchemy has no virtual tables).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from entri.core.clock import utcnow
from entri.core.db import Base
from entri.core.types import UTCDateTime

IDENTITY = ("organization_id", "source_language", "target_language", "source_hash", "target_hash")
"""What makes an entry one entry: the capture upsert's conflict target."""
SEQ_TYPE = BigInteger().with_variant(Integer(), "sqlite")
"""64-bit on PostgreSQL; SQLite's rowid alias must be spelled INTEGER."""


class TmEntry(Base):
    __tablename__ = "tm_entries"
    __table_args__ = (
        UniqueConstraint(
            "organization_id",
            "source_language",
            "target_language",
            "source_hash",
            "target_hash",
            name="uq_tm_entries_identity",
        ),
        Index("ix_tm_entries_norm", "organization_id", "source_language", "target_language", "norm_hash"),
        Index("ix_tm_entries_browse", "organization_id", "seq"),
        Index(
            "ix_tm_entries_trgm",
            "source_norm",
            postgresql_using="gin",
            postgresql_ops={"source_norm": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    seq: Mapped[int] = mapped_column(SEQ_TYPE, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(32), unique=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    source_language: Mapped[str] = mapped_column(String(35))
    target_language: Mapped[str] = mapped_column(String(35))
    source_text: Mapped[str] = mapped_column(Text)
    target_text: Mapped[str] = mapped_column(Text)
    source_norm: Mapped[str] = mapped_column(Text)
    """`normalize.normalized(source_text)`: placeholders masked, whitespace collapsed."""
    source_hash: Mapped[str] = mapped_column(String(64))
    target_hash: Mapped[str] = mapped_column(String(64))
    norm_hash: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(8))
    """`human` (approved by a person), `import` (imported as approved/final), `ai`."""
    usage_count: Mapped[int] = mapped_column(Integer, default=1)
    project_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    key_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
