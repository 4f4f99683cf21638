"""A team with people to page, their channels, and a recording transport in place of the providers.

`world` gives the Mysuru Bus Stand team: three responders in a daily rotation, a lead, a lawyer, a call
receiver, a responder on call in the neighbouring team, and the district coordinator; each with a console
channel first and an SMS number second. `sent` is every message handed to a transport, in order. `tick`
runs the worker's pollers once at an injected time (no sleeping)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from conftest import make_person
from crisisline.lib.phones import demo_number
from crisisline.messaging import transport as transports
from crisisline.messaging.services import contact_point_add, deliver_messages
from crisisline.messaging.transport import OutboundMessage, Receipt, TransportError
from crisisline.oncall.jobs import escalations
from crisisline.oncall.models import Rotation, RotationMember


class RecordingTransport:
    """Stands in for every provider: keeps what it was given; can be told to fail."""

    name = "recording"
    channels = frozenset({"sms", "voice", "email", "console"})

    def __init__(self) -> None:
        self.sent: list[OutboundMessage] = []
        self.failing: dict[str, bool] = {}  # channel -> permanent?

    def send(self, message: OutboundMessage) -> Receipt:
        if message.channel in self.failing:
            raise TransportError("provider down", permanent=self.failing[message.channel])
        self.sent.append(message)
        return Receipt(provider_message_id=f"rec-{len(self.sent)}", state="sent")

    def lookup(self, idempotency_key: str) -> Receipt | None:
        return next(
            (Receipt(f"rec-{m.idempotency_key}") for m in self.sent if m.idempotency_key == idempotency_key),
            None,
        )


@pytest.fixture
def recorder(monkeypatch):
    recorder = RecordingTransport()
    for name in transports.PROVIDERS:
        monkeypatch.setitem(transports.OVERRIDES, name, recorder)
    return recorder


@dataclass
class World:
    team: object
    neighbour: object
    responders: list
    lead: object
    lawyer: object
    call_receiver: object
    neighbour_responder: object
    coordinator: object
    rotation: object
    now: datetime
    numbers: dict = field(default_factory=dict)


@pytest.fixture
def world(network, recorder) -> World:
    team = network["teams"]["mysuru"]
    neighbour = network["teams"]["mysuru2"]
    district = team.organisation.district
    responders = [make_person(name, ("responder", team)) for name in ("rekha", "sunita", "kavya")]
    people = {
        "lead": make_person("lead", ("team_lead", team)),
        "lawyer": make_person("advocate", ("lawyer", team)),
        "call_receiver": make_person("meena", ("call_receiver", team)),
        "neighbour_responder": make_person("lakshmi", ("responder", neighbour)),
        "coordinator": make_person("coordinator", ("programme_manager", district)),
    }
    numbers = {}
    for index, person in enumerate([*responders, *people.values()]):
        contact_point_add(person=person, channel="console", address=person.username)
        numbers[person.username] = demo_number(100 + index)
        contact_point_add(person=person, channel="sms", address=numbers[person.username])
    # Escalation runs on the real clock (crises open "now"); the first responder holds a long first shift
    # that began yesterday, so who is on call does not depend on when the test runs.
    now = timezone.now()
    rotation = Rotation.objects.create(
        team=team,
        name="Responders",
        duty="responder",
        starts_on=(now - timedelta(days=1)).date(),
        handoff=time(0, 0),
        shift_hours=24 * 14,
    )
    for position, person in enumerate(responders):
        RotationMember.objects.create(rotation=rotation, person=person, position=position)
    return World(
        team=team,
        neighbour=neighbour,
        responders=responders,
        rotation=rotation,
        numbers=numbers,
        now=now,
        **people,
    )


def tick(after: timedelta = timedelta(0)) -> int:
    """One worker pass, `after` from now: escalations due, then messages due."""
    now = timezone.now() + after
    return escalations(now, "test-worker") + deliver_messages(now, "test-worker")


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


@pytest.fixture
def call_receiver_on_call(world):
    """The team's call receiver holds the call-receiver duty, so a missed call pages her."""
    rotation = Rotation.objects.create(
        team=world.team,
        name="Call receivers",
        duty="call_receiver",
        starts_on=(timezone.now() - timedelta(days=1)).date(),
        handoff=time(0, 0),
        shift_hours=24 * 14,
    )
    RotationMember.objects.create(rotation=rotation, person=world.call_receiver, position=0)
    return world.call_receiver
