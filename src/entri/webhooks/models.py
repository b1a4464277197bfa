"""Webhook subscriptions, their deliveries (the outbox and the delivery log in one table), and
the per-language marks that keep `language.completed` from firing twice (docs/webhooks.md).

A delivery row is written in the transaction of the change it announces, together with the
job that will send it, so a rolled-back change leaves none and a committed one cannot be lost.
The row keeps the exact body sent (every retry sends the same bytes) and the outcome of its
latest try. A delivery of another `kind` than a subscription's (`compat`: the method-style API's
webhook, docs/compat.md) has no subscription: the channel that writes it gives its URL and
headers at send time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, PrimaryKeyConstraint, String, Text, false, true
from sqlalchemy.orm import Mapped, mapped_column

from entri.core.clock import utcnow
from entri.core.db import Base
from entri.core.types import JSONType, UTCDateTime


class Webhook(Base):
    __tablename__ = "webhooks"
    __table_args__ = (
        # Every publish looks up the organization's active subscriptions.
        Index("ix_webhooks_organization_active", "organization_id", "active"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    project_id: Mapped[str | None] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), nullable=True, index=True
    )
    """None: every project of the organization."""
    url: Mapped[str] = mapped_column(Text)
    events: Mapped[list[str]] = mapped_column(JSONType)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    secret: Mapped[str] = mapped_column(String(100))
    """Kept as given (it signs every delivery, so it must be recoverable)."""
    previous_secret: Mapped[str | None] = mapped_column(String(100), nullable=True)
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Deliveries failed after all their tries since the last success; DISABLE_AFTER turns it off."""
    disabled_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        # The delivery log, newest first.
        Index("ix_webhook_deliveries_log", "webhook_id", "created_at"),
        # A channel's deliveries of one project: its log, and the untried ones a send folds in.
        Index("ix_webhook_deliveries_channel", "kind", "project_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    """Sent as X-Webhook-Id: the same on every try, for receivers' idempotency."""
    webhook_id: Mapped[str | None] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=True)
    """None for a channel's delivery (`kind` other than `webhook`)."""
    kind: Mapped[str] = mapped_column(String(16), default="webhook", server_default="webhook")
    """`webhook` (a subscription's), or the channel that wrote it (`compat`)."""
    organization_id: Mapped[str] = mapped_column(String(32))
    project_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    event: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    """The JSON envelope exactly as sent and signed."""
    state: Mapped[str] = mapped_column(String(10))
    """pending (not tried yet, or waiting for its next try) | succeeded | failed (gave up)."""
    manual: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """A test or a redelivery someone asked for: sent even while the subscription is off."""
    redelivery_of: Mapped[str | None] = mapped_column(String(32), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    duration_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    response: Mapped[str | None] = mapped_column(Text, nullable=True)
    """The first RESPONSE_EXCERPT bytes of the latest response body (decoded, invalid UTF-8 replaced)."""
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    """Why the latest try failed without a usable response (timeout, refused address, …)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class LanguageMark(Base):
    """A (project, language) last seen complete by the outbox: a summary event (an import, an AI
    job) that finds the language complete fires `language.completed` only without a mark."""

    __tablename__ = "webhook_language_marks"
    __table_args__ = (PrimaryKeyConstraint("project_id", "language"),)

    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(35))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
