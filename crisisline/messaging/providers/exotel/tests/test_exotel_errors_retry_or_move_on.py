"""Exotel's refusals: a 4xx is permanent (the page moves to the person's next channel), a 5xx, a 429 or a
network failure temporary (retried with back-off). Exotel's message may quote the number: it is not
kept."""

from datetime import timedelta

import pytest

from crisisline.crises.services import Intake, crisis_open
from crisisline.messaging import transport as transports
from crisisline.messaging.models import ContactPoint, Message
from crisisline.messaging.providers.exotel.transport import ExotelTransport
from crisisline.messaging.transport import OutboundMessage, TransportError
from crisisline.oncall.models import Page
from crisisline.oncall.tests.conftest import tick

INVALID = {"RestException": {"Status": 400, "Message": "Invalid Recipient [+919845012345]"}}
NO_BALANCE = {"RestException": {"Status": 403, "Message": "Insufficient balance to send the SMS"}}
DOWN = {"RestException": {"Status": 503, "Message": "Service Unavailable"}}


def message() -> OutboundMessage:
    return OutboundMessage(
        idempotency_key="page:9:sms",
        channel="sms",
        to="+919845012345",
        body="Crisisline C-7K3P",
        template="page",
    )


@pytest.mark.parametrize("answer", [(400, INVALID), (403, NO_BALANCE), (401, {})])
def test_a_4xx_is_permanent(fake_exotel, answer):
    fake_exotel.answers.append(answer)
    with pytest.raises(TransportError) as raised:
        ExotelTransport().send(message())
    assert raised.value.permanent is True
    assert "9845012345" not in str(raised.value)


@pytest.mark.parametrize("answer", [(503, DOWN), (500, {}), (429, {"RestException": {"Status": 429}})])
def test_a_5xx_or_too_many_requests_is_temporary(fake_exotel, answer):
    fake_exotel.answers.append(answer)
    with pytest.raises(TransportError) as raised:
        ExotelTransport().send(message())
    assert raised.value.permanent is False


def test_exotel_out_of_reach_is_temporary(exotel):
    exotel.EXOTEL_API_BASE = "http://127.0.0.1:9"  # the discard port: nothing listens
    with pytest.raises(TransportError) as raised:
        ExotelTransport().send(message())
    assert raised.value.permanent is False


def test_an_answer_without_a_sid_is_temporary(fake_exotel):
    fake_exotel.answers.append((200, {"SMSMessage": {}}))
    with pytest.raises(TransportError) as raised:
        ExotelTransport().send(message())
    assert raised.value.permanent is False


@pytest.fixture
def sms_first(world, fake_exotel, settings, monkeypatch):
    """The on-call responder's SMS (through Exotel) comes before her console channel."""
    settings.MESSAGING_PROVIDERS = {**settings.MESSAGING_PROVIDERS, "sms": "exotel"}
    monkeypatch.setitem(transports.OVERRIDES, "exotel", ExotelTransport())
    rekha = world.responders[0]
    ContactPoint.objects.filter(person=rekha, channel="sms").update(position=0)
    ContactPoint.objects.filter(person=rekha, channel="console").update(position=1)
    return rekha


def open_crisis(world):
    return crisis_open(
        team=world.team,
        intake=Intake(crisis_type="physical_violence", urgency="urgent"),
        by=world.call_receiver,
    ).crisis


def test_an_invalid_recipient_moves_the_page_to_her_next_channel(world, fake_exotel, sms_first, recorder):
    fake_exotel.answers.append((400, INVALID))
    crisis = open_crisis(world)
    tick()
    sms = Message.objects.get(page__crisis=crisis, channel="sms")
    assert (sms.provider, sms.state, sms.last_error) == ("exotel", Message.State.FAILED, "exotel 400")
    tick()
    assert [m.to for m in recorder.sent] == ["rekha"]
    assert Page.objects.get(crisis=crisis).state == Page.State.PENDING


def test_an_outage_is_retried_with_back_off_and_then_sent(world, fake_exotel, sms_first, recorder):
    fake_exotel.answers.append((503, DOWN))
    crisis = open_crisis(world)
    tick()
    sms = Message.objects.get(page__crisis=crisis, channel="sms")
    assert (sms.state, sms.attempts) == (Message.State.QUEUED, 1)
    tick(timedelta(seconds=6))
    sms.refresh_from_db()
    assert (sms.state, sms.attempts) == (Message.State.SENT, 2)
    assert sms.provider_message_id == f"{2:032x}"
    assert recorder.sent == []
