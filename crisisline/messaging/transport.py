"""The one transport interface every channel implements (style.md, point 5).

A provider folder (`providers/<name>/transport.py`) holds a class with a `name`, the `channels` it can
carry, `send(message) -> Receipt` and, where the provider can look a message up by our key,
`lookup(idempotency_key) -> Receipt | None`. A temporary failure raises `TransportError(permanent=False)`
and is retried with back-off; a permanent one (a number that cannot receive, a refused request) moves the
page on to the person's next channel."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from typing import Protocol

from django.conf import settings


@dataclass(frozen=True)
class OutboundMessage:
    idempotency_key: str
    channel: str  # sms | voice | email | console
    to: str  # E.164 number or email address: in memory only, never logged
    body: str
    template: str
    language: str = "en"
    # A voice call reads `body` and waits for a key; the provider calls `voice_url` to fetch the script
    # and posts the key there. Both URLs carry only the page's own random token.
    voice_url: str = ""
    status_url: str = ""  # where the provider posts delivery reports
    dlt_template_id: str = ""  # India's DLT registration, for providers that need it
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Receipt:
    provider_message_id: str
    state: str = "sent"  # sent | delivered


class TransportError(Exception):
    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Transport(Protocol):
    name: str
    channels: frozenset[str]

    def send(self, message: OutboundMessage) -> Receipt: ...

    def lookup(self, idempotency_key: str) -> Receipt | None: ...


PROVIDERS = {
    "console": "crisisline.messaging.providers.console.transport.ConsoleTransport",
    "twilio": "crisisline.messaging.providers.twilio.transport.TwilioTransport",
    "exotel": "crisisline.messaging.providers.exotel.transport.ExotelTransport",
    "android": "crisisline.messaging.providers.android.transport.AndroidGatewayTransport",
    "http": "crisisline.messaging.providers.http.transport.HttpGatewayTransport",
    "smtp": "crisisline.messaging.providers.smtp.transport.SmtpTransport",
}
_cache: dict[str, Transport] = {}
# Tests and the simulator put a transport here to stand in for a provider by name.
OVERRIDES: dict[str, Transport] = {}


def provider_for(channel: str) -> str:
    """The provider configured for a channel (settings.MESSAGING_PROVIDERS)."""
    return settings.MESSAGING_PROVIDERS.get(channel, "console")


def transport(name: str) -> Transport:
    if name in OVERRIDES:
        return OVERRIDES[name]
    if name not in _cache:
        module, _, cls = PROVIDERS[name].rpartition(".")
        _cache[name] = getattr(import_module(module), cls)()
    return _cache[name]


def reset() -> None:
    """Forget built transports (after a settings change in tests)."""
    _cache.clear()
