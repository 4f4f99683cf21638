"""The worker's own periodic work."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.sessions.models import Session
from django.db.models import Q

from crisisline.worker.models import Heartbeat
from crisisline.worker.registry import periodic

HEARTBEATS_KEPT = timedelta(days=7)


@periodic("housekeeping", every=timedelta(hours=1))
def housekeeping(now: datetime) -> None:
    """Remove expired sign-in sessions, old failed sign-in attempts and trusted devices, and the heartbeats
    of workers gone for a week."""
    from crisisline.people.sign_in import attempts_forget

    Session.objects.filter(expire_date__lt=now).delete()
    attempts_forget(now=now)
    gone = now - HEARTBEATS_KEPT
    Heartbeat.objects.filter(Q(stopped_at__lt=gone) | Q(beat_at__lt=gone)).delete()
