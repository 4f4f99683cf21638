"""Delivery reports from the phone update the message: sent, delivered; a repeat is a no-op."""

import pytest
from django.utils import timezone

from conftest import make_person
from crisisline.messaging.models import InboundEvent, Message
from crisisline.messaging.services import Text, contact_point_add, deliver_messages, message_queue

from .conftest import post, report

NUMBER = "+442079460123"


@pytest.fixture
def sent(db, client, android, sms_by_android):
    point = contact_point_add(person=make_person("sunita"), channel="sms", address=NUMBER)
    values = {"ref": "C-7K3P", "urgency": "urgent", "code": "C7K3P", "link": "https://x.example/p/t"}
    message = message_queue(key="page:3:escalation:0:0:2:ch0", point=point, text=Text("page", values))
    deliver_messages(timezone.now(), "worker")
    message.refresh_from_db()
    assert message.state == Message.State.SENT
    return message


def test_sent_then_delivered(client, sent):
    assert post(client, report("sms:sent", sent.provider_message_id, NUMBER)).status_code == 200
    sent.refresh_from_db()
    assert sent.state == Message.State.SENT

    assert post(client, report("sms:delivered", sent.provider_message_id, NUMBER)).status_code == 200
    sent.refresh_from_db()
    assert sent.state == Message.State.DELIVERED
    assert sent.delivered_at is not None
    outcomes = InboundEvent.objects.filter(kind=InboundEvent.Kind.RECEIPT).values_list("outcome", flat=True)
    assert sorted(outcomes) == ["delivered", "sent"]


def test_a_repeated_report_is_a_no_op(client, sent):
    failed = report("sms:failed", sent.provider_message_id, NUMBER, webhook_id="same-webhook")
    post(client, failed)
    sent.refresh_from_db()
    first_failed_at = sent.failed_at

    assert post(client, failed).status_code == 200

    sent.refresh_from_db()
    assert sent.failed_at == first_failed_at
    assert InboundEvent.objects.filter(kind=InboundEvent.Kind.RECEIPT).count() == 1
