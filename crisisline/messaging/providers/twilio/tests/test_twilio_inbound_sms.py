"""An SMS through Twilio: a responder's "1 <code>" accepts her page; a stranger's SMS on no helpline is
noted as unknown, creates nothing and the answer says nothing; a repeat is a no-op; a form without
Twilio's fields is refused with 400 and leaves no trace."""

import json

import pytest

from crisisline.crises.models import Crisis
from crisisline.crises.services import Intake, crisis_open
from crisisline.lib.crypto import unseal
from crisisline.lib.phones import demo_number
from crisisline.messaging.models import InboundEvent
from crisisline.messaging.providers.twilio.tests.conftest import post, sms_params
from crisisline.oncall.models import Page
from crisisline.oncall.services import reply_code

HOOK = "/hooks/twilio/sms/"
STRANGER = demo_number(999)
PAGING_NUMBER = "+14155550100"  # our Twilio number, not a helpline


def open_crisis(world):
    return crisis_open(
        team=world.team,
        intake=Intake(crisis_type="physical_violence", urgency="urgent"),
        by=world.call_receiver,
    ).crisis


def test_a_reply_from_her_number_accepts_her_page(client, twilio, world, recorder):
    crisis = open_crisis(world)
    rekha = world.responders[0]
    params = sms_params(
        sid="SM" + "a" * 32,
        sender=world.numbers["rekha"],
        to=PAGING_NUMBER,
        body=f"1 {reply_code(crisis.reference)}",
    )
    response = post(client, HOOK, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.decode().endswith("<Response />")
    page = Page.objects.get(crisis=crisis)
    assert (page.state, page.answered_via) == (Page.State.ACCEPTED, Page.Via.SMS)
    assert crisis.assignments.get().person == rekha
    event = InboundEvent.objects.get(kind=InboundEvent.Kind.SMS)
    assert event.outcome == "accepted"
    assert event.dedupe_key == "twilio:sms:SM" + "a" * 32


def test_the_raw_payload_is_kept_sealed(client, twilio, world):
    params = sms_params(sid="SM" + "b" * 32, sender=STRANGER, to=PAGING_NUMBER, body="hello")
    post(client, HOOK, params)
    event = InboundEvent.objects.get()
    assert STRANGER not in event.payload_sealed
    assert json.loads(unseal(event.payload_sealed, purpose="messaging.inbound")) == params


def test_an_unknown_sender_on_no_helpline_creates_nothing_and_learns_nothing(client, twilio, world, caplog):
    before = Crisis.objects.count()
    params = sms_params(sid="SM" + "c" * 32, sender=STRANGER, to=PAGING_NUMBER, body="who is this?")
    response = post(client, HOOK, params)
    assert response.status_code == 200
    assert response.content.decode().endswith("<Response />")  # no reply, nothing about anyone
    assert InboundEvent.objects.get().outcome == "unknown_number"
    assert Crisis.objects.count() == before
    assert STRANGER not in caplog.text and STRANGER[3:] not in caplog.text


def test_an_sms_on_a_team_helpline_opens_a_call_back_crisis(client, twilio, world):
    helpline = demo_number(0)  # the Mysuru Bus Stand team's helpline (root conftest)
    params = sms_params(sid="SM" + "d" * 32, sender=STRANGER, to=helpline, body="please call me")
    post(client, HOOK, params)
    crisis = Crisis.objects.get(crisis_type__code="call_back")
    assert crisis.team == world.team
    assert InboundEvent.objects.get().outcome == f"call_back:{crisis.reference}"


def test_a_repeated_delivery_is_a_no_op(client, twilio, world, recorder):
    crisis = open_crisis(world)
    params = sms_params(
        sid="SM" + "e" * 32,
        sender=world.numbers["rekha"],
        to=PAGING_NUMBER,
        body=f"2 {reply_code(crisis.reference)}",
    )
    assert post(client, HOOK, params).status_code == 200
    assert post(client, HOOK, params).status_code == 200
    assert InboundEvent.objects.count() == 1
    assert Page.objects.get(crisis=crisis, person=world.responders[0]).state == Page.State.DECLINED
    assert crisis.timeline.filter(data__page="declined").count() == 1


@pytest.mark.parametrize("missing", ["MessageSid", "From", "To", "Body"])
def test_a_form_without_twilios_fields_is_a_400_with_no_side_effect(client, twilio, world, missing):
    params = sms_params(sid="SM" + "f" * 32, sender=STRANGER, to=demo_number(0), body="hello")
    del params[missing]
    if missing == "MessageSid":
        del params["SmsSid"]  # Twilio's older name for the same id
    response = post(client, HOOK, params)
    assert response.status_code == 400
    assert response.content == b""
    assert not InboundEvent.objects.exists()
    assert not Crisis.objects.exists()
