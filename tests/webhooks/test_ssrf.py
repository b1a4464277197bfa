"""The SSRF guard with private addresses refused (ENTRI_WEBHOOK_ALLOW_PRIVATE off, the
default): at creation, on a URL change, and again at delivery, where a host that resolved to a
public address at creation and to an internal one now (DNS rebinding) is refused, and the
connection goes to the very address that was checked."""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from entri.core.config import Settings
from entri.webhooks import guard, sender
from tests.core.test_errors import assert_error
from tests.webhooks.conftest import Hooks, Project, Receiver

ORG = "/api/organizations/current/webhooks"

REFUSED = [
    "127.0.0.1",
    "127.8.9.10",
    "0.0.0.0",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "100.64.0.1",  # shared address space (CGNAT)
    "169.254.169.254",  # cloud metadata
    "169.254.1.1",
    "224.0.0.251",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd00:ec2::254",  # AWS metadata over IPv6
    "ff02::1",
    "fec0::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "2002:7f00:1::",  # 6to4 around 127.0.0.1
    "64:ff9b::a00:1",  # NAT64 around 10.0.0.1
    "2001:db8::1",
]
ALLOWED = ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111", "::ffff:93.184.215.14", "64:ff9b::5db8:d70e"]


@pytest.mark.parametrize("address", REFUSED)
def test_internal_addresses_are_refused(address: str) -> None:
    assert guard.why_refused(ipaddress.ip_address(address)) is not None
    with pytest.raises(guard.Refused):
        guard.check(address, [ipaddress.ip_address(address)], allow_private=False)
    assert guard.check(address, [ipaddress.ip_address(address)], allow_private=True) == ipaddress.ip_address(address)


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_pass(address: str) -> None:
    assert guard.why_refused(ipaddress.ip_address(address)) is None


def test_a_host_with_one_internal_address_is_refused_whole() -> None:
    addresses = [ipaddress.ip_address("93.184.215.14"), ipaddress.ip_address("10.0.0.1")]
    with pytest.raises(guard.Refused, match=r"10\.0\.0\.1"):
        guard.check("mixed.example", addresses, allow_private=False)


def _url(host: str) -> str:
    return f"http://[{host}]:8080/hook" if ":" in host else f"http://{host}:8080/hook"


@pytest.mark.parametrize(
    "url",
    [
        *(_url(a) for a in ("127.0.0.1", "169.254.169.254", "10.0.0.5", "::1", "fd00:ec2::254", "::ffff:127.0.0.1")),
        "http://localhost:9/hook",
        "http://2130706433/hook",  # 127.0.0.1 as one number
        "http://0x7f.1/hook",
    ],
)
def test_creation_refuses_internal_urls(hooks: Hooks, client: TestClient, url: str) -> None:
    message = assert_error(client.post(ORG, json={"url": url, "events": ["*"]}, headers=hooks.headers), 400, ORG)
    assert any("webhooks only reach public addresses" in m or "does not resolve" in m for m in message), message
    assert client.get(ORG, headers=hooks.headers).json() == []


def _fake_dns(monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> list[str]:
    """The system resolver, with fixed answers for some names; returns the names asked for."""
    real = socket.getaddrinfo
    asked: list[str] = []

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name in answers:
            asked.append(name)
            family = lambda a: socket.AF_INET6 if ":" in a else socket.AF_INET  # noqa: E731
            return [(family(a), socket.SOCK_STREAM, 6, "", (a, int(port or 0))) for a in answers[name]]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def test_dns_rebinding_is_refused_at_delivery(
    hooks: Hooks,
    project: Project,
    receiver: Receiver,
    deliver: Callable[..., int],
    worker_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port = receiver.url.split(":")[2].split("/")[0]
    answers = {"hooks.rebind.test": ["93.184.215.14"]}
    asked = _fake_dns(monkeypatch, answers)
    key_id = project.key("k")
    hook = hooks.create(f"http://hooks.rebind.test:{port}{receiver.path}", ["translation.completed"])
    assert asked == ["hooks.rebind.test"]  # resolved and checked at creation
    answers["hooks.rebind.test"] = ["127.0.0.1"]  # the name now points inside
    project.put(key_id, "fr", "v")
    monkeypatch.setattr(worker_settings, "webhook_allow_private", False)
    deliver()
    assert receiver.requests == []
    (delivery,) = hooks.deliveries(hook["_id"])
    assert delivery["state"] == "pending" and delivery["statusCode"] is None
    assert "127.0.0.1" in delivery["error"] and "public addresses" in delivery["error"]


def test_delivery_refuses_an_internal_url_accepted_earlier(
    hooks: Hooks,
    project: Project,
    receiver: Receiver,
    deliver: Callable[..., int],
    worker_settings: Settings,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A subscription made while private addresses were allowed is refused once they are not."""
    key_id = project.key("k")
    monkeypatch.setattr(settings, "webhook_allow_private", True)
    hook = hooks.create(receiver.url, ["translation.completed"])
    monkeypatch.setattr(settings, "webhook_allow_private", False)
    monkeypatch.setattr(worker_settings, "webhook_allow_private", False)
    project.put(key_id, "fr", "v")
    deliver()
    assert receiver.requests == []
    (delivery,) = hooks.deliveries(hook["_id"])
    assert "is a loopback address" in delivery["error"]


def test_the_checked_address_is_dialled_with_the_original_host_header(
    hooks: Hooks,
    project: Project,
    receiver: Receiver,
    deliver: Callable[..., int],
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The name resolves once per try and the connection goes to that address (here a name
    only our fake resolver knows, so nothing else could have connected), Host kept."""
    port = receiver.url.split(":")[2].split("/")[0]
    asked = _fake_dns(monkeypatch, {"receiver.pinned.test": ["127.0.0.1"]})
    monkeypatch.setattr(settings, "webhook_allow_private", True)
    key_id = project.key("k")
    hooks.create(f"http://receiver.pinned.test:{port}{receiver.path}?x=1", ["translation.completed"])
    project.put(key_id, "fr", "v")
    deliver()
    (got,) = receiver.requests
    assert got.headers["host"] == f"receiver.pinned.test:{port}"
    assert got.path == f"{receiver.path}?x=1"
    assert asked == ["receiver.pinned.test"]  # at delivery only: creation skips DNS when private is allowed


def _certificates(tmp_path: Path, name: str) -> tuple[Path, Path, Path]:
    """A throwaway CA and a server certificate for `name` signed by it: (ca, cert, key) files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.now(UTC)

    def build(subject: str, key: Any, issuer: x509.Name, signer: Any, *, ca: bool) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(issuer)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(hours=1))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if not ca:
            builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False)
        return builder.sign(signer, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Entri test CA")])
    ca_cert = build("Entri test CA", ca_key, ca_name, ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = build(name, key, ca_name, ca_key, ca=False)
    paths = (tmp_path / "ca.pem", tmp_path / "cert.pem", tmp_path / "key.pem")
    paths[0].write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return paths


def test_https_keeps_the_name_for_sni_and_the_certificate(
    hooks: Hooks,
    project: Project,
    receiver: Receiver,
    deliver: Callable[..., int],
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The receiver speaks TLS with a certificate for its name only: the pinned connection to
    127.0.0.1 verifies because the name, not the address, is sent as SNI and checked."""
    name = "receiver.tls.test"
    ca, cert, key = _certificates(tmp_path, name)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    seen_sni: list[str | None] = []
    server_context.sni_callback = lambda _sock, sni, _ctx: seen_sni.append(sni)  # type: ignore[assignment,func-returns-value]
    server = receiver.server
    server.socket = server_context.wrap_socket(server.socket, server_side=True)
    client_context = ssl.create_default_context(cafile=str(ca))
    monkeypatch.setattr(sender, "_tls", lambda: client_context)
    port = receiver.url.split(":")[2].split("/")[0]
    _fake_dns(monkeypatch, {name: ["127.0.0.1"]})
    monkeypatch.setattr(settings, "webhook_allow_private", True)
    key_id = project.key("k")
    hook = hooks.create(f"https://{name}:{port}{receiver.path}", ["translation.completed"])
    project.put(key_id, "fr", "chiffré")
    deliver()
    (got,) = receiver.requests
    assert got.json["data"]["value"] == "chiffré"
    assert got.headers["host"] == f"{name}:{port}"
    assert seen_sni == [name]
    (delivery,) = hooks.deliveries(hook["_id"])
    assert delivery["state"] == "succeeded"
