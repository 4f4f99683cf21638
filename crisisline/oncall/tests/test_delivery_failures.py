"""A failed page tries the person's next channel; a provider outage is retried with back-off, and the
escalation moves on by its own clock meanwhile: never silence."""

from datetime import timedelta

from crisisline.messaging.models import Message
from crisisline.messaging.services import inbound_receipt
from crisisline.oncall.models import Page
from crisisline.oncall.tests.conftest import minutes, tick
from crisisline.oncall.tests.test_escalation_on_timeout import open_crisis, paged


def test_a_permanent_failure_moves_the_page_to_the_next_channel(world, recorder):
    recorder.failing["console"] = True  # permanent
    crisis = open_crisis(world)
    tick()
    messages = list(Message.objects.filter(page__crisis=crisis).order_by("pk"))
    assert [m.channel for m in messages] == ["console", "sms"]
    assert messages[0].state == Message.State.FAILED
    tick()
    assert [m.channel for m in recorder.sent] == ["sms"]
    assert recorder.sent[0].to == world.numbers["rekha"]


def test_a_delivery_report_of_failure_moves_the_page_on_too(world, recorder):
    crisis = open_crisis(world)
    tick()
    first = Message.objects.get(page__crisis=crisis)
    outcome = inbound_receipt(
        provider=first.provider,
        provider_message_id=first.provider_message_id,
        state="failed",
        event_key="r1",
        payload={},
    )
    assert outcome == "failed"
    assert Message.objects.filter(page__crisis=crisis, channel="sms").exists()


def test_when_every_channel_fails_the_level_moves_on_at_once(world, recorder):
    recorder.failing = {"console": True, "sms": True}
    crisis = open_crisis(world)
    tick()
    tick()
    assert Page.objects.get(crisis=crisis, person=world.responders[0]).state == Page.State.FAILED
    assert paged(crisis) == ["rekha", "lead"]
    assert crisis.timeline.filter(kind="paging", data__page="failed").exists()


def test_an_outage_is_retried_with_back_off_and_the_escalation_does_not_wait(world, recorder):
    recorder.failing["console"] = False  # temporary: the provider is down
    crisis = open_crisis(world)
    tick()
    message = Message.objects.get(page__crisis=crisis)
    assert message.state == Message.State.QUEUED and message.attempts == 1
    first_retry = message.due_at
    tick(timedelta(seconds=6))
    message.refresh_from_db()
    assert message.attempts == 2 and message.due_at - first_retry >= timedelta(seconds=9)  # 5 s, then 10 s
    tick(minutes(5))  # still down: the next level is paged on time regardless
    assert paged(crisis) == ["rekha", "lead"]
    recorder.failing.clear()  # back up: the queued page goes out
    tick(minutes(6))
    assert {m.to for m in recorder.sent} >= {"rekha", "lead"}


def test_retries_end_and_the_next_channel_is_tried(world, recorder):
    recorder.failing["console"] = False
    crisis = open_crisis(world)
    for seconds in (0, 6, 20, 45, 90, 180):
        tick(timedelta(seconds=seconds))
    console = Message.objects.get(page__crisis=crisis, channel="console")
    assert console.state == Message.State.FAILED and console.attempts == 5
    assert Message.objects.filter(page__crisis=crisis, channel="sms").exists()
