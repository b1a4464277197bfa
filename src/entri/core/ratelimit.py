"""Rate limits (docs/rate-limits.md): fixed windows counted by the `limits` library, in memory or
in Redis (`ENTRI_REDIS_URL`) so that several server processes share them.

Buckets, each a counter per window (`ENTRI_RATE_LIMIT_WINDOW_SECONDS`, 60 s):

- `request`: every request carrying credentials, keyed by a hash of the credential as sent (the
  API token, else the session cookie). No database read: a token is counted before anyone
  knows whether it is valid.
- `ip`: every request without credentials, keyed by the client address.
- `auth-failure`: requests whose credentials were refused (401), per client address. Once
  exhausted, this process answers 429 to any request with credentials from that address until
  the window ends, so guessing tokens costs a window per few hundred guesses. The check is a
  dict lookup: a valid caller pays nothing for it.
- `ai`, `login`, `login-ip`: route-level buckets (`throttle`), on top of the above.

Every response carries `X-RateLimit-Limit`, `-Remaining` and `-Reset` (Unix seconds) of the
tightest bucket the request counted in; a refused request gets 429 with `Retry-After`. When the
store fails (Redis down), requests go through unlimited and without those headers; the failure
is logged at most once a minute.

Cost per request: one storage call (an atomic INCR+EXPIRE), plus one to read the window's end
when another process started the window; the end of a window this process has seen is cached.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from limits import RateLimitItemPerSecond
from limits.aio.storage import Storage
from limits.storage import storage_from_string
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from entri.core.config import Settings
from entri.core.http import error_response, public_path

log = logging.getLogger(__name__)

STATE = "entri.rate_limit"
"""The scope key holding the request's `Counted` (for route-level throttles)."""
_PRUNE_AT = 10_000


@dataclass(slots=True)
class Window:
    """One bucket's state after a hit."""

    limit: int
    remaining: int
    reset: float
    """Unix time when the window ends."""
    exceeded: bool

    def retry_after(self) -> int:
        return max(1, math.ceil(self.reset - time.time()))

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(math.ceil(self.reset)),
        }


class TooManyRequests(Exception):
    """Raised by `throttle`; answered 429 with `Retry-After` by the middleware."""

    def __init__(self, window: Window) -> None:
        super().__init__("rate limited")
        self.window = window


def message(window: Window) -> str:
    return f"Too many requests. Please retry after {window.retry_after()} seconds."


class RateLimits:
    """The limits of one app and the store that counts them."""

    def __init__(self, settings: Settings) -> None:
        self.enabled = settings.rate_limit_enabled
        seconds = max(1, settings.rate_limit_window_seconds)
        self.items = {
            "request": RateLimitItemPerSecond(settings.rate_limit_per_minute, seconds, namespace="entri"),
            "ip": RateLimitItemPerSecond(settings.rate_limit_ip_per_minute, seconds, namespace="entri"),
            "auth-failure": RateLimitItemPerSecond(settings.rate_limit_ip_per_minute, seconds, namespace="entri"),
            "ai": RateLimitItemPerSecond(settings.rate_limit_ai_per_minute, seconds, namespace="entri"),
            "login": RateLimitItemPerSecond(settings.rate_limit_login_per_minute, seconds, namespace="entri"),
            "login-ip": RateLimitItemPerSecond(settings.rate_limit_login_ip_per_minute, seconds, namespace="entri"),
        }
        self._redis = settings.redis_url
        self._loop: asyncio.AbstractEventLoop | None = None
        self._storage: Storage | None = None
        self._resets: dict[str, float] = {}
        self._blocked: dict[str, Window] = {}
        self._failing_since = 0.0

    def _store(self) -> Storage:
        """The memory store lives as long as the app: its counters must survive an event loop
        (tests run several loops on one app) and nothing in it belongs to a loop but locks that
        are never contended (no await while held). A Redis client belongs to the loop that made
        it: one per loop (uvicorn runs one loop per process)."""
        if not self._redis:
            if self._storage is None:
                storage = storage_from_string("async+memory://")
                assert isinstance(storage, Storage)
                self._storage = storage
            return self._storage
        loop = asyncio.get_running_loop()
        if self._storage is None or self._loop is not loop:
            storage = storage_from_string(
                f"async+{self._redis}", implementation="redispy", key_prefix="entri", wrap_exceptions=True
            )
            assert isinstance(storage, Storage)
            self._storage, self._loop = storage, loop
            self._resets.clear()
        return self._storage

    async def hit(self, bucket: str, identity: str) -> Window | None:
        """Count one request in `bucket` for `identity`; None when the store failed."""
        item = self.items[bucket]
        key = item.key_for(bucket, identity)
        try:
            storage = self._store()
            count = await storage.incr(key, item.get_expiry())
            now = time.time()
            reset = self._resets.get(key)
            if count == 1:
                reset = now + item.get_expiry()
            elif reset is None or reset <= now:
                reset = await storage.get_expiry(key)
        except Exception:
            self._store_failed()
            return None
        if len(self._resets) > _PRUNE_AT:
            self._prune(now)
        self._resets[key] = reset
        return Window(item.amount, max(0, item.amount - count), reset, count > item.amount)

    def _prune(self, now: float) -> None:
        for key in [k for k, end in self._resets.items() if end <= now]:
            del self._resets[key]
        for ip in [k for k, w in self._blocked.items() if w.reset <= now]:
            del self._blocked[ip]

    def _store_failed(self) -> None:
        now = time.monotonic()
        if now - self._failing_since > 60:
            self._failing_since = now
            log.warning("rate-limit store unavailable: requests are not limited", exc_info=True)

    def blocked(self, ip: str) -> Window | None:
        """The `auth-failure` window of `ip` while it is exhausted (this process's knowledge)."""
        window = self._blocked.get(ip)
        if window is not None and window.reset <= time.time():
            del self._blocked[ip]
            return None
        return window

    async def auth_failed(self, ip: str) -> None:
        window = await self.hit("auth-failure", ip)
        if window is not None and window.exceeded:
            self._blocked[ip] = window


@dataclass(slots=True)
class Counted:
    """What the middleware knows of a request, for the route-level throttles."""

    limits: RateLimits
    credential: str | None
    """`t:<hash>` / `s:<hash>` of the presented credential, or None."""
    ip: str
    window: Window | None


def digest(value: str) -> str:
    """A short hash for a bucket key: credentials and e-mail addresses never reach the store."""
    return hashlib.blake2b(value.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


def credential_of(headers: Iterable[tuple[bytes, bytes]], cookie_names: tuple[str, ...]) -> str | None:
    """A hash naming the credential the request presents, the way authentication picks it
    (`X-API-Key`, else `Authorization: Bearer`, else the session cookie), with no lookup."""
    api_key = bearer = cookie = None
    for name, value in headers:
        if name == b"x-api-key":
            api_key = value
        elif name == b"authorization" and value[:7].lower() == b"bearer ":
            bearer = value[7:]
        elif name == b"cookie":
            cookie = value
    token = (api_key or bearer or b"").strip()
    if token:
        return "t:" + digest(token.decode("latin-1"))
    if cookie is not None:
        for part in cookie.decode("latin-1").split(";"):
            cookie_name, _, cookie_value = part.strip().partition("=")
            if cookie_name in cookie_names and cookie_value:
                return "s:" + digest(cookie_value)
    return None


def client_ip(scope: Scope) -> str:
    """The peer address (uvicorn sets it from X-Forwarded-For for trusted proxies only:
    `FORWARDED_ALLOW_IPS`)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def _tighter(current: Window | None, new: Window) -> Window:
    if current is None or new.exceeded or (not current.exceeded and new.remaining < current.remaining):
        return new
    return current


class RateLimitMiddleware:
    """Counts every HTTP request in its bucket and writes the headers (see the module docstring)."""

    def __init__(self, app: ASGIApp, limits: RateLimits, cookie_names: tuple[str, ...]) -> None:
        self.app = app
        self.limits = limits
        self.cookie_names = cookie_names

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.limits.enabled:
            await self.app(scope, receive, send)
            return
        credential = credential_of(scope.get("headers", ()), self.cookie_names)
        ip = client_ip(scope)
        if credential is not None:
            window = self.limits.blocked(ip) or await self.limits.hit("request", credential)
        else:
            window = await self.limits.hit("ip", ip)
        if window is not None and window.exceeded:
            await _refuse(scope, receive, send, window)
            return
        counted = Counted(self.limits, credential, ip, window)
        scope[STATE] = counted

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                if message["status"] == 401 and credential is not None:
                    await self.limits.auth_failed(ip)
                if counted.window is not None:
                    headers = list(message.get("headers", ()))
                    present = {name.lower() for name, _ in headers}
                    for name, value in counted.window.headers().items():
                        if name.lower().encode() not in present:
                            headers.append((name.lower().encode(), value.encode()))
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _refuse(scope: Scope, receive: Receive, send: Send, window: Window) -> None:
    headers = {**window.headers(), "Retry-After": str(window.retry_after())}
    response = error_response(429, message(window), public_path(scope), headers=headers)
    await response(scope, receive, send)


async def throttle(request: Request, bucket: str, identity: str | None = None) -> None:
    """Count the request in a route-level `bucket` (`ai`, `login`, `login-ip`) for `identity`
    (default: the request's credential); raises `TooManyRequests` past the limit. A no-op when
    rate limiting is off."""
    counted: Any = request.scope.get(STATE)
    if not isinstance(counted, Counted):
        return
    who = identity if identity is not None else counted.credential or f"ip:{counted.ip}"
    window = await counted.limits.hit(bucket, who)
    if window is None:
        return
    counted.window = _tighter(counted.window, window)
    if window.exceeded:
        raise TooManyRequests(window)


def install_handler(app: Any) -> None:
    """Answer `TooManyRequests` from a route with the 429 body and headers."""

    async def _too_many(request: Request, exc: Exception) -> Any:
        assert isinstance(exc, TooManyRequests)
        window = exc.window
        headers = {**window.headers(), "Retry-After": str(window.retry_after())}
        return error_response(429, message(window), public_path(request.scope), headers=headers)

    app.add_exception_handler(TooManyRequests, _too_many)
