"""Outbound: the real Twilio library sends the form fields Twilio documents to a local stand-in."""

import base64

from crisisline.messaging.providers.twilio.tests.conftest import ACCOUNT_SID, AUTH_TOKEN, FROM
from crisisline.messaging.providers.twilio.transport import TwilioTransport
from crisisline.messaging.transport import OutboundMessage

TO = "+442079460123"


def outbound(channel: str) -> OutboundMessage:
    return OutboundMessage(
        idempotency_key=f"page:1:{channel}",
        channel=channel,
        to=TO,
        body="Crisisline C-7K3P urgent. Reply 1 7K3P to go, 2 7K3P if you cannot.",
        template="page",
        voice_url="https://crisis.example.org/hooks/twilio/voice/tok123/" if channel == "voice" else "",
        status_url="https://crisis.example.org/hooks/twilio/status/",
    )


def test_an_sms_goes_to_messages_json_with_its_status_callback(fake_twilio):
    receipt = TwilioTransport().send(outbound("sms"))
    [request] = fake_twilio.requests
    assert request["path"] == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert request["form"] == {
        "To": TO,
        "From": FROM,
        "Body": "Crisisline C-7K3P urgent. Reply 1 7K3P to go, 2 7K3P if you cannot.",
        "StatusCallback": "https://crisis.example.org/hooks/twilio/status/",
    }
    assert request["auth"] == "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
    assert receipt.provider_message_id.startswith("SM") and receipt.state == "sent"


def test_a_voice_page_is_a_call_that_fetches_its_script_from_the_voice_url(fake_twilio):
    receipt = TwilioTransport().send(outbound("voice"))
    [request] = fake_twilio.requests
    assert request["path"] == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls.json"
    form = request["form"]
    assert (form["To"], form["From"]) == (TO, FROM)
    assert form["Url"] == "https://crisis.example.org/hooks/twilio/voice/tok123/"
    assert form["Method"] == "POST"
    assert form["StatusCallback"] == "https://crisis.example.org/hooks/twilio/status/"
    assert form["StatusCallbackEvent"] == "completed"
    assert receipt.provider_message_id.startswith("CA")


def test_a_messaging_service_sends_when_there_is_no_from_number(fake_twilio, settings):
    settings.TWILIO_FROM = ""
    settings.TWILIO_MESSAGING_SERVICE_SID = "MG" + "1" * 32
    TwilioTransport().send(outbound("sms"))
    form = fake_twilio.requests[0]["form"]
    assert form["MessagingServiceSid"] == "MG" + "1" * 32
    assert "From" not in form


def test_an_api_key_and_secret_authenticate_instead_of_the_auth_token(fake_twilio, settings):
    settings.TWILIO_API_KEY = "SK" + "2" * 32
    settings.TWILIO_API_SECRET = "api-secret"
    TwilioTransport().send(outbound("sms"))
    request = fake_twilio.requests[0]
    assert request["path"] == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert request["auth"] == "Basic " + base64.b64encode(f"SK{'2' * 32}:api-secret".encode()).decode()


def test_lookup_cannot_find_a_message_by_our_key():
    assert TwilioTransport().lookup("page:1:sms") is None
