"""Working a crisis to closure: steps, timeline, status, assignment, consent; history only grows."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from conftest import make_person
from crisisline.crises.models import Crisis, CrisisStep, TimelineEntry
from crisisline.crises.services import (
    CrisisError,
    consent_given,
    consent_record,
    crisis_assign,
    crisis_close,
    crisis_reopen,
    crisis_set_status,
    crisis_text,
    follow_up_schedule,
    step_complete,
    step_not_applicable,
    timeline_add,
)


def test_completing_the_first_step_records_first_contact_and_starts_work(open_crisis, responder):
    crisis = open_crisis()
    first = crisis.steps.get(code="first_contact")
    step_complete(step=first, by=responder, note="called her back, she is safe now")
    crisis.refresh_from_db()
    assert crisis.status == "in_progress" and crisis.first_contact_at is not None
    assert crisis.next_due_at == crisis.steps.get(code="medical_care").due_at
    entry = crisis.timeline.get(kind=TimelineEntry.Kind.STEP_DONE)
    assert entry.data == {"step": "first_contact", "on_time": True} and entry.by == responder
    assert crisis_text(crisis, entry.text_sealed, purpose="timeline") == "called her back, she is safe now"
    with pytest.raises(CrisisError, match="already closed"):
        step_complete(step=first, by=responder)


def test_a_step_that_does_not_apply_needs_a_reason(open_crisis, responder):
    crisis = open_crisis()
    step = crisis.steps.get(code="emergency_contraception")
    with pytest.raises(CrisisError):
        step_not_applicable(step=step, by=responder, reason=" ")
    step_not_applicable(step=step, by=responder, reason="she had it at the hospital already")
    assert CrisisStep.objects.get(pk=step.pk).state == "not_applicable"


def test_timeline_entries_are_timed_attributed_and_sealed(open_crisis, responder):
    crisis = open_crisis()
    earlier = timezone.now() - timedelta(minutes=20)
    entry = timeline_add(
        crisis=crisis,
        kind="hospital",
        text="went with her to the district hospital",
        by=responder,
        at=earlier,
    )
    assert entry.at == earlier and entry.by == responder and "hospital" not in entry.text_sealed
    with pytest.raises(CrisisError) as refused:
        timeline_add(crisis=crisis, kind="teleport", text="", by=responder)
    assert "kind" in refused.value.fields
    with pytest.raises(CrisisError) as future:
        timeline_add(
            crisis=crisis, kind="note", text="x", by=responder, at=timezone.now() + timedelta(hours=1)
        )
    assert "at" in future.value.fields


def test_status_moves_forward_closing_needs_an_outcome_and_reopening_a_reason(open_crisis, responder):
    crisis = open_crisis("physical_violence")
    crisis_set_status(crisis=crisis, status="acknowledged", by=responder)
    with pytest.raises(CrisisError) as out_of_order:
        crisis_set_status(crisis=crisis, status="new", by=responder)
    assert out_of_order.value.status == 409
    with pytest.raises(CrisisError):
        crisis_set_status(crisis=crisis, status="closed", by=responder)
    with pytest.raises(CrisisError):
        crisis_close(crisis=crisis, by=responder, outcome=" ", redressed=True)
    crisis_close(
        crisis=crisis, by=responder, outcome="medical care, FIR filed with the lawyer", redressed=True
    )
    crisis = Crisis.objects.get(pk=crisis.pk)
    assert crisis.status == "closed" and crisis.redressed is True and crisis.resolved_at and crisis.closed_at
    closed = crisis.timeline.get(kind=TimelineEntry.Kind.CLOSED)
    assert closed.data["redressed"] is True and closed.data["minutes_to_redress"] >= 0
    with pytest.raises(CrisisError):
        crisis_reopen(crisis=crisis, by=responder, reason="")
    crisis_reopen(crisis=crisis, by=responder, reason="he came back and threatened her")
    crisis = Crisis.objects.get(pk=crisis.pk)
    assert crisis.status == "in_progress" and crisis.resolved_at is None and crisis.closed_at is None
    kinds = list(crisis.timeline.values_list("kind", flat=True))
    assert kinds[0] == "opened" and "closed" in kinds and "reopened" in kinds  # nothing was overwritten


def test_assignment_to_someone_of_the_team_acknowledges(open_crisis, responder, network):
    crisis = open_crisis()
    outsider = make_person("far", ("responder", network["teams"]["madurai"]))
    with pytest.raises(CrisisError):
        crisis_assign(crisis=crisis, person=outsider, by=responder)
    crisis_assign(crisis=crisis, person=responder, by=responder)
    crisis_assign(crisis=crisis, person=responder, by=responder)  # twice: still one assignment
    crisis.refresh_from_db()
    assert crisis.status == "acknowledged" and crisis.assignments.count() == 1


def test_consent_is_per_purpose_and_the_latest_word_holds(open_crisis, responder):
    crisis = open_crisis()
    assert not consent_given(crisis, "count")
    consent_record(crisis=crisis, purpose="count", given=True, by=responder)
    assert consent_given(crisis, "count")
    consent_record(crisis=crisis, purpose="count", given=False, by=responder)
    assert not consent_given(crisis, "count")
    with pytest.raises(CrisisError):
        consent_record(crisis=crisis, purpose="gossip", given=True, by=responder)


def test_follow_ups_are_for_later(open_crisis, responder):
    crisis = open_crisis()
    with pytest.raises(CrisisError):
        follow_up_schedule(crisis=crisis, due_at=timezone.now() - timedelta(days=1), by=responder)
    follow_up = follow_up_schedule(crisis=crisis, due_at=timezone.now() + timedelta(days=7), by=responder)
    assert follow_up.crisis == crisis


def test_people_outside_the_team_cannot_touch_the_crisis(open_crisis, network):
    crisis = open_crisis()
    for who in (
        make_person("neighbour", ("team_lead", network["teams"]["mysuru2"])),
        make_person("manager", ("programme_manager", None)),
        make_person("boss", ("administrator", None)),
        make_person("social", ("social_worker", network["teams"]["mysuru"])),  # not assigned to it
    ):
        with pytest.raises(PermissionDenied):
            timeline_add(crisis=crisis, kind="note", text="x", by=who)
