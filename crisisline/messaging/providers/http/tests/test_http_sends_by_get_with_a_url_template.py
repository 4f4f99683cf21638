"""A GET gateway: the URL template places each value, URL-encoded; configured field names add the rest to
the query; the reference goes as Idempotency-Key."""

from crisisline.messaging.providers.http.transport import HttpGatewayTransport, fill, reference
from crisisline.messaging.transport import OutboundMessage

from .conftest import SECRET_HEADER

TEXT = "Crisis C-7K3P urgent & more: reply 1 C7K3P? ಸಹಾಯ"


def message():
    return OutboundMessage(
        idempotency_key="page:1:escalation:0:0:7:ch1",
        channel="sms",
        to="+919845012345",
        body=TEXT,
        template="page",
        dlt_template_id="1107161234567890123",
    )


def test_the_template_and_the_fields_carry_every_value(aggregator, settings):
    settings.HTTP_SMS_URL = aggregator.url + "/api/send?mobile={to}&msg={text}"
    settings.HTTP_SMS_METHOD = "GET"
    settings.HTTP_SMS_FIELDS = {"sender": "senderid", "template_id": "dlt_template_id", "key": "reference"}

    receipt = HttpGatewayTransport().send(message())

    [request] = aggregator.seen
    assert (request.method, request.path) == ("GET", "/api/send")
    ours = reference("page:1:escalation:0:0:7:ch1")
    assert request.query == {
        "mobile": "+919845012345",
        "msg": TEXT,
        "senderid": "CRSLNE",
        "dlt_template_id": "1107161234567890123",
        "reference": ours,
    }
    assert request.headers["Authorization"] == SECRET_HEADER
    assert request.headers["Idempotency-Key"] == ours
    assert request.body == b""
    assert receipt.provider_message_id == ours  # no id field configured: our reference names it
    assert receipt.state == "sent"


def test_values_are_encoded_so_none_can_break_out_of_its_place():
    url = fill(
        "https://gw.example/send/{to}?text={text}&k={key}", {"to": "+91 98", "text": "a&b=c/d", "key": "x"}
    )
    assert url == "https://gw.example/send/%2B91%2098?text=a%26b%3Dc%2Fd&k=x"


def test_a_value_left_empty_is_not_sent(aggregator, settings):
    settings.HTTP_SMS_URL = aggregator.url + "/send?to={to}&text={text}"
    settings.HTTP_SMS_METHOD = "GET"
    settings.HTTP_SMS_FIELDS = {"template_id": "dlt"}
    HttpGatewayTransport().send(
        OutboundMessage(idempotency_key="k", channel="sms", to="+919845012345", body="x", template="page")
    )
    assert "dlt" not in aggregator.seen[0].query
