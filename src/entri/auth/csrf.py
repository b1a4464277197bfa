"""Cross-site request forgery defence for cookie sessions (rules in docs/api-decisions.md).

A browser attaches the session cookie to any request aimed at this server, whoever the page
that sends it is. `SameSite=Lax` stops other *sites*, not other origins of the same site (a
sibling subdomain, another port on the same host), and not a top-level form POST in every
browser. So a cookie-authenticated write must pass two independent checks:

1. **Origin**: the browser says the request comes from this server's own origin
   (`Sec-Fetch-Site: same-origin`, or `Origin` — `Referer` when a browser sends no `Origin` —
   equal to `ENTRI_PUBLIC_URL` or to the request's own `Host`). No header at all is refused too:
   every current browser sends one, and a client without a browser should use an API token.
2. **Token**: an `X-CSRF-Token` header equal to an HMAC of the session secret. The cookie is
   HTTP-only, so only a page this server rendered, or the login response, knows the value: it
   is what protects if a browser or a proxy ever gets the origin headers wrong.

Requests authenticated by `X-API-Key` or `Authorization: Bearer` need neither: a page on
another origin cannot add those headers without a CORS preflight, which this server never
grants. Sign-in and invitation acceptance (no session yet) get the origin check only, so no
other origin can sign a victim's browser into the attacker's account.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache
from urllib.parse import urlsplit

from starlette.requests import Request

from entri.core.errors import Forbidden

CSRF_HEADER = "X-CSRF-Token"
_CSRF_HEADER = CSRF_HEADER.lower()
_DEFAULT_PORTS = {"http": 80, "https": 443}


def csrf_token(cookie_value: str) -> str:
    """The session's CSRF token: derived, not stored, so checking it costs one HMAC."""
    return hmac.new(cookie_value.encode("utf-8"), b"entri-csrf-v1", hashlib.sha256).hexdigest()


def _origin(url: str) -> str | None:
    """`scheme://host[:port]`, lower-cased, default port dropped; None when not an http(s) URL."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "")
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}" if port in (None, _DEFAULT_PORTS[scheme]) else f"{scheme}://{host}:{port}"


@lru_cache(maxsize=8)
def _public_origin(public_url: str) -> str | None:
    return _origin(public_url)


def _claimed_origin(request: Request) -> str | None:
    """The origin the browser says the request comes from; "" when it sends none at all."""
    origin = request.headers.get("origin")
    if origin is None:
        referer = request.headers.get("referer")
        if referer is None:
            return ""
        return _origin(referer)
    return None if origin == "null" else _origin(origin)


def _is_own_origin(request: Request, origin: str, public_url: str) -> bool:
    if origin == _public_origin(public_url):
        return True
    host = request.headers.get("host")
    if not host:
        return False
    scheme = origin.split("://", 1)[0]
    # The Host header names this server as the browser addressed it; the browser's own
    # `Origin` can only equal it when the page came from that very host and port.
    return _origin(f"{scheme}://{host}") == origin


def browser_origin_ok(request: Request, public_url: str, *, required: bool) -> bool:
    """True when the request comes from this server's origin. With `required=False`, a
    request that carries no origin information at all (not a browser) passes too."""
    site = request.headers.get("sec-fetch-site")
    if site == "same-origin":
        return True
    origin = _claimed_origin(request)
    if origin == "":
        return site is None and not required
    return origin is not None and _is_own_origin(request, origin, public_url)


def refuse_cross_origin(request: Request, public_url: str) -> None:
    """For routes without a session yet (sign-in, accepting an invitation)."""
    if not browser_origin_ok(request, public_url, required=False):
        raise Forbidden("Cross-origin request refused: sign in from this server's own pages")


def require_csrf(request: Request, public_url: str, cookie_value: str) -> None:
    """For every cookie-authenticated request that may change something."""
    if not browser_origin_ok(request, public_url, required=True):
        raise Forbidden(
            "Cross-origin request refused: a request authenticated by the session cookie must come "
            "from this server's own origin (send an Origin header), or use an API token"
        )
    sent = request.headers.get(_CSRF_HEADER, "")
    if not hmac.compare_digest(sent.encode("latin-1"), csrf_token(cookie_value).encode("ascii")):
        raise Forbidden(
            f"Missing or wrong {CSRF_HEADER} header: send the csrfToken returned by sign-in "
            "(also in GET /api/auth/me) with every request that changes something"
        )
