"""Projects. Target languages are an ordered list on the row: small, always read with the
project, and removing one only hides its translations (docs/api-decisions.md, "Projects")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from entri.core.clock import utcnow
from entri.core.db import Base
from entri.core.types import JSONType, UTCDateTime


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    source_language: Mapped[str] = mapped_column(String(35))
    target_languages: Mapped[list[str]] = mapped_column(JSONType, default=list)
    preferred_model: Mapped[str | None] = mapped_column(String(100), nullable=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    key_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    keys_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Bumped by every change that may move keys in the listing order (create, delete, rename):
    the listing's cached page anchors are valid for one revision."""
    """Kept by keys.service in the transaction that adds or deletes keys: listings read the
    total from here instead of counting 100k index entries on every page."""
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def languages(self) -> list[str]:
        """Source first, then targets: every language the project currently shows."""
        return [self.source_language, *[t for t in self.target_languages if t != self.source_language]]
