"""Translation keys. Identity is (project, namespace, name) (docs/api-decisions.md, "Keys").

Uniqueness is enforced on a SHA-256 of the name: names may be 1,000 characters of any script,
which can exceed PostgreSQL's btree entry limit if indexed directly.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from entri.core.clock import utcnow
from entri.core.db import Base
from entri.core.types import UTCDateTime

SORT_PREFIX = 128


class Key(Base):
    __tablename__ = "keys"
    __table_args__ = (
        UniqueConstraint("project_id", "namespace", "name_hash"),
        Index("ix_keys_listing", "project_id", "namespace", "sort_name", "id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    namespace: Mapped[str] = mapped_column(String(255), default="")
    name: Mapped[str] = mapped_column(Text)
    name_hash: Mapped[str] = mapped_column(String(64))
    sort_name: Mapped[str] = mapped_column(String(SORT_PREFIX))
    """The name's first characters, the listing order. An index on the full name could exceed
    PostgreSQL's btree entry limit; names sharing the whole prefix fall back to id order."""
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    context: Mapped[str | None] = mapped_column(Text, nullable=True)
    """gettext msgctxt / Android product, carried so files round-trip."""
    is_plural: Mapped[bool] = mapped_column(Boolean, default=False)
    max_length: Mapped[int | None] = mapped_column(Integer, nullable=True)
    origin_format: Mapped[str | None] = mapped_column(String(32), nullable=True)
    """The file format that created the key (an import), or None: it picks the placeholder
    dialect the quality checks use (docs/checks.md)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    tag_rows: Mapped[list[KeyTag]] = relationship(
        cascade="all, delete-orphan", lazy="select", order_by="KeyTag.position"
    )

    @property
    def tags(self) -> list[str]:
        return [t.tag for t in self.tag_rows]


class KeyTag(Base):
    """One row per tag so `?tag=` filters use an index on every backend."""

    __tablename__ = "key_tags"

    key_id: Mapped[str] = mapped_column(ForeignKey("keys.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
