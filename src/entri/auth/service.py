"""Password login and browser sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from entri.auth.models import AuthSession
from entri.core.clock import utcnow
from entri.core.errors import BadRequest, Unauthorized
from entri.core.ids import new_id
from entri.core.security import hash_password, hash_token, random_secret, verify_password
from entri.organizations import service as orgs
from entri.organizations.models import Membership, User


@dataclass(frozen=True)
class LoginResult:
    cookie_value: str
    user: User
    membership: Membership


def login(
    session: Session, *, email: str, password: str, session_days: int, organization_id: str | None = None
) -> LoginResult:
    user = orgs.find_user_by_email(session, email=email)
    # Same message, and the same slow hash check, for an unknown user and a wrong password:
    # neither the answer nor its timing tells whether an account exists.
    if user is None:
        verify_password(_stand_in_hash(), password)
        raise Unauthorized("Invalid email or password")
    if not verify_password(user.password_hash, password):
        raise Unauthorized("Invalid email or password")
    membership = (
        orgs.membership_of(session, organization_id=organization_id, user_id=user.id)
        if organization_id
        else orgs.first_membership(session, user_id=user.id)
    )
    if membership is None:
        raise Unauthorized("You are not a member of this organization")
    value = random_secret(32)
    session.add(
        AuthSession(
            id=new_id("sess"),
            token_hash=hash_token(value),
            user_id=user.id,
            organization_id=membership.organization_id,
            expires_at=utcnow() + timedelta(days=session_days),
        )
    )
    session.commit()
    return LoginResult(cookie_value=value, user=user, membership=membership)


@cache
def _stand_in_hash() -> str:
    return hash_password(random_secret(16))


def logout(session: Session, *, cookie_value: str) -> None:
    session.execute(delete(AuthSession).where(AuthSession.token_hash == hash_token(cookie_value)))
    session.commit()


def end_sessions(session: Session, *, user_id: str) -> int:
    """Sign the user out of every browser (after a password reset); how many sessions ended."""
    result = session.execute(delete(AuthSession).where(AuthSession.user_id == user_id))
    return int(getattr(result, "rowcount", 0) or 0)


MIN_PASSWORD_LENGTH = 8
"""The same floor as an invitation's new account (organizations/invitations.py)."""


def change_password(session: Session, *, user_id: str, current: str, new: str, keep_cookie: str | None) -> int:
    """A signed-in user's new password, proven with the current one; commits. Every other
    browser session of the user ends (a stolen session does not outlive the change); the one
    with `keep_cookie` stays. Returns how many sessions ended."""
    user = orgs.get_user(session, user_id=user_id)
    if user is None or not verify_password(user.password_hash, current):
        raise Unauthorized("The current password is wrong")
    if len(new) < MIN_PASSWORD_LENGTH:
        raise BadRequest([f"password: must be at least {MIN_PASSWORD_LENGTH} characters"])
    user.password_hash = hash_password(new)
    query = delete(AuthSession).where(AuthSession.user_id == user_id)
    if keep_cookie:
        query = query.where(AuthSession.token_hash != hash_token(keep_cookie))
    ended = int(getattr(session.execute(query), "rowcount", 0) or 0)
    session.commit()
    return ended


def resolve_session(session: Session, *, cookie_value: str) -> tuple[User, Membership] | None:
    row = session.scalar(select(AuthSession).where(AuthSession.token_hash == hash_token(cookie_value)))
    if row is None or row.expires_at <= utcnow():
        return None
    membership = orgs.membership_of(session, organization_id=row.organization_id, user_id=row.user_id)
    user = orgs.get_user(session, user_id=row.user_id)
    if membership is None or user is None:
        return None
    return user, membership
