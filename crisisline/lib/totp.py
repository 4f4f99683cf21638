"""Time-based one-time passwords (RFC 6238, SHA-1, 6 digits, 30-second steps), as every authenticator app
(Google Authenticator, FreeOTP, Aegis, ...) makes them. Standard library only."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from datetime import datetime
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6


def new_secret() -> str:
    """160 random bits in base32, as authenticator apps expect them."""
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def _key(secret: str) -> bytes:
    padded = secret.upper() + "=" * (-len(secret) % 8)
    return base64.b32decode(padded)


def step_at(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def code_at_step(secret: str, step: int) -> str:
    digest = hmac.new(_key(secret), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def code_at(secret: str, moment: datetime) -> str:
    return code_at_step(secret, step_at(moment))


def matching_step(secret: str, code: str, moment: datetime, *, window: int = 1) -> int | None:
    """The time step whose code `code` is, within `window` steps either side of `moment` (phones' clocks
    drift), or None. The caller refuses steps it has accepted before, so that no code works twice."""
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    now = step_at(moment)
    for step in range(now - window, now + window + 1):
        if hmac.compare_digest(code_at_step(secret, step), code):
            return step
    return None


def provisioning_uri(secret: str, *, account: str, issuer: str = "Crisisline") -> str:
    """The otpauth:// link an authenticator app reads from a QR code."""
    label = quote(f"{issuer}:{account}")
    return f"otpauth://totp/{label}?" + urlencode(
        {"secret": secret, "issuer": issuer, "digits": DIGITS, "period": STEP_SECONDS}
    )
