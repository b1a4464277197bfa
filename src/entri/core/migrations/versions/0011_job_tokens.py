"""Jobs count the provider tokens their items used (`jobs.tokens_used`), so an AI batch can stop
at its `maxTokens` budget (docs/ai.md, "Budget and dry run").

Revision ID: 0011_job_tokens
Revises: 0010_webhooks
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_job_tokens"
down_revision = "0010_webhooks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("tokens_used", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    op.drop_column("jobs", "tokens_used")
