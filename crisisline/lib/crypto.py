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


# --- Envelope encryption: a data key per client (and per crisis), wrapped by the master key ------------
# Erasing a client destroys its data key; rotating the master key re-wraps data keys without touching the
# data they seal. Old backups stay readable only while the master key that wrapped them is kept: retire old
# master keys after the backup retention period and an erasure is final everywhere (docs/architecture.md).
DATA_VERSION = "d1"


def new_data_key() -> tuple[bytes, str]:
    """A fresh 256-bit data key and its wrapped form (sealed by the current master key) to store."""
    key = AESGCM.generate_key(bit_length=256)
    return key, seal(key, purpose="data-key")


def unwrap(wrapped: str) -> bytes:
    return unseal(wrapped, purpose="data-key")


def rewrap(wrapped: str) -> str:
    """The same data key, wrapped by the current master key (for key rotation)."""
    return seal(unwrap(wrapped), purpose="data-key")


def seal_with(key: bytes, plaintext: str, *, purpose: str) -> str:
    """Seal a text under a data key. Empty text stays empty, so that "nothing recorded" needs no key."""
    if not plaintext:
        return ""
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode(), f"{DATA_VERSION}.{purpose}".encode())
    return f"{DATA_VERSION}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def open_with(key: bytes, token: str, *, purpose: str) -> str:
    if not token:
        return ""
    try:
        version, body = token.split(".", 1)
        raw = base64.urlsafe_b64decode(body.encode())
        if version != DATA_VERSION:
            raise ValueError(version)
        return AESGCM(key).decrypt(raw[:12], raw[12:], f"{version}.{purpose}".encode()).decode()
    except (ValueError, InvalidTag):
        raise CryptoError("the sealed text does not open with this key") from None


def seal_bytes_with(key: bytes, data: bytes, *, purpose: str) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, data, f"{DATA_VERSION}.{purpose}".encode())


def open_bytes_with(key: bytes, blob: bytes, *, purpose: str) -> bytes:
    try:
        return AESGCM(key).decrypt(blob[:12], blob[12:], f"{DATA_VERSION}.{purpose}".encode())
    except InvalidTag:
        raise CryptoError("the sealed file does not open with this key") from None
