"""Exotel (Indian telephony): SMS and voice pages through Exotel's v1 REST API, with `requests`.

An SMS is `POST /v1/Accounts/<sid>/Sms/send.json` with the DLT entity and template ids India requires. A
voice page is `POST /v1/Accounts/<sid>/Calls/connect.json`: Exotel calls the responder (From) from our
ExoPhone (CallerId) and connects her to the flow at settings.EXOTEL_FLOW_URL, built in Exotel's dashboard:
a Greeting that reads its text from our voice URL, a Gather for one key, and a Passthru to our key URL.
CustomField carries the page message's random token, which Exotel hands to both, so the flow knows which
page it reads. Exotel cannot sign its callbacks, so every URL we give it carries the webhook secret
(views.py checks it and the caller's network).

Errors: a 4xx (an invalid number, a refused request, an account that cannot send) is permanent and the
page moves to the person's next channel; a 5xx, a 429 or a network failure is temporary."""

from __future__ import annotations

import requests
from django.conf import settings
from django.urls import reverse

from crisisline.messaging.texts import sms_units
from crisisline.messaging.transport import OutboundMessage, Receipt, TransportError

TIMEOUT_SECONDS = 10
TEMPORARY_STATUSES = {408, 429}
_session = requests.Session()


def hook_url(name: str) -> str:
    """The public URL of one of our Exotel webhooks, with the secret in its path."""
    return settings.BASE_URL + reverse(name, args=[settings.EXOTEL_WEBHOOK_SECRET])


def _post(resource: str, form: dict) -> dict:
    url = f"{settings.EXOTEL_API_BASE}/v1/Accounts/{settings.EXOTEL_ACCOUNT_SID}/{resource}.json"
    try:
        response = _session.post(
            url,
            data={key: value for key, value in form.items() if value},
            auth=(settings.EXOTEL_API_KEY, settings.EXOTEL_API_TOKEN),
            timeout=TIMEOUT_SECONDS,
        )
    except requests.RequestException as error:
        raise TransportError(f"exotel unreachable: {type(error).__name__}") from None
    if response.status_code >= 400:
        # Exotel's error message may quote the number ("Invalid Recipient [...]"): only the status is kept.
        permanent = response.status_code < 500 and response.status_code not in TEMPORARY_STATUSES
        raise TransportError(f"exotel {response.status_code}", permanent=permanent)
    try:
        return response.json()
    except ValueError:
        raise TransportError("exotel answered without JSON") from None


class ExotelTransport:
    name = "exotel"
    channels = frozenset({"sms", "voice"})

    def send(self, message: OutboundMessage) -> Receipt:
        if message.channel == "sms":
            answer = _post(
                "Sms/send",
                {
                    "From": settings.EXOTEL_FROM,
                    "To": message.to,
                    "Body": message.body,
                    "SmsType": "transactional",
                    # Anything beyond the GSM alphabet (Hindi, Kannada...) must be sent as Unicode.
                    "EncodingType": "plain" if sms_units(message.body)[0] == "GSM-7" else "unicode",
                    "DltEntityId": settings.EXOTEL_DLT_ENTITY_ID,
                    "DltTemplateId": message.dlt_template_id,
                    "StatusCallback": hook_url("exotel_status"),
                },
            )
            sid = (answer.get("SMSMessage") or {}).get("Sid")
        elif message.channel == "voice":
            answer = _post(
                "Calls/connect",
                {
                    "From": message.to,
                    "CallerId": settings.EXOTEL_CALLER_ID,
                    "Url": settings.EXOTEL_FLOW_URL,
                    "CallType": "trans",
                    "CustomField": _token(message),
                    "TimeOut": "30",
                    "StatusCallback": hook_url("exotel_status"),  # called when the call ends
                },
            )
            sid = (answer.get("Call") or {}).get("Sid")
        else:
            raise TransportError(f"exotel cannot carry {message.channel}", permanent=True)
        if not sid:
            raise TransportError("exotel answered without a Sid")
        return Receipt(provider_message_id=sid, state="sent")

    def lookup(self, idempotency_key: str) -> Receipt | None:
        # Exotel finds a message only by its own Sid; CustomField comes back in callbacks but cannot be
        # searched. A message whose sender died mid-send is sent again: a rare duplicate page is better
        # than a lost one.
        return None


def _token(message: OutboundMessage) -> str:
    """The page message's token: the last segment of the voice URL services._outbound made for it."""
    return message.voice_url.rstrip("/").rpartition("/")[2]
