"""Logging a crisis through the API: 201 with its address, a retry with the same key opens nothing new, a
refusal names the field in the request's language, and nothing is saved on any error."""

import json

import pytest
from django.utils import translation

from crisisline.audit.models import AuditEntry
from crisisline.crises.models import Client, Crisis, TimelineEntry

URL = "/api/v1/crises"


def post(api, body: dict, **headers):
    return api.post(URL, json.dumps(body), content_type="application/json", **headers)


def saved() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Crisis, Client, TimelineEntry, AuditEntry))


@pytest.fixture
def intake(team):
    return {"team": team.code, "crisis_type": "sexual_violence", "place": "near the lodge", "note": "hurt"}


def test_a_new_crisis_answers_201_with_its_location(api, intake):
    response = post(api, intake | {"phone": "098450 12345"})
    assert response.status_code == 201, response.content
    crisis = Crisis.objects.get()
    assert response.headers["Location"] == f"/api/v1/crises/{crisis.reference}"
    body = response.json()
    assert body["reference"] == crisis.reference and body["status"] == "new" and body["via"] == "api"
    assert body["urgency"] == "immediate" and body["opened_by"] == "meena"
    assert body["place"] == "near the lodge" and body["note"] == "hurt"
    assert body["client_code"] == crisis.client.code
    assert body["steps"][0]["code"] == "first_contact"
    assert "9845012345" not in response.content.decode()
    assert api.get(response.headers["Location"]).json()["reference"] == crisis.reference


def test_a_repeat_with_the_same_key_and_body_answers_200_with_the_same_crisis(api, intake):
    first = post(api, intake, HTTP_IDEMPOTENCY_KEY="call-42")
    again = post(api, intake, HTTP_IDEMPOTENCY_KEY="call-42")
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    assert again.status_code == 200, again.content
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["reference"] == first.json()["reference"]
    assert again.headers["Location"] == first.headers["Location"]
    assert Crisis.objects.count() == 1


def test_the_same_key_with_another_body_is_a_conflict(api, intake):
    first = post(api, intake, HTTP_IDEMPOTENCY_KEY="call-42")
    before = saved()
    other = post(api, intake | {"note": "something else"}, HTTP_IDEMPOTENCY_KEY="call-42")
    assert other.status_code == 409
    error = other.json()["error"]
    assert error["code"] == "conflict" and first.json()["reference"] in error["message"]
    assert "idempotency_key" in error["fields"]
    assert saved() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"crisis_type": "teleport"}, "crisis_type"),
        ({"urgency": "whenever"}, "urgency"),
        ({"locality": 999_999}, "locality"),
        ({"place": "x" * 201}, "place"),
        ({"note": "x" * 2001}, "note"),
        ({"phone": "12"}, "phone"),
        ({"client_code": "K-NOONE"}, "client_code"),
        ({"crisis_type": None}, "crisis_type"),  # not a string: the schema refuses it
        ({"locality": "the bus stand"}, "locality"),
    ],
)
def test_each_bad_field_is_a_422_that_names_it_and_saves_nothing(api, intake, change, field):
    before = saved()
    response = post(api, intake | change)
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"], error
    assert saved() == before


def test_a_locality_of_another_team_is_refused(api, intake, network):
    elsewhere = network["teams"]["belagavi"].localities.get()
    response = post(api, intake | {"locality": elsewhere.pk})
    assert response.status_code == 422 and "locality" in response.json()["error"]["fields"]


def test_an_idempotency_key_longer_than_64_characters_is_refused(api, intake):
    response = post(api, intake, HTTP_IDEMPOTENCY_KEY="k" * 65)
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["error"]["fields"]
    assert Crisis.objects.count() == 0


def test_refusals_answer_in_the_language_of_the_request(api, intake):
    refused = post(api, intake | {"crisis_type": "teleport"}, HTTP_ACCEPT_LANGUAGE="hi")
    assert refused.status_code == 422 and refused.headers["Content-Language"] == "hi"
    with translation.override("hi"):
        expected = translation.gettext("The crisis was not saved.")
    assert refused.json()["error"]["message"] == expected
    # The schema's refusal has a Hindi translation in the catalogue: the switch itself shows.
    invalid = post(api, {"team": intake["team"]}, HTTP_ACCEPT_LANGUAGE="hi")
    with translation.override("hi"):
        hindi = translation.gettext("Some fields are not valid.")
    assert hindi != "Some fields are not valid."
    assert invalid.json()["error"]["message"] == hindi


def test_an_unknown_team_is_a_404(api, intake):
    response = post(api, intake | {"team": "XX-NONE-01"})
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert saved()[0] == 0


def test_a_team_the_person_does_not_log_for_is_a_403(api, intake):
    before = saved()
    response = post(api, intake | {"team": "KA-BEL-01"})
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    assert saved() == before
