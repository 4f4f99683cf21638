"""Twilio's refusals: a 4xx is permanent (the page moves to the person's next channel), a 5xx or a network
failure temporary (retried with back-off). Nothing of the number reaches the error kept on the row."""

from datetime import timedelta

import pytest

from crisisline.crises.services import Intake, crisis_open
from crisisline.messaging import transport as transports
from crisisline.messaging.models import ContactPoint, Message
from crisisline.messaging.providers.twilio.transport import TwilioTransport
from crisisline.messaging.transport import OutboundMessage, TransportError
from crisisline.oncall.models import Page
from crisisline.oncall.tests.conftest import tick

INVALID_NUMBER = {
    "code": 21211,
    "message": "The 'To' number +442079460123 is not a valid phone number.",
    "more_info": "https://www.twilio.com/docs/errors/21211",
    "status": 400,
}
OPTED_OUT = {"code": 21610, "message": "Attempt to send to unsubscribed recipient", "status": 400}
OUTAGE = {"code": 20500, "message": "Internal Server Error", "status": 500}


def message() -> OutboundMessage:
    return OutboundMessage(
        idempotency_key="page:9:sms",
        channel="sms",
        to="+442079460123",
        body="Crisisline C-7K3P",
        template="page",
    )


@pytest.mark.parametrize("answer", [(400, INVALID_NUMBER), (400, OPTED_OUT), (404, {"status": 404})])
def test_a_4xx_is_permanent(fake_twilio, answer):
    fake_twilio.answers.append(answer)
    with pytest.raises(TransportError) as raised:
        TwilioTransport().send(message())
    assert raised.value.permanent is True
    assert "+44" not in str(raised.value) and "2079460123" not in str(raised.value)


@pytest.mark.parametrize("answer", [(503, OUTAGE), (500, OUTAGE), (429, {"code": 20429, "status": 429})])
def test_a_5xx_or_too_many_requests_is_temporary(fake_twilio, answer):
    fake_twilio.answers.append(answer)
    with pytest.raises(TransportError) as raised:
        TwilioTransport().send(message())
    assert raised.value.permanent is False


def test_twilio_out_of_reach_is_temporary(twilio):
    twilio.TWILIO_API_BASE = "http://127.0.0.1:9"  # the discard port: nothing listens
    with pytest.raises(TransportError) as raised:
        TwilioTransport().send(message())
    assert raised.value.permanent is False


@pytest.fixture
def sms_first(world, fake_twilio, settings, monkeypatch):
    """The on-call responder's SMS (through Twilio) comes before her console channel."""
    settings.MESSAGING_PROVIDERS = {**settings.MESSAGING_PROVIDERS, "sms": "twilio"}
    monkeypatch.setitem(transports.OVERRIDES, "twilio", TwilioTransport())
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


def test_an_invalid_number_moves_the_page_to_her_next_channel(world, fake_twilio, sms_first, recorder):
    fake_twilio.answers.append((400, INVALID_NUMBER))
    crisis = open_crisis(world)
    tick()
    sms = Message.objects.get(page__crisis=crisis, channel="sms")
    assert sms.provider == "twilio"
    assert sms.state == Message.State.FAILED
    assert sms.last_error == "twilio 400 21211"
    tick()
    assert [m.to for m in recorder.sent] == ["rekha"]  # the console, her next channel
    assert Page.objects.get(crisis=crisis).state == Page.State.PENDING


def test_an_outage_is_retried_with_back_off_and_then_sent(world, fake_twilio, sms_first, recorder):
    fake_twilio.answers.append((503, OUTAGE))
    crisis = open_crisis(world)
    tick()
    sms = Message.objects.get(page__crisis=crisis, channel="sms")
    assert (sms.state, sms.attempts) == (Message.State.QUEUED, 1)
    assert sms.due_at > sms.created_at
    tick(timedelta(seconds=6))
    sms.refresh_from_db()
    assert (sms.state, sms.attempts) == (Message.State.SENT, 2)
    assert sms.provider_message_id.startswith("SM")
    assert len(fake_twilio.requests) == 2
    assert recorder.sent == []
