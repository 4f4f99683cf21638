"""A missed call on a team's helpline through Exotel's Passthru: a call-back crisis for the team, and the
on-call call receiver is paged. A call in which someone spoke with the caller (CallType "completed"), and
our own outbound calls, are no missed calls. The same CallSid counts once."""

import pytest

from crisisline.crises.models import Crisis
from crisisline.lib.phones import demo_number
from crisisline.messaging.models import InboundEvent
from crisisline.messaging.providers.exotel.tests.conftest import get, hook, passthru
from crisisline.oncall.models import Page

CALLER = "09845012345"
HELPLINE = demo_number(0)  # the Mysuru Bus Stand team's helpline (root conftest)


@pytest.mark.parametrize("call_type", ["call-attempt", "incomplete", "client-hangup", "voicemail"])
def test_a_call_nobody_spoke_with_becomes_a_call_back_and_pages_the_call_receiver(
    client, exotel, world, call_receiver_on_call, call_type
):
    response = get(
        client,
        hook("missed-call"),
        passthru(sid="a" * 32, caller=CALLER, called=HELPLINE, CallType=call_type),
    )
    assert response.status_code == 200 and response.content == b""
    crisis = Crisis.objects.get(crisis_type__code="call_back")
    assert crisis.team == world.team
    assert [page.person for page in Page.objects.filter(crisis=crisis)] == [call_receiver_on_call]
    assert InboundEvent.objects.get().outcome == f"call_back:{crisis.reference}"


@pytest.mark.parametrize(
    "more",
    [
        {"CallType": "completed"},
        {"DialCallStatus": "completed"},
        {"Direction": "outbound-dial"},
        {"Direction": "outbound-api"},
    ],
)
def test_an_answered_or_outbound_call_is_no_missed_call(client, exotel, world, more):
    response = get(
        client, hook("missed-call"), passthru(sid="b" * 32, caller=CALLER, called=HELPLINE, **more)
    )
    assert response.status_code == 200
    assert not Crisis.objects.exists()
    assert not InboundEvent.objects.exists()


def test_a_repeated_passthru_is_a_no_op(client, exotel, world, call_receiver_on_call):
    params = passthru(sid="c" * 32, caller=CALLER, called=HELPLINE)
    get(client, hook("missed-call"), params)
    get(client, hook("missed-call"), params)
    assert Crisis.objects.count() == 1
    assert InboundEvent.objects.count() == 1


def test_a_call_to_a_number_that_is_no_helpline_creates_nothing(client, exotel, world):
    response = get(client, hook("missed-call"), passthru(sid="d" * 32, caller=CALLER, called="08047112233"))
    assert response.status_code == 200 and response.content == b""
    assert not Crisis.objects.exists()
    assert InboundEvent.objects.get().outcome == "unknown_number"


def test_the_older_from_and_to_names_are_understood(client, exotel, world):
    params = passthru(sid="e" * 32, caller=CALLER, called=HELPLINE)
    del params["CallFrom"], params["CallTo"]
    get(client, hook("missed-call"), params)
    assert Crisis.objects.get().team == world.team


@pytest.mark.parametrize("missing", ["CallSid", "caller", "called"])
def test_a_passthru_without_its_fields_is_a_400_with_no_side_effect(client, exotel, world, missing):
    params = passthru(sid="f" * 32, caller=CALLER, called=HELPLINE)
    names = {"CallSid": ["CallSid"], "caller": ["CallFrom", "From"], "called": ["CallTo", "To"]}[missing]
    for name in names:
        del params[name]
    assert get(client, hook("missed-call"), params).status_code == 400
    assert not Crisis.objects.exists()
    assert not InboundEvent.objects.exists()
