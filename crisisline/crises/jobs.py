"""The worker's crisis work: reminders for follow-ups that have come due."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from crisisline.audit.services import audit_record
from crisisline.crises.models import FollowUp, TimelineEntry
from crisisline.worker.registry import poller

BATCH = 100
# Other apps add functions here to pass the reminder on (on-call: an SMS to the assigned responder).
ON_REMINDER: list = []


@poller("follow_up_reminders")
def follow_up_reminders(now: datetime, worker_id: str) -> int:
    """Each due follow-up is reminded exactly once: the conditional UPDATE that sets reminded_at is the claim,
    and the timeline entry is written in the same transaction."""
    due = FollowUp.objects.filter(done_at__isnull=True, reminded_at__isnull=True, due_at__lte=now)
    handled = 0
    for pk in due.order_by("due_at").values_list("pk", flat=True)[:BATCH]:
        with transaction.atomic():
            if FollowUp.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now) != 1:
                continue  # another worker had it
            follow_up = FollowUp.objects.select_related("crisis").get(pk=pk)
            TimelineEntry.objects.create(
                crisis=follow_up.crisis,
                kind=TimelineEntry.Kind.FOLLOW_UP,
                at=now,
                data={"reminder": True, "due_at": follow_up.due_at.isoformat(), "follow_up": pk},
            )
            audit_record(actor=None, action="crisis.follow_up_reminder", obj=follow_up.crisis, at=now)
            for callback in ON_REMINDER:
                callback(follow_up)
        handled += 1
    return handled
