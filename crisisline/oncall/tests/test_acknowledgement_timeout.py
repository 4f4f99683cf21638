"""An accepted crisis whose first protocol step passes its due time with nothing done pages again."""

from crisisline.crises.services import step_complete
from crisisline.oncall.models import Escalation, Page
from crisisline.oncall.services import page_answer
from crisisline.oncall.tests.conftest import minutes, tick
from crisisline.oncall.tests.test_escalation_on_timeout import open_crisis


def accept(world, crisis):
    page = Page.objects.get(crisis=crisis, person=world.responders[0])
    assert page_answer(page=page, accept=True, via="sms") == "accepted"


def first_step_minutes(crisis) -> float:
    first = crisis.steps.order_by("position").first()
    return (first.due_at - crisis.opened_at).total_seconds() / 60


def test_the_responder_is_paged_again_then_the_next_level(world, recorder):
    crisis = open_crisis(world, "physical_violence", "urgent")
    accept(world, crisis)
    due = first_step_minutes(crisis)
    tick(minutes(due - 1))
    assert Page.objects.filter(crisis=crisis).count() == 1
    tick(minutes(due + 0.5))
    repeat = Page.objects.filter(crisis=crisis, reason="ack_timeout").get()
    assert repeat.person == world.responders[0]
    assert Escalation.objects.get(crisis=crisis).state == Escalation.State.ACTIVE
    assert crisis.timeline.filter(kind="paging", data__escalation="ack_timeout").exists()
    tick(minutes(due + 0.5))
    assert any(m.template == "page_repeat" for m in recorder.sent)
    tick(minutes(due + 6))  # not answered: the next level
    assert Page.objects.filter(crisis=crisis, person=world.lead).exists()


def test_nothing_more_when_the_first_step_is_done_in_time(world):
    crisis = open_crisis(world, "physical_violence", "urgent")
    accept(world, crisis)
    step_complete(step=crisis.steps.order_by("position").first(), by=world.responders[0])
    tick(minutes(first_step_minutes(crisis) + 1))
    assert Page.objects.filter(crisis=crisis).count() == 1
    assert Escalation.objects.get(crisis=crisis).state == Escalation.State.ACCEPTED
