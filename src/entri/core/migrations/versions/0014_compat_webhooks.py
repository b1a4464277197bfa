"""The compat webhook's deliveries in the webhook outbox: `webhook_deliveries.kind`, a nullable
`webhook_id` (a channel's delivery has no subscription) and the channel index (docs/compat.md,
"Webhook"; docs/webhooks.md).

Revision ID: 0014_compat_webhooks
Revises: 0013_analytics
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_compat_webhooks"
down_revision = "0013_analytics"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=16), server_default="webhook", nullable=False))
        batch_op.alter_column("webhook_id", existing_type=sa.String(length=32), nullable=True)
    op.create_index(
        "ix_webhook_deliveries_channel", "webhook_deliveries", ["kind", "project_id", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_webhook_deliveries_channel", table_name="webhook_deliveries")
    op.execute("DELETE FROM webhook_deliveries WHERE webhook_id IS NULL")
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.alter_column("webhook_id", existing_type=sa.String(length=32), nullable=False)
        batch_op.drop_column("kind")
