"""On call for the demo network: a channel for everyone, rotations for every team, and an escalation
record for every demo crisis (so that the auditor does not take hundreds of old demo crises for new ones).

Everyone is reachable on the console channel (the embedded default: `make run` prints pages); responders
and call receivers also get an SMS number from the ranges reserved for drama (lib/phones.py)."""

from __future__ import annotations

from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from crisisline.crises.models import Crisis
from crisisline.lib.crypto import seal
from crisisline.lib.phones import DEMO_NUMBERS_AVAILABLE, demo_number
from crisisline.messaging.models import Channel, ContactPoint
from crisisline.messaging.services import address_digest
from crisisline.network.models import Team
from crisisline.oncall.models import Escalation, EscalationPolicy, Rotation, RotationMember
from crisisline.people.models import Person, Role

# Helplines take the first numbers of the drama ranges; people's numbers start here.
FIRST_PERSON_NUMBER = DEMO_NUMBERS_AVAILABLE // 2
BATCH = 2000


def demo_oncall(*, progress: bool = True) -> dict[str, int]:
    people = list(Person.objects.order_by("pk").prefetch_related("roles"))
    points: list[ContactPoint] = []
    with tqdm(total=len(people), unit="people", desc="on call", disable=not progress) as bar:
        for index, person in enumerate(people):
            points.append(_point(person, Channel.CONSOLE, person.username, 0))
            kinds = {role.kind for role in person.roles.all()}
            if kinds & {Role.Kind.RESPONDER, Role.Kind.CALL_RECEIVER, Role.Kind.TEAM_LEAD}:
                number_index = FIRST_PERSON_NUMBER + index
                if number_index < DEMO_NUMBERS_AVAILABLE:
                    points.append(_point(person, Channel.SMS, demo_number(number_index), 1))
            bar.update(1)
    today = timezone.localdate()
    rotations, members = [], []
    roles = Role.objects.filter(kind__in=[Role.Kind.RESPONDER, Role.Kind.CALL_RECEIVER]).order_by("person_id")
    by_team: dict[tuple[int, str], list[int]] = {}
    for team_id, kind, person_id in roles.values_list("team_id", "kind", "person_id"):
        by_team.setdefault((team_id, kind), []).append(person_id)
    for team in Team.objects.order_by("pk"):
        for duty, name, hours in (("responder", "Responders", 12), ("call_receiver", "Call receivers", 24)):
            people_ids = by_team.get((team.pk, duty), [])
            if not people_ids:
                continue
            rotation = Rotation(
                team=team,
                name=name,
                duty=duty,
                starts_on=today - timedelta(days=28),
                handoff=time(8, 0),
                shift_hours=hours,
            )
            rotations.append(rotation)
            members.append((rotation, people_ids))
    with transaction.atomic():
        ContactPoint.objects.bulk_create(points, batch_size=BATCH)
        Rotation.objects.bulk_create(rotations, batch_size=BATCH)
        RotationMember.objects.bulk_create(
            [
                RotationMember(rotation=rotation, person_id=pid, position=n)
                for rotation, ids in members
                for n, pid in enumerate(ids)
            ],
            batch_size=BATCH,
        )
        escalations = _past_escalations()
    return {"contact points": len(points), "rotations": len(rotations), "escalations": escalations}


def _point(person: Person, channel: str, address: str, position: int) -> ContactPoint:
    return ContactPoint(
        person=person,
        channel=channel,
        address_sealed=seal(address.encode(), purpose="contact.address"),
        address_digest=address_digest(channel, address),
        position=position,
    )


def _past_escalations() -> int:
    """Demo crises were made in bulk, without paging: give each the record of how its paging ended."""
    policy = EscalationPolicy.objects.filter(team=None, built_in="standard").first()
    snapshot = (
        {"levels": policy.levels, "repeat": policy.repeat, "id": policy.pk} if policy else {"levels": []}
    )
    rows = []
    crises = Crisis.objects.filter(escalation__isnull=True).values_list(
        "pk", "team_id", "status", "opened_at", "acknowledged_at"
    )
    for pk, team_id, status, opened_at, acknowledged_at in crises.iterator():
        if acknowledged_at is not None:
            state = Escalation.State.ACCEPTED
        elif status in (Crisis.Status.RESOLVED, Crisis.Status.CLOSED):
            state = Escalation.State.STOPPED
        else:
            state = Escalation.State.EXHAUSTED
        rows.append(
            Escalation(
                crisis_id=pk,
                team_id=team_id,
                policy_name=policy.name if policy else "",
                policy=snapshot,
                state=state,
                started_at=opened_at,
                accepted_at=acknowledged_at,
            )
        )
    Escalation.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)
