"""A rotation with bad input is refused with a clear message per field and nothing changed: no rows, no
members moved, no audit entry. Only the team's lead (or an administrator) may change its rota."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.core.exceptions import PermissionDenied

from conftest import make_person
from crisisline.audit.models import AuditEntry
from crisisline.oncall.models import Rotation, RotationMember
from crisisline.oncall.services_rosters import RosterError, rotation_save
from crisisline.oncall.tests.roster_helpers import holders, rotation, team_in

GOOD = {
    "name": "Responders",
    "duty": "responder",
    "starts_on": date(2026, 1, 5),
    "handoff": time(9),
    "shift_hours": 24,
    "days": [],
    "active_from": None,
    "active_until": None,
}


@pytest.fixture
def team(network):
    return team_in(network, "Asia/Kolkata")


@pytest.fixture
def responders(team):
    return holders(team, "responder", "asha", "bina")


def _refused(**changes) -> dict[str, str]:
    with pytest.raises(RosterError) as refused:
        rotation_save(**({"by": None} | GOOD | changes))
    return refused.value.fields


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"members": []}, "members", "Choose at least one person."),
        ({"shift_hours": 0}, "shift_hours", "A shift lasts 1 to 336 hours."),
        ({"shift_hours": 337}, "shift_hours", "A shift lasts 1 to 336 hours."),
        (
            {"active_from": time(20)},
            "active_until",
            "Give both ends of the active hours, or neither (every hour).",
        ),
        (
            {"active_until": time(8)},
            "active_from",
            "Give both ends of the active hours, or neither (every hour).",
        ),
        ({"name": "  "}, "name", "Give the rotation a name."),
        ({"duty": "cook"}, "duty", "Choose a duty."),
        ({"days": [7]}, "days", "Days are 0 (Monday) to 6 (Sunday)."),
    ],
)
def test_bad_input_is_refused_by_field(team, responders, changes, field, message):
    fields = _refused(**({"team": team, "members": responders} | changes))
    assert fields[field] == message
    assert (
        not Rotation.objects.exists() and not AuditEntry.objects.filter(action__startswith="oncall.").exists()
    )


def test_a_member_without_the_duty_role_is_refused(team, responders, network):
    (lawyer,) = holders(team, "lawyer", "advocate")
    elsewhere = make_person("lakshmi", ("responder", network["teams"]["mysuru2"]))
    fields = _refused(team=team, members=[*responders, lawyer])
    assert fields["members"] == (
        "Person 3 in the list is not a responder (on call) of this team: only they can be on call for it."
    )
    assert "Person 1 " in _refused(team=team, members=[elsewhere, *responders])["members"]
    assert _refused(team=team, members=[responders[0], responders[0]])["members"] == (
        "Each person can be in the rotation once."
    )
    assert not Rotation.objects.exists()


def test_a_bad_edit_changes_nothing(team, responders):
    saved = rotation(team, responders)
    before = list(RotationMember.objects.filter(rotation=saved).values_list("person_id", "position"))
    entries = AuditEntry.objects.count()

    _refused(team=team, members=list(reversed(responders)), rotation=saved, shift_hours=0, name="Renamed")

    saved.refresh_from_db()
    assert saved.name == "Responders" and saved.shift_hours == 24
    assert list(RotationMember.objects.filter(rotation=saved).values_list("person_id", "position")) == before
    assert AuditEntry.objects.count() == entries


def test_a_second_rotation_of_the_same_name_is_refused(team, responders):
    rotation(team, responders)
    assert _refused(team=team, members=responders)["name"] == "The team has a rotation of this name already."
    assert Rotation.objects.count() == 1


def test_only_the_lead_or_an_administrator_changes_the_rota(team, responders, administrator):
    lead = make_person("lead", ("team_lead", team))
    with pytest.raises(PermissionDenied):
        rotation_save(team=team, members=responders, **(GOOD | {"by": responders[0]}))
    assert not Rotation.objects.exists()

    saved, _report = rotation_save(team=team, members=responders, **(GOOD | {"by": lead}))
    rotation_save(
        team=team, members=responders, rotation=saved, **(GOOD | {"by": administrator, "shift_hours": 12})
    )

    entries = AuditEntry.objects.filter(action__in=["oncall.rotation.create", "oncall.rotation.update"])
    assert [(e.action, e.actor) for e in entries.order_by("seq")] == [
        ("oncall.rotation.create", "lead"),
        ("oncall.rotation.update", "admin"),
    ]
    assert entries.last().details["shift_hours"] == 12
