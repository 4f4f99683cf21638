"""Twilio's status callbacks update the page's message: delivered, or failed/undelivered, which moves the
page to the person's next channel. Voice pages report through CallStatus: a call nobody answered is a
failed page. A repeated callback is a no-op."""

import pytest

from crisisline.crises.services import Intake, crisis_open
from crisisline.messaging.models import ContactPoint, InboundEvent, Message
from crisisline.messaging.providers.twilio.tests.conftest import ACCOUNT_SID, call_params, post
from crisisline.oncall.models import Page
from crisisline.oncall.tests.conftest import tick

HOOK = "/hooks/twilio/status/"


@pytest.fixture
def sent_sms(world, twilio, settings, recorder):
    """The on-call responder's page went out by SMS through Twilio (recorded as if sent)."""
    settings.MESSAGING_PROVIDERS = {**settings.MESSAGING_PROVIDERS, "sms": "twilio", "voice": "twilio"}
    rekha = world.responders[0]
    ContactPoint.objects.filter(person=rekha, channel="sms").update(position=0)
    ContactPoint.objects.filter(person=rekha, channel="console").update(position=1)
    crisis = crisis_open(
        team=world.team,
        intake=Intake(crisis_type="physical_violence", urgency="urgent"),
        by=world.call_receiver,
    ).crisis
    tick()
    message = Message.objects.get(page__crisis=crisis)
    Message.objects.filter(pk=message.pk).update(provider_message_id="SM" + "9" * 32)
    message.refresh_from_db()
    assert (message.provider, message.state) == ("twilio", Message.State.SENT)
    return message


def status(sid: str, state: str, code: str = "") -> dict:
    params = {
        "AccountSid": ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
        "From": "+14155550100",
        "To": "+442079460100",
        "MessageSid": sid,
        "SmsSid": sid,
        "MessageStatus": state,
        "SmsStatus": state,
    }
    if code:
        params["ErrorCode"] = code
    return params


def test_delivered_marks_the_message_delivered(client, sent_sms):
    response = post(client, HOOK, status(sent_sms.provider_message_id, "delivered"))
    assert response.status_code == 204 and response.content == b""
    sent_sms.refresh_from_db()
    assert sent_sms.state == Message.State.DELIVERED and sent_sms.delivered_at is not None


@pytest.mark.parametrize("state", ["undelivered", "failed"])
def test_undelivered_or_failed_moves_the_page_to_her_next_channel(client, sent_sms, recorder, state):
    post(client, HOOK, status(sent_sms.provider_message_id, state, code="30003"))
    sent_sms.refresh_from_db()
    assert sent_sms.state == Message.State.FAILED
    tick()
    assert [m.channel for m in recorder.sent] == ["sms", "console"]  # then her console channel
    assert Page.objects.get(pk=sent_sms.page_id).channel_index == 1


@pytest.mark.parametrize("state", ["queued", "sent"])
def test_sent_or_queued_changes_nothing(client, sent_sms, state):
    post(client, HOOK, status(sent_sms.provider_message_id, state))
    sent_sms.refresh_from_db()
    assert sent_sms.state == Message.State.SENT
    assert InboundEvent.objects.get().outcome == "sent"


def test_a_repeated_failure_report_moves_the_page_on_once(client, sent_sms, recorder):
    params = status(sent_sms.provider_message_id, "undelivered")
    post(client, HOOK, params)
    post(client, HOOK, params)
    tick()
    assert InboundEvent.objects.count() == 1
    assert Message.objects.filter(page_id=sent_sms.page_id).count() == 2  # the SMS, then the console once


def test_a_voice_page_nobody_answered_is_a_failed_page(client, sent_sms):
    Message.objects.filter(pk=sent_sms.pk).update(channel="voice", provider_message_id="CA" + "9" * 32)
    params = call_params(
        sid="CA" + "9" * 32,
        caller="+14155550100",
        called="+442079460100",
        status="no-answer",
        direction="outbound-api",
    )
    assert post(client, HOOK, params).status_code == 204
    sent_sms.refresh_from_db()
    assert sent_sms.state == Message.State.FAILED


def test_an_answered_voice_page_is_delivered(client, sent_sms):
    Message.objects.filter(pk=sent_sms.pk).update(channel="voice", provider_message_id="CA" + "8" * 32)
    params = call_params(
        sid="CA" + "8" * 32,
        caller="+14155550100",
        called="+442079460100",
        status="completed",
        direction="outbound-api",
    )
    post(client, HOOK, params)
    sent_sms.refresh_from_db()
    assert sent_sms.state == Message.State.DELIVERED


def test_a_report_on_a_message_we_never_sent_changes_nothing(client, sent_sms):
    post(client, HOOK, status("SM" + "0" * 32, "failed"))
    sent_sms.refresh_from_db()
    assert sent_sms.state == Message.State.SENT
    assert InboundEvent.objects.get().outcome == "unknown_message"


@pytest.mark.parametrize(
    "params", [{"MessageStatus": "delivered"}, {"AccountSid": ACCOUNT_SID}, {"CallStatus": "busy"}]
)
def test_a_callback_without_its_ids_is_a_400_with_no_side_effect(client, sent_sms, params):
    assert post(client, HOOK, params).status_code == 400
    assert not InboundEvent.objects.exists()
    sent_sms.refresh_from_db()
    assert sent_sms.state == Message.State.SENT
