"""A generic HTTP SMS gateway: any local aggregator that takes a GET with the message in the query, or a POST
with a form or JSON body. Configured, not coded (settings: CRISISLINE_HTTP_SMS_*, docs/messaging.md): a URL
template with {to}, {text}, {sender}, {template_id} and {key} placed where the provider wants them (each
value URL-encoded), the provider's names for the same fields in the query or body, secret headers, and where
its answer holds its message id.

Each request carries our reference for the message (a digest of the idempotency key, the same for every
attempt) as `Idempotency-Key` and, where the provider has a field for it, as `key`: a provider that
honours either sends a retried message once. The headers are secrets and the URL and body hold a phone
number: neither ever reaches a log or an error message."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import quote

import requests
from django.conf import settings

from crisisline.messaging.transport import OutboundMessage, Receipt, TransportError

TIMEOUT = 15  # seconds
TEMPORARY_STATUSES = frozenset({408, 425, 429})
PLACEHOLDER = re.compile(r"\{(to|text|sender|template_id|key)\}")


def reference(idempotency_key: str) -> str:
    return hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]


def fill(template: str, values: dict[str, str]) -> str:
    """The URL template with each placeholder replaced by its value, URL-encoded ("+" and spaces too)."""
    return PLACEHOLDER.sub(lambda match: quote(values[match.group(1)], safe=""), template)


def dig(data, path: str):
    """The value at a dotted path ("data.0.id") in decoded JSON, or None."""
    for part in path.split("."):
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data


class HttpGatewayTransport:
    name = "http"
    channels = frozenset({"sms"})

    def send(self, message: OutboundMessage) -> Receipt:
        if not settings.HTTP_SMS_URL:
            raise TransportError("the HTTP SMS gateway is not configured", permanent=True)
        ours = reference(message.idempotency_key)
        values = {
            "to": message.to,
            "text": message.body,
            "sender": settings.HTTP_SMS_SENDER,
            "template_id": message.dlt_template_id,
            "key": ours,
        }
        fields = {
            theirs: values[field] for field, theirs in settings.HTTP_SMS_FIELDS.items() if values[field]
        }
        if settings.HTTP_SMS_METHOD == "GET":
            carried = {"params": fields}
        elif settings.HTTP_SMS_FORMAT == "json":
            carried = {"json": fields}
        else:
            carried = {"data": fields}
        try:
            response = requests.request(
                settings.HTTP_SMS_METHOD,
                fill(settings.HTTP_SMS_URL, values),
                headers={**settings.HTTP_SMS_HEADERS, "Idempotency-Key": ours},
                timeout=TIMEOUT,
                **carried,
            )
        except requests.RequestException:
            raise TransportError("the HTTP SMS gateway could not be reached") from None
        status = response.status_code
        if status >= 300:
            temporary = status >= 500 or status in TEMPORARY_STATUSES
            raise TransportError(f"the HTTP SMS gateway answered {status}", permanent=not temporary)
        return Receipt(provider_message_id=self._message_id(response, ours), state="sent")

    def _message_id(self, response: requests.Response, ours: str) -> str:
        """The provider's id for the message, where its answer says; else our reference."""
        path = settings.HTTP_SMS_ID_FIELD
        if not path:
            return ours
        try:
            found = dig(response.json(), path)
        except ValueError:
            found = None
        if found is None or isinstance(found, dict | list) or str(found) == "":
            # A 2xx without the id is how many aggregators say "refused": try again, then the next channel.
            raise TransportError("the HTTP SMS gateway's answer has no message id")
        return str(found)

    def lookup(self, idempotency_key: str) -> Receipt | None:
        return None  # a generic gateway cannot be asked; the Idempotency-Key guards a resend
