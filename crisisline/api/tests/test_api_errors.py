"""Failures come back in the one error shape: a crash inside an endpoint, an address that does not exist."""

from __future__ import annotations

import logging

import pytest

from crisisline.network import api as network_api

SECRET_DETAIL = "effective standards exploded for +919845012345"


@pytest.fixture
def crashing_selector(monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError(SECRET_DETAIL)

    monkeypatch.setattr(network_api, "effective_standards", crash)


def test_crash_in_an_endpoint_is_a_500_in_the_error_shape(api, network, crashing_selector, caplog):
    api.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="crisisline.api"):
        response = api.get("/api/v1/teams/KA-MYS-01")
    assert response.status_code == 500
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json() == {
        "error": {"code": "server_error", "message": "Something went wrong on the server.", "fields": {}}
    }
    text = response.content.decode()
    assert "Traceback" not in text
    assert "RuntimeError" not in text
    assert "exploded" not in text
    # Nothing is swallowed: the failure is logged for whoever runs the server.
    failures = [r for r in caplog.records if r.name == "crisisline.api" and r.levelno == logging.ERROR]
    assert len(failures) == 1
    assert failures[0].exc_info is not None and failures[0].exc_info[0] is RuntimeError


def test_crash_leaves_other_endpoints_working(api, network, crashing_selector):
    api.raise_request_exception = False
    assert api.get("/api/v1/teams/KA-MYS-01").status_code == 500
    assert api.get("/api/v1/states/KA").status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/api/v1/nothing", "/api/v1/states/KA/teams", "/api/v1/states/", "/api/v2/states", "/api/"],
)
def test_unknown_api_address_is_a_404_in_the_error_shape(api, network, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json() == {
        "error": {"code": "not_found", "message": "There is nothing at this address.", "fields": {}}
    }


def test_unknown_api_address_is_a_404_without_a_token_too(client, db):
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_unknown_page_outside_the_api_stays_html(client, db):
    response = client.get("/nothing-here/")
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html")


def test_a_wrong_method_answers_405_in_the_error_shape(api, network):
    response = api.post("/api/v1/states", data={}, content_type="application/json")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]
