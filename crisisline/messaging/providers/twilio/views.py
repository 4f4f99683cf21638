"""Twilio's webhooks: thin doors onto the messaging services.

Every request must carry a valid `X-Twilio-Signature`, checked with Twilio's own RequestValidator against
the public URL Twilio called (settings.BASE_URL and the path) and the form it posted; anything else is
refused (403), kept and audited (services.inbound_refused). A request without the fields Twilio always
sends is answered 400 with nothing done. A repeat (Twilio retries) is a no-op: each event has a stable key
(MessageSid, CallSid and what happened) and the services keep each key once. Answers hold no identities:
empty TwiML, an empty 204, or the page's own neutral text on a call.

What counts as a missed call on a helpline (docs/messaging.md, "Twilio"):
- any call to the helpline number when that number's Voice URL is `/hooks/twilio/call/`: Crisisline never
  answers it, it rejects the call as busy (so the caller is not charged) and a call receiver calls back;
- a call status callback for an *inbound* call (Direction "inbound") that ended unanswered: CallStatus
  no-answer, busy, canceled or failed (for a helpline that rings a phone of the team first).
The same call reported both ways counts once (the key is the CallSid)."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import VoiceResponse

from crisisline.messaging import services

PROVIDER = "twilio"
SIGNATURE_HEADER = "X-Twilio-Signature"

# Twilio's MessageStatus -> a receipt state. The others (receiving, received, partially_delivered...) are
# not about a page we sent and change nothing.
MESSAGE_STATES = {
    "queued": "sent",
    "accepted": "sent",
    "scheduled": "sent",
    "sending": "sent",
    "sent": "sent",
    "delivered": "delivered",
    "read": "delivered",
    "undelivered": "failed",
    "failed": "failed",
}
# A voice page's CallStatus at its end: answered, or not (the page tries the person's next channel).
CALL_STATES = {
    "completed": "delivered",
    "no-answer": "failed",
    "busy": "failed",
    "failed": "failed",
    "canceled": "failed",
}
UNANSWERED = {"no-answer", "busy", "canceled", "failed"}
# <Say> voices by the page's language; a language Twilio cannot speak falls back to Indian English.
SAY_LANGUAGES = {"en": "en-IN", "hi": "hi-IN", "kn": "kn-IN", "ta": "ta-IN", "te": "te-IN", "mr": "mr-IN"}


def _params(request):
    return request.POST if request.method == "POST" else request.GET


def public_url(request) -> str:
    """The URL Twilio called, as Twilio saw it: the public address, not the one behind the proxy."""
    query = request.META.get("QUERY_STRING", "")
    return settings.BASE_URL + request.path_info + (f"?{query}" if query else "")


def signed(request) -> bool:
    token = settings.TWILIO_AUTH_TOKEN
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not token or not signature:
        return False
    params = request.POST if request.method == "POST" else {}
    return RequestValidator(token).validate(public_url(request), params, signature)


def webhook(*methods: str):
    """Only `methods`, no CSRF (Twilio has no cookie), and Twilio's signature or 403."""

    def decorate(view):
        @csrf_exempt
        @require_http_methods(list(methods))
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not signed(request):
                reason = "unsigned" if SIGNATURE_HEADER not in request.headers else "wrong signature"
                services.inbound_refused(provider=PROVIDER, reason=reason, payload=_params(request).dict())
                return HttpResponse(status=403)
            return view(request, *args, **kwargs)

        return checked

    return decorate


def _has(params, *names: str) -> bool:
    return all(params.get(name, "").strip() for name in names)


def _twiml(response) -> HttpResponse:
    return HttpResponse(str(response), content_type="text/xml; charset=utf-8")


def _bad_request() -> HttpResponse:
    return HttpResponse(status=400)


@webhook("POST")
def sms(request):
    """An SMS to one of our Twilio numbers: a reply to a page, or a message on a team's helpline."""
    params = request.POST
    if not _has(params, "MessageSid", "From", "To") or "Body" not in params:
        return _bad_request()
    services.inbound_sms(
        provider=PROVIDER,
        sender=params["From"],
        recipient=params["To"],
        text=params["Body"],
        event_key=f"sms:{params['MessageSid']}",
        payload=params.dict(),
    )
    # No reply from here whatever happened: answers to a page go out as messages of their own, and an
    # unknown sender learns nothing.
    return _twiml(MessagingResponse())


@webhook("POST")
def status(request):
    """Status callbacks: of an SMS we sent (MessageStatus), of a voice page (CallStatus), or of an
    inbound call to a helpline that nobody answered."""
    params = request.POST
    if "MessageStatus" in params:
        sid = params.get("MessageSid") or params.get("SmsSid", "")
        if not sid.strip():
            return _bad_request()
        state = MESSAGE_STATES.get(params["MessageStatus"])
        if state is not None:
            services.inbound_receipt(
                provider=PROVIDER,
                provider_message_id=sid,
                state=state,
                event_key=f"status:{sid}:{params['MessageStatus']}",
                payload=params.dict(),
            )
        return HttpResponse(status=204)
    if not _has(params, "CallSid", "CallStatus"):
        return _bad_request()
    sid, call_status = params["CallSid"], params["CallStatus"]
    if params.get("Direction") == "inbound":
        if call_status in UNANSWERED:
            if not _has(params, "From", "To"):
                return _bad_request()
            _missed_call(params)
        return HttpResponse(status=204)
    state = CALL_STATES.get(call_status)
    if state is not None:
        services.inbound_receipt(
            provider=PROVIDER,
            provider_message_id=sid,
            state=state,
            event_key=f"call:{sid}:{call_status}",
            payload=params.dict(),
        )
    return HttpResponse(status=204)


@webhook("POST")
def incoming_call(request):
    """A call to a helpline whose Voice URL is this: rejected as busy (free for the caller) and treated as
    a missed call, so the on-call call receiver is paged to call back."""
    params = request.POST
    if not _has(params, "CallSid", "From", "To"):
        return _bad_request()
    _missed_call(params)
    response = VoiceResponse()
    response.reject(reason="busy")
    return _twiml(response)


def _missed_call(params) -> str:
    return services.inbound_missed_call(
        provider=PROVIDER,
        caller=params["From"],
        called=params["To"],
        event_key=f"missed:{params['CallSid']}",
        payload=params.dict(),
    )


def _say_language(message) -> str:
    return SAY_LANGUAGES.get(message.language, "en-IN")


@webhook("GET", "POST")
def voice_script(request, token: str):
    """What a voice page says when it is answered: the page's text, then it waits for one key."""
    message = services.voice_script(token=token)
    response = VoiceResponse()
    if message is None or message.provider != PROVIDER:
        response.hangup()
        return _twiml(response)
    with translation.override(message.language):
        gather = response.gather(
            num_digits=1,
            action=settings.BASE_URL + reverse("twilio_voice_key", args=[token]),
            method="POST",
            timeout=8,
        )
        gather.say(message.body, language=_say_language(message), loop=2)
        response.say(_("No key was pressed. Goodbye."), language=_say_language(message))
    return _twiml(response)


@webhook("POST")
def voice_key(request, token: str):
    """The key pressed on a voice page (Gather's action): 1 accepts, 2 cannot go."""
    params = request.POST
    if not _has(params, "CallSid") or "Digits" not in params:
        return _bad_request()
    outcome = services.inbound_voice_key(
        provider=PROVIDER,
        token=token,
        digit=params["Digits"],
        event_key=f"key:{params['CallSid']}:{params['Digits']}",
        payload=params.dict(),
    )
    message = services.voice_script(token=token)
    response = VoiceResponse()
    if message is None:
        response.hangup()
        return _twiml(response)
    if outcome == "not_understood":
        response.redirect(settings.BASE_URL + reverse("twilio_voice", args=[token]), method="POST")
        return _twiml(response)
    with translation.override(message.language):
        said = {
            "accepted": _("Accepted. Thank you."),
            "declined": _("Noted: someone else will be asked. Thank you."),
        }.get(outcome, _("This crisis no longer needs you. Thank you."))
        response.say(said, language=_say_language(message))
    return _twiml(response)
