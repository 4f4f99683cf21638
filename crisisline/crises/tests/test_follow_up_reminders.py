"""Follow-ups come due and the worker reminds the team, once each, even with two workers."""

from datetime import timedelta

from django.utils import timezone

from crisisline.crises.jobs import follow_up_reminders
from crisisline.crises.models import FollowUp, TimelineEntry
from crisisline.crises.services import follow_up_schedule
from crisisline.worker.loop import Worker


def test_a_due_follow_up_is_reminded_once_on_the_timeline(open_crisis, responder):
    crisis = open_crisis()
    follow_up = follow_up_schedule(crisis=crisis, due_at=timezone.now() + timedelta(days=7), by=responder)
    now = timezone.now()
    worker = Worker(clock=lambda: now)
    worker.start()
    worker.run_once()
    assert FollowUp.objects.get(pk=follow_up.pk).reminded_at is None  # not due yet

    later = now + timedelta(days=7, minutes=1)
    assert follow_up_reminders(later, "worker-a") == 1
    assert follow_up_reminders(later, "worker-b") == 0  # the other worker finds nothing left
    reminder = crisis.timeline.get(kind=TimelineEntry.Kind.FOLLOW_UP, data__reminder=True)
    assert reminder.at == later and reminder.data["follow_up"] == follow_up.pk
    assert FollowUp.objects.get(pk=follow_up.pk).reminded_at == later


def test_done_follow_ups_are_not_reminded(open_crisis, responder):
    crisis = open_crisis()
    follow_up = follow_up_schedule(crisis=crisis, due_at=timezone.now() + timedelta(hours=1), by=responder)
    FollowUp.objects.filter(pk=follow_up.pk).update(done_at=timezone.now())
    assert follow_up_reminders(timezone.now() + timedelta(hours=2), "w") == 0
