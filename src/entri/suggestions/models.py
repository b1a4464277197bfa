"""Suggestions and the numbers the method-style API shows for candidate texts.

A suggestion is a candidate text for one (key, language), kept beside the current value, with
its author. Several may exist per language; the method-style API's bot has at most one
(`bot`). Accepting one writes it through the one write path and removes it from the list; the
value it replaces becomes a suggestion in turn, so no author's text is lost (docs/suggestions.md).

`number` is the candidate's id in the method-style API (`addTranslation` answers it), given
only when that API first needs one. `TranslationNumber` is the same for the candidate that is
the current value; the number travels with the text when it moves between the two tables.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column

from entri.core.clock import utcnow
from entri.core.db import Base
from entri.core.types import JSONType, UTCDateTime


class Suggestion(Base):
    __tablename__ = "suggestions"
    __table_args__ = (
        Index("ix_suggestions_key_language", "key_id", "language"),
        Index(
            "uq_suggestions_bot",
            "key_id",
            "language",
            unique=True,
            sqlite_where=text("bot"),
            postgresql_where=text("bot"),
        ),
        UniqueConstraint("project_id", "number"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    key_id: Mapped[str] = mapped_column(ForeignKey("keys.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(35))
    value: Mapped[str] = mapped_column(Text)
    plural_forms: Mapped[dict[str, str] | None] = mapped_column(JSONType, nullable=True)
    author_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    """The author's user id (None for a token without a user, or the API bot); provenance, not
    a foreign key: a suggestion outlives its author's membership."""
    author_name: Mapped[str] = mapped_column(String(200))
    author_token_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    bot: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Written by the method-style API (`addTranslation`): one per (key, language), updated in place."""
    number: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TranslationNumber(Base):
    """The method-style API's id of the candidate that is a translation's current value."""

    __tablename__ = "translation_numbers"
    __table_args__ = (UniqueConstraint("project_id", "number"),)

    translation_id: Mapped[str] = mapped_column(ForeignKey("translations.id", ondelete="CASCADE"), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(BigInteger)
