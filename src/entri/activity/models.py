"""Activity entries (docs/activity.md). Append-only: nothing updates or deletes a row, except the
cascade of a deleted organization.

`project_id`, `user_id` and `token_id` are provenance, not foreign keys: the trail of a deleted
project (its `project.deleted` entry included), of a member who left or of a revoked token stays
readable in the organization's feed. `user_name` is the actor's display name at the time (a
token-made change reads `Alice (token: ci)`), so the trail never needs a join to be read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from entri.core.db import Base
from entri.core.types import JSONType, UTCDateTime

NAME_LENGTH = 500
"""A member's name (200) plus a token's name (200) and the words between them."""


class ActivityEntry(Base):
    __tablename__ = "activity"
    __table_args__ = (
        # The two feeds, newest first (`created DESC, id DESC`), read straight off an index.
        Index("ix_activity_org_feed", "organization_id", "created", "id"),
        Index("ix_activity_project_feed", "project_id", "created", "id"),
        # The selective filters of the organization feed; the others (target type, source,
        # language) narrow a feed that an index above already orders.
        Index("ix_activity_org_action", "organization_id", "action", "created"),
        Index("ix_activity_org_user", "organization_id", "user_id", "created"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    project_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    action: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    user_name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    token_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    target_type: Mapped[str | None] = mapped_column(String(64), nullable=True)
    target_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    source: Mapped[str | None] = mapped_column(String(16), nullable=True)
    language: Mapped[str | None] = mapped_column(String(35), nullable=True)
    count: Mapped[int] = mapped_column(Integer, default=1)
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSONType, default=dict)
    """`metadata` is a reserved attribute name on declarative classes; the column keeps it."""
    created: Mapped[datetime] = mapped_column(UTCDateTime)
