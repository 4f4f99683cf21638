"""Realistic synthetic demo data, the same every time for the same seed.

Real Indian states and district names (data/india.json); organisations and teams with made-up names;
helpline numbers from ranges reserved for fiction (lib/phones.py). Rows go in with bulk inserts behind a
progress bar, so large sizes load in one go."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from crisisline.lib.crypto import seal
from crisisline.lib.phones import DEMO_NUMBERS_AVAILABLE, demo_number
from crisisline.network.models import District, Helpline, Locality, Organisation, StandardValue, State, Team
from crisisline.network.standards import STANDARDS
from crisisline.people.models import Person, Role

INDIA = json.loads((Path(__file__).parent / "data" / "india.json").read_text())
MAX_STATES = len(INDIA["states"])
DEMO_PASSWORD = "crisisline-demo-2026"  # noqa: S105 - printed for newcomers; demo databases only
# Every demo account has this second-factor secret already enrolled, so that a newcomer can sign in:
# add it to an authenticator app, or print the current code with `crisisline demo --code`.
DEMO_TOTP_SECRET = "CRISISLINEDEMOTWOFACTORCODE23456"  # noqa: S105 - demo databases only
# The roles each demo team has, as (username suffix, role).
TEAM_PEOPLE = (
    ("lead", Role.Kind.TEAM_LEAD),
    ("calls", Role.Kind.CALL_RECEIVER),
    ("responder1", Role.Kind.RESPONDER),
    ("responder2", Role.Kind.RESPONDER),
    ("data", Role.Kind.DATA_DOCUMENTER),
    ("social", Role.Kind.SOCIAL_WORKER),
    ("lawyer", Role.Kind.LAWYER),
)
_BATCH = 2000


class DemoError(Exception):
    pass


@dataclass(frozen=True)
class DemoSize:
    states: int = 2
    teams: int = 12
    seed: int = 1


def network_exists() -> bool:
    return State.objects.exists()


def demo_build(size: DemoSize, *, progress: bool = True) -> dict[str, int]:
    """Build the demo network in one transaction. Refuses when a network already exists."""
    if not 1 <= size.states <= MAX_STATES:
        raise DemoError(f"--states must be between 1 and {MAX_STATES}.")
    if size.teams < size.states:
        raise DemoError("--teams must be at least --states: every state gets a team.")
    if size.teams * 2 > DEMO_NUMBERS_AVAILABLE:
        raise DemoError(
            f"--teams must be at most {DEMO_NUMBERS_AVAILABLE // 2}: demo helpline numbers run out."
        )
    if network_exists() or Person.objects.exists():
        raise DemoError(
            "This database already holds a network or people; use --reset to replace them with demo data."
        )

    rng = random.Random(size.seed)
    plan = _plan(size, rng)
    total = sum(len(rows) for rows in plan.values())
    counts: dict[str, int] = {}
    with transaction.atomic(), tqdm(total=total, unit="rows", desc="demo data", disable=not progress) as bar:
        for model, rows in plan.items():
            for start in range(0, len(rows), _BATCH):
                model.objects.bulk_create(rows[start : start + _BATCH])
                bar.update(len(rows[start : start + _BATCH]))
            counts[model._meta.verbose_name_plural] = len(rows)
    return counts


def demo_reset() -> None:
    """Remove the network and the people (a demo database holds nothing else worth keeping). The audit
    trail stays: it is append-only."""
    with transaction.atomic():
        Person.objects.all().delete()
        StandardValue.objects.all().delete()
        Team.objects.all().delete()
        Organisation.objects.all().delete()
        District.objects.all().delete()
        State.objects.all().delete()


def _plan(size: DemoSize, rng: random.Random) -> dict[type, list]:
    """Every row to insert, built in memory, parents before children. Inserting a parent batch gives its
    objects their keys, and bulk_create then takes each child's foreign key from its parent object."""
    chosen = INDIA["states"][: size.states]
    states = [State(code=s["code"], name=s["name"]) for s in chosen]

    districts: list[District] = []
    for state, data in zip(states, chosen, strict=True):
        used: set[str] = set()
        for name in data["districts"]:
            districts.append(District(state=state, code=_district_code(state.code, name, used), name=name))
    by_state: dict[str, list[District]] = {}
    for district in districts:
        by_state.setdefault(district.state.code, []).append(district)

    # Teams spread over states evenly, then over each state's districts; one organisation per district
    # for up to three teams, a second one beyond that.
    per_state = _spread(size.teams, len(states))
    organisations: list[Organisation] = []
    team_slots: list[tuple[Organisation, District, dict]] = []
    for state, data, count in zip(states, chosen, per_state, strict=True):
        state_districts = by_state[state.code]
        for district, n_teams in zip(state_districts, _spread(count, len(state_districts)), strict=True):
            if n_teams == 0:
                continue
            orgs = []
            for k in range(1 if n_teams <= 3 else 2):
                word = data["org_words"][(len(organisations) + k) % len(data["org_words"])]
                orgs.append(
                    Organisation(
                        district=district, code=f"{district.code}-O{k + 1}", name=f"{district.name} {word}"
                    )
                )
            organisations.extend(orgs)
            for i in range(n_teams):
                team_slots.append((orgs[i % len(orgs)], district, data))

    teams: list[Team] = []
    per_district: dict[str, int] = {}
    areas = INDIA["team_areas"]
    for organisation, district, data in team_slots:
        n = per_district[district.code] = per_district.get(district.code, 0) + 1
        languages = [data["language"]]
        if data["language"] != "hi" and rng.random() < 0.35:
            languages.append("hi")
        if data["language"] != "en" and rng.random() < 0.2:
            languages.append("en")
        teams.append(
            Team(
                organisation=organisation,
                code=f"{district.code}-{n:02d}",
                name=f"{district.name} {areas[(n - 1) % len(areas)]}"
                + ("" if n <= len(areas) else f" {(n - 1) // len(areas) + 1}"),
                languages=languages,
            )
        )

    helplines: list[Helpline] = []
    localities: list[Locality] = []
    places = INDIA["localities"]
    for team in teams:
        helplines.append(Helpline(team=team, number=demo_number(len(helplines)), label="Main helpline"))
        if rng.random() < 0.3:
            helplines.append(Helpline(team=team, number=demo_number(len(helplines)), label="Night line"))
        for name, kind in rng.sample(places, rng.randint(3, 6)):
            localities.append(Locality(team=team, name=name, kind=kind))

    standards = [
        StandardValue(code=s.code, value=s.network_default, note="network minimum") for s in STANDARDS
    ]
    # Some levels tighten their own standards, so that the chain shows on team pages.
    for state in states:
        if rng.random() < 0.5:
            standards.append(
                StandardValue(
                    code="first_contact.physical_violence", value=12 * 60, state=state, note="state target"
                )
            )
    for organisation in rng.sample(organisations, max(1, len(organisations) // 5)):
        standards.append(StandardValue(code="documentation.complete", value=12, organisation=organisation))
    for team in rng.sample(teams, max(1, len(teams) // 10)):
        standards.append(
            StandardValue(code="first_contact.sexual_violence", value=30, team=team, note="team target")
        )
    people, roles = _people(states, districts, teams)
    return {
        State: states,
        District: districts,
        Organisation: organisations,
        Team: teams,
        Helpline: helplines,
        Locality: localities,
        StandardValue: standards,
        Person: people,
        Role: roles,
    }


def _people(
    states: list[State], districts: list[District], teams: list[Team]
) -> tuple[list[Person], list[Role]]:
    """People for every role: seven per team, a programme manager per state and one for the network, one
    for the first district, and an administrator. All share the demo password and second factor (hashed
    once: hashing thousands of passwords one by one would take minutes)."""
    password = make_password(DEMO_PASSWORD)
    enrolled = timezone.now()
    people: list[Person] = []
    roles: list[Role] = []

    def person(username: str, **place) -> Person:
        new = Person(
            username=username,
            password=password,
            totp_secret_sealed=seal(DEMO_TOTP_SECRET.encode(), purpose="totp"),
            totp_confirmed_at=enrolled,
        )
        people.append(new)
        return new

    roles.append(Role(person=person("admin"), kind=Role.Kind.ADMINISTRATOR))
    roles.append(Role(person=person("pm.network"), kind=Role.Kind.PROGRAMME_MANAGER))
    for state in states:
        roles.append(
            Role(person=person(f"pm.{state.code.lower()}"), kind=Role.Kind.PROGRAMME_MANAGER, state=state)
        )
    roles.append(
        Role(
            person=person(f"pm.{districts[0].code.lower()}"),
            kind=Role.Kind.PROGRAMME_MANAGER,
            district=districts[0],
        )
    )
    for team in teams:
        for suffix, kind in TEAM_PEOPLE:
            roles.append(Role(person=person(f"{team.code.lower()}.{suffix}"), kind=kind, team=team))
    return people, roles


def demo_logins() -> list[tuple[str, str]]:
    """A few demo accounts to print for a newcomer: (username, what it shows)."""
    first = Team.objects.order_by("code").select_related("organisation__district__state").first()
    if first is None or not Person.objects.filter(username="admin").exists():
        return []
    team = first.code.lower()
    state = first.organisation.district.state
    return [
        ("admin", "administrator: network, people, standards"),
        (f"{team}.lead", f"team lead of {first.name}"),
        (f"{team}.calls", f"call receiver in {first.name}"),
        (f"{team}.responder1", "responder (on call)"),
        (f"pm.{state.code.lower()}", f"programme manager for {state.name}: figures only"),
        ("pm.network", "programme manager for the whole network"),
    ]


def _spread(total: int, buckets: int) -> list[int]:
    base, extra = divmod(total, buckets)
    return [base + (1 if i < extra else 0) for i in range(buckets)]


def _district_code(state_code: str, name: str, used: set[str]) -> str:
    letters = "".join(ch for ch in name.upper() if ch.isalpha())
    candidates = [letters[:3], letters[0] + letters[-2:], letters[:2] + letters[-1]]
    candidates += [letters[:2] + str(i) for i in range(1, 10)]
    for candidate in candidates:
        if candidate not in used:
            used.add(candidate)
            return f"{state_code}-{candidate}"
    raise DemoError(f"no free district code for {name}")
