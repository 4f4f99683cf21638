"""Lists come in pages: ?page=&page_size=, with the count of items and of pages; bad values are refused."""

from __future__ import annotations

import pytest

from crisisline.api.base import PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX
from crisisline.network.models import District, State


@pytest.fixture
def five_states(network):
    """KA and TN from the network fixture, and three more: AP, GJ, MH."""
    for code, name in (("AP", "Andhra Pradesh"), ("GJ", "Gujarat"), ("MH", "Maharashtra")):
        State.objects.create(code=code, name=name)


def page(api, **query):
    response = api.get("/api/v1/states", query)
    assert response.status_code == 200, response.content
    body = response.json()
    return [s["code"] for s in body["items"]], body["count"], body["page"], body["pages"]


def test_defaults_are_page_one_of_the_default_size(api, five_states):
    assert PAGE_SIZE_DEFAULT >= 5
    assert page(api) == (["AP", "GJ", "KA", "MH", "TN"], 5, 1, 1)


def test_pages_split_the_list_in_order(api, five_states):
    assert page(api, page=1, page_size=2) == (["AP", "GJ"], 5, 1, 3)
    assert page(api, page=2, page_size=2) == (["KA", "MH"], 5, 2, 3)
    assert page(api, page=3, page_size=2) == (["TN"], 5, 3, 3)


def test_page_size_that_divides_the_count(api, five_states):
    assert page(api, page=5, page_size=1) == (["TN"], 5, 5, 5)
    assert page(api, page=1, page_size=5) == (["AP", "GJ", "KA", "MH", "TN"], 5, 1, 1)


def test_largest_page_size_is_allowed(api, five_states):
    assert page(api, page_size=PAGE_SIZE_MAX) == (["AP", "GJ", "KA", "MH", "TN"], 5, 1, 1)


def test_an_empty_list_is_one_empty_page(api, network):
    State.objects.create(code="GA", name="Goa")
    response = api.get("/api/v1/districts", {"state": "GA"})
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0, "page": 1, "pages": 1}


def test_filtered_list_counts_only_what_matches(api, network):
    District.objects.create(state=network["states"]["KA"], code="KA-BLR", name="Bengaluru Urban")
    response = api.get("/api/v1/districts", {"state": "KA", "page_size": 2, "page": 2})
    assert response.json() == {
        "items": [{"code": "KA-MYS", "name": "Mysuru", "state": "KA"}],
        "count": 3,
        "page": 2,
        "pages": 2,
    }


@pytest.mark.parametrize(("page_number", "page_size", "pages"), [(4, 2, 3), (2, 50, 1), (99, 1, 5)])
def test_page_beyond_the_last_is_not_found(api, five_states, page_number, page_size, pages):
    response = api.get("/api/v1/states", {"page": page_number, "page_size": page_size})
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "page_out_of_range"
    assert str(pages) in error["message"]
    assert error["fields"] == {"page": "Too high."}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page_size": 0}, "page_size"),
        ({"page_size": 1000}, "page_size"),
        ({"page_size": PAGE_SIZE_MAX + 1}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
        ({"page": "abc"}, "page"),
        ({"page": 0}, "page"),
        ({"page": -1}, "page"),
    ],
)
def test_invalid_paging_is_refused_naming_the_field(api, five_states, query, field):
    response = api.get("/api/v1/states", query)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"] == "Some fields are not valid."
    assert list(error["fields"]) == [field]
    assert error["fields"][field]  # says what is wrong


def test_paging_works_the_same_on_every_list(api, network):
    for url, count in (
        ("/api/v1/districts", 3),
        ("/api/v1/organisations", 3),
        ("/api/v1/teams", 4),
    ):
        response = api.get(url, {"page": 2, "page_size": 2})
        assert response.status_code == 200, url
        body = response.json()
        assert (len(body["items"]), body["count"], body["page"], body["pages"]) == (count - 2, count, 2, 2)
        assert api.get(url, {"page": 3, "page_size": 2}).json()["error"]["code"] == "page_out_of_range"
        assert api.get(url, {"page_size": 0}).json()["error"]["fields"] == {
            "page_size": "Input should be greater than or equal to 1"
        }
