"""The Android gateway's webhooks: SMS received (a reply to a page, or an SMS to the helpline) and delivery
reports. One URL takes every event; register it on the gateway once per event (docs/messaging.md).

The app signs each webhook: X-Signature is the hex HMAC-SHA256, under the signing key set in the app, of the
raw body followed by X-Timestamp (Unix seconds). A missing or wrong signature, or a timestamp more than five
minutes away, is refused (403) and recorded. A repeat of a webhook (the app retries until it gets a 2xx)
carries the same id and is a no-op."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import datetime

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from crisisline.messaging.services import inbound_receipt, inbound_refused, inbound_sms

PROVIDER = "android"
MAX_SKEW_SECONDS = 5 * 60
clock = time.time  # tests put a fixed time here
RECEIPTS = {"sms:sent": "sent", "sms:delivered": "delivered", "sms:failed": "failed"}


def signature(key: str, body: bytes, timestamp: str) -> str:
    """The app's signature of a webhook: HMAC-SHA256 of the raw body followed by the timestamp, in hex."""
    return hmac.new(key.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()


def _refusal(request, body: bytes, now: float) -> str:
    """Why this webhook cannot be trusted, or "" when it can."""
    key = settings.ANDROID_WEBHOOK_KEY
    if not key:
        return "no signing key is configured"
    given = request.headers.get("X-Signature", "").strip().lower()
    stamp = request.headers.get("X-Timestamp", "").strip()
    if not given or not stamp:
        return "unsigned"
    if not stamp.isdigit():
        return "bad timestamp"
    if abs(now - int(stamp)) > MAX_SKEW_SECONDS:
        return "stale timestamp"
    if not hmac.compare_digest(signature(key, body, stamp).encode(), given.encode()):
        return "bad signature"
    return ""


def _kept(body: bytes) -> dict:
    """A refused webhook as it came, for the sealed record."""
    try:
        event = json.loads(body)
    except ValueError:
        event = None
    return event if isinstance(event, dict) else {"body": body[:4000].decode("utf-8", "replace")}


class Malformed(ValueError):
    pass


def _text(data: dict, field: str) -> str:
    value = data.get(field)
    if not isinstance(value, str) or not value.strip():
        raise Malformed(field)
    return value


def _parsed(body: bytes) -> tuple[str, str, dict, dict]:
    """(event, webhook id, its payload, the whole event) or Malformed."""
    try:
        event = json.loads(body)
    except ValueError:
        raise Malformed("json") from None
    if not isinstance(event, dict) or not isinstance(event.get("payload"), dict):
        raise Malformed("payload")
    return _text(event, "event"), _text(event, "id"), event["payload"], event


@csrf_exempt
@require_POST
def webhook(request):
    body = request.body
    reason = _refusal(request, body, clock())
    if reason:
        inbound_refused(provider=PROVIDER, reason=reason, payload=_kept(body))
        return HttpResponseForbidden()
    try:
        kind, event_id, payload, event = _parsed(body)
        if kind == "sms:received":
            sender, text = _text(payload, "phoneNumber"), _text(payload, "message")
            datetime.fromisoformat(_text(payload, "receivedAt").replace("Z", "+00:00"))
        elif kind in RECEIPTS:
            message_id = _text(payload, "messageId")
    except ValueError:  # Malformed, or a receivedAt that is no time: nothing was done
        return HttpResponseBadRequest("malformed", content_type="text/plain")
    if kind == "sms:received":
        inbound_sms(
            provider=PROVIDER,
            sender=sender,
            recipient=settings.ANDROID_GATEWAY_NUMBER or str(payload.get("recipient") or ""),
            text=text,
            event_key=event_id,
            payload=event,
        )
    elif kind in RECEIPTS:
        inbound_receipt(
            provider=PROVIDER,
            provider_message_id=message_id,
            state=RECEIPTS[kind],
            event_key=event_id,
            payload=event,
        )
    # Other events (system:ping, data SMS, MMS) are answered and left alone.
    return HttpResponse("ok", content_type="text/plain")
