"""Two members swap shifts: two overrides made together, each putting one in the other's shift. A swap
that cannot be made (no such shift, both shifts the same person's) makes no override at all."""

from __future__ import annotations

from datetime import time

import pytest
from django.core.exceptions import PermissionDenied

from conftest import make_person
from crisisline.audit.models import AuditEntry
from crisisline.oncall.models import Override
from crisisline.oncall.rosters import on_call_at
from crisisline.oncall.services_rosters import RosterError, shift_swap
from crisisline.oncall.tests.roster_helpers import holders, rotation, team_in, wall

ZONE = "Europe/London"


@pytest.fixture
def team(network):
    return team_in(network, ZONE)


@pytest.fixture
def people(team):
    return holders(team, "responder", "asha", "bina", "chitra")


def _who(team, *parts: int) -> int:
    return on_call_at(team, "responder", wall(ZONE, *parts))[0].person_id


def test_a_swap_is_two_overrides_that_trade_the_shifts(team, people):
    asha, bina, chitra = people
    saved = rotation(team, [asha, bina, chitra], handoff=time(9))  # Mon 5 Jan asha, Tue bina, Wed chitra
    lead = make_person("lead", ("team_lead", team))

    first, second = shift_swap(
        rotation=saved,
        shift_a_start=wall(ZONE, 2026, 1, 6, 9),
        shift_b_start=wall(ZONE, 2026, 1, 7, 9),
        by=lead,
    )

    assert (first.person, first.starts_at, first.ends_at) == (
        chitra,
        wall(ZONE, 2026, 1, 6, 9),
        wall(ZONE, 2026, 1, 7, 9),
    )
    assert (second.person, second.starts_at, second.ends_at) == (
        bina,
        wall(ZONE, 2026, 1, 7, 9),
        wall(ZONE, 2026, 1, 8, 9),
    )
    assert _who(team, 2026, 1, 6, 12) == chitra.pk
    assert _who(team, 2026, 1, 7, 12) == bina.pk
    assert _who(team, 2026, 1, 8, 12) == asha.pk  # the rota goes on as before
    entries = AuditEntry.objects.filter(action="oncall.override.add")
    assert entries.count() == 2 and {e.details["swap_of"] for e in entries} == {saved.pk}


def test_a_swap_across_the_clocks_going_back_trades_the_25_hour_shift_whole(team, people):
    asha, bina, chitra = people
    saved = rotation(team, [asha, bina, chitra], handoff=time(9))

    first, _second = shift_swap(
        rotation=saved,
        shift_a_start=wall(ZONE, 2026, 10, 24, 9),
        shift_b_start=wall(ZONE, 2026, 10, 26, 9),
        by=None,
    )

    assert (first.ends_at - first.starts_at).total_seconds() == 25 * 3600


@pytest.mark.parametrize(
    ("a", "b", "field", "message"),
    [
        ((2026, 1, 6, 10), (2026, 1, 7, 9), "shift_a_start", "No shift of this rotation starts then."),
        ((2026, 1, 6, 9), (2026, 1, 9, 9), "shift_b_start", "Both shifts are the same person's."),
        ((2026, 1, 6, 9), (2026, 1, 6, 9), "shift_b_start", "Both shifts are the same person's."),
    ],
)
def test_a_swap_that_cannot_be_made_makes_nothing(team, people, a, b, field, message):
    saved = rotation(team, people, handoff=time(9))
    with pytest.raises(RosterError) as refused:
        shift_swap(rotation=saved, shift_a_start=wall(ZONE, *a), shift_b_start=wall(ZONE, *b), by=None)
    assert refused.value.fields[field] == message
    assert not Override.objects.exists()


def test_a_member_cannot_swap_by_themselves(team, people):
    saved = rotation(team, people, handoff=time(9))
    with pytest.raises(PermissionDenied):
        shift_swap(
            rotation=saved,
            shift_a_start=wall(ZONE, 2026, 1, 6, 9),
            shift_b_start=wall(ZONE, 2026, 1, 7, 9),
            by=people[0],
        )
    assert not Override.objects.exists()
