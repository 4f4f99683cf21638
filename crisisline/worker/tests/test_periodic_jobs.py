"""The worker runs each periodic job when it is due, and only then, driven by an injected clock."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session

from crisisline.worker.loop import Worker
from crisisline.worker.models import Heartbeat, PeriodicJob
from crisisline.worker.registry import PERIODIC

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock():
    return Clock(datetime(2026, 11, 28, 20, 30, tzinfo=UTC))


def test_starting_creates_a_row_for_each_registered_job_due_at_once(clock):
    Worker(clock=clock).start()
    rows = {job.name: job for job in PeriodicJob.objects.all()}
    assert set(rows) == set(PERIODIC) and "housekeeping" in rows
    assert rows["housekeeping"].due_at == clock.now
    assert rows["housekeeping"].interval_seconds == 3600


def test_housekeeping_removes_expired_sessions_and_old_heartbeats(clock):
    expired = SessionStore()
    expired.set_expiry(clock.now - timedelta(minutes=1))
    expired.create()
    live = SessionStore()
    live.set_expiry(clock.now + timedelta(hours=1))
    live.create()
    Heartbeat.objects.create(worker_id="gone", beat_at=clock.now - timedelta(days=8))
    worker = Worker(clock=clock)
    worker.start()

    assert worker.run_once() == 1

    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert not Heartbeat.objects.filter(worker_id="gone").exists()
    job = PeriodicJob.objects.get(name="housekeeping")
    assert (job.runs, job.failures, job.claimed_by, job.lease_until) == (1, 0, "", None)
    assert job.due_at == clock.now + timedelta(hours=1)


def test_a_job_runs_again_only_when_its_interval_has_passed(clock):
    worker = Worker(clock=clock)
    worker.start()
    assert worker.run_once() == 1
    clock.advance(minutes=59)
    assert worker.run_once() == 0
    clock.advance(minutes=1)
    assert worker.run_once() == 1
    assert PeriodicJob.objects.get(name="housekeeping").runs == 2


def test_a_failing_job_is_retried_with_growing_back_off_and_its_error_kept(clock, monkeypatch):
    calls = []

    def broken(now):
        calls.append(now)
        raise RuntimeError("the message may hold anything, so it is not stored")

    monkeypatch.setitem(
        PERIODIC,
        "housekeeping",
        PERIODIC["housekeeping"].__class__("housekeeping", timedelta(hours=1), broken),
    )
    worker = Worker(clock=clock)
    worker.start()
    worker.run_once()
    job = PeriodicJob.objects.get(name="housekeeping")
    assert (job.failures, job.last_error, job.runs) == (1, "RuntimeError", 0)
    assert job.due_at == clock.now + timedelta(seconds=15)
    clock.advance(seconds=15)
    worker.run_once()
    job.refresh_from_db()
    assert job.failures == 2 and job.due_at == clock.now + timedelta(seconds=30)
    assert len(calls) == 2


def test_the_heartbeat_is_written_every_few_seconds_not_on_every_pass(clock, settings):
    worker = Worker(clock=clock)
    worker.start()
    started = Heartbeat.objects.get(worker_id=worker.worker_id).beat_at
    clock.advance(seconds=settings.WORKER_HEARTBEAT_SECONDS - 1)
    worker.run_once()
    assert Heartbeat.objects.get(worker_id=worker.worker_id).beat_at == started
    clock.advance(seconds=1)
    worker.run_once()
    assert Heartbeat.objects.get(worker_id=worker.worker_id).beat_at == clock.now
    worker.finish()
    assert Heartbeat.objects.get(worker_id=worker.worker_id).stopped_at == clock.now
