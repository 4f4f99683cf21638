"""A claimed job belongs to one worker until its lease runs out; a dead worker's job is taken over."""

from datetime import UTC, datetime, timedelta

import pytest

from crisisline.worker.loop import LEASE, Worker, claim_due_periodic, ensure_periodic_rows, release_periodic
from crisisline.worker.models import PeriodicJob

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


def test_two_workers_cannot_claim_the_same_due_job():
    ensure_periodic_rows(NOW)
    first = claim_due_periodic(now=NOW, worker_id="a")
    second = claim_due_periodic(now=NOW, worker_id="b")
    assert [job.name for job in first] == ["housekeeping"]
    assert second == []
    assert PeriodicJob.objects.get(name="housekeeping").claimed_by == "a"


def test_a_job_left_by_a_killed_worker_is_taken_over_when_its_lease_expires():
    ensure_periodic_rows(NOW)
    claim_due_periodic(now=NOW, worker_id="killed")  # and then the process dies: no release
    assert claim_due_periodic(now=NOW + LEASE, worker_id="b") == []  # lease still running
    later = NOW + LEASE + timedelta(seconds=1)
    taken = claim_due_periodic(now=later, worker_id="b")
    assert [job.claimed_by for job in taken] == ["b"]

    worker = Worker(worker_id="b", clock=lambda: later)
    worker.start()
    job = PeriodicJob.objects.get(name="housekeeping")
    assert job.runs == 0
    # The restarted worker runs it on its next pass (the lease is its own now, so it claims it afresh).
    release_periodic(job, worker_id="b", due_at=later, error="")
    assert worker.run_once() == 1
    assert PeriodicJob.objects.get(name="housekeeping").runs == 1


def test_a_worker_whose_lease_was_taken_over_cannot_release_the_new_owners_claim():
    ensure_periodic_rows(NOW)
    job = claim_due_periodic(now=NOW, worker_id="slow")[0]
    later = NOW + LEASE + timedelta(seconds=1)
    claim_due_periodic(now=later, worker_id="fast")
    release_periodic(job, worker_id="slow", due_at=NOW + timedelta(hours=1), error=None)
    row = PeriodicJob.objects.get(name="housekeeping")
    assert row.claimed_by == "fast" and row.runs == 0


def test_a_job_whose_code_was_removed_is_parked_not_run():
    ensure_periodic_rows(NOW)
    PeriodicJob.objects.create(name="retired", interval_seconds=60, due_at=NOW)
    worker = Worker(clock=lambda: NOW)
    worker.start()
    worker.run_once()
    retired = PeriodicJob.objects.get(name="retired")
    assert retired.runs == 0 and retired.due_at > NOW + timedelta(days=300) and retired.claimed_by == ""
