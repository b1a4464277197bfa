"""Secrets: argon2 for passwords (slow on purpose), SHA-256 for high-entropy random tokens."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def use_cheap_hashing_for_tests() -> None:
    """Minimal argon2 cost, for the test suite only: hashes stay real argon2id and verify as
    such, and a stored production-cost hash still verifies (the parameters travel in the hash)."""
    global _hasher
    _hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def random_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)
