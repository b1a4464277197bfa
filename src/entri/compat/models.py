"""What the method-style API keeps of its own: the project's token, the category tree's
numbers and names, and the numeric ids of strings (docs/compat.md, "One model").

Everything else — keys, values, statuses, suggestions, labels (key tags) — lives in the
domains the main API uses, so both APIs see the same data.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from entri.core.clock import utcnow
from entri.core.db import Base
from entri.core.types import UTCDateTime


class CompatToken(Base):
    """One token per project. Kept readable (project admins see it again, and the compat
    webhook signs with it) and found by its SHA-256 (docs/compat.md, "The token")."""

    __tablename__ = "compat_tokens"

    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[str] = mapped_column(String(32), unique=True)
    """`ctok_…`: names the token in history and activity, never the secret."""
    token: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CompatCategory(Base):
    """A category: a namespace of the project with a number, a parent and a description.

    `namespace` is the path of names joined with `/`; the category of the default namespace
    `""` is called `(default)`. Namespaces that keys use get a row the first time the API
    needs one (`numbering.sync`)."""

    __tablename__ = "compat_categories"
    __table_args__ = (UniqueConstraint("project_id", "namespace"),)

    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    number: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    parent_number: Mapped[int] = mapped_column(BigInteger, default=0)
    name: Mapped[str] = mapped_column(String(255))
    namespace: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CompatString(Base):
    """The numeric id of a key (`string_id`), stable once given, unique in its project."""

    __tablename__ = "compat_strings"

    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    number: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    key_id: Mapped[str] = mapped_column(ForeignKey("keys.id", ondelete="CASCADE"), unique=True)


class CompatCounter(Base):
    """The highest category and string numbers a project ever gave (a deleted string's or
    category's number is never given to another: clients keep ids), and how far numbering got."""

    __tablename__ = "compat_counters"

    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    strings: Mapped[int] = mapped_column(BigInteger, default=0)
    categories: Mapped[int] = mapped_column(BigInteger, default=0)
    synced_revision: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    """The project's `keys_revision` when every key last had a number and every namespace a
    category: while it still matches, nothing needs numbering (one primary-key read)."""
