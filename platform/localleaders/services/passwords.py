"""Argon2id password hashing, with a dummy verify so unknown usernames take as long as known."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

MIN_LENGTH = 12
MAX_LENGTH = 1024  # bounds the hashing work a single request can ask for


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(),))


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher().hash("not a real password, only for timing")


def normalize(password: str) -> str:
    """NFC so the same password typed on two keyboards gives the same bytes."""
    return unicodedata.normalize("NFC", password)


def hash_password(password: str) -> str:
    return _hasher().hash(normalize(password))


def verify_password(password: str, password_hash: str | None) -> bool:
    if password_hash is None:
        _hasher().verify(normalize(password), _dummy_hash())
        return False
    return _hasher().verify(normalize(password), password_hash)
