"""Quality checks: the failing checks stored on each translation, `forced` on history, and the
format a key came from (it picks the placeholder dialect; docs/checks.md).

`checks` holds the failures as JSON (null when none); `check_level` their worst severity
(0 clean, 1 warning, 2 error), indexed with the project and language so "failing" filters and
the export's `exclude=failing-errors` read an index instead of parsing JSON. Adding columns with
defaults needs no table rebuild on either database.

Revision ID: 0004_checks
Revises: 0003_keys_revision
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004_checks"
down_revision = "0003_keys_revision"
branch_labels = None
depends_on = None


def upgrade() -> None:
    json_type = sa.JSON().with_variant(JSONB(), "postgresql")
    op.add_column("translations", sa.Column("checks", json_type, nullable=True))
    op.add_column("translations", sa.Column("check_level", sa.SmallInteger(), nullable=False, server_default="0"))
    op.create_index("ix_translations_check_level", "translations", ["project_id", "language", "check_level"])
    op.add_column("translation_history", sa.Column("forced", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("keys", sa.Column("origin_format", sa.String(32), nullable=True))


def downgrade() -> None:
    # Plain ALTERs (SQLite >= 3.35 has DROP COLUMN): a batch rebuild would drop and recreate
    # tables that other tables cascade from.
    op.drop_column("keys", "origin_format")
    op.drop_column("translation_history", "forced")
    op.drop_index("ix_translations_check_level", "translations")
    op.drop_column("translations", "check_level")
    op.drop_column("translations", "checks")
