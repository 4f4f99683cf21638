"""The worker: a loop over database rows that are due. The only clock-driven actor in Crisisline.

Each pass writes the heartbeat, claims and runs the periodic jobs that are due, and calls every poller.
It sleeps only when a pass found nothing to do, and then only briefly, so that work due soon is not late.
Tests drive it pass by pass with an injected clock instead of sleeping."""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from crisisline.worker.models import Heartbeat, PeriodicJob
from crisisline.worker.registry import PERIODIC, POLLERS

log = logging.getLogger("crisisline.worker")

Clock = Callable[[], datetime]
# How long a claimed periodic job may run before another worker may take it over.
LEASE = timedelta(minutes=5)
# After the n-th failure in a row, wait 15 s * 2**(n-1), capped at the job's own interval.
RETRY_BASE = timedelta(seconds=15)


def new_worker_id() -> str:
    return f"{socket.gethostname()[:48]}:{os.getpid()}:{secrets.token_hex(3)}"


class Worker:
    def __init__(
        self,
        *,
        worker_id: str | None = None,
        clock: Clock = timezone.now,
        stop: threading.Event | None = None,
    ) -> None:
        self.worker_id = worker_id or new_worker_id()
        self.clock = clock
        self.stop = stop or threading.Event()
        self.heartbeat_every = timedelta(seconds=settings.WORKER_HEARTBEAT_SECONDS)
        self.idle_seconds = settings.WORKER_IDLE_SECONDS
        self._last_beat: datetime | None = None

    # --- life cycle -------------------------------------------------------------------------------
    def start(self) -> None:
        now = self.clock()
        Heartbeat.objects.update_or_create(
            worker_id=self.worker_id, defaults={"started_at": now, "beat_at": now, "stopped_at": None}
        )
        self._last_beat = now
        ensure_periodic_rows(now)
        log.info(
            "worker %s started: %d periodic jobs, %d pollers", self.worker_id, len(PERIODIC), len(POLLERS)
        )

    def finish(self) -> None:
        Heartbeat.objects.filter(worker_id=self.worker_id).update(stopped_at=self.clock())
        log.info("worker %s stopped", self.worker_id)

    def run_forever(self) -> None:
        self.start()
        try:
            while not self.stop.is_set():
                close_old_connections()  # a connection the database dropped is replaced, not reused
                try:
                    handled = self.run_once()
                except DatabaseError:
                    # The database is away (restart, network): nothing is lost, the rows wait for us.
                    log.exception("worker pass failed on the database; retrying")
                    handled = 0
                if not handled:
                    self.stop.wait(self.idle_seconds)
        finally:
            try:
                self.finish()
            except DatabaseError:
                log.warning("could not record the worker's stop; its heartbeat will simply go stale")

    # --- one pass ---------------------------------------------------------------------------------
    def run_once(self) -> int:
        """One pass over everything due. Returns how many things it handled."""
        now = self.clock()
        self.beat(now)
        handled = self.run_due_periodic(now)
        for poller in POLLERS.values():
            if self.stop.is_set():
                break
            handled += poller.run(self.clock(), self.worker_id)
        return handled

    def beat(self, now: datetime) -> None:
        if self._last_beat is None or now - self._last_beat >= self.heartbeat_every:
            updated = Heartbeat.objects.filter(worker_id=self.worker_id).update(beat_at=now, stopped_at=None)
            if not updated:  # housekeeping removed us after a long pause: register again
                Heartbeat.objects.create(worker_id=self.worker_id, started_at=now, beat_at=now)
            self._last_beat = now

    def run_due_periodic(self, now: datetime) -> int:
        ran = 0
        for job in claim_due_periodic(now=now, worker_id=self.worker_id):
            definition = PERIODIC.get(job.name)
            if definition is None:  # a job whose code was removed: leave its row alone, far in the future
                release_periodic(job, worker_id=self.worker_id, due_at=now + timedelta(days=365), error="")
                continue
            try:
                definition.run(now)
            except Exception as error:  # one failing job must not stop the others
                log.exception("periodic job %s failed", job.name)
                delay = min(RETRY_BASE * 2 ** min(job.failures, 16), definition.every)
                release_periodic(
                    job, worker_id=self.worker_id, due_at=self.clock() + delay, error=type(error).__name__
                )
            else:
                release_periodic(job, worker_id=self.worker_id, due_at=now + definition.every, error=None)
            ran += 1
        return ran


def ensure_periodic_rows(now: datetime) -> None:
    """A row for every registered periodic job; new jobs are due at once."""
    PeriodicJob.objects.bulk_create(
        [
            PeriodicJob(name=p.name, interval_seconds=int(p.every.total_seconds()), due_at=now)
            for p in PERIODIC.values()
        ],
        ignore_conflicts=True,
    )
    for p in PERIODIC.values():
        seconds = int(p.every.total_seconds())
        PeriodicJob.objects.filter(name=p.name).exclude(interval_seconds=seconds).update(
            interval_seconds=seconds
        )


def claim_due_periodic(*, now: datetime, worker_id: str) -> list[PeriodicJob]:
    """Claim every due periodic job whose lease is free or expired, in one conditional UPDATE."""
    lease_until = now + LEASE
    claimable = Q(due_at__lte=now) & (Q(lease_until__isnull=True) | Q(lease_until__lt=now))
    with transaction.atomic():
        PeriodicJob.objects.filter(claimable).update(
            claimed_by=worker_id, lease_until=lease_until, last_started_at=now
        )
    return list(PeriodicJob.objects.filter(claimed_by=worker_id, lease_until=lease_until).order_by("due_at"))


def release_periodic(job: PeriodicJob, *, worker_id: str, due_at: datetime, error: str | None) -> None:
    """Hand the row back with its next due time; only if the lease is still ours."""
    changes: dict[str, object] = {"claimed_by": "", "lease_until": None, "due_at": due_at}
    if error is None:
        changes |= {
            "runs": F("runs") + 1,
            "failures": 0,
            "last_error": "",
            "last_finished_at": timezone.now(),
        }
    else:
        changes |= {"failures": F("failures") + 1, "last_error": error[:200]}
    PeriodicJob.objects.filter(pk=job.pk, claimed_by=worker_id).update(**changes)
