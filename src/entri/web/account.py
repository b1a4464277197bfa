"""The account pages: accepting an invitation (the URL `POST /api/organizations/…/members/invite`
hands out, `/invite/{token}`, lands here) and changing one's password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from entri.auth import service as auth_service
from entri.auth.csrf import refuse_cross_origin
from entri.auth.deps import CurrentPrincipal, session_cookie_name
from entri.core.deps import AppSettings, DbSession, get_database
from entri.core.errors import ApiError, BadRequest
from entri.core.ratelimit import throttle
from entri.organizations import invitations
from entri.organizations import service as orgs
from entri.web.context import PREFIX, MaybePrincipal, page, refusal, set_session_cookie

router = APIRouter()
outside = APIRouter()
"""Routes outside `/app`: the invitation URL the API gives out."""

NO_REFERRER = {"Referrer-Policy": "no-referrer"}
"""The invitation token is in the URL: no link on the page may carry it away."""


@outside.get("/invite/{token}")
def invite_link(token: str) -> RedirectResponse:
    return RedirectResponse(f"{PREFIX}/invite/{token}", status_code=303, headers=NO_REFERRER)


@router.get("/invite/{token}", response_class=HTMLResponse)
def invite_form(request: Request, token: str) -> Response:
    response = page(request, "invite.html", None, token=token)
    response.headers.update(NO_REFERRER)
    return response


@router.post("/invite/{token}", response_class=HTMLResponse)
async def accept_invite(
    request: Request,
    token: str,
    settings: AppSettings,
    password: Annotated[str, Form(max_length=1024)],
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Same-origin only and throttled like the API's `POST /api/auth/accept-invite` (no session
    yet, so no CSRF token); then signs the new member in to the inviting organization."""
    refuse_cross_origin(request, settings.public_url)
    await throttle(request, "login-ip", request.client.host if request.client else "unknown")
    with get_database(request).session(write=True) as session:
        try:
            member = invitations.accept(session, token=token, password=password, name=name.strip() or None)
            result = auth_service.login(
                session,
                email=member.user.email,
                password=password,
                session_days=settings.session_days,
                organization_id=member.membership.organization_id,
            )
        except ApiError as exc:
            messages = exc.message if isinstance(exc.message, list) else [exc.message]
            refused = page(
                request, "invite.html", None, status_code=exc.status_code, token=token, errors=messages, typed=name
            )
            refused.headers.update(NO_REFERRER)
            return refused
    response = RedirectResponse(PREFIX, status_code=303, headers=NO_REFERRER)
    set_session_cookie(response, settings, result.cookie_value)
    return response


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, principal: MaybePrincipal, session: DbSession) -> Response:
    if principal is None:
        return RedirectResponse(f"{PREFIX}/login", status_code=303)
    user = orgs.get_user(session, user_id=principal.user_id) if principal.user_id else None
    return page(request, "account.html", principal, user=user)


@router.post("/account/password", response_class=HTMLResponse)
def change_password(
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    settings: AppSettings,
    current: Annotated[str, Form(max_length=1024)],
    new: Annotated[str, Form(max_length=1024)],
    confirm: Annotated[str, Form(max_length=1024)],
) -> Response:
    """CSRF-checked like every cookie write; the other browser sessions end, this one stays."""
    if principal.user_id is None or principal.token_id is not None:
        return refusal(request, BadRequest(["Only a signed-in person can change their password"]))
    if new != confirm:
        return refusal(request, BadRequest(["The new password and its confirmation differ"]))
    try:
        ended = auth_service.change_password(
            session,
            user_id=principal.user_id,
            current=current,
            new=new,
            keep_cookie=request.cookies.get(session_cookie_name(settings)),
        )
    except ApiError as exc:
        return refusal(request, exc)
    return page(request, "_notice.html", principal, message=f"Password changed; {ended} other session(s) signed out.")
