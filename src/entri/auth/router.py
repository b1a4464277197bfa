"""Session-cookie sign-in for the web app, and invitation acceptance (docs/api-decisions.md)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response

from entri.auth import service
from entri.auth.csrf import csrf_token, refuse_cross_origin, require_csrf
from entri.auth.deps import CurrentPrincipal, session_cookie_name
from entri.auth.schemas import AcceptInviteBody, LoginBody, MeOut, PasswordBody
from entri.core.deps import AppSettings, DbSession
from entri.core.errors import Forbidden
from entri.core.ratelimit import digest, throttle
from entri.core.schemas import ERROR_RESPONSES, conflict
from entri.organizations import invitations
from entri.organizations import service as orgs
from entri.organizations.service import Member

router = APIRouter(prefix="/auth", tags=["Auth"], responses=ERROR_RESPONSES)


async def same_origin_only(request: Request, settings: AppSettings) -> None:
    """No session yet, so no CSRF token either: the origin check alone keeps another origin
    from signing a visitor's browser into an account of its choosing (login CSRF)."""
    refuse_cross_origin(request, settings.public_url)


async def login_throttle(request: Request) -> None:
    """Sign-in attempts per account and per client address (docs/rate-limits.md), counted
    before the password hash is computed. The body is already read and cached by then."""
    await throttle(request, "login-ip", request.client.host if request.client else "unknown")
    try:
        body = await request.json()
    except ValueError:
        return
    email = body.get("email") if isinstance(body, dict) else None
    if isinstance(email, str) and email.strip():
        await throttle(request, "login", digest(orgs.normalize_email(email)))


async def invite_throttle(request: Request) -> None:
    """Accepting an invitation checks a password too (an existing account's): per address."""
    await throttle(request, "login-ip", request.client.host if request.client else "unknown")


def _me(member: Member, csrf: str | None) -> dict[str, Any]:
    return {
        "userId": member.user.id,
        "name": member.user.name,
        "email": member.user.email,
        "role": member.membership.role,
        "organizationId": member.membership.organization_id,
        "tokenId": None,
        "projectId": None,
        "csrfToken": csrf,
    }


@router.post(
    "/login",
    response_model=MeOut,
    summary="Sign in; sets an HTTP-only session cookie",
    dependencies=[Depends(same_origin_only), Depends(login_throttle)],
)
def login(body: LoginBody, response: Response, session: DbSession, settings: AppSettings) -> dict[str, Any]:
    result = service.login(
        session,
        email=body.email,
        password=body.password,
        session_days=settings.session_days,
        organization_id=body.organizationId,
    )
    response.set_cookie(
        session_cookie_name(settings),
        result.cookie_value,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        max_age=settings.session_days * 86400,
        path="/",
    )
    return _me(Member(user=result.user, membership=result.membership), csrf_token(result.cookie_value))


@router.post("/logout", status_code=204, summary="Sign out and end the session")
def logout(request: Request, session: DbSession, settings: AppSettings) -> Response:
    name = session_cookie_name(settings)
    cookie = request.cookies.get(name)
    if cookie:
        require_csrf(request, settings.public_url, cookie)
        service.logout(session, cookie_value=cookie)
    response = Response(status_code=204)
    response.delete_cookie(name, path="/", secure=settings.cookie_secure, httponly=True, samesite="lax")
    return response


@router.post(
    "/password",
    status_code=204,
    summary="Change your password (signed in with the session cookie); ends your other sessions",
)
def change_password(
    body: PasswordBody, request: Request, principal: CurrentPrincipal, session: DbSession, settings: AppSettings
) -> Response:
    """The current password proves it is you (a left-open browser is not enough); the other
    sessions of the account end, this one stays. API tokens cannot change a password."""
    if principal.token_id is not None or principal.user_id is None:
        raise Forbidden("Sign in with your password to change it; API tokens cannot")
    service.change_password(
        session,
        user_id=principal.user_id,
        current=body.currentPassword,
        new=body.newPassword,
        keep_cookie=request.cookies.get(session_cookie_name(settings)),
    )
    return Response(status_code=204)


@router.get("/me", response_model=MeOut, summary="Who the current credentials belong to")
def me(request: Request, principal: CurrentPrincipal, session: DbSession, settings: AppSettings) -> dict[str, Any]:
    user = orgs.get_user(session, user_id=principal.user_id) if principal.user_id else None
    cookie = request.cookies.get(session_cookie_name(settings)) if principal.token_id is None else None
    return {
        "userId": principal.user_id,
        "name": principal.display_name,
        "email": user.email if user else None,
        "role": principal.role,
        "organizationId": principal.organization_id,
        "tokenId": principal.token_id,
        "projectId": principal.project_id,
        "csrfToken": csrf_token(cookie) if cookie else None,
    }


@router.post(
    "/accept-invite",
    response_model=MeOut,
    responses=conflict("already a member of the inviting organization"),
    summary="Join the inviting organization with a one-time invitation token",
    dependencies=[Depends(same_origin_only), Depends(invite_throttle)],
)
def accept_invite(body: AcceptInviteBody, session: DbSession) -> dict[str, Any]:
    member = invitations.accept(session, token=body.token, password=body.password, name=body.name)
    return _me(member, None)
