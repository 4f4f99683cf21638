"""Pages and messages exist once per idempotency key, are claimed by one worker at a time, and a message
left half-sent by a dead worker is not sent again when the provider already has it."""

from datetime import timedelta

from django.utils import timezone

from crisisline.messaging.models import Message
from crisisline.messaging.services import Text, deliver_messages, message_queue
from crisisline.oncall.models import Escalation, Page
from crisisline.oncall.services import escalation_start
from crisisline.oncall.tests.test_escalation_on_timeout import open_crisis
from crisisline.worker.claims import claim


def test_starting_twice_pages_once(world):
    crisis = open_crisis(world)
    escalation_start(crisis)
    assert Escalation.objects.filter(crisis=crisis).count() == 1
    assert Page.objects.filter(crisis=crisis).count() == 1


def test_queueing_a_message_twice_makes_one_row(world):
    point = world.lead.contact_points.first()
    first = message_queue(key="k:1", point=point, text=Text("reminder", {"ref": "C-7K3P"}))
    second = message_queue(key="k:1", point=point, text=Text("reminder", {"ref": "C-7K3P"}))
    assert first.pk == second.pk and Message.objects.filter(idempotency_key="k:1").count() == 1


def test_two_workers_never_claim_the_same_rows(world):
    crisis = open_crisis(world)
    for n in range(5):
        message_queue(
            key=f"k:{n}", point=world.lead.contact_points.first(), text=Text("reminder", {"ref": "x"})
        )
    now = timezone.now()
    pending = Message.objects.filter(state=Message.State.QUEUED)
    first = claim(pending, now=now, worker_id="a", lease=timedelta(seconds=30), limit=3)
    second = claim(pending, now=now, worker_id="b", lease=timedelta(seconds=30), limit=10)
    assert len(first) == 3 and not set(first) & set(second)
    assert len(first) + len(second) == Message.objects.count()
    assert crisis.pk


def test_a_message_left_sending_by_a_dead_worker_is_not_sent_again(world, recorder):
    crisis = open_crisis(world)
    message = Message.objects.get(page__crisis=crisis)
    now = timezone.now()
    # A worker claimed it, recorded the attempt, handed it to the provider, and died before recording that.
    recorder.sent.append(type("Sent", (), {"idempotency_key": message.idempotency_key})())
    Message.objects.filter(pk=message.pk).update(
        state=Message.State.SENDING, attempts=1, claimed_by="dead", lease_until=now - timedelta(seconds=1)
    )
    assert deliver_messages(now, "next-worker") == 1
    message.refresh_from_db()
    assert message.state == Message.State.SENT and message.attempts == 1
    assert len(recorder.sent) == 1  # asked the provider (lookup), did not send again


def test_a_live_lease_is_respected(world, recorder):
    crisis = open_crisis(world)
    now = timezone.now()
    Message.objects.filter(page__crisis=crisis).update(
        claimed_by="alive", lease_until=now + timedelta(seconds=20)
    )
    assert deliver_messages(now, "other") == 0
    assert recorder.sent == []
