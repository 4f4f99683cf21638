"""Outbound: an SMS to Sms/send.json with the DLT ids India requires, a voice page to Calls/connect.json
that calls the responder from our ExoPhone into the page flow with the page's token; both with a status
callback whose URL carries the webhook secret."""

import base64

from crisisline.messaging.providers.exotel.tests.conftest import (
    ACCOUNT_SID,
    API_KEY,
    API_TOKEN,
    BASE_URL,
    EXOPHONE,
    SECRET,
)
from crisisline.messaging.providers.exotel.transport import ExotelTransport
from crisisline.messaging.transport import OutboundMessage

TO = "+919845012345"
STATUS_URL = f"{BASE_URL}/hooks/exotel/{SECRET}/status/"


def outbound(
    channel: str, body: str = "Crisisline C-7K3P urgent. Reply 1 7K3P to go, 2 7K3P if you cannot."
) -> OutboundMessage:
    return OutboundMessage(
        idempotency_key=f"page:1:{channel}",
        channel=channel,
        to=TO,
        body=body,
        template="page",
        voice_url=f"{BASE_URL}/hooks/exotel/voice/tok123/" if channel == "voice" else "",
        status_url=f"{BASE_URL}/hooks/exotel/status/",
        dlt_template_id="1107161234567890123" if channel == "sms" else "",
    )


def test_an_sms_carries_the_dlt_ids_and_a_status_callback_with_the_secret(fake_exotel):
    receipt = ExotelTransport().send(outbound("sms"))
    [request] = fake_exotel.requests
    assert request["path"] == f"/v1/Accounts/{ACCOUNT_SID}/Sms/send.json"
    assert request["form"] == {
        "From": "CRSLNE",
        "To": TO,
        "Body": "Crisisline C-7K3P urgent. Reply 1 7K3P to go, 2 7K3P if you cannot.",
        "SmsType": "transactional",
        "EncodingType": "plain",
        "DltEntityId": "1101234567890123456",
        "DltTemplateId": "1107161234567890123",
        "StatusCallback": STATUS_URL,
    }
    assert request["auth"] == "Basic " + base64.b64encode(f"{API_KEY}:{API_TOKEN}".encode()).decode()
    assert receipt.provider_message_id == f"{1:032x}" and receipt.state == "sent"


def test_an_sms_in_hindi_is_sent_as_unicode(fake_exotel):
    ExotelTransport().send(outbound("sms", body="Crisisline C-7K3P तुरंत। जाने के लिए 1 7K3P भेजें।"))
    assert fake_exotel.requests[0]["form"]["EncodingType"] == "unicode"


def test_a_voice_page_connects_her_to_the_page_flow_with_its_token(fake_exotel):
    receipt = ExotelTransport().send(outbound("voice"))
    [request] = fake_exotel.requests
    assert request["path"] == f"/v1/Accounts/{ACCOUNT_SID}/Calls/connect.json"
    form = request["form"]
    assert form["From"] == TO  # the responder is called first
    assert form["CallerId"] == EXOPHONE
    assert form["Url"] == f"http://my.exotel.com/{ACCOUNT_SID}/exoml/start_voice/123456"
    assert form["CustomField"] == "tok123"
    assert form["CallType"] == "trans"
    assert form["StatusCallback"] == STATUS_URL
    assert receipt.provider_message_id == f"{1:032x}"


def test_without_a_dlt_template_the_field_is_left_out(fake_exotel):
    message = outbound("sms")
    ExotelTransport().send(OutboundMessage(**{**message.__dict__, "dlt_template_id": ""}))
    assert "DltTemplateId" not in fake_exotel.requests[0]["form"]


def test_lookup_cannot_find_a_message_by_our_key():
    assert ExotelTransport().lookup("page:1:sms") is None
