"""A refusal is permanent, an outage temporary; and neither the secret header nor the number reaches an
error or a log line, whatever the log level."""

import logging

import pytest

from crisisline.messaging.providers.http.tests.server import closed_port_url
from crisisline.messaging.providers.http.transport import HttpGatewayTransport
from crisisline.messaging.transport import OutboundMessage, TransportError

from .conftest import SECRET_HEADER

NUMBER = "+919845012345"
MESSAGE = OutboundMessage(idempotency_key="k", channel="sms", to=NUMBER, body="Crisis C-1", template="page")


@pytest.fixture
def gateway(aggregator, settings):
    settings.HTTP_SMS_URL = aggregator.url + "/send?to={to}&text={text}"
    settings.HTTP_SMS_METHOD = "GET"
    settings.HTTP_SMS_FIELDS = {}
    return aggregator


@pytest.mark.parametrize(
    ("status", "permanent"),
    [(400, True), (401, True), (404, True), (408, False), (429, False), (500, False), (503, False)],
)
def test_the_answer_decides_whether_to_retry(gateway, status, permanent, caplog):
    gateway.answer = lambda request: (status, {"error": "no"})
    caplog.set_level(logging.DEBUG)
    with pytest.raises(TransportError) as raised:
        HttpGatewayTransport().send(MESSAGE)
    assert raised.value.permanent is permanent
    assert str(status) in str(raised.value)
    shown = str(raised.value) + caplog.text
    assert SECRET_HEADER not in shown and "s3cret" not in shown
    assert "9845012345" not in str(raised.value)


def test_a_gateway_that_cannot_be_reached_is_temporary_and_names_nothing(settings, aggregator, caplog):
    settings.HTTP_SMS_URL = closed_port_url() + "/send?to={to}&text={text}"
    settings.HTTP_SMS_METHOD = "GET"
    caplog.set_level(logging.DEBUG)
    with pytest.raises(TransportError) as raised:
        HttpGatewayTransport().send(MESSAGE)
    assert raised.value.permanent is False
    assert "9845012345" not in str(raised.value) and "send?" not in str(raised.value)
    assert "s3cret" not in caplog.text


def test_a_successful_send_logs_no_secret(gateway, caplog):
    caplog.set_level(logging.DEBUG)
    HttpGatewayTransport().send(MESSAGE)
    assert gateway.seen[0].headers["Authorization"] == SECRET_HEADER  # it was sent...
    assert "s3cret" not in caplog.text  # ...and never written down


def test_an_unconfigured_gateway_moves_the_page_on(settings):
    settings.HTTP_SMS_URL = ""
    with pytest.raises(TransportError) as raised:
        HttpGatewayTransport().send(MESSAGE)
    assert raised.value.permanent is True
