"""Every Twilio webhook checks X-Twilio-Signature (Twilio's own RequestValidator, over the public URL and
the form): unsigned, wrongly signed, signed for another URL or another form, or signed with another
token, it is refused with 403, kept (sealed) and audited, and nothing else happens."""

from urllib.parse import urlencode

import pytest
from django.test import Client

from crisisline.audit.models import AuditEntry
from crisisline.crises.models import Crisis
from crisisline.lib.phones import demo_number
from crisisline.messaging.models import InboundEvent
from crisisline.messaging.providers.twilio.tests.conftest import (
    BASE_URL,
    call_params,
    post,
    signature,
    sms_params,
)

STRANGER = demo_number(998)
HELPLINE = demo_number(0)


def sms():
    return sms_params(sid="SM" + "1" * 32, sender=STRANGER, to=HELPLINE, body="help")


def missed():
    return call_params(sid="CA" + "1" * 32, caller=STRANGER, called=HELPLINE, status="ringing")


HOOKS = {
    "/hooks/twilio/sms/": sms,
    "/hooks/twilio/call/": missed,
    "/hooks/twilio/status/": lambda: {"MessageSid": "SM" + "2" * 32, "MessageStatus": "delivered"},
    "/hooks/twilio/voice/sometoken/": missed,
    "/hooks/twilio/voice/sometoken/key/": lambda: {**missed(), "Digits": "1"},
}


def refused_only(response):
    assert response.status_code == 403
    assert response.content == b""
    assert not Crisis.objects.exists()
    event = InboundEvent.objects.get()
    assert event.kind == InboundEvent.Kind.REFUSED
    assert STRANGER not in event.payload_sealed
    entry = AuditEntry.objects.filter(action="messaging.webhook.refused").get()
    assert entry.details["provider"] == "twilio"
    return entry.details["reason"]


@pytest.mark.parametrize("path", list(HOOKS))
def test_an_unsigned_webhook_is_refused_and_recorded(twilio, db, path):
    assert refused_only(post(Client(), path, HOOKS[path](), signed=False)) == "unsigned"


@pytest.mark.parametrize("path", list(HOOKS))
def test_a_wrongly_signed_webhook_is_refused_and_recorded(twilio, db, path):
    response = Client().post(path, HOOKS[path](), headers={"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"})
    assert refused_only(response) == "wrong signature"


def test_a_signature_over_another_form_is_refused(twilio, db):
    forged = {**sms(), "Body": "1 ABCD"}
    assert refused_only(post(Client(), "/hooks/twilio/sms/", forged, sign_with=sms())) == "wrong signature"


def test_a_signature_for_another_url_is_refused(client, twilio, db):
    params = sms()
    headers = {"X-Twilio-Signature": signature("/hooks/twilio/status/", params)}
    response = client.post("/hooks/twilio/sms/", params, headers=headers)
    assert refused_only(response) == "wrong signature"


def test_a_signature_made_with_another_token_is_refused(client, twilio, db):
    params = sms()
    headers = {"X-Twilio-Signature": signature("/hooks/twilio/sms/", params, token="0" * 32)}
    response = client.post(
        "/hooks/twilio/sms/",
        urlencode(params),
        content_type="application/x-www-form-urlencoded",
        headers=headers,
    )
    assert refused_only(response) == "wrong signature"


def test_without_an_auth_token_configured_every_webhook_is_refused(client, twilio, db):
    params = sms()
    headers = {"X-Twilio-Signature": signature("/hooks/twilio/sms/", params, token="")}
    twilio.TWILIO_AUTH_TOKEN = ""
    assert refused_only(client.post("/hooks/twilio/sms/", params, headers=headers)) == "wrong signature"


def test_the_signature_covers_the_public_url_not_the_address_behind_the_proxy(client, twilio, db):
    params = sms()
    # Signed for the address Twilio called: accepted although the request reached us as http://testserver.
    assert post(client, "/hooks/twilio/sms/", params).status_code == 200
    assert BASE_URL.startswith("https://")
    assert InboundEvent.objects.get().kind == InboundEvent.Kind.SMS
