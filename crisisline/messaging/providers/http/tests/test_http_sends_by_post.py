"""A POST gateway, with the fields in a form or a JSON body under the provider's names, and its message id
read from its answer where configured."""

import pytest

from crisisline.messaging.providers.http.transport import HttpGatewayTransport, reference
from crisisline.messaging.transport import OutboundMessage, TransportError

FIELDS = {"to": "mobile", "text": "message", "sender": "senderid", "key": "reference"}


def message(key="page:2:escalation:0:0:3:ch1"):
    return OutboundMessage(
        idempotency_key=key, channel="sms", to="+919845012345", body="Crisis C-1 urgent", template="page"
    )


@pytest.fixture
def posting(aggregator, settings):
    settings.HTTP_SMS_URL = aggregator.url + "/v2/sms"
    settings.HTTP_SMS_METHOD = "POST"
    settings.HTTP_SMS_FIELDS = FIELDS
    return aggregator


def test_json_body_and_the_providers_id_from_its_answer(posting, settings):
    settings.HTTP_SMS_FORMAT = "json"
    settings.HTTP_SMS_ID_FIELD = "data.0.id"

    receipt = HttpGatewayTransport().send(message())

    [request] = posting.seen
    assert (request.method, request.path, request.query) == ("POST", "/v2/sms", {})
    assert request.headers["Content-Type"] == "application/json"
    assert request.json() == {
        "mobile": "+919845012345",
        "message": "Crisis C-1 urgent",
        "senderid": "CRSLNE",
        "reference": reference("page:2:escalation:0:0:3:ch1"),
    }
    assert receipt.provider_message_id == "MSG-1"


def test_form_body(posting, settings):
    settings.HTTP_SMS_FORMAT = "form"

    HttpGatewayTransport().send(message())

    [request] = posting.seen
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.form()["mobile"] == "+919845012345"
    assert request.form()["message"] == "Crisis C-1 urgent"


def test_an_answer_without_the_configured_id_is_tried_again(posting, settings):
    settings.HTTP_SMS_FORMAT = "json"
    settings.HTTP_SMS_ID_FIELD = "data.0.id"
    posting.answer = lambda request: (200, {"status": "error", "message": "invalid sender"})

    with pytest.raises(TransportError) as raised:
        HttpGatewayTransport().send(message())
    assert raised.value.permanent is False


def test_every_attempt_of_a_message_carries_the_same_idempotency_key(posting):
    HttpGatewayTransport().send(message("k-1"))
    HttpGatewayTransport().send(message("k-1"))
    HttpGatewayTransport().send(message("k-2"))
    keys = [request.headers["Idempotency-Key"] for request in posting.seen]
    assert keys[0] == keys[1] != keys[2]
