"""A worker killed after the gateway took a page but before it recorded so: the next worker asks the gateway
by our id (GET /messages/<id>) and records it, and the gateway refuses a second copy of a known id."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import make_person
from crisisline.messaging.models import Message
from crisisline.messaging.providers.android.transport import AndroidGatewayTransport, gateway_id
from crisisline.messaging.providers.http.tests.server import closed_port_url
from crisisline.messaging.services import Text, contact_point_add, deliver_messages, message_queue
from crisisline.messaging.transport import OutboundMessage, TransportError

NUMBER = "+442079460123"


class Killed(BaseException):
    """The worker's process dies: nothing after this line runs, nothing is recorded."""


@pytest.fixture
def queued(db, gateway, settings):
    settings.MESSAGING_PROVIDERS = {**settings.MESSAGING_PROVIDERS, "sms": "android"}
    person = make_person("rekha")
    point = contact_point_add(person=person, channel="sms", address=NUMBER)
    values = {"ref": "C-7K3P", "urgency": "urgent", "code": "C7K3P", "link": "https://x.example/p/t"}
    return message_queue(key="page:9:escalation:0:0:1:ch0", point=point, text=Text("page", values))


def test_the_next_worker_finds_the_page_at_the_gateway_and_does_not_send_it_again(
    queued, gateway, monkeypatch
):
    real_send = AndroidGatewayTransport.send

    def send_then_die(self, message):
        real_send(self, message)
        raise Killed

    monkeypatch.setattr(AndroidGatewayTransport, "send", send_then_die)
    now = timezone.now()
    with pytest.raises(Killed):
        deliver_messages(now, "worker-1")
    queued.refresh_from_db()
    assert queued.state == Message.State.SENDING
    monkeypatch.setattr(AndroidGatewayTransport, "send", real_send)

    assert deliver_messages(now + timedelta(minutes=2), "worker-2") == 1  # the lease ran out

    queued.refresh_from_db()
    assert queued.state == Message.State.SENT
    assert queued.provider_message_id == gateway_id(queued.idempotency_key)
    assert len(gateway.posts) == 1
    assert [seen.method for seen in gateway.server.seen] == ["POST", "GET"]


def test_a_page_the_gateway_already_delivered_is_recorded_as_delivered(gateway):
    transport = AndroidGatewayTransport()
    message = OutboundMessage(
        idempotency_key="k-delivered", channel="sms", to=NUMBER, body="x", template="page"
    )
    transport.send(message)
    gateway.mark(gateway_id("k-delivered"), "Delivered")
    found = transport.lookup("k-delivered")
    assert found is not None and found.state == "delivered"


def test_a_page_the_gateway_never_had_is_sent(gateway):
    assert AndroidGatewayTransport().lookup("never-sent") is None
    assert [seen.path for seen in gateway.server.seen] == [f"/messages/{gateway_id('never-sent')}"]


def test_a_second_send_of_the_same_page_reaches_the_phone_once(gateway):
    transport = AndroidGatewayTransport()
    message = OutboundMessage(idempotency_key="k-twice", channel="sms", to=NUMBER, body="x", template="page")
    first = transport.send(message)
    second = transport.send(message)  # the gateway answers 409: it has this id
    assert first.provider_message_id == second.provider_message_id
    assert len(gateway.messages) == 1


def test_a_page_that_failed_at_the_gateway_is_a_permanent_failure_not_a_second_try(gateway):
    transport = AndroidGatewayTransport()
    message = OutboundMessage(idempotency_key="k-failed", channel="sms", to=NUMBER, body="x", template="page")
    transport.send(message)
    gateway.mark(gateway_id("k-failed"), "Failed")
    assert transport.lookup("k-failed") is None
    with pytest.raises(TransportError) as raised:
        transport.send(message)
    assert raised.value.permanent is True
    assert len(gateway.messages) == 1


def test_a_gateway_that_cannot_say_lets_the_send_go_ahead(android):
    android.ANDROID_GATEWAY_URL = closed_port_url()
    assert AndroidGatewayTransport().lookup("k-unknown") is None
