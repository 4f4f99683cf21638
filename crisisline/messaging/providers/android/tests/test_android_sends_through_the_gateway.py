"""Outbound SMS go through the gateway's own client library to its /messages API, with our id on them."""

import base64

from crisisline.messaging.providers.android.transport import AndroidGatewayTransport, gateway_id
from crisisline.messaging.transport import OutboundMessage

from .conftest import LOGIN, PASSWORD

NUMBER = "+442079460123"


def page(key="page:1:escalation:0:0:7:ch1", body="Crisis C-7K3P urgent. Reply 1 C7K3P to go."):
    return OutboundMessage(idempotency_key=key, channel="sms", to=NUMBER, body=body, template="page")


def test_the_message_is_posted_with_our_id_number_and_text(gateway):
    receipt = AndroidGatewayTransport().send(page())

    [request] = gateway.posts
    assert request.path == "/messages"  # local server mode: the phone's own API
    sent = request.json()
    assert sent["id"] == gateway_id("page:1:escalation:0:0:7:ch1")
    assert len(sent["id"]) <= 36  # the gateway's limit
    assert sent["phoneNumbers"] == [NUMBER]
    assert sent["textMessage"] == {"text": "Crisis C-7K3P urgent. Reply 1 C7K3P to go."}
    assert sent["withDeliveryReport"] is True
    assert sent["priority"] == 100  # past the phone's rate limits: a page is urgent
    assert sent["ttl"] == 1800
    credentials = base64.b64encode(f"{LOGIN}:{PASSWORD}".encode()).decode()
    assert request.headers["Authorization"] == f"Basic {credentials}"
    assert receipt.provider_message_id == sent["id"]
    assert receipt.state == "sent"


def test_the_cloud_relay_is_reached_under_its_own_path(gateway, settings):
    settings.ANDROID_GATEWAY_URL = gateway.server.url + "/3rdparty/v1/"
    AndroidGatewayTransport().send(page())
    assert [seen.path for seen in gateway.posts] == ["/3rdparty/v1/messages"]


def test_a_token_without_a_login_is_sent_as_a_bearer(gateway, settings):
    settings.ANDROID_GATEWAY_LOGIN = ""
    AndroidGatewayTransport().send(page())
    assert gateway.posts[0].headers["Authorization"] == f"Bearer {PASSWORD}"


def test_each_message_has_its_own_id_and_every_attempt_of_one_the_same():
    assert gateway_id("page:1:a:ch0") == gateway_id("page:1:a:ch0")
    assert gateway_id("page:1:a:ch0") != gateway_id("page:1:a:ch1")
    assert len(gateway_id("x" * 120)) == 32
