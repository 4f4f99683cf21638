"""`crisisline simulate`: what it prints agrees with what the database holds; it names people by username
only, never a number; the SMS outage fails and then recovers; and the command plays in a scratch database of
its own, leaving the user's untouched."""

from __future__ import annotations

import re
import sqlite3
import statistics
import subprocess
import sys
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from django.db.models import Min, Q
from django.utils import timezone

from crisisline.crises.models import Crisis
from crisisline.messaging import transport as transports
from crisisline.messaging.models import Message
from crisisline.messaging.transport import OutboundMessage, TransportError
from crisisline.oncall.models import Escalation, Page
from crisisline.oncall.simulate import Clock, OutageTransport, Plan, simulate
from crisisline.people.models import Person

NUMBER = re.compile(r"\+\d{6,}|\d{7,}")  # anything that could be a phone number


def no_sleeping(seconds: float) -> None:
    raise AssertionError("speed 0 must not sleep")


@pytest.fixture
def outbox(settings, tmp_path):
    settings.MESSAGING_OUTBOX = str(tmp_path / "outbox.jsonl")
    settings.MESSAGING_CONSOLE_ECHO = False
    return tmp_path / "outbox.jsonl"


def retried_attempts() -> int:
    """Failed attempts that were tried again: all but the last attempt of a message that went through or
    failed for good, every attempt of one still waiting for its retry."""
    total = 0
    for state, attempts in Message.objects.filter(page__isnull=False).values_list("state", "attempts"):
        total += attempts if state == Message.State.QUEUED else max(attempts - 1, 0)
    return total


def test_the_summary_agrees_with_the_database(db, outbox):
    lines: list[str] = []
    saved = dict(transports.OVERRIDES)
    plan = Plan(crises=5, minutes=30, seed=3, speed=0, outage=(0, 4))

    summary = simulate(plan, write=lines.append, sleep=no_sleeping)

    assert summary.crises == Crisis.objects.count() == 5
    assert summary.pages == Page.objects.count() > 5
    accepted = Page.objects.filter(state=Page.State.ACCEPTED)
    assert summary.accepted == set(accepted.values_list("crisis_id", flat=True))
    first = accepted.values("crisis_id").annotate(at=Min("answered_at"))
    opened = dict(Crisis.objects.values_list("pk", "opened_at"))
    seconds = [(row["at"] - opened[row["crisis_id"]]).total_seconds() for row in first]
    assert summary.median_minutes() == (statistics.median(seconds) / 60 if seconds else None)
    beyond = Page.objects.filter(Q(level__gte=1) | Q(round__gte=1), reason="escalation")
    assert summary.escalated == set(beyond.values_list("crisis_id", flat=True))
    exhausted = Escalation.objects.filter(state=Escalation.State.EXHAUSTED).count()
    assert len(summary.unanswered - summary.accepted) == exhausted
    paging = Escalation.objects.filter(state=Escalation.State.ACTIVE).exclude(crisis_id__in=summary.accepted)
    assert summary.still_paging() == paging.count()
    assert summary.retries == retried_attempts() > 0  # SMS was down from the start
    assert summary.failovers == Message.objects.filter(page__isnull=False, state=Message.State.FAILED).count()
    # The printed table is the summary.
    table = "\n".join(lines[lines.index("") + 1 :])
    assert re.search(rf"\n  crises\s+{summary.crises}\n", table)
    assert re.search(rf"\n  pages\s+{summary.pages}\n", table)
    assert re.search(rf"\n  accepted\s+{len(summary.accepted)}\n", table)
    # Every message was handed to the console's outbox, and the override is gone after the run.
    handed = Message.objects.filter(state__in=[Message.State.SENT, Message.State.DELIVERED]).count()
    assert len(outbox.read_text().splitlines()) == handed > 0
    assert saved == transports.OVERRIDES


def test_it_prints_one_line_per_event_with_usernames_and_no_numbers(db, outbox):
    lines: list[str] = []
    simulate(
        Plan(crises=3, minutes=20, seed=5, speed=0, outage=(0, 2)), write=lines.append, sleep=no_sleeping
    )

    text = "\n".join(lines)
    for crisis in Crisis.objects.all():
        assert crisis.reference in text
    first_page = Page.objects.order_by("pk").first()
    assert re.search(rf"^00:00  {first_page.crisis.reference}\s+.+ -> paged {first_page.person.username} "
                     r"\(level 1, sms\)$", text, re.MULTILINE)  # fmt: skip
    assert "sms failed (provider down), retrying in 5s" in text
    assert "sms provider goes down" in text and "sms provider is back" in text
    assert not [line for line in lines if NUMBER.search(line.split("  ", 1)[-1])]
    usernames = set(Person.objects.values_list("username", flat=True))
    paged = {m.group(1) for m in re.finditer(r"paged (\S+) \(", text)}
    assert paged and paged <= usernames


def test_the_outage_fails_temporarily_then_recovers(settings, tmp_path):
    settings.MESSAGING_OUTBOX = str(tmp_path / "outbox.jsonl")
    settings.MESSAGING_CONSOLE_ECHO = False
    start = timezone.now()
    clock = Clock(start)
    transport = OutageTransport(clock, "sms", (start + timedelta(minutes=1), start + timedelta(minutes=2)))
    message = OutboundMessage(
        idempotency_key="k1", channel="sms", to="+442079460001", body="b", template="page"
    )

    assert transport.send(message).state == "delivered"
    clock.now_at = start + timedelta(minutes=1)
    with pytest.raises(TransportError) as failure:
        transport.send(message)
    assert failure.value.permanent is False
    assert transport.send(OutboundMessage("k2", "console", "lead", "b", "page")).state == "delivered"
    clock.now_at = start + timedelta(minutes=2)
    assert transport.send(message).state == "delivered"
    assert transport.lookup("k2") is not None


def test_the_command_plays_in_a_scratch_database_and_leaves_the_users_alone(subprocess_env, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "crisisline", "simulate", "--crises=2", "--minutes=12", "--speed=0", "--keep"],
        env=subprocess_env | {"TMPDIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    kept = Path(re.search(r"Scratch data kept in (\S+);", done.stdout).group(1))
    assert kept.parent == tmp_path
    printed = {
        name: int(value)
        for name, value in re.findall(r"^  (crises|pages|accepted)\s+(\d+)$", done.stdout, re.MULTILINE)
    }
    with closing(sqlite3.connect(kept / "crisisline.sqlite3")) as scratch:
        assert printed["crises"] == scratch.execute("SELECT count(*) FROM crises_crisis").fetchone()[0] == 2
        assert printed["pages"] == scratch.execute("SELECT count(*) FROM oncall_page").fetchone()[0]
        accepted = "SELECT count(DISTINCT crisis_id) FROM oncall_page WHERE state = 'accepted'"
        assert printed["accepted"] == scratch.execute(accepted).fetchone()[0]
    assert (kept / "outbox.jsonl").exists()
    assert not NUMBER.search(done.stdout.split("Who may be paged", 1)[1])
    # The user's database (this test's) got nothing.
    assert not Crisis.objects.exists() and not Person.objects.exists()
