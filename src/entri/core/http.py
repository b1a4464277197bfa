"""HTTP plumbing: the spec's error body for every failure, the `/api/v1` alias, the NUL guard.

The request body cap lives in `core/body_limit.py`."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote_to_bytes

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from entri.core.clock import iso, utcnow
from entri.core.errors import ApiError
from entri.core.schemas import NULL_NOT_ALLOWED
from entri.formats.catalog import FormatError

PHRASES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Payload Too Large",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


def error_body(status: int, message: str | list[str], path: str) -> dict[str, Any]:
    return {
        "statusCode": status,
        "error": PHRASES.get(status, "Error"),
        "message": message,
        "timestamp": iso(utcnow()),
        "path": path,
    }


def error_response(
    status: int, message: str | list[str], path: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(error_body(status, message, path), status_code=status, headers=headers)


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    return ".".join(parts) or "body"


def _validation_messages(exc: RequestValidationError) -> list[str]:
    messages = []
    for err in exc.errors():
        field = _field(tuple(err.get("loc", ())))
        kind = err.get("type", "")
        if kind == "extra_forbidden":
            messages.append(f"property {field} should not exist")
        elif kind == "missing":
            messages.append(f"{field} should not be empty")
        elif kind == NULL_NOT_ALLOWED or ("input" in err and err["input"] is None):
            messages.append(f"{field} should not be null")  # not "Input should be a valid string"
        elif kind == "json_invalid":
            messages.append(f"body is not valid JSON: {err.get('ctx', {}).get('error', 'parse error')}")
        else:
            messages.append(f"{field}: {err.get('msg', 'invalid value')}")
    return messages or ["Invalid request"]


# --- the `path` of error bodies (docs/api-decisions.md, "Paths in error bodies") ------------

REDACTED = "{redacted}"
_TEMPLATE_PARAM = re.compile(r"^\{(\w+)(?::\w+)?\}$")
_SECRET_PARAM = re.compile(r"^(?:\w+_)?token$")  # `api_token`, `token`; not `token_id`
_ENTRI_ID = re.compile(r"^[a-z]+_[a-z2-7]{20}$")  # core/ids.py: public ids are not secrets
_OPAQUE = re.compile(r"^[A-Za-z0-9_-]{20,}$")  # base64url, hex, uuid
API_TOKEN_PREFIX = "entri_"  # tokens/service.py; core does not import the domain


def _looks_secret(segment: str) -> bool:
    """A segment that may be a credential: an API token, or a long random-looking string (a
    compat-API token, an invite token, a hash). Entri ids and words are kept: they help."""
    if segment.startswith(API_TOKEN_PREFIX):
        return True
    if not _OPAQUE.match(segment) or _ENTRI_ID.match(segment):
        return False
    classes = sum(any(test(c) for c in segment) for test in (str.islower, str.isupper, str.isdigit))
    return classes >= 2


def public_path(scope: Scope) -> str:
    """The request path as error bodies echo it: what the client sent, except that a secret
    path parameter (`{api_token}`) shows as its placeholder and any other segment that looks
    like a credential shows as `{redacted}`. Error bodies end up in client logs and bug reports,
    where a token in a path would be a leaked secret.

    Once routed, the route's template says which segments are secret. The template lacks the
    prefixes its router was included under (`/api`), which hold no parameters, so it is laid
    against the end of the path. Before routing (the body cap, the NUL guard) and for an unknown
    path, only the look-alike rule applies."""
    segments = str(scope.get("path", "")).split("/")
    template = getattr(scope.get("route"), "path", None)
    if isinstance(template, str):
        names = template.split("/")[1:]
        if names and len(names) < len(segments):
            tail = segments[len(segments) - len(names) :]
            kept = [name if _secret_param(name) else segment for name, segment in zip(names, tail, strict=True)]
            segments = segments[: len(segments) - len(names)] + kept
        elif any(_secret_param(name) for name in names):  # a `{x:path}` swallowed slashes
            segments = ["", *names]
    cleaned = "/".join(s if _TEMPLATE_PARAM.match(s) or not _looks_secret(s) else REDACTED for s in segments)
    original = scope.get(ORIGINAL_PATH)
    if isinstance(original, str) and cleaned.startswith("/api"):
        return V1_PREFIX + cleaned[len("/api") :]
    return cleaned


def _secret_param(template_segment: str) -> bool:
    match = _TEMPLATE_PARAM.match(template_segment)
    return match is not None and _SECRET_PARAM.match(match.group(1)) is not None


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status_code, exc.message, public_path(request.scope))

    @app.exception_handler(FormatError)
    async def _format_error(request: Request, exc: FormatError) -> JSONResponse:
        return error_response(400, str(exc), public_path(request.scope))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(400, _validation_messages(exc), public_path(request.scope))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else PHRASES.get(exc.status_code, "Error")
        path = public_path(request.scope)
        if exc.status_code == 404 and message == "Not Found":
            message = f"Cannot {request.method} {path}"
        return error_response(exc.status_code, message, path, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        return error_response(500, "Internal server error", public_path(request.scope))


ORIGINAL_PATH = "entri.original_path"
V1_PREFIX = "/api/v1"


class VersionAliasMiddleware:
    """`/api/v1/...` is the same handler as `/api/...` (docs/api-decisions.md, "API versions").

    Rewriting the path once is cheaper than registering every route twice: route matching
    walks the route list on each request, and a second copy doubled that walk.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope.get("path", "")
            if path == V1_PREFIX or path.startswith(V1_PREFIX + "/"):
                scope = dict(scope)
                scope[ORIGINAL_PATH] = path
                scope["path"] = "/api" + path[len(V1_PREFIX) :]
                raw = scope.get("raw_path")
                if isinstance(raw, bytes) and raw.startswith(b"/api/v1"):
                    scope["raw_path"] = b"/api" + raw[len(b"/api/v1") :]
        await self.app(scope, receive, send)


class NulGuardMiddleware:
    """A NUL in the path or query is never a valid id or filter, and PostgreSQL cannot even
    compare against one (psycopg raises DataError), so it is refused at the door."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query = unquote_to_bytes(scope.get("query_string", b"").replace(b"+", b" "))
            if "\x00" in scope.get("path", "") or b"\x00" in query:
                response = error_response(400, ["path and query must not contain NUL characters"], public_path(scope))
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
