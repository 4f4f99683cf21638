"""A missed call on a team's helpline: a call-back crisis, and the on-call call receiver is paged to ring
back. Someone who rings off and rings again gets one call back, not one per ring."""

from crisisline.crises.models import Crisis
from crisisline.messaging.services import inbound_missed_call
from crisisline.oncall.tests.test_escalation_on_timeout import paged

CALLER = "+442079460555"


def missed(world, key: str) -> str:
    helpline = world.team.helplines.first().number
    return inbound_missed_call(provider="exotel", caller=CALLER, called=helpline, event_key=key, payload={})


def test_a_missed_call_pages_the_call_receiver_to_call_back(world, recorder):
    outcome = missed(world, "call-1")
    crisis = Crisis.objects.get(reference=outcome.removeprefix("call_back:"))
    assert crisis.crisis_type.code == "call_back" and crisis.via == "missed_call"
    assert paged(crisis) == ["meena"]
    message = crisis.pages.get().messages.get()
    assert message.template == "call_back" and CALLER not in message.body and crisis.reference in message.body


def test_ringing_again_adds_to_the_same_call_back(world):
    first = missed(world, "call-1")
    again = missed(world, "call-2")
    assert first == again
    crisis = Crisis.objects.get(reference=first.removeprefix("call_back:"))
    assert Crisis.objects.filter(crisis_type__code="call_back").count() == 1
    assert crisis.timeline.filter(kind="call", data__again="missed_call").count() == 1
    assert paged(crisis) == ["meena"]  # paged once, not once per ring


def test_after_the_call_back_is_resolved_a_new_call_is_a_new_crisis(world):
    first = Crisis.objects.get(reference=missed(world, "call-1").removeprefix("call_back:"))
    Crisis.objects.filter(pk=first.pk).update(status=Crisis.Status.RESOLVED)
    second = missed(world, "call-2")
    assert second != f"call_back:{first.reference}"
