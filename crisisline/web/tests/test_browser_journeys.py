"""What a team member does on a small phone: sign in, read the network, switch to Hindi, and leave at once
with the quick-exit button or three presses of Escape, with or without JavaScript.

The neutral page that quick exit goes to is answered by the browser itself (`route`), so no test needs the
internet."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from conftest import TEST_TOTP_SECRET
from crisisline.lib.totp import code_at
from crisisline.web.tests.conftest import PHONE

NEUTRAL_URL = "https://neutral.example/weather"
NEUTRAL_PAGE = "<!doctype html><title>Weather</title><h1>Weather today</h1>"
PASSWORD = "long-enough-password-1"

pytestmark = pytest.mark.browser


@pytest.fixture
def neutral(settings):
    """Quick exit goes to a page of our own; set before any page is loaded, as the page carries it."""
    settings.QUICK_EXIT_URL = NEUTRAL_URL
    return NEUTRAL_URL


def _answer_neutral_page(target) -> None:
    target.route(
        NEUTRAL_URL, lambda route: route.fulfill(status=200, content_type="text/html", body=NEUTRAL_PAGE)
    )


def _sign_in(page: Page, live_server, password: str = PASSWORD) -> None:
    page.goto(live_server.url)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    page.get_by_label("Username").fill("meena")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if password == PASSWORD:  # the second step: the code Meena's authenticator app would show now
        expect(page).to_have_url(re.compile(r"/accounts/second-factor/"))
        page.get_by_label("Code from the app").fill(code_at(TEST_TOTP_SECRET, datetime.now(UTC)))
        page.get_by_role("button", name="Continue").click()
        # Loaded, not only arrived: the quick-exit script is deferred and must be listening.
        page.wait_for_url(lambda url: "/accounts/second-factor/" not in url, wait_until="load")


def _quick_exit_button(page: Page):
    return page.get_by_role("button", name="Quick exit")


def test_sign_in_on_a_small_phone(page: Page, live_server, person, network, tmp_path):
    _sign_in(page, live_server)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("link", name=re.compile("Karnataka"))).to_be_visible()
    assert page.viewport_size == {"width": 360, "height": 640}
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the page scrolls sideways"
    expect(_quick_exit_button(page)).to_be_visible()
    expect(_quick_exit_button(page)).to_be_in_viewport()
    screenshot = tmp_path / "home.png"
    page.screenshot(path=screenshot, full_page=True)
    assert screenshot.read_bytes().startswith(b"\x89PNG") and screenshot.stat().st_size > 1000


def test_a_wrong_password_says_so_and_stays_on_sign_in(page: Page, live_server, person):
    _sign_in(page, live_server, password="not-the-password")

    expect(page.get_by_role("alert")).to_have_text("The username or password is not right. Try again.")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_label("Username")).to_have_value("meena")


def _leave_and_check_the_session_ended(page: Page, live_server, leave) -> None:
    """Run `leave` on a signed-in page and check that the browser shows the neutral page without a new
    history entry, and that the sign-out reached the server (the old session cookie no longer works)."""
    _answer_neutral_page(page)
    _sign_in(page, live_server)
    expect(page).to_have_url(f"{live_server.url}/")
    session = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    history_before = page.evaluate("history.length")

    with page.expect_request(lambda r: r.url == f"{live_server.url}/exit" and r.method == "POST") as beacon:
        leave(page)
    expect(page).to_have_url(NEUTRAL_URL)
    expect(page.get_by_role("heading", name="Weather today")).to_be_visible()
    assert page.evaluate("history.length") == history_before, "quick exit left a page to go back to"
    assert beacon.value.post_data and "csrfmiddlewaretoken" in beacon.value.post_data
    beacon.value.response()  # the server has answered the sign-out

    page.context.add_cookies([session])  # even if the phone kept the cookie, it is worth nothing now
    page.goto(live_server.url)
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_quick_exit_by_tap(page: Page, live_server, person, network, neutral):
    _leave_and_check_the_session_ended(page, live_server, lambda p: _quick_exit_button(p).tap())


def test_quick_exit_by_pressing_escape_three_times(page: Page, live_server, person, network, neutral):
    def press_escape_three_times(p: Page) -> None:
        for _ in range(3):
            p.keyboard.press("Escape")

    _leave_and_check_the_session_ended(page, live_server, press_escape_three_times)


def test_two_presses_of_escape_do_not_leave(page: Page, live_server, person, network, neutral):
    _answer_neutral_page(page)
    _sign_in(page, live_server)
    expect(page).to_have_url(f"{live_server.url}/")

    page.keyboard.press("Escape")
    page.keyboard.press("Escape")

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("link", name=re.compile("Karnataka"))).to_be_visible()


def test_switch_to_hindi_from_the_footer(page: Page, live_server, person, network, compiled_hindi):
    _sign_in(page, live_server)
    expect(page).to_have_url(f"{live_server.url}/")

    page.locator('footer button[name="language"][value="hi"]').tap()

    expect(page.locator("html")).to_have_attribute("lang", "hi")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("button", name="तुरंत बाहर")).to_be_visible()  # Quick exit
    expect(page.locator("footer")).to_contain_text("लॉग आउट करें")  # Sign out
    expect(page.get_by_text("2 ज़िले", exact=False)).to_be_visible()  # 2 districts
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "Hindi text makes the page scroll"


@pytest.fixture
def page_without_javascript(browser):
    context = browser.new_context(**PHONE, java_script_enabled=False)
    _answer_neutral_page(context)
    yield context.new_page()
    context.close()


def test_sign_in_works_without_javascript(page_without_javascript: Page, live_server, person, network):
    page = page_without_javascript
    _sign_in(page, live_server)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("link", name=re.compile("Karnataka"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_quick_exit_works_without_javascript(
    page_without_javascript: Page, live_server, person, network, neutral
):
    page = page_without_javascript
    _sign_in(page, live_server)
    expect(page).to_have_url(f"{live_server.url}/")

    _quick_exit_button(page).tap()

    expect(page).to_have_url(NEUTRAL_URL)
    expect(page.get_by_role("heading", name="Weather today")).to_be_visible()
    page.goto(live_server.url)
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
