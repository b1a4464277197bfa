"""One delivery try over HTTP: resolve, check, connect to the checked address, POST, read at
most 1 KB of the answer, all within one deadline (docs/webhooks.md, "Delivery").

Tries of a batch run concurrently on one event loop, each bounded by `asyncio.wait_for`, so a
receiver that drips its answer a byte at a time still ends its try at the deadline. The
connection goes to the address the guard approved (the URL's host swapped for it), with the
original `Host` header and, for https, the original name as TLS SNI and certificate name.
Redirects are not followed (a 3xx is a failed try), proxies from the environment are not
used, and every try gets a fresh connection: one TLS connection is never reused for another
host name that happens to share its address.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

import httpx

from entri.webhooks import guard
from entri.webhooks.rules import RESPONSE_EXCERPT

USER_AGENT = "Entri-Webhooks/1.0"


@dataclass(frozen=True, slots=True)
class Request:
    delivery_id: str
    url: str
    event: str
    body: bytes
    signature: str
    timestamp: str
    """X-Webhook-Timestamp: when this try was made (ISO 8601 UTC)."""
    headers: Mapping[str, str] | None = None
    """A channel's own headers (the compat webhook's X-Localization), sent instead of the
    X-Webhook-* ones."""


@dataclass(frozen=True, slots=True)
class Result:
    status_code: int | None = None
    duration_ms: int = 0
    response: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    def summary(self) -> str:
        if self.status_code is not None:
            return f"HTTP {self.status_code}"
        return self.error or "no response"


@cache
def _tls() -> ssl.SSLContext:
    """One verifying TLS context for every try (loading the CA bundle costs milliseconds)."""
    return httpx.create_ssl_context()


def headers_of(request: Request) -> dict[str, str]:
    if request.headers is not None:
        return {"Content-Type": "application/json", "User-Agent": USER_AGENT, **request.headers}
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Webhook-Event": request.event,
        "X-Webhook-Signature": request.signature,
        "X-Webhook-Id": request.delivery_id,
        "X-Webhook-Timestamp": request.timestamp,
    }


async def _resolve(target: guard.Target) -> list[guard.IPAddress]:
    ip = guard.literal(target.host)
    if ip is not None:
        return [ip]
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise guard.Refused(f"host '{target.host}' does not resolve ({exc})") from None
    return guard.addresses_of(infos)


@dataclass(slots=True)
class _Answer:
    """What has arrived so far: a deadline that strikes while the body is being read keeps the
    status line (a 2xx that came in time is a success)."""

    status_code: int | None = None
    body: bytearray = field(default_factory=bytearray)

    def excerpt(self) -> str | None:
        """At most RESPONSE_EXCERPT bytes of UTF-8: a character cut in two is dropped, and
        invalid bytes (replaced by U+FFFD) cannot push it over."""
        text = bytes(self.body[:RESPONSE_EXCERPT]).decode("utf-8", "replace")
        while len(text.encode("utf-8")) > RESPONSE_EXCERPT:
            text = text[:-1]
        return text or None


async def _exchange(request: Request, answer: _Answer, *, allow_private: bool, timeout: float) -> None:
    target = guard.parse(request.url)
    ip = guard.check(target.host, await _resolve(target), allow_private=allow_private)
    pinned = target.url.copy_with(host=str(ip))
    headers = {**headers_of(request), "Host": target.url.netloc.decode("ascii")}
    extensions = {"sni_hostname": target.host} if target.url.scheme == "https" else {}
    async with httpx.AsyncClient(
        verify=_tls(), trust_env=False, follow_redirects=False, timeout=httpx.Timeout(timeout)
    ) as client:
        sent = client.build_request("POST", pinned, content=request.body, headers=headers, extensions=extensions)
        response = await client.send(sent, stream=True)
        answer.status_code = response.status_code
        try:
            async for chunk in response.aiter_bytes():
                answer.body += chunk
                if len(answer.body) >= RESPONSE_EXCERPT:
                    break
        finally:
            await response.aclose()


async def _try(request: Request, *, allow_private: bool, timeout: float) -> Result:
    started = time.monotonic()
    answer = _Answer()
    error: str | None = None
    try:
        await asyncio.wait_for(_exchange(request, answer, allow_private=allow_private, timeout=timeout), timeout)
    except TimeoutError:
        if answer.status_code is None:
            error = f"no answer within {timeout:g} s"
    except guard.Refused as exc:
        error = f"refused: {exc}"
    except (httpx.HTTPError, OSError) as exc:
        if answer.status_code is None:
            error = f"{type(exc).__name__}: {exc}".strip(": ")[:1000]
    elapsed = int((time.monotonic() - started) * 1000)
    return Result(status_code=answer.status_code, duration_ms=elapsed, response=answer.excerpt(), error=error)


def send_all(requests: Sequence[Request], *, allow_private: bool, timeout: float) -> list[Result]:
    """Make one try of each request, concurrently; results in the same order. Never raises
    for a receiver's failure: it is in the result."""
    if not requests:
        return []

    async def run() -> list[Result]:
        return list(await asyncio.gather(*(_try(r, allow_private=allow_private, timeout=timeout) for r in requests)))

    return asyncio.run(run())
