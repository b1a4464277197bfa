"""The request body cap (`ENTRI_MAX_BODY_BYTES`), and a lingering close so the 413 arrives.

Why the lingering: a client that sends its whole body before reading (Python `urllib`, most
scripts; no `Expect: 100-continue`) is still writing when the server answers. If the server then
closes the connection with unread bytes in its receive buffer, the kernel resets the connection,
and the client sees "connection reset" instead of the 413 and its error body. So once the response
has been written, the rest of the request body is read and thrown away before the response is
marked complete (the server closes only after that), within a time budget. Nothing is kept:
each chunk is dropped as it arrives, so an oversized body never sits in memory.

The same applies to any answer given before the body was read (an unknown route, say).
"""

from __future__ import annotations

from collections.abc import Callable

import anyio
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from entri.core.http import error_response, public_path

LINGER_SECONDS = 10.0
"""How long the rest of an unread body is drained after the answer (nginx's `lingering_time`
idea): long enough for a client on a slow link to finish sending tens of megabytes, short enough
that a client streaming without end cannot hold the connection."""


def limit_message(max_bytes: int) -> str:
    return f"Request body exceeds the limit of {max_bytes} bytes"


class _RequestBody:
    """Counts what the app receives, and knows whether the client has sent all of it."""

    def __init__(self, receive: Receive, max_bytes: int, has_body: bool) -> None:
        self._receive = receive
        self.max_bytes = max_bytes
        self.received = 0
        self.read_started = False
        self.complete = not has_body
        self.too_large = False

    async def receive(self) -> Message:
        self.read_started = True
        message = await self._receive()
        self._note(message)
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.max_bytes:
                self.too_large = True
                # FastAPI re-raises HTTPException from body parsing; anything else becomes 400.
                raise StarletteHTTPException(413, limit_message(self.max_bytes))
        return message

    def _note(self, message: Message) -> None:
        if message["type"] != "http.request" or not message.get("more_body", False):
            self.complete = True  # the last chunk, or the client went away

    async def drain(self) -> None:
        """Read and drop the rest of the body, for at most LINGER_SECONDS."""
        with anyio.move_on_after(LINGER_SECONDS):
            while not self.complete:
                self._note(await self._receive())


class BodyLimitMiddleware:
    """Reject bodies over the cap with 413 before any handler buffers them.

    Checks Content-Length up front and counts streamed chunks for chunked uploads. `respond`
    builds the 413 for an app with its own error shape (the method-style API); by default it
    is the main API's error body.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, respond: Callable[[Scope, int], Response] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.respond = respond

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        has_body = b"transfer-encoding" in headers or (length is not None and length.strip(b"0 ") != b"")
        if not has_body:
            await self.app(scope, receive, send)  # nothing to count or drain: the common GET
            return
        body = _RequestBody(receive, self.max_bytes, has_body=True)
        # With `Expect: 100-continue`, the server asks for the body only when the app reads it:
        # a client answered before that never sent it, and draining would invite it to.
        expects_continue = headers.get(b"expect", b"").lower() == b"100-continue"
        response_started = False

        async def lingering_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            last = message["type"] == "http.response.body" and not message.get("more_body", False)
            if not last or body.complete or (expects_continue and not body.read_started):
                await send(message)
                return
            await send({**message, "more_body": True})  # the whole answer is on the wire now
            await body.drain()
            await send({"type": "http.response.body", "body": b"", "more_body": False})

        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await self._reject(scope, lingering_send)
            return
        try:
            await self.app(scope, body.receive, lingering_send)
        except StarletteHTTPException:
            if not (body.too_large and not response_started):
                raise
            await self._reject(scope, lingering_send)

    async def _reject(self, scope: Scope, send: Send) -> None:
        if self.respond is not None:
            response = self.respond(scope, self.max_bytes)
        else:
            response = error_response(413, limit_message(self.max_bytes), public_path(scope))
        await response(scope, _no_receive, send)


async def _no_receive() -> Message:
    """A plain JSONResponse never reads; the body is drained by `lingering_send`."""
    return {"type": "http.disconnect"}
