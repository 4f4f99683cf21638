"""A voice page through Twilio: the call fetches TwiML that reads the page (in her language) inside a
<Gather> for one key; the key is posted to the Gather's action: 1 accepts, 2 cannot go, another key hears
the page again. A repeat of the same key on the same call is a no-op."""

import pytest
from django.utils import translation

from crisisline.crises.services import Intake, crisis_open
from crisisline.messaging.models import ContactPoint, InboundEvent, Message
from crisisline.messaging.providers.twilio.tests.conftest import BASE_URL, call_params, post, signature, twiml
from crisisline.messaging.services import contact_point_add
from crisisline.oncall.models import Page
from crisisline.oncall.tests.conftest import tick

OUR_NUMBER = "+14155550100"


@pytest.fixture
def voice_page(world, twilio, settings, recorder):
    """The on-call responder is paged first by a call through Twilio."""
    settings.MESSAGING_PROVIDERS = {**settings.MESSAGING_PROVIDERS, "voice": "twilio"}
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
    assert (message.channel, message.provider) == ("voice", "twilio")
    assert recorder.sent[0].voice_url == f"{BASE_URL}/hooks/twilio/voice/{message.token}/"
    return message


def answered():
    return call_params(
        sid="CA" + "5" * 32,
        caller=OUR_NUMBER,
        called="+442079460100",
        status="in-progress",
        direction="outbound-api",
    )


def test_the_answered_call_reads_the_page_and_waits_for_one_key(client, voice_page):
    path = f"/hooks/twilio/voice/{voice_page.token}/"
    response = post(client, path, answered())
    assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")
    root = twiml(response)
    gather = root.find("Gather")
    assert gather.get("numDigits") == "1" and gather.get("method") == "POST"
    assert gather.get("action") == f"{BASE_URL}/hooks/twilio/voice/{voice_page.token}/key/"
    say = gather.find("Say")
    assert say.text == voice_page.body
    assert voice_page.page.crisis.reference in say.text
    assert say.get("language") == "en-IN"
    assert root.findall("Say")  # what it says when no key came


def test_twilio_may_fetch_the_script_with_a_signed_get(client, voice_page):
    path = f"/hooks/twilio/voice/{voice_page.token}/?CallSid=CA{'5' * 32}"
    response = client.get(path, headers={"X-Twilio-Signature": signature(path, {})})
    assert response.status_code == 200
    assert twiml(response).find("Gather/Say").text == voice_page.body


def test_a_page_in_hindi_is_read_in_hindi(client, voice_page):
    Message.objects.filter(pk=voice_page.pk).update(language="hi")
    root = twiml(post(client, f"/hooks/twilio/voice/{voice_page.token}/", answered()))
    assert root.find("Gather/Say").get("language") == "hi-IN"


def press(client, message, digits: str):
    params = {**answered(), "Digits": digits, "FinishedOnKey": ""}
    return post(client, f"/hooks/twilio/voice/{message.token}/key/", params)


def test_pressing_1_accepts_the_page(client, voice_page, world):
    response = press(client, voice_page, "1")
    assert response.status_code == 200
    with translation.override("en"):
        assert twiml(response).find("Say").text == "Accepted. Thank you."
    page = Page.objects.get(pk=voice_page.page_id)
    assert (page.state, page.answered_via) == (Page.State.ACCEPTED, Page.Via.VOICE)
    assert page.crisis.assignments.get().person == world.responders[0]


def test_pressing_2_declines_and_a_repeat_is_a_no_op(client, voice_page):
    press(client, voice_page, "2")
    press(client, voice_page, "2")
    assert Page.objects.get(pk=voice_page.page_id).state == Page.State.DECLINED
    assert InboundEvent.objects.filter(kind=InboundEvent.Kind.VOICE).count() == 1


def test_another_key_hears_the_page_again(client, voice_page):
    response = press(client, voice_page, "7")
    redirect = twiml(response).find("Redirect")
    assert redirect.text == f"{BASE_URL}/hooks/twilio/voice/{voice_page.token}/"
    assert Page.objects.get(pk=voice_page.page_id).state == Page.State.PENDING


def test_an_unknown_token_hangs_up_and_reveals_nothing(client, voice_page):
    script = post(client, "/hooks/twilio/voice/not-a-token/", answered())
    key = post(client, "/hooks/twilio/voice/not-a-token/key/", {**answered(), "Digits": "1"})
    for response in (script, key):
        assert response.status_code == 200
        assert [child.tag for child in twiml(response)] == ["Hangup"]
    assert Page.objects.get(pk=voice_page.page_id).state == Page.State.PENDING


def test_a_key_post_without_digits_is_a_400_with_no_side_effect(client, voice_page):
    response = post(client, f"/hooks/twilio/voice/{voice_page.token}/key/", answered())
    assert response.status_code == 400
    assert not InboundEvent.objects.exists()
    assert Page.objects.get(pk=voice_page.page_id).state == Page.State.PENDING
