"""On call tells people what other parts of Crisisline decide: the team lead when someone breaks glass on
the team's crisis, the assigned responder when a follow-up comes due."""

from datetime import timedelta

from django.utils import timezone

from conftest import make_person
from crisisline.crises.jobs import follow_up_reminders
from crisisline.crises.services import break_glass_open, follow_up_schedule
from crisisline.messaging.models import Message
from crisisline.oncall.models import Page
from crisisline.oncall.services import page_answer
from crisisline.oncall.tests.test_escalation_on_timeout import open_crisis


def test_the_lead_is_told_of_break_glass(world, network):
    crisis = open_crisis(world)
    outsider = make_person("outsider", ("responder", network["teams"]["belagavi"]))
    break_glass_open(crisis=crisis, by=outsider, reason="she called me directly, urgent")
    message = Message.objects.get(template="break_glass")
    assert (
        message.person == world.lead and crisis.reference in message.body and "outsider" not in message.body
    )


def test_the_assigned_responder_is_reminded_of_a_follow_up(world):
    crisis = open_crisis(world)
    page_answer(page=Page.objects.get(crisis=crisis), accept=True, via="sms")
    follow_up_schedule(crisis=crisis, due_at=timezone.now() + timedelta(hours=1), by=world.lead)
    assert follow_up_reminders(timezone.now() + timedelta(hours=2), "w") == 1
    message = Message.objects.get(template="reminder")
    assert message.person == world.responders[0] and crisis.reference in message.body
