"""The read-only network API: states, districts, organisations, teams with effective standards, standards."""

from __future__ import annotations

import pytest

from crisisline.lib.phones import demo_number
from crisisline.network.services import standard_set
from crisisline.network.standards import STANDARDS


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["items"]]


def assert_not_found(response, message: str) -> None:
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": message, "fields": {}}}


# --- States ---------------------------------------------------------------------------------------------
def test_state_list(api, network):
    response = api.get("/api/v1/states")
    assert response.status_code == 200
    assert response.json() == {
        "items": [{"code": "KA", "name": "Karnataka"}, {"code": "TN", "name": "Tamil Nadu"}],
        "count": 2,
        "page": 1,
        "pages": 1,
    }


def test_state_read(api, network):
    response = api.get("/api/v1/states/TN")
    assert response.status_code == 200
    assert response.json() == {"code": "TN", "name": "Tamil Nadu"}


def test_state_read_unknown(api, network):
    assert_not_found(api.get("/api/v1/states/XX"), "No state with code XX.")


# --- Districts ------------------------------------------------------------------------------------------
def test_district_list(api, network):
    response = api.get("/api/v1/districts")
    assert response.json() == {
        "items": [
            {"code": "KA-BEL", "name": "Belagavi", "state": "KA"},
            {"code": "KA-MYS", "name": "Mysuru", "state": "KA"},
            {"code": "TN-MAD", "name": "Madurai", "state": "TN"},
        ],
        "count": 3,
        "page": 1,
        "pages": 1,
    }


@pytest.mark.parametrize(("state", "expected"), [("KA", ["KA-BEL", "KA-MYS"]), ("TN", ["TN-MAD"])])
def test_district_list_by_state(api, network, state, expected):
    assert codes(api.get("/api/v1/districts", {"state": state})) == expected


def test_district_list_unknown_state(api, network):
    assert_not_found(api.get("/api/v1/districts", {"state": "XX"}), "No state with code XX.")


def test_district_read(api, network):
    response = api.get("/api/v1/districts/KA-MYS")
    assert response.status_code == 200
    assert response.json() == {"code": "KA-MYS", "name": "Mysuru", "state": "KA"}


def test_district_read_unknown(api, network):
    assert_not_found(api.get("/api/v1/districts/KA-XXX"), "No district with code KA-XXX.")


# --- Organisations --------------------------------------------------------------------------------------
def test_organisation_list(api, network):
    response = api.get("/api/v1/organisations")
    assert response.json() == {
        "items": [
            {"code": "KA-BEL-O1", "name": "Belagavi Jyothi Sangha", "district": "KA-BEL"},
            {"code": "KA-MYS-O1", "name": "Mysuru Mahila Sangha", "district": "KA-MYS"},
            {"code": "TN-MAD-O1", "name": "Madurai Pengal Sangam", "district": "TN-MAD"},
        ],
        "count": 3,
        "page": 1,
        "pages": 1,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"district": "KA-MYS"}, ["KA-MYS-O1"]),
        ({"state": "KA"}, ["KA-BEL-O1", "KA-MYS-O1"]),
        ({"state": "TN"}, ["TN-MAD-O1"]),
        ({"state": "KA", "district": "KA-BEL"}, ["KA-BEL-O1"]),
        ({"state": "TN", "district": "KA-BEL"}, []),  # both filters apply
    ],
)
def test_organisation_list_filters(api, network, query, expected):
    assert codes(api.get("/api/v1/organisations", query)) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"district": "KA-XXX"}, "No district with code KA-XXX."),
        ({"state": "XX"}, "No state with code XX."),
    ],
)
def test_organisation_list_unknown_filter(api, network, query, message):
    assert_not_found(api.get("/api/v1/organisations", query), message)


def test_organisation_read(api, network):
    response = api.get("/api/v1/organisations/TN-MAD-O1")
    assert response.status_code == 200
    assert response.json() == {"code": "TN-MAD-O1", "name": "Madurai Pengal Sangam", "district": "TN-MAD"}


def test_organisation_read_unknown(api, network):
    assert_not_found(api.get("/api/v1/organisations/NOPE"), "No organisation with code NOPE.")


# --- Teams ----------------------------------------------------------------------------------------------
def test_team_list(api, network):
    response = api.get("/api/v1/teams")
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["pages"]) == (4, 1, 1)
    assert [team["code"] for team in body["items"]] == ["KA-BEL-01", "KA-MYS-01", "KA-MYS-02", "TN-MAD-01"]
    first = body["items"][0]
    assert {key: value for key, value in first.items() if key != "effective_standards"} == {
        "code": "KA-BEL-01",
        "name": "Belagavi Fort",
        "organisation": "KA-BEL-O1",
        "district": "KA-BEL",
        "state": "KA",
        "time_zone": "Asia/Kolkata",
        "languages": ["kn"],
    }
    # The list carries no helplines or localities: those are on the team's own page.
    assert "helplines" not in first and "localities" not in first
    for team in body["items"]:
        assert [s["code"] for s in team["effective_standards"]] == [s.code for s in STANDARDS]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"state": "KA"}, ["KA-BEL-01", "KA-MYS-01", "KA-MYS-02"]),
        ({"state": "TN"}, ["TN-MAD-01"]),
        ({"district": "KA-MYS"}, ["KA-MYS-01", "KA-MYS-02"]),
        ({"organisation": "KA-BEL-O1"}, ["KA-BEL-01"]),
        ({"state": "KA", "district": "KA-MYS", "organisation": "KA-MYS-O1"}, ["KA-MYS-01", "KA-MYS-02"]),
        ({"state": "TN", "organisation": "KA-MYS-O1"}, []),
    ],
)
def test_team_list_filters(api, network, query, expected):
    assert codes(api.get("/api/v1/teams", query)) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"state": "XX"}, "No state with code XX."),
        ({"district": "KA-XXX"}, "No district with code KA-XXX."),
        ({"organisation": "NOPE"}, "No organisation with code NOPE."),
    ],
)
def test_team_list_unknown_filter(api, network, query, message):
    assert_not_found(api.get("/api/v1/teams", query), message)


@pytest.fixture
def tightened(network, administrator):
    """Standards set at every level, so that each level binds for some standard."""
    teams = network["teams"]
    standard_set(code="first_contact.sexual_violence", value=45, by=administrator)
    standard_set(code="first_contact.arrest", value=90, at=network["states"]["KA"], by=administrator)
    standard_set(code="first_contact.health_emergency", value=30, at=network["organisation"])
    standard_set(code="redress.within_day", value=80, at=teams["mysuru"])
    # The network tightens physical violence past the state's own value: the network binds again.
    standard_set(code="first_contact.physical_violence", value=600, at=network["states"]["KA"])
    standard_set(code="first_contact.physical_violence", value=300, by=administrator)
    return network


def test_team_read(api, network):
    response = api.get("/api/v1/teams/KA-MYS-01")
    assert response.status_code == 200
    body = response.json()
    assert {key: value for key, value in body.items() if key != "effective_standards"} == {
        "code": "KA-MYS-01",
        "name": "Mysuru Bus Stand",
        "organisation": "KA-MYS-O1",
        "district": "KA-MYS",
        "state": "KA",
        "time_zone": "Asia/Kolkata",
        "languages": ["kn"],
        "helplines": [demo_number(0)],
        "localities": ["Bus stand"],
    }
    by_code = {s["code"]: s for s in body["effective_standards"]}
    assert list(by_code) == [s.code for s in STANDARDS]
    assert by_code["first_contact.sexual_violence"] == {
        "code": "first_contact.sexual_violence",
        "label": "First contact after sexual violence",
        "unit": "minutes",
        "stricter": "lower",
        "value": 60,
        "display": "1 h",
        "source_level": "network",
        "chain": [
            {"level": "network", "name": "", "value": 60},
            {"level": "state", "name": "Karnataka", "value": None},
            {"level": "organisation", "name": "Mysuru Mahila Sangha", "value": None},
            {"level": "team", "name": "Mysuru Bus Stand", "value": None},
        ],
    }


def test_team_read_says_where_each_value_comes_from(api, tightened):
    body = api.get("/api/v1/teams/KA-MYS-01").json()
    by_code = {s["code"]: s for s in body["effective_standards"]}

    def summary(code):
        item = by_code[code]
        return item["value"], item["display"], item["source_level"], [link["value"] for link in item["chain"]]

    assert summary("first_contact.sexual_violence") == (45, "45 min", "network", [45, None, None, None])
    assert summary("first_contact.arrest") == (90, "90 min", "state", [120, 90, None, None])
    assert summary("first_contact.health_emergency") == (30, "30 min", "organisation", [60, None, 30, None])
    assert summary("redress.within_day") == (80, "80 %", "team", [60, None, None, 80])
    assert summary("first_contact.physical_violence") == (300, "5 h", "network", [300, 600, None, None])
    assert summary("first_contact.other") == (1440, "24 h", "network", [1440, None, None, None])


def test_team_values_do_not_leak_to_other_teams(api, tightened):
    body = api.get("/api/v1/teams/KA-MYS-02").json()
    by_code = {s["code"]: s for s in body["effective_standards"]}
    assert (by_code["redress.within_day"]["value"], by_code["redress.within_day"]["source_level"]) == (
        60,
        "network",
    )
    assert by_code["first_contact.health_emergency"]["source_level"] == "organisation"
    madurai = {s["code"]: s for s in api.get("/api/v1/teams/TN-MAD-01").json()["effective_standards"]}
    assert madurai["first_contact.arrest"]["value"] == 120
    assert madurai["first_contact.arrest"]["chain"][1] == {
        "level": "state",
        "name": "Tamil Nadu",
        "value": None,
    }


def test_team_list_carries_the_same_effective_standards_as_team_read(api, tightened):
    listed = {team["code"]: team["effective_standards"] for team in api.get("/api/v1/teams").json()["items"]}
    for code in ("KA-MYS-01", "KA-MYS-02", "KA-BEL-01", "TN-MAD-01"):
        assert listed[code] == api.get(f"/api/v1/teams/{code}").json()["effective_standards"]


def test_team_read_unknown(api, network):
    assert_not_found(api.get("/api/v1/teams/KA-MYS-99"), "No team with code KA-MYS-99.")


# --- Standards ------------------------------------------------------------------------------------------
def test_standard_list(api, network):
    response = api.get("/api/v1/standards")
    assert response.status_code == 200
    body = response.json()
    assert [s["code"] for s in body] == [s.code for s in STANDARDS]
    assert body[0] == {
        "code": "first_contact.sexual_violence",
        "label": "First contact after sexual violence",
        "unit": "minutes",
        "stricter": "lower",
        "network_default": 60,
        "network_value": 60,
        "maximum": 7 * 24 * 60,
    }
    redress = body[-1]
    assert (redress["code"], redress["unit"], redress["stricter"]) == (
        "redress.within_day",
        "percent",
        "higher",
    )


def test_standard_list_shows_the_networks_current_value(api, tightened):
    body = {s["code"]: s for s in api.get("/api/v1/standards").json()}
    # Set by the network: its value, next to the built-in default.
    assert (
        body["first_contact.sexual_violence"]["network_default"],
        body["first_contact.sexual_violence"]["network_value"],
    ) == (60, 45)
    assert body["first_contact.physical_violence"]["network_value"] == 300
    # Tightened only by a state, an organisation or a team: the network's value is still the default.
    assert body["first_contact.arrest"]["network_value"] == 120
    assert body["first_contact.health_emergency"]["network_value"] == 60
    assert body["redress.within_day"]["network_value"] == 60
