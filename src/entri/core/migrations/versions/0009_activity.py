"""Activity trail: the append-only `activity` table and the indexes of its feeds (docs/activity.md).

Revision ID: 0009_activity
Revises: 0008_ai_receipts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

import entri.core.types

revision = "0009_activity"
down_revision = "0008_ai_receipts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activity",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("project_id", sa.String(length=32), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=True),
        sa.Column("user_name", sa.String(length=500), nullable=False),
        sa.Column("token_id", sa.String(length=32), nullable=True),
        sa.Column("target_type", sa.String(length=64), nullable=True),
        sa.Column("target_id", sa.String(length=64), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=True),
        sa.Column("language", sa.String(length=35), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column(
            "metadata", sa.JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql"), nullable=False
        ),
        sa.Column("created", entri.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_activity_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity")),
    )
    op.create_index("ix_activity_org_feed", "activity", ["organization_id", "created", "id"])
    op.create_index("ix_activity_project_feed", "activity", ["project_id", "created", "id"])
    op.create_index("ix_activity_org_action", "activity", ["organization_id", "action", "created"])
    op.create_index("ix_activity_org_user", "activity", ["organization_id", "user_id", "created"])


def downgrade() -> None:
    op.drop_table("activity")
