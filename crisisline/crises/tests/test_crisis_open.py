"""Logging a crisis: saved whole or not at all, with its protocol's due times, a client when one is named."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from conftest import make_person
from crisisline.audit.models import AuditEntry
from crisisline.crises.models import Client, Crisis, CrisisStep, TimelineEntry
from crisisline.crises.references import ALPHABET
from crisisline.crises.services import CrisisError, Intake, call_back_open, crisis_open
from crisisline.network.services import standard_set


def test_a_crisis_gets_a_short_clear_reference_and_its_protocol_with_due_times(team, person):
    opened = crisis_open(
        team=team, intake=Intake(crisis_type="sexual_violence", note="hurt, at the lodge"), by=person
    )
    crisis = opened.crisis
    assert not opened.replayed
    assert crisis.reference.startswith("C-") and len(crisis.reference) == 6
    assert set(crisis.reference[2:]) <= set(ALPHABET)
    assert crisis.urgency == "immediate" and crisis.status == "new" and crisis.via == "web"
    steps = {s.code: s.due_at - crisis.opened_at for s in crisis.steps.all()}
    assert steps["first_contact"] == timedelta(hours=1)  # the network's standard
    assert steps["pep"] == timedelta(hours=72) and steps["emergency_contraception"] == timedelta(hours=120)
    assert crisis.next_due_at == crisis.opened_at + timedelta(hours=1)
    assert crisis.timeline.exclude(kind="paging").get().kind == TimelineEntry.Kind.OPENED
    assert AuditEntry.objects.filter(action="crisis.open", object_id=str(crisis.pk), team_id=team.pk).exists()
    assert "lodge" not in crisis.note_sealed  # sealed at rest


def test_a_team_that_tightened_a_standard_gets_the_tighter_due_time(team, person):
    standard_set(code="first_contact.sexual_violence", value=30, at=team)
    crisis = crisis_open(team=team, intake=Intake(crisis_type="sexual_violence"), by=person).crisis
    assert crisis.steps.get(code="first_contact").due_at == crisis.opened_at + timedelta(minutes=30)


def test_suicide_risk_is_due_on_the_same_call(team, person):
    crisis = crisis_open(team=team, intake=Intake(crisis_type="suicide_risk"), by=person).crisis
    assert crisis.steps.get(code="stay_on_call").due_at == crisis.opened_at


def test_a_repeat_caller_is_recognised_by_phone_without_a_plaintext_column(team, person):
    first = crisis_open(
        team=team, intake=Intake(crisis_type="physical_violence", phone="098450 12345"), by=person
    )
    second = crisis_open(team=team, intake=Intake(crisis_type="arrest", phone="+91 98450 12345"), by=person)
    assert first.crisis.client_id == second.crisis.client_id
    client = Client.objects.get()
    assert "9845012345" not in client.phone_sealed and "9845012345" not in (client.phone_index or "")
    assert client.code.startswith("K-")


def test_by_client_code_and_an_unknown_code_is_refused(team, person):
    crisis = crisis_open(team=team, intake=Intake(crisis_type="other", phone="9845012345"), by=person).crisis
    again = crisis_open(
        team=team, intake=Intake(crisis_type="other", client_code=crisis.client.code.lower()), by=person
    )
    assert again.crisis.client == crisis.client
    with pytest.raises(CrisisError) as refused:
        crisis_open(team=team, intake=Intake(crisis_type="other", client_code="K-XXXXX"), by=person)
    assert "client_code" in refused.value.fields


@pytest.mark.parametrize(
    ("intake", "field"),
    [
        (Intake(crisis_type="unicorn"), "crisis_type"),
        (Intake(crisis_type="other", urgency="whenever"), "urgency"),
        (Intake(crisis_type="other", phone="12345"), "phone"),
        (Intake(crisis_type="other", note="x" * 2001), "note"),
        (Intake(crisis_type="other", place="x" * 201), "place"),
        (Intake(crisis_type="other", locality_id=999999), "locality"),
    ],
)
def test_bad_input_is_refused_field_by_field_and_nothing_is_saved(team, person, intake, field):
    with pytest.raises(CrisisError) as refused:
        crisis_open(team=team, intake=intake, by=person)
    assert field in refused.value.fields
    assert not Crisis.objects.exists() and not Client.objects.exists() and not CrisisStep.objects.exists()
    assert "12345" not in str(refused.value.fields)


def test_a_locality_of_another_team_is_refused(network, team, person):
    elsewhere = network["teams"]["madurai"].localities.get()
    with pytest.raises(CrisisError) as refused:
        crisis_open(team=team, intake=Intake(crisis_type="other", locality_id=elsewhere.pk), by=person)
    assert "locality" in refused.value.fields


def test_the_same_idempotency_key_returns_the_same_crisis_and_other_contents_conflict(team, person):
    intake = Intake(crisis_type="arrest", note="police station road")
    first = crisis_open(team=team, intake=intake, by=person, idempotency_key="k-1")
    repeat = crisis_open(team=team, intake=intake, by=person, idempotency_key="k-1")
    assert repeat.replayed and repeat.crisis.pk == first.crisis.pk
    assert Crisis.objects.count() == 1
    with pytest.raises(CrisisError) as conflict:
        crisis_open(team=team, intake=Intake(crisis_type="other"), by=person, idempotency_key="k-1")
    assert conflict.value.status == 409 and first.crisis.reference in conflict.value.message


def test_only_the_teams_crisis_members_may_log_for_it(network, team):
    outsider = make_person("outsider", ("call_receiver", network["teams"]["madurai"]))
    admin = make_person("boss", ("administrator", None))
    for who in (outsider, admin):
        with pytest.raises(PermissionDenied):
            crisis_open(team=team, intake=Intake(crisis_type="other"), by=who)
    assert not Crisis.objects.exists()


def test_a_missed_call_opens_a_call_back_crisis_at_the_top_of_the_board(team):
    opened = call_back_open(team=team, phone="+919845012345", via=Crisis.Via.MISSED_CALL)
    crisis = opened.crisis
    assert crisis.crisis_type.code == "call_back" and crisis.via == "missed_call" and crisis.opened_by is None
    assert crisis.steps.get().due_at == crisis.opened_at + timedelta(minutes=15)
    assert crisis.client is not None
    withheld = call_back_open(team=team, phone="anonymous", via=Crisis.Via.MISSED_CALL).crisis
    assert withheld.client is None
