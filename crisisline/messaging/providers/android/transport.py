"""SMS Gateway for Android: an Android phone with a local SIM sends the team's SMS, the cheapest channel for a
small team. It is driven through the app's own API with its PyPI client (`android-sms-gateway`), either on
the phone itself (local server, `http://192.168.1.20:8080`) or through the cloud relay
(`https://api.sms-gate.app/3rdparty/v1`).

Each message carries an id of our own, derived from the idempotency key (the gateway takes at most 36
characters). The gateway refuses a second message with the same id (409) and can say what became of the
first (`GET /messages/<id>`), so a worker that died between handing a page over and recording it never
sends it twice. Delivery reports and replies come back as webhooks (views.py)."""

from __future__ import annotations

import hashlib
import logging
from contextlib import contextmanager

import requests
from android_sms_gateway import APIClient, MessagePriority, MessageState, ProcessState, TextMessage
from android_sms_gateway import Message as GatewayMessage
from android_sms_gateway.errors import APIError
from android_sms_gateway.http import RequestsHttpClient
from django.conf import settings

from crisisline.messaging.transport import OutboundMessage, Receipt, TransportError

log = logging.getLogger("crisisline.messaging.android")

TIMEOUT = 15  # seconds for one request to the gateway: a hung phone must not hold the worker
# A page still waiting in the phone's queue after this long is stale: the gateway then reports it failed
# (sms:failed) and the page moves on to the person's next channel.
TTL_SECONDS = 30 * 60
# Answers that say "not now" rather than "never".
TEMPORARY_STATUSES = frozenset({408, 425, 429})


def gateway_id(idempotency_key: str) -> str:
    """The message id the gateway knows our message by: the same for every attempt of one message."""
    return hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]


class _Session(requests.Session):
    """The client passes no timeout to requests, and requests has no session-wide one."""

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", TIMEOUT)
        return super().request(*args, **kwargs)


def _error(error: APIError) -> TransportError:
    status = error.status_code or 0
    temporary = status >= 500 or status in TEMPORARY_STATUSES or status == 0
    return TransportError(f"the android gateway answered {status}", permanent=not temporary)


@contextmanager
def _speaking_to_the_gateway():
    """The client's errors as the transport interface's: never with a number or an address in them."""
    try:
        yield
    except APIError as error:
        raise _error(error) from None
    except requests.RequestException:
        raise TransportError("the android gateway could not be reached") from None
    except (KeyError, TypeError, ValueError):
        raise TransportError("the android gateway's answer was not understood") from None


GONE = (ProcessState.Failed, ProcessState.Cancelled, ProcessState.Cancelling)


def _receipt(state: MessageState, ident: str) -> Receipt:
    if state.state in GONE:
        raise TransportError(f"the android gateway reports the message {state.state.value}", permanent=True)
    delivered = state.state == ProcessState.Delivered
    return Receipt(provider_message_id=state.id or ident, state="delivered" if delivered else "sent")


class AndroidGatewayTransport:
    name = "android"
    channels = frozenset({"sms"})

    def _client(self, session: requests.Session) -> APIClient:
        if not settings.ANDROID_GATEWAY_URL or not settings.ANDROID_GATEWAY_PASSWORD:
            raise TransportError("the android gateway is not configured", permanent=True)
        return APIClient(
            settings.ANDROID_GATEWAY_LOGIN or None,
            settings.ANDROID_GATEWAY_PASSWORD,
            base_url=settings.ANDROID_GATEWAY_URL,
            http=RequestsHttpClient(session),
        )

    def send(self, message: OutboundMessage) -> Receipt:
        if message.channel != "sms":
            raise TransportError("the android gateway carries SMS only", permanent=True)
        ident = gateway_id(message.idempotency_key)
        outgoing = GatewayMessage(
            id=ident,
            phone_numbers=[message.to],
            text_message=TextMessage(text=message.body),
            with_delivery_report=True,
            # Pages are few and urgent: past the phone's own rate limits and delays.
            priority=MessagePriority.BYPASS_THRESHOLD,
            ttl=TTL_SECONDS,
        )
        with _Session() as session:
            client = self._client(session)
            with _speaking_to_the_gateway():
                try:
                    state = client.send(outgoing)
                except APIError as error:
                    if error.status_code != 409:
                        raise
                    # The gateway has this id already: an earlier attempt got through. What became of it?
                    log.info("the android gateway already had message %s", ident)
                    state = client.get_state(ident)
        return _receipt(state, ident)

    def lookup(self, idempotency_key: str) -> Receipt | None:
        """What the gateway knows of the message, or None when it has none or cannot say. None also for a
        message that failed there: `send` then meets the gateway's refusal of the known id and reports the
        failure, so the page moves on."""
        ident = gateway_id(idempotency_key)
        with _Session() as session:
            try:
                client = self._client(session)
                with _speaking_to_the_gateway():
                    state = client.get_state(ident)
            except TransportError:
                return None
        if state.state in GONE:
            return None
        return _receipt(state, ident)
