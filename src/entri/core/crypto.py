"""Encryption of stored secrets (the organizations' AI provider keys; docs/settings.md).

One server key encrypts them: `ENTRI_SECRET_KEY`, or, when unset, a random key generated into
`<data_dir>/secret.key` on first start (mode 0600) and read from there afterwards. The Fernet
key (AES-128-CBC + HMAC-SHA256, from the `cryptography` package) is derived from it with HKDF,
so any long random string works as `ENTRI_SECRET_KEY`.

Losing or changing the server key makes the stored provider keys unreadable (the settings say
so; the organization's admin sets them again). Several processes or hosts reading one database
must share it: set `ENTRI_SECRET_KEY`, or point them at one data dir.
"""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from entri.core.config import Settings, get_settings

KEY_FILE = "secret.key"
_INFO = b"entri: stored secrets"


class Unreadable(Exception):
    """A stored secret that this server key cannot decrypt (the key changed or was lost)."""


class SecretBox:
    """Encrypts and decrypts short texts with the server key."""

    __slots__ = ("_fernet",)

    def __init__(self, server_key: str) -> None:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(server_key.encode())
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def __repr__(self) -> str:
        return "SecretBox(<hidden>)"

    def encrypt(self, text: str) -> str:
        return self._fernet.encrypt(text.encode()).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode()
        except (InvalidToken, UnicodeError, ValueError):
            raise Unreadable("cannot be decrypted with this server's key") from None


def server_key(settings: Settings) -> str:
    """`ENTRI_SECRET_KEY`, else the key file of the data dir, created if missing.

    Creation is race-free across processes started together: the key is written to a private
    temporary file, then hard-linked into place; whoever links second reads the winner's key."""
    return _server_key(settings.secret_key, Path(settings.data_dir))


def _server_key(secret_key: str | None, data_dir: Path) -> str:
    if secret_key:
        return secret_key
    path = data_dir / KEY_FILE
    if path.exists():
        return _read(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(32) + "\n")
        with contextlib.suppress(FileExistsError):  # another process won: read its key
            os.link(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    return _read(path)


def _read(path: Path) -> str:
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} is empty: delete it to generate a new key, or set ENTRI_SECRET_KEY")
    return key


@lru_cache(maxsize=8)
def _box(secret_key: str | None, data_dir: str) -> SecretBox:
    """Read (or create) the key file once per process and settings, not once per use."""
    return SecretBox(_server_key(secret_key, Path(data_dir)))


_configured: Settings | None = None


def configure(settings: Settings) -> None:
    """Use `settings` (its data dir and secret key) for `box()`: the app and the CLI commands
    call this with the settings they run with."""
    global _configured
    _configured = settings


def box(settings: Settings | None = None) -> SecretBox:
    """The box of `settings`, else of the configured settings, else of the environment's."""
    chosen = settings or _configured or get_settings()
    return _box(chosen.secret_key or None, str(Path(chosen.data_dir).resolve()))
