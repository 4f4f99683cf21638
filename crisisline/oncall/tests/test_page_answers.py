"""Every way to answer a page: SMS reply, key on a call, the one-time link; accept and "cannot go"."""

from crisisline.messaging.models import Message
from crisisline.messaging.services import inbound_sms, inbound_voice_key
from crisisline.oncall.models import Escalation, Page
from crisisline.oncall.services import page_answer, reply_references
from crisisline.oncall.tests.conftest import minutes, tick
from crisisline.oncall.tests.test_escalation_on_timeout import open_crisis, paged


def sms(world, who: str, text: str, key: str = "k1") -> str:
    return inbound_sms(
        provider="twilio",
        sender=world.numbers[who],
        recipient="+15005550006",
        text=text,
        event_key=key,
        payload={"Body": text},
    )


def code(crisis) -> str:
    return crisis.reference.replace("-", "")


def test_an_sms_reply_accepts(world, recorder):
    crisis = open_crisis(world)
    assert sms(world, "rekha", f"1 {code(crisis)}") == "accepted"
    assert Escalation.objects.get(crisis=crisis).state == Escalation.State.ACCEPTED
    tick()
    assert any(m.template == "accepted" and m.to == "rekha" for m in recorder.sent)


def test_reply_codes_are_read_the_way_people_type_them(world):
    assert reply_references("c7k3p") == {"C-C7K3P", "C-7K3P"}
    assert reply_references("7K3P") == {"C-7K3P"}
    assert reply_references("C-7K3P") == {"C-C7K3P", "C-7K3P"}
    crisis = open_crisis(world)
    assert sms(world, "rekha", f" 1  {crisis.reference.lower()} ") == "accepted"


def test_cannot_go_pages_the_next_level_at_once(world):
    crisis = open_crisis(world)
    assert sms(world, "rekha", f"2 {code(crisis)}") == "declined"
    assert paged(crisis) == ["rekha", "lead"]  # without waiting for the timeout
    assert Page.objects.get(crisis=crisis, person=world.responders[0]).state == Page.State.DECLINED


def test_a_late_accept_is_told_someone_else_has_it(world, recorder):
    crisis = open_crisis(world)
    tick(minutes(5))  # the lead is paged too
    lead_page = Page.objects.get(crisis=crisis, person=world.lead)
    assert page_answer(page=lead_page, accept=True, via="link") == "accepted"
    assert sms(world, "rekha", f"1 {code(crisis)}", key="k2") == "taken"
    assert crisis.assignments.get().person == world.lead


def test_an_expired_page_can_still_be_accepted_while_nobody_has(world):
    crisis = open_crisis(world)
    tick(minutes(5))
    assert sms(world, "rekha", f"1 {code(crisis)}") == "accepted"
    assert Page.objects.get(crisis=crisis, person=world.lead).state == Page.State.CANCELLED


def test_a_repeated_webhook_is_a_no_op(world):
    crisis = open_crisis(world)
    assert sms(world, "rekha", f"2 {code(crisis)}", key="same") == "declined"
    assert sms(world, "rekha", f"2 {code(crisis)}", key="same") == "declined"
    assert paged(crisis) == ["rekha", "lead"]


def test_a_key_pressed_on_a_voice_page(world, recorder):
    from crisisline.messaging.services import contact_point_add

    contact_point_add(person=world.responders[0], channel="voice", address=world.numbers["rekha"], position=0)
    crisis = open_crisis(world)
    message = Message.objects.get(page__crisis=crisis)
    assert message.channel == "voice" and message.template == "page_voice"
    outcome = inbound_voice_key(
        provider="twilio", token=message.token, digit="1", event_key="call-1", payload={"Digits": "1"}
    )
    assert outcome == "accepted"
    assert Page.objects.get(crisis=crisis).answered_via == "voice"


def test_a_key_other_than_1_or_2_changes_nothing(world):
    from crisisline.messaging.services import contact_point_add

    contact_point_add(person=world.responders[0], channel="voice", address=world.numbers["rekha"], position=0)
    crisis = open_crisis(world)
    message = Message.objects.get(page__crisis=crisis)
    assert inbound_voice_key(
        provider="twilio", token=message.token, digit="7", event_key="c", payload={}
    ) == ("not_understood")
    assert Page.objects.get(crisis=crisis).state == Page.State.PENDING


def test_an_sms_that_is_not_a_reply_from_a_member_is_a_call_for_help(world, network):
    # A member may be in crisis herself: her SMS on the helpline opens a call-back crisis like anyone's.
    helpline = world.team.helplines.first().number
    outcome = inbound_sms(
        provider="twilio",
        sender=world.numbers["rekha"],
        recipient=helpline,
        text="help",
        event_key="k9",
        payload={},
    )
    assert outcome.startswith("call_back:C-")


def test_an_unknown_sender_on_an_unknown_number_creates_nothing(world):
    from crisisline.crises.models import Crisis

    before = Crisis.objects.count()
    outcome = inbound_sms(
        provider="twilio",
        sender="+442079460999",
        recipient="+442079460998",
        text="1 C7K3P",
        event_key="k10",
        payload={},
    )
    assert outcome == "unknown_number"
    assert Crisis.objects.count() == before
