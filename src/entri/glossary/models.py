"""Glossaries, their terms, and the per-organization revision that tells cached matchers they
are stale (docs/glossary.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from entri.core.clock import utcnow
from entri.core.db import Base
from entri.core.types import JSONType, UTCDateTime


class Glossary(Base):
    """An organization's glossary: terms in `source_language`, translated into `target_languages`."""

    __tablename__ = "glossaries"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    source_language: Mapped[str] = mapped_column(String(35))
    target_languages: Mapped[list[str]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GlossaryTerm(Base):
    """One term (decisions.md 8). Its identity within a glossary is the term text plus its part
    of speech (`run` the noun and `run` the verb are two terms), kept by the service."""

    __tablename__ = "glossary_terms"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    glossary_id: Mapped[str] = mapped_column(ForeignKey("glossaries.id", ondelete="CASCADE"), index=True)
    term: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    part_of_speech: Mapped[str | None] = mapped_column(String(100), nullable=True)
    case_sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    do_not_translate: Mapped[bool] = mapped_column(Boolean, default=False)
    forbidden: Mapped[bool] = mapped_column(Boolean, default=False)
    translations: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GlossaryRevision(Base):
    """Bumped by every change to an organization's glossaries that can change a match.

    Prepared matchers are cached per (organization, revision, stamp): the stamp is new on every
    bump, so a bump made by a transaction that rolled back, and the cache entry built inside it,
    can never be mistaken for the one a later transaction commits with the same number.
    """

    __tablename__ = "glossary_revisions"

    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True)
    revision: Mapped[int] = mapped_column(BigInteger, default=0)
    stamp: Mapped[str] = mapped_column(String(32))
