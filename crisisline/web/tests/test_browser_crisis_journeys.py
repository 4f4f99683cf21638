"""A call receiver at 2 a.m. on a 360 x 640 phone: log a crisis in six interactions or fewer, complete a
protocol step, add to the timeline, close the crisis with its outcome; the board refreshes by itself.

Each test starts signed in: a session made with Django's test client (conftest.sign_in, both factors done)
and its cookie given to the browser. The sign-in journey itself is tested in test_browser_journeys.py."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Locator, Page, expect

from conftest import sign_in
from crisisline.crises.models import Crisis, CrisisStep, TimelineEntry
from crisisline.crises.services import Intake, crisis_identity, crisis_open, crisis_text
from crisisline.web.tests.conftest import PHONE

pytestmark = pytest.mark.browser


@pytest.fixture
def team(network):
    return network["teams"]["mysuru"]


def _signed_in(context, live_server, person) -> None:
    client = sign_in(Client(), person)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


@pytest.fixture
def phone(page: Page, live_server, person) -> Page:
    _signed_in(page.context, live_server, person)
    return page


@pytest.fixture
def phone_without_javascript(browser, live_server, person):
    context = browser.new_context(**PHONE, java_script_enabled=False)
    _signed_in(context, live_server, person)
    yield context.new_page()
    context.close()


class Interactions:
    """Counts what the person does: each tap, each field filled, each choice from a list is one."""

    def __init__(self) -> None:
        self.count = 0

    def tap(self, target: Locator) -> None:
        self.count += 1
        target.tap()

    def fill(self, target: Locator, text: str) -> None:
        self.count += 1
        target.fill(text)

    def choose(self, target: Locator, label: str) -> None:
        self.count += 1
        target.select_option(label=label)


def _fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the page scrolls sideways"


def _reference_shown(page: Page) -> str:
    reference = page.locator("h1.reference")
    expect(reference).to_have_text(re.compile(r"^C-[234679ACDFHKMNPRTWXY]{4,}$"))
    return reference.inner_text()


def test_logging_a_crisis_takes_six_interactions_at_most(phone: Page, live_server, team, person):
    phone.goto(f"{live_server.url}/teams/{team.code}/board")
    phone.get_by_role("link", name="New crisis").tap()  # from the board: getting there is not the intake
    expect(phone.get_by_role("heading", name="New crisis")).to_be_visible()
    _fits_the_phone(phone)
    done = Interactions()

    done.tap(phone.get_by_role("radio", name="Physical violence"))
    expect(phone.get_by_role("radio", name="Urgent")).to_be_checked()  # suggested for the type by the script
    done.tap(phone.get_by_role("radio", name="Immediate danger"))
    done.choose(phone.get_by_label("A place of your team"), "Bus stand")
    done.fill(phone.get_by_label("Who? Client code or phone number (optional)"), "098450 12345")
    done.fill(phone.get_by_label("Short note"), "hit by a client, bleeding from the head")
    save = phone.get_by_role("button", name="Save")
    expect(save).to_be_in_viewport()  # the Save bar stays on the screen
    done.tap(save)

    reference = _reference_shown(phone)
    expect(phone.get_by_text(f"Crisis logged. Its reference is {reference}.")).to_be_visible()
    assert done.count <= 6, f"{done.count} interactions"
    crisis = Crisis.objects.get(reference=reference)
    assert crisis.crisis_type.code == "physical_violence" and crisis.urgency == "immediate"
    assert crisis.locality.name == "Bus stand" and crisis.team == team
    assert crisis_identity(crisis=crisis, by=person).phone == "+919845012345"
    assert (
        crisis_text(crisis, crisis.note_sealed, purpose="crisis.note")
        == "hit by a client, bleeding from the head"
    )
    _fits_the_phone(phone)


def test_without_javascript_what_happened_and_save_are_enough(
    phone_without_javascript: Page, live_server, team
):
    page = phone_without_javascript
    page.goto(f"{live_server.url}/teams/{team.code}/crises/new")
    done = Interactions()

    done.tap(page.get_by_role("radio", name="Suicide risk"))
    expect(page.get_by_role("radio", name="Suicide risk")).to_be_checked()
    done.tap(page.get_by_role("button", name="Save"))

    reference = _reference_shown(page)
    assert done.count == 2
    crisis = Crisis.objects.get(reference=reference)
    assert crisis.crisis_type.code == "suicide_risk" and crisis.urgency == "immediate"  # the type's usual


def test_a_forgotten_type_is_said_next_to_the_buttons(phone: Page, live_server, team):
    phone.goto(f"{live_server.url}/teams/{team.code}/crises/new")
    phone.get_by_label("Short note").fill("she is crying")
    phone.get_by_role("button", name="Save").tap()

    expect(phone.locator("#crisis_type-error")).to_have_text("Choose what happened.")
    expect(phone.get_by_label("Short note")).to_have_value("she is crying")
    assert not Crisis.objects.exists()


@pytest.fixture
def crisis(team, person) -> Crisis:
    return crisis_open(team=team, intake=Intake(crisis_type="sexual_violence"), by=person).crisis


def test_completing_a_protocol_step(phone: Page, live_server, crisis):
    phone.goto(f"{live_server.url}/crises/{crisis.reference}")
    step = phone.locator("#step-first_contact")
    expect(step).to_contain_text("First contact with her")

    step.get_by_placeholder("Note (optional)").fill("called her back, she is at home")
    step.get_by_role("button", name="Done").tap()

    expect(phone.get_by_text("Step done: First contact with her.")).to_be_visible()
    expect(phone.locator("#step-first_contact")).to_contain_text("Done")
    expect(phone.locator("#timeline")).to_contain_text("called her back, she is at home")
    assert CrisisStep.objects.get(crisis=crisis, code="first_contact").state == CrisisStep.State.DONE
    _fits_the_phone(phone)


def test_adding_a_timeline_entry(phone: Page, live_server, crisis):
    phone.goto(f"{live_server.url}/crises/{crisis.reference}")

    phone.get_by_label("What was done").select_option(label="Went with her to hospital")
    phone.locator("#entry-text").fill("to the district hospital, PEP started")
    phone.get_by_role("button", name="Add", exact=True).tap()

    expect(phone.get_by_text("Added to the timeline.")).to_be_visible()
    expect(phone.locator("#timeline")).to_contain_text("Went with her to hospital")
    expect(phone.locator("#timeline")).to_contain_text("to the district hospital, PEP started")
    entry = crisis.timeline.get(kind=TimelineEntry.Kind.HOSPITAL)
    assert (
        crisis_text(crisis, entry.text_sealed, purpose="timeline") == "to the district hospital, PEP started"
    )


def test_closing_the_crisis_with_its_outcome(phone: Page, live_server, crisis):
    phone.goto(f"{live_server.url}/crises/{crisis.reference}")

    phone.locator("summary", has_text="Close the crisis").tap()  # opens the folded form
    phone.get_by_label("Outcome: what happened in the end?").fill("PEP and medical care; complaint filed")
    phone.get_by_role("radio", name="Yes").check()
    phone.get_by_role("button", name="Close the crisis").tap()

    expect(phone.get_by_text("Crisis closed.")).to_be_visible()
    expect(phone.locator(".crisis-state")).to_contain_text("Closed")
    expect(phone.locator(".facts").first).to_contain_text("PEP and medical care; complaint filed")
    crisis.refresh_from_db()
    assert crisis.status == Crisis.Status.CLOSED and crisis.redressed is True
    assert crisis_text(crisis, crisis.outcome_sealed, purpose="crisis.outcome").startswith("PEP and medical")


def test_the_board_refreshes_itself_without_a_reload(phone: Page, live_server, team, person, crisis):
    phone.clock.install()
    phone.goto(f"{live_server.url}/teams/{team.code}/board")
    expect(phone.locator("#board-cards")).to_contain_text(crisis.reference)
    _fits_the_phone(phone)
    phone.evaluate("window.__sameDocument = true")

    later = crisis_open(team=team, intake=Intake(crisis_type="arrest"), by=person).crisis
    with phone.expect_response(lambda r: "fragment=1" in r.url):
        phone.clock.run_for(31_000)

    expect(phone.locator("#board-cards")).to_contain_text(later.reference)
    assert phone.evaluate("window.__sameDocument") is True, "the page was reloaded"
