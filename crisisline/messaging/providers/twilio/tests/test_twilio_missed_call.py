"""A missed call on a team's helpline through Twilio: a call-back crisis for the team, and the on-call call
receiver is paged to call back. Either the helpline's Voice URL is /hooks/twilio/call/ (the call is
rejected as busy, free for the caller) or an inbound call's status callback says nobody answered. The same
call reported twice counts once; a call to a number that is no helpline creates nothing."""

import pytest

from crisisline.crises.models import Crisis
from crisisline.lib.phones import demo_number
from crisisline.messaging.models import InboundEvent
from crisisline.messaging.providers.twilio.tests.conftest import call_params, post, twiml
from crisisline.oncall.models import Page

CALLER = demo_number(997)
HELPLINE = demo_number(0)  # the Mysuru Bus Stand team's helpline (root conftest)


def test_a_call_to_the_helpline_is_rejected_as_busy_and_becomes_a_call_back(
    client, twilio, world, call_receiver_on_call
):
    response = post(
        client,
        "/hooks/twilio/call/",
        call_params(sid="CA" + "1" * 32, caller=CALLER, called=HELPLINE, status="ringing"),
    )
    assert response.status_code == 200
    root = twiml(response)
    assert [(child.tag, child.get("reason")) for child in root] == [("Reject", "busy")]
    crisis = Crisis.objects.get(crisis_type__code="call_back")
    assert crisis.team == world.team
    assert [page.person for page in Page.objects.filter(crisis=crisis)] == [call_receiver_on_call]
    assert CALLER.encode() not in response.content


@pytest.mark.parametrize("status", ["no-answer", "busy", "canceled", "failed"])
def test_an_inbound_call_nobody_answered_is_a_missed_call(
    client, twilio, world, call_receiver_on_call, status
):
    params = call_params(sid="CA" + "2" * 32, caller=CALLER, called=HELPLINE, status=status)
    assert post(client, "/hooks/twilio/status/", params).status_code == 204
    crisis = Crisis.objects.get(crisis_type__code="call_back")
    assert Page.objects.filter(crisis=crisis, person=call_receiver_on_call).exists()


@pytest.mark.parametrize("status", ["completed", "in-progress", "ringing"])
def test_an_answered_inbound_call_is_no_missed_call(client, twilio, world, status):
    params = call_params(sid="CA" + "3" * 32, caller=CALLER, called=HELPLINE, status=status)
    assert post(client, "/hooks/twilio/status/", params).status_code == 204
    assert not Crisis.objects.exists()
    assert not InboundEvent.objects.exists()


def test_the_same_call_reported_twice_and_both_ways_counts_once(client, twilio, world, call_receiver_on_call):
    params = call_params(sid="CA" + "4" * 32, caller=CALLER, called=HELPLINE, status="ringing")
    post(client, "/hooks/twilio/call/", params)
    post(client, "/hooks/twilio/call/", params)
    post(client, "/hooks/twilio/status/", {**params, "CallStatus": "busy"})
    assert Crisis.objects.count() == 1
    assert InboundEvent.objects.count() == 1


def test_a_call_to_a_number_that_is_no_helpline_creates_nothing(client, twilio, world):
    params = call_params(sid="CA" + "5" * 32, caller=CALLER, called="+14155550100", status="ringing")
    response = post(client, "/hooks/twilio/call/", params)
    assert twiml(response)[0].tag == "Reject"
    assert not Crisis.objects.exists()
    assert InboundEvent.objects.get().outcome == "unknown_number"


@pytest.mark.parametrize("missing", ["CallSid", "From", "To"])
def test_a_call_without_twilios_fields_is_a_400_with_no_side_effect(client, twilio, world, missing):
    params = call_params(sid="CA" + "6" * 32, caller=CALLER, called=HELPLINE, status="busy")
    del params[missing]
    for path in ("/hooks/twilio/call/", "/hooks/twilio/status/"):
        assert post(client, path, params).status_code == 400
    assert not Crisis.objects.exists()
    assert not InboundEvent.objects.exists()
