"""A voice page through Exotel: the page flow's Greeting reads the page's text from our voice URL (found
by CustomField, the page message's token), its Gather takes one key and its Passthru hands it to us with
the digits in double quotes (Exotel's habit): 1 accepts, 2 cannot go. A repeat is a no-op."""

import pytest

from crisisline.crises.services import Intake, crisis_open
from crisisline.messaging.models import ContactPoint, InboundEvent, Message
from crisisline.messaging.providers.exotel.tests.conftest import EXOPHONE, get, hook
from crisisline.messaging.services import contact_point_add
from crisisline.oncall.models import Page
from crisisline.oncall.tests.conftest import tick

CALL_SID = "f00d" * 8


@pytest.fixture
def voice_page(world, exotel, settings, recorder):
    settings.MESSAGING_PROVIDERS = {**settings.MESSAGING_PROVIDERS, "voice": "exotel"}
    rekha = world.responders[0]
    ContactPoint.objects.filter(person=rekha).update(position=5)
    contact_point_add(person=rekha, channel="voice", address=world.numbers["rekha"], position=0)
    crisis = crisis_open(
        team=world.team,
        intake=Intake(crisis_type="physical_violence", urgency="urgent"),
        by=world.call_receiver,
    ).crisis
    tick()
    message = Message.objects.get(page__crisis=crisis)
    assert (message.channel, message.provider) == ("voice", "exotel")
    return message


def flow(message, **more) -> dict:
    """What Exotel passes along the page flow: the outbound call's details and our CustomField."""
    return {
        "CallSid": CALL_SID,
        "CallFrom": "09845012345",
        "CallTo": EXOPHONE,
        "Direction": "outbound-api",
        "CallType": "call-attempt",
        "CustomField": message.token,
        **more,
    }


def test_the_greeting_reads_the_page_text(client, voice_page):
    response = get(client, hook("voice"), flow(voice_page))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == voice_page.body
    assert voice_page.page.crisis.reference in response.content.decode()


def test_an_unknown_token_reads_nothing(client, voice_page):
    response = get(client, hook("voice"), {**flow(voice_page), "CustomField": "not-a-token"})
    assert response.status_code == 200 and response.content == b""


@pytest.mark.parametrize("digits", ['"1"', "1"])
def test_pressing_1_accepts_the_page(client, voice_page, world, digits):
    response = get(client, hook("voice/key"), flow(voice_page, digits=digits))
    assert response.status_code == 200 and response.content == b""
    page = Page.objects.get(pk=voice_page.page_id)
    assert (page.state, page.answered_via) == (Page.State.ACCEPTED, Page.Via.VOICE)
    assert page.crisis.assignments.get().person == world.responders[0]
    assert InboundEvent.objects.get().dedupe_key == f"exotel:key:{CALL_SID}:1"


def test_pressing_2_declines_and_a_repeat_is_a_no_op(client, voice_page):
    get(client, hook("voice/key"), flow(voice_page, digits='"2"'))
    get(client, hook("voice/key"), flow(voice_page, digits='"2"'))
    assert Page.objects.get(pk=voice_page.page_id).state == Page.State.DECLINED
    assert InboundEvent.objects.count() == 1


def test_no_key_pressed_leaves_the_page_waiting(client, voice_page):
    get(client, hook("voice/key"), flow(voice_page, digits='""'))
    assert Page.objects.get(pk=voice_page.page_id).state == Page.State.PENDING
    assert InboundEvent.objects.get().outcome == "not_understood"


@pytest.mark.parametrize("missing", ["CallSid", "CustomField", "digits"])
def test_a_passthru_without_its_fields_is_a_400_with_no_side_effect(client, voice_page, missing):
    params = flow(voice_page, digits='"1"')
    del params[missing]
    assert get(client, hook("voice/key"), params).status_code == 400
    assert not InboundEvent.objects.exists()
    assert Page.objects.get(pk=voice_page.page_id).state == Page.State.PENDING
