"""Durable background jobs and their items (docs/jobs.md).

A job is one unit of user-visible work (an AI batch, a TM fill); its items are the pieces a
handler processes, each with its own state, so a crash, a retry or a cancel never loses track
of which pieces are finished. Counters on the job row are kept in step with the item states in
the same transaction that changes them, so reading progress costs one primary-key read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from entri.core.clock import utcnow
from entri.core.db import Base
from entri.core.types import JSONType, UTCDateTime


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        # Claiming walks the claimable statuses oldest first.
        Index("ix_jobs_claim", "status", "created_at"),
        # Pruning reads finished jobs by age.
        Index("ix_jobs_finished_at", "finished_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[str | None] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), nullable=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[Any] = mapped_column(JSONType, nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    total: Mapped[int] = mapped_column(Integer, default=0)
    processed: Mapped[int] = mapped_column(Integer, default=0)
    succeeded: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    tokens_used: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Provider-reported tokens (input + output) the job's items used so far, added in the
    transaction that records their outcomes: what a token budget (`maxTokens`) is held against."""
    reason: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """Why the job ended other than by finishing its items: `cancelled`, `budget`, `error`…"""
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    """A human-readable message to go with `reason`."""
    created_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_owner: Mapped[str | None] = mapped_column(String(100), nullable=True)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    run_after: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    """Not claimed before this time (a webhook retry scheduled 30 s to 3 h ahead); None = now."""


class JobItem(Base):
    __tablename__ = "job_items"
    __table_args__ = (
        # The worker reads a job's pending items in order.
        Index("ix_job_items_state", "job_id", "state", "seq"),
    )

    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    payload: Mapped[Any] = mapped_column(JSONType, nullable=True)
    state: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    result: Mapped[Any] = mapped_column(JSONType, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
