"""The crisis page: facts, steps, timeline and every action through the page, in the team's time; the
identity hidden until asked for (and that read audited); 404 for outsiders, break-glass for those the policy
lets in; never cached."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from conftest import make_person, sign_in
from crisisline.audit.models import AuditEntry
from crisisline.crises.models import Assignment, BreakGlass, Crisis, CrisisStep, FollowUp, TimelineEntry
from crisisline.crises.services import Intake, client_correct, consent_given, crisis_open, crisis_text

KATHMANDU = ZoneInfo("Asia/Kathmandu")  # +05:45: a zone whose times cannot be mistaken for UTC or IST
OPENED = datetime(2026, 1, 10, 20, 0, tzinfo=UTC)  # 01:45 on 11 January in Kathmandu


@pytest.fixture(autouse=True)
def _static_files_by_plain_name(settings):
    """Plain static names whatever a `collectstatic` run left in the data folder (web/tests/conftest.py)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def crisis(team, person) -> Crisis:
    team.time_zone = "Asia/Kathmandu"
    team.save(update_fields=["time_zone"])
    intake = Intake(
        crisis_type="sexual_violence",
        phone="098450 12345",
        place="behind the lodge",
        note="hurt, needs a doctor",
    )
    return crisis_open(team=team, intake=intake, by=person, opened_at=OPENED).crisis


def _url(crisis: Crisis, action: str = "") -> str:
    return f"/crises/{crisis.reference}" + (f"/{action}" if action else "")


def _local_input(moment: datetime) -> str:
    return timezone.localtime(moment, KATHMANDU).strftime("%Y-%m-%dT%H:%M")


def test_the_page_shows_the_facts_steps_and_timeline_in_the_teams_time(signed_in, crisis):
    response = signed_in.get(_url(crisis))
    html = response.content.decode()

    assert response.status_code == 200
    assert f'<h1 class="reference">{crisis.reference}</h1>' in html
    assert "Sexual violence" in html and "Immediate danger" in html and "New" in html
    assert "Mysuru Bus Stand (KA-MYS-01)" in html and "Call, logged on the web" in html
    assert "11 Jan 2026, 01:45 · meena" in html  # logged: 20:00 UTC is 01:45 in Kathmandu
    assert "behind the lodge" in html and "hurt, needs a doctor" in html
    assert "First contact with her" in html and "by 11 Jan, 02:45" in html  # due an hour after the call
    assert '<strong class="overdue-word">Overdue</strong>' in html  # long past, in words as well as red
    assert 'id="step-first_contact"' in html and "Crisis logged" in html
    assert "<script>" not in html and " style=" not in html


def test_a_lowercase_reference_finds_the_crisis(signed_in, crisis):
    assert signed_in.get(f"/crises/{crisis.reference.lower()}").status_code == 200


# --- Steps -------------------------------------------------------------------------------------------------
def test_completing_a_step_with_a_note(signed_in, crisis):
    step = crisis.steps.get(code="first_contact")
    response = signed_in.post(_url(crisis, f"steps/{step.pk}/done"), {"note": "called her back, she is safe"})

    assert response.status_code == 302 and response.headers["Location"] == _url(crisis) + "#steps"
    step.refresh_from_db()
    assert step.state == CrisisStep.State.DONE and step.done_by.username == "meena"
    html = signed_in.get(_url(crisis)).content.decode()
    assert "Step done: First contact with her." in html and "called her back, she is safe" in html
    again = signed_in.post(_url(crisis, f"steps/{step.pk}/done"))
    assert again.status_code == 409 and "This step is already closed." in again.content.decode()


def test_a_step_that_does_not_apply_needs_a_reason(signed_in, crisis):
    step = crisis.steps.get(code="emergency_contraception")
    refused = signed_in.post(_url(crisis, f"steps/{step.pk}/not-applicable"), {"reason": " "})
    assert refused.status_code == 422 and "A reason is needed." in refused.content.decode()
    assert CrisisStep.objects.get(pk=step.pk).state == CrisisStep.State.OPEN

    signed_in.post(_url(crisis, f"steps/{step.pk}/not-applicable"), {"reason": "had it at the hospital"})
    assert CrisisStep.objects.get(pk=step.pk).state == CrisisStep.State.NOT_APPLICABLE
    assert "had it at the hospital" in signed_in.get(_url(crisis)).content.decode()


def test_a_step_of_another_crisis_is_not_found(signed_in, crisis, team, person):
    other = crisis_open(team=team, intake=Intake(crisis_type="other"), by=person).crisis
    step = other.steps.first()
    assert signed_in.post(_url(crisis, f"steps/{step.pk}/done")).status_code == 404


# --- Timeline ----------------------------------------------------------------------------------------------
def test_adding_a_timeline_entry_at_a_time_of_the_team(signed_in, crisis):
    at = "2026-01-11T03:30"  # Kathmandu
    response = signed_in.post(
        _url(crisis, "timeline"), {"kind": "hospital", "text": "went with her", "at": at}
    )

    assert response.status_code == 302 and response.headers["Location"].endswith("#timeline")
    entry = crisis.timeline.get(kind=TimelineEntry.Kind.HOSPITAL)
    assert entry.at == datetime(2026, 1, 11, 3, 30, tzinfo=KATHMANDU) and entry.by.username == "meena"
    assert crisis_text(crisis, entry.text_sealed, purpose="timeline") == "went with her"
    html = signed_in.get(_url(crisis)).content.decode()
    assert "11 Jan, 03:30" in html and "Went with her to hospital" in html and "went with her" in html


def test_a_timeline_entry_without_a_time_is_now(signed_in, crisis):
    signed_in.post(_url(crisis, "timeline"), {"kind": "call", "text": "", "at": ""})
    entry = crisis.timeline.get(kind=TimelineEntry.Kind.CALL)
    assert abs(entry.at - timezone.now()) < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "teleport"}, "Choose what was done."),
        ({"kind": "call", "at": "yesterday night"}, "Give a date and a time, or leave it empty."),
        ({"kind": "call", "at": "2099-01-01T10:00"}, "This time is in the future."),
    ],
)
def test_a_bad_timeline_entry_says_why_and_adds_nothing(signed_in, crisis, fields, message):
    response = signed_in.post(_url(crisis, "timeline"), {"text": "kept text", **fields})
    html = response.content.decode()
    assert response.status_code == 422 and message in html and "kept text</textarea>" in html
    assert crisis.timeline.exclude(kind="paging").count() == 1


# --- Assignment, status, follow-up, consent ---------------------------------------------------------------
def test_assigning_a_team_member(signed_in, crisis, responder, network):
    html = signed_in.get(_url(crisis)).content.decode()
    assert f'<option value="{responder.pk}">rekha</option>' in html

    response = signed_in.post(_url(crisis, "assign"), {"person": str(responder.pk)})
    assert response.status_code == 302
    assert Assignment.objects.get(crisis=crisis).person == responder
    crisis.refresh_from_db()
    assert crisis.status == Crisis.Status.ACKNOWLEDGED

    outsider = make_person("kavya", ("responder", network["teams"]["madurai"]))
    refused = signed_in.post(_url(crisis, "assign"), {"person": str(outsider.pk)})
    assert refused.status_code == 422 and "Choose someone in the team." in refused.content.decode()


def test_changing_the_status(signed_in, crisis):
    html = signed_in.get(_url(crisis)).content.decode()
    assert 'value="acknowledged">Acknowledge' in html and 'value="resolved">Mark resolved' in html

    signed_in.post(_url(crisis, "status"), {"status": "acknowledged"})
    signed_in.post(_url(crisis, "status"), {"status": "in_progress"})
    crisis.refresh_from_db()
    assert crisis.status == Crisis.Status.IN_PROGRESS
    refused = signed_in.post(_url(crisis, "status"), {"status": "acknowledged"})
    assert refused.status_code == 409 and "cannot become" in refused.content.decode()
    signed_in.post(_url(crisis, "status"), {"status": "resolved"})
    crisis.refresh_from_db()
    assert crisis.status == Crisis.Status.RESOLVED


def test_closing_needs_an_outcome_and_whether_it_was_redressed(signed_in, crisis):
    no_outcome = signed_in.post(_url(crisis, "close"), {"outcome": " ", "redressed": "yes"})
    assert no_outcome.status_code == 422 and "What happened in the end?" in no_outcome.content.decode()
    no_answer = signed_in.post(_url(crisis, "close"), {"outcome": "PEP given, complaint filed"})
    assert no_answer.status_code == 422 and "Say whether it was redressed." in no_answer.content.decode()
    assert "PEP given, complaint filed</textarea>" in no_answer.content.decode()

    response = signed_in.post(
        _url(crisis, "close"), {"outcome": "PEP given, complaint filed", "redressed": "yes"}
    )
    assert response.status_code == 302
    crisis.refresh_from_db()
    assert crisis.status == Crisis.Status.CLOSED and crisis.redressed is True
    html = signed_in.get(_url(crisis)).content.decode()
    assert "Crisis closed." in html and "PEP given, complaint filed" in html and "Reopen" in html


def test_reopening_needs_a_reason(signed_in, crisis, person):
    signed_in.post(_url(crisis, "close"), {"outcome": "settled", "redressed": "no"})
    refused = signed_in.post(_url(crisis, "reopen"), {"reason": ""})
    assert refused.status_code == 422 and "A reason is needed." in refused.content.decode()

    signed_in.post(_url(crisis, "reopen"), {"reason": "the police came back"})
    crisis.refresh_from_db()
    assert crisis.status == Crisis.Status.IN_PROGRESS and crisis.closed_at is None
    assert "the police came back" in signed_in.get(_url(crisis)).content.decode()


def test_scheduling_a_follow_up_in_the_teams_time(signed_in, crisis):
    tomorrow = timezone.now() + timedelta(days=1)
    response = signed_in.post(_url(crisis, "follow-up"), {"due_at": _local_input(tomorrow)})

    assert response.status_code == 302
    follow_up = FollowUp.objects.get(crisis=crisis)
    assert follow_up.due_at.tzinfo is not None and abs(follow_up.due_at - tomorrow) < timedelta(minutes=1)
    for past, message in (("2025-01-01T10:00", "In the past."), ("", "Choose a date and a time.")):
        refused = signed_in.post(_url(crisis, "follow-up"), {"due_at": past})
        assert refused.status_code == 422 and message in refused.content.decode()
    assert FollowUp.objects.count() == 1


def test_consent_per_purpose_given_and_withdrawn_as_easily(signed_in, crisis):
    html = signed_in.get(_url(crisis)).content.decode()
    assert html.count('name="purpose"') == 5 and html.count("Not asked") == 5

    signed_in.post(_url(crisis, "consent"), {"purpose": "count", "given": "1"})
    assert consent_given(crisis, "count") and not consent_given(crisis, "police")
    assert "Consent given: Be counted in statistics." in signed_in.get(_url(crisis)).content.decode()
    signed_in.post(_url(crisis, "consent"), {"purpose": "count", "given": "0"})
    assert not consent_given(crisis, "count")
    refused = signed_in.post(_url(crisis, "consent"), {"purpose": "gossip", "given": "1"})
    assert refused.status_code == 422 and "Unknown purpose." in refused.content.decode()


# --- The identity ------------------------------------------------------------------------------------------
@pytest.fixture
def named(crisis, lead):
    client_correct(
        client=crisis.client, by=lead, reason="she told us", name="Lakshmi Devi", address="12 Hill Road"
    )
    return crisis


def _identity_reads():
    return AuditEntry.objects.filter(action="identity.read")


def test_the_identity_is_hidden_until_asked_for_and_the_read_is_audited(signed_in, named):
    html = signed_in.get(_url(named)).content.decode()
    assert named.client.code in html and "Show identity" in html
    for secret in ("Lakshmi", "Hill Road", "98450", "12345"):
        assert secret not in html
    assert not _identity_reads().exists()

    response = signed_in.post(_url(named, "identity"))
    assert response.status_code == 302 and response.headers["Location"] == _url(named) + "#identity"
    shown = signed_in.get(_url(named)).content.decode()
    assert "Lakshmi Devi" in shown and "+919845012345" in shown and "12 Hill Road" in shown
    read = _identity_reads().get()
    assert read.actor == "meena" and read.details["crisis"] == named.reference

    hidden_again = signed_in.get(_url(named)).content.decode()
    assert "Lakshmi" not in hidden_again and _identity_reads().count() == 1


def test_no_identity_button_without_a_client(signed_in, team, person):
    crisis = crisis_open(team=team, intake=Intake(crisis_type="other"), by=person).crisis
    assert "Show identity" not in signed_in.get(_url(crisis)).content.decode()


# --- Who may open it ---------------------------------------------------------------------------------------
@pytest.fixture
def outsiders(network, team, administrator):
    return [
        administrator,
        make_person("manager", ("programme_manager", network["states"]["KA"])),
        make_person("social", ("social_worker", team)),  # of the team, but not given this crisis
    ]


EVERY_FIELD = {
    "kind": "note",
    "status": "resolved",
    "outcome": "x",
    "redressed": "yes",
    "reason": "x" * 20,
    "hours": "2",
}


def test_outsiders_get_not_found_for_the_page_and_every_action(client, named, outsiders):
    step = named.steps.first()
    for outsider in outsiders:
        sign_in(client, outsider)
        assert client.get(_url(named)).status_code == 404
        assert client.get("/crises/C-XXXX").status_code == 404
        for action in ("identity", f"steps/{step.pk}/done", "timeline", "status", "close", "break-glass"):
            response = client.post(_url(named, action), EVERY_FIELD)
            assert response.status_code == 404, (outsider, action)
    named.refresh_from_db()
    assert named.status == Crisis.Status.NEW and named.timeline.exclude(kind="paging").count() == 1
    assert not _identity_reads().exists() and not BreakGlass.objects.exists()


def test_a_social_worker_given_the_crisis_may_open_it(client, named, person):
    from crisisline.crises.services import crisis_assign

    social = make_person("social", ("social_worker", named.team))
    crisis_assign(crisis=named, person=social, by=person)
    assert sign_in(client, social).get(_url(named)).status_code == 200


@pytest.fixture
def neighbour(client, network):
    """A call receiver of another team: the policy lets her break glass."""
    return sign_in(client, make_person("kavya", ("call_receiver", network["teams"]["mysuru2"])))


def test_break_glass_is_offered_then_granted_then_the_crisis_opens(neighbour, named):
    offer = neighbour.get(_url(named))
    html = offer.content.decode()
    assert offer.status_code == 403 and f"{named.reference} is another team" in html
    assert 'name="reason"' in html and 'name="hours"' in html and '<option value="12">12 hours' in html
    for secret in ("Sexual violence", "hurt, needs a doctor", "lodge", named.client.code):
        assert secret not in html, "nothing about the crisis before the glass is broken"

    short = neighbour.post(_url(named, "break-glass"), {"reason": "need", "hours": "2"})
    assert short.status_code == 422 and "A few words at least." in short.content.decode()
    too_long = neighbour.post(
        _url(named, "break-glass"), {"reason": "she is at our station now", "hours": "13"}
    )
    assert too_long.status_code == 422 and "Choose from 1 to 12 hours." in too_long.content.decode()
    assert not BreakGlass.objects.exists()

    granted = neighbour.post(
        _url(named, "break-glass"), {"reason": "she is at our station now", "hours": "2"}
    )
    assert granted.status_code == 302 and granted.headers["Location"] == _url(named)
    grant = BreakGlass.objects.get()
    assert abs(grant.expires_at - (timezone.now() + timedelta(hours=2))) < timedelta(minutes=1)
    page = neighbour.get(_url(named))
    assert page.status_code == 200 and "through break-glass" in page.content.decode()
    assert "hurt, needs a doctor" in page.content.decode()
    neighbour.post(_url(named, "timeline"), {"kind": "visit", "text": "with her at the station"})
    assert named.timeline.filter(kind=TimelineEntry.Kind.VISIT, by=grant.person).exists()


def test_pages_with_case_data_are_never_cached(signed_in, named, neighbour_client, outsiders, client):
    assert signed_in.get(_url(named)).headers["Cache-Control"] == "no-store"
    assert neighbour_client.get(_url(named)).headers["Cache-Control"] == "no-store"  # the offer
    sign_in(client, outsiders[0])
    assert client.get(_url(named)).headers["Cache-Control"] == "no-store"  # not found


@pytest.fixture
def neighbour_client(network):
    from django.test import Client

    return sign_in(Client(), make_person("kavya2", ("call_receiver", network["teams"]["mysuru2"])))


def test_a_reveal_not_used_at_once_shows_nothing_later(signed_in, named, monkeypatch):
    signed_in.post(_url(named, "identity"))
    later = timezone.now() + timedelta(minutes=2)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert "Lakshmi" not in signed_in.get(_url(named)).content.decode()
    assert not _identity_reads().exists()


def test_the_page_reads_the_same_few_queries_however_long_the_timeline(signed_in, crisis, responder, lead):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert signed_in.get(_url(crisis)).status_code == 200
        return len(captured)

    signed_in.post(_url(crisis, "assign"), {"person": str(responder.pk)})
    signed_in.post(_url(crisis, "timeline"), {"kind": "call", "text": "x"})
    queries()  # the first page after signing in also writes the session, and shows the messages once
    before = queries()
    signed_in.post(_url(crisis, "assign"), {"person": str(lead.pk)})
    for kind in ("visit", "note", "hospital", "counselling"):
        signed_in.post(_url(crisis, "timeline"), {"kind": kind, "text": "x"})
    signed_in.post(_url(crisis, "consent"), {"purpose": "count", "given": "1"})
    signed_in.post(_url(crisis, f"steps/{crisis.steps.first().pk}/done"), {"note": "x"})
    queries()
    assert queries() == before
