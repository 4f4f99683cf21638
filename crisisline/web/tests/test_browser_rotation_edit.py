"""A team lead on a 360 x 640 phone signs in with both factors, opens the team's on-call page, changes the
order of the rotation and sees the new person shown as on call now, with the report of the rota after
saving. The pages fit the phone: nothing scrolls sideways."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import TEST_TOTP_SECRET, make_person
from crisisline.lib.totp import code_at
from crisisline.oncall.models import RotationMember
from crisisline.oncall.rosters import local, on_call_at
from crisisline.oncall.services_rosters import rotation_save

pytestmark = pytest.mark.browser
PASSWORD = "long-enough-password-1"


@pytest.fixture
def team(network):
    return network["teams"]["mysuru"]


@pytest.fixture
def lead(team):
    return make_person("lead", ("team_lead", team))


@pytest.fixture
def responders(team):
    return [make_person(name, ("responder", team)) for name in ("rekha", "sunita", "kavya")]


@pytest.fixture
def rota(team, responders):
    """Rekha holds a long first shift that began yesterday, so who is on call now does not depend on the
    hour the test runs."""
    yesterday = local(timezone.now(), team.time_zone).date() - timedelta(days=1)
    rotation, _report = rotation_save(
        team=team,
        name="Responders",
        duty="responder",
        members=responders,
        starts_on=yesterday,
        handoff=time(0),
        shift_hours=24 * 14,
        days=[],
        active_from=None,
        active_until=None,
        by=None,
    )
    return rotation


def _fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the page scrolls sideways"


def _sign_in(page: Page, live_server, path: str) -> None:
    page.goto(f"{live_server.url}{path}")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").tap()
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/"))
    page.get_by_label("Code from the app").fill(code_at(TEST_TOTP_SECRET, datetime.now(UTC)))
    page.get_by_role("button", name="Continue").tap()
    page.wait_for_url(lambda url: "/accounts/" not in url, wait_until="load")


def test_a_lead_edits_the_rotation_and_sees_the_new_person_on_call(page: Page, live_server, team, lead, rota):
    _sign_in(page, live_server, f"/teams/{team.code}/")
    assert page.viewport_size == {"width": 360, "height": 640}
    page.get_by_role("link", name="Who is on call").tap()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"On call {team.code}")
    expect(page.locator("#now .person")).to_have_text(["rekha"])
    expect(page.locator("#week .seg").first).to_be_visible()  # the week's bars
    _fits_the_phone(page)

    page.get_by_role("link", name="Edit Responders").tap()
    expect(page.get_by_role("heading", name="Edit rotation Responders")).to_be_visible()
    _fits_the_phone(page)
    page.get_by_label("Position of rekha").fill("2")
    page.get_by_label("Position of sunita").fill("1")
    save = page.get_by_role("button", name="Save rotation")
    save.scroll_into_view_if_needed()
    save.tap()

    expect(page).to_have_url(re.compile(rf"/teams/{team.code}/oncall#report$"))
    expect(page.get_by_role("heading", name="Rotation “Responders” saved.")).to_be_visible()
    expect(page.locator("#now .person")).to_have_text(["sunita"])
    _fits_the_phone(page)
    order = list(RotationMember.objects.filter(rotation=rota).values_list("person__username", flat=True))
    assert order == ["sunita", "rekha", "kavya"]
    sunita = rota.members.get(position=0).person
    assert [c.person_id for c in on_call_at(team, "responder", timezone.now())] == [sunita.pk]
