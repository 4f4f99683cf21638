"""Exotel's webhooks: thin doors onto the messaging services.

Exotel cannot sign its requests, so two checks stand in for a signature: every URL we give Exotel carries
settings.EXOTEL_WEBHOOK_SECRET as a path segment (compared in constant time), and the request must come
from one of settings.EXOTEL_ALLOWED_NETWORKS. Failing either is refused (403), kept and audited
(services.inbound_refused). A request without the fields Exotel always sends is answered 400 with nothing
done; a repeat is a no-op (each event has a stable key: the SmsSid or CallSid and what happened). Exotel's
Passthru only needs a 200, so every answer is an empty 200 (text/plain): nothing in it says who anyone is.

Exotel's own field names throughout: Passthru requests are GETs with CallSid, CallFrom, CallTo, Direction,
CallType, DialCallStatus, digits (sent in double quotes: "\"1\"") and CustomField; incoming SMS carries
SmsSid, From, To, Body (a GET, after a HEAD that checks the content type); status callbacks are POSTs with
SmsSid or CallSid and Status.

What counts as a missed call on a helpline (docs/messaging.md, "Exotel"): a Passthru on the missed-call URL
for an incoming call (Direction "incoming", or none given) in which nobody spoke with the caller: CallType
is not "completed" (call-attempt, incomplete, client-hangup, voicemail) and DialCallStatus is not
"completed". The same CallSid counts once."""

from __future__ import annotations

import hmac
import ipaddress
from functools import wraps

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from crisisline.lib.http import client_address
from crisisline.messaging import services

PROVIDER = "exotel"

# Exotel's SMS Status -> a receipt state. "sent" is Exotel's last word for an SMS the operator took; it
# says delivered to the handset in DetailedStatus.
SMS_STATES = {
    "queued": "sent",
    "sending": "sent",
    "submitted": "sent",
    "sent": "sent",
    "delivered": "delivered",
    "failed": "failed",
    "failed-dnd": "failed",
    "failed_dnd": "failed",
    "undelivered": "failed",
    "expired": "failed",
}
DELIVERED_DETAIL = "DELIVERED_TO_HANDSET"
# A voice page's call at its end: answered, or not (the page tries the person's next channel).
CALL_STATES = {
    "completed": "delivered",
    "failed": "failed",
    "busy": "failed",
    "no-answer": "failed",
    "canceled": "failed",
}
OUTBOUND = {"outbound-dial", "outbound-api", "outbound"}


def _params(request):
    return request.POST if request.method == "POST" else request.GET


def _from_allowed_network(request) -> bool:
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(network, strict=False) for network in settings.EXOTEL_ALLOWED_NETWORKS
    )


def _right_secret(secret: str) -> bool:
    expected = settings.EXOTEL_WEBHOOK_SECRET
    return bool(expected) and hmac.compare_digest(secret.encode(), expected.encode())


def webhook(*methods: str):
    """Only `methods` (and HEAD), no CSRF, the secret in the path and an allowed network, or 403."""

    def decorate(view):
        @csrf_exempt
        @require_http_methods([*methods, "HEAD"])
        @wraps(view)
        def checked(request, secret: str):
            reason = ""
            if not _right_secret(secret):
                reason = "wrong secret"
            elif not _from_allowed_network(request):
                reason = "address not allowed"
            if reason:
                services.inbound_refused(provider=PROVIDER, reason=reason, payload=_params(request).dict())
                return HttpResponse(status=403)
            if request.method == "HEAD":  # Exotel checks the content type before it sends an SMS on
                return _ok()
            return view(request)

        return checked

    return decorate


def _has(params, *names: str) -> bool:
    return all(params.get(name, "").strip() for name in names)


def _ok(text: str = "") -> HttpResponse:
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


def _bad_request() -> HttpResponse:
    return HttpResponse(status=400)


def _digits(value: str) -> str:
    """Exotel sends the gathered digits in double quotes: '"1"' -> '1'."""
    return value.strip().strip('"').strip()


@webhook("GET", "POST")
def missed_call(request):
    """A Passthru on a helpline's flow: a call nobody answered becomes a call-back crisis."""
    params = _params(request)
    caller = params.get("CallFrom") or params.get("From", "")
    called = params.get("CallTo") or params.get("To", "")
    if not _has(params, "CallSid") or not caller.strip() or not called.strip():
        return _bad_request()
    answered = params.get("CallType") == "completed" or params.get("DialCallStatus") == "completed"
    if params.get("Direction", "incoming") in OUTBOUND or answered:
        return _ok()
    services.inbound_missed_call(
        provider=PROVIDER,
        caller=caller,
        called=called,
        event_key=f"missed:{params['CallSid']}",
        payload=params.dict(),
    )
    return _ok()


@webhook("GET", "POST")
def voice_text(request):
    """What a voice page says: the text of the Greeting applet in the page flow, found by CustomField."""
    params = _params(request)
    if not _has(params, "CustomField"):
        return _bad_request()
    message = services.voice_script(token=params["CustomField"].strip())
    if message is None or message.provider != PROVIDER:
        return _ok()
    return _ok(message.body)


@webhook("GET", "POST")
def voice_key(request):
    """The Passthru after the page flow's Gather: the key pressed (1 accepts, 2 cannot go)."""
    params = _params(request)
    if not _has(params, "CallSid", "CustomField") or "digits" not in params:
        return _bad_request()
    digit = _digits(params["digits"])
    services.inbound_voice_key(
        provider=PROVIDER,
        token=params["CustomField"].strip(),
        digit=digit,
        event_key=f"key:{params['CallSid']}:{digit}",
        payload=params.dict(),
    )
    return _ok()


@webhook("GET", "POST")
def sms(request):
    """An SMS to our ExoPhone: a reply to a page, or a message on a team's helpline. The answer is empty,
    so Exotel sends no reply: the sender learns nothing here."""
    params = _params(request)
    if not _has(params, "SmsSid", "From", "To") or "Body" not in params:
        return _bad_request()
    services.inbound_sms(
        provider=PROVIDER,
        sender=params["From"],
        recipient=params["To"],
        text=params["Body"],
        event_key=f"sms:{params['SmsSid']}",
        payload=params.dict(),
    )
    return _ok()


@webhook("POST")
def status(request):
    """Status callbacks: of an SMS we sent (SmsSid) or of a voice page's call (CallSid)."""
    params = request.POST
    if not _has(params, "Status") or not (_has(params, "SmsSid") or _has(params, "CallSid")):
        return _bad_request()
    reported = params["Status"].strip().lower()
    if _has(params, "SmsSid"):
        sid = params["SmsSid"]
        state = SMS_STATES.get(reported)
        if state == "sent" and params.get("DetailedStatus") == DELIVERED_DETAIL:
            state = "delivered"
    else:
        sid = params["CallSid"]
        state = CALL_STATES.get(reported)
    if state is not None:
        services.inbound_receipt(
            provider=PROVIDER,
            provider_message_id=sid,
            state=state,
            # Exotel may report "sent" twice: taken by the operator, then delivered to the handset.
            event_key=f"status:{sid}:{reported}:{params.get('DetailedStatus', '')}",
            payload=params.dict(),
        )
    return _ok()
