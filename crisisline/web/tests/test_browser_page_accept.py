"""A responder's phone buzzes at night: she opens the link in the page, signs in (both steps), taps
"I am going", and lands on the crisis, which is now hers. At 360 x 640, the way she would."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from conftest import TEST_TOTP_SECRET, make_person
from crisisline.crises.services import Intake, crisis_open
from crisisline.lib.totp import code_at
from crisisline.messaging.models import Message
from crisisline.messaging.services import contact_point_add
from crisisline.oncall.models import Escalation

PASSWORD = "long-enough-password-1"

pytestmark = pytest.mark.browser


def test_a_responder_accepts_a_page_from_its_link(page: Page, live_server, person, network):
    team = network["teams"]["mysuru"]
    rekha = make_person("rekha", ("responder", team))
    contact_point_add(person=rekha, channel="console", address="rekha")
    crisis = crisis_open(
        team=team, intake=Intake(crisis_type="physical_violence", urgency="urgent"), by=person
    ).crisis
    body = Message.objects.get(page__crisis=crisis).body
    assert crisis.reference in body and "rekha" not in body
    link = re.search(r"https?://\S+/p/\S+", body).group(0)
    path = "/p/" + link.split("/p/", 1)[1]

    page.goto(live_server.url + path)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/p/"))
    expect(page.locator("body")).not_to_contain_text(crisis.reference)  # nothing before sign-in
    page.get_by_label("Username").fill("rekha")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code from the app").fill(code_at(TEST_TOTP_SECRET, datetime.now(UTC)))
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(live_server.url + path)
    expect(page.get_by_role("heading", name=re.compile(crisis.reference))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the page scrolls sideways"
    going = page.get_by_role("button", name="I am going")
    box = going.bounding_box()
    assert box is not None and box["height"] >= 48, "the button is too small to hit with a thumb"
    going.tap()

    expect(page).to_have_url(f"{live_server.url}/crises/{crisis.reference}")
    expect(page.locator("#timeline")).to_contain_text("accepted")
    escalation = Escalation.objects.get(crisis=crisis)
    assert escalation.state == Escalation.State.ACCEPTED and escalation.accepted_by == rekha
