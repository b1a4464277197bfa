"""HTTP plumbing: the spec's error body for every failure, and the request body cap."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_to_bytes

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from entri.core.clock import iso, utcnow
from entri.core.errors import ApiError
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
        elif kind == "json_invalid":
            messages.append(f"body is not valid JSON: {err.get('ctx', {}).get('error', 'parse error')}")
        else:
            messages.append(f"{field}: {err.get('msg', 'invalid value')}")
    return messages or ["Invalid request"]


def sent_path(scope: Scope) -> str:
    """The path as the client sent it (`/api/v1/...` stays v1 in error bodies)."""
    original = scope.get(ORIGINAL_PATH)
    return original if isinstance(original, str) else str(scope["path"])


def _path(request: Request) -> str:
    """`sent_path` for a handler, which knows the full URL (root path included)."""
    original = request.scope.get(ORIGINAL_PATH)
    return original if isinstance(original, str) else request.url.path


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status_code, exc.message, _path(request))

    @app.exception_handler(FormatError)
    async def _format_error(request: Request, exc: FormatError) -> JSONResponse:
        return error_response(400, str(exc), _path(request))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(400, _validation_messages(exc), _path(request))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else PHRASES.get(exc.status_code, "Error")
        if exc.status_code == 404 and message == "Not Found":
            message = f"Cannot {request.method} {_path(request)}"
        return error_response(exc.status_code, message, _path(request), headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        return error_response(500, "Internal server error", _path(request))


ORIGINAL_PATH = "entri.original_path"
V1_PREFIX = "/api/v1"


class VersionAliasMiddleware:
    """`/api/v1/...` is the same handler as `/api/...` (spec §3.1).

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
                response = error_response(400, ["path and query must not contain NUL characters"], sent_path(scope))
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class BodyLimitMiddleware:
    """Reject bodies over the cap with 413 before any handler buffers them.

    Checks Content-Length up front and counts streamed chunks for chunked uploads.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await self._reject(scope, send)
            return
        received = 0
        too_large = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_large = True
                    # FastAPI re-raises HTTPException from body parsing; anything else becomes 400.
                    raise StarletteHTTPException(413, f"Request body exceeds the limit of {self.max_bytes} bytes")
            return message

        response_started = False

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except StarletteHTTPException:
            if not (too_large and not response_started):
                raise
            await self._reject(scope, send)

    async def _reject(self, scope: Scope, send: Send) -> None:
        response = error_response(413, f"Request body exceeds the limit of {self.max_bytes} bytes", sent_path(scope))
        await response(scope, _empty_receive, send)


async def _empty_receive() -> Message:
    return {"type": "http.disconnect"}
