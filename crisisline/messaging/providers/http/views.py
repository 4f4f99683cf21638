"""The HTTP gateway's webhooks: /hooks/http/<secret>/sms (an SMS received) and /hooks/http/<secret>/status
(a delivery report), by GET or POST, form or JSON, with the provider's field names configured in
CRISISLINE_HTTP_INBOUND_FIELDS (ours: from, to, text, id, message_id, status).

A generic gateway cannot sign: the secret in the path is the credential, compared in constant time, and the
request may be limited to the provider's networks (CRISISLINE_HTTP_ALLOWED_NETWORKS). Anything else is
refused (403) and recorded. A repeat is a no-op: the provider's event id where it sends one, else the digest
of the whole request."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from crisisline.lib.http import client_address
from crisisline.messaging.providers.http.transport import dig
from crisisline.messaging.services import inbound_receipt, inbound_refused, inbound_sms

PROVIDER = "http"
# Delivery-report words, our state for each: SMPP's DLR "stat" values and the usual words. Anything else is
# kept and ignored.
STATES = {
    "delivered": "delivered",
    "delivrd": "delivered",
    "success": "delivered",
    "sent": "sent",
    "acceptd": "sent",
    "accepted": "sent",
    "enroute": "sent",
    "submitted": "sent",
    "failed": "failed",
    "undeliv": "failed",
    "undelivered": "failed",
    "expired": "failed",
    "rejectd": "failed",
    "rejected": "failed",
    "deleted": "failed",
}


def _params(request) -> dict | None:
    """The webhook's fields: the query, then a form or JSON body over it; None for a body that is no JSON
    object."""
    params: dict = dict(request.GET.items())
    if request.method == "POST":
        if request.content_type == "application/json":
            try:
                body = json.loads(request.body or b"null")
            except ValueError:
                return None
            if not isinstance(body, dict):
                return None
            params.update(body)
        else:
            params.update(request.POST.items())
    return params


def _refusal(request, secret: str) -> str:
    expected = settings.HTTP_INBOUND_SECRET
    if not expected:
        return "no webhook secret is configured"
    if not hmac.compare_digest(secret.encode(), expected.encode()):
        return "wrong secret"
    if settings.HTTP_ALLOWED_NETWORKS:
        try:
            address = ipaddress.ip_address(client_address(request))
        except ValueError:
            return "no client address"
        if not any(
            address in ipaddress.ip_network(net, strict=False) for net in settings.HTTP_ALLOWED_NETWORKS
        ):
            return "address not allowed"
    return ""


def _field(params: dict, ours: str) -> str:
    value = dig(params, settings.HTTP_INBOUND_FIELDS.get(ours, ours))
    return "" if value is None or isinstance(value, dict | list) else str(value).strip()


def _event_key(params: dict) -> str:
    given = _field(params, "id")
    if given:
        return given
    canonical = json.dumps(params, sort_keys=True, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def _door(kind: str, read, service):
    """Refuse what cannot be trusted (403, recorded), answer 400 to what cannot be read (nothing done), and
    hand the rest to the service."""

    @csrf_exempt
    @require_http_methods(["GET", "POST"])
    def view(request, secret: str):
        params = _params(request)
        reason = _refusal(request, secret)
        if reason:
            inbound_refused(provider=PROVIDER, reason=reason, payload=params or {"body": "unreadable"})
            return HttpResponseForbidden()
        found = read(params) if params is not None else None
        if found is None:
            return HttpResponseBadRequest("malformed", content_type="text/plain")
        service(provider=PROVIDER, event_key=f"{kind}:{_event_key(params)}", payload=params, **found)
        return HttpResponse("ok", content_type="text/plain")

    return view


def _sms(params: dict) -> dict | None:
    sender, text = _field(params, "from"), _field(params, "text")
    if not sender or not text:
        return None
    return {"sender": sender, "recipient": _field(params, "to"), "text": text}


def _status(params: dict) -> dict | None:
    message_id, word = _field(params, "message_id"), _field(params, "status")
    if not message_id or not word:
        return None
    return {"provider_message_id": message_id, "state": STATES.get(word.lower(), word.lower()[:24])}


sms = _door("sms", _sms, inbound_sms)
status = _door("status", _status, inbound_receipt)
