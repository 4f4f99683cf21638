"""Realistic synthetic demo data, the same every time for the same seed.

Real Indian states and district names (data/india.json); organisations and teams with made-up names;
helpline numbers from ranges reserved for fiction (lib/phones.py). Rows go in with bulk inserts behind a
progress bar, so large sizes load in one go."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from tqdm import tqdm

from crisisline.lib.phones import DEMO_NUMBERS_AVAILABLE, demo_number
from crisisline.network.models import District, Helpline, Locality, Organisation, StandardValue, State, Team
from crisisline.network.standards import STANDARDS
from crisisline.people.models import Person

INDIA = json.loads((Path(__file__).parent / "data" / "india.json").read_text())
MAX_STATES = len(INDIA["states"])
DEMO_PASSWORD = "crisisline-demo-2026"  # noqa: S105 - printed for newcomers; demo databases only
DEMO_LOGINS = [("admin", DEMO_PASSWORD, "administrator: network, teams and standards")]
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
    if network_exists():
        raise DemoError("This database already holds a network; use --reset to replace it with demo data.")

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
        _people()
    return counts


def demo_reset() -> None:
    """Remove the network (and with it everything that hangs from it)."""
    with transaction.atomic():
        StandardValue.objects.all().delete()
        Team.objects.all().delete()
        Organisation.objects.all().delete()
        District.objects.all().delete()
        State.objects.all().delete()
        Person.objects.filter(username__in=[login for login, *_ in DEMO_LOGINS]).delete()


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
    return {
        State: states,
        District: districts,
        Organisation: organisations,
        Team: teams,
        Helpline: helplines,
        Locality: localities,
        StandardValue: standards,
    }


def _people() -> None:
    for username, password, _about in DEMO_LOGINS:
        Person.objects.create_user(username=username, password=password, is_administrator=True)


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
