"""A state or a team may change a protocol or add a crisis type, within the minimum standards; crises
already open keep the version they started with."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from conftest import make_person
from crisisline.crises.models import CrisisType
from crisisline.crises.services import (
    CrisisError,
    Intake,
    StepSpec,
    crisis_open,
    crisis_type_add,
    current_protocol,
    protocol_change,
)

SV_STEPS = [
    StepSpec("first_contact", "First contact", minutes=30, standard="first_contact.sexual_violence"),
    StepSpec("medical_care", "Reach medical care", minutes=90),
    StepSpec("pep", "PEP started", standard="care.pep"),
    StepSpec("emergency_contraception", "Emergency contraception", standard="care.emergency_contraception"),
    StepSpec("documented", "Documented", standard="documentation.complete"),
    StepSpec("one_stop_centre", "Taken to the One Stop Centre", minutes=6 * 60),
]


def test_a_team_lead_tightens_the_teams_protocol_and_open_crises_keep_theirs(team, lead, person):
    sexual = CrisisType.objects.get(code="sexual_violence")
    before = crisis_open(team=team, intake=Intake(crisis_type="sexual_violence"), by=person).crisis
    protocol = protocol_change(crisis_type=sexual, at=team, steps=SV_STEPS, by=lead)
    assert protocol.team == team and current_protocol(crisis_type=sexual, team=team) == protocol
    after = crisis_open(team=team, intake=Intake(crisis_type="sexual_violence"), by=person).crisis
    assert after.steps.get(code="first_contact").due_at - after.opened_at == timedelta(minutes=30)
    assert after.steps.filter(code="one_stop_centre").exists()
    assert before.protocol != protocol and not before.steps.filter(code="one_stop_centre").exists()


def test_steps_of_the_standards_cannot_be_dropped_or_loosened(team, lead):
    sexual = CrisisType.objects.get(code="sexual_violence")
    looser = [
        *SV_STEPS[1:],
        StepSpec("first_contact", "First contact", minutes=120, standard="first_contact.sexual_violence"),
    ]
    with pytest.raises(CrisisError) as refused:
        protocol_change(crisis_type=sexual, at=team, steps=looser, by=lead)
    assert "first_contact" in refused.value.fields
    with pytest.raises(CrisisError) as dropped:
        protocol_change(crisis_type=sexual, at=team, steps=SV_STEPS[1:], by=lead)
    assert "first_contact" in dropped.value.fields


def test_only_the_lead_of_the_team_or_an_administrator(network, team, person):
    sexual = CrisisType.objects.get(code="sexual_violence")
    other_lead = make_person("other.lead", ("team_lead", network["teams"]["madurai"]))
    for who in (person, other_lead):
        with pytest.raises(PermissionDenied):
            protocol_change(crisis_type=sexual, at=team, steps=SV_STEPS, by=who)
    admin = make_person("root", ("administrator", None))
    protocol_change(crisis_type=sexual, at=network["states"]["KA"], steps=SV_STEPS, by=admin)


def test_a_team_adds_its_own_crisis_type(network, team, lead, person):
    crisis_type_add(
        code="eviction_by_landlord",
        name="Eviction by a landlord",
        urgency="today",
        at=team,
        by=lead,
        steps=[
            StepSpec("first_contact", "First contact", minutes=240),
            StepSpec("shelter", "Shelter found", minutes=24 * 60),
        ],
    )
    crisis = crisis_open(team=team, intake=Intake(crisis_type="eviction_by_landlord"), by=person).crisis
    assert [s.code for s in crisis.steps.all()] == ["first_contact", "shelter"]
    elsewhere = make_person("far.calls", ("call_receiver", network["teams"]["madurai"]))
    with pytest.raises(CrisisError) as refused:
        crisis_open(
            team=network["teams"]["madurai"], intake=Intake(crisis_type="eviction_by_landlord"), by=elsewhere
        )
    assert "crisis_type" in refused.value.fields
    with pytest.raises(CrisisError) as taken:
        crisis_type_add(code="eviction_by_landlord", name="x", urgency="today", at=team, by=lead, steps=[])
    assert "code" in taken.value.fields


def test_the_protocols_command_shows_changes_and_adds(team, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    call_command("protocols", "show", "--team", team.code)
    assert "stay_on_call" in capsys.readouterr().out
    steps = [
        "--step",
        "first_contact:First contact:240",
        "--step",
        "documented:Documented::documentation.complete",
    ]
    call_command(
        "protocols", "add-type", "--team", team.code, "--type", "water_cut", "--name", "Water cut off", *steps
    )
    assert CrisisType.objects.get(code="water_cut").team == team
    with pytest.raises(CommandError, match="cannot be left out"):
        call_command(
            "protocols", "set", "--team", team.code, "--type", "suicide_risk", "--step", "visit:Visit:60"
        )
    with pytest.raises(CommandError, match="CODE:LABEL:MINUTES"):
        call_command("protocols", "set", "--team", team.code, "--type", "suicide_risk", "--step", "visit")
