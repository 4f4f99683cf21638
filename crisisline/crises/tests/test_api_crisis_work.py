"""Working a crisis through the API: timeline, steps, status, corrections, closing, reopening, assignment and
consent, all through the services; a change out of order is a 409 with the service's message."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import make_person
from crisisline.audit.models import AuditEntry
from crisisline.crises.models import Crisis, CrisisStep, TimelineEntry
from crisisline.crises.services import crisis_close, crisis_text


@pytest.fixture
def crisis(open_crisis):
    return open_crisis("sexual_violence", note="hurt")


def send(api, method: str, url: str, body: dict):
    return api.generic(method, url, json.dumps(body), content_type="application/json")


def url(crisis, tail: str = "") -> str:
    return f"/api/v1/crises/{crisis.reference}{tail}"


def test_adding_to_the_timeline(api, crisis):
    earlier = timezone.now() - timedelta(minutes=20)
    response = send(
        api,
        "POST",
        url(crisis, "/timeline"),
        {"kind": "hospital", "text": "went with her", "at": earlier.isoformat()},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["text"], body["by"]) == ("hospital", "went with her", "meena")
    entry = crisis.timeline.get(kind="hospital")
    assert (
        entry.at == earlier and crisis_text(crisis, entry.text_sealed, purpose="timeline") == "went with her"
    )
    assert Crisis.objects.get(pk=crisis.pk).status == "in_progress"
    refused = send(api, "POST", url(crisis, "/timeline"), {"kind": "teleport", "text": ""})
    assert refused.status_code == 422 and "kind" in refused.json()["error"]["fields"]


def test_completing_a_step_and_completing_it_again(api, crisis):
    done = send(api, "POST", url(crisis, "/steps/first_contact/complete"), {"note": "called her back"})
    assert done.status_code == 200, done.content
    assert (done.json()["state"], done.json()["done_by"]) == ("done", "meena")
    again = send(api, "POST", url(crisis, "/steps/first_contact/complete"), {})
    assert again.status_code == 409
    assert again.json()["error"] == {
        "code": "conflict", "message": "This step is already closed.", "fields": {"step": "Done"}
    }  # fmt: skip
    assert send(api, "POST", url(crisis, "/steps/flying/complete"), {}).status_code == 404


def test_a_step_that_does_not_apply_needs_a_reason(api, crisis):
    path = url(crisis, "/steps/emergency_contraception/not-applicable")
    refused = send(api, "POST", path, {"reason": " "})
    assert refused.status_code == 422 and "reason" in refused.json()["error"]["fields"]
    response = send(api, "POST", path, {"reason": "she had it at the hospital already"})
    assert response.status_code == 200 and response.json()["state"] == "not_applicable"
    assert CrisisStep.objects.get(crisis=crisis, code="emergency_contraception").state == "not_applicable"


def test_status_moves_forward_and_out_of_order_is_a_conflict(api, crisis):
    response = send(api, "PATCH", url(crisis), {"status": "acknowledged"})
    assert response.status_code == 200 and response.json()["status"] == "acknowledged"
    backwards = send(api, "PATCH", url(crisis), {"status": "new"})
    assert backwards.status_code == 409
    error = backwards.json()["error"]
    assert (
        error["code"] == "conflict" and error["message"] == "A crisis that is Acknowledged cannot become New."
    )
    unknown = send(api, "PATCH", url(crisis), {"status": "sleeping"})
    assert unknown.status_code == 422 and "status" in unknown.json()["error"]["fields"]


def test_closing_through_patch_points_to_close(api, crisis):
    response = send(api, "PATCH", url(crisis), {"status": "closed"})
    assert response.status_code == 422
    assert url(crisis, "/close") in response.json()["error"]["message"]
    assert Crisis.objects.get(pk=crisis.pk).status == "new"


def test_close_with_the_outcome_then_reopen_with_a_reason(api, crisis):
    refused = send(api, "POST", url(crisis, "/close"), {"outcome": " ", "redressed": True})
    assert refused.status_code == 422 and "outcome" in refused.json()["error"]["fields"]
    closed = send(api, "POST", url(crisis, "/close"), {"outcome": "safe, case filed", "redressed": True})
    assert closed.status_code == 200, closed.content
    body = closed.json()
    assert (body["status"], body["redressed"], body["outcome"]) == ("closed", True, "safe, case filed")
    assert body["closed_at"] is not None and body["timeline"][-1]["kind"] == "closed"
    no_reason = send(api, "POST", url(crisis, "/reopen"), {"reason": ""})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["error"]["fields"]
    reopened = send(api, "POST", url(crisis, "/reopen"), {"reason": "he came back"})
    assert reopened.status_code == 200 and reopened.json()["status"] == "in_progress"
    assert reopened.json()["closed_at"] is None


def test_reopening_a_crisis_that_is_not_closed_is_a_conflict(api, crisis):
    response = send(api, "POST", url(crisis, "/reopen"), {"reason": "by mistake"})
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "Only a resolved or closed crisis can be reopened."


def test_closing_a_closed_crisis_is_a_conflict(api, crisis, person):
    crisis_close(crisis=crisis, by=person, outcome="safe", redressed=False)
    response = send(api, "POST", url(crisis, "/close"), {"outcome": "safe again", "redressed": True})
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"


def test_assigning_someone_in_the_team(api, crisis, responder, network):
    response = send(api, "POST", url(crisis, "/assign"), {"username": "rekha"})
    assert response.status_code == 200, response.content
    assert response.json()["username"] == "rekha" and response.json()["ended_at"] is None
    assert send(api, "POST", url(crisis, "/assign"), {"username": "rekha"}).status_code == 200
    assert crisis.assignments.count() == 1
    assert Crisis.objects.get(pk=crisis.pk).status == "acknowledged"
    make_person("kavya", ("responder", network["teams"]["belagavi"]))
    outside = send(api, "POST", url(crisis, "/assign"), {"username": "kavya"})
    nobody = send(api, "POST", url(crisis, "/assign"), {"username": "nobody"})
    assert outside.status_code == nobody.status_code == 422
    assert outside.json() == nobody.json()
    assert "username" in nobody.json()["error"]["fields"]


def test_consent_given_and_withdrawn(api, crisis):
    given = send(api, "POST", url(crisis, "/consents"), {"purpose": "refer", "given": True})
    assert given.status_code == 201 and given.json()["given"] is True
    withdrawn = send(api, "POST", url(crisis, "/consents"), {"purpose": "refer", "given": False})
    assert withdrawn.status_code == 201
    consents = api.get(url(crisis)).json()["consents"]
    assert [(c["purpose"], c["given"]) for c in consents] == [("refer", False)]
    unknown = send(api, "POST", url(crisis, "/consents"), {"purpose": "gossip", "given": True})
    assert unknown.status_code == 422 and "purpose" in unknown.json()["error"]["fields"]


def test_correcting_urgency_and_locality_keeps_the_old_values_in_the_timeline(api, crisis, team):
    locality = team.localities.get()
    response = send(
        api,
        "PATCH",
        url(crisis),
        {"urgency": "today", "locality": locality.pk, "reason": "misheard on the call"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["urgency"] == "today" and body["locality"] == {"id": locality.pk, "name": "Bus stand"}
    corrections = crisis.timeline.filter(kind=TimelineEntry.Kind.CORRECTION).order_by("pk")
    assert [c.data for c in corrections] == [
        {"field": "urgency", "from": "immediate", "to": "today"},
        {"field": "locality", "from": None, "to": locality.pk},
    ]
    opened = crisis.timeline.get(kind=TimelineEntry.Kind.OPENED)
    assert all(c.corrects == opened and c.reason == "misheard on the call" for c in corrections)
    audit = AuditEntry.objects.get(action="crisis.correct")
    assert audit.reason == "misheard on the call" and audit.details["urgency"] == {
        "from": "immediate",
        "to": "today",
    }
    again = send(api, "PATCH", url(crisis), {"urgency": "urgent", "reason": "she called again"})
    assert again.status_code == 200
    latest = crisis.timeline.filter(kind=TimelineEntry.Kind.CORRECTION).latest("pk")
    assert latest.corrects == corrections[0] and latest.data["from"] == "today"


def test_a_correction_needs_a_reason_and_a_valid_value(api, crisis, network):
    no_reason = send(api, "PATCH", url(crisis), {"urgency": "today"})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["error"]["fields"]
    bad = send(api, "PATCH", url(crisis), {"urgency": "whenever", "reason": "x"})
    assert bad.status_code == 422 and "urgency" in bad.json()["error"]["fields"]
    other_locality = network["teams"]["belagavi"].localities.get()
    elsewhere = send(api, "PATCH", url(crisis), {"locality": other_locality.pk, "reason": "x"})
    assert elsewhere.status_code == 422 and "locality" in elsewhere.json()["error"]["fields"]
    assert send(api, "PATCH", url(crisis), {}).status_code == 422
    same = send(api, "PATCH", url(crisis), {"urgency": "immediate", "reason": "x"})
    assert same.status_code == 422
    assert not crisis.timeline.filter(kind=TimelineEntry.Kind.CORRECTION).exists()


def test_a_patch_is_saved_whole_or_not_at_all(api, crisis):
    send(api, "PATCH", url(crisis), {"status": "acknowledged"})
    response = send(api, "PATCH", url(crisis), {"urgency": "today", "reason": "misheard", "status": "new"})
    assert response.status_code == 409
    assert Crisis.objects.get(pk=crisis.pk).urgency == "immediate"
    assert not AuditEntry.objects.filter(action="crisis.correct").exists()


def test_work_on_another_teams_crisis_is_a_404(api, network):
    from crisisline.crises.services import Intake, crisis_open

    team = network["teams"]["belagavi"]
    other = crisis_open(
        team=team, intake=Intake(crisis_type="other"), by=make_person("savitha", ("call_receiver", team))
    ).crisis
    for method, tail, body in (
        ("PATCH", "", {"status": "acknowledged"}),
        ("POST", "/timeline", {"kind": "note", "text": "x"}),
        ("POST", "/steps/first_contact/complete", {}),
        ("POST", "/close", {"outcome": "x", "redressed": False}),
        ("POST", "/consents", {"purpose": "refer", "given": True}),
    ):
        assert send(api, method, url(other, tail), body).status_code == 404, (method, tail)
    assert Crisis.objects.get(pk=other.pk).status == "new"
