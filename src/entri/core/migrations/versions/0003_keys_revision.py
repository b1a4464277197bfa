"""projects.keys_revision: a counter bumped whenever the order of a project's keys may change.

The per-language listing caches page anchors per project (translations/listing.py) and uses
this counter to know when they are stale. Adding a column with a default needs no table rebuild
on either database.

Revision ID: 0003_keys_revision
Revises: 0002_invitations
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_keys_revision"
down_revision = "0002_invitations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("projects", sa.Column("keys_revision", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    # A plain ALTER (SQLite >= 3.35 has DROP COLUMN): a batch rebuild of `projects` would drop
    # the table, and with foreign keys on, cascade-delete every key of every project.
    op.drop_column("projects", "keys_revision")
