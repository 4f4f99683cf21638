"""The HTTP gateway's webhooks: SMS received and delivery reports, by GET or POST, with the provider's own
field names. The secret path is the credential, the allow-list narrows who may call; anything else is
refused (403) and recorded, malformed calls change nothing, repeats are no-ops."""

import json

import pytest
from django.utils import timezone

from conftest import make_person
from crisisline.audit.models import AuditEntry
from crisisline.crises.services import Intake, crisis_open
from crisisline.messaging.models import InboundEvent, Message
from crisisline.messaging.services import Text, contact_point_add, message_queue
from crisisline.oncall.models import Page
from crisisline.oncall.services import reply_code

from .conftest import INBOUND_SECRET

SMS_URL = f"/hooks/http/{INBOUND_SECRET}/sms"
STATUS_URL = f"/hooks/http/{INBOUND_SECRET}/status"
FIELDS = {
    "from": "msisdn",
    "to": "vmn",
    "text": "content",
    "id": "mid",
    "message_id": "reference",
    "status": "stat",
}


def refusals() -> list[str]:
    return [
        entry.details["reason"] for entry in AuditEntry.objects.filter(action="messaging.webhook.refused")
    ]


@pytest.fixture
def fields(inbound):
    inbound.HTTP_INBOUND_FIELDS = FIELDS
    return inbound


def test_an_sms_reply_by_get_accepts_the_page(client, world, fields):
    crisis = crisis_open(
        team=world.team, intake=Intake(crisis_type="other", urgency="urgent"), by=None
    ).crisis
    reply = f"1 {reply_code(crisis.reference)}"
    query = {"msisdn": world.numbers["rekha"], "vmn": "+442079460000", "content": reply, "mid": "in-1"}

    response = client.get(SMS_URL, query)

    assert (response.status_code, response.content) == (200, b"ok")
    assert Page.objects.get(crisis=crisis).state == Page.State.ACCEPTED


@pytest.fixture
def sent_message(db, fields):
    point = contact_point_add(person=make_person("kavya"), channel="sms", address="+919845012345")
    values = {"ref": "C-1", "urgency": "urgent", "code": "C1", "link": "https://x.example/p/t"}
    message = message_queue(key="page:5:x", point=point, text=Text("page", values))
    Message.objects.filter(pk=message.pk).update(
        provider="http", state=Message.State.SENT, provider_message_id="MSG-77", sent_at=timezone.now()
    )
    return message


def test_a_delivery_report_by_post_json(client, sent_message):
    body = json.dumps({"reference": "MSG-77", "stat": "DELIVRD", "mid": "dlr-1"})
    response = client.post(STATUS_URL, body, content_type="application/json")
    assert response.status_code == 200
    sent_message.refresh_from_db()
    assert sent_message.state == Message.State.DELIVERED


def test_a_failure_report_by_form(client, sent_message):
    response = client.post(STATUS_URL, {"reference": "MSG-77", "stat": "UNDELIV", "mid": "dlr-2"})
    assert response.status_code == 200
    sent_message.refresh_from_db()
    assert sent_message.state == Message.State.FAILED


def test_fields_may_sit_deeper_in_a_json_body(client, sent_message, inbound):
    inbound.HTTP_INBOUND_FIELDS = {"message_id": "data.ref", "status": "data.state"}
    body = json.dumps({"data": {"ref": "MSG-77", "state": "delivered"}})
    assert client.post(STATUS_URL, body, content_type="application/json").status_code == 200
    sent_message.refresh_from_db()
    assert sent_message.state == Message.State.DELIVERED


def test_a_repeat_is_a_no_op_with_or_without_the_providers_id(client, sent_message, inbound):
    with_id = {"reference": "MSG-77", "stat": "ACCEPTD", "mid": "dlr-3"}
    client.post(STATUS_URL, with_id)
    client.post(STATUS_URL, with_id)
    inbound.HTTP_INBOUND_FIELDS = {**FIELDS, "id": "none_sent"}
    without = {"reference": "MSG-77", "stat": "ENROUTE"}
    client.get(STATUS_URL, without)
    client.get(STATUS_URL, without)
    assert InboundEvent.objects.filter(kind=InboundEvent.Kind.RECEIPT).count() == 2


@pytest.mark.parametrize(
    ("url", "query"),
    [
        (SMS_URL, {"vmn": "+442079460000", "content": "hello"}),
        (SMS_URL, {"msisdn": "+919845012345"}),
        (STATUS_URL, {"stat": "DELIVRD"}),
        (STATUS_URL, {"reference": "MSG-77"}),
    ],
    ids=["sms without sender", "sms without text", "report without id", "report without status"],
)
def test_a_malformed_call_is_answered_400_and_changes_nothing(client, fields, url, query):
    assert client.get(url, query).status_code == 400
    assert not InboundEvent.objects.exists()


def test_a_body_that_is_no_json_object_is_malformed(client, fields):
    response = client.post(STATUS_URL, "[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert client.post(STATUS_URL, "{oops", content_type="application/json").status_code == 400
    assert not InboundEvent.objects.exists()


def test_a_wrong_secret_is_refused_and_recorded(client, fields):
    response = client.get(
        f"/hooks/http/{'x' * len(INBOUND_SECRET)}/sms", {"msisdn": "+919845012345", "content": "hi"}
    )
    assert response.status_code == 403
    assert refusals() == ["wrong secret"]
    assert InboundEvent.objects.get().kind == InboundEvent.Kind.REFUSED


def test_without_a_configured_secret_everything_is_refused(client, fields):
    fields.HTTP_INBOUND_SECRET = ""
    assert client.get(SMS_URL, {"msisdn": "+919845012345", "content": "hi"}).status_code == 403
    assert refusals() == ["no webhook secret is configured"]


def test_the_allow_list_refuses_other_addresses(client, fields):
    fields.HTTP_ALLOWED_NETWORKS = ["203.0.113.0/24", "2001:db8::/32"]
    query = {"msisdn": "+919845012345", "content": "hi", "mid": "a"}
    assert client.get(SMS_URL, query, REMOTE_ADDR="198.51.100.7").status_code == 403
    assert refusals() == ["address not allowed"]
    assert client.get(SMS_URL, query, REMOTE_ADDR="203.0.113.9").status_code == 200
    assert client.get(SMS_URL, {**query, "mid": "b"}, REMOTE_ADDR="2001:db8::5").status_code == 200


def test_other_methods_are_not_allowed(client, fields):
    assert client.put(SMS_URL).status_code == 405


def test_an_sms_and_a_report_with_the_same_provider_id_are_both_taken(client, sent_message):
    client.get(STATUS_URL, {"reference": "MSG-77", "stat": "DELIVRD", "mid": "42"})
    client.get(SMS_URL, {"msisdn": "+919845012345", "content": "hello", "mid": "42"})
    kinds = set(InboundEvent.objects.values_list("kind", flat=True))
    assert kinds == {InboundEvent.Kind.RECEIPT, InboundEvent.Kind.SMS}
