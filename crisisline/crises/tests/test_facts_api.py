"""Incident details through the API: read each field's current value with who recorded it, when and its
history; record them; a change of a recorded value needs a reason (422 with the fields that need one),
keeps the earlier value, and is shown in the history; 404 for a crisis the token's person may not see."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from conftest import make_person
from crisisline.crises.models import Fact
from crisisline.crises.services import facts_record
from crisisline.people.services import token_create

INCIDENT = {
    "incident_at": "2026-11-27T22:30:00+05:30",
    "place_type": "lodge",
    "what_happened": "PLANTED a client hit her with a bottle",
    "injuries": "cut on the left arm",
    "perpetrators": [{"category": "client", "count": 1, "sex": "male", "relation": "regular_client"}],
}


def post(api, crisis, body: dict):
    return api.post(
        f"/api/v1/crises/{crisis.reference}/facts", json.dumps(body), content_type="application/json"
    )


def by_field(body: dict) -> dict[str, dict]:
    return {item["field"]: item for item in body["fields"]}


@pytest.fixture
def crisis(open_crisis):
    return open_crisis("physical_violence")


def test_nothing_recorded_yet_lists_the_fields_of_the_crisis(api, crisis):
    response = api.get(f"/api/v1/crises/{crisis.reference}/facts")
    assert response.status_code == 200, response.content
    fields = by_field(response.json())
    assert list(fields) == ["incident_at", "place_type", "what_happened", "injuries", "perpetrators"]
    assert fields["place_type"] == {
        "field": "place_type",
        "label": "Where: kind of place",
        "kind": "choice",
        "recorded": False,
        "value": None,
        "recorded_at": None,
        "by": None,
        "reason": "",
        "history": [],
    }


def test_recording_every_field(api, crisis):
    response = post(api, crisis, {"values": INCIDENT})
    assert response.status_code == 200, response.content
    fields = by_field(response.json())
    for code, value in INCIDENT.items():
        assert fields[code]["value"] == value, code
        assert fields[code]["by"] == "meena" and fields[code]["recorded"] is True
        assert len(fields[code]["history"]) == 1 and fields[code]["history"][0]["reason"] == ""
    assert "PLANTED" not in "".join(Fact.objects.values_list("text_sealed", flat=True))

    read = api.get(f"/api/v1/crises/{crisis.reference}/facts").json()
    assert read == response.json()
    assert datetime.fromisoformat(by_field(read)["injuries"]["recorded_at"])


def test_arrest_details_on_an_arrest(api, open_crisis):
    arrest = open_crisis("arrest")
    values = {
        "police_station": "City police station",
        "arrested_at": "2026-11-27T19:10:00+05:30",
        "grounds_told": False,
        "lawyer_present": True,
        "magistrate_at": "2026-11-28T11:00:00+05:30",
        "bail_applied": True,
        "bail_granted": True,
    }
    fields = by_field(post(api, arrest, {"values": values}).json())
    assert {code: fields[code]["value"] for code in values} == values


def test_a_correction_needs_a_reason_and_keeps_the_history(api, crisis):
    post(api, crisis, {"values": INCIDENT})

    refused = post(api, crisis, {"values": {"place_type": "street", "injuries": "cut on the left arm"}})
    assert refused.status_code == 422
    assert refused.json()["error"] == {
        "code": "invalid",
        "message": "Say why you change what was recorded.",
        "fields": {
            "values.place_type": "A reason is needed to correct this.",
            "reason": "Say why: you change what was recorded.",
        },
    }
    assert Fact.objects.filter(field="place_type").count() == 1

    corrected = post(api, crisis, {"values": {"place_type": "street"}, "reason": "it was on the road"})
    assert corrected.status_code == 200, corrected.content
    place = by_field(corrected.json())["place_type"]
    assert (place["value"], place["reason"], place["by"]) == ("street", "it was on the road", "meena")
    assert [(e["value"], e["reason"]) for e in place["history"]] == [
        ("lodge", ""),
        ("street", "it was on the road"),
    ]

    # The same value again changes nothing and needs no reason.
    again = post(api, crisis, {"values": {"place_type": "street"}})
    assert again.status_code == 200 and Fact.objects.filter(field="place_type").count() == 2


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"incident_at": "2026-11-27T22:30"}, "values.incident_at"),  # no offset: which zone?
        ({"place_type": "moon"}, "values.place_type"),
        ({"perpetrators": [{"category": "client", "relation": "her uncle Ramesh"}]}, "values.perpetrators"),
        ({"grounds_told": True}, "values.grounds_told"),  # an arrest detail on a crisis that is not an arrest
        ({"favourite_colour": "red"}, "values.favourite_colour"),
    ],
)
def test_bad_values_are_refused_with_their_field_and_nothing_is_saved(api, crisis, values, field):
    response = post(api, crisis, {"values": {"injuries": "bruises", **values}})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"
    assert field in response.json()["error"]["fields"]
    assert not Fact.objects.exists()


def test_an_empty_request_is_refused(api, crisis):
    for body in ({"values": {}}, {}, {"values": "lodge"}):
        response = post(api, crisis, body)
        assert response.status_code == 422, body
        assert response.json()["error"]["fields"]


def test_a_crisis_one_may_not_see_is_not_found(client, crisis, network, responder):
    facts_record(crisis=crisis, by=responder, values={"what_happened": INCIDENT["what_happened"]})
    outsider = make_person("kavya", ("call_receiver", network["teams"]["mysuru2"]))
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token_create(person=outsider, name='t').plaintext}"
    for response in (
        client.get(f"/api/v1/crises/{crisis.reference}/facts"),
        post(client, crisis, {"values": {"what_happened": "changed"}, "reason": "x"}),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found" and "PLANTED" not in response.content.decode()
    assert Fact.objects.count() == 1


def test_a_token_is_needed(client, crisis):
    assert client.get(f"/api/v1/crises/{crisis.reference}/facts").status_code == 401
