"""Encryption at rest with AES-256-GCM under master keys kept apart from SECRET_KEY.

`seal(b"...", purpose="totp")` gives a text token "v1.<key id>.<nonce+ciphertext, base64>"; `unseal` opens
it with whichever master key it names, so that a key rotation can re-encrypt row by row while the system
runs. The purpose is authenticated too: a value sealed for one purpose cannot be opened as another."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

VERSION = "v1"


class CryptoError(Exception):
    """A sealed value could not be opened: wrong key, wrong purpose, or tampered."""


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"crisisline-key-id:" + key).hexdigest()[:12]


@cache
def _keyring() -> tuple[tuple[str, bytes], ...]:
    return tuple((key_id(key), key) for key in settings.MASTER_KEYS)


def current_key_id() -> str:
    return _keyring()[0][0]


def seal(plaintext: bytes, *, purpose: str) -> str:
    kid, key = _keyring()[0]
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, plaintext, f"{VERSION}.{kid}.{purpose}".encode())
    return f"{VERSION}.{kid}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def unseal(token: str, *, purpose: str) -> bytes:
    try:
        version, kid, body = token.split(".", 2)
        raw = base64.urlsafe_b64decode(body.encode())
    except (ValueError, AttributeError):
        raise CryptoError("not a sealed value") from None
    key = dict(_keyring()).get(kid)
    if version != VERSION or key is None:
        raise CryptoError("sealed under an unknown key")
    try:
        return AESGCM(key).decrypt(raw[:12], raw[12:], f"{version}.{kid}.{purpose}".encode())
    except InvalidTag:
        raise CryptoError("the sealed value does not open: tampered, or sealed for another purpose") from None


def keyed_digest(value: bytes, *, purpose: str) -> str:
    """HMAC-SHA256 under the index key (not a master key: it must stay the same when master keys rotate),
    for lookups and one-time codes that must not be guessable from the database alone."""
    return hmac.new(settings.INDEX_KEY, purpose.encode() + b"\0" + value, hashlib.sha256).hexdigest()
