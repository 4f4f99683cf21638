from crisisline.crises.services import Intake, crisis_open
from crisisline.oncall.models import Escalation, Page
from crisisline.oncall.services import page_answer
from crisisline.oncall.tests.conftest import minutes, tick


def open_at(world, crisis_type="physical_violence", urgency="urgent"):
    return crisis_open(
        team=world.team, intake=Intake(crisis_type=crisis_type, urgency=urgency), by=world.call_receiver
    ).crisis


def test_a_new_crisis_pages_the_on_call_responder_at_once(world, recorder):
    crisis = open_at(world)
    pages = list(Page.objects.filter(crisis=crisis))
    assert [p.person for p in pages] == [world.responders[0]]  # Monday noon: the first shift, 09:00 Monday
    tick()
    assert len(recorder.sent) == 1
    assert crisis.reference in recorder.sent[0].body
    assert recorder.sent[0].to == "rekha"


def test_no_answer_within_the_timeout_pages_the_next_level(world, recorder):
    crisis = open_at(world)
    tick(minutes(4))
    assert Page.objects.filter(crisis=crisis).count() == 1
    tick(minutes(5))
    paged = Page.objects.filter(crisis=crisis).order_by("pk")
    assert [p.person for p in paged] == [world.responders[0], world.lead]
    assert paged[0].state == Page.State.EXPIRED


def test_accepting_stops_the_escalation_and_assigns(world, recorder):
    crisis = open_at(world)
    page = Page.objects.get(crisis=crisis)
    assert page_answer(page=page, accept=True, via="link", now=crisis.opened_at + minutes(1)) == "accepted"
    escalation = Escalation.objects.get(crisis=crisis)
    assert escalation.state == Escalation.State.ACCEPTED
    assert crisis.assignments.get().person == world.responders[0]
    tick(minutes(10))
    assert Page.objects.filter(crisis=crisis).count() == 1
