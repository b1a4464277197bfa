"""Translations, their append-only history, and the analytics journals the write path keeps
(`TranslationCount`, `TranslationTally`; counts.py, docs/analytics.md).

`version` counts writes to a translation; each history row records the version it produced,
so history order is exact even when two writes land in the same millisecond.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from entri.core.clock import utcnow
from entri.core.db import Base
from entri.core.types import JSONType, UTCDateTime


class Translation(Base):
    __tablename__ = "translations"
    __table_args__ = (
        UniqueConstraint("key_id", "language"),
        Index("ix_translations_project_language", "project_id", "language"),
        Index("ix_translations_check_level", "project_id", "language", "check_level"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    key_id: Mapped[str] = mapped_column(ForeignKey("keys.id", ondelete="CASCADE"))
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(35))
    value: Mapped[str | None] = mapped_column(Text, nullable=True)
    plural_forms: Mapped[dict[str, str] | None] = mapped_column(JSONType, nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    ai_confidence: Mapped[int | None] = mapped_column(Integer, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    updated_by_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    checks: Mapped[list[dict[str, str]] | None] = mapped_column(JSONType, nullable=True)
    """The failing quality checks `[{id, severity, message}]` as of the last write or re-check;
    None when none fail (docs/checks.md)."""
    check_level: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    """The worst severity in `checks`: 0 clean, 1 warning, 2 error (`checks.base.Level`)."""


class TranslationHistory(Base):
    __tablename__ = "translation_history"
    __table_args__ = (UniqueConstraint("translation_id", "version"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    translation_id: Mapped[str] = mapped_column(ForeignKey("translations.id", ondelete="CASCADE"))
    key_id: Mapped[str] = mapped_column(ForeignKey("keys.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(35))
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))
    previous_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    new_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    previous_plural_forms: Mapped[dict[str, str] | None] = mapped_column(JSONType, nullable=True)
    new_plural_forms: Mapped[dict[str, str] | None] = mapped_column(JSONType, nullable=True)
    previous_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    new_status: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    ai_confidence: Mapped[int | None] = mapped_column(Integer, nullable=True)
    changed_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    changed_by_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    receipt: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    """What an AI value was made from: model, tokens, glossary terms, TM matches (docs/ai.md)."""
    forced: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """An admin approved or reviewed it despite failing error-level checks (`force: true`)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


_JOURNAL_ID = BigInteger().with_variant(Integer(), "sqlite")
"""An autoincrementing id (SQLite's rowid alias must be declared INTEGER)."""


class TranslationCount(Base):
    """A journal of the number, words and characters of a project's translations by language,
    namespace and status: the progress figures without counting 1M rows (docs/analytics.md).

    The write path appends one row per bucket it changed (+1 here, -1 there), so concurrent
    writers never update the same row and never wait on each other; the figure of a bucket is
    the sum of its rows. When a project has many unfolded rows, a writer folds them into one
    row per bucket (`translations/counts.py`). Only written translations (version > 0) count.
    """

    __tablename__ = "translation_counts"
    __table_args__ = (Index("ix_translation_counts_project", "project_id", "folded"),)

    id: Mapped[int] = mapped_column(_JOURNAL_ID, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(35))
    namespace: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16))
    translations: Mapped[int] = mapped_column(Integer)
    words: Mapped[int] = mapped_column(BigInteger)
    characters: Mapped[int] = mapped_column(BigInteger)
    folded: Mapped[bool] = mapped_column(Boolean, default=False)


class TranslationTally(Base):
    """A journal of the work done per day, language, source and person: values written,
    reviews, approvals, and the words and characters of the values written (the contributor
    and progress-over-time figures; docs/analytics.md). Appended by the write path like
    `TranslationCount`; it outlives the keys it counted (work done stays done)."""

    __tablename__ = "translation_tallies"
    __table_args__ = (Index("ix_translation_tallies_project", "project_id", "folded"),)

    id: Mapped[int] = mapped_column(_JOURNAL_ID, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    """The UTC date of the change."""
    language: Mapped[str] = mapped_column(String(35))
    source: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    user_name: Mapped[str] = mapped_column(String(200))
    translations: Mapped[int] = mapped_column(Integer)
    reviews: Mapped[int] = mapped_column(Integer)
    approvals: Mapped[int] = mapped_column(Integer)
    words: Mapped[int] = mapped_column(BigInteger)
    characters: Mapped[int] = mapped_column(BigInteger)
    folded: Mapped[bool] = mapped_column(Boolean, default=False)
