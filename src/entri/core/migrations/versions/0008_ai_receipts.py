"""AI receipts: what an AI-written value was made from, kept in its history entry (model,
token usage, glossary terms and TM matches used; docs/ai.md).

Revision ID: 0008_ai_receipts
Revises: 0007_memory
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0008_ai_receipts"
down_revision = "0007_memory"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("translation_history", sa.Column("receipt", sa.JSON().with_variant(JSONB(), "postgresql")))


def downgrade() -> None:
    op.drop_column("translation_history", "receipt")
