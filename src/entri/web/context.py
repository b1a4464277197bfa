"""What every page of the web app shares: the templates, who is signed in, the CSRF token the
pages send back, and how a refused action is shown.

The web layer holds no business logic: it resolves the caller exactly as the API does
(`auth.deps.get_principal`, CSRF checks included for every write) and calls the same services.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from pydantic import BaseModel, ValidationError

from entri.auth.csrf import csrf_token
from entri.auth.deps import get_principal, session_cookie_name
from entri.core.config import Settings
from entri.core.errors import ApiError, BadRequest, Unauthorized
from entri.core.permissions import Permission
from entri.core.principal import Principal

HERE = Path(__file__).parent
STATIC = HERE / "static"
PREFIX = "/app"

templates = Jinja2Templates(directory=str(HERE / "templates"))


def highlight(text: str | None, spans: list[tuple[int, int]]) -> Markup:
    """`text` escaped, its placeholders wrapped in numbered `<mark>`s (Ctrl+n inserts the n-th)."""
    if not text:
        return Markup("")
    out: list[str] = []
    last = 0
    for n, (start, end) in enumerate(spans, 1):
        out.append(str(escape(text[last:start])))
        token = escape(text[start:end])
        out.append(f'<mark class="ph" data-n="{n}" title="Ctrl+{n}">{token}</mark>')
        last = end
    out.append(str(escape(text[last:])))
    return Markup("".join(out))


templates.env.filters["highlight"] = highlight


async def optional_principal(request: Request) -> Principal | None:
    """The caller, or None when nobody is signed in (pages then redirect to sign-in)."""
    try:
        return await get_principal(request)
    except Unauthorized:
        return None


MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]


def set_session_cookie(response: Response, settings: Settings, value: str) -> None:
    """The cookie `POST /api/auth/login` sets, set by the web's own sign-in forms."""
    response.set_cookie(
        session_cookie_name(settings),
        value,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        max_age=settings.session_days * 86400,
        path="/",
    )


def csrf_of(request: Request) -> str:
    cookie = request.cookies.get(session_cookie_name(request.app.state.settings))
    return csrf_token(cookie) if cookie else ""


def rights(principal: Principal) -> dict[str, bool]:
    """What the templates may offer; the services refuse the rest anyway."""
    return {
        "can_edit": principal.can(Permission.EDIT_TRANSLATIONS),
        "can_review": principal.can(Permission.REVIEW_TRANSLATIONS),
        "can_import": principal.can(Permission.IMPORT_EXPORT),
        "can_manage_projects": principal.can(Permission.MANAGE_PROJECTS),
        "can_manage_members": principal.can(Permission.MANAGE_MEMBERS),
        "can_manage_tokens": principal.can(Permission.MANAGE_TOKENS),
        "can_manage_settings": principal.can(Permission.MANAGE_SETTINGS),
    }


def page(
    request: Request, name: str, principal: Principal | None, status_code: int = 200, **values: Any
) -> HTMLResponse:
    context: dict[str, Any] = {"principal": principal, "csrf": csrf_of(request), "prefix": PREFIX, **values}
    if principal is not None:
        context.update(rights(principal))
    return templates.TemplateResponse(request, name, context, status_code=status_code)


M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], data: dict[str, Any]) -> M:
    """A form's values checked by the API's own request model (the same limits as the JSON
    body); a 400 naming each bad field, as the API's validation answer does."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        lines = [f"{'.'.join(str(p) for p in e['loc']) or 'form'}: {e['msg']}" for e in exc.errors()]
        raise BadRequest(lines) from None


def field_errors(exc: ApiError, prefix: str = "settings.") -> dict[str, list[str]]:
    """A service's 400 lines by the field they name (`settings.aiModel must …` → `aiModel`),
    so a form shows each next to its field; lines naming no field go under ``."""
    messages = exc.message if isinstance(exc.message, list) else [exc.message]
    found: dict[str, list[str]] = {}
    for line in messages:
        field = ""
        if line.startswith(prefix):
            field = line[len(prefix) :].split(" ", 1)[0].split(":", 1)[0].split(".", 1)[0]
        found.setdefault(field, []).append(line)
    return found


def refusal(request: Request, exc: ApiError) -> HTMLResponse:
    """A refused action as a fragment, with the service's status code (the page shows it)."""
    messages = exc.message if isinstance(exc.message, list) else [exc.message]
    return templates.TemplateResponse(
        request, "_error.html", {"messages": messages, "status": exc.status_code}, status_code=exc.status_code
    )
