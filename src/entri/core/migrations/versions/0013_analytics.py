"""Analytics journals: progress counters (`translation_counts`) and day-work tallies
(`translation_tallies`), kept by the write path (docs/analytics.md). Existing projects are
counted from their translations and history here, once.

Revision ID: 0013_analytics
Revises: 0012_compat
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = "0013_analytics"
down_revision = "0012_compat"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _journal(name: str, *columns: sa.Column[object]) -> None:
    op.create_table(
        name,
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("project_id", sa.String(32), sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
        *columns,
        sa.Column("folded", sa.Boolean(), nullable=False),
    )
    op.create_index(f"ix_{name}_project", name, ["project_id", "folded"])


def upgrade() -> None:
    _journal(
        "translation_counts",
        sa.Column("language", sa.String(35), nullable=False),
        sa.Column("namespace", sa.String(255), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("translations", sa.Integer(), nullable=False),
        sa.Column("words", sa.BigInteger(), nullable=False),
        sa.Column("characters", sa.BigInteger(), nullable=False),
    )
    _journal(
        "translation_tallies",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("language", sa.String(35), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=True),
        sa.Column("user_name", sa.String(200), nullable=False),
        sa.Column("translations", sa.Integer(), nullable=False),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.Column("approvals", sa.Integer(), nullable=False),
        sa.Column("words", sa.BigInteger(), nullable=False),
        sa.Column("characters", sa.BigInteger(), nullable=False),
    )
    _count_existing()


def _count_existing() -> None:
    """The journals start from what is stored (the recount the code itself uses)."""
    from entri.translations import counts

    session = Session(bind=op.get_bind())
    for (project_id,) in session.execute(sa.text("SELECT id FROM projects")).all():
        counts.rebuild(session, project_id=project_id)
        counts.rebuild_tallies(session, project_id=project_id)
    session.flush()


def downgrade() -> None:
    op.drop_table("translation_tallies")
    op.drop_table("translation_counts")
