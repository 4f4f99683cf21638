"""An override puts someone on call for a stretch in place of the rotations: it wins while it runs, the
rotation's shift resumes after it, and cancelling it gives the stretch back to the rotation. Bad overrides
are refused with nothing saved."""

from __future__ import annotations

from datetime import time

import pytest

from crisisline.audit.models import AuditEntry
from crisisline.oncall.models import Override
from crisisline.oncall.rosters import has_rotation, on_call_at
from crisisline.oncall.selectors import shifts
from crisisline.oncall.services_rosters import RosterError, override_add, override_cancel
from crisisline.oncall.tests.roster_helpers import holders, rotation, team_in, wall

ZONE = "Asia/Kolkata"


@pytest.fixture
def team(network):
    return team_in(network, ZONE)


@pytest.fixture
def people(team):
    return holders(team, "responder", "asha", "bina", "dina")


def test_an_override_wins_for_its_stretch_and_the_rotation_resumes_after(team, people):
    asha, bina, dina = people
    rotation(team, [asha, bina], handoff=time(9))  # Monday 5 January: asha, Tuesday 6: bina, ...
    override = override_add(
        team=team,
        duty="responder",
        person=dina,
        starts_at=wall(ZONE, 2026, 1, 6, 13),
        ends_at=wall(ZONE, 2026, 1, 6, 15),
        reason="clinic visit",
        by=None,
    )

    found = shifts(team, "responder", wall(ZONE, 2026, 1, 6, 9), wall(ZONE, 2026, 1, 7, 9))

    assert [(s.starts_at, s.ends_at, s.person_id, s.source.split(":")[0]) for s in found] == [
        (wall(ZONE, 2026, 1, 6, 9), wall(ZONE, 2026, 1, 6, 13), bina.pk, "rotation"),
        (wall(ZONE, 2026, 1, 6, 13), wall(ZONE, 2026, 1, 6, 15), dina.pk, "override"),
        (wall(ZONE, 2026, 1, 6, 15), wall(ZONE, 2026, 1, 7, 9), bina.pk, "rotation"),
    ]
    during = on_call_at(team, "responder", wall(ZONE, 2026, 1, 6, 14))
    assert [(c.person_id, c.source) for c in during] == [(dina.pk, f"override:{override.pk}")]
    assert on_call_at(team, "responder", wall(ZONE, 2026, 1, 6, 15))[0].person_id == bina.pk

    override_cancel(override=override, by=None)

    assert on_call_at(team, "responder", wall(ZONE, 2026, 1, 6, 14))[0].person_id == bina.pk
    assert AuditEntry.objects.filter(action="oncall.override.cancel", object_id=str(override.pk)).exists()
    with pytest.raises(RosterError) as again:
        override_cancel(override=override, by=None)
    assert again.value.status == 409


def test_an_override_reaching_beyond_the_asked_stretch_still_cuts_the_rotation(team, people):
    asha, bina, dina = people
    rotation(team, [asha, bina], handoff=time(9))
    override_add(
        team=team,
        duty="responder",
        person=dina,
        starts_at=wall(ZONE, 2026, 1, 6, 20),
        ends_at=wall(ZONE, 2026, 1, 8, 9),
        by=None,
    )

    found = shifts(team, "responder", wall(ZONE, 2026, 1, 6, 10), wall(ZONE, 2026, 1, 6, 11))

    assert [(s.ends_at, s.person_id) for s in found] == [(wall(ZONE, 2026, 1, 6, 20), bina.pk)]


def test_an_override_alone_puts_someone_on_call(team, people):
    dina = people[2]
    assert not has_rotation(team, "responder")
    override_add(
        team=team,
        duty="responder",
        person=dina,
        starts_at=wall(ZONE, 2026, 1, 6, 20),
        ends_at=wall(ZONE, 2026, 1, 7, 8),
        by=None,
    )
    assert has_rotation(team, "responder")
    assert [c.person_id for c in on_call_at(team, "responder", wall(ZONE, 2026, 1, 7, 1))] == [dina.pk]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"ends_at": wall(ZONE, 2026, 1, 6, 12)}, "ends_at", "The end must come after the start."),
        ({"ends_at": wall(ZONE, 2026, 1, 6, 13)}, "ends_at", "The end must come after the start."),
        ({"duty": "cook"}, "duty", "Choose a duty."),
        ({"person": None}, "person", "Choose who is on call."),
        ({"reason": "x" * 121}, "reason", "At most 120 characters."),
    ],
)
def test_bad_overrides_are_refused_with_nothing_saved(team, people, change, field, message):
    values = {
        "team": team,
        "duty": "responder",
        "person": people[0],
        "starts_at": wall(ZONE, 2026, 1, 6, 13),
        "ends_at": wall(ZONE, 2026, 1, 6, 15),
        "by": None,
    }
    with pytest.raises(RosterError) as refused:
        override_add(**(values | change))
    assert refused.value.fields[field] == message
    assert not Override.objects.exists()


def test_someone_without_the_role_cannot_be_put_on_call(team):
    (lawyer,) = holders(team, "lawyer", "advocate")
    with pytest.raises(RosterError) as refused:
        override_add(
            team=team,
            duty="responder",
            person=lawyer,
            starts_at=wall(ZONE, 2026, 1, 6, 13),
            ends_at=wall(ZONE, 2026, 1, 6, 15),
            by=None,
        )
    assert refused.value.fields["person"] == "Only a responder (on call) of this team can be on call for it."
    assert not Override.objects.exists()
