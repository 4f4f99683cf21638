"""A signed webhook that cannot be read is answered 400 and changes nothing; events we do not use are
answered 200 (so the app stops retrying) and change nothing either."""

import pytest

from crisisline.audit.models import AuditEntry
from crisisline.messaging.models import InboundEvent

from .conftest import event, post, received, report


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        "[]",
        {"event": "sms:received", "id": "x1"},
        {"event": "sms:received", "id": "x1", "payload": "text"},
        {"id": "x1", "payload": {"message": "1 C7K3P"}},
        event("sms:received", {"message": "1 C7K3P", "receivedAt": "2024-06-22T15:46:11Z"}),
        event("sms:received", {"phoneNumber": "+442079460100", "receivedAt": "2024-06-22T15:46:11Z"}),
        event("sms:received", {"phoneNumber": "+442079460100", "message": "1 C7K3P"}),
        event("sms:received", {"phoneNumber": "+442079460100", "message": "hi", "receivedAt": "yesterday"}),
        {**received("+442079460100", "1 C7K3P"), "id": ""},
        event("sms:failed", {"phoneNumber": "+442079460100", "reason": "x"}),
        event("sms:delivered", {"messageId": 12}),
    ],
    ids=[
        "not json",
        "not an object",
        "no payload",
        "payload not an object",
        "no event",
        "no sender",
        "no text",
        "no time",
        "a time that is no time",
        "no webhook id",
        "report without message id",
        "message id not text",
    ],
)
def test_a_malformed_webhook_is_answered_400_with_no_side_effect(client, db, android, body):
    audited = AuditEntry.objects.count()
    response = post(client, body)
    assert response.status_code == 400
    assert not InboundEvent.objects.exists()
    assert AuditEntry.objects.count() == audited


def test_an_event_we_do_not_use_is_answered_and_left_alone(client, db, android):
    ping = event("system:ping", {"health": {"status": "pass", "checks": {}}})
    assert post(client, ping).status_code == 200
    assert not InboundEvent.objects.exists()


def test_a_delivery_report_for_a_message_we_never_sent_reveals_nothing(client, db, android):
    response = post(client, report("sms:delivered", "not-ours", "+442079460100"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert InboundEvent.objects.get().outcome == "unknown_message"


def test_only_post_is_accepted(client, db, android):
    assert client.get("/hooks/android/").status_code == 405
    assert not InboundEvent.objects.exists()
