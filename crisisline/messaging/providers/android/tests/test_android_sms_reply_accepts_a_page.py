"""A responder answers her page by SMS to the gateway phone: "1 <code>" accepts, "2 <code>" cannot go. The
app's webhook, signed, is what brings the reply in; its repeat changes nothing."""

from crisisline.crises.services import Intake, crisis_open
from crisisline.messaging.models import InboundEvent, Message
from crisisline.oncall.models import Escalation, Page
from crisisline.oncall.services import reply_code

from .conftest import post, received


def open_crisis(world):
    intake = Intake(crisis_type="physical_violence", urgency="urgent")
    return crisis_open(team=world.team, intake=intake, by=world.call_receiver).crisis


def test_her_reply_1_with_the_code_accepts_her_page(client, world, android):
    crisis = open_crisis(world)
    rekha = world.responders[0]
    webhook = received(world.numbers["rekha"], f"1 {reply_code(crisis.reference)}")

    assert post(client, webhook).status_code == 200

    page = Page.objects.get(crisis=crisis)
    assert (page.person, page.state, page.answered_via) == (rekha, Page.State.ACCEPTED, Page.Via.SMS)
    assert Escalation.objects.get(crisis=crisis).state == Escalation.State.ACCEPTED
    assert crisis.assignments.get().person == rekha
    assert InboundEvent.objects.get(kind=InboundEvent.Kind.SMS).outcome == "accepted"


def test_the_apps_retry_of_the_same_webhook_changes_nothing(client, world, android):
    crisis = open_crisis(world)
    webhook = received(
        world.numbers["rekha"], f"1 {reply_code(crisis.reference)}", webhook_id="Ey6ECgOkVVFjz"
    )
    post(client, webhook)
    confirmations = Message.objects.filter(idempotency_key__startswith="reply:").count()

    assert post(client, webhook).status_code == 200

    assert InboundEvent.objects.filter(kind=InboundEvent.Kind.SMS).count() == 1
    assert Message.objects.filter(idempotency_key__startswith="reply:").count() == confirmations == 1
    assert crisis.assignments.count() == 1


def test_her_reply_2_says_she_cannot_go_and_the_next_level_is_paged(client, world, android):
    crisis = open_crisis(world)

    post(client, received(world.numbers["rekha"], f"2 {reply_code(crisis.reference)}"))

    pages = Page.objects.filter(crisis=crisis).order_by("pk")
    assert pages[0].state == Page.State.DECLINED
    assert [page.person for page in pages[1:]] == [world.lead]
