"""First start: an organization, an owner account and one API token, printed once."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from entri.core.permissions import Role
from entri.core.security import random_secret
from entri.organizations import service as orgs
from entri.tokens import service as tokens


@dataclass(frozen=True)
class Bootstrapped:
    organization_id: str
    email: str
    password: str
    password_generated: bool
    token: str


def bootstrap_if_empty(session: Session, *, org_name: str, email: str, password: str | None) -> Bootstrapped | None:
    """Create the first tenant on an empty database; None when one already exists."""
    if orgs.organization_count(session) > 0:
        return None
    generated = password is None
    password = password or random_secret(12)
    org = orgs.create_organization(session, name=org_name)
    user = orgs.create_user(session, email=email, name="Admin", password=password)
    orgs.add_member(session, organization_id=org.id, user_id=user.id, role=Role.OWNER)
    issued = tokens.issue_token(
        session, organization_id=org.id, name="Initial admin token", role=Role.ADMIN.value, created_by=user.id
    )
    session.commit()
    return Bootstrapped(
        organization_id=org.id, email=user.email, password=password, password_generated=generated, token=issued.value
    )
