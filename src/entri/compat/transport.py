"""HTTP for the method-style API: `/compat/api/{api_token}/{method_name}`, GET or POST.

Mounted in front of the main app (`CompatDispatch`, the outermost middleware), so none of the
main API's error handlers and middlewares shape its answers: every answer is
`{"ok": true, "result": …}` or `{"ok": false, "description": "…"}`, whatever the request
(docs/compat.md, "Transport"). Status codes: 200 (a method-level refusal too), 401 for a bad
token, 404 for an unknown method or path, 405 for another HTTP method, 413 for a body over
`ENTRI_MAX_BODY_BYTES`.

The token never leaves this module: the request's `path` and `raw_path` are rewritten in place
before anything else sees the request (`hide_token`), so the server's access log, error
reports and any later middleware see `/compat/api/{api_token}/getLanguages`; answers never
echo it, and neither do method names that are not methods (a token pasted in the wrong place).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from entri.compat import bodies
from entri.compat.errors import CompatError
from entri.compat.params import Params
from entri.compat.service import METHODS, authenticate, call
from entri.core.body_limit import BodyLimitMiddleware
from entri.core.db import Database

logger = logging.getLogger("entri.compat")

PREFIX = "/compat"
API = "/compat/api/"
_TOKEN = "entri.compat.token"
_METHOD = "entri.compat.method"
USAGE = "use /compat/api/{api_token}/{method_name}"


def is_compat(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def hide_token(scope: Scope) -> None:
    """Move the token (and the method name) out of the path, in place: the ASGI server logs
    `raw_path` from this very dict when the response is sent."""
    path: str = scope.get("path", "")
    token = method = None
    shown = PREFIX + "/{path}" if path not in (PREFIX, PREFIX + "/") else path
    if path.startswith(API):
        parts = path[len(API) :].split("/")
        token = parts[0]
        method = parts[1] if len(parts) == 2 else None
        if len(parts) == 1:
            shown = API + "{api_token}"
        else:
            shown = API + "{api_token}/" + (method if method in METHODS else "{method_name}")
    scope[_TOKEN], scope[_METHOD] = token, method
    scope["path"] = shown
    scope["raw_path"] = shown.encode("ascii")


def _answer(status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]] | None = None) -> list[Message]:
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    start: Message = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/json; charset=utf-8"),
            (b"content-length", str(len(data)).encode()),
            (b"cache-control", b"no-store"),
            *(headers or []),
        ],
    }
    return [start, {"type": "http.response.body", "body": data}]


def refusal(description: str) -> dict[str, Any]:
    return {"ok": False, "description": description}


async def _read(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return ""


class CompatApp:
    """The method-style API as an ASGI app (behind its own body cap, see `CompatDispatch`)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            status, body, headers = await self._handle(scope, receive)
        except CompatError as exc:
            token = scope.get(_TOKEN)
            # A description may quote a parameter; one holding the token (pasted as a label id,
            # say) must not carry it back.
            text = exc.description.replace(token, "{api_token}") if token else exc.description
            status, body, headers = exc.status, refusal(text), []
        except StarletteHTTPException as exc:
            if exc.status_code == 413:
                raise  # the body cap answers (BodyLimitMiddleware), in this API's shape
            status, body, headers = 200, refusal("the request could not be read"), []
        except Exception:
            logger.exception("method-style API: %s failed", scope.get("path"))
            status, body, headers = 200, refusal("Internal error: the server log has the details"), []
        for message in _answer(status, body, headers):
            await send(message)

    async def _handle(self, scope: Scope, receive: Receive) -> tuple[int, dict[str, Any], list[tuple[bytes, bytes]]]:
        token, method = scope.get(_TOKEN), scope.get(_METHOD)
        if not token or method is None:
            raise CompatError(f"Not Found: {USAGE}", status=404)
        if scope.get("method") not in ("GET", "POST"):
            return 405, refusal("Method Not Allowed: use GET or POST"), [(b"allow", b"GET, POST")]
        database: Database = scope["app"].state.database
        grant = await run_in_threadpool(authenticate, database, token)
        if grant is None:
            raise CompatError("Unauthorized: invalid API token", status=401)
        if method not in METHODS:
            raise CompatError(f"Not Found: unknown method (the methods: {', '.join(METHODS)})", status=404)
        values = bodies.query(scope.get("query_string", b""))
        data = await _read(receive)
        values.update(bodies.body(_header(scope, b"content-type"), data))
        result = await run_in_threadpool(call, database, grant, method, Params(values))
        return 200, {"ok": True, "result": result}, []


def _too_large(scope: Scope, max_bytes: int) -> Response:
    return JSONResponse(refusal(f"Request Entity Too Large: the body exceeds {max_bytes} bytes"), status_code=413)


class CompatDispatch:
    """The outermost middleware: `/compat/...` goes to the method-style API, the rest on to
    the main app. Nothing of the main app's error shape or middlewares applies to the former."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.compat = BodyLimitMiddleware(CompatApp(), max_bytes=max_body_bytes, respond=_too_large)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and is_compat(scope.get("path", "")):
            hide_token(scope)
            await self.compat(scope, receive, send)
            return
        await self.app(scope, receive, send)
