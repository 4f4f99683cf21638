"""A programme manager on a phone sees the network and its figures, never a case: no name, phone number,
note or place of anyone in a crisis, on any page the manager can reach or tries to reach."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from conftest import make_person
from crisisline.crises.services import Intake, client_correct, crisis_open, timeline_add

pytestmark = pytest.mark.browser
PASSWORD = "long-enough-password-1"
PLANTED = ("Shanthamma Rangaswamy", "9845012345", "98450 12345", "behind the cinema hall", "broke her arm")


@pytest.fixture
def crises(network):
    """A crisis with a named, numbered client, a place and notes in every team the manager covers."""
    references = []
    for team in network["teams"].values():
        lead = make_person(f"lead.{team.code.lower()}", ("team_lead", team))
        crisis = crisis_open(
            team=team,
            intake=Intake(
                crisis_type="physical_violence", phone="+91 98450 12345", place=PLANTED[3], note=PLANTED[4]
            ),
            by=lead,
        ).crisis
        client_correct(client=crisis.client, by=lead, reason="she said", name=PLANTED[0])
        timeline_add(crisis=crisis, kind="call", text=f"spoke with {PLANTED[0]}", by=lead)
        references.append((team.code, crisis.reference, crisis.client.code))
    return references


def _no_identity(page: Page) -> None:
    text = page.content()
    for planted in PLANTED:
        assert planted not in text, f"{planted!r} on {page.url}"


def test_a_state_manager_walks_every_page_and_never_sees_a_case(page: Page, live_server, network, crises):
    make_person("pm.ka", ("programme_manager", network["states"]["KA"]))
    page.goto(live_server.url)
    page.get_by_label("Username").fill("pm.ka")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # A manager reaches no identity, so no second factor is asked for.
    expect(page).to_have_url(f"{live_server.url}/")
    _no_identity(page)

    page.get_by_role("link", name=re.compile("Karnataka")).click()
    expect(page.get_by_role("heading", name="Karnataka")).to_be_visible()
    _no_identity(page)
    page.get_by_role("link", name=re.compile("Mysuru Bus Stand")).click()
    expect(page.get_by_role("heading", name=re.compile("Mysuru Bus Stand"))).to_be_visible()
    expect(page.get_by_text("Localities")).to_have_count(0)  # hotspots are the team's own
    _no_identity(page)

    for team_code, reference, client_code in crises:
        for path in (f"/teams/{team_code}/board", f"/crises/{reference}", f"/clients/{client_code}"):
            response = page.goto(live_server.url + path)
            assert response.status in (403, 404), f"{path}: {response.status}"
            _no_identity(page)
    for path in ("/account/", "/people/", "/board"):
        page.goto(live_server.url + path)
        _no_identity(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
