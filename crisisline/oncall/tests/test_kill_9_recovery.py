"""A real `crisisline worker` killed with SIGKILL while pages are going out: a new worker finishes the job,
and every page's message reaches the transport exactly once (the console outbox is the record)."""

import json
import signal
import subprocess
import sys
import time

import pytest

from crisisline.crises.services import Intake, crisis_open
from crisisline.messaging.models import Message

WAIT = 60  # an upper bound for the processes to finish, not a timing claim


def outbox_keys(path) -> list[str]:
    if not path.exists():
        return []
    return [json.loads(line)["key"] for line in path.read_text().splitlines() if line.strip()]


def start(env):
    return subprocess.Popen(
        [sys.executable, "-m", "crisisline", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_kill_9_mid_delivery_loses_nothing_and_sends_nothing_twice(subprocess_env, world, tmp_path):
    outbox = tmp_path / "outbox.jsonl"
    env = subprocess_env | {
        "CRISISLINE_OUTBOX": str(outbox),
        "CRISISLINE_CONSOLE_ECHO": "false",
        "CRISISLINE_WORKER_LEASE_SECONDS": "2",
        "CRISISLINE_WORKER_IDLE_MS": "50",
    }
    for _ in range(40):
        crisis_open(
            team=world.team, intake=Intake(crisis_type="other", urgency="routine"), by=world.call_receiver
        )
    expected = set(Message.objects.values_list("idempotency_key", flat=True))
    assert len(expected) == 40

    for _ in range(3):  # kill it three times while it works
        worker = start(env)
        deadline = time.monotonic() + WAIT
        seen = len(outbox_keys(outbox))
        while (
            len(outbox_keys(outbox)) == seen
            and time.monotonic() < deadline
            and len(set(outbox_keys(outbox))) < 40
        ):
            time.sleep(0.01)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=WAIT)

    survivor = start(env)
    try:
        deadline = time.monotonic() + WAIT
        while Message.objects.filter(state__in=["queued", "sending"]).exists():
            if time.monotonic() > deadline:
                pytest.fail("messages still waiting after the last worker ran for a minute")
            time.sleep(0.1)
    finally:
        survivor.send_signal(signal.SIGTERM)
        survivor.wait(timeout=WAIT)
    keys = outbox_keys(outbox)
    assert set(keys) == expected  # none lost
    assert len(keys) == len(set(keys))  # none twice
    assert set(Message.objects.values_list("state", flat=True)) == {"delivered"}
