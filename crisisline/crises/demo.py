"""A year of believable crises for the demo teams, the same for the same seed, inserted in bulk.

The shapes follow what Avahan teams reported (shared/domain.md): physical violence and police the most
common, arrests and sexual violence frequent, suicide risk rare; more calls in the evening and at night;
responses that get faster over the year (Avahan's time to redress fell from 257 to 88 minutes); most older
crises closed, recent ones still being worked."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from crisisline.audit.services import audit_record
from crisisline.crises.catalogue import BY_CODE, Urgency
from crisisline.crises.models import (
    Assignment,
    BreakGlass,
    Client,
    Consent,
    Crisis,
    CrisisStep,
    CrisisType,
    FollowUp,
    Protocol,
    TimelineEntry,
)
from crisisline.crises.references import ALPHABET
from crisisline.crises.services import phone_index, step_minutes
from crisisline.lib.crypto import new_data_key, seal_with
from crisisline.lib.phones import DEMO_NUMBERS_AVAILABLE, demo_number
from crisisline.network.models import Team
from crisisline.network.selectors import effective_standards_for_teams
from crisisline.people.models import Role

# How often each kind of crisis comes, out of 100.
TYPE_WEIGHTS = {
    "physical_violence": 28,
    "police_harassment": 18,
    "arrest": 12,
    "partner_family_violence": 12,
    "sexual_violence": 10,
    "client_goon_violence": 9,
    "family_community_conflict": 5,
    "health_emergency": 4,
    "suicide_risk": 1,
    "other": 1,
}
# Calls by hour of day: few in the morning, most from evening to the small hours.
HOUR_WEIGHTS = [6, 5, 4, 3, 2, 1, 1, 1, 2, 2, 3, 3, 3, 3, 3, 4, 4, 5, 6, 7, 8, 8, 8, 7]
NOTES = {
    "physical_violence": ["beaten near the {place}", "hit by a man at the {place}, hand hurt"],
    "police_harassment": ["police took money at the {place}", "constable threatened her near the {place}"],
    "arrest": ["picked up in a raid near the {place}", "taken to the station from the {place}"],
    "partner_family_violence": ["husband beat her again", "brother threw her out of the house"],
    "sexual_violence": ["forced by a client at the {place}", "attacked by two men near the {place}"],
    "client_goon_violence": ["client refused to pay and hit her", "goons near the {place} threatened her"],
    "family_community_conflict": ["landlord wants her out", "neighbours stopping her children at school"],
    "health_emergency": ["fever and cannot stand", "bleeding, needs a doctor"],
    "suicide_risk": ["says she wants to end it", "very low, talked about dying"],
    "other": ["needs help with papers", "lost her phone and money"],
}
ACTIVITIES = [
    (TimelineEntry.Kind.CALL, "called her, she is safe for now"),
    (TimelineEntry.Kind.VISIT, "visited her at home with a peer"),
    (TimelineEntry.Kind.HOSPITAL, "went with her to the government hospital"),
    (TimelineEntry.Kind.POLICE_STATION, "went to the police station with the lawyer"),
    (TimelineEntry.Kind.COUNSELLING, "counselling session"),
]
_BATCH = 2000


def _reference(rng: random.Random, taken: set[str]) -> str:
    length = 4 if len(taken) < 60_000 else 5 if len(taken) < 1_500_000 else 6
    while True:
        code = "C-" + "".join(rng.choice(ALPHABET) for _ in range(length))
        if code not in taken:
            taken.add(code)
            return code


def demo_crises(
    *, count: int, seed: int = 1, now: datetime | None = None, progress: bool = True
) -> dict[str, int]:
    """`count` crises spread over the teams and the past year."""
    now = now or timezone.now()
    rng = random.Random(seed * 7919)
    teams = list(Team.objects.select_related("organisation__district").order_by("code"))
    if not teams or count <= 0:
        return {}
    types = {t.code: t for t in CrisisType.objects.filter(code__in=TYPE_WEIGHTS)}
    protocols = {
        p.crisis_type_id: p
        for p in Protocol.objects.filter(
            is_current=True, state__isnull=True, team__isnull=True
        ).prefetch_related("steps")
    }
    standards = {
        team_id: {item.standard.code: item for item in items}
        for team_id, items in effective_standards_for_teams(teams).items()
    }
    members: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for person_id, team_id, kind in Role.objects.filter(team__in=teams).values_list(
        "person_id", "team_id", "kind"
    ):
        members[team_id][kind].append(person_id)
    localities: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for team in teams:
        for locality in team.localities.all():
            localities[team.pk].append((locality.pk, locality.name))
    codes, weights = zip(*TYPE_WEIGHTS.items(), strict=True)
    taken: set[str] = set(Crisis.objects.values_list("reference", flat=True))
    client_codes: set[str] = set(Client.objects.values_list("code", flat=True))
    team_clients: dict[int, list[Client]] = defaultdict(list)
    rows: dict[type, list] = defaultdict(list)
    next_number = 2000  # demo numbers below this are the helplines'

    with tqdm(total=count, unit="crises", desc="demo crises", disable=not progress) as bar:
        for index in range(count):
            team = teams[index % len(teams)]
            code = rng.choices(codes, weights)[0]
            crisis_type, kind = types[code], BY_CODE[code]
            protocol = protocols[crisis_type.pk]
            day = rng.random() ** 0.8  # a little more recent than older: teams grow
            if rng.random() < 0.06:  # and some from the last two days, still being worked on the boards
                day = 1 - rng.random() * 2 / 365
            opened = now - timedelta(days=365 * (1 - day))
            opened = opened.replace(hour=rng.choices(range(24), HOUR_WEIGHTS)[0], minute=rng.randrange(60))
            if opened > now:
                opened -= timedelta(days=1)
            age_days = (now - opened).days
            # Faster responses as the year goes on: the median first contact falls from ~4 h to ~1.5 h.
            speed = 1.0 - 0.6 * day
            key, wrapped = new_data_key()
            place = rng.choice(localities[team.pk]) if localities[team.pk] else (None, "market")
            client = None
            if rng.random() < 0.7:
                known = team_clients[team.pk]
                if known and rng.random() < 0.2:
                    client = rng.choice(known)  # a repeat caller
                elif next_number < DEMO_NUMBERS_AVAILABLE:
                    phone = demo_number(next_number)
                    next_number += 1
                    client_key, client_wrapped = new_data_key()
                    client = Client(
                        code=_client_code(rng, client_codes),
                        team=team,
                        created_at=opened,
                        data_key_wrapped=client_wrapped,
                        phone_sealed=seal_with(client_key, phone, purpose="client.phone"),
                        phone_index=phone_index(phone),
                    )
                    rows[Client].append(client)
                    known.append(client)
            note = rng.choice(NOTES[code]).format(place=place[1].lower())
            crisis = Crisis(
                reference=_reference(rng, taken),
                team=team,
                crisis_type=crisis_type,
                protocol=protocol,
                urgency=kind.urgency if rng.random() < 0.8 else rng.choice(list(Urgency.ORDER)),
                client=client,
                locality_id=place[0],
                data_key_wrapped=wrapped,
                note_sealed=seal_with(key, note, purpose="crisis.note"),
                via=rng.choices(["web", "missed_call", "sms"], [80, 15, 5])[0],
                opened_at=opened,
            )
            rows[Crisis].append(crisis)
            _work(
                rng, crisis, key, protocol, standards[team.pk], members[team.pk], now, age_days, speed, rows
            )
            bar.update(1)

    counts = {}
    with transaction.atomic():
        for model in (Client, Crisis, CrisisStep, TimelineEntry, Consent, Assignment):
            batch = rows.get(model, [])
            for start in range(0, len(batch), _BATCH):
                model.objects.bulk_create(batch[start : start + _BATCH])
            counts[model._meta.verbose_name_plural] = len(batch)
        audit_record(actor=None, action="demo.crises", details={"crises": count, "seed": seed})
    return counts


def _client_code(rng: random.Random, taken: set[str]) -> str:
    while True:
        code = "K-" + "".join(rng.choice(ALPHABET) for _ in range(5 if len(taken) < 1_000_000 else 6))
        if code not in taken:
            taken.add(code)
            return code


def _work(rng, crisis, key, protocol, standards, people, now, age_days, speed, rows) -> None:
    """Steps, timeline, consent, assignment and outcome, as a team would have recorded them."""
    responders = people.get("responder") or people.get("team_lead") or [None]
    responder = rng.choice(responders)
    opened = crisis.opened_at
    timeline = rows[TimelineEntry]
    timeline.append(
        TimelineEntry(
            crisis=crisis,
            kind="opened",
            at=opened,
            written_at=opened,
            data={"type": crisis.crisis_type.code, "urgency": crisis.urgency, "via": crisis.via},
        )
    )
    finished = age_days > 20 or (age_days > 3 and rng.random() < 0.6)
    clock = opened
    next_due = None
    for step in protocol.steps.all():
        due = opened + timedelta(minutes=step_minutes(step, standards))
        row = CrisisStep(crisis=crisis, position=step.position, code=step.code, label=step.label, due_at=due)
        target = max(due - opened, timedelta(minutes=10))
        # Lognormal delays around a share of the target: mostly on time, a tail of late ones.
        delay = target * speed * math.exp(rng.gauss(-0.4, 0.7))
        done_at = opened + delay
        if (finished or done_at < now) and done_at < now and rng.random() < 0.95:
            if rng.random() < 0.08 and step.position > 1:
                row.state, row.done_at = CrisisStep.State.NOT_APPLICABLE, done_at
            else:
                row.state, row.done_at, row.done_by_id = CrisisStep.State.DONE, done_at, responder
                timeline.append(
                    TimelineEntry(
                        crisis=crisis,
                        kind="step_done",
                        at=done_at,
                        written_at=done_at,
                        by_id=responder,
                        data={"step": step.code, "on_time": done_at <= due},
                    )
                )
                if step.position == 1:
                    crisis.first_contact_at = done_at
            clock = max(clock, done_at)
        else:
            next_due = due if next_due is None else min(next_due, due)
        rows[CrisisStep].append(row)
    if responder:
        rows[Assignment].append(
            Assignment(crisis=crisis, person_id=responder, at=opened + timedelta(minutes=5))
        )
    for activity, text in rng.sample(ACTIVITIES, rng.randint(0, 3)):
        at = opened + (clock - opened) * rng.random()
        timeline.append(
            TimelineEntry(
                crisis=crisis,
                kind=activity,
                at=at,
                written_at=at,
                by_id=responder,
                text_sealed=seal_with(key, text, purpose="timeline"),
            )
        )
    for purpose, share in (("keep_record", 0.97), ("count", 0.85), ("refer", 0.7), ("safety_alert", 0.3)):
        rows[Consent].append(
            Consent(crisis=crisis, purpose=purpose, given=rng.random() < share, at=opened, by_id=responder)
        )
    crisis.acknowledged_at = opened + timedelta(minutes=rng.randint(2, 30)) if responder else None
    if finished:
        resolved = clock + timedelta(minutes=rng.randint(10, 600))
        if resolved >= now:
            resolved = now - timedelta(minutes=1)
        crisis.status = Crisis.Status.CLOSED if age_days > 10 else Crisis.Status.RESOLVED
        crisis.resolved_at = resolved
        crisis.redressed = rng.random() < 0.55 + 0.3 * (1 - speed)
        crisis.outcome_sealed = seal_with(key, "resolved with the team's help", purpose="crisis.outcome")
        if crisis.status == Crisis.Status.CLOSED:
            crisis.closed_at = resolved + timedelta(hours=rng.randint(1, 48))
            timeline.append(
                TimelineEntry(
                    crisis=crisis,
                    kind="closed",
                    at=crisis.closed_at,
                    written_at=crisis.closed_at,
                    by_id=responder,
                    data={
                        "from": "resolved",
                        "to": "closed",
                        "redressed": crisis.redressed,
                        "minutes_to_redress": int((resolved - opened).total_seconds() // 60),
                    },
                )
            )
    else:
        crisis.status = rng.choice([Crisis.Status.NEW, Crisis.Status.ACKNOWLEDGED, Crisis.Status.IN_PROGRESS])
    crisis.next_due_at = next_due


def demo_crises_reset() -> None:
    with transaction.atomic():
        BreakGlass.objects.all().delete()
        FollowUp.objects.all().delete()
        Crisis.objects.all().delete()
        Client.objects.all().delete()
