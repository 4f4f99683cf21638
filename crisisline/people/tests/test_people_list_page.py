"""The people list: everyone for an administrator (filtered by team, role, active), the people of the led
teams for a team lead, and only username, display name, roles, active and second factor for each."""

from __future__ import annotations

import re

import pytest

from conftest import make_person, sign_in
from crisisline.people.models import Person

URL = "/people/"


@pytest.fixture
def crowd(network, person, administrator):
    teams = network["teams"]
    devi = make_person("devi", ("responder", teams["mysuru"]))
    devi.display_name = "Devi Akka"
    devi.totp_confirmed_at = None
    devi.save()
    return {
        "lead": make_person("lakshmi", ("team_lead", teams["mysuru"])),
        "devi": devi,
        "ravi": make_person("ravi", ("call_receiver", teams["mysuru"]), ("lawyer", teams["madurai"])),
        "asha": make_person("asha", ("call_receiver", teams["mysuru2"])),
        "pooja": make_person("pooja", ("programme_manager", network["states"]["KA"])),
    }


def listed(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'href="/people/person/([^/]+)/"', response.content.decode())


def rows(response) -> str:
    """The list itself, without the filter form above it."""
    text = response.content.decode()
    return text[text.index('<ul class="people">') : text.index("</main>")]


def test_administrator_sees_everyone(client, administrator, crowd):
    sign_in(client, administrator)
    assert listed(client.get(URL)) == ["admin", "asha", "devi", "lakshmi", "meena", "pooja", "ravi"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"team": "KA-MYS-01"}, ["devi", "lakshmi", "meena", "ravi"]),
        ({"role": "call_receiver"}, ["asha", "meena", "ravi"]),
        ({"team": "TN-MAD-01", "role": "lawyer"}, ["ravi"]),
        ({"team": "TN-MAD-01", "role": "call_receiver"}, []),
        ({"role": "programme_manager"}, ["pooja"]),
        ({"active": "no"}, ["asha"]),
        ({"active": "yes", "team": "KA-MYS-02"}, []),
    ],
)
def test_administrator_filters(client, administrator, crowd, query, expected):
    Person.objects.filter(username="asha").update(is_active=False)
    sign_in(client, administrator)
    assert listed(client.get(URL, query)) == expected


def test_lead_sees_the_people_of_own_team_only(client, crowd):
    sign_in(client, crowd["lead"])
    response = client.get(URL)
    assert listed(response) == ["devi", "lakshmi", "meena", "ravi"]
    text = rows(response)
    assert "TN-MAD-01" not in text and "Madurai" not in text and "Lawyer" not in text  # not hers to see
    assert "Also holds roles elsewhere." in text
    assert "TN-MAD-01" not in response.content.decode()  # not among the teams to filter by either
    assert listed(client.get(URL, {"role": "lawyer"})) == []
    response = client.get(URL, {"team": "TN-MAD-01"})
    assert listed(response) == []
    assert "There is no team with this code among yours." in response.content.decode()


def test_a_call_receiver_sees_only_themselves(client, person, crowd):
    sign_in(client, person)
    assert listed(client.get(URL)) == ["meena"]


def test_each_row_shows_what_it_should_and_nothing_more(client, administrator, crowd):
    sign_in(client, administrator)
    row = rows(client.get(URL, {"team": "KA-MYS-01", "role": "responder"}))
    assert "devi" in row and "Devi Akka" in row
    assert "Responder (on call)" in row and "Mysuru Bus Stand" in row
    assert "Two-factor: no" in row and "Active" in row
    assert "argon2" not in row and "date_joined" not in row


def test_the_list_is_paged(client, administrator, network):
    for index in range(55):
        make_person(f"member{index:02d}", ("call_receiver", network["teams"]["mysuru"]))
    sign_in(client, administrator)
    first = client.get(URL, {"role": "call_receiver"})
    assert len(listed(first)) == 50
    assert "role=call_receiver&amp;page=2" in first.content.decode()
    assert len(listed(client.get(URL, {"role": "call_receiver", "page": 2}))) == 5


def test_signed_out_visitors_are_sent_to_sign_in(client, network):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
