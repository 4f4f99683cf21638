"""An SMS through Exotel (a GET with SmsSid, From, To, Date, Body, after a HEAD): a responder's "1 <code>"
accepts her page; a stranger's SMS on no helpline is noted as unknown, creates nothing, and the empty
answer sends no reply; a repeat is a no-op; a request without Exotel's fields is a 400 with no trace."""

import json

import pytest

from crisisline.crises.models import Crisis
from crisisline.crises.services import Intake, crisis_open
from crisisline.lib.crypto import unseal
from crisisline.lib.phones import demo_number
from crisisline.messaging.models import InboundEvent
from crisisline.messaging.providers.exotel.tests.conftest import EXOPHONE, EXOTEL_ADDRESS, get, hook, post
from crisisline.oncall.models import Page
from crisisline.oncall.services import reply_code

STRANGER = "09845012345"  # as Exotel writes an Indian mobile: national, with its 0


def sms(*, sid: str, sender: str, body: str, to: str = EXOPHONE) -> dict:
    return {"SmsSid": sid, "From": sender, "To": to, "Date": "2025-03-03 10:15:00", "Body": body}


def open_crisis(world):
    return crisis_open(
        team=world.team,
        intake=Intake(crisis_type="physical_violence", urgency="urgent"),
        by=world.call_receiver,
    ).crisis


def test_a_reply_from_her_number_accepts_her_page(client, exotel, world, recorder):
    crisis = open_crisis(world)
    params = sms(sid="a" * 32, sender=world.numbers["rekha"], body=f"1 {reply_code(crisis.reference)}")
    response = get(client, hook("sms"), params)
    assert response.status_code == 200 and response.content == b""
    assert response["Content-Type"].startswith("text/plain")
    page = Page.objects.get(crisis=crisis)
    assert (page.state, page.answered_via) == (Page.State.ACCEPTED, Page.Via.SMS)
    event = InboundEvent.objects.get()
    assert (event.outcome, event.dedupe_key) == ("accepted", "exotel:sms:" + "a" * 32)
    assert json.loads(unseal(event.payload_sealed, purpose="messaging.inbound")) == params


def test_exotels_head_check_is_answered_with_the_content_type_and_nothing_done(client, exotel, world):
    response = client.head(hook("sms"), REMOTE_ADDR=EXOTEL_ADDRESS)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert not InboundEvent.objects.exists()


def test_an_unknown_sender_on_no_helpline_creates_nothing_and_learns_nothing(client, exotel, world, caplog):
    response = get(client, hook("sms"), sms(sid="b" * 32, sender=STRANGER, body="who is this"))
    assert response.status_code == 200 and response.content == b""
    assert InboundEvent.objects.get().outcome == "unknown_number"
    assert not Crisis.objects.exists()
    assert "9845012345" not in caplog.text


def test_an_sms_on_a_team_helpline_opens_a_call_back_crisis(client, exotel, world):
    get(client, hook("sms"), sms(sid="c" * 32, sender=STRANGER, body="please call", to=demo_number(0)))
    crisis = Crisis.objects.get(crisis_type__code="call_back")
    assert crisis.team == world.team


def test_a_post_works_as_well_and_a_repeat_is_a_no_op(client, exotel, world, recorder):
    crisis = open_crisis(world)
    params = sms(sid="d" * 32, sender=world.numbers["rekha"], body=f"2 {reply_code(crisis.reference)}")
    assert post(client, hook("sms"), params).status_code == 200
    assert get(client, hook("sms"), params).status_code == 200
    assert InboundEvent.objects.count() == 1
    assert Page.objects.get(crisis=crisis, person=world.responders[0]).state == Page.State.DECLINED
    assert crisis.timeline.filter(data__page="declined").count() == 1


@pytest.mark.parametrize("missing", ["SmsSid", "From", "To", "Body"])
def test_a_request_without_exotels_fields_is_a_400_with_no_side_effect(client, exotel, world, missing):
    params = sms(sid="e" * 32, sender=STRANGER, body="hello", to=demo_number(0))
    del params[missing]
    response = get(client, hook("sms"), params)
    assert response.status_code == 400 and response.content == b""
    assert not InboundEvent.objects.exists()
    assert not Crisis.objects.exists()
