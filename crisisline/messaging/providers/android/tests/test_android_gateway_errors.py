"""A refusal of the message itself is permanent (the page moves to the next channel); an outage or a full
queue is temporary (retried with back-off). No error names the number."""

import pytest

from crisisline.messaging.providers.android.transport import AndroidGatewayTransport
from crisisline.messaging.providers.http.tests.server import closed_port_url
from crisisline.messaging.transport import OutboundMessage, TransportError

NUMBER = "+442079460123"
MESSAGE = OutboundMessage(idempotency_key="k1", channel="sms", to=NUMBER, body="Crisis C-1", template="page")


@pytest.mark.parametrize(
    ("status", "permanent"),
    [(400, True), (401, True), (403, True), (429, False), (500, False), (502, False), (503, False)],
)
def test_the_gateways_answer_decides_whether_to_retry(gateway, status, permanent):
    gateway.status = status
    with pytest.raises(TransportError) as raised:
        AndroidGatewayTransport().send(MESSAGE)
    assert raised.value.permanent is permanent
    assert str(status) in str(raised.value)
    assert NUMBER not in str(raised.value) and "7946" not in str(raised.value)


def test_a_gateway_that_cannot_be_reached_is_a_temporary_failure(android):
    android.ANDROID_GATEWAY_URL = closed_port_url()
    with pytest.raises(TransportError) as raised:
        AndroidGatewayTransport().send(MESSAGE)
    assert raised.value.permanent is False
    assert "127.0.0.1" not in str(raised.value)


def test_an_answer_that_is_not_the_gateways_is_a_temporary_failure(gateway):
    gateway.server.answer = lambda request: (202, {"unexpected": True})
    with pytest.raises(TransportError) as raised:
        AndroidGatewayTransport().send(MESSAGE)
    assert raised.value.permanent is False


def test_an_unconfigured_gateway_moves_the_page_on(android):
    android.ANDROID_GATEWAY_PASSWORD = ""
    with pytest.raises(TransportError) as raised:
        AndroidGatewayTransport().send(MESSAGE)
    assert raised.value.permanent is True


def test_only_sms_is_carried(gateway):
    email = OutboundMessage(idempotency_key="k2", channel="email", to="a@b.org", body="x", template="page")
    with pytest.raises(TransportError) as raised:
        AndroidGatewayTransport().send(email)
    assert raised.value.permanent is True
    assert gateway.posts == []
