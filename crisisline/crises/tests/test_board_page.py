"""The team board: the open crises of the team, call backs first, then by urgency, then by the next due step;
overdue in red and in words; never a name or a phone number; break-glass grants for the lead to review."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from conftest import make_person, sign_in
from crisisline.crises.models import BreakGlass
from crisisline.crises.services import (
    Intake,
    break_glass_open,
    call_back_open,
    client_correct,
    crisis_assign,
    crisis_close,
    crisis_open,
)

BOARD = "/teams/KA-MYS-01/board"
NOW = datetime(2026, 3, 14, 21, 30, tzinfo=UTC)  # 03:00 at night in Mysuru


@pytest.fixture(autouse=True)
def _static_files_by_plain_name(settings):
    """Plain static names whatever a `collectstatic` run left in the data folder (web/tests/conftest.py)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def _open(team, person, crisis_type, minutes_ago=0, **fields):
    intake = Intake(crisis_type=crisis_type, **fields)
    opened_at = NOW - timedelta(minutes=minutes_ago)
    return crisis_open(team=team, intake=intake, by=person, opened_at=opened_at).crisis


def _references(html: str) -> list[str]:
    return re.findall(r'<strong class="ref">(C-\w+)</strong>', html)


def test_call_backs_first_then_by_urgency_then_by_the_next_due_step(signed_in, person, team, clock):
    routine = _open(team, person, "family_community_conflict")
    today = _open(team, person, "other")
    urgent = _open(team, person, "physical_violence")
    immediate_in_60 = _open(team, person, "sexual_violence")  # first contact due in 60 min
    immediate_in_30 = _open(team, person, "sexual_violence", minutes_ago=30)  # due in 30 min
    immediate_overdue = _open(team, person, "suicide_risk", minutes_ago=10)  # due on the call: 10 min late
    call_back = call_back_open(team=team, phone="098450 12345", via="missed_call", received_at=NOW).crisis
    closed = _open(team, person, "other")
    crisis_close(crisis=closed, by=person, outcome="sorted out", redressed=True)

    html = signed_in.get(BOARD).content.decode()

    assert _references(html) == [
        call_back.reference,
        immediate_overdue.reference,
        immediate_in_30.reference,
        immediate_in_60.reference,
        urgent.reference,
        today.reference,
        routine.reference,
    ]
    assert closed.reference not in html


def test_each_card_says_type_urgency_status_next_step_when_and_who(signed_in, person, team, responder, clock):
    crisis = _open(team, person, "sexual_violence", minutes_ago=35)
    crisis_assign(crisis=crisis, person=responder, by=person)

    card = signed_in.get(BOARD).content.decode().split(crisis.reference, 1)[1].split("</li>", 1)[0]

    assert 'src="/static/crises/icons/sexual.svg"' in card and "Sexual violence" in card
    assert "Immediate danger" in card and "Acknowledged" in card
    assert "First contact with her" in card and "due in 25 min" in card
    assert "rekha" in card  # the responder: a team member, not a client


def test_an_overdue_step_is_marked_in_colour_and_in_words(signed_in, person, team, clock):
    late = _open(team, person, "sexual_violence", minutes_ago=130)  # first contact was due 70 min ago
    on_time = _open(team, person, "sexual_violence")

    html = signed_in.get(BOARD).content.decode()
    late_card = re.search(rf'<li class="([^"]*)">\s*<a href="/crises/{late.reference}"', html)
    on_time_card = re.search(rf'<li class="([^"]*)">\s*<a href="/crises/{on_time.reference}"', html)

    assert "overdue" in late_card.group(1).split() and "overdue" not in on_time_card.group(1).split()
    assert '<strong class="overdue-word">Overdue</strong>' in html and "overdue 1 h 10 min" in html
    assert html.count("overdue-word") == 1 and "due in 1 h" in html


def test_no_name_or_phone_number_is_ever_on_the_board(signed_in, person, team, lead, clock):
    crisis = _open(team, person, "physical_violence", phone="098450 12345", note="at the bus stand")
    client_correct(
        client=crisis.client, by=lead, reason="she told us", name="Lakshmi Devi", address="12 Hill Road"
    )
    call_back_open(team=team, phone="+91 98450 67890", via="missed_call", received_at=NOW)

    for page in (signed_in.get(BOARD), signed_in.get(BOARD, {"fragment": "1"})):
        html = page.content.decode()
        assert crisis.reference in html
        for secret in ("Lakshmi", "Hill Road", "98450", "12345", "67890", "+91", crisis.client.code):
            assert secret not in html, secret


def test_the_fragment_is_only_the_cards_and_is_not_cached(signed_in, person, team, clock):
    crisis = _open(team, person, "arrest")
    response = signed_in.get(BOARD, {"fragment": "1"})
    html = response.content.decode()

    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert crisis.reference in html and "<html" not in html and "New crisis" not in html
    assert "Updated at 03:00" in html  # the team's time, Asia/Kolkata


def test_the_page_offers_new_crisis_and_refresh_and_never_a_meta_refresh(signed_in, team):
    response = signed_in.get(BOARD)
    html = response.content.decode()

    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert 'href="/teams/KA-MYS-01/crises/new"' in html and "New crisis" in html
    assert f'class="refresh" href="{BOARD}"' in html
    assert 'http-equiv="refresh"' not in html.lower()
    assert 'data-src="/teams/KA-MYS-01/board?fragment=1"' in html and 'data-refresh="30"' in html
    assert 'src="/static/crises/board.js"' in html and "<script>" not in html and " style=" not in html
    assert "No open crises." in html


def test_someone_outside_the_team_gets_not_found(client, network, administrator):
    sign_in(client, make_person("kavya", ("call_receiver", network["teams"]["madurai"])))
    assert client.get(BOARD).status_code == 404
    sign_in(client, administrator)
    assert client.get(BOARD).status_code == 404
    assert client.get("/teams/NO-SUCH/board").status_code == 404


def test_a_lawyer_of_the_team_sees_only_the_crises_given_to_them(client, person, team, clock):
    lawyer = make_person("advocate", ("lawyer", team))
    theirs = _open(team, person, "arrest")
    other = _open(team, person, "arrest")
    crisis_assign(crisis=theirs, person=lawyer, by=person)

    html = sign_in(client, lawyer).get(BOARD).content.decode()
    assert theirs.reference in html and other.reference not in html
    assert "New crisis" not in html  # a lawyer does not log crises


@pytest.fixture
def grant(network, person, team):
    crisis = crisis_open(team=team, intake=Intake(crisis_type="arrest"), by=person).crisis
    neighbour = make_person("shanthi", ("team_lead", network["teams"]["mysuru2"]))
    return break_glass_open(crisis=crisis, by=neighbour, reason="she called our helpline from the station")


def test_the_lead_reviews_break_glass_on_the_teams_crises(client, lead, grant):
    sign_in(client, lead)
    html = client.get(BOARD).content.decode()

    assert "Break-glass to review" in html and "shanthi" in html
    assert f'href="/break-glass/{grant.pk}/review"' in html
    assert "she called our helpline" not in html, "free text stays off the board"
    review = client.get(f"/break-glass/{grant.pk}/review").content.decode()
    assert "she called our helpline from the station" in review and grant.crisis.reference in review

    response = client.post(f"/break-glass/{grant.pk}/review", {"note": "checked with her, fine"})
    assert response.status_code == 302 and response.headers["Location"] == BOARD
    grant.refresh_from_db()
    assert grant.reviewed_by == lead and grant.review_note == "checked with her, fine"
    assert "Break-glass to review" not in client.get(BOARD).content.decode()
    again = client.post(f"/break-glass/{grant.pk}/review", follow=True)
    assert "This was reviewed already." in again.content.decode()


def test_a_call_receiver_neither_sees_nor_reviews_break_glass(signed_in, grant):
    assert "Break-glass to review" not in signed_in.get(BOARD).content.decode()
    assert signed_in.get(f"/break-glass/{grant.pk}/review").status_code == 404
    assert signed_in.post(f"/break-glass/{grant.pk}/review").status_code == 404
    assert BreakGlass.objects.get().reviewed_at is None


def test_home_links_the_board_for_crisis_team_members_and_board_finds_the_team(signed_in, client, network):
    html = signed_in.get("/").content.decode()
    assert html.count("My team's board") == 1 and 'href="/board"' in html
    assert signed_in.get("/board").headers["Location"] == BOARD


def test_home_has_no_board_for_someone_without_a_crisis_team(client, administrator, network):
    sign_in(client, administrator)
    assert "My team's board" not in client.get("/").content.decode()
    assert client.get("/board").status_code == 404


def test_someone_in_two_teams_chooses_the_board(client, network):
    both = make_person(
        "devi", ("responder", network["teams"]["mysuru"]), ("team_lead", network["teams"]["mysuru2"])
    )
    sign_in(client, both)
    assert client.get("/").content.decode().count("My team's board") == 1
    html = client.get("/board").content.decode()
    assert BOARD in html and "/teams/KA-MYS-02/board" in html


def test_the_board_reads_the_same_few_queries_however_many_crises(signed_in, person, team, responder, clock):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert signed_in.get(BOARD, {"fragment": "1"}).status_code == 200
        return len(captured)

    crisis_assign(crisis=_open(team, person, "arrest"), person=responder, by=person)
    queries()  # the first request after signing in also writes the session
    few = queries()
    for crisis_type in ("arrest", "other", "sexual_violence", "suicide_risk", "physical_violence"):
        crisis_assign(crisis=_open(team, person, crisis_type), person=responder, by=person)
    assert queries() == few
