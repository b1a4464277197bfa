"""invitations as rows of the inviting organization

Before, inviting an address created (or reused) a password-less account and a membership
carrying the invitation token, so a second organization's invitation could set the password
of an account another organization had invited, and with it reach that organization. Now an
invitation is a row of its own organization; a membership and an account exist only once the
invitee accepts. Every membership that was never accepted through its own invitation becomes
an invitation again, with its token, so links already handed out keep working, each for the
organization that sent it only; an account that already has a password accepts with it.

Revision ID: 0002_invitations
Revises: 0001
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import entri.core.types

revision = "0002_invitations"
down_revision = "0001"
branch_labels = None
depends_on = None

_users = sa.table(
    "users",
    sa.column("id", sa.String),
    sa.column("email", sa.String),
    sa.column("name", sa.String),
    sa.column("password_hash", sa.Text),
    sa.column("created_at", entri.core.types.UTCDateTime(timezone=True)),
)
_memberships = sa.table(
    "memberships",
    sa.column("organization_id", sa.String),
    sa.column("user_id", sa.String),
    sa.column("role", sa.String),
    sa.column("joined_at", entri.core.types.UTCDateTime(timezone=True)),
    sa.column("invite_token_hash", sa.String),
    sa.column("invite_expires_at", entri.core.types.UTCDateTime(timezone=True)),
)
_invitations = sa.table(
    "invitations",
    sa.column("id", sa.String),
    sa.column("organization_id", sa.String),
    sa.column("email", sa.String),
    sa.column("name", sa.String),
    sa.column("role", sa.String),
    sa.column("token_hash", sa.String),
    sa.column("invited_by", sa.String),
    sa.column("created_at", entri.core.types.UTCDateTime(timezone=True)),
    sa.column("expires_at", entri.core.types.UTCDateTime(timezone=True)),
)
_tokens = sa.table(
    "api_tokens",
    sa.column("organization_id", sa.String),
    sa.column("created_by", sa.String),
    sa.column("revoked_at", entri.core.types.UTCDateTime(timezone=True)),
)
_sessions = sa.table("auth_sessions", sa.column("organization_id", sa.String), sa.column("user_id", sa.String))


def _new_id(prefix: str) -> str:
    """Same shape as `entri.core.ids.new_id`, kept here so this script never changes."""
    return prefix + "_" + base64.b32encode(secrets.token_bytes(13)).decode("ascii")[:20].lower()


def upgrade() -> None:
    op.create_table(
        "invitations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", entri.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", entri.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_invitations_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by"], ["users.id"], name=op.f("fk_invitations_invited_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("organization_id", "email", name=op.f("uq_invitations_organization_id_email")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitations_token_hash")),
    )

    bind = op.get_bind()
    now = datetime.now(UTC)
    # Not accepted: a membership still holding its invitation token, or one of an account
    # without a password. The first includes memberships the old flaw activated: accepting
    # another organization's invitation set the shared password, and with it reached this one.
    unaccepted = bind.execute(
        sa.select(
            _memberships.c.organization_id,
            _memberships.c.user_id,
            _memberships.c.role,
            _memberships.c.joined_at,
            _memberships.c.invite_token_hash,
            _memberships.c.invite_expires_at,
            _users.c.email,
            _users.c.name,
        )
        .join(_users, _users.c.id == _memberships.c.user_id)
        .where(sa.or_(_memberships.c.invite_token_hash.is_not(None), _users.c.password_hash.is_(None)))
    ).all()
    for row in unaccepted:
        bind.execute(
            _invitations.insert().values(
                id=_new_id("inv"),
                organization_id=row.organization_id,
                email=row.email,
                name=row.name,
                role=row.role,
                # A pending membership whose token was already used can no longer be accepted:
                # it becomes an expired invitation the organization may send again.
                token_hash=row.invite_token_hash or hashlib.sha256(secrets.token_bytes(32)).hexdigest(),
                invited_by=None,
                created_at=row.joined_at,
                expires_at=row.invite_expires_at if row.invite_token_hash else now,
            )
        )
        # Whatever was done through that membership ends with it.
        in_org = (_tokens.c.organization_id == row.organization_id, _tokens.c.created_by == row.user_id)
        bind.execute(_tokens.update().where(*in_org, _tokens.c.revoked_at.is_(None)).values(revoked_at=now))
        bind.execute(
            _sessions.delete().where(
                _sessions.c.organization_id == row.organization_id, _sessions.c.user_id == row.user_id
            )
        )
        bind.execute(
            _memberships.delete().where(
                _memberships.c.organization_id == row.organization_id, _memberships.c.user_id == row.user_id
            )
        )
    # Password-less accounts were only ever invitations; nothing else refers to them now.
    bind.execute(_users.delete().where(_users.c.password_hash.is_(None)))

    # `memberships` is rebuilt on SQLite: safe, no table refers to it. `users.password_hash`
    # stays nullable in the schema: rebuilding `users` on SQLite with foreign keys on (as the
    # app's connections have them) would cascade-delete every membership and session.
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_constraint("uq_memberships_invite_token_hash", type_="unique")
        batch_op.drop_column("invite_expires_at")
        batch_op.drop_column("invite_token_hash")


def downgrade() -> None:
    """Invitations of addresses without an account become password-less accounts with pending
    memberships again, as before. Invitations of addresses that have an account are dropped:
    the old schema had no way to hold them (it made such a person a member at once)."""
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invite_token_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("invite_expires_at", entri.core.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint("uq_memberships_invite_token_hash", ["invite_token_hash"])

    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_invitations)
        .where(~sa.exists().where(_users.c.email == _invitations.c.email))
        .order_by(_invitations.c.created_at)
    ).all()
    created: dict[str, str] = {}
    for row in rows:
        user_id = created.get(row.email)
        if user_id is None:
            user_id = created[row.email] = _new_id("user")
            bind.execute(
                _users.insert().values(
                    id=user_id, email=row.email, name=row.name, password_hash=None, created_at=row.created_at
                )
            )
        bind.execute(
            _memberships.insert().values(
                organization_id=row.organization_id,
                user_id=user_id,
                role=row.role,
                joined_at=row.created_at,
                invite_token_hash=row.token_hash,
                invite_expires_at=row.expires_at,
            )
        )
    op.drop_table("invitations")
