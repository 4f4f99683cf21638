"""The second step on a small phone: signing in with a code from the authenticator app, and setting the
app up the first time (without scanning: the key is read from the page, as someone would type it)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from conftest import TEST_TOTP_SECRET, make_person
from crisisline.lib.totp import code_at
from crisisline.people.models import Person

PASSWORD = "long-enough-password-1"

pytestmark = pytest.mark.browser


def _password(page: Page, live_server, username: str) -> None:
    page.goto(live_server.url)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the page scrolls sideways"


def test_sign_in_with_password_then_the_code_from_the_app(page: Page, live_server, person, network):
    _password(page, live_server, "meena")

    expect(page).to_have_url(re.compile(r"/accounts/second-factor/$"))
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    code = page.get_by_label("Code from the app")
    expect(code).to_be_focused()
    expect(code).to_have_attribute("inputmode", "numeric")
    expect(code).to_have_attribute("autocomplete", "one-time-code")
    _fits_the_phone(page)

    code.fill(code_at(TEST_TOTP_SECRET, datetime.now(UTC)))
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("link", name=re.compile("Karnataka"))).to_be_visible()


def test_a_wrong_code_says_so_and_stays_on_the_second_step(page: Page, live_server, person, network):
    _password(page, live_server, "meena")
    page.get_by_label("Code from the app").fill("000000")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/"))


def test_set_up_the_app_then_see_the_backup_codes_once(page: Page, live_server, network):
    ravi = make_person("ravi", ("responder", network["teams"]["mysuru"]))
    Person.objects.filter(pk=ravi.pk).update(totp_secret_sealed="", totp_confirmed_at=None)

    _password(page, live_server, "ravi")

    expect(page).to_have_url(re.compile(r"/accounts/second-factor/setup/$"))
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.get_by_role("img", name="QR code for the authenticator app")).to_be_visible()
    expect(page.get_by_role("link", name="Open in the app on this phone")).to_have_attribute(
        "href", re.compile(r"^otpauth://totp/")
    )
    _fits_the_phone(page)
    key = page.locator("#secret").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", key), key

    page.get_by_label("Type the 6-digit code the app shows").fill(
        code_at(key.replace(" ", ""), datetime.now(UTC))
    )
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="Backup codes")).to_be_visible()
    codes = page.locator(".backup-codes li")
    expect(codes).to_have_count(10)
    assert all(re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}", text) for text in codes.all_inner_texts())
    _fits_the_phone(page)

    page.get_by_role("link", name="I have written them down").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("link", name=re.compile("Karnataka"))).to_be_visible()

    # The back button does not bring the codes back: the page was not stored (no-store), so the browser
    # would have to post the form again, and it will not do that by itself.
    with pytest.raises(PlaywrightError, match="ERR_CACHE_MISS"):
        page.go_back()
    expect(page.locator(".backup-codes li")).to_have_count(0)
