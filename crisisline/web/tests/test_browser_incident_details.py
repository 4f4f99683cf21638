"""A data person on a 360 x 640 phone documents a physical-violence crisis: when, where, what happened and
who did it; then corrects the kind of place, is asked why, gives the reason and finds the old value in the
field's history.

Signed in as in test_browser_crisis_journeys.py: a session made with Django's test client (conftest.sign_in,
both factors done) and its cookie given to the browser."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from conftest import sign_in
from crisisline.crises.models import Crisis, Fact
from crisisline.crises.services import Intake, crisis_open, current_facts, fact_value

pytestmark = pytest.mark.browser


@pytest.fixture
def crisis(network, person) -> Crisis:
    team = network["teams"]["mysuru"]  # Asia/Kolkata
    return crisis_open(team=team, intake=Intake(crisis_type="physical_violence"), by=person).crisis


@pytest.fixture
def phone(page: Page, live_server, person) -> Page:
    client = sign_in(Client(), person)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return page


def _fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the page scrolls sideways"


def test_recording_the_incident_then_correcting_the_place_with_a_reason(phone: Page, live_server, crisis):
    phone.goto(f"{live_server.url}/crises/{crisis.reference}")
    expect(phone.locator("#incident")).to_contain_text("Incident details")
    phone.get_by_role("link", name="Record incident details").tap()

    expect(phone.get_by_role("heading", name="Incident details")).to_be_visible()
    _fits_the_phone(phone)
    phone.get_by_label("When it happened").fill("2026-11-27T22:30")
    phone.get_by_label("Where: kind of place").select_option(label="Lodge or hotel")
    phone.get_by_label("What happened").fill("a client hit her with a bottle in room 4")
    first = phone.get_by_role("group", name="Person or group 1")
    first.get_by_label("Who", exact=True).select_option(label="Client")
    first.get_by_label("How many").fill("1")
    first.get_by_label("Sex").select_option(label="Male")
    first.get_by_label("Relation to her").select_option(label="Regular client")
    phone.get_by_role("button", name="Save the details").tap()

    expect(phone.get_by_text("Incident details saved.")).to_be_visible()
    details = phone.locator("#incident")
    expect(details).to_contain_text("27 Nov 2026, 22:30")
    expect(details).to_contain_text("Lodge or hotel")
    expect(details).to_contain_text("a client hit her with a bottle in room 4")
    expect(details).to_contain_text("Client: 1, Male, Regular client")
    _fits_the_phone(phone)
    facts = current_facts(crisis)
    assert facts["incident_at"].value == "2026-11-27T22:30:00+05:30"
    assert facts["perpetrators"].value == [
        {"category": "client", "count": 1, "sex": "male", "relation": "regular_client"}
    ]
    assert fact_value(crisis, facts["what_happened"]) == "a client hit her with a bottle in room 4"

    # The place was the road outside, she says later: a correction, which needs a reason.
    phone.get_by_role("link", name="Add or correct details").tap()
    phone.get_by_label("Where: kind of place").select_option(label="Street or public place")
    phone.get_by_role("button", name="Save the details").tap()

    expect(phone.locator("#detail-place_type-error")).to_have_text("A reason is needed to correct this.")
    expect(phone.locator("#detail-reason-error")).to_be_visible()
    expect(phone.get_by_label("Where: kind of place")).to_have_value("street")  # her choice is kept
    _fits_the_phone(phone)
    assert Fact.objects.filter(field="place_type").count() == 1

    phone.get_by_label("Why do you change what was recorded?").fill("it happened on the road outside")
    phone.get_by_role("button", name="Save the details").tap()

    expect(phone.get_by_text("Incident details saved.")).to_be_visible()
    place = phone.locator("#incident-place_type")
    expect(place).to_contain_text("Street or public place")
    expect(place).to_contain_text("corrected")
    phone.get_by_role("link", name="History: Where: kind of place").tap()

    expect(phone.get_by_role("heading", name="History: Where: kind of place")).to_be_visible()
    history = phone.locator(".incident-history > li")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("Street or public place")
    expect(history.nth(0)).to_contain_text("Why: it happened on the road outside")
    expect(history.nth(0)).to_contain_text("meena")
    expect(history.nth(1)).to_contain_text("Lodge or hotel")
    _fits_the_phone(phone)
    assert [fact.value for fact in Fact.objects.filter(field="place_type").order_by("at", "pk")] == [
        "lodge",
        "street",
    ]
