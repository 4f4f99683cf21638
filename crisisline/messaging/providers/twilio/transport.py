"""Twilio: SMS and voice pages through Twilio's own library (twilio.rest.Client).

An SMS goes to Messages.json with a status callback, so that a delivery report moves the page on; a voice
page is a call whose TwiML Twilio fetches from our voice URL (views.voice_script), which reads the page
and waits for a key. Twilio's answer maps onto the one transport interface: a 4xx (an invalid number,
21211; a number that opted out, 21610; a refused request) is permanent and the page moves to the
person's next channel; a 5xx, a 429 or a network failure is temporary and retried with back-off."""

from __future__ import annotations

import logging

import requests
from django.conf import settings
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from crisisline.messaging.transport import OutboundMessage, Receipt, TransportError

TWILIO_API = "https://api.twilio.com"
TIMEOUT_SECONDS = 10
# Worth trying again: Twilio is overloaded or down, or asks us to slow down.
TEMPORARY_STATUSES = {408, 429}
# Twilio's client logs each request at INFO; a page a minute needs no such chatter.
_http_log = logging.getLogger("crisisline.messaging.twilio.http")
_http_log.setLevel(logging.WARNING)
_clients: dict[tuple, Client] = {}


class _ApiBase(TwilioHttpClient):
    """Twilio's own HTTP client, sent to settings.TWILIO_API_BASE instead of api.twilio.com (tests run a
    local stand-in). Its request log holds the URL and headers only, never the form with the number."""

    def __init__(self, base: str) -> None:
        super().__init__(timeout=TIMEOUT_SECONDS, logger=_http_log)
        self.base = base

    def request(self, method, url, *args, **kwargs):
        if url.startswith(TWILIO_API):
            url = self.base + url[len(TWILIO_API) :]
        return super().request(method, url, *args, **kwargs)


def client() -> Client:
    """A Twilio client from the settings: with an API key and secret where set, else the auth token. One
    per set of credentials, so that its connections are reused."""
    sid = settings.TWILIO_ACCOUNT_SID
    if settings.TWILIO_API_KEY and settings.TWILIO_API_SECRET:
        username, password = settings.TWILIO_API_KEY, settings.TWILIO_API_SECRET
    else:
        username, password = sid, settings.TWILIO_AUTH_TOKEN
    key = (sid, username, password, settings.TWILIO_API_BASE)
    if key not in _clients:
        _clients[key] = Client(
            username=username,
            password=password,
            account_sid=sid,
            http_client=_ApiBase(settings.TWILIO_API_BASE),
            environment={},  # nothing from TWILIO_* variables: only Crisisline's settings count
        )
    return _clients[key]


class TwilioTransport:
    name = "twilio"
    channels = frozenset({"sms", "voice"})

    def send(self, message: OutboundMessage) -> Receipt:
        if message.channel not in self.channels:
            raise TransportError(f"twilio cannot carry {message.channel}", permanent=True)
        try:
            sent = self._sms(message) if message.channel == "sms" else self._call(message)
        except TwilioRestException as error:
            # The message text of Twilio's error may quote the number: only the codes are kept.
            permanent = 400 <= error.status < 500 and error.status not in TEMPORARY_STATUSES
            raise TransportError(
                f"twilio {error.status} {error.code or ''}".strip(), permanent=permanent
            ) from None
        except (requests.RequestException, TwilioException) as error:
            raise TransportError(f"twilio unreachable: {type(error).__name__}") from None
        return Receipt(provider_message_id=sent.sid, state="sent")

    def _sms(self, message: OutboundMessage):
        sender = (
            {"from_": settings.TWILIO_FROM}
            if settings.TWILIO_FROM
            else {"messaging_service_sid": settings.TWILIO_MESSAGING_SERVICE_SID}
        )
        return client().messages.create(
            to=message.to, body=message.body, status_callback=message.status_url or None, **sender
        )

    def _call(self, message: OutboundMessage):
        return client().calls.create(
            to=message.to,
            from_=settings.TWILIO_FROM,
            url=message.voice_url,
            method="POST",
            status_callback=message.status_url or None,
            status_callback_method="POST",
            # Only the end of the call matters: answered or not (no-answer, busy, failed).
            status_callback_event=["completed"],
            timeout=30,
        )

    def lookup(self, idempotency_key: str) -> Receipt | None:
        # Twilio keeps no key of ours: a message can be listed only by number and date, which cannot tell
        # our messages apart. A message whose sender died mid-send is sent again: a rare duplicate page
        # is better than a lost one.
        return None
