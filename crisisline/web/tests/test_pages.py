"""The network pages: signed-in only, not cached, under a strict Content-Security-Policy."""

import pytest

from crisisline.network.services import standard_set

PAGES = ["/", "/states/KA/", "/teams/KA-MYS-01/"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_need_sign_in(client, network, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("path", PAGES)
def test_signed_in_pages_are_not_cached_and_carry_a_strict_policy(signed_in, network, path):
    response = signed_in.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    policy = response.headers["Content-Security-Policy"]
    assert (
        "default-src 'none'" in policy
        and "script-src 'self'" in policy
        and "frame-ancestors 'none'" in policy
    )
    assert "unsafe-inline" not in policy
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "form-action 'self' https://www.google.com;" in policy  # and the quick exit's neutral site
    assert response.headers["X-Frame-Options"] == "DENY"
    html = response.content.decode()
    assert 'class="quick-exit"' in html and "http://" not in html.replace("http://testserver", "")
    assert "<script>" not in html and " style=" not in html  # nothing inline for the policy to block


def test_home_lists_states_with_their_counts(signed_in, network):
    html = signed_in.get("/").content.decode()
    assert "Karnataka" in html and "Tamil Nadu" in html
    assert "2 districts" in html and "3 teams" in html


def test_state_page_groups_teams_by_district_and_organisation(signed_in, network):
    html = signed_in.get("/states/KA/").content.decode()
    assert html.index("Belagavi") < html.index("Mysuru")
    assert "Mysuru Mahila Sangha" in html and "/teams/KA-MYS-02/" in html
    assert "Madurai" not in html


def test_team_page_shows_each_effective_standard_with_where_it_comes_from(signed_in, network):
    standard_set(code="first_contact.sexual_violence", value=45, at=network["organisation"])
    standard_set(code="redress.within_day", value=70, at=network["teams"]["mysuru"])
    html = signed_in.get("/teams/KA-MYS-01/").content.decode()
    assert "Mysuru Bus Stand" in html and "Mysuru Mahila Sangha" in html
    assert "45 min" in html and "organisation: Mysuru Mahila Sangha" in html
    assert "70 %" in html and "team: Mysuru Bus Stand" in html
    assert "24 h" in html  # documentation complete: the network's
    assert "tel:+44" in html  # the helpline, as a link to call


def test_unknown_codes_give_the_plain_not_found_page(signed_in, network):
    response = signed_in.get("/teams/XX-99/")
    assert response.status_code == 404
    assert "This page does not exist" in response.content.decode()
    assert signed_in.get("/states/ZZ/").status_code == 404


def test_quick_exit_signs_out_and_sends_to_the_neutral_page(signed_in, network, settings):
    response = signed_in.post("/exit")
    assert response.status_code == 303
    assert response.headers["Location"] == settings.QUICK_EXIT_URL
    assert "cookies" in response.headers["Clear-Site-Data"]
    assert signed_in.get("/").status_code == 302  # signed out


def test_sign_out_is_a_post_and_ends_the_session(signed_in, network):
    assert signed_in.get("/accounts/logout/").status_code == 405
    assert signed_in.post("/accounts/logout/").status_code == 302
    assert signed_in.get("/").status_code == 302
