from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from crisisline.worker.models import Heartbeat


@dataclass(frozen=True)
class WorkerHealth:
    ok: bool
    running: int  # workers that have beaten within the stale limit and not stopped
    last_beat_age_seconds: float | None


def worker_health(*, now: datetime) -> WorkerHealth:
    stale = timedelta(seconds=settings.WORKER_STALE_SECONDS)
    live = Heartbeat.objects.filter(stopped_at__isnull=True)
    latest = live.order_by("-beat_at").values_list("beat_at", flat=True).first()
    running = live.filter(beat_at__gte=now - stale).count()
    age = None if latest is None else max((now - latest).total_seconds(), 0.0)
    return WorkerHealth(ok=running > 0, running=running, last_beat_age_seconds=age)
