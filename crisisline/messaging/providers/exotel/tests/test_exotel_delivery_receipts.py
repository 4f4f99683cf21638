"""Exotel's status callbacks (POSTs with SmsSid or CallSid and Status) update the page's message:
delivered, or failed / failed-dnd, which moves the page to the person's next channel; a voice page's call
that ended unanswered is a failed page. A repeated callback is a no-op."""

import pytest

from crisisline.crises.services import Intake, crisis_open
from crisisline.messaging.models import ContactPoint, InboundEvent, Message
from crisisline.messaging.providers.exotel.tests.conftest import EXOTEL_ADDRESS, hook, post
from crisisline.oncall.models import Page
from crisisline.oncall.tests.conftest import tick

SID = "b2a1" * 8


@pytest.fixture
def sent_sms(world, exotel, settings, recorder):
    """The on-call responder's page went out by SMS through Exotel (recorded as if sent)."""
    settings.MESSAGING_PROVIDERS = {**settings.MESSAGING_PROVIDERS, "sms": "exotel"}
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
    Message.objects.filter(pk=message.pk).update(provider_message_id=SID)
    message.refresh_from_db()
    assert (message.provider, message.state) == ("exotel", Message.State.SENT)
    return message


def sms_status(status: str, detail: str = "", code: str = "") -> dict:
    return {
        "SmsSid": SID,
        "To": "09845012345",
        "Status": status,
        "SmsUnits": "1",
        "DetailedStatus": detail,
        "DetailedStatusCode": code,
        "DateSent": "2025-03-03 10:15:05",
    }


def test_sent_to_the_handset_is_delivered(client, sent_sms):
    response = post(client, hook("status"), sms_status("sent", "DELIVERED_TO_HANDSET", "20005"))
    assert response.status_code == 200 and response.content == b""
    sent_sms.refresh_from_db()
    assert sent_sms.state == Message.State.DELIVERED


def test_sent_to_the_operator_only_changes_nothing(client, sent_sms):
    post(client, hook("status"), sms_status("sent", "DELIVERED_TO_OPERATOR", "20006"))
    sent_sms.refresh_from_db()
    assert sent_sms.state == Message.State.SENT


@pytest.mark.parametrize(
    ("status", "detail"),
    [("failed", "FAILED_INVALID_NUMBER"), ("failed-dnd", "FAILED_DND"), ("failed_dnd", "")],
)
def test_failed_moves_the_page_to_her_next_channel(client, sent_sms, recorder, status, detail):
    post(client, hook("status"), sms_status(status, detail))
    sent_sms.refresh_from_db()
    assert sent_sms.state == Message.State.FAILED
    tick()
    assert [m.channel for m in recorder.sent] == ["sms", "console"]
    assert Page.objects.get(pk=sent_sms.page_id).channel_index == 1


def test_a_repeated_failure_report_moves_the_page_on_once(client, sent_sms, recorder):
    post(client, hook("status"), sms_status("failed", "FAILED_INVALID_NUMBER"))
    post(client, hook("status"), sms_status("failed", "FAILED_INVALID_NUMBER"))
    tick()
    assert InboundEvent.objects.count() == 1
    assert Message.objects.filter(page_id=sent_sms.page_id).count() == 2


@pytest.mark.parametrize(
    ("status", "state"), [("no-answer", "failed"), ("busy", "failed"), ("completed", "delivered")]
)
def test_a_voice_pages_call_ends_answered_or_failed(client, sent_sms, status, state):
    Message.objects.filter(pk=sent_sms.pk).update(channel="voice", provider_message_id="c" * 32)
    params = {"CallSid": "c" * 32, "Status": status, "RecordingUrl": "", "DateUpdated": "2025-03-03 10:16:00"}
    # Exotel posts a call's status callback as multipart/form-data (the test client's default).
    assert client.post(hook("status"), params, REMOTE_ADDR=EXOTEL_ADDRESS).status_code == 200
    sent_sms.refresh_from_db()
    assert sent_sms.state == state


@pytest.mark.parametrize("params", [{"Status": "failed"}, {"SmsSid": SID}, {"CallSid": "c" * 32}])
def test_a_callback_without_its_fields_is_a_400_with_no_side_effect(client, sent_sms, params):
    assert post(client, hook("status"), params).status_code == 400
    assert not InboundEvent.objects.exists()
    sent_sms.refresh_from_db()
    assert sent_sms.state == Message.State.SENT
