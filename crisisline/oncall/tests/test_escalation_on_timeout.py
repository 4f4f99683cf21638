from crisisline.crises.services import Intake, crisis_open
from crisisline.oncall.models import Alert, Escalation, Page
from crisisline.oncall.services import page_answer
from crisisline.oncall.tests.conftest import minutes, tick


def open_crisis(world, crisis_type="physical_violence", urgency="urgent"):
    return crisis_open(
        team=world.team, intake=Intake(crisis_type=crisis_type, urgency=urgency), by=world.call_receiver
    ).crisis


def paged(crisis) -> list[str]:
    return [p.person.username for p in Page.objects.filter(crisis=crisis).order_by("pk")]


def test_a_new_crisis_pages_the_on_call_responder_at_once(world, recorder):
    crisis = open_crisis(world)
    assert paged(crisis) == ["rekha"]  # on call now; sunita and kavya are not
    tick()
    assert len(recorder.sent) == 1
    assert crisis.reference in recorder.sent[0].body
    assert recorder.sent[0].to == "rekha"
    assert crisis.timeline.filter(kind="paging", data__escalation="paged").exists()


def test_no_answer_within_the_timeout_pages_the_next_level(world, recorder):
    crisis = open_crisis(world)
    tick(minutes(4))
    assert paged(crisis) == ["rekha"]
    tick(minutes(5))
    assert paged(crisis) == ["rekha", "lead"]
    assert Page.objects.get(crisis=crisis, person=world.responders[0]).state == Page.State.EXPIRED


def test_every_level_then_the_whole_policy_again_then_the_alarm(world, recorder, administrator):
    crisis = open_crisis(world)  # standard policy: on call 5, lead 10, neighbour 15, district 15; twice
    for after in (5, 15, 30, 45):
        tick(minutes(after))
    assert paged(crisis) == ["rekha", "lead", "lakshmi", "coordinator", "rekha"]
    for after in (50, 60, 75):
        tick(minutes(after))
    assert paged(crisis)[5:] == ["lead", "lakshmi", "coordinator"]
    assert Escalation.objects.get(crisis=crisis).state == Escalation.State.ACTIVE
    tick(minutes(90))
    escalation = Escalation.objects.get(crisis=crisis)
    assert escalation.state == Escalation.State.EXHAUSTED
    alert = Alert.objects.get(key=f"unanswered:{crisis.pk}")
    assert alert.kind == "unanswered"
    tick(minutes(91))
    told = {m.to for m in recorder.sent if m.template == "unanswered"}
    assert told == {"lead"}  # the administrator has no channel: the alert stays on the alerts page for them
    # Never silence: a page still open can be accepted, and that resolves the alert.
    late = Page.objects.filter(crisis=crisis, person=world.responders[0]).last()
    assert page_answer(page=late, accept=True, via="sms") == "accepted"
    assert Alert.objects.get(pk=alert.pk).resolved_at is not None


def test_accepting_stops_the_escalation_and_assigns(world, recorder):
    crisis = open_crisis(world)
    page = Page.objects.get(crisis=crisis)
    assert page_answer(page=page, accept=True, via="link") == "accepted"
    escalation = Escalation.objects.get(crisis=crisis)
    assert escalation.state == Escalation.State.ACCEPTED
    assert escalation.accepted_by == world.responders[0]
    assert crisis.assignments.get().person == world.responders[0]
    crisis.refresh_from_db()
    assert crisis.status == "acknowledged" and crisis.acknowledged_at is not None
    tick(minutes(10))
    assert paged(crisis) == ["rekha"]
    assert crisis.timeline.filter(kind="paging", data__page="accepted", data__via="link").exists()


def test_a_resolved_crisis_stops_paging(world, recorder):
    crisis = open_crisis(world)
    crisis.status = "resolved"
    crisis.save(update_fields=["status"])
    tick(minutes(5))
    assert paged(crisis) == ["rekha"]
    assert Escalation.objects.get(crisis=crisis).state == Escalation.State.STOPPED
    assert Page.objects.get(crisis=crisis).state == Page.State.CANCELLED
