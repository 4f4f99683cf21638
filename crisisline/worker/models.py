from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Heartbeat(models.Model):
    """One row per worker process, touched every few seconds while it runs. /healthz reads it."""

    worker_id = models.CharField(max_length=96, unique=True)
    started_at = models.DateTimeField(default=timezone.now)
    beat_at = models.DateTimeField(default=timezone.now)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["-beat_at"], name="heartbeat_latest")]

    def __str__(self) -> str:
        return self.worker_id


class PeriodicJob(models.Model):
    """A job that runs every `interval_seconds`, as a row with a due time and a lease.

    A worker claims the row with a conditional UPDATE that sets claimed_by and lease_until together; a
    worker that dies mid-run leaves a lease that expires, and the next worker runs the job again."""

    name = models.CharField(max_length=64, unique=True)
    interval_seconds = models.PositiveIntegerField()
    due_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=96, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    runs = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)  # in a row; back-off grows with it
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["due_at"], name="periodic_job_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(lease_until__isnull=True) | ~Q(claimed_by=""), name="periodic_job_lease_has_owner"
            )
        ]

    def __str__(self) -> str:
        return self.name
