"""The SSRF guard: a webhook may only reach public addresses (docs/webhooks.md, "SSRF").

A URL must be `http` or `https` with a host. Its host's addresses — every one the resolver
returns — must be public: loopback, private, link-local (the cloud metadata address
169.254.169.254 among them), unique-local (fd00:ec2::254), multicast, reserved, unspecified and
shared (CGNAT) addresses are refused, and an IPv6 address that embeds an IPv4 one (mapped,
6to4, Teredo, NAT64) is judged by the IPv4 address it carries. The check runs when a
subscription is created or its URL changed, and again before every try: the sender connects to
the very address it checked (DNS rebinding cannot swap it in between). With
ENTRI_WEBHOOK_ALLOW_PRIVATE=true every address is allowed (a receiver on the same network).

The URL is parsed with httpx, the client that sends, so the guard and the sender read the same
host out of it.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass

import httpx

from entri.webhooks.rules import MAX_URL

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

METADATA = frozenset({ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")})
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class Refused(Exception):
    """The URL may not be reached; the message says why (shown in a 400 and the delivery log)."""


@dataclass(frozen=True, slots=True)
class Target:
    url: httpx.URL
    host: str
    """As the resolver gets it: IDNA-encoded, no brackets around an IPv6 literal."""
    port: int


def parse(raw: str) -> Target:
    """The URL's host and port, or Refused for anything but an absolute http(s) URL."""
    if len(raw) > MAX_URL:
        raise Refused(f"url must be at most {MAX_URL} characters")
    try:
        url = httpx.URL(raw)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise Refused(f"url is not a valid URL ({exc})") from None
    if url.scheme not in ("http", "https"):
        raise Refused("url must start with http:// or https://")
    if not url.raw_host:
        raise Refused("url has no host")
    host = url.raw_host.decode("ascii")
    return Target(url=url, host=host, port=url.port or (443 if url.scheme == "https" else 80))


def host_of(raw: str) -> str | None:
    """The URL's host alone, for what other members may read (the activity trail): a webhook
    URL's path or query is often its credential."""
    try:
        return httpx.URL(raw).host or None
    except (httpx.InvalidURL, TypeError, ValueError):
        return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def why_refused(ip: IPAddress) -> str | None:
    """Why `ip` is not a public address, or None when it is."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            reason = why_refused(inner)
            return f"embeds {inner}, which {reason}" if reason else None
        if ip.is_site_local:
            return "is a site-local address"
    if ip in METADATA:
        return "is a cloud metadata address"
    for flag, what in (
        (ip.is_loopback, "a loopback"),
        (ip.is_link_local, "a link-local"),
        (ip.is_multicast, "a multicast"),
        (ip.is_unspecified, "an unspecified"),
        (ip.is_private, "a private"),
        (ip.is_reserved, "a reserved"),
    ):
        if flag:
            return f"is {what} address"
    if not ip.is_global:
        return "is not a public address"
    return None


def check(host: str, addresses: Iterable[IPAddress], *, allow_private: bool) -> IPAddress:
    """The address to connect to: the first of `addresses`, provided every one is public (a
    host that also resolves to an internal address is refused whole). Refused otherwise."""
    found = list(dict.fromkeys(addresses))
    if not found:
        raise Refused(f"host '{host}' has no address")
    if not allow_private:
        for ip in found:
            reason = why_refused(ip)
            if reason:
                shown = host if host == str(ip) else f"{host} ({ip})"
                raise Refused(f"url host {shown} {reason}; webhooks only reach public addresses")
    return found[0]


def addresses_of(infos: Iterable[tuple[object, ...]]) -> list[IPAddress]:
    """The IP addresses of `getaddrinfo` results (an IPv6 scope such as `%eth0` dropped)."""
    found: list[IPAddress] = []
    for info in infos:
        sockaddr = info[4]
        assert isinstance(sockaddr, tuple)
        found.append(ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0]))
    return found


def literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def resolve(target: Target) -> list[IPAddress]:
    """The host's addresses (the system resolver; an IP literal as is). Refused when the
    name does not resolve."""
    ip = literal(target.host)
    if ip is not None:
        return [ip]
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise Refused(f"url host '{target.host}' does not resolve ({exc})") from None
    return addresses_of(infos)


def validate(raw: str, *, allow_private: bool) -> None:
    """What creating or re-pointing a subscription checks: the URL's shape, and (unless private
    addresses are allowed) that its host resolves to public addresses only."""
    target = parse(raw)
    if allow_private:
        return
    check(target.host, resolve(target), allow_private=False)
