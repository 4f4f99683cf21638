"""A team lead on a 360 x 640 phone answers a person's request about her data: from a crisis to its client,
downloads everything held, then erases the client with a reason and the confirmation.

The browser starts signed in: a session made with Django's test client (conftest.sign_in, both factors done)
and its cookie given to the browser, as in test_browser_crisis_journeys.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from playwright.sync_api import Page, expect

from conftest import make_person, sign_in
from crisisline.crises.models import Client, Crisis
from crisisline.crises.services import Intake, crisis_open

pytestmark = pytest.mark.browser

PHONE_DIGITS = "9845012345"
NOTE = "hit by a client near the bus stand"


@pytest.fixture
def team(network):
    return network["teams"]["mysuru"]


@pytest.fixture
def lead(team):
    return make_person("lead", ("team_lead", team))


@pytest.fixture
def crisis(team, person) -> Crisis:
    intake = Intake(crisis_type="physical_violence", phone=f"0{PHONE_DIGITS}", note=NOTE)
    return crisis_open(team=team, intake=intake, by=person).crisis


@pytest.fixture
def phone(page: Page, live_server, lead) -> Page:
    cookie = sign_in(HttpClient(), lead).cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return page


def _fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the page scrolls sideways"


def test_a_team_lead_downloads_a_clients_data_and_erases_it(phone: Page, live_server, crisis):
    code = crisis.client.code
    phone.goto(f"{live_server.url}/crises/{crisis.reference}")
    phone.get_by_role("link", name=f"Client {code}").tap()
    expect(phone.locator("h1.reference")).to_have_text(code)
    expect(phone.get_by_text(PHONE_DIGITS)).to_have_count(0)
    _fits_the_phone(phone)

    with phone.expect_download() as download_info:
        phone.get_by_role("button", name="Download everything held").tap()
    download = download_info.value
    assert download.suggested_filename == f"{code}-data.json"
    held = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert held["client"]["phone"] == f"+91{PHONE_DIGITS}" and held["crises"][0]["note"] == NOTE

    phone.get_by_role("link", name="Erase", exact=True).tap()
    expect(phone.get_by_role("heading", name=f"Erase client {code}")).to_be_visible()
    _fits_the_phone(phone)
    phone.get_by_label("Why is the client erased?").fill("she asked us to erase everything")
    phone.get_by_label("I understand this cannot be undone").check()
    phone.get_by_role("button", name="Erase for ever").tap()

    expect(phone.get_by_text(re.compile(r"This client was erased on \d{1,2} \w{3} \d{4}\."))).to_be_visible()
    expect(phone.get_by_role("button", name="Download everything held")).to_have_count(0)
    client = Client.objects.get(code=code)
    assert client.erased_at and not client.phone_sealed and client.phone_index is None
