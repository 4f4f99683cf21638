"""The real `crisisline worker` process: it beats, runs due work, stops cleanly on SIGTERM, and a worker
started after a kill -9 takes over what the dead one had claimed. /healthz follows it."""

import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from crisisline.worker.loop import LEASE
from crisisline.worker.models import Heartbeat, PeriodicJob

WAIT = 30  # seconds: an upper bound for a process to start and do its first pass, not a timing claim


def wait_for(condition, what: str):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"gave up after {WAIT} s waiting for {what}")


def start_worker(env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "crisisline", "worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def live_workers():
    return Heartbeat.objects.filter(stopped_at__isnull=True)


def test_worker_beats_runs_due_work_and_stops_cleanly_on_sigterm(subprocess_env, client):
    assert client.get("/healthz").status_code == 503  # no worker yet
    worker = start_worker(subprocess_env)
    try:
        wait_for(lambda: PeriodicJob.objects.filter(name="housekeeping", runs=1).exists(), "housekeeping")
        wait_for(lambda: live_workers().exists(), "the heartbeat")
        health = client.get("/healthz")
        assert health.status_code == 200, health.json()
        assert health.json()["worker"]["running"] == 1

        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=WAIT) == 0
    finally:
        worker.kill()
        output = worker.stdout.read().decode()
    assert "started" in output and "stopped" in output
    assert not live_workers().exists()
    assert client.get("/healthz").status_code == 503


def test_after_kill_9_a_new_worker_takes_over_the_claimed_job(subprocess_env, client, settings):
    # A job that a worker claimed and never finished, because it was killed: its lease has expired.
    job = PeriodicJob.objects.create(
        name="housekeeping",
        interval_seconds=3600,
        due_at=timezone.now() - LEASE,
        claimed_by="dead-worker",
        lease_until=timezone.now() - timedelta(seconds=1),
    )
    first = start_worker(subprocess_env)
    try:
        wait_for(lambda: PeriodicJob.objects.get(pk=job.pk).runs == 1, "the expired claim to be taken over")
        wait_for(lambda: live_workers().exists(), "the heartbeat")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=WAIT)
    finally:
        first.kill()
    # A killed worker cannot say it stopped: its heartbeat just ages, and /healthz notices.
    killed = live_workers().get()
    Heartbeat.objects.filter(pk=killed.pk).update(
        beat_at=timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS + 1)
    )
    assert client.get("/healthz").status_code == 503

    PeriodicJob.objects.filter(pk=job.pk).update(due_at=timezone.now())
    second = start_worker(subprocess_env)
    try:
        wait_for(lambda: PeriodicJob.objects.get(pk=job.pk).runs == 2, "the restarted worker's run")
        wait_for(lambda: client.get("/healthz").status_code == 200, "healthz to recover")
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=WAIT) == 0
    finally:
        second.kill()
    assert PeriodicJob.objects.get(pk=job.pk).claimed_by == ""
