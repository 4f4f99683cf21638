"""The roster API: who is on call (now or at a time), the shifts and holes of a stretch, rotations made and
changed with the report of holes and overlaps, overrides. People by username only; a team whose roster the
reader may not see answers 404; a member who may see it but not change it gets 403."""

from __future__ import annotations

import json
from datetime import date, time

import pytest

from conftest import make_person
from crisisline.oncall.models import Override, Rotation
from crisisline.oncall.tests.roster_helpers import holders, rotation, team_in
from crisisline.people.services import token_create

ZONE = "Asia/Kolkata"


@pytest.fixture
def team(network):
    return team_in(network, ZONE)


@pytest.fixture
def responders(team):
    return holders(team, "responder", "rekha", "sunita")


@pytest.fixture
def rota(team, responders):
    return rotation(team, responders, starts_on=date(2026, 1, 5), handoff=time(9))


def _client(client, person):
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token_create(person=person, name='t').plaintext}"
    return client


@pytest.fixture
def lead_api(client, team):
    return _client(client, make_person("lead", ("team_lead", team)))


def _json(client, method, url, body):
    return client.generic(method, url, json.dumps(body), content_type="application/json")


BODY = {
    "name": "Nights",
    "duty": "responder",
    "members": ["sunita", "rekha"],
    "starts_on": "2026-01-05",
    "handoff": "20:00",
    "shift_hours": 24,
    "days": [],
    "active_from": "20:00",
    "active_until": "08:00",
}


def test_who_is_on_call_at_a_time(client, team, responders, rota):
    api = _client(client, responders[0])

    response = api.get(f"/api/v1/teams/{team.code}/on-call", {"at": "2026-01-06T10:00:00"})  # the team's time

    assert response.status_code == 200
    body = response.json()
    assert body["at"] == "2026-01-06T04:30:00Z"  # 10:00 in Kolkata
    assert body["duties"] == [
        {
            "duty": "responder",
            "people": [{"username": "sunita", "source": "rotation", "until": "2026-01-07T03:30:00Z"}],
        }
    ]


def test_shifts_and_holes_of_a_stretch(client, team, responders, rota):
    api = _client(client, responders[0])

    response = api.get(
        f"/api/v1/teams/{team.code}/shifts",
        {"duty": "responder", "start": "2026-01-05T00:00:00+05:30", "end": "2026-01-07T00:00:00+05:30"},
    )

    body = response.json()
    assert [(s["starts_at"], s["username"]) for s in body["shifts"]] == [
        ("2026-01-05T03:30:00Z", "rekha"),
        ("2026-01-06T03:30:00Z", "sunita"),
    ]
    assert body["holes"] == [
        {"duty": "responder", "starts_at": "2026-01-04T18:30:00Z", "ends_at": "2026-01-05T03:30:00Z"}
    ]
    too_long = api.get(
        f"/api/v1/teams/{team.code}/shifts", {"start": "2026-01-01T00:00", "end": "2026-04-01T00:00"}
    )
    assert too_long.status_code == 422 and "end" in too_long.json()["error"]["fields"]


def test_the_lead_makes_and_changes_a_rotation_and_gets_the_report(lead_api, team, responders):
    response = _json(lead_api, "POST", f"/api/v1/teams/{team.code}/rotations", BODY)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["rotation"]["members"] == ["sunita", "rekha"] and body["rotation"]["handoff"] == "20:00:00"
    assert body["report"]["holes"] and body["report"]["holes"][0]["text"].startswith("Nobody on call ")
    rotation_id = body["rotation"]["id"]

    changed = _json(
        lead_api,
        "PUT",
        f"/api/v1/teams/{team.code}/rotations/{rotation_id}",
        BODY | {"active_from": None, "active_until": None, "members": ["rekha"]},
    )

    assert changed.status_code == 200
    assert changed.json()["rotation"]["members"] == ["rekha"]
    assert Rotation.objects.get(pk=rotation_id).active_from is None


def test_bad_rotations_are_refused_with_fields_and_nothing_saved(lead_api, team, responders):
    holders(team, "lawyer", "advocate")  # a person of the team, but not a responder
    for change, field in (
        ({"members": []}, "members"),
        ({"members": ["advocate"]}, "members"),
        ({"members": ["nobody-of-that-name"]}, "members"),
        ({"shift_hours": 0}, "shift_hours"),
        ({"active_until": None}, "active_until"),
        ({"duty": "cook"}, "duty"),
    ):
        response = _json(lead_api, "POST", f"/api/v1/teams/{team.code}/rotations", BODY | change)
        assert response.status_code == 422, change
        assert field in response.json()["error"]["fields"], change
    assert not Rotation.objects.exists()


def test_the_lead_adds_an_override(lead_api, team, responders, rota):
    body = {
        "duty": "responder",
        "username": "rekha",
        "starts_at": "2026-01-06T13:00",
        "ends_at": "2026-01-06T15:00",
    }

    response = _json(lead_api, "POST", f"/api/v1/teams/{team.code}/overrides", body)

    assert response.status_code == 201
    assert response.json()["starts_at"] == "2026-01-06T07:30:00Z"
    refused = _json(lead_api, "POST", f"/api/v1/teams/{team.code}/overrides", body | {"username": "someone"})
    assert refused.status_code == 422 and "username" in refused.json()["error"]["fields"]
    assert Override.objects.count() == 1


def test_a_member_reads_but_may_not_change_and_others_get_404(client, team, responders, rota, network):
    member = _client(client, responders[0])
    assert _json(member, "POST", f"/api/v1/teams/{team.code}/rotations", BODY).status_code == 403
    assert _json(member, "PUT", f"/api/v1/teams/{team.code}/rotations/{rota.pk}", BODY).status_code == 403

    outsider = _client(client, make_person("lakshmi", ("responder", network["teams"]["mysuru2"])))
    assert outsider.get(f"/api/v1/teams/{team.code}/on-call").status_code == 404
    assert outsider.get(f"/api/v1/teams/{team.code}/shifts").status_code == 404
    assert outsider.get("/api/v1/teams/NO-SUCH/on-call").status_code == 404
    assert not Rotation.objects.exclude(pk=rota.pk).exists()
